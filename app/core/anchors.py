"""Anchors: what a decision needs to find its row again after the release changed.

A row id (rid) hashes the row's raw line, so re-serialising a release (other spacing, other
escapes) changes every id. An anchor adds what survives that:

- ``cid``, the content id: XXH3-64 of the row's canonical JSON (parsed strictly, keys
  sorted at every depth, compact, non-ASCII unescaped). It changes only when the JSON
  object does.
- the locator (``file``, ``line``) where the row was, to offer "the row now at that place"
  when the content is gone;
- the text lengths, a cheap filter: only rows with the same lengths can have the same
  content, so a changed release needs content ids for a few rows, not all of them;
- for a row whose exact line repeats in the release, how many copies there were (``n``)
  and which one it was (``k``): a decision on one copy never moves to another.

Anchors are computed when a row is first touched, while its release is still on disk, and
journaled with the command (see journal.py).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Iterable, Mapping

import polars as pl
import xxhash

from . import rawfile
from .schema import LENGTH_COLUMNS, TEXT_FIELDS, line_hash, rid_from_hex, rid_hex

LENGTHS = tuple(LENGTH_COLUMNS[f] for f in TEXT_FIELDS)


@dataclass(frozen=True)
class Anchor:
    cid: int
    file: str
    line: int
    lengths: tuple[int, int, int]  # len_instruction, len_input, len_output
    n: int = 1  # copies of the row's exact line in its release
    k: int = 0  # which copy (0-based, in release order)

    def to_json(self) -> list:
        out = [rid_hex(self.cid), self.file, self.line, *self.lengths]
        return out + [self.n, self.k] if self.n > 1 else out

    @classmethod
    def from_json(cls, obj: list) -> "Anchor":
        cid, file, line, a, b, c, *copies = obj
        n, k = copies if copies else (1, 0)
        return cls(rid_from_hex(cid), str(file), int(line), (int(a), int(b), int(c)), int(n), int(k))

    def moved(self, file: str, line: int) -> "Anchor":
        return Anchor(self.cid, file, line, self.lengths, self.n, self.k)


def encode_anchors(anchors: Mapping[int, Anchor]) -> dict[str, list]:
    return {rid_hex(r): a.to_json() for r, a in anchors.items()}


def decode_anchors(obj: Mapping[str, list] | None) -> dict[int, Anchor]:
    return {rid_from_hex(k): Anchor.from_json(v) for k, v in (obj or {}).items()}


def canonical_id(raw: bytes) -> int | None:
    """The content id of one raw line; None when it is not a good row."""
    from .loader import parse_line  # the loader's own (strict) reading of a line

    obj, reason = parse_line(raw)
    if obj is None:
        return None
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # a lone surrogate (kept by json.loads from an escape) must hash, not raise
    return xxhash.xxh3_64_intdigest(text.encode("utf-8", "surrogatepass"))


class RawRows:
    """A release's raw row lines by (file, line number), read from disk on demand.

    Each file's line table is built once (numpy, a chunk at a time) and kept. A file that
    changed on disk since the load (size or mtime) gives nothing: its lines are no longer
    the rows that were loaded.
    """

    def __init__(self, release):
        self.release = release
        self._tables: dict[str, rawfile.LineTable | None] = {}
        self._stamp = {f.rel: (f.size, f.mtime_ns) for f in release.report.file_infos}

    def lines(self, file: str, numbers: Iterable[int]) -> list[bytes | None]:
        path = os.path.join(self.release.root, file)
        table = self._table(file, path)
        numbers = list(numbers)
        if table is None:
            return [None] * len(numbers)
        import numpy as np

        at = np.searchsorted(table.numbers, np.asarray(numbers, dtype=np.uint32))
        out: list[bytes | None] = []
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return [None] * len(numbers)
        try:
            for n, i in zip(numbers, at.tolist()):
                if i >= len(table) or int(table.numbers[i]) != n:
                    out.append(None)
                    continue
                lo, hi = int(table.starts[i]), int(table.ends[i])
                try:
                    out.append(rawfile.read_at(fd, lo, hi))
                except OSError:
                    out.append(None)
        finally:
            os.close(fd)
        return out

    def _table(self, file: str, path: str) -> rawfile.LineTable | None:
        if file not in self._tables:
            self._tables[file] = self._build(file, path)
        return self._tables[file]

    def _build(self, file: str, path: str) -> rawfile.LineTable | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        if self._stamp.get(file) != (st.st_size, st.st_mtime_ns):
            return None
        try:
            with rawfile.mapped(path) as buf:
                return rawfile.file_line_table(buf)
        except (OSError, ValueError):
            return None


def raw_rows(release) -> RawRows:
    """The release's RawRows, made once per release."""
    cache = release.cache
    if "raw_rows" not in cache:
        cache["raw_rows"] = RawRows(release)
    return cache["raw_rows"]


