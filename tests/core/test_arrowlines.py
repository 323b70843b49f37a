"""The zero-copy lines column: rows, shared memory, release, refused offsets."""
from __future__ import annotations

import mmap

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.load import arrowlines, labeltext


@given(st.lists(st.binary(max_size=20), max_size=30))
def test_rows_are_the_slices_between_the_offsets(pieces):
    data = bytearray(b"".join(pieces))
    offsets = [0]
    for p in pieces:
        offsets.append(offsets[-1] + len(p))
    column = arrowlines.lines_column(data, offsets)
    assert column.dtype == pl.Binary and column.to_list() == pieces


def test_the_column_shares_the_buffer_and_releases_it_when_dropped(tmp_path):
    data = bytearray(b"a line of twenty b\nanother line, as long\n")  # over 12 bytes: not inlined in a view
    column = arrowlines.lines_column(data, [0, 19, len(data)])
    data[0:1] = b"X"  # visible through the column: no copy was made
    assert column.to_list() == [b"X line of twenty b\n", b"another line, as long\n"]
    assert arrowlines._exported
    part = column.slice(1, 1)
    del column
    assert arrowlines._exported  # a slice still holds the buffer
    del part
    assert not arrowlines._exported
    path = tmp_path / "f.jsonl"
    path.write_bytes(b'{"a": 1}\n{"b": "[x"}\n')
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_COPY) as mapped:
        lines = arrowlines.lines_column(mapped, [0, 9, 21])
        assert lines.bin.contains(b'"[').to_list() == [False, True]
        del lines  # else closing the mapping would raise BufferError
    assert path.read_bytes() == b'{"a": 1}\n{"b": "[x"}\n'


@pytest.mark.parametrize("offsets", [[], [-1, 2], [0, 5, 3], [0, 9]])
def test_offsets_outside_or_backwards_are_refused(offsets):
    with pytest.raises(ValueError):
        arrowlines.lines_column(bytearray(b"abcdefgh"), offsets)


def test_text_label_rows_finds_a_label_that_may_be_a_string_spelled_like_a_list():
    lines = [
        b'{"domain": ["a"], "output": "[x]"}',  # an output string starting with [: not a label
        b'{"domain": "[\\"a\\"]"}',
        b'{"task_type": {"major" :\t"[\\"a\\"]"}}',
        b'{"\\u0064omain": "[1]"}',  # a key spelled with an escape
        b'{"domain": "\\u005b1]"}',  # an escaped bracket
        b'{"domain": ["[a]"]}',  # a list whose item starts with [: the render shows it
        b'{"output": "\\"[quoted\\"", "domain": ["a"]}',
        b'{"metadata": {"minor": "[a]"}}',  # a same-named key elsewhere: re-read, harmless
        b'{"domain": "\xff[x]"}',  # not UTF-8
    ]
    column = pl.Series("line", lines, dtype=pl.Binary)
    assert labeltext.text_label_rows(column).to_list() == [1, 2, 3, 4, 7]
