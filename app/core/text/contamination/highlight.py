"""Where a row and its question share text: character spans of the original texts, for
the side-by-side view (one row at a time, so plain Python).

Both sides are normalised as the matcher normalises them, keeping where each normalised
character came from; a position is shared when an n-gram covering it is in both. Two
shared characters next to each other after normalising are one span in the original,
so the punctuation and spaces between them are highlighted too.
"""
from __future__ import annotations

from typing import Mapping

from .normalise import normalise_map

Spans = list[tuple[int, int]]  # [start, end) character offsets


def _covered(text: str, other: set[str], n: int) -> list[bool]:
    marks = [False] * len(text)
    for i in range(len(text) - n + 1):
        if text[i:i + n] in other:
            marks[i:i + n] = [True] * n
    return marks


def _grams(text: str, n: int) -> set[str]:
    return {text[i:i + n] for i in range(len(text) - n + 1)}


def _spans(marks: list[bool], where: list[tuple[str, int]], fields) -> dict[str, Spans]:
    out: dict[str, Spans] = {f: [] for f in fields}
    prev = None  # (field, end) of the span being built, and whether the previous position was shared
    for i, shared in enumerate(marks):
        field, at = where[i]
        if not shared:
            prev = None
            continue
        spans = out[field]
        if prev is not None and prev == field:
            spans[-1] = (spans[-1][0], at + 1)
        else:
            spans.append((at, at + 1))
        prev = field
    return out


def shared_spans(row: Mapping[str, str], question: str, n: int) -> tuple[dict[str, Spans], Spans]:
    """(spans per field of ``row`` (its fields in order, e.g. instruction then input,
    checked as one text), spans of ``question``)."""
    q_text, q_map = normalise_map(question)
    r_parts, r_where = [], []
    for field, text in row.items():
        norm, where = normalise_map(text or "")
        r_parts.append(norm)
        r_where += [(field, i) for i in where]
    r_text = "".join(r_parts)
    r_marks = _covered(r_text, _grams(q_text, n), n)
    q_marks = _covered(q_text, _grams(r_text, n), n)
    row_spans = _spans(r_marks, r_where, row.keys())
    q_spans = _spans(q_marks, [("q", i) for i in q_map], ("q",))["q"]
    return row_spans, q_spans
