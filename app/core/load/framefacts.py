"""What is known about a frame, kept while the frame lives: one small memo keyed by the
frame's identity (search masks, facet counts, whether a row repeats a label).

It lives here, below the queries that fill most of it, because the loader already knows
one such fact when it hands the frame over (whether a row repeats a value inside a label
list) and tells it here; the counts (app.core.query.facets) read it instead of checking.
"""
from __future__ import annotations

import threading
import weakref
from typing import Any, Callable, Iterable

import polars as pl

from .schema import BASE_SCHEMA


class FrameMemo:
    """A few results computed from a frame, keyed by the frame's identity and a key.

    The base frame is immutable, so a result stays valid while the frame lives. A facet
    click re-filters with the same search, and reusing its mask saves the text scan (the
    costly part at 500k rows). Weak references let a dropped frame free its entries, and
    the size cap keeps the memo small.
    """

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._items: list[tuple[weakref.ref, Any, Any]] = []
        self._lock = threading.Lock()

    def lookup(self, frame: pl.DataFrame, key: Any) -> tuple[bool, Any]:
        """(True, value) when ``key`` was stored for this very frame, else (False, None)."""
        with self._lock:
            self._items = [it for it in self._items if it[0]() is not None]
            for ref, k, value in self._items:
                if ref() is frame and k == key:
                    return True, value
        return False, None

    def store(self, frame: pl.DataFrame, key: Any, value: Any) -> None:
        with self._lock:
            self._items = (self._items + [(weakref.ref(frame), key, value)])[-self._size:]

    def get(self, frame: pl.DataFrame, key: Any, compute: Callable[[], Any]) -> Any:
        found, value = self.lookup(frame, key)
        if not found:
            value = compute()  # outside the lock: workers may compute different keys at once
            self.store(frame, key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


MEMO = FrameMemo()


def _is_list(frame: pl.DataFrame, column: str) -> bool:
    """As the queries type a column: the frame's own type, else the base schema's."""
    dtype = frame.schema[column] if column in frame.schema else BASE_SCHEMA.get(column, pl.String)
    return isinstance(dtype, pl.List)


def remember_inner_duplicates(frame: pl.DataFrame, found: dict[str, bool]) -> None:
    """Record whether a row of ``frame`` repeats a value inside each of these list columns,
    when the caller already knows (the loader checks it in the same pass as its other
    checks, on a one-piece copy: the first counts then skip ~20 ms at 500k)."""
    for column, value in found.items():
        if _is_list(frame, column):
            MEMO.store(frame, ("inner-dups", column), bool(value))


def inner_duplicates(frame: pl.DataFrame, columns: Iterable[str]) -> dict[str, bool]:
    """For every list column among ``columns``: does any row repeat a value inside it?
    Those not known yet are checked in one parallel pass (one after another, three took
    35 ms at 500k) and remembered."""
    known: dict[str, bool] = {}
    todo = []
    for c in columns:
        if _is_list(frame, c):
            found, value = MEMO.lookup(frame, ("inner-dups", c))
            if found:
                known[c] = value
            else:
                todo.append(c)
    if todo:
        row = frame.select((pl.col(c).list.len() != pl.col(c).list.n_unique()).any() for c in todo).row(0, named=True)
        for c in todo:
            known[c] = bool(row[c])
            MEMO.store(frame, ("inner-dups", c), known[c])
    return known
