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


def role(name: pl.Expr, at: pl.Expr | None = None) -> pl.Expr:
    """formats.role_of, inside list.eval (or with ``at``, the turn's index): a known name
    (lower-cased) or, by position, user for even turns and assistant for odd ones."""
    alternate = pl.when((index() if at is None else at) % 2 == 0).then(pl.lit("user")).otherwise(pl.lit("assistant"))
    return name.str.strip_chars().str.to_lowercase().replace_strict(ROLE_NAMES, default=alternate, return_dtype=pl.String)


def role_namer(frame: pl.DataFrame, names: pl.Expr):
    """``role`` for the role names this frame holds (``names``: a column of them): when
    every one is known, a lookup of the raw name (a third of role()'s time at 420,000
    turns: no lower-cased copy, no alternation computed)."""
    seen = frame.select(names.unique()).to_series().to_list()
    known = {n: ROLE_NAMES.get(n.strip().lower()) for n in seen if n is not None}
    if None in seen or not all(known.values()):
        return role
    return lambda name, at=None: name.replace_strict(known, default=None, return_dtype=pl.String)


def flat_turns(frame: pl.DataFrame, column: str, role_key: str, text_key: str,
               more: pl.DataFrame | None = None) -> pl.DataFrame:
    """records.container_turns of a list of {role_key, text_key} objects, with the first
    user text and the last assistant text of every row,
    built on the turns laid flat and gathered back once (a third of the time of
    list.eval at 420,000 turns: each path is a view of one of a few distinct strings,
    not formatted anew). ``more``: turns (_r, turn) to append to some rows (a
    preference record's response). Columns: turns, first_user, last_assistant."""
    longest = frame.select(pl.col(column).list.len().max()).item() or 0
    paths = pl.Series([f"{column}[{i}].{text_key}" for i in range(max(longest, 1))], dtype=pl.String)
    flat = frame.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_r"), pl.col(column).alias("_c"),
                        pl.int_ranges(0, pl.col(column).list.len(), dtype=pl.Int64).alias("_k")
                        ).explode("_c", "_k", empty_as_null=True)  # every row stays, an empty one as null
    namer = role_namer(flat, pl.col("_c").struct.field(role_key))
    item = pl.col("_c")
    turns = flat.select("_r", pl.when(item.is_not_null()).then(pl.struct(
        role=namer(item.struct.field(role_key), pl.col("_k")), text=item.struct.field(text_key).fill_null(""),
        path=pl.lit(paths).gather(pl.col("_k").fill_null(0)))).alias("turn"))
    if more is not None and more.height:  # each after its row's turns; sorted rows group faster (no hashing)
        turns = pl.concat([turns, more.select("_r", "turn")]).sort("_r", maintain_order=True)
    role_, text = pl.col("turn").struct.field("role"), pl.col("turn").struct.field("text")
    return turns.group_by("_r", maintain_order=True).agg(
        pl.col("turn").drop_nulls().alias("turns"), text.filter(role_ == "user").first().fill_null("").alias("first_user"),
        text.filter(role_ == "assistant").last().fill_null("").alias("last_assistant")).drop("_r")


def turn(role_: pl.Expr | str, text: pl.Expr, path: pl.Expr | str) -> pl.Expr:
    role_ = pl.lit(role_) if isinstance(role_, str) else role_
    path = pl.lit(path) if isinstance(path, str) else path
    return pl.struct(role=role_, text=text.fill_null(""), path=path)


def one(role_: str, column: str, path: str) -> pl.Expr:
    """A list of one turn from a top-level column."""
    return pl.concat_list(turn(role_, pl.col(column), path))


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
