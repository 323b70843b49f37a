"""Export of the files whose rows are records, not lines: JSON arrays and Parquet.

A JSON array is written back as an array: its bytes before the first record and after
the last, each record's own bytes (an edited one with its edits spliced in, rowedit),
and between two records that stay, the separator that followed the first of them in
the release (comma, line ends, indentation). A record left out goes with its separator,
so an untouched array is the release's file byte for byte and a shorter one is still
valid JSON. A Parquet file is re-written with its own schema: rejected rows removed,
edited rows' values replaced (nested values as the lists and structs they were),
every other column and row as read.

In a single-file JSONL export of several files, a record of an array is one line: its
bytes with their line ends turned into spaces (JSON allows a line end only between
tokens, so every token stays as written); a Parquet row is its canonical JSON (the text
the loader read and hashed), edits spliced in the same way.
"""
from __future__ import annotations

import io
import json
import os
from pathlib import Path

import polars as pl

from app.core.io import rawfile, sourcefile
from app.core.io.jsonarray import ArrayError, scan
from app.core.load.recordfiles import canonical_lines

from .export_jsonl import _DROP, Output, Plan, _check_unchanged
from .rowedit import LOCATOR_KEY, MARK_KEY, ExportError, apply_obj, curation_mark, write_row

_BLANK = bytes.maketrans(b"\r\n", b"  ")
_KEEP = object()  # a record written as it is


def _read(path: Path, rel: str, plan: Plan) -> bytes:
    changed = f"{rel} changed on disk during the export (another program truncated or rewrote it): reload the release"
    try:
        src = sourcefile.Source(path)
    except (OSError, sourcefile.Unreadable) as exc:
        raise ExportError(f"cannot read the release file {path}: {exc}") from exc
    with src:
        try:
            data = rawfile.read_at(src.fd, 0, src.size)
        except rawfile.FileShrank:
            raise ExportError(changed) from None
        if src.changed():
            raise ExportError(changed)
    _check_unchanged(data, rel, plan)
    return data


def _rows_out(rel: str, plan: Plan, stats: dict, ops: dict) -> None:
    """Rows written: the file's rows less those left out (rejected, not chosen); a bad
    record left out is no row."""
    dropped = sum(1 for s in ops.values() if s is _DROP)
    bad = 0 if plan.keep_bad_lines else len(plan.bad.get(rel, []))
    stats["rows"] += plan.rows.get(rel, 0) - (dropped - bad)


def _new_record(raw: bytes, state, rel: str, number: int, plan: Plan | None = None) -> bytes:
    where = plan.where[rel][number] if plan is not None and plan.where is not None else None
    try:
        return write_row(raw, state, where, plan is not None and plan.with_notes)
    except ExportError as exc:
        raise ExportError(f"{rel}: record {number}: {exc}") from exc


# ---- JSON arrays ---------------------------------------------------------------------------

def _array(path: Path, rel: str, plan: Plan, stats: dict):
    data = _read(path, rel, plan)
    try:
        spans = scan(data).spans
    except ArrayError as exc:
        raise ExportError(f"{rel} changed since the release was loaded ({exc}): reload the release") from exc
    ops = dict(plan.line_ops(rel, stats))
    return data, spans, ops


def write_array(out: Output, path: Path, rel: str, plan: Plan, stats: dict, first: bool) -> None:
    """The array file in its own format (see the module's docstring)."""
    data, spans, ops = _array(path, rel, plan, stats)
    view = memoryview(data)
    skip = 3 if not first and data.startswith(rawfile.BOM) else 0
    if not spans:
        out.add(view[skip:])
        return
    kept = [k for k in range(1, len(spans) + 1) if ops.get(k, _KEEP) is not _DROP]
    out.add(view[skip : spans[0][0]])
    for j, k in enumerate(kept):
        start, end = spans[k - 1]
        state = ops.get(k)
        out.add(view[start:end] if state is None else _new_record(data[start:end], state, rel, k, plan))
        if j + 1 < len(kept):
            out.add(view[end : spans[k][0]])  # the separator that followed it in the release
    out.add(view[spans[-1][1] :])
    _rows_out(rel, plan, stats, ops)


def write_array_lines(out: Output, path: Path, rel: str, plan: Plan, stats: dict) -> None:
    """The array's records as JSON lines (a single-file JSONL export of several files)."""
    data, spans, ops = _array(path, rel, plan, stats)
    for k, (start, end) in enumerate(spans, 1):
        state = ops.get(k, _KEEP)
        if state is _DROP:
            continue
        raw = data[start:end]
        out.add((raw if state is _KEEP else _new_record(raw, state, rel, k, plan)).translate(_BLANK) + b"\n")
    _rows_out(rel, plan, stats, ops)


# ---- Parquet -------------------------------------------------------------------------------

