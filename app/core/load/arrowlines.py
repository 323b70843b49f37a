"""The lines of a mapped file as a Polars Binary column, without copying a byte.

Polars finds a few bytes in a column at memory speed, on its own threads, with the GIL
released; Python's ``find`` on the mapping runs at a tenth of that and holds the GIL.
But a column built from Python bytes is a copy (~0.5 s for 880 MB). So the column is
handed to Polars through the Arrow C data interface (its public PyCapsule protocol,
``__arrow_c_array__``): a LargeBinary array whose data buffer *is* the mapping and whose
offsets are the line starts the loader already knows. Polars keeps the buffers until
it releases the array, which drops our references to them.
"""
from __future__ import annotations

import ctypes
import itertools
from array import array
from operator import le

import polars as pl


class _ArrowSchema(ctypes.Structure):
    pass


class _ArrowArray(ctypes.Structure):
    pass


_SchemaRelease = ctypes.CFUNCTYPE(None, ctypes.POINTER(_ArrowSchema))
_ArrayRelease = ctypes.CFUNCTYPE(None, ctypes.POINTER(_ArrowArray))
# Field order and types as the specification fixes them (arrow.apache.org, C data interface).
_ArrowSchema._fields_ = [
    ("format", ctypes.c_char_p), ("name", ctypes.c_char_p), ("metadata", ctypes.c_char_p),
    ("flags", ctypes.c_int64), ("n_children", ctypes.c_int64), ("children", ctypes.c_void_p),
    ("dictionary", ctypes.c_void_p), ("release", _SchemaRelease), ("private_data", ctypes.c_void_p),
]
_ArrowArray._fields_ = [
    ("length", ctypes.c_int64), ("null_count", ctypes.c_int64), ("offset", ctypes.c_int64),
    ("n_buffers", ctypes.c_int64), ("n_children", ctypes.c_int64), ("buffers", ctypes.c_void_p),
    ("children", ctypes.c_void_p), ("dictionary", ctypes.c_void_p), ("release", _ArrayRelease),
    ("private_data", ctypes.c_void_p),
]

_capsule = ctypes.pythonapi.PyCapsule_New
_capsule.restype = ctypes.py_object
_capsule.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
_SCHEMA_NAME, _ARRAY_NAME = b"arrow_schema", b"arrow_array"  # the protocol's capsule names
_LARGE_BINARY, _NULLABLE = b"Z", 2

# What an exported array points into, by its private_data key, until Polars releases it.
_exported: dict[int, tuple] = {}
_keys = itertools.count(1)


@_SchemaRelease
def _release_schema(schema) -> None:
    schema.contents.release = _SchemaRelease()  # released: the specification's marker


@_ArrayRelease
def _release_array(array) -> None:
    _exported.pop(array.contents.private_data, None)
    array.contents.release = _ArrayRelease()


class _LargeBinary:
    """An exporter of one LargeBinary array: row i is data[offsets[i]:offsets[i + 1]]."""

    def __init__(self, data, offsets: array):
        self.data, self.offsets = data, offsets

    def __arrow_c_array__(self, requested_schema=None):
        key = next(_keys)
        base = ctypes.c_char.from_buffer(self.data)  # holds an export: the buffer cannot be freed meanwhile
        buffers = (ctypes.c_void_p * 3)(None, self.offsets.buffer_info()[0], ctypes.addressof(base))  # no nulls
        schema = _ArrowSchema(_LARGE_BINARY, b"line", None, _NULLABLE, 0, None, None, _release_schema, None)
        array_ = _ArrowArray(len(self.offsets) - 1, 0, 0, 3, 0, ctypes.addressof(buffers), None, None, _release_array, key)
        # The structs too: the consumer moves them out of the capsules, but until it has
        # they must exist; a consumer that fails before that never releases, a small leak.
        _exported[key] = (base, self.offsets, buffers, schema, array_)
        return _capsule(ctypes.addressof(schema), _SCHEMA_NAME, None), _capsule(ctypes.addressof(array_), _ARRAY_NAME, None)


def lines_column(data, offsets) -> pl.Series:
    """Binary column whose row i is data[offsets[i]:offsets[i + 1]], sharing data's memory.

    ``data`` is a writable buffer (a bytearray, or a file mapped copy-on-write: mapped
    pages that are never written stay the page cache's, no copy is made); ``offsets``
    ints rising within len(data). Checked here: Polars trusts them, and a bad offset
    would read out of bounds. ``data`` must stay unchanged while the column lives.
    """
    offsets = array("q", offsets)
    if not offsets or offsets[0] < 0 or offsets[-1] > len(data) or not all(map(le, offsets, offsets[1:])):
        raise ValueError("line offsets must rise within the data")
    if len(data) == 0:  # a zero-length buffer has no address to share
        data = bytearray(1)
    return pl.Series(_LargeBinary(data, offsets)).alias("line")
