"""A character n-gram repeated back to back many times: the loop of a degenerate
generation (我爱你我爱你我爱你...) or a stuck key (哈哈哈哈哈哈哈哈哈哈).

Polars' regex engine has no back-references, so this signal computes with numpy: a
unit of length L repeats from position i on when c[i] == c[i+L] for a run of positions;
runs are found with a cumulative sum, for every L at once over a chunk of rows.
"""
from __future__ import annotations

from typing import Iterable, Iterator

import numpy as np
import polars as pl

from .base import Signal

MAX_UNIT = 20  # longest repeating unit looked for, in characters
MIN_COPIES = 4  # a unit of 2+ characters must appear this many times in a row ...
MIN_SPAN = 16  # ... covering at least this many characters (很疼很疼很疼很疼 is emphasis, not a loop)
MIN_COPIES_1 = 10  # a single character must repeat this often (哈哈哈 and ... are normal)
CHUNK_CHARS = 1_000_000  # memory bound: ~ 10 bytes per character per chunk (joining one holds the GIL ~5 ms)
ROWS_PER_READ = 2_000  # rows turned into Python strings at once: the conversion holds the GIL


def _required_run(unit: int) -> int:
    """Positions i with c[i] == c[i+unit] needed in a row for a loop of this unit."""
    copies = MIN_COPIES_1 if unit == 1 else max(MIN_COPIES, -(-MIN_SPAN // unit))
    return (copies - 1) * unit


def _codepoints(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """All texts as one array of code points, each followed by a separator that equals
    nothing else (a value above U+10FFFF unique to its row); and each row's start."""
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    codes = np.frombuffer(("\0".join(texts) + "\0").encode("utf-32-le"), dtype=np.uint32).copy()
    codes[starts + lengths] = 0x110000 + np.arange(len(texts), dtype=np.uint32)
    return codes, starts


def _is_word(codes: np.ndarray) -> np.ndarray:
    """Letters, digits and CJK: a unit of only punctuation or spaces (----, ....) is layout."""
    low = codes | 0x20
    return (
        ((codes >= 0x30) & (codes <= 0x39))
        | ((low >= 0x61) & (low <= 0x7A))
        | ((codes >= 0xC0) & (codes <= 0x24F))  # accented Latin
        | ((codes >= 0x3400) & (codes <= 0x9FFF))  # CJK
        | ((codes >= 0xAC00) & (codes <= 0xD7AF))  # Hangul
    )


def _loops(texts: list[str]) -> np.ndarray:
    flags = np.zeros(len(texts), dtype=bool)
    if not texts:
        return flags
    codes, starts = _codepoints(texts)
    hits: list[np.ndarray] = []
    for unit in range(1, MAX_UNIT + 1):
        need = _required_run(unit)
        if len(codes) <= unit + need:
            break
        same = np.empty(len(codes) - unit + 2, dtype=np.int8)
        same[0] = same[-1] = 0
        np.equal(codes[:-unit], codes[unit:], out=same[1:-1].view(bool))
        edges = np.diff(same)
        begin, end = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        keep = (end - begin) >= need  # runs of equal-at-distance-unit long enough for a loop
        for b in begin[keep]:  # few: check that the unit holds a word character
            if _is_word(codes[b : b + unit]).any():
                hits.append(np.array([b]))
    if hits:
        rows = np.searchsorted(starts, np.concatenate(hits), side="right") - 1
        flags[rows] = True
    return flags


def repeated(texts: Iterable[str | None]) -> np.ndarray:
    """Boolean per text: holds a back-to-back loop (see the module docstring)."""
    out, chunk, size = [], [], 0
    for t in texts:
        t = t or ""
        chunk.append(t)
        size += len(t) + 1
        if size >= CHUNK_CHARS:
            out.append(_loops(chunk))
            chunk, size = [], 0
    out.append(_loops(chunk))
    return np.concatenate(out) if out else np.zeros(0, dtype=bool)


def _texts(column: pl.Series) -> Iterator[str | None]:
    """The column's values, a few thousand at a time: one ``to_list`` of 500,000 texts
    holds the GIL for most of a second, and every other thread (the GUI's too) waits."""
    for start in range(0, column.len(), ROWS_PER_READ):
        yield from column.slice(start, ROWS_PER_READ).to_list()


def _compute(frame: pl.DataFrame) -> pl.Series:
    return pl.Series("repeated_ngram", repeated(_texts(frame.get_column("output"))), dtype=pl.Boolean)


SIGNAL = Signal(
    name="repeated_ngram",
    title_zh="重复片段",
    title_en="Repeated n-gram",
    description=(
        f"The output repeats a unit of up to {MAX_UNIT} characters back to back: a 2+ character unit "
        f"{MIN_COPIES}+ times covering {MIN_SPAN}+ characters, or one character {MIN_COPIES_1}+ times; "
        "units of only punctuation or spaces (----) are ignored."
    ),
    compute=_compute,
)
