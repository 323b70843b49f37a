"""Issue 25.3: notes and flags are never exported by default; ``with_notes`` writes them
in each record's ``_curation`` object (JSONL and arrays, spliced), Parquet as columns."""
from __future__ import annotations

import json

import polars as pl
import pytest

from app.core.curate.edits import EditField, Flag, Note, Reject
from app.core.store.curation import Curation

from .curation_support import load, make_file, make_tree


@pytest.fixture()
def cur(tmp_path):
    c = Curation.open(load(make_tree(tmp_path)), tmp_path / "p", author="ann")
    rids = c.release.frame["rid"].to_list()
    c.apply(Note([rids[0]], "看出处"))
    c.apply(Flag([rids[1]], True))
    c.apply(EditField([rids[1]], "output", "改"))
    c.apply(Note([rids[2]], "重复了"))
    c.apply(Reject([rids[2]], "重复"))
    yield c, rids
    c.close()


def _by_instruction(path):
    return {json.loads(x)["instruction"]: json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()}


def test_notes_are_not_exported_by_default(cur, tmp_path):
    c, _ = cur
    out = tmp_path / "out.jsonl"
    c.export(out, keep_rejected=True)
    text = out.read_text(encoding="utf-8")
    assert "看出处" not in text and "重复了" not in text and '"flagged"' not in text
    c.export(tmp_path / "out.parquet", fmt="parquet")
    assert not {"note", "flagged"} & set(pl.read_parquet(tmp_path / "out.parquet").columns)


def test_with_notes_writes_them_in_curation_objects(cur, tmp_path):
    c, rids = cur
    frame = c.release.frame
    ins = dict(zip(frame["rid"].to_list(), frame["instruction"].to_list()))
    out = tmp_path / "out.jsonl"
    c.export(out, keep_rejected=True, with_notes=True)
    rows = _by_instruction(out)
    assert rows[ins[rids[0]]]["_curation"] == {"note": "看出处"}
    assert rows[ins[rids[1]]]["_curation"] == {"flagged": True} and rows[ins[rids[1]]]["output"] == "改"
    assert rows[ins[rids[2]]]["_curation"] == {"status": "rejected", "reason": "重复", "note": "重复了"}
    assert sum("_curation" in r for r in rows.values()) == 3
    again = tmp_path / "dropped.jsonl"
    c.export(again, with_notes=True)  # a rejected row left out takes its note with it
    assert "重复了" not in again.read_text(encoding="utf-8")


def test_with_notes_in_parquet_columns(cur, tmp_path):
    c, rids = cur
    out = tmp_path / "out.parquet"
    c.export(out, fmt="parquet", with_notes=True)
    got = pl.read_parquet(out)
    by = dict(zip(got["rid"].to_list(), zip(got["note"].to_list(), got["flagged"].to_list())))
    assert by[rids[0]] == ("看出处", False) and by[rids[1]] == (None, True)


def test_with_notes_spliced_into_an_array_record(tmp_path):
    rows = [{"instruction": f"问{i}", "input": "", "output": f"答{i}"} for i in range(3)]
    path = tmp_path / "rel.json"
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    with Curation.open(load(path), tmp_path / "p", author="ann") as c:
        rid = c.release.frame["rid"][1]
        c.apply(Note([rid], "数组里的笔记"))
        out = tmp_path / "out.json"
        c.export(out, with_notes=True)
        got = json.loads(out.read_text(encoding="utf-8"))
        assert got[1]["_curation"] == {"note": "数组里的笔记"} and "_curation" not in got[0]
        c.export(tmp_path / "plain.json")
        assert (tmp_path / "plain.json").read_bytes() == path.read_bytes()
