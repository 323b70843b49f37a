"""The numbers behind the statistics tab, for whatever frame the current filter leaves.

Each function returns a small DataFrame: one table per chart, the same table the chart
draws and that "Save as CSV" writes (``to_csv``). Figures follow the COIG-CQIA paper:
rows per source and subset (Table 1), task types (Figure 2), instruction and output
lengths (Figure 3), plus provenance and, once curating has begun, status, reasons
and each curator's decisions.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Callable, Sequence

import polars as pl

from app.core.load.schema import LENGTH_COLUMNS, TEXT_FIELDS
from app.core.text.wordpass import COUNT_COLUMNS, top_verb_nouns
from app.core.text.workpool import atomic_write

from . import turnstats
from .bins import DEFAULT_EDGES, bin_table, share as _share

NONE_LABEL = "(none)"


def rows_by_source(frame: pl.DataFrame, *, by_subset: bool = True) -> pl.DataFrame:
    """Table 1: source, [subset,] rows, share; largest sources first, then their subsets."""
    keys = ["source", "subset"] if by_subset else ["source"]
    counts = frame.group_by(keys).agg(pl.len().cast(pl.UInt32).alias("rows"))
    if by_subset:
        counts = counts.with_columns(pl.col("rows").sum().over("source").alias("_source_rows"))
        counts = counts.sort(["_source_rows", "source", "rows", "subset"], descending=[True, False, True, False])
        counts = counts.drop("_source_rows")
    else:
        counts = counts.sort(["rows", "source"], descending=[True, False])
    return counts.with_columns(_share())


def task_types(frame: pl.DataFrame, level: str = "major") -> pl.DataFrame:
    """Figure 2: task_type, rows, share. A row with several types counts once per type,
    so shares are of type mentions; rows with no type count as "(none)"."""
    if level not in ("major", "minor"):
        raise ValueError("level must be 'major' or 'minor'")
    col = f"task_{level}"
    exploded = frame.select(
        pl.when(pl.col(col).list.len() > 0).then(pl.col(col)).otherwise(pl.lit([NONE_LABEL])).alias("task_type")
    ).explode("task_type")
    counts = exploded.group_by("task_type").agg(pl.len().cast(pl.UInt32).alias("rows"))
    return counts.sort(["rows", "task_type"], descending=[True, False]).with_columns(_share())


def _value_counts(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    values = frame.select(pl.col(column).cast(pl.String).fill_null(NONE_LABEL).replace("", NONE_LABEL).alias(column))
    counts = values.group_by(column).agg(pl.len().cast(pl.UInt32).alias("rows"))
    return counts.sort(["rows", column], descending=[True, False]).with_columns(_share())


def answer_from(frame: pl.DataFrame) -> pl.DataFrame:
    """answer_from, rows, share (human / expert / llm; empty as "(none)")."""
    return _value_counts(frame, "answer_from")


def human_verified(frame: pl.DataFrame) -> pl.DataFrame:
    """human_verified ("true" / "false" / "(none)"), rows, share."""
    return _value_counts(frame, "human_verified")


def length_bins(
    frame: pl.DataFrame,
    field: str,
    *,
    unit: str = "chars",
    tokens: pl.DataFrame | None = None,
    edges: Sequence[int] = DEFAULT_EDGES,
) -> pl.DataFrame:
    """Figure 3: bin, lo, hi (exclusive; null for the open last bin), rows, share, for
    ``field``'s length in characters or jieba words. Word counts come from the frame's
    own tok_<field> column or from ``tokens`` (rid + tok_<field>, the token cache).
    Every bin is listed, empty ones with 0 rows, so charts keep their axis."""
    if field not in TEXT_FIELDS:
        raise ValueError(f"field must be one of {TEXT_FIELDS}")
    if list(edges) != sorted(set(edges)) or not edges or edges[0] != 0:
        raise ValueError("edges must be increasing and start at 0")
    if unit == "chars":
        length = pl.col(LENGTH_COLUMNS[field]) if LENGTH_COLUMNS[field] in frame.columns else pl.col(field).fill_null("").str.len_chars()
        values = frame.select(length.cast(pl.Int64).alias("n"))
    elif unit == "words":
        col = COUNT_COLUMNS[field]
        if col not in frame.columns:
            if tokens is None:
                raise ValueError(f"word lengths need {col}: pass the token cache's results as tokens=")
            frame = frame.select("rid").join(tokens.select("rid", col), on="rid", how="left", maintain_order="left")
        values = frame.select(pl.col(col).cast(pl.Int64).alias("n")).drop_nulls()
    else:
        raise ValueError("unit must be 'chars' or 'words'")
    return bin_table(values, edges)


def length_summary(frame: pl.DataFrame, tokens: pl.DataFrame | None = None) -> pl.DataFrame:
    """field, unit, mean, median, p90, max for each text field (words when available)."""
    rows = []
    for field in TEXT_FIELDS:
        units = [("chars", pl.col(field).fill_null("").str.len_chars())]
        col = COUNT_COLUMNS[field]
        source = frame
        if col not in frame.columns and tokens is not None and col in tokens.columns:
            source = frame.select("rid", field).join(tokens.select("rid", col), on="rid", how="left", maintain_order="left")
        if col in source.columns:
            units.append(("words", pl.col(col)))
        for unit, expr in units:
            stats = source.select(
                expr.mean().alias("mean"), expr.median().alias("median"), expr.quantile(0.9).alias("p90"), expr.max().cast(pl.Float64).alias("max")
            ).row(0)
            rows.append((field, unit, *[None if v is None or (isinstance(v, float) and math.isnan(v)) else round(float(v), 1) for v in stats]))
    return pl.DataFrame(rows, schema=["field", "unit", "mean", "median", "p90", "max"], orient="row")


def status_by_source(frame: pl.DataFrame) -> pl.DataFrame | None:
    """source, status, rows (None until the frame carries a ``status`` column)."""
    return _by_source(frame, "status")


def reasons_by_source(frame: pl.DataFrame) -> pl.DataFrame | None:
    """source, reason, rows over rows that have a reason (None without a ``reason`` column)."""
    if "reason" not in frame.columns:
        return None
    given = frame.filter(pl.col("reason").is_not_null() & (pl.col("reason").cast(pl.String) != ""))
    return _by_source(given, "reason")


def _by_source(frame: pl.DataFrame, column: str) -> pl.DataFrame | None:
    if column not in frame.columns:
        return None
    values = frame.select("source", pl.col(column).cast(pl.String).fill_null(NONE_LABEL).alias(column))
    counts = values.group_by("source", column).agg(pl.len().cast(pl.UInt32).alias("rows"))
    return counts.sort(["source", "rows", column], descending=[False, True, False])


CURATOR_STATUSES = ("accepted", "rejected", "edited")


def decisions_by_curator(frame: pl.DataFrame) -> pl.DataFrame | None:
    """curator, accepted, rejected, edited, total over the rows someone curated (None
    without a ``curator`` column), for whoever changed each row last; busiest curator
    first. Edited is the text changed, whatever was decided after (an edited then
    accepted row counts under both); total counts each row once."""
    if "curator" not in frame.columns or "status" not in frame.columns:
        return None
    status = pl.col("status").cast(pl.String)
    edited = (pl.col("edited_fields").list.len() > 0) if "edited_fields" in frame.columns else status == "edited"
    counts = (
        frame.lazy()
        .select(pl.col("curator").cast(pl.String).fill_null(NONE_LABEL), status, edited.alias("__edited__"))
        .filter(status.is_in(CURATOR_STATUSES))
        .group_by("curator")
        .agg((status == "accepted").sum().cast(pl.UInt32).alias("accepted"),
             (status == "rejected").sum().cast(pl.UInt32).alias("rejected"),
             pl.col("__edited__").sum().cast(pl.UInt32).alias("edited"), pl.len().cast(pl.UInt32).alias("total"))
        .sort(["total", "curator"], descending=[True, False])
    )
    return counts.collect()


def verb_nouns(frame: pl.DataFrame, tokens: pl.DataFrame, verbs: int = 20, nouns: int = 4) -> pl.DataFrame:
    """The diversity chart's table for the rows of ``frame`` (tokens: rid, verb, noun)."""
    pairs = frame.select("rid").join(tokens.select("rid", "verb", "noun"), on="rid", how="inner")
    return top_verb_nouns(pairs, verbs, nouns)


