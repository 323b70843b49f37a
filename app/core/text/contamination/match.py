"""Which rows share a normalised character n-gram with a benchmark question.

The questions' grams are hashed once into a table (gram hash, question id), distinct
pairs only, sorted by hash; each question's number of distinct grams is kept. The rows'
grams (instruction + input, normalised and joined, so a question split between the two
fields is still seen) are hashed chunk by chunk and looked up in the table by binary
search (numpy), Polars counts the distinct grams each (row, question) pair shares, and the
row's best question is the one with the highest overlap = shared / the question's grams
(ties: the first question read). Nothing loops over questions x rows in Python.

Chunks run on a small thread pool: numpy's multiply-adds and Polars' joins release the
GIL, so two chunks use two cores without copying the question table into other
processes (which a process pool would do for each worker).
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

import numpy as np
import polars as pl

from . import grams
from .normalise import normalise_expr

DEFAULT_NGRAM = 13
CHUNK_CHARS = 2_000_000  # characters of row text hashed at once: ~40 MB of numpy arrays
QUESTION_CHUNK_CHARS = 8_000_000
MATCH_SCHEMA = pl.Schema({"rid": pl.UInt64, "file": pl.String, "line": pl.UInt32, "overlap": pl.Float64,
                          "shared": pl.UInt32, "question": pl.UInt32, "benchmark_file": pl.String,
                          "question_index": pl.UInt32})

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


class Cancelled(Exception):
    """The caller's cancel callback asked to stop."""


@dataclass(frozen=True)
class QuestionIndex:
    ngram: int
    questions: pl.DataFrame  # benchmark_file, question_index, question; a question's id is its position here
    hashes: np.ndarray  # uint64, sorted: each distinct gram of each question once ...
    owners: np.ndarray  # uint32: ... and the question it belongs to
    sizes: np.ndarray  # uint32 per question id: its distinct grams (0: shorter than one gram)
    bitmap: np.ndarray  # uint8: a bit per value of the hashes' top ``bits`` bits, set for the table's
    bits: int

    def maybe(self, h: np.ndarray) -> np.ndarray:
        """False where gram hash ``h`` is surely not in the table (a one-probe Bloom filter:
        ~6% of absent grams pass and are then looked up), so the binary search, whose
        random reads are the slow part, runs for few of a row's grams."""
        top = h >> np.uint64(64 - self.bits)
        return (self.bitmap[top >> np.uint64(3)] >> (top & np.uint64(7)).astype(np.uint8)) & 1 == 1

    @property
    def seen(self) -> int:
        """Questions long enough to have an n-gram (the others can never match)."""
        return int(np.count_nonzero(self.sizes))

    @property
    def nbytes(self) -> int:
        """What the gram table holds in memory: 12 bytes per distinct (gram, question), and
        2 to 4 bytes per distinct gram for the filter."""
        return int(self.hashes.nbytes + self.owners.nbytes + self.sizes.nbytes + self.bitmap.nbytes)


def row_text() -> pl.Expr:
    """What a row is checked by: its instruction and input, normalised and joined."""
    return normalise_expr(pl.col("instruction")) + normalise_expr(pl.col("input"))


def _chunks(lengths: np.ndarray, limit: int) -> list[tuple[int, int]]:
    """(start, stop) row ranges of about ``limit`` characters each (a longer row alone)."""
    if not len(lengths):
        return []
    ends = np.cumsum(lengths)
    bounds, start = [], 0
    while start < len(lengths):
        before = ends[start - 1] if start else 0
        stop = int(np.searchsorted(ends, before + limit, side="right"))
        stop = max(stop, start + 1)
        bounds.append((start, stop))
        start = stop
    return bounds


