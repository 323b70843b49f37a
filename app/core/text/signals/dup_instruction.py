"""Duplicate questions: the same instruction (with the same input) in another row,
within one subset, or spread over several subsets."""
import polars as pl

from .base import Signal, text


def question() -> pl.Expr:
    """Instruction + input with white space collapsed: the question the row asks. A
    template instruction (翻译下面的句子) with different inputs is not a duplicate."""
    joined = pl.concat_str([text("instruction"), text("input")], separator="\n")
    return joined.str.replace_all(r"\s+", " ").str.strip_chars()


def _key() -> pl.Expr:
    # Windows over a 64-bit hash of the question instead of the text: ~2x faster at 500k
    # rows; a collision (odds ~1e-8 at that size) would only add a row to a review queue.
    return question().hash(seed=0xD1)


def _asked(frame: pl.DataFrame) -> pl.Expr:
    return (text("instruction").str.strip_chars() != "") | (text("input").str.strip_chars() != "")


def _within(frame: pl.DataFrame) -> pl.Expr:
    return _asked(frame) & (pl.len().over(_key(), text("source"), text("subset")) > 1)


def _across(frame: pl.DataFrame) -> pl.Expr:
    where = pl.concat_str([text("source"), text("subset")], separator="/")
    return _asked(frame) & (where.n_unique().over(_key()) > 1)


WITHIN = Signal(
    name="dup_instruction",
    title_zh="重复指令（同子集）",
    title_en="Duplicate instruction (same subset)",
    description="Another row of the same subset asks the same instruction with the same input (white space ignored); the outputs may differ.",
    expr=_within,
)
ACROSS = Signal(
    name="dup_instruction_cross",
    title_zh="重复指令（跨子集）",
    title_en="Duplicate instruction (across subsets)",
    description="The same instruction with the same input also appears in another source or subset.",
    expr=_across,
)
SIGNALS = (WITHIN, ACROSS)
