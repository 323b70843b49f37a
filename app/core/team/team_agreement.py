"""How well N curators agree, on the rows two or more of them decided (the assignment's
shared rows): Cohen's kappa per pair and Fleiss' kappa overall, each on accept/reject
and on reasons (a row's category: accepted, or rejected with its reason); per curator
the rows decided, items per hour, reject rate and reasons; the rows they disagree on, as
a queue the review mode can open (a view restricted to those rows).

Cohen (per pair, rows both decided): kappa = (p_o - p_e) / (1 - p_e), p_e = sum over
categories of the product of each curator's share of it.
Fleiss (rows decided by n_i >= 2 curators; n_ij of them chose category j):
P_i = (sum_j n_ij^2 - n_i) / (n_i (n_i - 1)), P = mean P_i, p_j = sum_i n_ij / sum_i n_i,
P_e = sum_j p_j^2, kappa = (P - P_e) / (1 - P_e). With the same number of curators on
every row this is Fleiss' (1971) formula; shared rows have two. Undefined (null) when
P_e = 1 (everyone chose one category throughout).
"""
from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Mapping

import polars as pl

from app.core.query.filters import FilterSpec
from .activity import DECIDED_SCHEMA

PAIR_SCHEMA = {"a": pl.String, "b": pl.String, "n": pl.Int64, "agree": pl.Int64, "agreement": pl.Float64,
               "kappa": pl.Float64, "agree_reasons": pl.Int64, "kappa_reasons": pl.Float64}
CURATOR_SCHEMA = {"curator": pl.String, "decided": pl.Int64, "accepted": pl.Int64, "rejected": pl.Int64,
                  "reject_rate": pl.Float64, "spent_s": pl.Float64, "per_hour": pl.Float64, "shared": pl.Int64}


def _kappa(po: float, pe: float) -> float | None:
    return None if pe >= 1 - 1e-12 else (po - pe) / (1 - pe)


