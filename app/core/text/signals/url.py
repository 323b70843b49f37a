"""Leftover links."""
import polars as pl

from app.core.text.convtext import any_text

from .base import Signal

PATTERN = r"(?i)https?://[^\s/]|www\.[a-z0-9-]+\.[a-z]"


def _expr(frame: pl.DataFrame) -> pl.Expr:
    return any_text(frame, lambda e: e.str.contains(PATTERN))


SIGNAL = Signal(
    name="url",
    title_zh="残留链接",
    title_en="Leftover URL",
    description="A text field contains an http(s):// or www. link.",
    expr=_expr,
)