# name -> (title, function of the frame): what the statistics tab shows, in order.
TABLES: dict[str, tuple[str, Callable[[pl.DataFrame], pl.DataFrame | None]]] = {
    "rows_by_source": ("Rows per source and subset", rows_by_source),
    "task_major": ("Task types (major)", lambda f: task_types(f, "major")),
    "task_minor": ("Task types (minor)", lambda f: task_types(f, "minor")),
    "instruction_chars": ("Instruction length (characters)", lambda f: length_bins(f, "instruction")),
    "output_chars": ("Output length (characters)", lambda f: length_bins(f, "output")),
    "answer_from": ("Answer source", answer_from),
    "human_verified": ("Human verified", human_verified),
    "status_by_source": ("Status per source", status_by_source),
    "reasons_by_source": ("Reject reasons per source", reasons_by_source),
    "decisions_by_curator": ("Decisions per curator", decisions_by_curator),
}


def all_tables(frame: pl.DataFrame, tokens: pl.DataFrame | None = None) -> dict[str, pl.DataFrame]:
    """Every table that applies to ``frame``; word-length tables too when ``tokens`` is given."""
    out = {name: table for name, (_, fn) in TABLES.items() if (table := fn(frame)) is not None}
    if turnstats.holds_conversations(frame):  # formats, turns per row, roles, lengths per role

        lengths = turnstats.role_lengths(frame)
        out["formats"], out["turns_per_row"] = turnstats.formats(frame), turnstats.turns_per_row(frame)
        out["roles"] = turnstats.roles_present(frame)
        for role in turnstats.ROLES:
            out[f"{role}_chars"] = turnstats.role_length_bins(frame, role, lengths)
    if tokens is not None:
        out["instruction_words"] = length_bins(frame, "instruction", unit="words", tokens=tokens)
        out["output_words"] = length_bins(frame, "output", unit="words", tokens=tokens)
        out["verb_nouns"] = verb_nouns(frame, tokens)
    return out


def to_csv(table: pl.DataFrame, path: str | Path) -> Path:
    """Write ``table`` as UTF-8 CSV with a BOM (so Excel reads the Chinese), atomically.
    List columns are joined with "; "."""
    flat = table.with_columns(
        pl.col(c).cast(pl.List(pl.String)).list.join("; ") for c, t in table.schema.items() if isinstance(t, pl.List)
    )
    path = Path(path)
    atomic_write(path, lambda tmp: tmp.write_bytes(b"\xef\xbb\xbf" + flat.write_csv().encode("utf-8")))
    return path
