"""A file, a folder tree or several files -> (immutable base frame, load report).

Fast path: Polars' NDJSON reader with a strict schema per format (plans.py), chunk by
chunk. Any chunk Polars rejects (a shape it would otherwise coerce, a BOM, invalid
UTF-8, a truncated line...) is re-read line by line with the stdlib, so every good line
is kept and every bad one is reported with its file, line and reason.

Files come from discovery (what was opened), are opened by sourcefile (regular files
only; mapped only under a lease, else read with pread) and named by filekind when they
are not UTF-8 text; sniff tells JSON lines from a JSON array or Parquet and gives the
first records, from which the file's format and reader are chosen (plans.plan_for,
unless ``shapes`` overrides them); a line is parsed strictly by jsonline. JSON arrays
and Parquet files (recordfiles.py) go through the same readers, a record at a time.
"""
from __future__ import annotations

import mmap
import os
import threading
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path
from typing import Callable, Mapping, NamedTuple, Sequence

import polars as pl
import xxhash

from app.core.io import filekind, rawfile, sourcefile
from app.core.io.jsonline import parse_line  # noqa: F401 - the loader's own reading of a line (anchors, tests)

from . import arrowlines, labeltext, recordfiles, sniff
from .discovery import Found, discover
from .formats import Shape
from .framefacts import remember_inner_duplicates
from .plans import Plan, check_chunk, finish, plan_for, read_fast
from .report import FileFormat, FileInfo, LoadReport, ReleaseError, SkippedFile
from .schema import BASE_SCHEMA, COPIES_SCHEMA, line_hash, normalise_raw, row_ids_and_copies


class LoadCancelled(Exception):
    pass


@dataclass(frozen=True)
class Progress:
    bytes_done: int
    bytes_total: int
    files_done: int
    files_total: int
    current_file: str = ""
    # What the loader is doing: "reading" the files (lines parsed and hashed, checked),
    # then "row ids" (ids from the line hashes, the frame put together): the status bar
    # names it beside the elapsed time, so a step that reports nothing never looks hung.
    phase: str = "reading"


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
    # where each row's record ends (exclusive): [offset, end) are its raw bytes, a JSONL
    # line without its line end or an array's record. A Parquet row has no bytes of its
    # own: its offset is its 0-based row index in the file, its end that plus one
    # (report.file_infos tells each file's kind).
    ends: pl.Series = field(default_factory=lambda: pl.Series("end", [], dtype=pl.UInt64), compare=False, repr=False)
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
    shapes: Mapping[str, Shape | dict | str] | None = None,
) -> Release:
    """``shapes``: per file (its path as the report shows it) the format to read it in,
    and for ``other`` the mapping of its fields (formats.Shape, or its JSON form)."""
    overrides = {rel: s if isinstance(s, Shape) else Shape.from_json(s) for rel, s in (shapes or {}).items()}
    opened = discover(paths)
    root, files, single = opened.root, opened.files, opened.single
    if not files:
        raise ReleaseError(f"no data files (.jsonl, .json, .parquet) under {root}")
    sizes = [_size(f) for f in files]
    total = sum(sizes)
    report = LoadReport()
    frames: list[pl.DataFrame] = []
    hashes: list[pl.Series] = []
    offsets: list[pl.Series] = []
    ends: list[pl.Series] = []
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

        part = _load_file(found, _default_source(rel, single), report, chunk_done, overrides.get(rel))
        if part is not None:
            frames.append(part[0])
            hashes.append(part[1])
            repeats.append(part[2])
            offsets.append(part[3])
            ends.append(part[4])
        done += sizes[i]
    if progress:
        progress(Progress(total, total, len(files), len(files), "", phase="row ids"))
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
                   offsets=pl.concat(offsets, rechunk=True), ends=pl.concat(ends, rechunk=True))


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


class _FileRows(NamedTuple):
    frames: list[pl.DataFrame]  # the file's rows
    hashes: pl.Series  # their line hashes (UInt64)
    seen: int  # non-blank lines (records)
    digest: str  # XXH3 of the file
    repeats: dict[str, bool] | None  # per label column: does a row repeat a label in it (None: not checked)
    offsets: pl.Series  # where the rows' bytes start (UInt64)
    ends: pl.Series  # and end


# Polars takes a path with any of these for a glob pattern, and would read other files.
_GLOB_CHARS = frozenset("*?[]{}")


# Why a file's rows are not kept when another program changed it while it was read.
CHANGED = ("changed on disk while it was read (another program truncated or rewrote it): "
           "load it again once that program is done")