def _long(decided: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    parts = [f.select("rid", "decision", "reason").with_columns(pl.lit(name, pl.String).alias("curator"))
             for name, f in decided.items()]
    frame = pl.concat(parts) if parts else pl.DataFrame(schema={**DECIDED_SCHEMA, "curator": pl.String}).drop("at")
    return frame.with_columns(
        pl.when(pl.col("decision") == "accepted").then(pl.lit("accepted"))
        .otherwise(pl.lit("rejected: ") + pl.col("reason").fill_null("")).alias("category"))


def cohen(a: pl.Series, b: pl.Series) -> tuple[int, int, float | None]:
    """(n, agreements, kappa) of two curators' categories on the same rows."""
    n = a.len()
    if n == 0:
        return 0, 0, None
    agree = int((a == b).sum())
    pa = a.value_counts(normalize=True, name="pa").rename({a.name: "c"})
    pb = b.value_counts(normalize=True, name="pb").rename({b.name: "c"})
    pe = float(pa.join(pb, on="c", how="inner").select((pl.col("pa") * pl.col("pb")).sum()).item() or 0.0)
    return n, agree, _kappa(agree / n, pe)


def fleiss(long: pl.DataFrame, column: str) -> dict:
    """Fleiss' kappa of ``column`` over rows two or more curators rated (see the module)."""
    rated = long.filter(pl.len().over("rid") >= 2)
    if rated.is_empty():
        return {"items": 0, "ratings": 0, "kappa": None, "observed": None, "expected": None}
    cells = rated.group_by("rid", column).len("nij")
    items = cells.group_by("rid").agg(pl.col("nij").sum().alias("ni"), (pl.col("nij") ** 2).sum().alias("sq"))
    p_bar = float(items.select(((pl.col("sq") - pl.col("ni")) / (pl.col("ni") * (pl.col("ni") - 1))).mean()).item())
    total = int(items["ni"].sum())
    p_e = float(cells.group_by(column).agg(pl.col("nij").sum()).select(((pl.col("nij") / total) ** 2).sum()).item())
    return {"items": items.height, "ratings": total, "kappa": _kappa(p_bar, p_e), "observed": p_bar, "expected": p_e}


def fleiss_from_counts(counts: list[list[int]]) -> float | None:
    """Fleiss' kappa of an items x categories table of counts (for checks and tables)."""
    long = pl.DataFrame({"rid": [i for i, row in enumerate(counts) for j, n in enumerate(row) for _ in range(n)],
                         "c": [j for row in counts for j, n in enumerate(row) for _ in range(n)]})
    return fleiss(long, "c")["kappa"]


@dataclass
class TeamAgreement:
    pairs: pl.DataFrame  # PAIR_SCHEMA
    fleiss_decision: dict
    fleiss_reason: dict
    curators: pl.DataFrame  # CURATOR_SCHEMA
    reasons: pl.DataFrame  # curator, reason, rows
    disagreements: pl.DataFrame  # rid, file, line, decisions ("ann: accepted; bob: rejected (重复)")

    def view(self) -> FilterSpec:
        """The rows curators disagree on, as a view the review mode opens as its queue."""
        return FilterSpec(rids=tuple(self.disagreements["rid"].to_list()))

    def to_json(self) -> dict:
        reasons: dict[str, dict[str, int]] = {}
        for name, reason, n in self.reasons.iter_rows():
            reasons.setdefault(name, {})[reason] = n
        return {
            "pairs": self.pairs.to_dicts(),
            "fleiss": {"decision": self.fleiss_decision, "reason": self.fleiss_reason},
            "curators": [{**r, "reasons": reasons.get(r["curator"], {})} for r in self.curators.to_dicts()],
            "disagreements": {"rows": self.disagreements.height,
                              "items": [{"rid": f"{r:016x}", "file": f, "line": ln, "decisions": d}
                                        for r, f, ln, d in self.disagreements.iter_rows()],
                              "view": self.view().to_text()},
        }


def team_agreement(decided: Mapping[str, pl.DataFrame], base_frame: pl.DataFrame,
                   spent: Mapping[str, float] | None = None) -> TeamAgreement:
    """``decided``: per curator their accepted and rejected rows (rid, decision, reason)."""
    long = _long(decided)
    shared = long.filter(pl.len().over("rid") >= 2)
    pairs = []
    for a, b in itertools.combinations(decided, 2):
        both = shared.filter(pl.col("curator") == a).join(shared.filter(pl.col("curator") == b), on="rid",
                                                          suffix="_b")
        n, agree, kappa = cohen(both["decision"], both["decision_b"])
        _, agree_r, kappa_r = cohen(both["category"], both["category_b"])
        pairs.append({"a": a, "b": b, "n": n, "agree": agree, "agreement": agree / n if n else None, "kappa": kappa,
                      "agree_reasons": agree_r, "kappa_reasons": kappa_r})
    curators = []
    for name, frame in decided.items():
        acc = int((frame["decision"] == "accepted").sum())
        secs = (spent or {}).get(name)
        curators.append({"curator": name, "decided": frame.height, "accepted": acc, "rejected": frame.height - acc,
                         "reject_rate": (frame.height - acc) / frame.height if frame.height else None,
                         "spent_s": secs, "per_hour": frame.height * 3600.0 / secs if secs and secs >= 1.0 else None,
                         "shared": int((shared["curator"] == name).sum())})
    reasons = (long.filter(pl.col("decision") == "rejected").group_by("curator", pl.col("reason").fill_null(""))
               .len("rows").sort("curator", "rows", "reason", descending=[False, True, False]))
    split = shared.group_by("rid").agg(pl.col("category").n_unique().alias("k"),
                                       pl.format("{}: {}", "curator", "category").sort().str.join("; ").alias("decisions"))
    split = split.filter(pl.col("k") > 1).drop("k")
    where = base_frame.select("rid", "file", "line").join(split, on="rid", how="inner")
    missing = split.join(where, on="rid", how="anti").with_columns(pl.lit(None, pl.String).alias("file"),
                                                                  pl.lit(None, pl.UInt32).alias("line"))
    disagreements = pl.concat([where.sort("file", "line"), missing.sort("rid").select(where.columns)])
    return TeamAgreement(pl.DataFrame(pairs, schema=PAIR_SCHEMA), fleiss(long, "decision"), fleiss(long, "category"),
                         pl.DataFrame(curators, schema=CURATOR_SCHEMA), reasons.select("curator", "reason", "rows"),
                         disagreements.select("rid", "file", "line", "decisions"))


def team_agreement_of(release, folder) -> TeamAgreement:
    """The agreement of the curators of the shared folder ``folder`` (their projects'
    current states, read without a lock)."""
    from .progress import TeamReader

    board = TeamReader(folder).dashboard()
    acts = board.activities
    return team_agreement({n: a.decided for n, a in acts.items()}, release.frame, {n: a.spent_s for n, a in acts.items()})


def _k(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:6.3f}"


def format_team_agreement(t: TeamAgreement, title: str = "") -> str:
    lines = [title] if title else []
    fd, fr = t.fleiss_decision, t.fleiss_reason
    if not fd["items"]:
        lines.append("no rows were decided by two or more curators")
    else:
        lines.append(f"Fleiss' kappa over {fd['items']:,} rows decided by two or more: accept/reject {_k(fd['kappa']).strip()}, "
                     f"reasons {_k(fr['kappa']).strip()}")
    if t.pairs.height:
        width = max(len(f"{a} / {b}") for a, b in t.pairs.select("a", "b").iter_rows())
        lines.append(f"{'pair':<{width}}  {'n':>6}  {'agree':>6}  {'kappa':>6}  {'reasons':>7}")
        for r in t.pairs.iter_rows(named=True):
            rate = f"{r['agreement']:6.1%}" if r["agreement"] is not None else "     —"
            lines.append(f"{r['a'] + ' / ' + r['b']:<{width}}  {r['n']:>6,}  {rate}  {_k(r['kappa'])}  {_k(r['kappa_reasons']):>7}")
    width = max([len(n) for n in t.curators["curator"].to_list()] + [7])
    lines.append(f"{'curator':<{width}}  {'decided':>7}  {'per hour':>8}  {'rejects':>7}  reasons")
    reasons: dict[str, list[str]] = {}
    for name, reason, n in t.reasons.iter_rows():
        reasons.setdefault(name, []).append(f"{reason or '(none)'} {n:,}")
    for r in t.curators.iter_rows(named=True):
        rate = f"{r['per_hour']:,.0f}" if r["per_hour"] else "—"
        rej = f"{r['reject_rate']:.0%}" if r["reject_rate"] is not None else "—"
        lines.append(f"{r['curator']:<{width}}  {r['decided']:>7,}  {rate:>8}  {rej:>7}  {', '.join(reasons.get(r['curator'], []))}")
    lines.append(f"{t.disagreements.height:,} rows with different decisions (the review queue: paste this view, "
                 "Ctrl+Shift+V):" if t.disagreements.height else "no rows with different decisions")
    if t.disagreements.height:
        lines.append(t.view().to_text())
    return "\n".join(lines) + "\n"


def team_agreement_json(t: TeamAgreement) -> str:
    return json.dumps(t.to_json(), ensure_ascii=False, indent=2)
