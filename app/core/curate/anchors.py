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

from app.core.io import rawfile
from app.core.load.schema import LENGTH_COLUMNS, TEXT_FIELDS, line_hash, rid_from_hex, rid_hex

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
    from app.core.load.loader import parse_line  # the loader's own (strict) reading of a line

    obj, reason = parse_line(raw)
    if obj is None:
        return None
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # a lone surrogate (kept by json.loads from an escape) must hash, not raise
    return xxhash.xxh3_64_intdigest(text.encode("utf-8", "surrogatepass"))


class RawRows:
    """A release's raw rows, read back from disk by the byte spans the loader recorded
    (Release.offsets and ends): no scan of the file; a JSON array's record as a JSONL
    line. A Parquet row's raw form is its canonical JSON (load.recordfiles), made again
    from the file. A file that changed on disk since the load (size or mtime) gives
    nothing: its lines are no longer the rows that were loaded.
    """

    _WINDOW = 64 << 10

    def __init__(self, release):
        self.release = release
        self._stamp = {f.rel: (f.size, f.mtime_ns) for f in release.report.file_infos}
        self._kind = {f.rel: f.kind for f in release.report.file_infos}

    def lines(self, file: str, offsets: Iterable[int], ends: Iterable[int] | None = None) -> list[bytes | None]:
        offsets = list(offsets)
        ends = list(ends) if ends is not None else None
        path = os.path.join(self.release.root, file)
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return [None] * len(offsets)
        try:
            st = os.fstat(fd)
            if self._stamp.get(file) != (st.st_size, st.st_mtime_ns):
                return [None] * len(offsets)
            if self._kind.get(file) == "parquet":
                return self._parquet_rows(fd, st.st_size, offsets)
            if ends is not None:
                return [self._span(fd, at, end) for at, end in zip(offsets, ends)]
            return [self._line_at(fd, at, st.st_size) for at in offsets]
        finally:
            os.close(fd)

    @staticmethod
    def _span(fd: int, at: int, end: int) -> bytes | None:
        try:
            return rawfile.read_at(fd, at, end)
        except OSError:
            return None

    @staticmethod
    def _parquet_rows(fd: int, size: int, rows: list[int]) -> list[bytes | None]:
        import io

        from app.core.load.recordfiles import canonical_lines

        try:
            frame = pl.read_parquet(io.BytesIO(rawfile.read_at(fd, 0, size)))
            return canonical_lines(frame[rows]) if rows else []
        except Exception:  # noqa: BLE001 - a file that cannot be read back gives no rows
            return [None] * len(rows)

    def _line_at(self, fd: int, at: int, size: int) -> bytes | None:
        """The stripped line starting at byte ``at`` (as the loader read it)."""
        parts, pos = [], at
        try:
            while pos < size:
                piece = rawfile.read_at(fd, pos, min(size, pos + self._WINDOW))
                cut = piece.find(b"\n")
                if cut >= 0:
                    parts.append(piece[:cut])
                    break
                parts.append(piece)
                pos += len(piece)
        except OSError:
            return None
        return b"".join(parts).rstrip()


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
    """rid, file, line, offset, the text lengths, n and k of the given rids in the release."""
    keys = pl.Series("rid", list(rids), dtype=pl.UInt64).to_frame()
    found = keys.join(located(release).select("rid", "file", "line", "offset", "end", *LENGTHS), on="rid", how="inner",
                      maintain_order="left")
    return found.join(copies_of(release, found["rid"]), on="rid", how="left", maintain_order="left")


def located(release) -> pl.DataFrame:
    """The release frame's rid, file, line and lengths with each row's byte ``offset`` and
    ``end`` (Release.ends; a release made without them reads to the line's end)."""
    ends = release.ends if len(release.ends) == release.frame.height else pl.repeat(None, release.frame.height,
                                                                                    dtype=pl.UInt64, eager=True)
    return release.frame.select("rid", "file", "line", *LENGTHS).with_columns(offset=release.offsets, end=ends)


def content_ids(release, rows: pl.DataFrame) -> list[int | None]:
    """Content ids of ``rows`` (columns file, offset), in their order; None where the line
    cannot be read any more or is no longer the loaded row."""
    reader = raw_rows(release)
    out: list[int | None] = [None] * rows.height
    indexed = rows.select("file", "offset", "end").with_row_index("_i")
    for (file,), part in indexed.partition_by("file", as_dict=True, maintain_order=True).items():
        raws = reader.lines(file, part["offset"].to_list(), _ends(part))
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
        raws = reader.lines(file, part["offset"].to_list(), _ends(part))
        for row, raw in zip(part.iter_rows(named=True), raws):
            if raw is None or not _is_line_of(raw, row["rid"], row["k"]):
                continue
            cid = canonical_id(raw)
            if cid is None:
                continue
            lengths = tuple(int(row[c]) for c in LENGTHS)
            out[row["rid"]] = Anchor(cid, file, int(row["line"]), lengths, int(row["n"]), int(row["k"]))  # type: ignore[arg-type]
    return out


def _ends(part: pl.DataFrame) -> list[int] | None:
    return None if part["end"].null_count() else part["end"].to_list()


def _is_line_of(raw: bytes, rid: int, k: int) -> bool:
    """Is ``raw`` the line whose k-th copy has id ``rid`` (schema.row_ids)?"""
    h = line_hash(raw)
    if k == 0:
        return h == rid
    return xxhash.xxh3_64_intdigest(h.to_bytes(8, "little") + k.to_bytes(4, "little")) == rid
