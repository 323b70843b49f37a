"""Search across every turn of a row, with a role filter (issue 23).

Through the inner shape, never per format: the text columns (instruction / input /
output, which single-turn rows hold and which, for a conversation, are copies of its first
user and last assistant turns), the top-level ``system`` text, and every stored turn. A
row matches when any text of the chosen role matches. ``mask`` lays the stored turns flat
(explode) and scatters the hits back. Measured at 500,000 rows (one process, a busy
machine): on ShareGPT rows as fast as list.eval over the lists (0.35 s each), on COIG-CQIA
rows, whose lists are all empty, 0.02 s where list.eval costs 0.15 s; list.eval over
schema.all_turns(), which builds the turns of every single-turn row first, took 1.9 s.
"""
from __future__ import annotations

from typing import Literal

import polars as pl

from app.core.load import schema

SearchRole = Literal["any", "user", "assistant", "system"]
SEARCH_ROLES = ("any", "user", "assistant", "system")
# The role a text column's turn has in schema.all_turns().
FIELD_ROLES = {"instruction": "user", "input": "user", "output": "assistant", "system": "system"}


def _contains(expr: pl.Expr, pattern: str, literal: bool) -> pl.Expr:
    return expr.str.contains(pattern, literal=literal).fill_null(False)


def _whole(fields: tuple[str, ...]) -> bool:
    """All of instruction / input / output in scope: the whole conversation is searched.
    A narrower scope searches just those columns (a conversation's first user turn, its
    last assistant turn)."""
    return set(schema.TEXT_FIELDS) <= set(fields)


def _columns(fields: tuple[str, ...], role: str, columns: list[str]) -> list[str]:
    picked = [f for f in fields if role == "any" or FIELD_ROLES.get(f) == role]
    if _whole(fields) and "system" in columns and role in ("any", "system"):
        picked.append("system")
    return picked


def _role_ok(role_expr: pl.Expr, role: str) -> pl.Expr:
    return pl.lit(True) if role == "any" else (role_expr == role).fill_null(False)


def expr(fields: tuple[str, ...], role: str, pattern: str, literal: bool, columns: list[str]) -> pl.Expr:
    """The search as one expression (for lazy plans); ``mask`` computes the same faster."""
    parts = [_contains(pl.col(c), pattern, literal) for c in _columns(fields, role, columns)]
    if _whole(fields) and "turns" in columns:
        el = pl.element().struct
        parts.append(pl.col("turns").cast(schema.TURNS).list.eval(_role_ok(el.field("role"), role)
                                               & _contains(el.field("text"), pattern, literal)).list.any().fill_null(False))
    return pl.any_horizontal(parts) if parts else pl.repeat(False, pl.len())


def turn_hits(frame: pl.DataFrame, role: str, pattern: str, literal: bool) -> pl.Series:
    """Positions (UInt32) of the rows with a stored turn of ``role`` that matches."""
    flat = (frame.lazy().select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("i"), pl.col("turns").cast(schema.TURNS))
            .explode("turns")
            .select("i", pl.col("turns").struct.field("role"), pl.col("turns").struct.field("text")))
    cond = _role_ok(pl.col("role"), role) & _contains(pl.col("text"), pattern, literal)
    return flat.filter(cond).select(pl.col("i").unique()).collect()["i"]


def mask(frame: pl.DataFrame, fields: tuple[str, ...], role: str, pattern: str, literal: bool) -> pl.Series:
    """Boolean Series, one per row of ``frame``: some text of ``role`` in scope matches.

    With the whole conversation in scope, a row's text columns are scanned only when it
    stores no turns: a conversation's instruction and output are copies of two of its
    turns (edits keep them so), and the search is bound by the bytes it reads (skipping
    them took the bench's 500,000-row ShareGPT search from 450 to 395 ms)."""
    cols = _columns(fields, role, frame.columns)
    whole = _whole(fields) and "turns" in frame.columns
    texts = [c for c in cols if c != "system"]
    any_text = pl.any_horizontal([_contains(pl.col(c), pattern, literal) for c in texts]) if texts else None
    rows = _rows_without_turns(frame) if whole and texts else None
    if any_text is None:
        out = pl.repeat(False, frame.height, dtype=pl.Boolean, eager=True)
    elif rows is None:  # every row in scope (the common single-turn release)
        out = frame.select(any_text).to_series()
    else:
        out = pl.repeat(False, frame.height, dtype=pl.Boolean, eager=True)
        if len(rows):
            found = frame[rows].select(any_text).to_series()
            if found.any():
                out = out.scatter(rows.filter(found), True)
    if "system" in cols:
        out = out | frame.select(_contains(pl.col("system"), pattern, literal)).to_series()
    if whole:
        hits = turn_hits(frame, role, pattern, literal)
        if len(hits):
            out = out.scatter(hits, True)
    return out


def _rows_without_turns(frame: pl.DataFrame) -> pl.Series | None:
    """Positions (UInt32) of the rows that store no turns; None when that is every row."""
    bare = frame.select(pl.col("turns").list.len().fill_null(0) == 0).to_series()
    return None if bare.all() else bare.arg_true()
