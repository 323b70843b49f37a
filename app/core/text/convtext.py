"""The text of a whole row, whatever its format (issue 23): what signals, near-duplicates
and the jieba pass read. Through the inner shape only: a row that stores turns is its
turns (its instruction / output are copies of two of them) and its system text; a
single-turn row is its instruction, input and output and its system text.

A release that stores no turn at all (COIG-CQIA) gets exactly the expressions it had
before, so it pays nothing for conversations it does not hold.
"""
from __future__ import annotations

from typing import Callable

import polars as pl

from app.core.load.schema import TEXT_FIELDS, TURNS

SEP = "\n"


def turns() -> pl.Expr:
    """The stored turns, typed (a column of nulls alone may have lost its struct type)."""
    return pl.col("turns").cast(TURNS)


def _text(column: str) -> pl.Expr:
    return pl.col(column).fill_null("")


def stores_turns(frame: pl.DataFrame) -> bool:
    """Whether any row of ``frame`` stores turns (a conversation format)."""
    return "turns" in frame.columns and bool(frame.select(turns().list.len().fill_null(0).sum()).item())


def turn_texts(sep: str = SEP) -> pl.Expr:
    """The stored turns' texts joined by ``sep`` ("" for a row that stores none)."""
    return turns().list.eval(pl.element().struct.field("text").fill_null("")).list.join(sep).fill_null("")


def whole_text(frame: pl.DataFrame, sep: str = SEP) -> pl.Expr:
    """All the text of each row as one string: system first, then every turn (or the
    instruction, input and output of a row that stores none)."""
    fields = pl.concat_str([_text(f) for f in TEXT_FIELDS], separator=sep)
    if not stores_turns(frame):
        return fields if "system" not in frame.columns else pl.concat_str([_text("system"), fields], separator=sep)
    body = pl.when(turns().list.len().fill_null(0) > 0).then(turn_texts(sep)).otherwise(fields)
    return pl.concat_str([_text("system"), body], separator=sep)


def any_text(frame: pl.DataFrame, test: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """``test`` (a Boolean expression of one text) true on any text of the row: its
    instruction, input, output, system text or any stored turn."""
    parts = [test(_text(f)) for f in TEXT_FIELDS]
    if "system" in frame.columns:
        parts.append(test(_text("system")))
    if stores_turns(frame):
        parts.append(turns().list.eval(test(pl.element().struct.field("text").fill_null(""))).list.any()
                     .fill_null(False))
    return pl.any_horizontal(parts)


def conversation_key(frame: pl.DataFrame) -> list[pl.Expr]:
    """What makes two rows the same record to a curator: every turn (role and text, not
    its path), the system text, tools and a preference record's rejected response."""
    keys = [_text(f) for f in TEXT_FIELDS]
    keys += [_text(c) for c in ("system", "tools", "rejected") if c in frame.columns]
    if stores_turns(frame):
        turn = pl.element().struct
        keys.append(turns().list.eval(pl.concat_str([turn.field("role").fill_null(""),
                                                               turn.field("text").fill_null("")], separator="\x1f"))
                    .list.join("\x1e").fill_null(""))
    return keys