def _load_file(found: Found, source: str, report: LoadReport, chunk_done: Callable[[int], None],
               override: Shape | None):
    """Read one file into ``report`` (its rows, bad lines, or why it was skipped)."""
    rel, skip = found.rel, found.skip
    own = LoadReport()  # its bad lines count only if the file was read to its end unchanged
    if not skip:
        try:
            with sourcefile.Source(found.path) as src:
                got, skip, kind, plan = _read_source(src, found.path, rel, source, own, chunk_done, override)
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
    frames, hashes, seen, digest, repeats, offsets, ends = got
    if not seen:
        empty = "empty file" if src.size == 0 else "an empty JSON array" if kind == "array" else \
            "no rows in the Parquet file" if kind == "parquet" else "blank lines only"
        report.skipped_files.append(SkippedFile(rel, empty))
        return None
    rows = sum(f.height for f in frames)
    report.file_infos.append(FileInfo(rel, src.size, src.mtime_ns, digest, rows, kind))
    if not frames:
        return None
    body = pl.concat(frames, rechunk=False)
    report.file_formats += _formats_of(rel, body, plan)
    return body, hashes, repeats, offsets, ends


def _formats_of(rel: str, body: pl.DataFrame, plan: Plan) -> list[FileFormat]:
    """The file's formats and their rows: its own first, then any other it mixes in."""
    counts = dict(body.group_by("format").len().iter_rows())
    order = sorted(counts, key=lambda f: (f != plan.format, -counts[f], f))
    return [FileFormat(rel, f, counts[f], plan.override if plan.override and f == plan.format else Shape(f))
            for f in order]


def _read_source(src: sourcefile.Source, path: Path, rel: str, source: str, report: LoadReport,
                 chunk_done: Callable[[int], None], override: Shape | None
                 ) -> tuple[_FileRows | None, str | None, str | None, Plan | None]:
    """(the file's rows, None, its kind, its plan) or (None, why it is not read, ...)."""
    head = rawfile.read_at(src.fd, 0, min(src.size, filekind.HEAD_BYTES))
    reason = filekind.lfs_pointer(head)
    tail = rawfile.read_at(src.fd, src.size - 4, 4) if src.size >= 8 and head.startswith(sniff.PARQUET_MAGIC) else b""
    kind = sniff.kind_of(path.name, head, tail) if not reason else None
    if kind != "parquet":
        reason = reason or filekind.problem(head) or (kind is None and sniff.not_records(head)) or None
    if reason:
        return None, reason, kind, None
    subset = Path(rel).stem
    if kind != "jsonl":
        read = recordfiles.read_parquet if kind == "parquet" else recordfiles.read_array
        got, reason, plan = read(src, rel, source, subset, report, chunk_done, override)
        return (None if reason else _FileRows(*got)), reason, kind, plan
    reason = filekind.cr_only(src.fd, src.size, head)
    sniffed, why = sniff.sniff_lines(src.fd, src.size, path.name) if not reason else ([], None)
    if reason or why:
        return None, reason or why, kind, None
    plan = plan_for(sniffed, override)
    got = None
    # Read whole only under a lease: Polars maps the file, and a mapped file that shrinks
    # kills the process (SIGBUS). Without one, the chunks are copies (pread).
    if src.leased and src.size > rawfile.CHUNK_BYTES and _GLOB_CHARS.isdisjoint(str(path)) and plan.reader.schema:
        with rawfile.mapped_fd(src.fd) as buf:
            got = _read_whole(plan, src, path, buf, rel, source, subset, chunk_done)
    if got is None:
        got = _read_chunks(plan, src, rel, source, subset, report, chunk_done)
    return got, None, kind, plan


