"""JSONL export, byte for byte: a release file is copied as it is, except the lines that
change. An edited row is its own line with the new values spliced in (jsonsplice), a
dropped row or bad line goes out with its line end; everything else (BOM, CRLF, blank
lines, padding, a missing final newline, unknown fields, spellings) is the file's bytes.
Release files are only ever read.
"""
from __future__ import annotations

import errno
import mmap
import os
from pathlib import Path

import xxhash

from app.core.curate.overlay import Overlay, RowState
from app.core.io import rawfile, sourcefile
from app.core.io.atomic import write_all

from .export_choice import left_out, locator
from .rowedit import ExportError, marked, rewrite_row, write_row  # noqa: F401 - rewrite_row: exporter imports it from here
_CANCEL_EVERY = 16 << 20  # bytes per kernel copy, between cancel checks
_BATCH_PIECES = 512  # pieces per writev (IOV_MAX is 1024)
_SENDFILE_MIN = 1 << 20  # shorter runs are batched instead
_DROP = None  # a line left out (a rejected row, a bad line, a row not chosen)
_NO_CHANGE = RowState()  # a row rewritten only to carry its locator


class ExportCancelled(Exception):
    pass


# ---- what changes in which file ----------------------------------------------------------

class Plan:
    """Per file: how many rows, which lines change (rows of the overlay, bad lines)."""

    def __init__(self, release, overlay: Overlay, keep_rejected: bool, keep_bad_lines: bool, rows=None,
                 with_locator: bool = False, with_notes: bool = False):
        base = release.frame
        self.unchosen = left_out(release, rows)  # per file: lines of rows not chosen (export_choice)
        self.where = locator(release) if with_locator else None
        self.keep_rejected, self.keep_bad_lines = keep_rejected, keep_bad_lines
        self.with_notes = with_notes  # notes and flags go out (in _curation) only when asked
        self.rows = dict(base.group_by("file").len().iter_rows())
        self.changes: dict[str, dict[int, RowState]] = {}
        if len(overlay):
            ov = overlay.overlay_frame().select("rid").join(base.select("rid", "file", "line"), on="rid", how="inner")
            for rid, file, line in ov.iter_rows():
                self.changes.setdefault(file, {})[line] = overlay[rid]
        self.bad: dict[str, list[int]] = {}
        for b in release.report.bad_lines:
            self.bad.setdefault(b.file, []).append(b.line)
        self.hashes = {f.rel: f.xxh3 for f in release.report.file_infos}

    def line_ops(self, rel: str, stats: dict) -> list[tuple[int, RowState | None]]:
        """(line, what to write instead) for every line that changes, in order: _DROP or
        the row's state (rewritten); counts them in ``stats``."""
        ops: list[tuple[int, RowState | None]] = []
        unchosen = self.unchosen.get(rel, set())
        stats["left_out"] = stats.get("left_out", 0) + len(unchosen)
        ops += [(line, _DROP) for line in unchosen]
        changes = self.changes.get(rel, {})
        for line, state in changes.items():
            if line in unchosen:
                continue
            if state.decision == "rejected":
                stats["rejected_kept" if self.keep_rejected else "rejected_dropped"] += 1
                ops.append((line, state if self.keep_rejected else _DROP))
            elif state.fields:
                stats["edited"] += 1
                ops.append((line, state))
            elif self.with_notes and (state.note is not None or state.flag):
                ops.append((line, state))
        if self.where is not None:  # every other written row is rewritten too, to carry its locator
            done = {line for line, _ in ops}
            ops += [(line, _NO_CHANGE) for line in self.where.get(rel, {}) if line not in done]
        bad = self.bad.get(rel, [])
        stats["bad_lines_kept" if self.keep_bad_lines else "bad_lines_dropped"] += len(bad)
        if not self.keep_bad_lines:
            ops += [(line, _DROP) for line in bad]
        ops.sort(key=lambda op: op[0])
        return ops


def locate(buf, lines: list[int]) -> list[tuple[int, int, int, int]]:
    """For each wanted line number (ascending, 1-based): (where the line starts (after a
    BOM on line 1), where its row starts and ends (the bytes the loader parsed: BOM, CR
    and surrounding white space stripped, as rawfile does), where the next line starts).

    One C-level find per line up to the last wanted one: a quarter of what numpy's
    whole-file newline table costs, and nothing for the lines after it."""
    find, size = buf.find, len(buf)
    found = []
    at, n = 0, 1
    for want in lines:
        while n < want:
            i = find(b"\n", at)
            if i < 0:
                raise ExportError(f"line {want} is past the end of the file: reload the release first")
            at, n = i + 1, n + 1
        i = find(b"\n", at)
        end, after = (size, size) if i < 0 else (i, i + 1)
        lo = at + len(rawfile.BOM) if want == 1 and buf[: len(rawfile.BOM)] == rawfile.BOM else at
        piece = buf[lo:end]
        start = lo + len(piece) - len(piece.lstrip())
        found.append((lo, start, start + len(piece.strip()), after))
    return found


# ---- writing -------------------------------------------------------------------------------

