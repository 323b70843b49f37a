"""The benchmark side: every distinct (gram hash, question) pair, sorted by hash, so a
row's grams are found by binary search (numpy): 12 bytes a pair and no hash table to
build or keep. The questions are indexed in parts of QUESTION_CHUNK_CHARS characters,
each sorted on its own (a global sort of a million questions' 100 million pairs would
need three times their memory at once); a lookup searches each part. A one-probe bit
filter in front (2-4 bytes a pair) turns most absent grams away before any search.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from . import grams
from .normalise import normalise_expr

DEFAULT_NGRAM = 13
QUESTION_CHUNK_CHARS = 16_000_000  # characters of questions per part: ~0.5 GB of temporary arrays
FILTER_BITS_PER_PAIR = 16  # about 6% of absent grams pass the filter


@dataclass(frozen=True)
class QuestionIndex:
    ngram: int
    questions: pl.DataFrame  # benchmark_file, question_index, question; a question's id is its position here
    parts: tuple[tuple[np.ndarray, np.ndarray], ...]  # (hashes uint64 sorted, owners uint32) per part
    sizes: np.ndarray  # uint32 per question id: its distinct grams (0: shorter than one gram)
    bitmap: np.ndarray  # uint8: one bit per value of a hash's top ``bits`` bits, set for every pair's
    bits: int

    def maybe(self, h: np.ndarray) -> np.ndarray:
        """False where gram hash ``h`` is surely not in the table, so the binary searches
        (random reads, the slow part) run for few of a row's grams."""
        top = h >> np.uint64(64 - self.bits)
        return (self.bitmap[top >> np.uint64(3)] >> (top & np.uint64(7)).astype(np.uint8)) & 1 == 1

    @property
    def pairs(self) -> int:
        return sum(len(h) for h, _ in self.parts)

    @property
    def seen(self) -> int:
        """Questions long enough to have an n-gram (the others can never match)."""
        return int(np.count_nonzero(self.sizes))

    @property
    def nbytes(self) -> int:
        """What the table holds: 12 bytes per pair, the filter, 4 bytes per question."""
        return int(sum(h.nbytes + o.nbytes for h, o in self.parts) + self.sizes.nbytes + self.bitmap.nbytes)


def chunks(lengths: np.ndarray, limit: int) -> list[tuple[int, int]]:
    """(start, stop) ranges of texts of about ``limit`` characters each (a longer text alone)."""
    if not len(lengths):
        return []
    ends = np.cumsum(lengths)
    bounds, start = [], 0
    while start < len(lengths):
        before = ends[start - 1] if start else 0
        stop = max(int(np.searchsorted(ends, before + limit, side="right")), start + 1)
        bounds.append((start, stop))
        start = stop
    return bounds


def sorted_distinct(h: np.ndarray, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(h, owner) pairs sorted by h, then owner, each pair once."""
    order = np.argsort(h)  # introsort, the fastest; runs of equal hashes are put in owner order below
    h, owner = h[order], owner[order]
    same = h[1:] == h[:-1]
    if same.any():  # a gram several questions share, or one repeated within a text: few
        in_run = np.zeros(len(h), dtype=bool)
        in_run[1:] |= same
        in_run[:-1] |= same
        at = np.flatnonzero(in_run)
        owner[at] = owner[at][np.lexsort((owner[at], h[at]))]  # h[at] is sorted already: only owners move
        keep = np.ones(len(h), dtype=bool)
        keep[1:] = (h[1:] != h[:-1]) | (owner[1:] != owner[:-1])
        h, owner = h[keep], owner[keep]
    return h, owner


def build_index(questions: pl.DataFrame, ngram: int = DEFAULT_NGRAM) -> QuestionIndex:
    """The gram table of ``questions`` (benchmark_file, question_index, question)."""
    grams.check_ngram(ngram)
    norm = questions.select(normalise_expr(pl.col("question"))).to_series()
    lengths = norm.str.len_chars().to_numpy()
    parts = []
    sizes = np.zeros(questions.height, dtype=np.uint32)
    for start, stop in chunks(lengths, QUESTION_CHUNK_CHARS):
        owner, h = grams.gram_hashes(norm.slice(start, stop - start), ngram)
        h, owner = sorted_distinct(h, owner + np.uint32(start))
        sizes += np.bincount(owner, minlength=questions.height).astype(np.uint32)
        parts.append((h, owner))
    del norm
    pairs = sum(len(h) for h, _ in parts)
    bits = max(16, int(np.ceil(np.log2(max(1, pairs) * FILTER_BITS_PER_PAIR))))
    bitmap = np.zeros(1 << (bits - 3), dtype=np.uint8)
    for h, _ in parts:  # each part is sorted, so are its hashes' top bits: OR each byte's bits in one pass
        if len(h):
            top = h >> np.uint64(64 - bits)
            byte = top >> np.uint64(3)
            bit = np.left_shift(np.uint8(1), (top & np.uint64(7)).astype(np.uint8))
            starts = np.flatnonzero(np.r_[True, byte[1:] != byte[:-1]])
            bitmap[byte[starts]] |= np.bitwise_or.reduceat(bit, starts)
    return QuestionIndex(ngram, questions.select("benchmark_file", "question_index", "question"), tuple(parts), sizes,
                         bitmap, bits)


def lookup(index: QuestionIndex, h: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, question) for every question holding each gram ``h`` of row ``r``; ``h`` must
    be sorted (the binary searches then walk the table in order)."""
    rows, owners = [], []
    for table, table_owners in index.parts:
        if not len(table):
            continue
        at = np.searchsorted(table, h)
        hit = table[np.minimum(at, len(table) - 1)] == h
        lo = at[hit]
        counts = np.searchsorted(table, h[hit], side="right") - lo  # the questions holding the gram
        first = np.zeros(len(counts), dtype=np.int64)
        np.cumsum(counts[:-1], out=first[1:])
        where = np.arange(int(counts.sum()), dtype=np.int64) + np.repeat(lo - first, counts)
        rows.append(np.repeat(r[hit], counts))
        owners.append(table_owners[where])
    if not rows:
        return np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.uint32)
    return np.concatenate(rows), np.concatenate(owners)
