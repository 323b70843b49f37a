"""JSON arrays and Parquet files -> rows, through the same readers as JSON lines: each
record is handed to them as one line would be.

A JSON array's records are found by io.jsonarray (the stdlib's scanner): a record's
raw bytes (BOM and the white space around it excluded) are its identity, its row id
XXH3 of them, exactly as for a JSONL line; Polars reads them with the white space inside
a pretty-printed record (newlines, CR) turned into spaces, which JSON allows between
tokens and never inside a string. Release.offsets/ends hold each record's byte span.

A Parquet file is read by Polars (from a copy of its bytes: never mapped, so a file that
shrinks cannot kill the process); each row becomes its canonical JSON (keys sorted,
compact, non-ASCII unescaped; NaN and infinite floats of a top-level column as null,
dates and times as ISO 8601 text, bytes as UTF-8 text), its row id XXH3 of that, as no
raw bytes of its own exist. Its offset in Release.offsets is its 0-based row index.
"""
from __future__ import annotations

import base64
import datetime as dt
import io
import json
from decimal import Decimal
from typing import Callable

import polars as pl
import xxhash

from app.core.io import rawfile, sourcefile
from app.core.io.jsonarray import ArrayError, scan
from . import sniff
from .formats import Shape
from .plans import Plan, check_chunk, plan_for, read_fast
from .report import BadLine, LoadReport
from .schema import line_hash, normalise_raw

_BLANK = bytes.maketrans(b"\r\n", b"  ")


def read_array(src: sourcefile.Source, rel: str, source: str, subset: str, report: LoadReport,
               chunk_done: Callable[[int], None], override: Shape | None):
    """((frames, hashes, records, digest, None, offsets, ends), None, plan) or (None, why, None)."""
    data = rawfile.read_at(src.fd, 0, src.size)
    try:
        found = scan(data)
    except ArrayError as exc:
        return None, str(exc), None
    chunk_done(src.size // 2)
    report.bad_lines += [BadLine(rel, n, reason) for n, reason in found.bad]
    raws = [data[s:e] for s, e in zip(found.starts, found.ends)]
    hashes = list(map(line_hash, raws))
    lines = [r.translate(_BLANK) for r in raws]
    del raws
    starts = pl.Series("offset", found.starts, dtype=pl.UInt64)
    ends = pl.Series("end", found.ends, dtype=pl.UInt64)
    plan = plan_for(sniff.records_of(lines), override)
    got = _read_records(plan, lines, found.numbers, hashes, starts, ends, rel, source, subset, report)
    chunk_done(src.size)
    return (*got[:2], found.records, xxhash.xxh3_64_hexdigest(data), None, *got[2:]), None, plan


def read_parquet(src: sourcefile.Source, rel: str, source: str, subset: str, report: LoadReport,
                 chunk_done: Callable[[int], None], override: Shape | None):
    data = rawfile.read_at(src.fd, 0, src.size)
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - whatever the reader says, the file is not read
        reason = " ".join(str(exc).split())[:200]
        return None, f"not a readable Parquet file: {reason}", None
    chunk_done(src.size // 2)
    lines = canonical_lines(frame)
    n = len(lines)
    numbers = list(range(1, n + 1))
    index = pl.int_range(n, dtype=pl.UInt64, eager=True)
    plan = plan_for(sniff.records_of(lines), override)
    got = _read_records(plan, lines, numbers, list(map(line_hash, lines)), index.alias("offset"),
                        (index + 1).alias("end"), rel, source, subset, report)
    chunk_done(src.size)
    return (*got[:2], n, xxhash.xxh3_64_hexdigest(data), None, *got[2:]), None, plan


def canonical_lines(frame: pl.DataFrame) -> list[bytes]:
    """Each row's canonical JSON (the module's docstring)."""
    floats = [c for c, t in frame.schema.items() if t.is_float()]
    if floats:
        frame = frame.with_columns(pl.when(pl.col(c).is_finite()).then(pl.col(c)).otherwise(None).alias(c) for c in floats)
    dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_jsonable).encode
    return [dumps(row).encode("utf-8", "surrogatepass") for row in frame.iter_rows(named=True)]


def _jsonable(value):
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return "base64:" + base64.b64encode(value).decode()
    if isinstance(value, (dt.timedelta, Decimal)):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def _read_records(plan: Plan, lines: list[bytes], numbers: list[int], hashes: list[int], starts: pl.Series,
                  ends: pl.Series, rel: str, source: str, subset: str, report: LoadReport):
    """(frames, hashes, offsets, ends) of the good ones among ``lines`` (records, one
    line each), read CHUNK_BYTES at a time as a JSONL file's chunks are."""
    frames, kept_hashes, kept_at = [], [], []
    lo = 0
    while lo < len(lines):
        hi, size = lo, 0
        while hi < len(lines) and (size < rawfile.CHUNK_BYTES or hi == lo):
            size += len(lines[hi]) + 1
            hi += 1
        chunk, nums = lines[lo:hi], numbers[lo:hi]
        piece = b"\n".join(chunk) + b"\n"
        raw, keep = check_chunk(plan, read_fast(piece, plan.reader.schema), piece, nums, chunk, rel, report)
        at = pl.int_range(lo, hi, dtype=pl.UInt32, eager=True)
        if keep is not None:
            at = at.filter(pl.Series(keep, dtype=pl.Boolean))
        if raw.height:
            frames.append(normalise_raw(raw, rel, pl.Series(nums, dtype=pl.UInt32).gather(at - lo), source, subset,
                                        fmt=plan.format))
            kept_at.append(at)
        lo = hi
    at = pl.concat(kept_at) if kept_at else pl.Series([], dtype=pl.UInt32)
    kept_hashes = pl.Series(hashes, dtype=pl.UInt64).gather(at) if len(at) else pl.Series([], dtype=pl.UInt64)
    return frames, kept_hashes, starts.gather(at), ends.gather(at)
