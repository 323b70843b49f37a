"""Turns as Polars expressions: the fast path's reading of each format, the same turns,
texts and paths as records.py's (its reference), built column-wise.

Inside ``list.eval``, ``pl.element()`` is one item of a row's list and
``pl.int_range(pl.len())`` its index in that list, which is what a path needs.
"""
from __future__ import annotations

import polars as pl

from .formats import ROLE_NAMES
from .schema import TURNS

E = pl.element()
EMPTY = pl.lit([], dtype=TURNS)


def index() -> pl.Expr:
    return pl.int_range(pl.len(), dtype=pl.Int64)


def role(name: pl.Expr) -> pl.Expr:
    """formats.role_of, inside list.eval: a known name (lower-cased) or, by position,
    user for even turns and assistant for odd ones."""
    alternate = pl.when(index() % 2 == 0).then(pl.lit("user")).otherwise(pl.lit("assistant"))
    return name.str.strip_chars().str.to_lowercase().replace_strict(ROLE_NAMES, default=alternate, return_dtype=pl.String)


def turn(role_: pl.Expr | str, text: pl.Expr, path: pl.Expr | str) -> pl.Expr:
    role_ = pl.lit(role_) if isinstance(role_, str) else role_
    path = pl.lit(path) if isinstance(path, str) else path
    return pl.struct(role=role_, text=text.fill_null(""), path=path)


def one(role_: str, column: str, path: str) -> pl.Expr:
    """A list of one turn from a top-level column."""
    return pl.concat_list(turn(role_, pl.col(column), path))


def keyed_turns(column: str, base: str, role_key: str, text_key: str) -> pl.Expr:
    """records.container_turns: a list of {role_key, text_key} objects."""
    return pl.col(column).list.eval(
        turn(role(E.struct.field(role_key)), E.struct.field(text_key),
             pl.format(f"{base}[{{}}].{text_key}", index())).filter(E.is_not_null()))


def firefly_turns(column: str = "conversation") -> pl.Expr:
    """records.firefly_turns: two turns per {human, assistant} item."""
    return pl.col(column).list.eval(pl.concat_list(
        turn("user", E.struct.field("human"), pl.format(f"{column}[{{}}].human", index())),
        turn("assistant", E.struct.field("assistant"), pl.format(f"{column}[{{}}].assistant", index())),
    ).filter(E.is_not_null()).explode())


def history_turns() -> pl.Expr:
    """records.history_turns: [user, assistant] pairs."""
    return pl.col("history").list.eval(pl.concat_list(
        turn("user", E.list.get(0, null_on_oob=True), pl.format("history[{}][0]", index())),
        turn("assistant", E.list.get(1, null_on_oob=True), pl.format("history[{}][1]", index())),
    ).filter(E.is_not_null()).explode())


def instruction_turns(with_output: bool = True) -> pl.Expr:
    """records.instruction_turns without the history: instruction, input (when not
    empty) and output."""
    parts = [one("user", "instruction", "instruction"),
             pl.when(pl.col("input").fill_null("") != "").then(one("user", "input", "input")).otherwise(EMPTY)]
    if with_output:
        parts.append(one("assistant", "output", "output"))
    return pl.concat_list(parts)


def first_text(turns: pl.Expr, role_: str, last: bool = False) -> pl.Expr:
    """The text of the first (or last) turn of ``role_`` ("" when none)."""
    texts = turns.list.eval(E.filter(E.struct.field("role") == role_).struct.field("text"))
    return (texts.list.last() if last else texts.list.first()).fill_null("")
