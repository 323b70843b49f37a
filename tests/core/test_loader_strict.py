"""Strict JSON: a line is a row only if a standard JSON parser takes it, whichever path
(Polars' reader or the standard library) reads it.

The cases follow JSONTestSuite (github.com/nst/JSONTestSuite, test_parsing/): y_* must
parse, n_* must be rejected, i_* may go either way. A few relevant ones are written out
here; set JSON_TEST_SUITE to a checkout of it to run the whole suite.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest

from app.core.load import labeltext
from app.core.io import rawfile
from app.core.load.loader import load_release, parse_line
from app.core.load.schema import RAW_SCHEMA

# n_ cases: not JSON. Python's json module takes the first three; Polars none of them.
NOT_JSON = {
    "n_number_NaN": b"NaN",
    "n_number_infinity": b"Infinity",
    "n_number_minus_infinity": b"-Infinity",
    "n_number_-NaN": b"-NaN",
    "n_number_+Inf": b"+Inf",
    "n_number_nan_lower": b"nan",
    "n_number_+1": b"+1",
    "n_number_hex_1_digit": b"0x1",
    "n_number_hex_2_digits": b"0x42",
    "n_number_neg_int_starting_with_zero": b"-012",
    "n_number_starting_with_dot": b".123",
    "n_number_real_without_fractional_part": b"1.",
    "n_number_0_capital_E": b"0E",
    "n_string_single_quote": b"'single quote'",
    "n_object_single_quote": b"{'a':0}",
    "n_object_unquoted_key": b"{a: \"b\"}",
    "n_object_trailing_comma": b'{"id":0,}',
    "n_array_extra_comma": b'["",]',
    "n_object_trailing_comment": b'{"a":"b"}/**/',
    "n_object_trailing_comment_slash_open": b'{"a":"b"}//',
    "n_structure_object_with_comment": b'{"a":/*comment*/"b"}',
    "n_string_escape_x": b'["\\x00"]',
    "n_string_invalid_backslash_esc": b'["\\a"]',
    "n_string_unescaped_tab": b'["\t"]',
    "n_string_unescaped_ctrl_char": b'["a\x00a"]',
    "n_structure_capitalized_True": b"[True]",
    "n_object_missing_colon": b'{"a" b}',
    "n_structure_object_followed_by_closing_object": b"{}}",
    "n_structure_double_array": b"[][]",
    "n_structure_whitespace_formfeed": b"[\x0c]",
    "n_structure_100000_opening_arrays": b"[" * 100000,
}
# y_ cases: JSON, so as values inside a row they load (and alone they are not objects).
JSON = {
    "y_number_negative_zero": b"[-0]",
    "y_number_real_capital_e_pos_exp": b"[1E+2]",
    "y_number_after_space": b"[ 4]",
    "y_string_unicode_escaped_double_quote": b'["\\u0022"]',
    "y_string_escaped_control_character": b'["\\u0012"]',
    "y_object_duplicated_key": b'{"a":"b","a":"c"}',
    "y_object_empty_key": b'{"":0}',
    "y_structure_lonely_null": b"null",
    "y_string_nonCharacterInUTF-8_U+FFFF": '["\uffff"]'.encode(),
    "y_string_accepted_surrogate_pair": b'["\\uD801\\udc37"]',
    "y_array_heterogeneous": b'[null, 1, "1", {}]',
}
FIELDS = ("instruction", "metadata", "domain", "task_type", "human_verified", "unknown_field")


@pytest.fixture(params=["16 MB chunks", "256 B chunks"])
def chunk_size(request, monkeypatch):
    """One chunk read from bytes, and a file read whole by Polars from its path."""
    if request.param == "256 B chunks":
        monkeypatch.setattr(rawfile, "CHUNK_BYTES", 256)
    return request.param


def _good(i: int) -> bytes:
    return json.dumps({"instruction": f"好{i}", "output": "答" * 40, "domain": ["通用"]}, ensure_ascii=False).encode()


def _load_lines(folder: Path, lines: list[bytes]):
    """(line numbers that became rows, {line number: reason} of bad lines)."""
    path = folder / "a.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    release = load_release(path)
    return release.frame["line"].to_list(), {b.line: b.reason for b in release.report.bad_lines}


def _strict(line: bytes) -> bool:
    """What a standard JSON parser says (the oracle: the stdlib, minus its NaN extension)."""
    def refuse(name):
        raise ValueError(name)
    try:
        return isinstance(json.loads(line.decode("utf-8"), parse_constant=refuse), dict)
    except (ValueError, RecursionError):
        return False


@pytest.mark.parametrize("value", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_and_infinity_inside_a_row_are_bad_lines(tmp_path, chunk_size, value):
    lines = [_good(0)] + [b'{"' + f.encode() + b'": ' + value + b', "output": "x"}' for f in FIELDS]
    lines.append(b'{"metadata": {"score": [1, ' + value + b"]}}")
    rows, bad = _load_lines(tmp_path, lines + [_good(9)])
    assert rows == [1, len(lines) + 1]
    assert sorted(bad) == list(range(2, len(lines) + 1))
    name = value.decode()
    for n, reason in bad.items():
        column = lines[n - 1].index(value) + 1
        assert reason == f"invalid JSON: {name} is not a JSON value at column {column}", (n, reason)


@pytest.mark.parametrize("value", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_and_infinity_alone_are_invalid_json_not_a_non_object(tmp_path, value):
    rows, bad = _load_lines(tmp_path, [_good(0), value, b"[" + value + b"]"])
    assert rows == [1]
    assert bad == {2: f"invalid JSON: {value.decode()} is not a JSON value at column 1",
                   3: f"invalid JSON: {value.decode()} is not a JSON value at column 2"}


def test_the_words_inside_strings_are_text(tmp_path, chunk_size):
    lines = [b'{"instruction": "NaN", "output": "Infinity and -Infinity", "metadata": "\\"NaN\\" NaN"}',
             b'{"domain": ["NaN"], "x\\"NaN": 1, "output": "\\\\"}']
    rows, bad = _load_lines(tmp_path, lines)
    assert rows == [1, 2] and bad == {}


def test_parse_line_is_strict():
    """parse_line also checks the rows export rewrites."""
    assert parse_line(b'{"a": NaN}') == (None, "invalid JSON: NaN is not a JSON value at column 7")
    assert parse_line(b'{"a": "NaN", "b": -Infinity}') == (None, "invalid JSON: -Infinity is not a JSON value at column 19")
    assert parse_line(b'{"a": 1e5}') == ({"a": 1e5}, None)


def _cases_wrapped(cases: dict[str, bytes]) -> list[tuple[str, bytes]]:
    """Each case alone on a line, and as the value of each kind of field of a row."""
    out = []
    for name, text in cases.items():
        out.append((name, text))
        out += [(f"{name} as {f}", b'{"' + f.encode() + b'": ' + text + b', "output": "x"}') for f in FIELDS]
    return out


def test_json_test_suite_cases(tmp_path, chunk_size):
    """Every n_ case is a bad line, wrapped or alone; every y_ case wrapped is a row."""
    cases = _cases_wrapped(NOT_JSON) + _cases_wrapped(JSON)
    rows, bad = _load_lines(tmp_path, [line for _, line in cases])
    for n, (name, line) in enumerate(cases, 1):
        if name.startswith("n_"):
            assert n in bad and n not in rows, name
            assert not bad[n].startswith("not a JSON object"), (name, bad[n])
        elif b'": ' in line:
            assert n in rows, (name, bad.get(n))
        else:
            assert n in rows or bad[n].startswith("not a JSON object"), (name, bad.get(n))


def _polars_accepts(data: bytes) -> bool:
    try:
        pl.read_ndjson(data, schema=RAW_SCHEMA)
        pl.read_ndjson(data, schema=labeltext.READ_SCHEMA)
    except Exception:  # noqa: BLE001 - any refusal
        return False
    return True


def test_polars_takes_no_line_a_standard_parser_refuses():
    """The fast path trusts Polars' reader: it must be at least as strict as the standard.
    (It is stricter: it refuses 1e999, which the stdlib then reads.)"""
    for name, line in _cases_wrapped(NOT_JSON) + _cases_wrapped(JSON):
        if _polars_accepts(line + b"\n"):
            assert _strict(line), name
        if _polars_accepts(_good(0) + b"\n" + line + b"\n" + _good(1) + b"\n"):
            assert _strict(line), name


def _suite() -> Path:
    root = os.environ.get("JSON_TEST_SUITE")
    if not root:
        pytest.skip("set JSON_TEST_SUITE to a checkout of github.com/nst/JSONTestSuite to run the whole suite")
    folder = Path(root) / "test_parsing"
    if not folder.is_dir():
        pytest.fail(f"JSON_TEST_SUITE={root} has no test_parsing folder")
    return folder


def test_the_whole_json_test_suite(tmp_path, chunk_size):
    """Every case on a line of its own and wrapped in a row: y_ parse, n_ are bad lines,
    i_ never crash; and the loader's verdict on every line is a standard parser's."""
    cases = {}
    for p in sorted(_suite().glob("*.json")):
        text = p.read_bytes()
        if p.name.startswith("n_") and b"\n" in text.strip():
            continue  # a raw newline would split the case into two lines (n_string_unescaped_newline)
        cases[p.stem] = text.replace(b"\r", b" ").replace(b"\n", b" ").strip() or b" "
    lines = _cases_wrapped(cases)
    rows, bad = _load_lines(tmp_path, [line for _, line in lines])
    rows = set(rows)
    for n, (name, line) in enumerate(lines, 1):
        if not line.strip():
            continue  # a blank line is no row and no bad line
        if name.startswith("n_"):
            assert n in bad and not bad[n].startswith("not a JSON object"), name
        elif name.startswith("y_"):
            assert n in rows if " as " in name else (n in rows or bad[n].startswith("not a JSON object")), (name, bad.get(n))
        if n in rows:
            assert _strict(line), name
        if _polars_accepts(line + b"\n") and line.strip():
            assert _strict(line), name
