"""Raw bytes of a JSONL file: where its rows are, exactly as the loader sees them.

Loader and exporter share this so that an exported unchanged row is byte-for-byte the
line that was loaded (minus BOM, CR and surrounding white space).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

BOM = b"\xef\xbb\xbf"
LFS_SIGNATURE = b"version https://git-lfs.github.com/spec/"
_WHITESPACE = np.array([0x20, 0x09, 0x0D, 0x0B, 0x0C], dtype=np.uint8)


@dataclass(frozen=True)
class LineTable:
    """Byte spans of the non-blank lines of one file."""

    starts: np.ndarray  # int64 offsets into the file's bytes
    ends: np.ndarray  # exclusive
    numbers: np.ndarray  # 1-based line numbers (uint32)

    def __len__(self) -> int:
        return int(self.starts.size)


def read_bytes(path: Path) -> bytes:
    """Read a whole file, strictly read-only (we never write under a release root)."""
    with open(path, "rb") as fh:
        return fh.read()


def is_lfs_pointer(data: bytes) -> bool:
    return data.lstrip(BOM)[: len(LFS_SIGNATURE)] == LFS_SIGNATURE


def line_table(data: bytes) -> LineTable:
    """Spans of non-blank lines, vectorised: a 150 MB file costs a few tens of ms."""
    arr = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(arr == 0x0A)
    starts = np.concatenate(([0], newlines + 1)).astype(np.int64)
    ends = np.concatenate((newlines, [arr.size])).astype(np.int64)
    numbers = np.arange(1, starts.size + 1, dtype=np.uint32)
    if data.startswith(BOM):
        starts[0] = 3
    # CRLF files: drop one trailing CR from every line at once.
    nonempty = ends > starts
    cr = np.zeros(starts.size, dtype=bool)
    cr[nonempty] = arr[ends[nonempty] - 1] == 0x0D
    ends[cr] -= 1
    # Other surrounding white space is rare: trim those few lines one by one.
    nonempty = ends > starts
    odd = np.zeros(starts.size, dtype=bool)
    odd[nonempty] = np.isin(arr[starts[nonempty]], _WHITESPACE) | np.isin(arr[ends[nonempty] - 1], _WHITESPACE)
    for i in np.flatnonzero(odd).tolist():
        piece = data[starts[i] : ends[i]]
        stripped = piece.strip()
        starts[i] += len(piece) - len(piece.lstrip())
        ends[i] = starts[i] + len(stripped)
    keep = ends > starts
    return LineTable(starts[keep], ends[keep], numbers[keep])


def read_rows(path: Path) -> list[tuple[int, bytes]]:
    """(line number, raw stripped bytes) of every non-blank line of a file."""
    data = read_bytes(path)
    if is_lfs_pointer(data):
        return []
    table = line_table(data)
    return [(int(n), data[s:e]) for n, s, e in zip(table.numbers.tolist(), table.starts.tolist(), table.ends.tolist())]
