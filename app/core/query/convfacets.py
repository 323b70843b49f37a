"""Facets of a conversation (issue 23): turns per row in bins (``n_turns``) and the roles
a row's turns have (``roles``, a list facet), beside the ``format`` column.

Both are made from the inner shape, never per format, once per frame (kept in the frame
memo: the roles need every stored turn laid flat), and attached as columns to the frame
a filter or a count runs on. ``role_turns`` gives every turn of schema.all_turns() as
(row, role, chars) without building the turns of single-turn rows (all_turns() took 10 s
for the roles of 500,000 COIG-CQIA rows; this takes milliseconds).
"""
from __future__ import annotations

from typing import Iterable

import polars as pl

from app.core.load import schema
from app.core.load.framefacts import MEMO

DERIVED = ("n_turns", "roles")
# Lower edges of the turns-per-row bins and their labels (turns other than system ones,
# instruction and input counting as one: schema.n_turns).
TURN_BINS = ((0, "0"), (1, "1"), (2, "2"), (3, "3-4"), (5, "5-8"), (9, "9-16"), (17, "17+"))
ROLE_TURNS_SCHEMA = pl.Schema({"row": pl.UInt32, "role": pl.String, "chars": pl.UInt32})


def n_turns_bin() -> pl.Expr:
    n = schema.n_turns()
    expr = pl.lit(TURN_BINS[0][1])
    for lo, label in TURN_BINS[1:]:
        expr = pl.when(n >= lo).then(pl.lit(label)).otherwise(expr)
    return expr.alias("n_turns")


def role_turns(frame: pl.DataFrame) -> pl.DataFrame:
    """Every turn of every row as schema.all_turns() gives it, in no set order: row (position), role,
    chars (its text's length). The stored turns are laid flat; a single-turn row's are
    its instruction, input (when not empty) and output, each only when not empty for
    ``other`` (all_turns' rule); the system text is a system turn when not empty."""
    if frame.is_empty():
        return pl.DataFrame(schema=ROLE_TURNS_SCHEMA)
    text = {c: pl.col(c).fill_null("") for c in ("instruction", "input", "output", "system")}
    lf = frame.lazy().select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("row"), "format", *text.values(),
                             pl.col("turns").cast(schema.TURNS))
    stored = pl.col("turns").list.len().fill_null(0) > 0
    flat = (lf.filter(stored).select("row", "turns").explode("turns")
            .select("row", pl.col("turns").struct.field("role").alias("role"),
                    pl.col("turns").struct.field("text").fill_null("").str.len_chars().alias("chars")))
    single = lf.filter(~stored & pl.col("format").is_in(schema.SINGLE_TURN_FORMATS))
    other = pl.col("format") == "other"

    def made(column: str, role: str, keep: pl.Expr) -> pl.LazyFrame:
        return single.filter(keep).select("row", pl.lit(role).alias("role"), pl.col(column).str.len_chars().alias("chars"))

    parts = [flat,
             made("instruction", "user", ~other | (pl.col("instruction") != "")),
             made("input", "user", pl.col("input") != ""),
             made("output", "assistant", ~other | (pl.col("output") != "")),
             lf.filter(pl.col("system") != "").select("row", pl.lit("system").alias("role"),
                                                      pl.col("system").str.len_chars().alias("chars"))]
    return pl.concat([p.select(pl.col("row"), pl.col("role").cast(pl.String), pl.col("chars").cast(pl.UInt32))
                      for p in parts]).collect()


def role_column(frame: pl.DataFrame) -> pl.Series:
    """``roles``: per row, the roles its turns have, sorted ([] for none)."""
    present = role_turns(frame).select("row", "role").unique().group_by("row").agg(pl.col("role").sort().alias("roles"))
    rows = pl.DataFrame({"row": pl.int_range(frame.height, dtype=pl.UInt32, eager=True)})
    joined = rows.join(present, on="row", how="left", maintain_order="left")
    return joined.select(pl.col("roles").fill_null(pl.lit([], dtype=pl.List(pl.String)))).to_series()


def _derived(frame: pl.DataFrame, name: str) -> pl.Series:
    def compute() -> pl.Series:
        if name == "roles":
            return role_column(frame)
        return frame.select(n_turns_bin()).to_series()
    return MEMO.get(frame, ("derived", name), compute)


def attach(frame: pl.DataFrame, columns: Iterable[str]) -> pl.DataFrame:
    """``frame`` with the derived facet columns among ``columns`` it lacks (memoised)."""
    need = [c for c in DERIVED if c in set(columns) and c not in frame.columns]
    return frame.with_columns(_derived(frame, c) for c in need) if need else frame
