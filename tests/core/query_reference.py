"""An independent, plain-Python reading of FilterSpec semantics, for checking the
Polars engine in app.core.query.filters / app.core.query.facets. Slow on purpose: one dict per row."""
from __future__ import annotations

import re
from collections import Counter
from typing import Any

import polars as pl

from app.core.load import schema
from app.core.query.filters import FilterSpec

LIST_COLUMNS = set(schema.LIST_FIELDS)


def make_frame(rows: list[dict[str, Any]], extra: dict[str, pl.DataType] | None = None) -> pl.DataFrame:
    """A BASE_SCHEMA frame from partial row dicts; missing fields get plain defaults."""
    defaults = {
        "file": "f.jsonl", "source": "s", "subset": "s", "instruction": "", "input": "", "output": "",
        "task_major": [], "task_minor": [], "domain": [], "metadata": "", "answer_from": "human",
        "human_verified": None, "copyright": "",
    }
    full = []
    for i, row in enumerate(rows):
        r = {**defaults, "rid": 1000 + i, "line": i + 1, **row}
        for f in schema.TEXT_FIELDS:
            r.setdefault(schema.LENGTH_COLUMNS[f], len(r[f] or ""))
        full.append(r)
    columns = dict(schema.BASE_SCHEMA) | (extra or {})
    return pl.DataFrame(full, schema=columns) if full else pl.DataFrame(schema=columns)


def facet_values(row: dict[str, Any], column: str) -> set[str]:
    v = row[column]
    if column in LIST_COLUMNS or isinstance(v, list):
        return set(v or [])
    if v is None:
        return {"null"} if column == "human_verified" else {""}
    if isinstance(v, bool):
        return {"true" if v else "false"}
    return {str(v)}


def text_matches(text: str | None, spec: FilterSpec) -> bool:
    s = spec.search
    text = text or ""
    if s.mode == "regex":
        return re.search(s.text, text, 0 if s.case_sensitive else re.IGNORECASE) is not None
    if s.case_sensitive:
        return s.text in text
    return s.text.lower() in text.lower()


def row_matches(row: dict[str, Any], spec: FilterSpec, skip_facet: str | None = None,
                skip_range: str | None = None) -> bool:
    for column, sel in spec.facets:
        if column == skip_facet:
            continue
        values = facet_values(row, column)
        if sel.include and not values & set(sel.include):
            return False
        if values & set(sel.exclude):
            return False
    for column, sel in spec.ranges:
        if column == skip_range:
            continue
        v = row[column]
        if v is None or (sel.min is not None and v < sel.min) or (sel.max is not None and v > sel.max):
            return False
    if spec.search.active and not any(text_matches(row[f], spec) for f in spec.search.fields):
        return False
    if spec.rids is not None and row["rid"] not in set(spec.rids):
        return False
    return True


def matching_positions(frame: pl.DataFrame, spec: FilterSpec) -> list[int]:
    return [i for i, row in enumerate(frame.iter_rows(named=True)) if row_matches(row, spec)]


def facet_counter(frame: pl.DataFrame, spec: FilterSpec, column: str) -> Counter:
    counts: Counter = Counter()
    for row in frame.iter_rows(named=True):
        if row_matches(row, spec, skip_facet=column):
            counts.update(facet_values(row, column))
    return counts
