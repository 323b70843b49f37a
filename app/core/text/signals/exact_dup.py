"""Exact duplicate rows: the same whole record (instruction, input and output; every turn
of a conversation, its system text, tools and rejected response)."""
import polars as pl

from app.core.text.convtext import conversation_key

from .base import Signal


def _expr(frame: pl.DataFrame) -> pl.Expr:
    return pl.len().over(conversation_key(frame)) > 1


SIGNAL = Signal(
    name="exact_dup",
    title_zh="完全重复",
    title_en="Exact duplicate",
    description="Another row has exactly the same instruction, input and output (a conversation: every turn, the system text, tools and the rejected response). Every copy is flagged, so the review queue shows them side by side.",
    expr=_expr,
)
