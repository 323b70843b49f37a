"""Outputs much shorter than the question they answer."""
import polars as pl

from .base import Signal, text

RATIO = 0.2  # output shorter than a fifth of instruction + input ...
MIN_QUESTION = 30  # ... of a question at least this long (short questions may get short answers)


def _expr(frame: pl.DataFrame) -> pl.Expr:
    out = text("output").str.strip_chars().str.len_chars()
    question = text("instruction").str.strip_chars().str.len_chars() + text("input").str.strip_chars().str.len_chars()
    return (out > 0) & (question >= MIN_QUESTION) & (out < question * RATIO)


SIGNAL = Signal(
    name="short_output",
    title_zh="回答过短",
    title_en="Output much shorter than instruction",
    description=f"The output (non-empty) is shorter than {RATIO:.0%} of instruction + input, for questions of {MIN_QUESTION}+ characters: often a bare option letter or a clipped answer.",
    expr=_expr,
)
