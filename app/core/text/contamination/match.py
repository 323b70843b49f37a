"""Which rows share a normalised character n-gram with a benchmark question.

The questions' grams are in a table of (gram hash, question) pairs (index.py). The rows'
grams (instruction + input, normalised and joined, so a question split between the two
fields is still seen) are hashed chunk by chunk and looked up in it (numpy), Polars counts
the distinct grams each (row, question) pair shares, and the
row's best question is the one with the highest overlap = shared / the question's grams
(ties: the first question read). Nothing loops over questions x rows in Python.

Chunks run on a small thread pool: numpy's multiply-adds and Polars' joins release the
GIL, so two chunks use two cores without copying the question table into other
processes (which a process pool would do for each worker).
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import numpy as np
import polars as pl

from . import grams
from .index import QuestionIndex, chunks, lookup, sorted_distinct
from .normalise import normalise_expr

CHUNK_CHARS = 2_000_000  # characters of row text hashed at once: ~40 MB of numpy arrays
MATCH_SCHEMA = pl.Schema({"rid": pl.UInt64, "file": pl.String, "line": pl.UInt32, "overlap": pl.Float64,
                          "shared": pl.UInt32, "question": pl.UInt32, "benchmark_file": pl.String,
                          "question_index": pl.UInt32})

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


class Cancelled(Exception):
    """The caller's cancel callback asked to stop."""


def row_text() -> pl.Expr:
    """What a row is checked by: its instruction and input, normalised and joined."""
    return normalise_expr(pl.col("instruction")) + normalise_expr(pl.col("input"))


def _pairs(texts: pl.Series, offset: int, index: QuestionIndex) -> pl.DataFrame:
    """r, q, shared: distinct grams each row of ``texts`` shares with each question."""
    owner, h = grams.gram_hashes(texts, index.ngram)
    maybe = index.maybe(h)
    h, owner = sorted_distinct(h[maybe], owner[maybe])  # each (gram, row) once, sorted for the lookup
    r, q = lookup(index, h, owner + np.uint32(offset))
    return pl.DataFrame({"r": r, "q": q}).group_by("r", "q").agg(pl.len().cast(pl.UInt32).alias("shared"))


def find_matches(frame: pl.DataFrame, index: QuestionIndex, *, chunk_chars: int = CHUNK_CHARS,
                 threads: int | None = None, progress: Progress | None = None,
                 cancel: Cancel | None = None) -> pl.DataFrame:
    """One line per flagged row of ``frame`` (MATCH_SCHEMA), in frame order: its best
    question (``question`` = its position in ``index.questions``), the distinct grams
    they share and the overlap."""
    texts = frame.select(row_text()).to_series() if frame.height else pl.Series([], dtype=pl.String)
    lengths = texts.str.len_chars().to_numpy().astype(np.int64, copy=False)
    bounds = chunks(lengths, max(1, chunk_chars)) if index.pairs else []
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
