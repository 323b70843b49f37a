"""Text columns that stay in a file: Arrow's string-view layout (16 bytes a row: the
length and either the text, when short, or its first 4 bytes, a buffer number and an
offset; then the UTF-8 bytes) written to disk, mapped, and handed to Polars through the
Arrow C data interface, which takes the buffers as they are: Polars' own layout, so no
text byte is read to import them.

Polars 2.1 no longer maps an Arrow IPC file (``read_ipc`` copies every buffer: 1 GB of
anonymous memory for a 500,000-row release), and a large-string column imported this way
is turned into views by reading the start of every text (800 MB of pages faulted in at
500,000 rows). A mapped page is the page cache's own until written (a private mapping
that is never written), so a text nobody reads is never in the process's memory.

The caller must have checked the bytes (framecache's checksums): Polars trusts that the
views are in bounds and the bytes UTF-8.
"""
from __future__ import annotations

import ctypes
import mmap
import os

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


def _pad(n: int) -> int:
    return -n % ALIGN


# A view's offset is an int32: the bytes are cut into buffers, each starting at a text
# that begins past the next multiple of this.
BUFFER_BYTES = 1 << 30


# Columns of these types are mapped (Arrow C format, numpy type of their values).
NUMBERS = {pl.UInt32: ("I", "<u4"), pl.UInt64: ("L", "<u8")}


def mappable(column: pl.Series) -> bool:
    return column.null_count() == 0 and (column.dtype == pl.String or column.dtype in NUMBERS)


CHUNK_BYTES = 1 << 20


def write_columns(fh, frame: pl.DataFrame, columns: list[str], chunk_rows: int = 65536) -> dict:
    """Write ``columns`` (all ``mappable``) of ``frame`` to the open file ``fh`` at its
    position (ALIGN-aligned); returns the layout {column: {kind, where its buffers are}}."""
    import numpy as np  # here, not at import: opening a release from the cache does without it

    layout = {}
    for name in columns:
        column = frame.get_column(name)
        if column.dtype in NUMBERS:
            kind, dtype = NUMBERS[column.dtype]
            layout[name] = {"kind": kind, "data": fh.tell()}
            data = column.to_numpy().astype(dtype).tobytes()
            fh.write(data + b"\0" * _pad(len(data)))
        else:
            layout[name] = _write_texts(fh, column, chunk_rows)
    return layout


def _write_texts(fh, column: pl.Series, chunk_rows: int) -> dict:
    """A String column as views and bytes, a slice of rows at a time: Polars joins a
    slice's texts (no Python per row) and its views are made from them. Whole-column
    numpy assignments held the GIL 20-45 ms each at 500,000 rows (the app's GUI thread
    waits on a background writer that holds it)."""
    import numpy as np

    rows = column.len()
    starts = np.zeros(rows + 1, dtype=np.int64)
    np.cumsum(column.str.len_bytes().cast(pl.Int64).to_numpy(), out=starts[1:])
    # Buffer k holds the texts that start in [k, k+1) * BUFFER_BYTES (numbered densely).
    group = starts[:-1] // BUFFER_BYTES
    firsts = np.flatnonzero(group[1:] != group[:-1]) + 1
    buffer_starts = starts[np.concatenate(([0], firsts))]
    sizes = np.diff(np.append(buffer_starts, starts[-1]))
    views = np.zeros((rows, 16), dtype=np.uint8)
    views_at = fh.tell()
    fh.write(bytes(16 * rows) + b"\0" * _pad(16 * rows))
    values_at = fh.tell()
    cols = np.arange(12)
    lo = 0
    while lo < rows:
        # About a megabyte of text a slice: handing a slice's bytes to Python holds the
        # GIL ~3 ms a megabyte.
        hi = int(min(np.searchsorted(starts, starts[lo] + CHUNK_BYTES, side="right"), lo + chunk_rows, rows))
        hi = max(hi, lo + 1)
        piece = column.slice(lo, hi - lo).str.join("").cast(pl.Binary).item()
        fh.write(piece)
        view = np.zeros((hi - lo, 16), dtype=np.uint8)
        at, lengths = starts[lo:hi], starts[lo + 1:hi + 1] - starts[lo:hi]
        data = np.frombuffer(piece + bytes(12), dtype=np.uint8)
        view[:, :4] = lengths.astype("<i4").view(np.uint8).reshape(-1, 4)
        view[:, 4:] = np.where(cols < lengths[:, None], data[(at - at[0])[:, None] + cols], 0)
        long = lengths > 12  # bytes 4-7 keep the first 4; then the buffer and the offset in it
        which = np.searchsorted(firsts, np.arange(lo, hi)[long], side="right")
        view[long, 8:12] = which.astype("<i4").view(np.uint8).reshape(-1, 4)
        view[long, 12:16] = (at[long] - buffer_starts[which]).astype("<i4").view(np.uint8).reshape(-1, 4)
        views[lo:hi] = view
        lo = hi
    fh.write(b"\0" * _pad(fh.tell()))
    end = fh.tell()
    fh.seek(views_at)
    fh.write(views.tobytes())
    fh.seek(end)
    return {"kind": "vu", "views": views_at, "values": values_at,
            "buffers": [[int(b), int(n)] for b, n in zip(buffer_starts, sizes)]}


