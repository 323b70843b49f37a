"""A file, a folder tree or several files -> (immutable base frame, load report).

Fast path: Polars' NDJSON reader with a strict schema, chunk by chunk. Any chunk Polars
rejects (a shape it would otherwise coerce, a BOM, invalid UTF-8, a truncated line...)
is re-read line by line with the stdlib, so every good line is kept and every bad one
is reported with its file, line and reason.

Files come from discovery (what was opened), are opened by sourcefile (regular files
only; mapped only under a lease, else read with pread) and named by filekind when they
are not UTF-8 JSON lines; a line is parsed strictly by jsonline.
"""
from __future__ import annotations

import json
import mmap
import os
import re
import threading
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path
from typing import Callable, NamedTuple, Sequence

import polars as pl
import xxhash

from app.core.io import filekind, rawfile, sourcefile
from app.core.io.jsonline import lone_surrogate_spans, parse_line

from . import arrowlines, labeltext
from .discovery import Found, discover
from .framefacts import remember_inner_duplicates
from .report import BadLine, FileInfo, LoadReport, ReleaseError, SkippedFile
from .schema import (BASE_SCHEMA, COPIES_SCHEMA, LENGTH_COLUMNS, RAW_LABELS, RAW_SCHEMA, line_hash, normalise_raw,
                     raw_values, row_ids_and_copies, text_lengths)


class LoadCancelled(Exception):
    pass


@dataclass(frozen=True)
class Progress:
    bytes_done: int
    bytes_total: int
    files_done: int
    files_total: int
    current_file: str = ""


@dataclass(frozen=True)
class Release:
    root: Path  # the folder opened, or the parent folder of the opened file(s)
    paths: tuple[Path, ...]  # what the user opened
    frame: pl.DataFrame
    report: LoadReport = field(compare=False)
    # rid, n, k of rows whose exact line repeats (schema.row_ids_and_copies)
    duplicates: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=COPIES_SCHEMA), compare=False, repr=False)
    # byte offset of each row's line in its file (where its stripped bytes start), in
    # frame order: a decided row's raw line is read back at once (anchors.py)
    offsets: pl.Series = field(default_factory=lambda: pl.Series("offset", [], dtype=pl.UInt64), compare=False,
                               repr=False)
    cache: dict = field(default_factory=dict, compare=False, repr=False)  # derived data made on demand

    @property
    def name(self) -> str:
        return self.paths[0].name if len(self.paths) == 1 else self.root.name

    def identity(self) -> dict:
        """Which bytes this frame came from: files, sizes and content hashes."""
        files = [{"file": f.rel, "size": f.size, "xxh3": f.xxh3, "rows": f.rows} for f in self.report.file_infos]
        combined = xxhash.xxh3_64_hexdigest("\n".join(f"{f['file']}:{f['xxh3']}" for f in files).encode())
        return {"files": files, "rows": self.frame.height, "hash": combined}


def _default_source(rel: str, single: bool) -> str:
    parts = rel.split("/")
    return parts[0] if len(parts) > 1 and not single else Path(rel).stem


