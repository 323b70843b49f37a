"""Raw bytes of a JSONL file: where its rows are, exactly as the loader sees them.

Loader and exporter share this so that an exported unchanged row is byte-for-byte the
line that was loaded (minus BOM, CR and surrounding white space).
"""
from __future__ import annotations

import mmap
import os
from bisect import bisect_right
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import accumulate, compress, repeat
from operator import add, itemgetter, sub
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

if TYPE_CHECKING:
    import numpy as np

BOM = b"\xef\xbb\xbf"
LFS_SIGNATURE = b"version https://git-lfs.github.com/spec/"
CHUNK_BYTES = 16 << 20  # small enough to stay in reused (warm) memory, large enough for Polars
_WHITESPACE = (0x20, 0x09, 0x0D, 0x0B, 0x0C)  # what bytes.strip() removes, besides the newline


@dataclass(frozen=True)
class LineTable:
    """Byte spans (absolute offsets in the file) of non-blank lines."""

    starts: np.ndarray  # int64
    ends: np.ndarray  # int64, exclusive
    numbers: np.ndarray  # 1-based line numbers (uint32)

    def __len__(self) -> int:
        return int(self.starts.size)


@contextmanager
def mapped(path: Path) -> Iterator[bytes | mmap.mmap]:
    """The file's bytes, mapped read-only: no copy, no fresh memory to fault in."""
    with open(path, "rb") as fh:
        if fh.seek(0, 2) == 0:
            yield b""
            return
        mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            yield mm
        finally:
            mm.close()


class FileShrank(OSError):
    """The file ended before the bytes asked for: another program truncated it."""


@contextmanager
def mapped_fd(fd: int) -> Iterator[bytes | mmap.mmap]:
    """An open file's bytes, mapped read-only. Only under a lease (sourcefile): a mapped
    file that shrinks kills the process when a page past its end is touched."""
    if os.fstat(fd).st_size == 0:
        yield b""
        return
    mm = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
    try:
        yield mm
    finally:
        mm.close()