_WIDTH = {"I": 4, "L": 8}


def _fits(layout: dict, rows: int, size: int) -> bool:
    for place in layout.values():
        if place["kind"] in _WIDTH:
            if place["data"] % ALIGN or place["data"] + _WIDTH[place["kind"]] * rows > size:
                return False
            continue
        if place["kind"] != "vu":
            return False
        views, values, buffers = place["views"], place["values"], place["buffers"]
        if views % ALIGN or values % ALIGN or views + 16 * rows > values or not buffers:
            return False
        if any(b < 0 or n < 0 or values + b + n > size for b, n in buffers):
            return False
    return True


class _Column:
    """One mapped column as an object Polars imports (``__arrow_c_array__``)."""

    def __init__(self, name: str, base: int, place: dict, rows: int):
        if place["kind"] in _WIDTH:  # a number column: no validity, its values
            self.buffers = (ctypes.c_void_p * 2)(None, base + place["data"])
            self.schema = _Schema(place["kind"].encode(), name.encode(), None, _FLAG_NULLABLE, 0, None, None, _NOOP,
                                  None)
            self.array = _Array(rows, 0, 0, 2, 0, ctypes.addressof(self.buffers), None, None, _NOOP, None)
            return
        buffers = place["buffers"]
        self.sizes = (ctypes.c_int64 * len(buffers))(*(n for _, n in buffers))
        self.buffers = (ctypes.c_void_p * (len(buffers) + 3))(
            None, base + place["views"], *(base + place["values"] + b for b, _ in buffers), ctypes.addressof(self.sizes))
        self.schema = _Schema(b"vu", name.encode(), None, _FLAG_NULLABLE, 0, None, None, _NOOP, None)
        self.array = _Array(rows, 0, 0, len(buffers) + 3, 0, ctypes.addressof(self.buffers), None, None, _NOOP, None)

    def __arrow_c_array__(self, requested_schema=None):
        return (_capsule(ctypes.addressof(self.schema), b"arrow_schema", None),
                _capsule(ctypes.addressof(self.array), b"arrow_array", None))


def read_columns(path, layout: dict, rows: int) -> dict[str, pl.Series] | None:
    """The mapped columns of ``path`` (None when the layout does not fit the file)."""
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if not size or not _fits(layout, rows, size):
            return None
        mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_COPY)  # writable for ctypes; never written
    _KEPT.append(mapped)
    base = ctypes.addressof(ctypes.c_char.from_buffer(mapped))
    return {name: pl.Series(_Column(name, base, place, rows)) for name, place in layout.items()}
