"""Exact duplicate rows: the same instruction, input and output."""
import polars as pl

from app.core.load.schema import TEXT_FIELDS

from .base import Signal, text


def _expr(frame: pl.DataFrame) -> pl.Expr:
    return pl.len().over([text(f) for f in TEXT_FIELDS]) > 1


SIGNAL = Signal(
    name="exact_dup",
    title_zh="完全重复",
    title_en="Exact duplicate",
    description="Another row has exactly the same instruction, input and output. Every copy is flagged, so the review queue shows them side by side.",
    expr=_expr,
)