def _parquet(path: Path, rel: str, plan: Plan, stats: dict) -> tuple[pl.DataFrame, dict]:
    data = _read(path, rel, plan)
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - whatever Polars says, the file is not what was loaded
        raise ExportError(f"{rel} changed since the release was loaded ({exc}): reload the release") from exc
    return frame, dict(plan.line_ops(rel, stats))


def write_parquet(fd: int, path: Path, rel: str, plan: Plan, stats: dict) -> None:
    """The Parquet file re-written with its own schema (the module's docstring)."""
    frame, ops = _parquet(path, rel, plan, stats)
    edited = sorted(k for k, s in ops.items() if s is not _DROP and s.fields)
    indexed = frame.with_row_index("__row", offset=1)
    if edited:
        rows = indexed.filter(pl.col("__row").is_in(edited))
        new = []
        for obj in rows.drop("__row").to_dicts():
            number = len(new)
            state = ops[edited[number]]
            try:
                new.append(apply_obj(obj, state.fields))
            except (KeyError, IndexError, TypeError) as exc:
                raise ExportError(f"{rel}: row {edited[number]}: no value at {exc} to write the edit back to") from exc
        made = pl.DataFrame(new, schema=frame.schema).with_columns(rows["__row"])
        indexed = pl.concat([indexed.filter(~pl.col("__row").is_in(edited)), made.select(indexed.columns)]).sort("__row")
    dropped = [k for k, s in ops.items() if s is _DROP]
    if dropped:
        indexed = indexed.filter(~pl.col("__row").is_in(dropped))
    marks = {k: m for k, s in ops.items() if s is not _DROP and (m := curation_mark(s, plan.with_notes))}
    if marks:
        mark = pl.Series([json.dumps(marks[k], ensure_ascii=False) if k in marks else None
                          for k in indexed["__row"].to_list()], dtype=pl.String)
        indexed = indexed.with_columns(mark.alias(MARK_KEY))
    if plan.where is not None:  # the locator asked for: a struct column, as Parquet holds nested values
        where = plan.where.get(rel, {})
        indexed = indexed.with_columns(pl.Series(LOCATOR_KEY, [where.get(k) for k in indexed["__row"].to_list()]))
    with os.fdopen(os.dup(fd), "wb") as fh:
        indexed.drop("__row").write_parquet(fh)
    _rows_out(rel, plan, stats, ops)


def write_parquet_lines(out: Output, path: Path, rel: str, plan: Plan, stats: dict) -> None:
    """The Parquet file's rows as JSON lines: each its canonical JSON, edits spliced in."""
    frame, ops = _parquet(path, rel, plan, stats)
    for k, raw in enumerate(canonical_lines(frame), 1):
        state = ops.get(k, _KEEP)
        if state is _DROP:
            continue
        out.add((raw if state is _KEEP else _new_record(raw, state, rel, k, plan)) + b"\n")
    _rows_out(rel, plan, stats, ops)


# ---- every field of every row, for a Parquet export ------------------------------------------

def record_texts(release, overlay, positions: list[int], plan: Plan) -> list[str]:
    """Each row's record as the JSONL export writes it (its own keys, edits spliced in, a
    rejected row kept marked), one line of text per row at ``positions`` of the base
    frame: what a Parquet export keeps of every field the inner columns do not hold."""
    base = release.frame
    kinds = {f.rel: f.kind for f in release.report.file_infos}
    at = pl.DataFrame({"_k": pl.int_range(len(positions), eager=True, dtype=pl.UInt32),
                       "_p": pl.Series(positions, dtype=pl.UInt32)})
    rows = at.with_columns(file=base.get_column("file").gather(at["_p"]), line=base.get_column("line").gather(at["_p"]),
                           rid=base.get_column("rid").gather(at["_p"]), start=release.offsets.gather(at["_p"]),
                           end=release.ends.gather(at["_p"]))
    touched = {r for r in overlay}
    out: list[str] = [""] * len(positions)
    for (rel,), part in rows.group_by("file", maintain_order=True):
        data = _read(Path(release.root) / rel, rel, plan)
        ks, starts, ends = part["_k"].to_list(), part["start"].to_list(), part["end"].to_list()
        if kinds.get(rel) == "parquet":
            lines = canonical_lines(pl.read_parquet(io.BytesIO(data)))
            raws = [lines[s] for s in starts]
        else:  # one C-level slice per row; an array record's line ends become spaces
            raws = [data[s:e] for s, e in zip(starts, ends)]
            if kinds.get(rel) == "array":
                raws = [r.translate(_BLANK) for r in raws]
        for k, raw, rid, line in zip(ks, raws, part["rid"].to_list(), part["line"].to_list()):
            if rid in touched:
                state = overlay[rid]
                if state.fields or state.decision == "rejected":
                    raw = _new_record(raw, state, rel, line).translate(_BLANK)
            out[k] = raw.decode("utf-8", "surrogatepass")
    return out
