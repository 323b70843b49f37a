"""Export the curated release: JSONL (faithful) or Parquet, one file or the input's tree.

JSONL is faithful: an unchanged row is written as the exact bytes the loader parsed
(runs of adjacent unchanged lines go out as one slice of the source file), so unknown
fields, key order, escapes and row order survive. An edited row is re-serialised with
only the edited keys replaced in place; a rejected row is dropped, or kept with a
``"_curation"`` key. Release files are only ever read.
"""
from __future__ import annotations

import errno
import json
import mmap
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import polars as pl
import xxhash

from . import rawfile, sourcefile
from .atomic import SaveError, fsync_dir, save_error, write_all, write_atomic
from .loader import parse_line
from .overlay import Overlay, RowState
from .schema import TEXT_FIELDS

MARK_KEY = "_curation"
_CANCEL_EVERY = 16 << 20  # bytes per kernel copy, between cancel checks
_PROGRESS_EVERY = 0.1  # seconds between progress reports
_BATCH_PIECES = 512  # pieces per writev (IOV_MAX is 1024)
_SENDFILE_MIN = 1 << 20  # shorter runs are batched instead


class ExportError(Exception):
    pass


class ExportCancelled(Exception):
    pass


@dataclass(frozen=True)
class ExportProgress:
    rows_done: int
    rows_total: int
    files_done: int
    files_total: int
    current_file: str = ""


@dataclass(frozen=True)
class ExportResult:
    out: Path
    files: tuple[Path, ...]
    rows: int  # rows written
    edited: int  # of which rewritten with edits
    rejected_dropped: int
    rejected_kept: int


def _shaped(original, values: tuple[str, ...]):
    """A label list in the original's shape: a bare string stays a string if it can."""
    if isinstance(original, str) and len(values) == 1:
        return values[0]
    return list(values)


def rewrite_row(raw: bytes, state: RowState, mark: dict | None = None) -> bytes:
    """One row's JSON with the edited fields replaced in place (key order kept)."""
    obj, reason = parse_line(raw)
    if obj is None:
        raise ExportError(f"a loaded row no longer parses ({reason})")
    for name, value in state.fields.items():
        if name in TEXT_FIELDS:
            obj[name] = value
        elif name == "domain":
            obj["domain"] = _shaped(obj.get("domain"), value)
        else:
            key = "major" if name == "task_major" else "minor"
            task = obj.get("task_type")
            if isinstance(task, dict):
                task = dict(task)
                task[key] = _shaped(task.get(key), value)
            elif task is None:
                task = {key: list(value)}
            elif key == "major":  # a bare value means the major type
                task = _shaped(task, value)
            else:
                task = {"major": task, "minor": list(value)}
            obj["task_type"] = task
    if mark is not None:
        obj[MARK_KEY] = mark
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def _marked(raw: bytes, state: RowState) -> bytes:
    mark = {"status": "rejected", "reason": state.reason}
    if state.fields or MARK_KEY.encode() in raw or not raw.endswith(b"}"):
        return rewrite_row(raw, state, mark)
    head = raw[:-1].rstrip()  # splice the key in, so the rest of the line stays byte-exact
    sep = b"" if head.endswith(b"{") else b", "
    return head + sep + b'"' + MARK_KEY.encode() + b'": ' + json.dumps(mark, ensure_ascii=False).encode() + b"}"


def _check_target(release, out: Path, targets: list[Path]) -> None:
    """Refuse to write inside an opened release folder or over a release file."""
    out = out.resolve()
    for p in release.paths:
        p = Path(p).resolve()
        if p.is_dir() and (out == p or p in out.parents):
            raise ExportError(f"refusing to export into the release folder {p}: choose a folder outside it")
    sources = {(Path(release.root) / rel).resolve() for rel in _files(release)}
    for t in targets:
        if t.resolve() in sources:
            raise ExportError(f"refusing to overwrite the release file {t}")


def _files(release) -> list[str]:
    return release.frame.get_column("file").unique(maintain_order=True).to_list()