class Output:
    """One export file. Long runs of source bytes are copied in the kernel (sendfile);
    short pieces are batched into one writev of views into the mapping. ``pending`` (a
    line end owed by a file without a final newline) goes out before the next byte."""

    def __init__(self, dst: int):
        self.dst = dst
        self.tick = lambda: None
        self.pieces: list = []
        self.size = 0
        self.total = 0  # bytes written so far
        self.last = 0x0A  # the last byte written
        self.pending = b""
        self.src_at = 0  # how far into the current source file the copies got

    def _owed(self) -> None:
        if self.pending:
            piece, self.pending = self.pending, b""
            self.add(piece)

    def add(self, piece) -> None:
        if not len(piece):
            return
        self._owed()
        self.pieces.append(piece)
        self.size += len(piece)
        self.total += len(piece)
        self.last = piece[-1]
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
            self.src_at = offset + count
            return
        self._owed()
        self.flush()
        self.total += count
        self.last = view[offset + count - 1]
        while count > 0:
            try:
                n = os.sendfile(self.dst, src, offset, min(count, _CANCEL_EVERY))
            except OSError as exc:
                if exc.errno not in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.EOPNOTSUPP):
                    raise
                n = 0
            if n <= 0:  # no sendfile between these files: through user space
                write_all(self.dst, view[offset : offset + count])
                n = count
            offset, count = offset + n, count - n
            self.src_at = offset
            self.tick()


def write_file(out: Output, path: Path, rel: str, plan: Plan, stats: dict, first: bool, tick) -> None:
    """Append one release file's export to ``out``. The source is mapped, not read:
    unchanged stretches go from the page cache to the output without passing through
    Python. ``first``: this file starts the output (its BOM, if any, stays; a later
    file's BOM would be a stray character in the middle, so it is left out)."""
    try:
        src = sourcefile.Source(path)
    except (OSError, sourcefile.Unreadable) as exc:
        raise ExportError(f"cannot read the release file {path}: {exc}") from exc
    changed = f"{rel} changed on disk during the export (another program truncated or rewrote it): reload the release"
    with src:
        size = src.size
        if size == 0:
            _check_unchanged(b"", rel, plan)
            return
        # Mapped only under a read lease (sourcefile: a mapped file another program
        # truncates kills the process with SIGBUS); without one, a pread copy (sendfile
        # is safe either way: a shrunk file only makes it stop short).
        try:
            mm = mmap.mmap(src.fd, 0, access=mmap.ACCESS_READ) if src.leased else rawfile.read_at(src.fd, 0, size)
        except rawfile.FileShrank:
            raise ExportError(changed) from None
        view = memoryview(mm)
        rows = plan.rows.get(rel, 0)

        def progress() -> None:  # rows of this file so far, by bytes copied
            stats["partial"] = rows * min(out.src_at, size) // size
            tick(rel)

        out.src_at, out.tick = 0, progress
        try:
            _write_body(out, src.fd, mm, view, size, rel, plan, stats, first)
            if src.changed():
                raise ExportError(changed)
        finally:
            out.flush()  # nothing may keep a view into the mapping once it closes
            out.tick = lambda: None
            try:
                view.release()
                if src.leased:
                    mm.close()
            except BufferError:  # a view still held by a traceback: freed along with it
                pass
        stats["partial"] = 0


def _check_unchanged(buf, rel: str, plan: Plan) -> None:
    if rel in plan.hashes and xxhash.xxh3_64_hexdigest(buf) != plan.hashes[rel]:
        raise ExportError(f"{rel} changed on disk since the release was loaded: reload the release first")


def _write_body(out: Output, src: int, mm, view: memoryview, size: int, rel: str, plan: Plan, stats: dict,
                first: bool) -> None:
    _check_unchanged(mm, rel, plan)
    bom = len(rawfile.BOM) if mm[: len(rawfile.BOM)] == rawfile.BOM else 0
    pos = 0 if first else bom
    ops = plan.line_ops(rel, stats)
    try:
        where = locate(mm, [line for line, _ in ops])
    except ExportError as exc:
        raise ExportError(f"{rel}: {exc}") from exc
    for (line, state), (head, start, end, after) in zip(ops, where):
        if end == start:
            raise ExportError(f"{rel}:{line}: no longer a row: reload the release first")
        if state is _DROP:  # the whole line and its line end (a BOM before line 1 stays)
            out.copy(src, view, pos, head - pos)
            pos = after
        else:
            raw = mm[start:end]
            where = plan.where[rel][line] if plan.where is not None else None
            try:
                new = write_row(raw, state, where, plan.with_notes)
            except ExportError as exc:
                raise ExportError(f"{rel}:{line}: {exc}") from exc
            out.copy(src, view, pos, start - pos)
            out.add(new)
            pos = end
    out.copy(src, view, pos, size - pos)
    # A file without a final newline owes one to the next file's bytes, in its own style.
    if out.total and out.last != 0x0A and not out.pending:
        nl = mm.find(b"\n")
        out.pending = b"\r\n" if nl > 0 and mm[nl - 1] == 0x0D else b"\n"
    unchosen = plan.unchosen.get(rel, set())
    dropped = 0 if plan.keep_rejected else sum(s.decision == "rejected" for line, s in plan.changes.get(rel, {}).items()
                                                if line not in unchosen)
    stats["rows"] += plan.rows.get(rel, 0) - dropped - len(unchosen)
