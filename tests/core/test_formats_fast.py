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


COIG = {"instruction": "问", "input": "", "output": "答", "task_type": {"major": ["问答"], "minor": []}, "domain": ["通用"],
        "metadata": "", "answer_from": "human", "human_verified": True, "copyright": "CC0"}


@pytest.mark.parametrize("bad_line", [False, True])
@pytest.mark.parametrize("tiny", [False, True])
def test_a_coig_file_is_read_without_the_keys_its_records_do_not_show(tmp_path, monkeypatch, bad_line, tiny):
    """A COIG-CQIA file whose sniffed records hold no other format's keys is read without
    them (each costs the read 5-10%): a record further on with an instruction or output
    is cqia / alpaca / other by its COIG keys, its other keys not read; one with neither
    is read in its own format. A chunk that goes line by line reads them the same."""
    from app.core.load import sniff

    if tiny:
        monkeypatch.setattr(rawfile, "CHUNK_BYTES", 4096)
    n = 300
    sampled = set(range(sniff.SNIFF_RECORDS)) | {sniff.SNIFF_RECORDS + (n - sniff.SNIFF_RECORDS) * k // sniff.SPREAD
                                                 for k in range(sniff.SPREAD)}
    free = [i for i in range(n) if i not in sampled][-4:]
    lines = [json.dumps(dict(COIG, instruction=f"问{i}"), ensure_ascii=False) for i in range(n)]
    odd = {free[0]: {"conversations": [{"from": "human", "value": "你好"}, {"from": "gpt", "value": "好"}]},
           free[1]: {"instruction": "i", "output": "o", "system": "s", "history": [["h", "g"]]},
           free[2]: dict(COIG, conversations=[{"from": "human", "value": "x"}]),
           free[3]: {"text": "no instruction"}}
    for i, rec in odd.items():
        lines[i] = json.dumps(rec, ensure_ascii=False)
    if bad_line:
        lines[free[0] - 1] = '{"instruction": "broken'
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    release = load_release(path)
    rows = {r["line"]: r for r in release.frame.select("line", *COMPARED).to_dicts()}
    share, alp, mixed, other = (rows[i + 1] for i in free)
    assert (share["format"], share["instruction"], share["output"]) == ("sharegpt", "你好", "好")
    assert (alp["format"], alp["system"], alp["turns"]) == ("alpaca", "", [])  # keys not read
    assert (mixed["format"], mixed["turns"]) == ("cqia", [])
    assert (other["format"], other["instruction"]) == ("other", "")
    assert len(rows) == n - bad_line and set(r["format"] for r in rows.values()) == {"cqia", "sharegpt", "alpaca", "other"}