class _Plan:
    """Per file: base row line numbers and the overlay's rows there."""

    def __init__(self, release, overlay: Overlay):
        self.base = release.frame
        self.by_file = {k[0] if isinstance(k, tuple) else k: v for k, v in
                        self.base.select("file", "line").partition_by("file", as_dict=True, include_key=False).items()}
        self.changes: dict[str, dict[int, RowState]] = {}
        if len(overlay):
            ov = overlay.overlay_frame().select("rid").join(self.base.select("rid", "file", "line"), on="rid", how="inner")
            for rid, file, line in ov.iter_rows():
                self.changes.setdefault(file, {})[line] = overlay[rid]
        self.hashes = {f.rel: f.xxh3 for f in release.report.file_infos}


def line_spans(buf) -> rawfile.LineTable:
    """Spans of every non-blank line of a whole file, chunk by chunk as the loader reads
    it, so line numbers and stripped bytes are exactly the loader's."""
    parts, line = [], 1
    for lo, hi in rawfile.chunks(buf):
        table, count = rawfile.line_table(buf, lo, hi, line)
        line += count
        parts.append(table)
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return rawfile.LineTable(empty, empty, np.zeros(0, dtype=np.uint32))
    return rawfile.LineTable(*(np.concatenate([getattr(p, k) for p in parts]) for k in ("starts", "ends", "numbers")))


class _Output:
    """Output of one export file. Long runs of unchanged rows are copied in the kernel
    (sendfile); short pieces are batched into one writev of views into the mapping."""

    def __init__(self, dst: int, tick):
        self.dst, self.tick = dst, tick
        self.pieces: list = []
        self.size = 0

    def add(self, piece) -> None:
        self.pieces.append(piece)
        self.size += len(piece)
        if len(self.pieces) >= _BATCH_PIECES or self.size >= _CANCEL_EVERY:
            self.flush()

    def flush(self) -> None:
        if not self.pieces:
            return
        done = os.writev(self.dst, self.pieces)
        if done < self.size:  # a short write: finish piece by piece
            for piece in self.pieces:
                if done >= len(piece):
                    done -= len(piece)
                    continue
                write_all(self.dst, memoryview(piece)[done:])
                done = 0
        self.pieces, self.size = [], 0
        self.tick()

    def copy(self, src: int, view: memoryview, offset: int, count: int) -> None:
        """Source bytes [offset, offset+count), in the kernel when it can (sendfile)."""
        if count < _SENDFILE_MIN:
            self.add(view[offset : offset + count])
            return
        self.flush()
        while count > 0:
            try:
                n = os.sendfile(self.dst, src, offset, min(count, _CANCEL_EVERY))
            except OSError as exc:
                if exc.errno not in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.EOPNOTSUPP):
                    raise
                n = 0
            if n <= 0:  # no sendfile between these files: through user space
                write_all(self.dst, view[offset : offset + count])
                return
            offset, count = offset + n, count - n
            self.tick()


def _write_file(dst: int, path: Path, rel: str, plan: _Plan, keep_rejected: bool, stats: dict, tick) -> None:
    """Append one release file's exported rows to ``dst``. The source is mapped, not read:
    unchanged runs go from the page cache to the output without passing through Python.
    Mapped only under a read lease (sourcefile: a mapped file that another program
    truncates kills the process); without one it is copied into memory with pread
    (sendfile is safe either way: a shrunk file only makes it stop short)."""
    try:
        src = sourcefile.Source(path)
    except (OSError, sourcefile.Unreadable) as exc:
        raise ExportError(f"cannot read the release file {path}: {exc}") from exc
    changed = f"{rel} changed on disk during the export (another program truncated or rewrote it): reload the release"
    with src:
        size = src.size
        if size == 0:
            return
        try:
            mm = mmap.mmap(src.fd, 0, access=mmap.ACCESS_READ) if src.leased else rawfile.read_at(src.fd, 0, size)
        except rawfile.FileShrank:
            raise ExportError(changed) from None
        view = memoryview(mm)
        out = _Output(dst, lambda: tick(rel))
        try:
            _write_rows(out, src.fd, mm, view, size, rel, plan, keep_rejected, stats)
            if src.changed():
                raise ExportError(changed)
        finally:
            out.pieces = []  # drop every view into the mapping before it closes
            try:
                view.release()
                if src.leased:
                    mm.close()
            except BufferError:  # a view still held by a traceback: freed along with it
                pass


