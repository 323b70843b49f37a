"""The JSON array scanner: each record's byte span, bad records by number and reason,
and arrays that cannot be read named with where they break."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.io.jsonarray import ArrayError, scan

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
VALUES = st.recursive(st.none() | st.booleans() | st.integers() | TEXT,
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3), max_leaves=8)
RECORDS = st.lists(st.dictionaries(TEXT, VALUES, max_size=4), max_size=6)


@settings(max_examples=150, deadline=None)
@given(RECORDS, st.sampled_from([None, 0, 2, "\t"]), st.booleans(), st.booleans(), st.booleans())
def test_every_record_span_holds_that_record(records, indent, ascii_only, bom, crlf):
    text = json.dumps(records, indent=indent, ensure_ascii=ascii_only)
    if crlf:
        text = text.replace("\n", "\r\n")
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    got = scan(data)
    assert got.bad == [] and got.records == len(records)
    assert got.numbers == list(range(1, len(records) + 1))
    assert [json.loads(data[s:e]) for s, e in zip(got.starts, got.ends)] == records
    # a span is the record's own bytes: no white space around it
    assert all(data[s:s + 1] == b"{" and data[e - 1:e] == b"}" for s, e in zip(got.starts, got.ends))


def test_bad_records_are_named_and_the_others_kept():
    data = ('[{"a": 1},\n {"b": "你"},\n {"c": NaN},\n [1],\n "x",\n {"d": "tab\there"},\n {"e": 2}]').encode()
    got = scan(data)
    assert got.numbers == [1, 2, 7] and got.records == 7
    assert got.bad == [(3, "invalid JSON: NaN is not a JSON value at line 3 column 8"),
                       (4, "not a JSON object (a list)"), (5, "not a JSON object (a string)"),
                       (6, "invalid JSON: Invalid control character at line 6 column 12")]
    assert [json.loads(data[s:e]) for s, e in zip(got.starts, got.ends)] == [{"a": 1}, {"b": "你"}, {"e": 2}]


def test_invalid_utf8_inside_a_record_is_that_record_only():
    data = b'[{"a": "ok"}, {"b": "x\xff"}, {"c": "\xe4\xbd\xa0"}]'
    got = scan(data)
    assert got.bad == [(2, "invalid UTF-8 at byte 23 of the file")]
    assert [data[s:e] for s, e in zip(got.starts, got.ends)] == [b'{"a": "ok"}', b'{"c": "\xe4\xbd\xa0"}']


@pytest.mark.parametrize("data, reason", [
    (b'[{"a": 1}, {"b":', "truncated JSON array: it ends inside record 2 (line 1 column 12)"),
    (b'[{"a": 1}', "truncated JSON array: no closing ] after record 1"),
    (b'[{"a": 1},', "truncated JSON array: it ends before record 2"),
    (b'[{"a": 1} {"b": 2}]', "invalid JSON array: expected , or ] after record 1 at line 1 column 11"),
    (b'[{"a": 1},\n]', "invalid JSON array: a comma before the closing ] at line 2 column 1 (JSON allows none)"),
    (b'[{"a": 1}]\n[{"b": 2}]', "invalid JSON array: text after its closing ] at line 2 column 1"),
    (b'[{"a": 1}, {"b" 2}, {"c": 3}]', "invalid JSON array: Expecting ':' delimiter at line 1 column 17 (record 2)"),
    (b'{"a": 1}', "not a JSON array"),
])
def test_an_array_that_cannot_be_read_says_where(data, reason):
    with pytest.raises(ArrayError) as err:
        scan(data)
    assert str(err.value) == reason


def test_empty_array_has_no_records():
    got = scan(b"  [ \n ]\n")
    assert got.records == 0 and got.starts == [] and got.bad == []
