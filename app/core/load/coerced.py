"""Values Polars' reader may have turned into text, and the raw line that proves them
strings after all.

Asked for a String, Polars' NDJSON reader renders any other JSON value as text instead
of refusing it: a number (1.0 -> "1", 1e20 in full), a boolean, an object or array
(re-serialised with backslashes, control characters and quotes in keys left unescaped:
a key that is one quote comes out as three quotes in a row, with nothing to tell). So every value that
is a bare number or starts like a rendered object or array is a suspect; the raw line
then tells whether it was a string after all (real NER outputs and tool calls are
JSON-looking strings), else the standard library re-reads the row. Booleans render as
the standard library's reading does (``true``), so they need no check.
"""
from __future__ import annotations

import re

import polars as pl

_JSON_START = r'(?:\{["}]|\[["\d\[\]{tfn-])'  # {" {} [" [1 [[ [] [{ [t(rue) [f(alse) [n(ull) [-
_NUMBER = r"-?\d[\d.eE+-]*"
COERCED_TEXT = rf"^(?:{_JSON_START}|{_NUMBER}$)"


def may_be_coerced(column: str) -> pl.Expr:
    """Starts with {, [, - or a digit: a superset of COERCED_TEXT. Polars compares
    strings by the prefix it keeps beside each one, so this reads no text: a regex reads
    the first bytes of every value, one cache miss each (at 500k rows, on `output`:
    45 ms for the regex, ~7 ms for this)."""
    v = pl.col(column)
    return (((v >= "-") & (v < ":")) | ((v >= "[") & (v < "\\")) | ((v >= "{") & (v < "|"))).fill_null(False)


def suspect(text: pl.Expr) -> pl.Expr:
    """Is this text (a String expression) one Polars may have rendered?"""
    return text.str.contains(COERCED_TEXT).fill_null(False)


def series(values: list[str | None]) -> pl.Expr:
    return pl.Series([v for v in values if v is not None], dtype=pl.String).implode()


def not_all_strings(text_flags: pl.DataFrame, lines) -> list[int]:
    """Indexes of the flagged rows whose raw line does not prove every flagged value a string.

    ``text_flags``: "_i" (row index) and one Boolean column per flagged key, named by the
    JSON key that holds the value (``output``, or ``value`` for a sharegpt turn's text).
    Inside a JSON string a quote is escaped, so an unescaped ``"key"`` followed by a colon
    can only be a key (at any depth: a nested one only costs a re-read); its value is a
    string when the next character after white space is a quote. A key spelled with
    escapes (\\u006futput) is invisible here, so a line with one is never proved. The
    flagged lines are checked at once, in Polars: about 2% of a real release's rows.
    """
    if not text_flags.height:
        return []
    index = text_flags["_i"]
    text = pl.Series([lines[i] for i in index.to_list()], dtype=pl.Binary).cast(pl.String, strict=False)
    unproved = text.is_null() | text.str.contains("\\u00", literal=True)
    for c in text_flags.columns[1:]:
        key = re.escape(f'"{c}"')
        unproved |= text_flags[c] & text.str.contains(rf'{key}[ \t\r\n]*:[ \t\r\n]*[^" \t\r\n]')
    return index.filter(unproved).to_list()