def _write_rows(out: _Output, src: int, mm, view: memoryview, size: int, rel: str, plan: _Plan, keep_rejected: bool,
                stats: dict) -> None:
    if rel in plan.hashes and xxhash.xxh3_64_hexdigest(mm) != plan.hashes[rel]:
        raise ExportError(f"{rel} changed on disk since the release was loaded: reload the release first")
    table = line_spans(mm)
    kind, special = _classify(mm, table, plan.by_file[rel].get_column("line").to_numpy(),
                              plan.changes.get(rel, {}), keep_rejected, stats)
    raw_idx = np.flatnonzero(kind == 1)
    # A run of raw rows is one copy when each line follows the previous after one "\n".
    joined = (np.diff(raw_idx) == 1) & (table.starts[raw_idx[1:]] == table.ends[raw_idx[:-1]] + 1)
    run_starts = raw_idx[np.concatenate(([True], ~joined))] if raw_idx.size else raw_idx
    run_ends = raw_idx[np.concatenate((~joined, [True]))] if raw_idx.size else raw_idx
    events = sorted([*zip(run_starts.tolist(), run_ends.tolist()), *((i, -1) for i in special)])
    for a, b in events:
        if b < 0:
            out.add(special[a] + b"\n")
            stats["rows"] += 1
            continue
        start, end = int(table.starts[a]), int(table.ends[b])
        newline = end < size and mm[end] == 0x0A  # copy the line's own "\n" along
        out.copy(src, view, start, end - start + newline)
        if not newline:
            out.add(b"\n")
        stats["rows"] += b - a + 1
    out.flush()


def _classify(mm, table: rawfile.LineTable, lines: np.ndarray, changes: dict[int, RowState], keep_rejected: bool,
              stats: dict) -> tuple[np.ndarray, dict[int, bytes]]:
    """Per line: 0 skip (bad line or dropped), 1 raw, 2 rewritten (bytes in ``special``)."""
    kind = np.zeros(len(table), dtype=np.int8)
    kind[np.searchsorted(table.numbers, lines)] = 1
    special: dict[int, bytes] = {}
    where = np.searchsorted(table.numbers, np.fromiter(changes, dtype=np.uint32, count=len(changes))).tolist()
    for i, state in zip(where, changes.values()):
        raw = mm[int(table.starts[i]) : int(table.ends[i])]
        if state.decision == "rejected":
            if not keep_rejected:
                kind[i] = 0
                stats["rejected_dropped"] += 1
                continue
            special[i] = _marked(raw, state)
            stats["rejected_kept"] += 1
        elif state.fields:
            special[i] = rewrite_row(raw, state)
            stats["edited"] += 1
        else:
            continue  # accepted, unchanged: the raw bytes
        kind[i] = 2
    return kind, special


def export_release(release, overlay: Overlay | None, out: Path | str, *, layout: str = "single", fmt: str = "jsonl",
                   keep_rejected: bool = False, progress: Callable[[ExportProgress], None] | None = None,
                   cancel: Callable[[], bool] | None = None) -> ExportResult:
    """Write the curated release to ``out`` (a file for layout="single", a folder for "tree")."""
    if layout not in ("single", "tree"):
        raise ValueError(f"layout must be 'single' or 'tree', not {layout!r}")
    if fmt not in ("jsonl", "parquet"):
        raise ValueError(f"fmt must be 'jsonl' or 'parquet', not {fmt!r}")
    overlay = overlay or Overlay()
    out = Path(out).expanduser().absolute()
    files = _files(release)
    suffix = ".parquet" if fmt == "parquet" else ".jsonl"
    targets = [out] if layout == "single" else [out / Path(rel).with_suffix(suffix) for rel in files]
    _check_target(release, out, targets)
    if layout == "single" and out.is_dir():
        raise ExportError(f"{out} is a folder: give a file name for a single-file export")
    if layout == "tree" and out.exists() and not out.is_dir():
        raise ExportError(f"{out} is a file: give a folder for a tree export")
    total = release.frame.height
    stats = dict(rows=0, edited=0, rejected_dropped=0, rejected_kept=0)
    state = {"files": 0, "shown": 0.0}

    def tick(current: str = "", force: bool = False, done: bool = False) -> None:
        if not done and cancel is not None and cancel():
            raise ExportCancelled()
        now = time.monotonic()
        if progress is not None and (force or now - state["shown"] >= _PROGRESS_EVERY):
            state["shown"] = now
            progress(ExportProgress(stats["rows"], total, state["files"], len(files), current))

    if fmt == "parquet":
        written = _export_parquet(release, overlay, out, layout, keep_rejected, stats, tick)
    else:
        plan = _Plan(release, overlay)

        def chunks(rels: list[str]) -> Callable[[int], None]:
            def fill(fd: int) -> None:
                for rel in rels:
                    tick(rel, force=True)
                    _write_file(fd, Path(release.root) / rel, rel, plan, keep_rejected, stats, tick)
                    state["files"] += 1
            return fill

        if layout == "single":
            _make_parent(out)
            write_atomic(out, chunks(files))
            written = [out]
        else:
            written = _write_tree(out, [(rel, t) for rel, t in zip(files, targets)], lambda rel: chunks([rel]))
    tick(force=True, done=True)  # written: too late to cancel
    return ExportResult(out, tuple(written), stats["rows"], stats["edited"], stats["rejected_dropped"], stats["rejected_kept"])


