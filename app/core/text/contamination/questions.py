"""Benchmark questions from the files evaluation benchmarks are published as.

- CSV: the column named ``question`` (any case; CMMLU's ``Question``); one question per
  data row, ``question_index`` is the 0-based data row.
- JSON: every field named ``question`` (any case) holding a string, wherever it sits
  (GAOKAO-Bench's ``example`` list), in document order; ``question_index`` counts them.
  A list or object under such a key is searched further.
- JSONL: the same, line after line (one index across the file).
- Parquet: like CSV.

A folder is searched recursively (hidden names skipped) for those four extensions, in
path order; a file there without questions is skipped with a warning, a file named
directly is an error. Every error is one line naming the file (and line) and why.
Files are only read.
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import polars as pl

KINDS = (".csv", ".json", ".jsonl", ".parquet")
KINDS_TEXT = ".csv, .json, .jsonl or .parquet"
SCHEMA = pl.Schema({"benchmark_file": pl.String, "question_index": pl.UInt32, "question": pl.String})


class BenchmarkError(Exception):
    """A benchmark that cannot be read: one line naming the file and why."""


class _NoQuestions(Exception):
    """A file holding no question: an error when named, skipped inside a folder."""


@dataclass(frozen=True)
class Benchmark:
    questions: pl.DataFrame  # benchmark_file, question_index, question (SCHEMA), files in order
    files: tuple[str, ...]  # every file read, as named in ``questions``
    warnings: tuple[str, ...] = ()  # files of a folder that were skipped, and why


def read_benchmarks(paths: Iterable[str | Path]) -> Benchmark:
    """The questions of every file or folder in ``paths``. A file is named by its path
    relative to the folder holding the path given (``cmmlu/test/agronomy.csv`` for
    ``--benchmark .../cmmlu``; ``q.csv`` for ``--benchmark .../q.csv``)."""
    parts: list[pl.DataFrame] = []
    files: list[str] = []
    warnings: list[str] = []
    for given in paths:
        given = Path(given)
        if given.is_dir():
            found = list(_search(given))
            if not found:
                raise BenchmarkError(f"{given}: no benchmark file ({KINDS_TEXT}) in this folder")
            for path in found:
                name = path.relative_to(given.parent).as_posix()
                try:
                    parts.append(_read(path, name))
                except _NoQuestions as why:
                    warnings.append(f"{name}: {why}: skipped")
                    continue
                files.append(name)
        elif given.exists():
            if given.suffix.lower() not in KINDS:
                raise BenchmarkError(f"{given}: not a benchmark file ({KINDS_TEXT})")
            try:
                parts.append(_read(given, given.name))
            except _NoQuestions as why:
                raise BenchmarkError(f"{given}: {why}") from None
            files.append(given.name)
        else:
            raise BenchmarkError(f"{given}: no such file or folder")
    questions = pl.concat(parts) if parts else SCHEMA.to_frame()
    return Benchmark(questions, tuple(files), tuple(warnings))


def _search(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).parts
        if any(p.startswith(".") for p in rel) or not path.is_file():
            continue
        if path.suffix.lower() in KINDS:
            yield path


def _read(path: Path, name: str) -> pl.DataFrame:
    kind = path.suffix.lower()
    try:
        if kind == ".parquet":
            try:
                table = pl.read_parquet(path)
            except Exception as exc:  # noqa: BLE001 - Polars' reasons span several lines
                raise BenchmarkError(f"{path}: cannot be read as Parquet ({_first_line(exc)})") from None
            return _from_table(table, name)
        data = path.read_bytes()
    except OSError as exc:
        raise BenchmarkError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BenchmarkError(f"{path}: not UTF-8 text (invalid byte at offset {exc.start})") from None
    text = text.removeprefix("\ufeff")
    if kind == ".csv":
        try:
            table = pl.read_csv(io.StringIO(text), infer_schema=False, truncate_ragged_lines=True)
        except Exception as exc:  # noqa: BLE001
            raise BenchmarkError(f"{path}: cannot be read as CSV ({_first_line(exc)})") from None
        return _from_table(table, name)
    questions: list[str] = []
    if kind == ".json":
        _walk(_parse(text, path, 0), questions)
    else:
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                _walk(_parse(line, path, number), questions)
    if not questions:
        raise _NoQuestions("no question field")
    return pl.DataFrame({"benchmark_file": [name] * len(questions), "question_index": range(len(questions)),
                         "question": questions}, schema=SCHEMA)


def _from_table(table: pl.DataFrame, name: str) -> pl.DataFrame:
    column = next((c for c in table.columns if c.strip().lower() == "question"), None)
    if column is None:
        raise _NoQuestions(f"no column named question (columns: {', '.join(table.columns)})")
    return (table.select(pl.col(column).cast(pl.String).alias("question"))
            .with_row_index("question_index")
            .filter(pl.col("question").is_not_null())
            .select(pl.lit(name).alias("benchmark_file"), pl.col("question_index").cast(pl.UInt32), "question"))


def _parse(text: str, path: Path, line: int) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = line or exc.lineno
        raise BenchmarkError(f"{path} line {where}: invalid JSON: {exc.msg} (column {exc.colno})") from None


def _walk(value: Any, out: list[str]) -> None:
    """Every string under a key named question (any case), in document order."""
    stack: list[tuple[bool, Any]] = [(False, value)]  # (is a question, item)
    while stack:  # iterative: a deeply nested file must not hit the recursion limit
        found, item = stack.pop()
        if found:
            out.append(item)
        elif isinstance(item, dict):
            todo = [(True, sub) if isinstance(sub, str) else (False, sub) for key, sub in item.items()
                    if (isinstance(sub, str) and key.lower() == "question") or isinstance(sub, (dict, list))]
            stack.extend(reversed(todo))
        elif isinstance(item, list):
            stack.extend(reversed([(False, x) for x in item if isinstance(x, (dict, list))]))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
