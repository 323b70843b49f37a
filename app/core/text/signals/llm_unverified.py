"""Answers written by a model that no human has checked."""
import polars as pl

from .base import Signal, text


def _expr(frame: pl.DataFrame) -> pl.Expr:
    verified = pl.col("human_verified").fill_null(False)
    return (text("answer_from").str.strip_chars().str.to_lowercase() == "llm") & ~verified


SIGNAL = Signal(
    name="llm_unverified",
    title_zh="模型回答未经人工核验",
    title_en="LLM answer, not human-verified",
    description="answer_from is llm and human_verified is false or missing.",
    expr=_expr,
)
