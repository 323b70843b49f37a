"""Text columns that stay in a file: Arrow's large-string layout (int64 offsets, then
the UTF-8 bytes) written to disk, mapped, and handed to Polars through the Arrow C data
interface, which takes the buffers without copying them.

Polars 2.1 no longer maps an Arrow IPC file (``read_ipc`` copies every buffer: 1 GB of
anonymous memory for a 500,000-row release), so the long texts are kept in this layout
beside the IPC file of the other columns. A mapped page is the page cache's own until
written (a private mapping that is never written), so a text nobody reads is never in
the process's memory.

The caller must have checked the bytes (framecache's checksums): Polars trusts that the
offsets are in bounds and the bytes are UTF-8; ``check_offsets`` is the cheap half.
"""
from __future__ import annotations

import ctypes
import mmap

import numpy as np
import polars as pl

ALIGN = 64


class _Schema(ctypes.Structure):
    _fields_ = [("format", ctypes.c_char_p), ("name", ctypes.c_char_p), ("metadata", ctypes.c_char_p),
                ("flags", ctypes.c_int64), ("n_children", ctypes.c_int64), ("children", ctypes.c_void_p),
                ("dictionary", ctypes.c_void_p), ("release", ctypes.c_void_p), ("private_data", ctypes.c_void_p)]


class _Array(ctypes.Structure):
    _fields_ = [("length", ctypes.c_int64), ("null_count", ctypes.c_int64), ("offset", ctypes.c_int64),
                ("n_buffers", ctypes.c_int64), ("n_children", ctypes.c_int64), ("buffers", ctypes.c_void_p),
                ("children", ctypes.c_void_p), ("dictionary", ctypes.c_void_p), ("release", ctypes.c_void_p),
                ("private_data", ctypes.c_void_p)]


_capsule = ctypes.pythonapi.PyCapsule_New
_capsule.restype = ctypes.py_object
_capsule.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
# Polars calls ``release`` when it drops the column, maybe while the interpreter shuts
# down, when a Python callback may be gone: a C function of no arguments that only reads
# does nothing harmful with the pointer it is given (every C calling convention in use
# lets the caller clean up its arguments). The mapping itself is kept for the process's
# life (_KEPT): a column may outlive the frame it came in.
_NOOP = ctypes.cast(ctypes.pythonapi.Py_IsInitialized, ctypes.c_void_p).value
_KEPT: list = []
_FLAG_NULLABLE = 2


class _Column:
    """One mapped column as an object Polars imports (``__arrow_c_array__``)."""

    def __init__(self, name: str, offsets: int, values: int, rows: int):
        self.schema = _Schema(b"U", name.encode(), None, _FLAG_NULLABLE, 0, None, None, _NOOP, None)
        self.buffers = (ctypes.c_void_p * 3)(None, offsets, values)
        self.array = _Array(rows, 0, 0, 3, 0, ctypes.addressof(self.buffers), None, None, _NOOP, None)

    def __arrow_c_array__(self, requested_schema=None):
        return (_capsule(ctypes.addressof(self.schema), b"arrow_schema", None),
                _capsule(ctypes.addressof(self.array), b"arrow_array", None))


def _pad(n: int) -> int:
    return -n % ALIGN


def write_columns(fh, frame: pl.DataFrame, columns: list[str], chunk_rows: int = 4096) -> dict:
    """Write ``columns`` (String, no nulls) of ``frame`` to the open file ``fh`` at its
    position (ALIGN-aligned); returns the layout {column: [offsets at, values at, bytes]}.
    The bytes go a slice at a time (Polars joins them, no Python per row)."""
    layout = {}
    for name in columns:
        column = frame.get_column(name)
        lengths = column.str.len_bytes().cast(pl.Int64).to_numpy()
        offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        at = fh.tell()
        fh.write(offsets.tobytes())
        fh.write(b"\0" * _pad(fh.tell()))
        values_at = fh.tell()
        for lo in range(0, column.len(), chunk_rows):
            piece = column.slice(lo, chunk_rows).str.join("").cast(pl.Binary).item()
            fh.write(piece)
        fh.write(b"\0" * _pad(fh.tell()))
        layout[name] = [at, values_at, int(offsets[-1])]
    return layout


def check_offsets(mapped: mmap.mmap, layout: dict, rows: int) -> bool:
    """Do the offsets of every column rise from 0 to its byte count, inside the file?"""
    size = len(mapped)
    for at, values_at, nbytes in layout.values():
        if at % ALIGN or values_at % ALIGN or at + 8 * (rows + 1) > values_at or values_at + nbytes > size:
            return False
        offsets = np.frombuffer(mapped, dtype=np.int64, count=rows + 1, offset=at)
        if offsets[0] != 0 or offsets[-1] != nbytes or (rows and bool((np.diff(offsets) < 0).any())):
            return False
    return True


def read_columns(path, layout: dict, rows: int) -> dict[str, pl.Series] | None:
    """The mapped columns of ``path`` (None when the layout does not fit the file)."""
    with open(path, "rb") as fh:
        mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_COPY)  # writable for ctypes; never written
    if not check_offsets(mapped, layout, rows):
        mapped.close()
        return None
    _KEPT.append(mapped)
    base = ctypes.addressof(ctypes.c_char.from_buffer(mapped))
    return {name: pl.Series(_Column(name, base + at, base + values_at, rows))
            for name, (at, values_at, _) in layout.items()}
