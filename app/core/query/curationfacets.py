"""Facets of the curation (issue 25.4): ``edited`` (the text or labels changed, whatever
was decided after: RowState.edited), ``reason`` (the reject reason), ``curator`` (who
last changed the row), ``noted`` and ``flagged``; and the search over notes.

``reason`` and ``curator`` are columns of the current frame as they are; ``edited`` and
``noted`` are made from edited_fields / note when a filter or a count needs them. The
three yes/no facets read "yes"/"no" rather than "true"/"false".
"""
from __future__ import annotations

from typing import Iterable

import polars as pl

FACETS = ("edited", "reason", "curator", "noted", "flagged")
YES_NO = ("edited", "noted", "flagged")
_MADE = {
    "edited": ("edited_fields", lambda: pl.col("edited_fields").list.len().fill_null(0) > 0),
    "noted": ("note", lambda: pl.col("note").is_not_null()),
}


def facet_columns(frame: pl.DataFrame) -> tuple[str, ...]:
    """The curation facets ``frame`` can give (a current frame: it has the status)."""
    if "status" not in frame.columns:
        return ()
    return tuple(c for c in FACETS if c in frame.columns or (c in _MADE and _MADE[c][0] in frame.columns))


def attach(frame: pl.DataFrame, columns: Iterable[str]) -> pl.DataFrame:
    """``frame`` with the made facet columns among ``columns`` it lacks."""
    need = set(columns)
    made = [expr().alias(c) for c, (src, expr) in _MADE.items()
            if c in need and c not in frame.columns and src in frame.columns]
    return frame.with_columns(made) if made else frame


def yes_no_key(column: str, dtype: pl.DataType) -> pl.Expr | None:
    """The facet text of a yes/no facet, or None for other columns."""
    # ``dtype`` may be a guess (a made column is absent from the frame a count starts from)
    if column not in YES_NO or dtype not in (pl.Boolean, pl.String):
        return None
    return pl.when(pl.col(column).fill_null(False)).then(pl.lit("yes")).otherwise(pl.lit("no"))


def note_mask(frame: pl.DataFrame, pattern: str, literal: bool) -> pl.Series | None:
    """Rows whose note matches the search (the search box always looks in notes too:
    a curator who wrote "ask the source" finds it without picking a scope); None when
    the frame has no notes."""
    if "note" not in frame.columns or frame["note"].null_count() == frame.height:
        return None
    return frame["note"].str.contains(pattern, literal=literal).fill_null(False)
