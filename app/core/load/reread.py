"""The standard library's path: lines (or records) Polars' fast path did not read
itself, parsed strictly (jsonline) and read as their file's plan says (plans.Plan.values_of:
in their own format, records.own_values, as the fast path would)."""
from __future__ import annotations

import json

import polars as pl

from app.core.io.jsonline import parse_line
from typing import Callable

from .records import BadRecord
from .report import BadLine, LoadReport
from .schema import INNER_RAW_SCHEMA


def frame_of(values: list[dict]) -> pl.DataFrame:
    """An INNER_RAW_SCHEMA frame of own_values() dicts. They hold only strings, lists,
    structs and booleans, which Polars' reader keeps exactly: several times faster than
    building the nested columns from Python objects."""
    if not values:
        return pl.DataFrame(schema=INNER_RAW_SCHEMA)
    text = "\n".join(json.dumps(v, ensure_ascii=False, separators=(",", ":")) for v in values)
    return pl.read_ndjson(text.encode(), schema=INNER_RAW_SCHEMA)


Values = Callable[[dict], dict]  # a parsed record -> its inner values (plans.Plan.values_of)


def read_one(line: bytes, values_of: Values) -> tuple[dict | None, str | None]:
    obj, reason = parse_line(line)
    if reason:
        return None, reason
    try:
        return values_of(obj), None
    except BadRecord as exc:
        return None, str(exc)


def reread_rows(inner: pl.DataFrame, rows: list[int], lines, values_of: Values) -> pl.DataFrame | None:
    """``inner`` with the given rows re-read by the stdlib (None: one is bad after all)."""
    values = []
    for i in rows:  # few in a real release
        got, reason = read_one(lines[i], values_of)
        if reason:
            return None
        values.append(got)
    idx = pl.Series("_i", rows, dtype=pl.UInt32)
    fixed = frame_of(values).with_columns(idx)
    kept = inner.with_row_index("_i").filter(~pl.col("_i").is_in(idx.implode()))
    return pl.concat([kept, fixed.select(kept.columns)]).sort("_i").drop("_i")


def parse_lines(numbers, lines, rel: str, report: LoadReport, values_of: Values
                ) -> tuple[pl.DataFrame, list[bool]]:
    """Every line read by the stdlib: (INNER_RAW frame of the good ones, which were good);
    the bad ones go to ``report`` with their reason."""
    rows: list[dict] = []
    keep: list[bool] = []
    for n, line in zip(numbers, lines):
        got, reason = read_one(line, values_of)
        if reason:
            report.bad_lines.append(BadLine(rel, n, reason))
        else:
            rows.append(got)
        keep.append(reason is None)
    return frame_of(rows), keep