def copies_of(release, rids: pl.Series) -> pl.DataFrame:
    """rid, n, k for the given rids (n=1, k=0 where the row's line is unique)."""
    keys = rids.cast(pl.UInt64).alias("rid").to_frame()
    dups = release.duplicates
    if dups.is_empty():
        return keys.with_columns(n=pl.lit(1, pl.UInt32), k=pl.lit(0, pl.UInt32))
    return keys.join(dups, on="rid", how="left", maintain_order="left").with_columns(
        pl.col("n").fill_null(1), pl.col("k").fill_null(0))


def rows_of(release, rids: Iterable[int]) -> pl.DataFrame:
    """rid, file, line, the text lengths, n and k of the given rids that are in the release."""
    keys = pl.Series("rid", list(rids), dtype=pl.UInt64).to_frame()
    found = keys.join(release.frame.select("rid", "file", "line", *LENGTHS), on="rid", how="inner", maintain_order="left")
    return found.join(copies_of(release, found["rid"]), on="rid", how="left", maintain_order="left")


def content_ids(release, rows: pl.DataFrame) -> list[int | None]:
    """Content ids of ``rows`` (columns file, line), in their order; None where the line
    cannot be read any more or is no longer the loaded row."""
    reader = raw_rows(release)
    out: list[int | None] = [None] * rows.height
    indexed = rows.select("file", "line").with_row_index("_i")
    for (file,), part in indexed.partition_by("file", as_dict=True, maintain_order=True).items():
        raws = reader.lines(file, part["line"].to_list())
        for i, raw in zip(part["_i"].to_list(), raws):
            if raw is not None:
                out[i] = canonical_id(raw)
    return out


def anchors_for(release, rids: Iterable[int]) -> dict[int, Anchor]:
    """Anchors of the rows among ``rids`` that are in the release and can still be read
    (the release file unchanged on disk, its line the one loaded)."""
    rows = rows_of(release, rids)
    if rows.is_empty():
        return {}
    reader = raw_rows(release)
    out: dict[int, Anchor] = {}
    indexed = rows.with_row_index("_i")
    for (file,), part in indexed.partition_by("file", as_dict=True, maintain_order=True).items():
        raws = reader.lines(file, part["line"].to_list())
        for row, raw in zip(part.iter_rows(named=True), raws):
            if raw is None or not _is_line_of(raw, row["rid"], row["k"]):
                continue
            cid = canonical_id(raw)
            if cid is None:
                continue
            lengths = tuple(int(row[c]) for c in LENGTHS)
            out[row["rid"]] = Anchor(cid, file, int(row["line"]), lengths, int(row["n"]), int(row["k"]))  # type: ignore[arg-type]
    return out


def _is_line_of(raw: bytes, rid: int, k: int) -> bool:
    """Is ``raw`` the line whose k-th copy has id ``rid`` (schema.row_ids)?"""
    h = line_hash(raw)
    if k == 0:
        return h == rid
    return xxhash.xxh3_64_intdigest(h.to_bytes(8, "little") + k.to_bytes(4, "little")) == rid
