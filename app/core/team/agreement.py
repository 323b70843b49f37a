"""How often two curators agree: over the rows both decided (accepted or rejected), the
share of equal decisions and Cohen's kappa on accept/reject, overall and per source.

kappa = (p_o - p_e) / (1 - p_e), with p_o the observed agreement and p_e the agreement
expected by chance from each curator's own accept rate. It is undefined (null) when
p_e = 1, i.e. both curators gave every shared row the same single decision.
"""
from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from app.core.curate.overlay import DECISIONS, Overlay

ALL = "(all)"  # the `source` of the overall row
CELLS = ("both_accept", "both_reject", "mine_accept_theirs_reject", "mine_reject_theirs_accept")
SCHEMA = pl.Schema({"source": pl.String, "n": pl.UInt32, "agree": pl.UInt32, "agreement": pl.Float64,
                    "kappa": pl.Float64, **{c: pl.UInt32 for c in CELLS}})


def cohen_kappa(both_accept: int, both_reject: int, mine_accept_theirs_reject: int,
                mine_reject_theirs_accept: int) -> float | None:
    """Kappa of one 2x2 table (the textbook formula, for checks and single tables)."""
    n = both_accept + both_reject + mine_accept_theirs_reject + mine_reject_theirs_accept
    if n == 0:
        return None
    po = (both_accept + both_reject) / n
    mine_acc = (both_accept + mine_accept_theirs_reject) / n
    theirs_acc = (both_accept + mine_reject_theirs_accept) / n
    pe = mine_acc * theirs_acc + (1 - mine_acc) * (1 - theirs_acc)
    return None if pe >= 1 else (po - pe) / (1 - pe)


def _decisions(overlay: Overlay, name: str) -> pl.DataFrame:
    frame = overlay.overlay_frame().select("rid", "status")
    return frame.filter(pl.col("status").is_in(DECISIONS)).rename({"status": name})


def _stats() -> list[pl.Expr]:
    acc_m = pl.col("mine") == "accepted"
    acc_t = pl.col("theirs") == "accepted"
    return [
        pl.len().cast(pl.UInt32).alias("n"),
        (acc_m & acc_t).sum().cast(pl.UInt32).alias("both_accept"),
        (~acc_m & ~acc_t).sum().cast(pl.UInt32).alias("both_reject"),
        (acc_m & ~acc_t).sum().cast(pl.UInt32).alias("mine_accept_theirs_reject"),
        (~acc_m & acc_t).sum().cast(pl.UInt32).alias("mine_reject_theirs_accept"),
    ]


def agreement(base_frame: pl.DataFrame, mine: Overlay, theirs: Overlay) -> pl.DataFrame:
    """One row for all shared decisions (source "(all)"), then one per source (by name):
    source, n, agree, agreement, kappa and the four cells of the accept/reject table."""
    both = _decisions(mine, "mine").join(_decisions(theirs, "theirs"), on="rid", how="inner")
    both = both.join(base_frame.select("rid", "source"), on="rid", how="left").with_columns(
        pl.col("source").fill_null("(not in the release)"))
    overall = both.select(_stats()).with_columns(pl.lit(ALL, pl.String).alias("source"))
    per = both.group_by("source").agg(_stats()).sort("source")
    table = pl.concat([overall, per], how="diagonal")
    n = pl.col("n").cast(pl.Float64)
    po = (pl.col("both_accept") + pl.col("both_reject")).cast(pl.Float64) / n
    acc_m = (pl.col("both_accept") + pl.col("mine_accept_theirs_reject")).cast(pl.Float64) / n
    acc_t = (pl.col("both_accept") + pl.col("mine_reject_theirs_accept")).cast(pl.Float64) / n
    pe = acc_m * acc_t + (1 - acc_m) * (1 - acc_t)
    table = table.with_columns(
        (pl.col("both_accept") + pl.col("both_reject")).cast(pl.UInt32).alias("agree"),
        pl.when(pl.col("n") > 0).then(po).otherwise(None).alias("agreement"),
        pl.when((pl.col("n") > 0) & (pe < 1 - 1e-12)).then((po - pe) / (1 - pe)).otherwise(None).alias("kappa"),
    )
    return table.select(list(SCHEMA)).cast(dict(SCHEMA))


def agreement_with_version(base_frame: pl.DataFrame, mine: Overlay, mine_name: str,
                           theirs: Path | str) -> tuple[pl.DataFrame, str]:
    """The agreement table of the decisions ``mine`` (a project's state, named
    ``mine_name``) and ``theirs`` (a project's latest version, or a version file), and a
    line naming both."""
    from .lineage import open_version

    ref = open_version(theirs)
    table = agreement(base_frame, mine, ref.overlay())
    return table, f"{mine_name} vs {ref.author or '?'}'s {ref.name} ({ref.project.name})"


def agreement_between(release, mine: Path | str, theirs: Path | str) -> tuple[pl.DataFrame, str]:
    """As agreement_with_version, for project folder ``mine`` (its current state on disk)."""
    from app.core.store.curation import open_overlay

    return agreement_with_version(release.frame, open_overlay(release, mine), Path(mine).name, theirs)


def format_agreement(table: pl.DataFrame, title: str = "") -> str:
    lines = [title] if title else []
    if table.is_empty() or table["n"][0] == 0:
        return "\n".join(lines + ["no rows were decided by both curators"]) + "\n"
    width = max(len(s) for s in table["source"].to_list())
    lines.append(f"{'source':<{width}}  {'n':>7}  {'agree':>7}  {'rate':>6}  {'kappa':>6}")
    for row in table.iter_rows(named=True):
        kappa = "   n/a" if row["kappa"] is None else f"{row['kappa']:6.3f}"
        lines.append(f"{row['source']:<{width}}  {row['n']:>7,}  {row['agree']:>7,}  {row['agreement']:6.1%}  {kappa}")
    return "\n".join(lines) + "\n"


def agreement_json(table: pl.DataFrame) -> str:
    return json.dumps(table.to_dicts(), ensure_ascii=False, indent=2)
