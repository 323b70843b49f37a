"""Labels read by Polars as JSON text, then decoded once per distinct value.

Polars' NDJSON reader builds list columns slowly: at 500k rows, asking for `domain` and
`task_type`'s lists as List[String] doubles the read (1.45 s against 0.9 s, 2.7 s of CPU
against 1.65). Asked for String instead, it renders each list as JSON text
(``["a", "b"]``), and a release has a few hundred distinct label lists: each is decoded
once here and the rows take theirs by index.

The render is not always faithful, so some rows are re-read by the stdlib (the loader's
``reread``): a render with a backslash (Polars leaves backslashes in items unescaped, so
``a\\b`` cannot be told from a backspace), one that is not valid JSON (control characters
are left raw), a list holding anything but strings (numbers are re-rendered, 2.50 -> 2.5),
and a label that is not a list at all. And one case the render cannot show: a label that
is a JSON *string* spelled like a list (``"domain": "[\\"a\\"]"``, a json.dumps twice)
renders as the list would. Only the raw line tells; see ``text_label_rows``.
"""
from __future__ import annotations

import json
from typing import NamedTuple

import polars as pl

from .schema import RAW_LABELS, RAW_SCHEMA

READ_SCHEMA = pl.Schema({**RAW_SCHEMA, "task_type": pl.Struct({"major": pl.String, "minor": pl.String}),
                         "domain": pl.String})
_LIST = RAW_SCHEMA["domain"]


class Decoded(NamedTuple):
    frame: pl.DataFrame  # RAW_SCHEMA; a row in ``reread`` has null labels until re-read
    reread: list[int]  # rows whose labels only the stdlib reads right


def decode(frame: pl.DataFrame) -> Decoded:
    """A READ_SCHEMA frame as RAW_SCHEMA: each distinct label render decoded once."""
    # A fresh category set per column numbers its distinct values 0..n-1 in one parallel
    # pass (a join, as replace_strict does, took 3-4 times as long).
    codes = frame.select(e.cast(pl.Categorical(pl.Categories.random())).alias(k) for k, e in RAW_LABELS.items())
    lists, hard = {}, []
    for name in RAW_LABELS:
        column = codes[name]
        present = column.drop_nulls().unique()
        ids = present.to_physical().to_list()
        lookup: list[list[str] | None] = [None] * (max(ids, default=-1) + 1)
        bad = []
        for i, text in zip(ids, present.cast(pl.String).to_list()):
            lookup[i] = _list_of(text)
            if lookup[i] is None:
                bad.append(i)
        physical = column.to_physical()
        lists[name] = pl.Series(lookup, dtype=_LIST).gather(physical).alias(name)
        if bad:
            hard.append(physical.is_in(pl.Series(bad, dtype=physical.dtype).implode()).fill_null(False))
    task = pl.when(pl.col("task_type").is_null()).then(None).otherwise(pl.struct(major=lists["major"], minor=lists["minor"]))
    # The labels in the pieces the other columns are in, as Polars' read would have left them.
    task = _pieces(frame.select(task.alias("task_type")).to_series(), frame)
    out = frame.with_columns(task, _pieces(lists["domain"], frame))
    reread = pl.select(pl.any_horizontal(hard).arg_true()).to_series().to_list() if hard else []
    return Decoded(out, reread)


def _pieces(column: pl.Series, like: pl.DataFrame) -> pl.Series:
    """``column`` cut where ``like``'s columns are (slices share its memory)."""
    lengths = like.get_column(like.columns[0]).chunk_lengths()
    if len(lengths) < 2:
        return column
    at, parts = 0, []
    for n in lengths:
        parts.append(column.slice(at, n))
        at += n
    return pl.concat(parts, rechunk=False)


def _list_of(text: str) -> list[str] | None:
    """The list of strings a render stands for; None when the render may not be faithful."""
    if not text.startswith("[") or "\\" in text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, list) and all(isinstance(v, str) for v in value) else None


# A JSON string can only start with "[ or an escaped bracket (\u005b, \u005B: the one
# needle "\u005 finds both, a third search of every byte saved). Only a line with one of
# those can hold a label that is a string spelled like a list (0.8% of a real release's
# lines: mostly outputs that are JSON-looking text).
_STRING_STARTS = (b'"[', b'"\\u005')
# Of those lines, the ones where a label key is followed by a string, or where a key is
# spelled with an escape (\u0064omain). Anything else that matches (a key of that name
# inside `metadata`, say) only costs a re-read.
_TEXT_LABEL = r'"(?:domain|major|minor)"[ \t\r\n]*:[ \t\r\n]*"|\\u[0-9a-fA-F]{4}[^"]*"[ \t\r\n]*:'


def text_label_rows(lines: pl.Series) -> pl.Series:
    """Indexes (UInt32) of the lines (Binary) where a label may be a JSON string."""
    line = pl.col(lines.name)
    starts = pl.any_horizontal(line.bin.contains(s) for s in _STRING_STARTS)
    found = lines.to_frame().select(pl.arg_where(starts)).to_series()
    if found.is_empty():
        return found
    text = lines.gather(found).cast(pl.String, strict=False)  # not UTF-8: re-read, and reported
    return found.filter(text.is_null() | text.str.contains(_TEXT_LABEL))