def _sorted_distinct(h: np.ndarray, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(h, owner) pairs sorted by h, each pair once. ``owner`` must be non-decreasing: a
    stable sort by h then leaves equal pairs next to each other."""
    order = np.argsort(h, kind="stable")
    h, owner = h[order], owner[order]
    keep = np.ones(len(h), dtype=bool)
    keep[1:] = (h[1:] != h[:-1]) | (owner[1:] != owner[:-1])
    return h[keep], owner[keep]


def build_index(questions: pl.DataFrame, ngram: int = DEFAULT_NGRAM) -> QuestionIndex:
    """The gram table of ``questions`` (benchmark_file, question_index, question): distinct
    (gram hash, question) pairs sorted by hash, so a row's grams are looked up with a
    binary search (no hash table to build, 12 bytes per pair)."""
    grams.check_ngram(ngram)
    norm = questions.select(normalise_expr(pl.col("question"))).to_series()
    lengths = norm.str.len_chars().to_numpy()
    hs, qs = [], []
    for start, stop in _chunks(lengths, QUESTION_CHUNK_CHARS):
        owner, h = grams.gram_hashes(norm.slice(start, stop - start), ngram)
        hs.append(h)
        qs.append(owner + np.uint32(start))
    hashes = np.concatenate(hs) if hs else np.zeros(0, dtype=np.uint64)
    owners = np.concatenate(qs) if qs else np.zeros(0, dtype=np.uint32)
    del hs, qs
    hashes, owners = _sorted_distinct(hashes, owners)
    sizes = np.bincount(owners, minlength=questions.height).astype(np.uint32)
    bits = max(16, int(np.ceil(np.log2(max(1, len(hashes)) * 16))))  # 16+ bits per gram
    bitmap = np.zeros(1 << (bits - 3), dtype=np.uint8)
    if len(hashes):  # hashes are sorted, so their top bits are too: OR each byte's bits in one pass
        top = hashes >> np.uint64(64 - bits)
        byte = top >> np.uint64(3)
        bit = np.left_shift(np.uint8(1), (top & np.uint64(7)).astype(np.uint8))
        starts = np.flatnonzero(np.r_[True, byte[1:] != byte[:-1]])
        bitmap[byte[starts]] = np.bitwise_or.reduceat(bit, starts)
    return QuestionIndex(ngram, questions.select("benchmark_file", "question_index", "question"), hashes, owners, sizes,
                         bitmap, bits)


def _pairs(texts: pl.Series, offset: int, index: QuestionIndex) -> pl.DataFrame:
    """r, q, shared: distinct grams each row of ``texts`` shares with each question."""
    owner, h = grams.gram_hashes(texts, index.ngram)
    maybe = index.maybe(h)
    # Sorted needles (the binary searches then walk the table in order), each (row, gram) once.
    h, owner = _sorted_distinct(h[maybe], owner[maybe])
    table = index.hashes
    at = np.searchsorted(table, h)
    hit = table[np.minimum(at, len(table) - 1)] == h
    r, h, lo = owner[hit] + np.uint32(offset), h[hit], at[hit]
    counts = np.searchsorted(table, h, side="right") - lo  # the questions holding the gram
    first = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=first[1:])
    where = np.arange(int(counts.sum()), dtype=np.int64) + np.repeat(lo - first, counts)
    pairs = pl.DataFrame({"r": np.repeat(r, counts), "q": index.owners[where]})
    return pairs.group_by("r", "q").agg(pl.len().cast(pl.UInt32).alias("shared"))


def find_matches(frame: pl.DataFrame, index: QuestionIndex, *, chunk_chars: int = CHUNK_CHARS,
                 threads: int | None = None, progress: Progress | None = None,
                 cancel: Cancel | None = None) -> pl.DataFrame:
    """One line per flagged row of ``frame`` (MATCH_SCHEMA), in frame order: its best
    question (``question`` = its position in ``index.questions``), the distinct grams
    they share and the overlap."""
    texts = frame.select(row_text()).to_series() if frame.height else pl.Series([], dtype=pl.String)
    lengths = texts.str.len_chars().to_numpy().astype(np.int64, copy=False)
    bounds = _chunks(lengths, max(1, chunk_chars)) if len(index.hashes) else []
    total, done = int(lengths.sum()), 0
    if progress:
        progress(0, total)
    parts: list[pl.DataFrame] = []
    workers = max(1, min(threads or os.cpu_count() or 1, len(bounds) or 1))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="contamination") as pool:
        futures = [pool.submit(_pairs, texts.slice(a, b - a), a, index) for a, b in bounds]
        try:
            for (a, b), fut in zip(bounds, futures):
                if cancel and cancel():
                    raise Cancelled()
                parts.append(fut.result())
                done += int(lengths[a:b].sum())
                if progress:
                    progress(done, total)
        finally:
            for fut in futures:
                fut.cancel()
    if not parts:
        return MATCH_SCHEMA.to_frame()
    pairs = pl.concat(parts)
    sizes = pl.Series("size", index.sizes)[pairs["q"].to_numpy()]
    best = (pairs.with_columns((pl.col("shared") / sizes).alias("overlap"))
            .sort(["r", "overlap", "q"], descending=[False, True, False])
            .unique(subset="r", keep="first", maintain_order=True))
    where = frame.select("rid", "file", "line")[best["r"].to_numpy()]
    found = index.questions.select("benchmark_file", "question_index")[best["q"].to_numpy()]
    return pl.concat([where, best.select("overlap", "shared", pl.col("q").alias("question")), found],
                     how="horizontal").select(MATCH_SCHEMA.names()).cast(MATCH_SCHEMA)
