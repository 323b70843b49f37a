"""Which rows share a normalised character n-gram with a benchmark question.

The questions' grams are hashed once into a table (gram hash, question id), distinct
pairs only, and each question's number of distinct grams is kept. The rows' grams
(instruction + input, normalised and joined, so a question split between the two fields
is still seen) are hashed chunk by chunk; Polars keeps those whose hash is in the table
(a hash semi-join), counts the distinct grams each (row, question) pair shares, and the
row's best question is the one with the highest overlap = shared / the question's grams
(ties: the first question read). Nothing loops over questions x rows in Python.

Chunks run on a small thread pool: numpy's multiply-adds and Polars' joins release the
GIL, so two chunks use two cores without copying the question table into other
processes (which a process pool would do for each worker: 1.2 GB for a million questions).
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
    grams: pl.DataFrame  # h (UInt64), q (UInt32): each distinct gram of each question once
    keys: pl.DataFrame  # h: the distinct gram hashes of all questions
    sizes: pl.DataFrame  # q, size: distinct grams per question (questions without one are absent)

    @property
    def seen(self) -> int:
        """Questions long enough to have an n-gram (the others can never match)."""
        return self.sizes.height

    def estimated_size(self) -> int:
        return int(self.grams.estimated_size() + self.keys.estimated_size() + self.sizes.estimated_size())


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


def build_index(questions: pl.DataFrame, ngram: int = DEFAULT_NGRAM) -> QuestionIndex:
    """The gram table of ``questions`` (benchmark_file, question_index, question)."""
    grams.check_ngram(ngram)
    norm = questions.select(normalise_expr(pl.col("question"))).to_series()
    lengths = norm.str.len_chars().to_numpy()
    parts = []
    for start, stop in _chunks(lengths, QUESTION_CHUNK_CHARS):
        owner, h = grams.gram_hashes(norm.slice(start, stop - start), ngram)
        parts.append(pl.DataFrame({"h": h, "q": owner + np.uint32(start)}).unique())
    table = pl.concat(parts) if parts else pl.DataFrame(schema={"h": pl.UInt64, "q": pl.UInt32})
    sizes = table.group_by("q").agg(pl.len().cast(pl.UInt32).alias("size"))
    return QuestionIndex(ngram, questions.select("benchmark_file", "question_index", "question"), table,
                         table.select("h").unique(), sizes)


def _pairs(texts: pl.Series, offset: int, index: QuestionIndex) -> pl.DataFrame:
    """r, q, shared: distinct grams each row of ``texts`` shares with each question."""
    owner, h = grams.gram_hashes(texts, index.ngram)
    rows = pl.DataFrame({"r": owner + np.uint32(offset), "h": h})
    hits = rows.join(index.keys, on="h", how="semi").unique()
    return (hits.join(index.grams, on="h").group_by("r", "q")
            .agg(pl.len().cast(pl.UInt32).alias("shared")))


def find_matches(frame: pl.DataFrame, index: QuestionIndex, *, chunk_chars: int = CHUNK_CHARS,
                 threads: int | None = None, progress: Progress | None = None,
                 cancel: Cancel | None = None) -> pl.DataFrame:
    """One line per flagged row of ``frame`` (MATCH_SCHEMA), in frame order: its best
    question (``question`` = its position in ``index.questions``), the distinct grams
    they share and the overlap."""
    texts = frame.select(row_text()).to_series() if frame.height else pl.Series([], dtype=pl.String)
    lengths = texts.str.len_chars().to_numpy().astype(np.int64, copy=False)
    bounds = _chunks(lengths, max(1, chunk_chars)) if index.keys.height else []
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
    best = (pl.concat(parts).join(index.sizes, on="q")
            .with_columns((pl.col("shared") / pl.col("size")).alias("overlap"))
            .sort(["r", "overlap", "q"], descending=[False, True, False])
            .unique(subset="r", keep="first", maintain_order=True))
    where = frame.select("rid", "file", "line")[best["r"].to_numpy()]
    found = index.questions.select("benchmark_file", "question_index")[best["q"].to_numpy()]
    return pl.concat([where, best.select("overlap", "shared", pl.col("q").alias("question")), found],
                     how="horizontal").select(MATCH_SCHEMA.names()).cast(MATCH_SCHEMA)
