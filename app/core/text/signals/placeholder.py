"""Placeholder or empty answers: 暂无, 无, 略, 同上, N/A, or nothing at all."""
import polars as pl

from .base import Signal, text

PLACEHOLDERS = (
    "暂无 无 略 同上 见上 如上 空 待补充 待完善 暂缺 无答案 暂无答案 暂无数据 暂无内容 暂无信息 此处省略 省略 不详 "
    "n/a na none null nil nan tbd todo - -- — —— ... … ? ？"
).split()
MAX_CHARS = 64  # longer outputs are not placeholders, however much white space pads them


def _expr(frame: pl.DataFrame) -> pl.Expr:
    # Trailing full stops and surrounding white space do not make an answer real (无。).
    # Work on a short head only: lowercasing every long answer would cost most of the time.
    out = text("output")
    core = out.str.slice(0, MAX_CHARS).str.strip_chars().str.strip_chars_end("。.！!").str.strip_chars().str.to_lowercase()
    return (out.str.len_chars() <= MAX_CHARS) & ((core == "") | core.is_in(PLACEHOLDERS))


SIGNAL = Signal(
    name="placeholder",
    title_zh="占位或空回答",
    title_en="Placeholder or empty answer",
    description="The output is empty, white space, or only a placeholder such as 暂无, 无, 略, 同上, N/A, null.",
    expr=_expr,
)
