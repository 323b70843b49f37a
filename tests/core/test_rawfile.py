"""The loader's line splitter (no numpy) and the exporter's (numpy spans) see the same rows."""
from __future__ import annotations

import os

import pytest
import xxhash
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.io import rawfile

chunks_of = st.lists(
    st.sampled_from([b'{"a": 1}', b"  {\"b\": 2}\t", b"", b"   ", b"\r", b'{"c": "\xe4\xb8\xad"}\r', b"x", b"\x0b{}\x0c"]),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(chunks_of, st.booleans(), st.booleans(), st.sampled_from([1, 5, 16, rawfile.SPLIT_STEP]))
def test_split_lines_agrees_with_line_table(lines, bom, trailing_newline, step):
    """Also when the piece is split a few bytes at a time (steps cut between lines)."""
    data = (rawfile.BOM if bom else b"") + b"\n".join(lines) + (b"\n" if trailing_newline and lines else b"")
    default, rawfile.SPLIT_STEP = rawfile.SPLIT_STEP, step
    try:
        numbers, stripped, count = rawfile.split_lines(data)
    finally:
        rawfile.SPLIT_STEP = default
    table, table_count = rawfile.line_table(data)
    assert count == table_count
    assert numbers == table.numbers.tolist()
    assert stripped == [data[s:e] for s, e in zip(table.starts.tolist(), table.ends.tolist())]


@settings(max_examples=300, deadline=None)
@given(chunks_of, st.booleans(), st.booleans(), st.sampled_from([1, 7]))
def test_hashed_lines_agrees_with_split_lines(lines, bom, trailing_newline, first_line):
    """Also the in-place path: pieces without BOM, CR or padded lines (the sample has some)."""
    data = (rawfile.BOM if bom else b"") + b"\n".join(lines) + (b"\n" if trailing_newline and lines else b"")
    numbers, stripped, count = rawfile.split_lines(data, first_line)
    got_numbers, got_lines, got_count, hashes = rawfile.hashed_lines(data, first_line, xxhash.xxh3_64_intdigest)
    assert (list(got_numbers), list(got_lines), got_count) == (numbers, stripped, count)
    assert hashes == [xxhash.xxh3_64_intdigest(line) for line in stripped]


@settings(max_examples=200, deadline=None)
@given(chunks_of, st.booleans(), st.data())
def test_hashed_lines_of_a_range_of_a_mapping_agree_with_its_bytes(tmp_path_factory, lines, trailing_newline, data):
    """Ranges of a mapping hash in place, at absolute offsets, and read back the same
    after their pages were dropped from the process."""
    body = b"\n".join(lines) + (b"\n" if trailing_newline and lines else b"")
    path = tmp_path_factory.mktemp("map") / "f.jsonl"
    path.write_bytes(body)
    lo = data.draw(st.integers(0, len(body)))
    hi = data.draw(st.integers(lo, len(body)))
    first = 1 if lo == 0 else 9
    with rawfile.mapped(path) as buf:
        numbers, lines_, count, hashes = rawfile.hashed_lines(buf, first, xxhash.xxh3_64_intdigest, lo, hi)
        expected = rawfile.hashed_lines(body[lo:hi], first, xxhash.xxh3_64_intdigest)
        assert (list(numbers), list(lines_), count, hashes) == (list(expected[0]), list(expected[1]), *expected[2:])
        if isinstance(lines_, rawfile.Spans):
            assert all(lo <= s <= e <= hi for s, e in zip(lines_.starts, lines_.ends))
        # The whole-file path drops a hashed range's pages: its lines still read back.
        rawfile.forget(buf, lo, hi)
        assert (list(numbers), list(lines_)) == (list(expected[0]), list(expected[1]))
        assert bytes(buf[lo:hi]) == body[lo:hi]


def test_joined_reads_several_sequences_as_one():
    joined = rawfile.Joined([[b"a", b"b"], [], rawfile.Spans(b"xcd", [1, 2], [2, 3]), [b"e"]])
    assert len(joined) == 5 and list(joined) == [b"a", b"b", b"c", b"d", b"e"]
    assert joined[-1] == b"e" and joined[1:4] == [b"b", b"c", b"d"]
    with pytest.raises(IndexError):
        joined[5]


def test_hashed_lines_hashes_plain_pieces_in_place():
    data = b'{"a": 1}\n{"b": "\xe4\xb8\xad"}\nx'
    numbers, lines, count, hashes = rawfile.hashed_lines(data, 3, xxhash.xxh3_64_intdigest)
    assert isinstance(lines, rawfile.Spans) and list(numbers) == [3, 4, 5] and count == 3
    assert lines[1] == b'{"b": "\xe4\xb8\xad"}' and lines[-1] == b"x" and lines[:2] == [b'{"a": 1}', lines[1]]
    assert hashes == [xxhash.xxh3_64_intdigest(line) for line in lines]


def test_chunks_end_at_newlines_and_cover_everything():
    data = b"".join(b'{"i": %d}\n' % i for i in range(5000)) + b'{"last": 1}'
    spans = list(rawfile.chunks(data, 1000))
    assert spans[0][0] == 0 and spans[-1][1] == len(data)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
    assert all(data[hi - 1 : hi] == b"\n" for _, hi in spans[:-1])


@pytest.mark.parametrize("pread", [True, False], ids=["pread", "seek+read"])
def test_read_at_gives_the_bytes_of_a_range(tmp_path, monkeypatch, pread):
    if not pread:  # as on Windows
        monkeypatch.delattr(rawfile.os, "pread")
    data = b"".join(b'{"i": %d}\n' % i for i in range(2000))
    path = tmp_path / "a.jsonl"
    path.write_bytes(data)
    with open(path, "rb") as fh:
        for lo, hi in rawfile.chunks(data, 1000):
            assert rawfile.read_at(fh.fileno(), lo, hi) == data[lo:hi]
        assert rawfile.read_at(fh.fileno(), 5, 5) == b""
        with pytest.raises(OSError, match="file ended"):
            rawfile.read_at(fh.fileno(), len(data) - 3, len(data) + 10)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=60), st.booleans(),
       st.sampled_from([1, 7, 64, 1000]), st.sampled_from([3, 16, 1 << 16]))
def test_file_chunks_read_with_pread_are_the_chunks_of_the_mapping(tmp_path_factory, lines, trailing_newline,
                                                                    chunk_bytes, window):
    """The loader finds its chunks by reading small windows of a file (no mapping): the
    ranges must be the ones chunks() finds in the whole bytes, long lines included."""
    data = b"\n".join(lines) + (b"\n" if trailing_newline and lines else b"")
    path = tmp_path_factory.mktemp("chunks") / "f.jsonl"
    path.write_bytes(data)
    default, rawfile._WINDOW = rawfile._WINDOW, window
    try:
        with open(path, "rb") as fh:
            got = list(rawfile.file_chunks(fh.fileno(), len(data), chunk_bytes))
            first = rawfile.find_newline(fh.fileno(), 0, len(data))
    finally:
        rawfile._WINDOW = default
    assert got == list(rawfile.chunks(data, chunk_bytes))
    assert first == data.find(b"\n")


def test_a_file_that_shrinks_while_its_chunks_are_found_raises_file_shrank(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"x" * 5000 + b"\n" + b"y" * 5000)
    with open(path, "rb") as fh:
        spans = rawfile.file_chunks(fh.fileno(), 10001, 1000)
        os.truncate(path, 100)
        with pytest.raises(rawfile.FileShrank):
            list(spans)