def load_release(
    paths: str | Path | Sequence[str | Path],
    *,
    progress: Callable[[Progress], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> Release:
    opened = discover(paths)
    root, files, single = opened.root, opened.files, opened.single
    if not files:
        raise ReleaseError(f"no .jsonl files under {root}")
    sizes = [_size(f) for f in files]
    total = sum(sizes)
    report = LoadReport()
    frames: list[pl.DataFrame] = []
    hashes: list[pl.Series] = []
    offsets: list[pl.Series] = []
    repeats: list[dict[str, bool] | None] = []
    done = 0
    for i, found in enumerate(files):
        rel = found.rel
        if progress:
            progress(Progress(done, total, i, len(files), rel))

        most = [0]  # a file read again in chunks starts over: progress never goes back

        def chunk_done(nbytes: int, _base=done, _i=i, _rel=rel, _most=most) -> None:
            if cancel and cancel():
                raise LoadCancelled()
            _most[0] = max(_most[0], nbytes)
            if progress:
                progress(Progress(_base + _most[0], total, _i, len(files), _rel))

        part = _load_file(found, _default_source(rel, single), report, chunk_done)
        if part is not None:
            frames.append(part[0])
            hashes.append(part[1])
            repeats.append(part[2])
            offsets.append(part[3])
        done += sizes[i]
    if progress:
        progress(Progress(total, total, len(files), len(files), ""))
    if not frames or sum(f.height for f in frames) == 0:
        raise ReleaseError(f"no readable row under {root}{_why_no_row(report)}")
    body = pl.concat(frames, how="vertical", rechunk=False)
    rid, copies = row_ids_and_copies(pl.concat(hashes))
    # Evaluated, not just projected: Polars keeps a column of one value per file (file,
    # subset) as a scalar until it is read, and reading it from Python builds it holding
    # the GIL (2-13 ms at 500k rows: a stall for a GUI); in a query it costs 0.5 ms.
    frame = body.insert_column(0, rid).select(pl.all()).select(BASE_SCHEMA.names())
    if all(r is not None for r in repeats):  # known for every file: the counts need not look again
        remember_inner_duplicates(frame, {c: any(r[c] for r in repeats) for c in repeats[0]})
    report.rows = frame.height
    report.bad_lines.sort(key=lambda b: (b.file, b.line))
    return Release(root=root, paths=opened.paths, frame=frame, report=report, duplicates=copies,
                   offsets=pl.concat(offsets, rechunk=True))


def _size(found: Found) -> int:
    try:
        return 0 if found.skip else os.stat(found.path).st_size
    except OSError:
        return 0  # reported when it is read


def _why_no_row(report: LoadReport) -> str:
    """What the first skipped files were and the first bad line, for the one-line error."""
    reasons = [f"{s.file}: {s.reason}" for s in report.skipped_files[:3]]
    if len(report.skipped_files) > 3:
        reasons.append(f"{len(report.skipped_files) - 3} more skipped files")
    if report.bad_lines:
        first = min(report.bad_lines, key=lambda b: (b.file, b.line))
        reasons.append(f"{len(report.bad_lines):,} bad lines, the first {first.file}:{first.line}: {first.reason}")
    return f" ({'; '.join(reasons)})" if reasons else ""


def _split_and_hash(piece: bytes, first_line: int, digest, fd: int, following: tuple[int, int] | None):
    digest.update(piece)
    numbers, lines, count, hashes = rawfile.hashed_lines(piece, first_line, line_hash)
    return numbers, lines, count, hashes, rawfile.read_at(fd, *following) if following else b""


class _Beside(threading.Thread):
    """fn(*args) on a thread of its own (which inherits the caller's background priority);
    result() waits for it and returns its value or raises its exception."""

    def __init__(self, fn, *args, name: str = "cqia-load"):
        super().__init__(name=name, daemon=True)
        self._call, self._value, self._error = (fn, args), None, None
        self.start()

    def run(self) -> None:
        fn, args = self._call
        try:
            self._value = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            self._error = exc

    def done(self, timeout: float) -> bool:
        self.join(timeout)
        return not self.is_alive()

    def result(self):
        self.join()
        if self._error is not None:
            raise self._error
        return self._value

    def take(self):
        """result(), which this thread then no longer holds (it can be freed early)."""
        value, self._value = self.result(), None
        return value


# (frames of the file's rows, their line hashes (UInt64), how many non-blank lines, XXH3 of
# the file, per label column whether a row repeats a label in it (None: not checked), the
# byte offsets of the rows' lines (UInt64))
_FileRows = tuple[list[pl.DataFrame], pl.Series, int, str, dict[str, bool] | None, pl.Series]
# Polars takes a path with any of these for a glob pattern, and would read other files.
_GLOB_CHARS = frozenset("*?[]{}")


# Why a file's rows are not kept when another program changed it while it was read.
CHANGED = ("changed on disk while it was read (another program truncated or rewrote it): "
           "load it again once that program is done")


def _load_file(found: Found, source: str, report: LoadReport, chunk_done: Callable[[int], None]):
    """Read one file into ``report`` (its rows, bad lines, or why it was skipped)."""
    rel, skip = found.rel, found.skip
    own = LoadReport()  # its bad lines count only if the file was read to its end unchanged
    if not skip:
        try:
            with sourcefile.Source(found.path) as src:
                got, skip = _read_source(src, found.path, rel, source, own, chunk_done)
                if not skip and src.changed():
                    skip = CHANGED
        except sourcefile.Unreadable as exc:
            skip = str(exc)
        except (sourcefile.Changed, rawfile.FileShrank):
            skip = CHANGED
        except OSError as exc:  # an I/O error while reading
            skip = sourcefile.describe(exc)
    if skip:
        report.skipped_files.append(SkippedFile(rel, skip))
        return None
    report.bad_lines += own.bad_lines
    frames, hashes, seen, digest, repeats, offsets = got
    if not seen:
        report.skipped_files.append(SkippedFile(rel, "empty file" if src.size == 0 else "blank lines only"))
        return None
    rows = sum(f.height for f in frames)
    report.file_infos.append(FileInfo(rel, src.size, src.mtime_ns, digest, rows))
    if not frames:
        return None
    return pl.concat(frames, rechunk=False), hashes, repeats, offsets


def _read_source(src: sourcefile.Source, path: Path, rel: str, source: str, report: LoadReport,
                 chunk_done: Callable[[int], None]) -> tuple[_FileRows | None, str | None]:
    """(the file's rows, None) or (None, why it is no JSONL file)."""
    head = rawfile.read_at(src.fd, 0, min(src.size, filekind.HEAD_BYTES))
    reason = filekind.lfs_pointer(head) or filekind.problem(head) or filekind.cr_only(src.fd, src.size, head)
    if reason:
        return None, reason
    subset = Path(rel).stem
    got = None
    # Read whole only under a lease: Polars maps the file, and a mapped file that shrinks
    # kills the process (SIGBUS). Without one, the chunks are copies (pread).
    if src.leased and src.size > rawfile.CHUNK_BYTES and _GLOB_CHARS.isdisjoint(str(path)):
        with rawfile.mapped_fd(src.fd) as buf:
            got = _read_whole(src, path, buf, rel, source, subset, chunk_done)
    if got is None:
        got = _read_chunks(src, rel, source, subset, report, chunk_done)
    return got, None


def _read_whole(src: sourcefile.Source, path: Path, buf, rel: str, source: str, subset: str,
                chunk_done: Callable[[int], None]) -> _FileRows | None:
    """A file of more than one chunk: Polars reads it whole from its path, on a thread of
    its own (parallel over the whole file, no copy, GIL released), while this thread
    hashes its lines, a chunk at a time. Chunk by chunk, Polars left a core idle between
    chunks: 500,000 rows took 0.3 s longer. (A file of one chunk gains nothing from it.)

    None when Polars refuses the file, the file was replaced meanwhile, or a row needs
    the line-by-line path: the chunked path then reads the file and reports its bad lines.
    Nothing is reported from here. A byte counts half done when hashed, whole when parsed.
    Raises sourcefile.Changed when another program starts to change the file (it waits
    for our lease, which is held until Polars is done with the file).
    """
    # Polars opens the file we have open (Linux), not whatever is at its path by now.
    own = Path(f"/proc/self/fd/{src.fd}")
    reader = _Beside(_read_fast, own if own.exists() else path, labeltext.READ_SCHEMA)
    try:
        return _hash_beside(reader, src, path, buf, rel, source, subset, chunk_done)
    finally:
        src.close_after(reader)  # a cancelled load must not give the lease back under Polars


def _hash_beside(reader: _Beside, src: sourcefile.Source, path: Path, buf, rel: str, source: str, subset: str,
                 chunk_done: Callable[[int], None]) -> _FileRows | None:
    digest = xxhash.xxh3_64()
    numbers: list[pl.Series] = []
    hashes: list[pl.Series] = []
    starts: list[pl.Series] = []
    parts: list = []
    reread: list[int] = []  # rows where a label may be a JSON string (labeltext)
    line, rows = 1, 0
    spans = list(rawfile.chunks(buf))
    # Polars' read takes several times longer than the hashing, so the hashing can give
    # the GIL a head start: a load begins while the GUI redraws for it, and GIL-holding
    # work from the first moment made its calls queue (stalls of 50-70 ms).
    reader.done(0.05)
    # Copy-on-write and never written: the page cache's own pages, in a buffer ctypes can
    # point Polars to (a read-only mapping it cannot).
    with mmap.mmap(src.fd, 0, access=mmap.ACCESS_COPY) as scan:
        for lo, hi in spans:
            if src.changed():  # another program waits to change it: stop early
                raise sourcefile.Changed()
            with memoryview(buf)[lo:hi] as piece:
                digest.update(piece)
            chunk_numbers, lines, count, chunk_hashes = rawfile.hashed_lines(buf, line, line_hash, lo, hi)
            rawfile.forget(buf, lo, hi)
            # Columns built a chunk at a time: 500k Python ints at once held the GIL ~30 ms.
            numbers.append(_uint32s(chunk_numbers))
            hashes.append(pl.Series(chunk_hashes, dtype=pl.UInt64))
            starts.append(_starts(buf, lines, lo, hi, line))
            reread += _text_label_rows(scan, lines, rows)
            rawfile.forget(scan, lo, hi)
            parts.append(lines)
            rows += len(lines)
            line += count
            chunk_done(hi // 2)
    line_numbers, line_hashes = pl.concat(numbers, rechunk=True), pl.concat(hashes, rechunk=True)
    line_starts = pl.concat(starts, rechunk=True)
    del numbers, hashes, starts
    while not reader.done(0.05):
        chunk_done(len(buf) // 2)  # lets cancel in; the reader's result is then dropped
    pieces = reader.take()
    lines = rawfile.Joined(parts)
    if pieces is None or pieces.height != len(lines) or _replaced(src.fd, path):
        return None
    pieces, more = labeltext.decode(pieces)
    reread += more  # _check_rows sorts them and drops repeats
    # Polars hands the file back in ~300-row pieces (1,683 at 500k rows), and every
    # expression pays per piece: the checks and the lengths are computed on a copy in one
    # piece (strings are views: it copies no text). The frame itself stays in pieces:
    # made one, the GUI's first paint after a load stalled ~10 ms longer (medians of 8
    # runs; the counts and charts it asks for then run faster and crowd its paint).
    checked, seen = _check_rows(pieces, buf, lines, probe=pieces.rechunk(), lengths=True, reread=reread), len(lines)
    del pieces, lines
    _Beside(_drop_gradually, parts, name="cqia-free")
    if checked is None:
        return None
    chunk_done(len(buf))
    raw, repeats, lengths = checked
    frames = [normalise_raw(raw, rel, line_numbers, source, subset, lengths)] if raw.height else []
    return frames, line_hashes, seen, digest.hexdigest(), repeats, line_starts


def _starts(buf, lines, lo: int, hi: int, first_line: int, base: int = 0) -> pl.Series:
    """Where each of a chunk's lines starts in the file: the spans' own offsets, or
    (a chunk split line by line: a BOM, CR or padded lines) the same lines' spans from
    rawfile.line_table. ``base``: the file offset of ``buf``'s first byte."""
    if isinstance(lines, rawfile.Spans):
        found = lines.starts
    else:
        found = rawfile.line_table(buf, lo, hi, first_line)[0].starts
    return (pl.Series("offset", found, dtype=pl.UInt64) + base).cast(pl.UInt64) if base else \
        pl.Series("offset", found, dtype=pl.UInt64)


def _text_label_rows(scan, lines, first: int) -> list[int]:
    """labeltext.text_label_rows of one chunk's lines, numbered from ``first``; the
    column shares the mapping's pages (Spans), or is a copy (a chunk split line by line)."""
    if not lines:
        return []
    if isinstance(lines, rawfile.Spans):
        column = arrowlines.lines_column(scan, lines.starts + [lines.ends[-1]])
    else:
        column = pl.Series("line", lines, dtype=pl.Binary)
    found = labeltext.text_label_rows(column)
    del column  # releases the mapping before it is closed
    return [first + i for i in found.to_list()]


def _uint32s(numbers) -> pl.Series:
    """Line numbers as a column; a range (the common case) without a Python int each."""
    if isinstance(numbers, range) and numbers.step == 1:
        return pl.int_range(numbers.start, numbers.stop, dtype=pl.UInt32, eager=True)
    return pl.Series(numbers, dtype=pl.UInt32)


def _drop_gradually(items: list) -> None:
    """Free ``items`` one at a time, on a thread of their own while the load goes on.
    Freeing holds the GIL: the line spans of a 500k-row file took ~10 ms at once, and a
    GUI thread waiting that long to paint stalls. One at a time, the GIL can change hands.
    """
    while items:
        items.pop()


def _replaced(fd: int, path: Path) -> bool:
    """Is ``path`` no longer the file this load has open (saved anew meanwhile)?"""
    ours, now = os.fstat(fd), os.stat(path)
    return (ours.st_dev, ours.st_ino, ours.st_size, ours.st_mtime_ns) != (now.st_dev, now.st_ino, now.st_size, now.st_mtime_ns)


def _read_chunks(src: sourcefile.Source, rel: str, source: str, subset: str, report: LoadReport,
                 chunk_done: Callable[[int], None]) -> _FileRows:
    """Any file, 16 MB at a time, copied with pread (never mapped: safe if it shrinks):
    a chunk Polars refuses goes line by line, so every good line is kept and every bad
    one reported."""
    frames: list[pl.DataFrame] = []
    hashes: list[int] = []
    starts: list[pl.Series] = []
    digest = xxhash.xxh3_64()
    line, seen = 1, 0
    fd = src.fd
    spans = list(rawfile.file_chunks(fd, src.size))
    ahead = rawfile.read_at(fd, *spans[0]) if spans else b""
    for k, (lo, hi) in enumerate(spans):
        piece = ahead  # Polars reads bytes, not a mapping
        # Lines are split and hashed on a second thread while Polars parses (its
        # reader leaves part of a core idle, and releases the GIL meanwhile); that
        # thread then reads the next chunk, so no copy waits on the main thread.
        split = _Beside(_split_and_hash, piece, line, digest, fd, spans[k + 1] if k + 1 < len(spans) else None)
        raw = _read_fast(piece)
        numbers, lines, count, line_hashes, ahead = split.result()
        first = line
        line += count
        seen += len(lines)
        if lines:
            raw, keep = _check_chunk(raw, piece, numbers, lines, rel, report)
            if raw.height:
                at = _starts(piece, lines, 0, len(piece), first, lo)
                if keep is not None:
                    numbers, line_hashes = list(compress(numbers, keep)), list(compress(line_hashes, keep))
                    at = at.filter(pl.Series(keep, dtype=pl.Boolean))
                frames.append(normalise_raw(raw, rel, pl.Series(numbers, dtype=pl.UInt32), source, subset))
                hashes += line_hashes
                starts.append(at)
        del piece, lines, split, raw  # free this chunk's 16 MB before the one after next is copied
        chunk_done(hi)
    offsets = pl.concat(starts, rechunk=True) if starts else pl.Series("offset", [], dtype=pl.UInt64)
    return frames, pl.Series(hashes, dtype=pl.UInt64), seen, digest.hexdigest(), None, offsets


def _read_fast(source: bytes | Path, schema: pl.Schema = RAW_SCHEMA) -> pl.DataFrame | None:
    try:
        return pl.read_ndjson(source, schema=schema)
    except Exception:  # noqa: BLE001 - any refusal means: go line by line
        return None


def _check_chunk(raw: pl.DataFrame | None, piece: bytes, numbers: list[int], lines: list[bytes], rel: str,
                 report: LoadReport) -> tuple[pl.DataFrame, list[bool] | None]:
    """(RAW_SCHEMA frame, which of ``lines`` became rows; None means all of them)."""
    checked = None if raw is None or raw.height != len(lines) else _check_rows(raw, piece, lines)
    if checked is None:
        return _parse_lines(numbers, lines, rel, report)
    return checked.raw, None


class _Checked(NamedTuple):
    raw: pl.DataFrame  # one row per line, every row Polars may have read differently re-read by the stdlib
    repeats: dict[str, bool] | None  # per label column: does a row repeat a label in it
    lengths: pl.DataFrame | None  # text_lengths() of raw, if asked for


def _check_rows(raw: pl.DataFrame, piece, lines, probe: pl.DataFrame | None = None,
                lengths: bool = False, reread: list[int] = ()) -> _Checked | None:
    """``raw`` (one row per line of ``piece``), checked; None when some row needs the
    line-by-line path. What was learnt on the way is None when rows were re-read.
    ``probe``: the same rows laid out for a faster check; ``reread``: rows the stdlib
    must read whatever the checks find."""
    nul, texts, items, repeats, counted = _suspects(raw if probe is None else probe, lengths)
    if nul and lone_surrogate_spans(piece):
        return None
    redo = items.arg_true().to_list()
    if texts.height or reread:
        redo = sorted(set(redo).union(_not_all_strings(texts, lines), reread))
    if not redo:
        return _Checked(raw, repeats, counted)
    fixed = _reparse_rows(raw, redo, lines)
    return None if fixed is None else _Checked(fixed, None, None)


# A value Polars may have rendered from a non-string JSON value: a number (1.0 -> "1",
# 1e20 in full) or an object / array (re-serialised with backslashes, control characters
# and quotes in keys left unescaped: {"\"": null} comes out as {""": null}, with nothing
# in it to tell). So every value that is a bare number or starts like a rendered object
# or array is a suspect; the raw line then tells whether it was a string after all
# (real NER outputs are JSON-looking strings, ~2% of the rows), else the stdlib re-reads it.
_JSON_START = r'(?:\{["}]|\[["\d\[\]{tfn-])'  # {" {} [" [1 [[ [] [{ [t(rue) [f(alse) [n(ull) [-
_NUMBER = r"-?\d[\d.eE+-]*"
_COERCED_TEXT = rf"^(?:{_JSON_START}|{_NUMBER}$)"


def _may_be_coerced(column: str) -> pl.Expr:
    """Starts with {, [, - or a digit: a superset of _COERCED_TEXT. Polars compares
    strings by the prefix it keeps beside each one, so this reads no text: a regex reads
    the first bytes of every value, one cache miss each (at 500k rows, on `output`:
    45 ms for the regex, ~7 ms for this)."""
    v = pl.col(column)
    return (((v >= "-") & (v < ":")) | ((v >= "[") & (v < "\\")) | ((v >= "{") & (v < "|"))).fill_null(False)


# Long values, mostly distinct, are checked row by row. The others hold a few distinct
# values (labels, answer_from, ...): each distinct value is checked once, and only a value
# that fails is looked for row by row, a third of the work of checking every row.
_ROW_CHECKED = ("instruction", "input", "output", "metadata")
_VALUE_CHECKED = ("source", "answer_from", "copyright")
_LABEL_COLUMNS = {"domain": "domain", "major": "task_major", "minor": "task_minor"}  # in the base frame


def _suspects(raw: pl.DataFrame, lengths: bool = False
              ) -> tuple[bool, pl.DataFrame, pl.Series, dict[str, bool], pl.DataFrame | None]:
    """(is there a NUL in the text: Polars turns a lone high-surrogate escape into U+0000;
    the rows with a text value that may have been coerced from a non-string, with "_i" their
    index and one flag column per text field; per row: may a label be coerced or null;
    per label column: does any row repeat a label, which the facet counts want to know;
    the text lengths, if asked for).
    The scans of every value run in one parallel pass; the regex only sees the few rows
    whose prefix may start a coerced value."""
    distinct = {**{c: pl.col(c).drop_nulls().unique() for c in _VALUE_CHECKED},
                **{k: e.explode(keep_nulls=False).unique() for k, e in RAW_LABELS.items()}}
    got = raw.select(
        *[pl.col(c).str.contains("\x00", literal=True).any().alias(f"nul:{c}") for c in _ROW_CHECKED],
        *[pl.arg_where(_may_be_coerced(c)).implode().alias(f"at:{c}") for c in _ROW_CHECKED],
        *[v.filter(v.str.contains(_COERCED_TEXT) | v.str.contains("\x00", literal=True) | v.is_null()).implode().alias(c)
          for c, v in distinct.items()],
        *[(e.list.len() != e.list.n_unique()).any().alias(f"dups:{k}") for k, e in RAW_LABELS.items()],
        *[length.implode() for length in (text_lengths() if lengths else [])],
    )
    # Per short column, the distinct values that fail: coerced-looking, null or holding a NUL.
    found = {c: got[c][0].to_list() for c in distinct}
    has_nul = any(got[f"nul:{c}"][0] for c in _ROW_CHECKED) or any(v is not None and "\x00" in v for c in distinct for v in found[c])
    # The few rows that may hold a coerced text value, and which of their values may.
    at = pl.concat([got[f"at:{c}"][0] for c in _ROW_CHECKED]).unique().sort()
    values = [pl.col(c).is_in(_series(found[c])).fill_null(False) for c in _VALUE_CHECKED if found[c]]
    if values:  # a source / answer_from / copyright value that may be coerced: rare
        at = pl.concat([at, raw.select(pl.arg_where(pl.any_horizontal(values))).to_series()]).unique().sort()
    rows = raw.select(*_ROW_CHECKED, *_VALUE_CHECKED).gather(at).select(
        pl.lit(at).alias("_i"),
        *[pl.col(c).str.contains(_COERCED_TEXT).fill_null(False) for c in _ROW_CHECKED],
        *[e.alias(e.meta.output_name()) for e in values])
    text_flags = rows.filter(pl.any_horizontal(rows.columns[1:]))
    items = [e.list.eval(pl.element().is_null() | pl.element().is_in(_series(found[k]))).list.any().fill_null(False)
             for k, e in RAW_LABELS.items() if found[k]]
    item_flags = raw.select(pl.any_horizontal(items)).to_series() if items else pl.repeat(False, raw.height, eager=True)
    repeats = {_LABEL_COLUMNS[k]: bool(got[f"dups:{k}"][0]) for k in RAW_LABELS}
    counted = got.select(pl.col(name).explode() for name in LENGTH_COLUMNS.values()) if lengths else None
    return has_nul, text_flags, item_flags, repeats, counted


def _series(values: list[str | None]) -> pl.Expr:
    return pl.Series([v for v in values if v is not None], dtype=pl.String).implode()


def _not_all_strings(text_flags: pl.DataFrame, lines) -> list[int]:
    """Indexes of the flagged rows whose raw line does not prove every flagged value a string.

    Inside a JSON string a quote is escaped, so an unescaped ``"key"`` followed by a colon
    can only be a key (at any depth: a nested one only costs a re-read); its value is a
    string when the next character after white space is a quote. A key spelled with
    escapes (\\u006futput) is invisible here, so a line with one is never proved. The
    flagged lines are checked at once, in Polars: about 2% of a real release's rows.
    """
    if not text_flags.height:
        return []
    index = text_flags["_i"]
    text = pl.Series([lines[i] for i in index.to_list()], dtype=pl.Binary).cast(pl.String, strict=False)
    unproved = text.is_null() | text.str.contains("\\u00", literal=True)
    for c in text_flags.columns[1:]:
        key = re.escape(f'"{c}"')
        unproved |= text_flags[c] & text.str.contains(rf'{key}[ \t\r\n]*:[ \t\r\n]*[^" \t\r\n]')
    return index.filter(unproved).to_list()


def _reparse_rows(raw: pl.DataFrame, rows: list[int], lines: list[bytes]) -> pl.DataFrame | None:
    """``raw`` with the given rows re-read by the stdlib (None: one is bad after all)."""
    values = []
    for i in rows:  # few in a real release
        obj, reason = parse_line(lines[i])
        if reason:
            return None
        values.append(raw_values(obj))
    idx = pl.Series("_i", rows, dtype=pl.UInt32)
    fixed = _frame_of(values).with_columns(idx)
    kept = raw.with_row_index("_i").filter(~pl.col("_i").is_in(idx))
    return pl.concat([kept, fixed.select(kept.columns)]).sort("_i").drop("_i")


def _frame_of(values: list[dict]) -> pl.DataFrame:
    """A RAW_SCHEMA frame of raw_values() dicts. They hold only strings, lists of strings
    and booleans, which Polars' reader keeps exactly: several times faster than building
    the nested columns from Python objects."""
    if not values:
        return pl.DataFrame(schema=RAW_SCHEMA)
    text = "\n".join(json.dumps(v, ensure_ascii=False, separators=(",", ":")) for v in values)
    return pl.read_ndjson(text.encode(), schema=RAW_SCHEMA)


def _parse_lines(numbers: list[int], lines: list[bytes], rel: str, report: LoadReport) -> tuple[pl.DataFrame, list[bool]]:
    rows: list[dict] = []
    keep: list[bool] = []
    for n, line in zip(numbers, lines):
        obj, reason = parse_line(line)
        if reason:
            report.bad_lines.append(BadLine(rel, n, reason))
        else:
            rows.append(raw_values(obj))
        keep.append(reason is None)
    return _frame_of(rows), keep