def _make_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise save_error(path.parent, exc) from exc


def _write_tree(out: Path, pairs: list[tuple[str, Path]], write_one) -> list[Path]:
    """Write every file into a staging folder inside ``out``, then move them into place,
    so a cancelled or failed export leaves no half-exported tree behind."""
    _make_parent(out / "x")
    stage = out / f".export-{os.getpid()}"
    try:
        for rel, target in pairs:
            staged = stage / target.relative_to(out)
            _make_parent(staged)
            result = write_one(rel)
            if isinstance(result, pl.DataFrame):
                _write_parquet(result, staged, durable=False)
            else:
                write_atomic(staged, result, durable=False)
        for _, target in pairs:  # data on disk first, then the names: one fsync per file and folder
            staged = stage / target.relative_to(out)
            fd = os.open(staged, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            _make_parent(target)
            os.replace(staged, target)
        for folder in {t.parent for _, t in pairs}:
            fsync_dir(folder)
    except OSError as exc:
        raise save_error(out, exc) from exc
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return [t for _, t in pairs]


def _write_parquet(frame: pl.DataFrame, path: Path, durable: bool = True) -> None:
    tmp = path.parent / f".{path.name}.tmp-{os.getpid()}"
    try:
        frame.write_parquet(tmp)
        if durable:
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
        if durable:
            fsync_dir(path.parent)
    except Exception as exc:  # Polars reports some write failures as its own errors
        tmp.unlink(missing_ok=True)
        raise (save_error(path, exc) if isinstance(exc, OSError) else SaveError(path, str(exc))) from exc


def _export_parquet(release, overlay: Overlay, out: Path, layout: str, keep_rejected: bool, stats: dict, tick) -> list[Path]:
    """The current frame (edits applied, status and reason kept, edited_fields and curator dropped)."""
    tick()
    frame = overlay.current_frame(release.frame)
    rejected = int((frame.get_column("status") == "rejected").sum())
    if keep_rejected:
        stats["rejected_kept"] = rejected
    else:
        stats["rejected_dropped"] = rejected
        frame = frame.filter(pl.col("status") != "rejected")
    # status and reason stay: they are the curation; edited_fields and curator are the app's own
    frame = frame.drop("edited_fields", "curator")
    stats["rows"] = frame.height
    stats["edited"] = len([s for s in overlay.values() if s.fields and (keep_rejected or s.decision != "rejected")])
    if layout == "single":
        _make_parent(out)
        _write_parquet(frame, out)
        return [out]
    parts = frame.partition_by("file", as_dict=True, maintain_order=True)
    files = _files(release)
    pairs = [(rel, out / Path(rel).with_suffix(".parquet")) for rel in files]
    return _write_tree(out, pairs, lambda rel: parts.get((rel,), frame.clear()))


__all__ = ["export_release", "rewrite_row", "ExportError", "ExportCancelled", "ExportProgress", "ExportResult", "SaveError"]