def _read_whole(plan: Plan, src: sourcefile.Source, path: Path, buf, rel: str, source: str, subset: str,
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
    reader = _Beside(read_fast, own if own.exists() else path, plan.reader.whole_schema)
    try:
        return _hash_beside(plan, reader, src, path, buf, rel, source, subset, chunk_done)
    finally:
        src.close_after(reader)  # a cancelled load must not give the lease back under Polars


def _hash_beside(plan: Plan, reader: _Beside, src: sourcefile.Source, path: Path, buf, rel: str, source: str,
                 subset: str, chunk_done: Callable[[int], None]) -> _FileRows | None:
    digest = xxhash.xxh3_64()
    numbers: list[pl.Series] = []
    hashes: list[pl.Series] = []
    starts: list[pl.Series] = []
    ends: list[pl.Series] = []
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
            at, end = _spans(buf, lines, lo, hi, line)
            starts.append(at)
            ends.append(end)
            if plan.reader.text_labels:
                reread += _text_label_rows(scan, lines, rows)
            rawfile.forget(scan, lo, hi)
            parts.append(lines)
            rows += len(lines)
            line += count
            chunk_done(hi // 2)
    line_numbers, line_hashes = pl.concat(numbers, rechunk=True), pl.concat(hashes, rechunk=True)
    line_starts, line_ends = pl.concat(starts, rechunk=True), pl.concat(ends, rechunk=True)
    del numbers, hashes, starts, ends
    while not reader.done(0.05):
        chunk_done(len(buf) // 2)  # lets cancel in; the reader's result is then dropped
    pieces = reader.take()
    lines = rawfile.Joined(parts)
    if pieces is None or pieces.height != len(lines) or _replaced(src.fd, path):
        return None
    pieces, more = plan.reader.decode(pieces)
    reread += more  # the check sorts them and drops repeats
    # Polars hands the file back in ~300-row pieces (1,683 at 500k rows), and every
    # expression pays per piece: the checks and the lengths are computed on a copy in one
    # piece (strings are views: it copies no text). The frame itself stays in pieces:
    # made one, the GUI's first paint after a load stalled ~10 ms longer (medians of 8
    # runs; the counts and charts it asks for then run faster and crowd its paint).
    checked = plan.reader.check(pieces, buf, lines, probe=pieces.rechunk(), lengths=True, reread=reread)
    done, seen = (None if checked is None else finish(plan, checked, lines)), len(lines)
    del pieces, lines, checked
    _Beside(_drop_gradually, parts, name="cqia-free")
    if done is None:
        return None
    chunk_done(len(buf))
    raw, repeats, lengths = done
    frames = [normalise_raw(raw, rel, line_numbers, source, subset, lengths, plan.format)] if raw.height else []
    return _FileRows(frames, line_hashes, seen, digest.hexdigest(), repeats, line_starts, line_ends)


def _spans(buf, lines, lo: int, hi: int, first_line: int, base: int = 0) -> tuple[pl.Series, pl.Series]:
    """Where each of a chunk's lines starts and ends in the file (without BOM, CR and
    surrounding white space): the spans' own offsets, or (a chunk split line by line: a
    BOM, CR or padded lines) the same lines' spans from rawfile.line_table. ``base``: the
    file offset of ``buf``'s first byte."""
    if isinstance(lines, rawfile.Spans):
        starts, ends = lines.starts, lines.ends
    else:
        table = rawfile.line_table(buf, lo, hi, first_line)[0]
        starts, ends = table.starts, table.ends
    return tuple((pl.Series(name, found, dtype=pl.UInt64) + base).cast(pl.UInt64) if base else
                 pl.Series(name, found, dtype=pl.UInt64) for name, found in (("offset", starts), ("end", ends)))


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


def _read_chunks(plan: Plan, src: sourcefile.Source, rel: str, source: str, subset: str, report: LoadReport,
                 chunk_done: Callable[[int], None]) -> _FileRows:
    """Any file, 16 MB at a time, copied with pread (never mapped: safe if it shrinks):
    a chunk Polars refuses goes line by line, so every good line is kept and every bad
    one reported."""
    frames: list[pl.DataFrame] = []
    hashes: list[int] = []
    starts: list[pl.Series] = []
    ends: list[pl.Series] = []
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
        raw = read_fast(piece, plan.reader.schema)
        numbers, lines, count, line_hashes, ahead = split.result()
        first = line
        line += count
        seen += len(lines)
        if lines:
            raw, keep = check_chunk(plan, raw, piece, numbers, lines, rel, report)
            if raw.height:
                at, end = _spans(piece, lines, 0, len(piece), first, lo)
                if keep is not None:
                    numbers, line_hashes = list(compress(numbers, keep)), list(compress(line_hashes, keep))
                    kept = pl.Series(keep, dtype=pl.Boolean)
                    at, end = at.filter(kept), end.filter(kept)
                frames.append(normalise_raw(raw, rel, pl.Series(numbers, dtype=pl.UInt32), source, subset,
                                            fmt=plan.format))
                hashes += line_hashes
                starts.append(at)
                ends.append(end)
        del piece, lines, split, raw  # free this chunk's 16 MB before the one after next is copied
        chunk_done(hi)
    offsets = pl.concat(starts, rechunk=True) if starts else pl.Series("offset", [], dtype=pl.UInt64)
    last = pl.concat(ends, rechunk=True) if ends else pl.Series("end", [], dtype=pl.UInt64)
    return _FileRows(frames, pl.Series(hashes, dtype=pl.UInt64), seen, digest.hexdigest(), None, offsets, last)


