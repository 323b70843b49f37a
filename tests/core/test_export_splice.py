"""Editing one field rewrites only that field's value: the new value is spliced into the
raw line, so numbers keep their spelling (1E2, 1e400, 34 digits), escapes stay escapes
(a lone \\udfff too), and spacing stays as it was."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.core.export.exporter import rewrite_row
from app.core.curate.overlay import RowState


def dumped(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


ODD = (b'{"instruction": "q",  "output" :"a", "n": 1E2, "big": 1e400, '
       b'"pi": 3.1415926535897932384626433832795028, "odd": "\\udfff", "s":"\\u4e2d\\/\\t" ,"z":[1.0,-0,{}] }')


def test_an_edit_keeps_every_other_byte():
    new = rewrite_row(ODD, RowState(fields={"output": "新的回答"}))
    assert new == ODD.replace(b'"a"', '"新的回答"'.encode())


def test_a_key_spelled_with_escapes_is_the_key():
    raw = b'{"\\u006futput": "old", "x": 1E2}'
    assert rewrite_row(raw, RowState(fields={"output": "new"})) == b'{"\\u006futput": "new", "x": 1E2}'


def test_a_duplicated_key_replaces_the_last_one_as_the_loader_reads_it():
    raw = b'{"output": "first", "x": 1, "output": "last"}'
    assert rewrite_row(raw, RowState(fields={"output": "new"})) == b'{"output": "first", "x": 1, "output": "new"}'


@pytest.mark.parametrize("raw, expected", [
    (b'{"instruction": "q", "x": 1E2}', b'{"instruction": "q", "x": 1E2, "output": "new"}'),
    (b'{"instruction":"q","x":1E2}', b'{"instruction":"q","x":1E2,"output":"new"}'),
    (b'{"a" : 1 ,  "b" : 2 }', b'{"a" : 1 ,  "b" : 2 ,  "output" : "new" }'),
    (b'{"a": 1}', b'{"a": 1, "output": "new"}'),
    (b'{}', b'{"output": "new"}'),
    (b'{ }', b'{"output": "new" }'),
])
def test_a_missing_key_is_added_at_the_end_in_the_line_s_style(raw, expected):
    assert rewrite_row(raw, RowState(fields={"output": "new"})) == expected


def test_labels_are_spliced_inside_task_type():
    raw = b'{"task_type": {"major": ["\\u95ee\\u7b54"], "minor": "x", "n": 1E2}, "domain": "\\u6587"}'
    state = RowState(fields={"task_major": ("翻译",), "task_minor": ("古诗",), "domain": ("文学", "诗")})
    assert rewrite_row(raw, state) == ('{"task_type": {"major": ["翻译"], "minor": "古诗", "n": 1E2}, '
                                       '"domain": ["文学","诗"]}').encode()
    # a missing minor type is added inside the object, in its style
    assert rewrite_row(b'{"task_type": {"major":["a"]}, "x": 1E2}', RowState(fields={"task_minor": ("b",)})) == \
        b'{"task_type": {"major":["a"],"minor":["b"]}, "x": 1E2}'


@pytest.mark.parametrize("raw, field, expected", [
    (b'{"task_type": "\\u6570", "x": 1E2}', "task_major", '{"task_type": "算", "x": 1E2}'),
    (b'{"task_type": "\\u6570", "x": 1E2}', "task_minor", '{"task_type": {"major":"\\u6570","minor":["算"]}, "x": 1E2}'),
    (b'{"task_type": null, "x": 1E2}', "task_minor", '{"task_type": {"minor":["算"]}, "x": 1E2}'),
    (b'{"x": 1E2}', "task_major", '{"x": 1E2, "task_type": {"major":["算"]}}'),
])
def test_a_task_type_that_is_not_an_object_is_replaced_whole(raw, field, expected):
    assert rewrite_row(raw, RowState(fields={field: ("算",)})) == expected.encode()


def test_the_rejection_mark_is_spliced_too():
    raw = b'{"output": 1E2, "_curation": {"old": true}, "y": "\\udfff"}'
    got = rewrite_row(raw, RowState(decision="rejected", reason="重复"), mark={"status": "rejected", "reason": "重复"})
    assert got == '{"output": 1E2, "_curation": {"status":"rejected","reason":"重复"}, "y": "\\udfff"}'.encode()


def test_a_value_with_a_lone_surrogate_is_written_escaped():
    got = rewrite_row(b'{"output": "a"}', RowState(fields={"output": "x\udfffy"}))
    assert got == b'{"output": "x\\udfffy"}' and json.loads(got)["output"] == "x\udfffy"


# ---- property: random JSON text, every spelling -------------------------------------------

WS = st.sampled_from(["", " ", "  ", "\t", " \t"])
KEYS = ["instruction", "input", "output", "task_type", "domain", "major", "minor", "x", "中", "_curation"]


def _char_spelling(c: str):
    """A character of a JSON string as text: raw, or escaped one of the ways JSON allows."""
    options = []
    if c not in '"\\' and ord(c) >= 0x20:
        options.append(st.just(c))
    short = {'"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if c in short:
        options.append(st.just(short[c]))
    if ord(c) < 0x10000:
        options.append(st.sampled_from([f"\\u{ord(c):04x}", f"\\u{ord(c):04X}"]))
    else:  # a surrogate pair
        hi, lo = divmod(ord(c) - 0x10000, 0x400)
        options.append(st.just(f"\\u{0xD800 + hi:04x}\\u{0xDC00 + lo:04x}"))
    return st.one_of(options)


@st.composite
def json_strings(draw, text=None):
    """A JSON string literal: random text, or ``text`` (a key) spelled in random ways."""
    lone = text is None and draw(st.integers(0, 9)) == 0  # a lone surrogate escape: the row's own business
    text = draw(st.text(st.characters(exclude_categories=("Cs",)), max_size=8)) if text is None else text
    pieces = [draw(_char_spelling(c)) for c in text]
    if lone:
        pieces.append("\\udfff")
    return '"' + "".join(pieces) + '"'


@st.composite
def json_numbers(draw):
    sign = draw(st.sampled_from(["", "-"]))
    whole = draw(st.sampled_from(["0", "1", "7", "10", "123456789012345678901234567890123"]))
    frac = draw(st.sampled_from(["", ".0", ".5", ".1415926535897932384626433832795028"]))
    exp = draw(st.sampled_from(["", "e2", "E2", "e+2", "E-7", "e400", "E-400", "e0"]))
    return sign + whole + frac + exp


def json_values():
    scalars = st.one_of(st.sampled_from(["null", "true", "false"]), json_numbers(), json_strings())
    return st.recursive(scalars, lambda inner: st.one_of(
        st.lists(st.tuples(WS, inner, WS), max_size=3).map(lambda xs: "[" + ",".join(a + v + b for a, v, b in xs) + "]"),
        st.lists(st.tuples(WS, st.sampled_from(KEYS).flatmap(json_strings), WS, WS, inner, WS), max_size=3).map(
            lambda ms: "{" + ",".join(a + k + b + ":" + c + v + d for a, k, b, c, v, d in ms) + "}")), max_leaves=8)


@st.composite
def json_objects(draw, values=None, must=None):
    """(raw line, [(key, value start, value end)] in bytes) of a random JSON object
    (holding the member ``must`` somewhere, when given)."""
    values = json_values() if values is None else values
    members = draw(st.lists(st.tuples(st.sampled_from(KEYS), values), max_size=6))
    if must is not None:
        members.insert(draw(st.integers(0, len(members))), must)
    out, spans = bytearray(b"{"), []
    for i, (key, value) in enumerate(members):
        out += (draw(WS) + ("," if i else "") + draw(WS)).encode()
        out += (draw(json_strings(key)) + draw(WS) + ":" + draw(WS)).encode()
        start = len(out)
        out += value.encode()
        spans.append((key, start, len(out)))
    if members and draw(st.booleans()):
        out += draw(WS).encode()
    return bytes(out + b"}"), spans


def _insertion_point(raw: bytes, spans) -> int:
    return spans[-1][2] if spans else 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_objects(), st.sampled_from(["instruction", "input", "output"]), st.text(max_size=12))
@example((b'{"output": 1E2, "n": 1e400, "s": "\\udfff"}', [("output", 11, 14), ("n", 21, 26), ("s", 33, 41)]),
         "output", "新")
def test_splicing_a_text_field_changes_that_value_only(obj, field, value):
    raw, spans = obj
    new = rewrite_row(raw, RowState(fields={field: value}))
    expected = json.loads(raw)
    expected[field] = value
    got = json.loads(new)
    assert got == expected and list(got) == list(expected)
    mine = [(s, e) for k, s, e in spans if k == field]
    if mine:
        s, e = mine[-1]
        tail = len(raw) - e
        assert new[:s] == raw[:s] and new[len(new) - tail:] == raw[e:] and new[s:len(new) - tail] == dumped(value)
    else:
        at = _insertion_point(raw, spans)
        assert new.startswith(raw[:at]) and new.endswith(raw[at:]) and new[at:len(new) - len(raw) + at].endswith(dumped(value))


def _shaped(original, values):
    return values[0] if isinstance(original, str) and len(values) == 1 else list(values)


@st.composite
def task_objects(draw):
    """An object whose task_type is an object holding major/minor in random spellings."""
    label = st.one_of(json_strings(), st.lists(json_strings(), max_size=2).map(lambda xs: "[" + ", ".join(xs) + "]"))
    inner = draw(st.lists(st.tuples(st.sampled_from(["major", "minor", "x"]), st.one_of(label, json_numbers())), max_size=4))
    task = "{" + ",".join(draw(WS) + draw(json_strings(k)) + ":" + draw(WS) + v for k, v in inner) + draw(WS) + "}"
    return draw(json_objects(st.one_of(json_values(), st.just(task)), must=("task_type", task)))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(task_objects(), st.sampled_from(["task_major", "task_minor", "domain"]),
       st.lists(st.text(max_size=4), min_size=1, max_size=3).map(tuple))
def test_splicing_a_label_changes_that_label_only(obj, field, values):
    raw, spans = obj
    new = rewrite_row(raw, RowState(fields={field: values}))
    expected = json.loads(raw)
    if field == "domain":
        expected["domain"] = _shaped(expected.get("domain"), values)
        outside = [(s, e) for k, s, e in spans if k == "domain"][-1:]
    else:
        key = "major" if field == "task_major" else "minor"
        task = expected.get("task_type")
        if isinstance(task, dict):
            task[key] = _shaped(task.get(key), values)
        elif task is None:
            expected["task_type"] = {key: list(values)}
        elif key == "major":
            expected["task_type"] = _shaped(task, values)
        else:
            expected["task_type"] = {"major": task, "minor": list(values)}
        outside = [(s, e) for k, s, e in spans if k == "task_type"][-1:]
    got = json.loads(new)
    assert got == expected and list(got) == list(expected)
    if outside:  # nothing outside the (last) value of that key changed
        s, e = outside[0]
        tail = len(raw) - e
        assert new[:s] == raw[:s] and new[len(new) - tail:] == raw[e:]
    else:
        at = _insertion_point(raw, spans)
        assert new.startswith(raw[:at]) and new.endswith(raw[at:])
