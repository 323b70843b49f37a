"""Benchmark contamination: rows of a release whose instruction + input repeat text of an
evaluation benchmark's questions (CMMLU, GAOKAO-Bench, ...), which training on the release
would leak into the benchmark.

    questions  read the benchmark files (CSV, JSON, JSONL, Parquet; folders searched)
    normalise  the text both sides are compared as (NFKC, no space/punctuation/symbols, lower case)
    grams      every character n-gram hashed at once (numpy)
    index      the questions' grams: a sorted table of (gram hash, question) pairs
    match      the rows' grams looked up in it: flagged rows, their best question and overlap
    highlight  the shared text of one row and its question, for the side-by-side view

``scan(frame, paths)`` runs it all; ``Scan.to_json()`` is the CLI's ``--json``.
"""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from .index import DEFAULT_NGRAM, QuestionIndex, build_index
from .match import Cancel, Cancelled, Progress, find_matches
from .questions import Benchmark, BenchmarkError, read_benchmarks

__all__ = ["DEFAULT_NGRAM", "BIN_EDGES", "Benchmark", "BenchmarkError", "Cancelled", "QuestionIndex", "Scan",
           "bin_label", "overlap_bin", "read_benchmarks", "build_index", "find_matches", "scan"]

# Overlap bins, highest first: (label, lower bound). A flagged row has overlap > 0.
BIN_EDGES = ((">= 0.9", 0.9), ("0.5-0.9", 0.5), ("0.2-0.5", 0.2), ("< 0.2", 0.0))


def bin_label(overlap: float) -> str:
    return next(label for label, low in BIN_EDGES if overlap >= low)


def overlap_bin(e: pl.Expr) -> pl.Expr:
    """The bin label of an overlap column (null stays null: a row not flagged)."""
    out = pl.when(e.is_null()).then(pl.lit(None, pl.String))
    for label, low in BIN_EDGES:
        out = out.when(e >= low).then(pl.lit(label))
    return out.otherwise(pl.lit(None, pl.String))


@dataclass(frozen=True)
class Scan:
    benchmark: Benchmark
    index: QuestionIndex
    matches: pl.DataFrame  # match.MATCH_SCHEMA, one line per flagged row, in release order
    rows_scanned: int

    def bins(self) -> dict[str, int]:
        counts = dict(self.matches.select(overlap_bin(pl.col("overlap")).alias("bin")).to_series().value_counts()
                      .iter_rows())
        return {label: counts.get(label, 0) for label, _ in BIN_EDGES}

    def to_json(self) -> dict:
        cols = self.matches.select("file", "line", pl.col("overlap").round(4), "benchmark_file", "question_index")
        return {"rows_scanned": self.rows_scanned, "questions": self.index.questions.height,
                "matches": cols.to_dicts()}


def scan(frame: pl.DataFrame, paths, ngram: int = DEFAULT_NGRAM, *, threads: int | None = None,
         progress: Progress | None = None, cancel: Cancel | None = None) -> Scan:
    benchmark = read_benchmarks(paths)
    index = build_index(benchmark.questions, ngram)
    found = find_matches(frame, index, threads=threads, progress=progress, cancel=cancel)
    return Scan(benchmark, index, found, frame.height)
