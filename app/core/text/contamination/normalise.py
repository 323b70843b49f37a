"""The text both sides are compared as: NFKC (full-width to half-width, ① to 1, ㊀ to
一); white space, punctuation, symbols and control or format characters removed (Unicode
categories Z, P, S, C); lower case. A copied question then matches whatever spacing,
punctuation width or letter case it was pasted with.

Two spellings of one rule: ``normalise_expr`` (Polars, the matcher) and
``normalise_text`` / ``normalise_map`` (Python, one row at a time: the highlighter,
which must map each normalised character back to where it came from).
"""
from __future__ import annotations

import unicodedata

import polars as pl

# Rust regex classes: the same Unicode general categories Python's unicodedata reports.
DROP = r"[\p{Z}\p{P}\p{S}\p{C}\s]"


def normalise_expr(e: pl.Expr) -> pl.Expr:
    return e.fill_null("").str.normalize("NFKC").str.replace_all(DROP, "").str.to_lowercase()


def _kept(c: str) -> bool:
    return unicodedata.category(c)[0] not in "ZPSC" and not c.isspace()


def normalise_text(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if _kept(c)).lower()


def normalise_map(text: str) -> tuple[str, list[int]]:
    """The normalised text, and for each of its characters the index in ``text`` of the
    character it came from. Per character (a combining sequence NFKC would compose maps
    to its first character), so it can differ from ``normalise_text`` at such spots."""
    out: list[str] = []
    where: list[int] = []
    for i, c in enumerate(text):
        for k in unicodedata.normalize("NFKC", c):
            if _kept(k):
                low = k.lower()
                out.append(low)
                where.extend([i] * len(low))
    return "".join(out), where