def read_at(fd: int, lo: int, hi: int) -> bytes:
    """Bytes [lo, hi) of an open file (this load's own descriptor). os.pread and os.read
    let go of the GIL while they copy, where slicing a mapping holds it (~15 ms a 16 MB
    chunk: a stall for the GUI thread). Windows has no pread: seek, then read."""
    parts, at = [], lo
    while at < hi:
        if hasattr(os, "pread"):
            more = os.pread(fd, hi - at, at)
        else:
            os.lseek(fd, at, os.SEEK_SET)
            more = os.read(fd, hi - at)
        if not more:  # only if the file shrank meanwhile
            raise FileShrank(f"file ended at byte {at} while reading up to {hi}")
        parts.append(more)
        at += len(more)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def forget(buf, lo: int, hi: int) -> None:
    """Unmap the pages of buf[lo:hi] from this process once read: they stay in the page
    cache (a later read maps them again), but no longer count in its memory, so reading a
    whole file through its mapping costs no more memory than one chunk of it."""
    if isinstance(buf, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED"):
        start = lo - lo % mmap.PAGESIZE
        buf.madvise(mmap.MADV_DONTNEED, start, hi - start)


def is_lfs_pointer(head: bytes) -> bool:
    return head.lstrip(BOM)[: len(LFS_SIGNATURE)] == LFS_SIGNATURE


def chunks(buf, chunk_bytes: int | None = None) -> Iterator[tuple[int, int]]:
    """[lo, hi) byte ranges that end just after a newline (or at the end of the file)."""
    chunk_bytes = chunk_bytes or CHUNK_BYTES
    size = len(buf)
    lo = 0
    while lo < size:
        hi = min(lo + chunk_bytes, size)
        if hi < size:
            cut = buf.rfind(b"\n", lo, hi)
            hi = cut + 1 if cut >= 0 else (buf.find(b"\n", hi) + 1 or size)
        yield lo, hi
        lo = hi


_WINDOW = 64 << 10  # bytes read at a time while looking for a newline in a file


def file_chunks(fd: int, size: int, chunk_bytes: int | None = None) -> Iterator[tuple[int, int]]:
    """chunks() of a file read with pread (no mapping): the same ranges, found by reading
    a few windows near each chunk's end, not the chunk itself."""
    chunk_bytes = chunk_bytes or CHUNK_BYTES
    lo = 0
    while lo < size:
        hi = min(lo + chunk_bytes, size)
        if hi < size:
            cut = _rfind_newline(fd, lo, hi)
            hi = cut + 1 if cut >= 0 else (find_newline(fd, hi, size) + 1 or size)
        yield lo, hi
        lo = hi


def _rfind_newline(fd: int, lo: int, hi: int) -> int:
    end = hi
    while end > lo:
        start = max(lo, end - _WINDOW)
        at = read_at(fd, start, end).rfind(b"\n")
        if at >= 0:
            return start + at
        end = start
    return -1


def find_newline(fd: int, lo: int, hi: int) -> int:
    """Offset of the first newline in bytes [lo, hi) of a file, or -1."""
    start, window = lo, _WINDOW
    while start < hi:
        end = min(hi, start + window)
        at = read_at(fd, start, end).find(b"\n")
        if at >= 0:
            return start + at
        start, window = end, min(window * 4, CHUNK_BYTES)
    return -1


def line_table(buf, lo: int = 0, hi: int | None = None, first_line: int = 1) -> tuple[LineTable, int]:
    """(spans of the non-blank lines in buf[lo:hi], number of lines in that range).

    Vectorised; only lines with odd surrounding white space are trimmed one by one.
    """
    import numpy as np  # lazy: the loader's path (split_lines) must not pay numpy's import

    hi = len(buf) if hi is None else hi
    arr = np.frombuffer(buf, dtype=np.uint8, count=hi - lo, offset=lo)
    newlines = np.flatnonzero(arr == 0x0A)
    starts = np.concatenate(([0], newlines + 1)).astype(np.int64)
    ends = np.concatenate((newlines, [arr.size])).astype(np.int64)
    if not arr.size or arr[-1] == 0x0A:  # a newline ends the range: no empty line after it
        starts, ends = starts[:-1], ends[:-1]
    count = int(starts.size)
    numbers = np.arange(first_line, first_line + count, dtype=np.uint32)
    if lo == 0 and bytes(arr[:3]) == BOM:
        starts[0] = 3
    # CRLF files: drop one trailing CR from every line at once.
    nonempty = ends > starts
    cr = np.zeros(count, dtype=bool)
    cr[nonempty] = arr[ends[nonempty] - 1] == 0x0D
    ends[cr] -= 1
    nonempty = ends > starts
    odd = np.zeros(count, dtype=bool)
    white = np.array(_WHITESPACE, dtype=np.uint8)
    odd[nonempty] = np.isin(arr[starts[nonempty]], white) | np.isin(arr[ends[nonempty] - 1], white)
    for i in np.flatnonzero(odd).tolist():
        piece = bytes(arr[starts[i] : ends[i]])
        stripped = piece.strip()
        starts[i] += len(piece) - len(piece.lstrip())
        ends[i] = starts[i] + len(stripped)
    keep = ends > starts
    return LineTable(starts[keep] + lo, ends[keep] + lo, numbers[keep]), count


SPLIT_STEP = 2 << 20  # bytes of lines split per call: one call holds the GIL (~1 ms a megabyte)


def split_lines(piece: bytes, first_line: int = 1) -> tuple[list[int], list[bytes], int]:
    """(line numbers, stripped bytes) of the non-blank lines of ``piece``, and its line count.

    The same rows as line_table, without numpy: every step is a C-level map over the
    lines, and bytes.strip returns a line unchanged (no copy) when there is nothing to strip.
    The piece is split a couple of megabytes at a time: one split of a 16 MB chunk held
    the GIL for 10-20 ms, stalling every other thread, the GUI's too.
    """
    parts: list[bytes] = []
    lo, size = 0, len(piece)
    while lo < size:
        hi = size
        if lo + SPLIT_STEP < size:
            cut = piece.rfind(b"\n", lo, lo + SPLIT_STEP)
            if cut < 0:  # one line longer than a step
                cut = piece.find(b"\n", lo + SPLIT_STEP)
            hi = size if cut < 0 else cut + 1
        lines = piece[lo:hi].split(b"\n")
        if hi < size or piece.endswith(b"\n"):
            lines.pop()  # after the newline that ends the step there is no line
        parts += lines
        lo = hi
    if first_line == 1 and parts and parts[0].startswith(BOM):
        parts[0] = parts[0][3:]
    stripped = list(map(bytes.strip, parts))
    numbers = list(compress(range(first_line, first_line + len(parts)), stripped))
    return numbers, list(compress(stripped, stripped)), len(parts)


class Spans(Sequence):
    """The lines of a piece as (start, end) offsets: a line's bytes are copied only when
    asked for."""

    __slots__ = ("piece", "starts", "ends")

    def __init__(self, piece, starts: list[int], ends: list[int]):
        self.piece, self.starts, self.ends = piece, starts, ends

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self.piece[self.starts[i] : self.ends[i]]


HASH_BATCH = 512  # lines hashed per C-level call (~1 MB of a real release)
_ODD_EDGE = frozenset(b" \t\r\n\x0b\x0c")  # a blank line or one strip() would change


def hashed_lines(piece, first_line: int, hasher: Callable[[bytes], int], lo: int = 0,
                 hi: int | None = None) -> tuple[Sequence[int], Sequence[bytes], int, list[int]]:
    """split_lines plus ``hasher`` of every line of piece[lo:hi]: (numbers, lines, line count, hashes).

    ``piece`` is bytes, a bytearray or a mapping. The common range (no BOM, CR, blank or
    padded line) is hashed in place through memoryview slices, without copying each line
    into a bytes object of its own: half the work of split_lines; its lines are Spans at
    offsets in ``piece``. Any other range takes split_lines.
    """
    hi = len(piece) if hi is None else hi
    ends: list[int] = []
    if hi > lo and not (first_line == 1 and piece[lo : lo + 3] == BOM) and piece.find(b"\r", lo, hi) < 0:
        find, at = piece.find, piece.find(b"\n", lo, hi)
        while at >= 0:  # one C-level find per line
            ends.append(at)
            at = find(b"\n", at + 1, hi)
        if piece[hi - 1] != 0x0A:
            ends.append(hi)
        starts = [lo]
        starts += map(add, ends[:-1], repeat(1))
        edges = set(_bytes_at(piece, starts))
        edges.update(_bytes_at(piece, list(map(sub, ends, repeat(1)))))
        if edges.isdisjoint(_ODD_EDGE):
            hashes = []
            with memoryview(piece) as view:
                for b in range(0, len(ends), HASH_BATCH):  # a C-level map holds the GIL: in batches
                    hashes += map(hasher, map(view.__getitem__, map(slice, starts[b : b + HASH_BATCH], ends[b : b + HASH_BATCH])))
            return range(first_line, first_line + len(ends)), Spans(piece, starts, ends), len(ends), hashes
    numbers, lines, count = split_lines(piece if (lo, hi) == (0, len(piece)) and isinstance(piece, bytes) else bytes(piece[lo:hi]), first_line)
    return numbers, lines, count, list(map(hasher, lines))


def _bytes_at(piece, offsets: list[int]) -> tuple[int, ...]:
    """piece[i] for every offset, in one C-level call (a third faster than a map)."""
    return (piece[offsets[0]],) if len(offsets) == 1 else itemgetter(*offsets)(piece)


class Joined(Sequence):
    """Several sequences of lines read as one (the chunks of a file, each Spans or a list)."""

    __slots__ = ("parts", "_ends")

    def __init__(self, parts: list[Sequence[bytes]]):
        self.parts = parts
        self._ends = list(accumulate(map(len, parts)))

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        k = bisect_right(self._ends, i)
        return self.parts[k][i - (self._ends[k - 1] if k else 0)]


def read_rows(path: Path) -> list[tuple[int, bytes]]:
    """(line number, raw stripped bytes) of every non-blank line of a file."""
    with mapped(path) as buf:
        if is_lfs_pointer(buf[:64]):
            return []
        out: list[tuple[int, bytes]] = []
        line = 1
        for lo, hi in chunks(buf):
            table, count = line_table(buf, lo, hi, line)
            line += count
            out += [(n, buf[s:e]) for n, s, e in zip(table.numbers.tolist(), table.starts.tolist(), table.ends.tolist())]
        return out
