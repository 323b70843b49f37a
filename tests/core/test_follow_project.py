"""A project's decisions follow their rows when the release changes; what no longer
applies is listed (stale), re-applied or discarded, and never exported silently."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.store.curation import Curation, open_overlay
from app.core.curate.edits import Accept, EditField, Reject
from app.core.curate.follow import StaleDecisionsError
from app.core.load.loader import load_release

pytestmark = pytest.mark.reliability("tamper")

ROWS = [
    {"instruction": "甲", "input": "", "output": "一", "n": 1E2},
    {"instruction": "乙", "input": "", "output": "二"},
    {"instruction": "丙", "input": "", "output": "三"},
    {"instruction": "重复", "input": "", "output": "同"},
    {"instruction": "重复", "input": "", "output": "同"},
]


def _write(path: Path, rows, **dumps) -> Path:
    dumps.setdefault("ensure_ascii", False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(json.dumps(r, **dumps).encode() + b"\n" for r in rows))
    return path


def _journal_ops(project: Path) -> list[str]:
    return [json.loads(x)["op"] for x in (project / "journal.jsonl").read_text().splitlines() if x.strip()]


@pytest.fixture
def decided(tmp_path):
    """A release and a project with an edit, a reject and an accept, and a saved version."""
    path = _write(tmp_path / "rel" / "a.jsonl", ROWS)
    release = load_release(path)
    rids = release.frame["rid"].to_list()
    proj = tmp_path / "p"
    with Curation.open(release, proj, author="ann") as c:
        c.apply(EditField([rids[0]], "output", "改一"))
        c.apply(Reject([rids[1]], "重复"))
        c.apply(Accept([rids[4]]))
        c.save_version("v1")
    return path, proj, rids


@pytest.mark.reliability("tamper", "the release re-serialised: every decision follows its row, through undo, "
                                   "redo and reopening, journaled once")
def test_decisions_follow_a_reserialised_release_and_survive_reopening(decided):
    path, proj, rids = decided
    _write(path, ROWS, ensure_ascii=True, separators=(",", ":"))
    new = load_release(path)
    fresh = new.frame["rid"].to_list()
    with Curation.open(new, proj, author="ann") as c:
        assert not c.stale
        assert any("followed their rows" in n for n in c.notices)
        frame = c.current_frame()
        assert frame["output"][0] == "改一" and frame["status"][1] == "rejected" and frame["status"][4] == "accepted"
        assert set(c.overlay) == {fresh[0], fresh[1], fresh[4]}
        c.undo()  # the accept, on its new id
        assert c.current_frame()["status"][4] == "untouched"
        c.redo()
    assert _journal_ops(proj).count("rebase") == 1
    with Curation.open(new, proj) as c:  # the move is on disk: no second rebase, same state
        assert set(c.overlay) == {fresh[0], fresh[1], fresh[4]} and not c.stale and not c.base_changed
    assert _journal_ops(proj).count("rebase") == 1
    out = proj.parent / "out.jsonl"
    with Curation.open(new, proj, read_only=True) as c:
        result = c.export(out)
    assert result.edited == 1 and result.rejected_dropped == 1


@pytest.mark.reliability("tamper", "a row edited upstream: its decision listed stale, never laid on the new row; "
                                   "export stops; re-apply and discard undoable")
def test_a_row_edited_upstream_is_listed_stale_and_export_stops(decided, tmp_path):
    path, proj, rids = decided
    rows = [dict(r) for r in ROWS]
    rows[1]["output"] = "上游改了"
    _write(path, rows)
    new = load_release(path)
    with Curation.open(new, proj, author="bo") as c:
        assert [s.rid for s in c.stale] == [rids[1]]
        stale = c.stale[0]
        assert stale.where == "a.jsonl:2" and stale.here == new.frame["rid"][1] and "other content" in stale.reason
        assert c.current_frame()["status"][1] == "untouched"  # never laid on the new row by itself
        with pytest.raises(StaleDecisionsError, match=r"1 decision no longer applies.*a\.jsonl:2 reject \(重复\)"):
            c.export(tmp_path / "x.jsonl")
        assert not (tmp_path / "x.jsonl").exists()
        assert c.export(tmp_path / "x.jsonl", drop_stale=True).rejected_dropped == 0
        change = c.reapply_stale([rids[1]])
        assert change.changed and not c.stale
        assert c.current_frame()["status"][1] == "rejected" and c.current_frame()["reason"][1] == "重复"
        c.undo()
        assert [s.rid for s in c.stale] == [rids[1]]
        c.discard_stale([rids[1]])
        assert not c.stale and c.current_frame()["status"][1] == "untouched"
    with Curation.open(new, proj) as c:  # replayed: discarded, and still no stale
        assert not c.stale and rids[1] not in c.overlay


@pytest.mark.reliability("tamper", "a reader follows a changed release in memory and writes nothing")
def test_the_cli_export_path_follows_in_memory_without_writing(decided, tmp_path):
    path, proj, rids = decided
    _write(path, ROWS, separators=(",", ":"))
    new = load_release(path)
    before = (proj / "journal.jsonl").read_bytes()
    overlay = open_overlay(new, proj)
    assert set(overlay) == {new.frame["rid"][i] for i in (0, 1, 4)}
    assert (proj / "journal.jsonl").read_bytes() == before


@pytest.mark.reliability("tamper", "a copy of a repeated line deleted upstream: the decision on the other is stale")
def test_a_decision_on_one_of_two_identical_lines_is_stale_when_a_copy_goes(decided):
    path, proj, rids = decided
    _write(path, ROWS[:3] + ROWS[4:])  # one of the two copies deleted upstream
    new = load_release(path)
    with Curation.open(new, proj) as c:
        assert [s.rid for s in c.stale] == [rids[4]]
        assert "appears 1 time" in c.stale[0].reason
        assert c.current_frame()["status"].to_list()[3] == "untouched"


@pytest.mark.reliability("tamper", "a saved version follows a re-serialised release too")
def test_a_saved_version_follows_too(decided, tmp_path):
    path, proj, rids = decided
    _write(path, ROWS, separators=(",", ":"))
    new = load_release(path)
    with Curation.open(new, proj, read_only=True) as c:
        v1 = c.load_version(1)
        assert set(v1) == {new.frame["rid"][i] for i in (0, 1, 4)}
        assert c.export(tmp_path / "v1.jsonl", version=1).edited == 1


@pytest.mark.reliability("tamper", "a journal without anchors gets them on its next open, then follows")
def test_an_old_project_gets_anchors_on_its_next_open(decided):
    path, proj, rids = decided
    # strip the anchors, as a journal written before anchors existed
    journal = proj / "journal.jsonl"
    lines = [json.loads(x) for x in journal.read_text().splitlines()]
    for rec in lines:
        rec.pop("anchors", None)
    journal.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines))
    release = load_release(path)
    with Curation.open(release, proj) as c:
        assert set(c.anchors) == {rids[0], rids[1], rids[4]}
    assert _journal_ops(proj)[-1] == "anchors"
    _write(path, ROWS, separators=(",", ":"))
    with Curation.open(load_release(path), proj) as c:
        assert not c.stale


@pytest.mark.reliability("tamper", "compaction keeps anchors, base and stale reasons")
def test_compaction_keeps_anchors_base_and_stale_reasons(decided):
    path, proj, rids = decided
    rows = [dict(r) for r in ROWS]
    rows[1]["output"] = "上游改了"
    _write(path, rows, separators=(",", ":"))
    new = load_release(path)
    with Curation.open(new, proj) as c:
        reasons = [s.reason for s in c.stale]
        c.compact()
    with Curation.open(new, proj) as c:
        assert [s.reason for s in c.stale] == reasons and not c.base_changed
        assert c.current_frame()["output"][0] == "改一"
