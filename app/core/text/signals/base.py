"""What a quality signal is, and small expression helpers the signal modules share."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import polars as pl

# A run of fenced code (``` ... ```), removed before prose checks; an unclosed fence runs to the end.
CODE_FENCE = r"(?s)```.*?(?:```|$)"
HAN = r"\p{Han}"


@dataclass(frozen=True)
class Signal:
    """One quality signal: a Boolean per row, True where the row deserves a look.

    ``expr(frame)`` returns a vectorised Polars expression over the frame's columns (it
    gets the frame for its schema, e.g. to tell whether ``status`` exists). Only where
    Polars cannot express the test does a signal give ``compute(frame)`` instead, which
    returns a Boolean Series aligned with the frame."""

    name: str
    title_zh: str
    title_en: str
    description: str
    expr: Callable[[pl.DataFrame], pl.Expr] | None = None
    compute: Callable[[pl.DataFrame], pl.Series] | None = None

    def __post_init__(self) -> None:
        if (self.expr is None) == (self.compute is None):
            raise ValueError(f"signal {self.name!r} needs exactly one of expr or compute")

    @property
    def column(self) -> str:
        return f"sig_{self.name}"


def text(field: str) -> pl.Expr:
    return pl.col(field).fill_null("")


def any_field(fields: tuple[str, ...], test: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """``test`` on any of ``fields`` (nulls read as empty text)."""
    return pl.any_horizontal([test(text(f)) for f in fields])


def without_code(e: pl.Expr) -> pl.Expr:
    return e.str.replace_all(CODE_FENCE, " ")
