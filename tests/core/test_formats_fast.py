"""The loader's fast path (Polars, a strict schema per format) reads every format as the
reference reading does (records.own_values), record by record, in JSON lines and in
JSON arrays, mixed formats in one file included; and schema.all_turns() gives every
row's whole conversation, each text being the value at its path in the raw record."""
from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.io import rawfile
from app.core.load import paths as jp
from app.core.load import reread
from app.core.load.loader import load_release
from app.core.load.records import own_values
from app.core.load.schema import all_turns, n_turns
from tests.core.format_records import ANY, BY_FORMAT

COMPARED = ("instruction", "input", "output", "format", "turns", "system", "tools", "chosen", "rejected", "domain",
            "metadata")


def reference(obj: dict) -> dict:
    ref = own_values(obj)
    ref["domain"] = ref["domain"] or []
    return {k: ("" if ref[k] is None else ref[k]) for k in COMPARED}


def write(path: Path, records: list[dict], array: bool) -> Path:
    if array:
        path.write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")
    else:
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def rendered(value) -> str:
    return value if isinstance(value, str) else "" if value is None else json.dumps(value, ensure_ascii=False)


def check_release(path: Path, records: list[dict]):
    release = load_release(path)
    rows = release.frame.select(*COMPARED).to_dicts()
    assert len(rows) == len(records)
    for obj, got in zip(records, rows):
        assert got == reference(obj)
    # the whole conversation of every row: each text is the value at its path
    whole = release.frame.select(all_turns(), n_turns())
    for obj, turns, count in zip(records, whole["turns"].to_list(), whole["n_turns"].to_list()):
        for t in turns:
            assert rendered(jp.value_at(obj, t["path"])) == t["text"], t
        assert count == sum(1 for t in turns if t["role"] != "system" and t["path"] != "input")
    return release


@pytest.mark.parametrize("fmt", sorted(BY_FORMAT))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), array=st.booleans())
def test_the_fast_path_reads_every_format_as_the_reference(tmp_path, fmt, data, array):
    records = data.draw(st.lists(BY_FORMAT[fmt], min_size=1, max_size=6))
    check_release(write(tmp_path / ("r.json" if array else "r.jsonl"), records, array), records)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(ANY, min_size=1, max_size=10), array=st.booleans(), tiny=st.booleans())
def test_a_file_of_mixed_formats_reads_each_record_in_its_own(tmp_path, monkeypatch, records, array, tiny):
    if tiny:  # many chunks: a file Polars reads whole, and chunks that go line by line
        monkeypatch.setattr(rawfile, "CHUNK_BYTES", 256)
    check_release(write(tmp_path / ("m.json" if array else "m.jsonl"), records, array), records)


CLEAN = {
    "sharegpt": {"conversations": [{"from": "human", "value": "问"}, {"from": "gpt", "value": '{"name": "f"}'}],
                 "tools": '[{"name": "f"}]', "system": "你是助手"},
    "openai": {"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "问"},
                            {"role": "assistant", "content": "答"}]},
    "firefly": {"conversation_id": 1, "conversation": [{"human": "问", "assistant": "答"}]},
    "alpaca": {"instruction": "问", "input": "", "output": "答", "history": [["早", "好"]]},
    "preference": {"conversations": [{"from": "human", "value": "问"}], "chosen": {"from": "gpt", "value": "好"},
                   "rejected": {"from": "gpt", "value": "坏"}},
}


@pytest.mark.parametrize("fmt", sorted(CLEAN))
@pytest.mark.parametrize("array", [False, True])
def test_clean_records_never_leave_the_fast_path(tmp_path, monkeypatch, fmt, array):
    """Polars reads them all: no row goes to the standard library (a row there would
    still be right, but at ~10 µs a record, not the fast path's speed)."""
    calls = []
    real = reread.read_one
    monkeypatch.setattr(reread, "read_one", lambda *a: calls.append(a) or real(*a))
    records = [dict(CLEAN[fmt], id=i) for i in range(50)]
    release = check_release(write(tmp_path / ("f.json" if array else "f.jsonl"), records, array), records)
    assert calls == [] and set(release.frame["format"]) == {fmt}


def test_all_turns_of_single_turn_rows_are_made_not_stored():
    frame = pl.DataFrame({"format": ["cqia", "alpaca", "other", "other"], "instruction": ["i", "i", "i", ""],
                          "input": ["", "x", "", ""], "output": ["o", "", "", ""], "system": ["", "s", "", ""],
                          "turns": [[], [], [], []]}, schema_overrides={"turns": pl.List(pl.Struct(
                              {"role": pl.String, "text": pl.String, "path": pl.String}))})
    got = frame.select(all_turns(), n_turns()).to_dicts()
    assert [[(t["role"], t["path"]) for t in r["turns"]] for r in got] == [
        [("user", "instruction"), ("assistant", "output")],
        [("system", "system"), ("user", "instruction"), ("user", "input"), ("assistant", "output")],
        [("user", "instruction")],
        []]
    assert [r["n_turns"] for r in got] == [2, 2, 1, 0]
