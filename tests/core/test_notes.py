"""Issue 25.3: a free-text note and a "come back later" flag on any row. Neither is a
decision nor an edit; both are undoable, journaled, kept in versions and in the frame."""
from __future__ import annotations

import pytest

from app.core.curate.edits import Accept, EditField, Flag, Note, Reject
from app.core.store.curation import Curation

from .curation_support import load, make_tree


@pytest.fixture()
def cur(tmp_path):
    c = Curation.open(load(make_tree(tmp_path)), tmp_path / "p", author="ann")
    yield c, c.release.frame["rid"].to_list(), tmp_path
    c.close()


def test_a_note_is_neither_a_decision_nor_an_edit(cur):
    c, rids, _ = cur
    c.apply(Note([rids[0]], "看看出处"))
    c.apply(Flag([rids[1]], True))
    s0, s1 = c.overlay.get(rids[0]), c.overlay.get(rids[1])
    assert (s0.note, s0.status, s0.edited) == ("看看出处", "untouched", False)
    assert (s1.flag, s1.status, s1.edited) == (True, "untouched", False)
    assert c.overlay.tally() == {"edited": 0, "accepted": 0, "rejected": 0}
    assert c.overlay.counts() == {"edited": 0, "accepted": 0, "rejected": 0}


def test_decisions_and_edits_keep_the_note_and_flag(cur):
    c, rids, _ = cur
    c.apply(Note([rids[0]], "n"))
    c.apply(Flag([rids[0]], True))
    c.apply(EditField([rids[0]], "output", "改"))
    c.apply(Reject([rids[0]], "重复"))
    s = c.overlay.get(rids[0])
    assert (s.note, s.flag, s.decision, s.edited) == ("n", True, "rejected", True)


def test_empty_note_removes_it_and_undo_brings_it_back(cur):
    c, rids, _ = cur
    c.apply(Note([rids[0]], "n"))
    c.apply(Note([rids[0]], "  "))
    assert rids[0] not in c.overlay
    c.undo()
    assert c.overlay.get(rids[0]).note == "n"
    c.apply(Flag([rids[0]], False))
    c.apply(Flag([rids[0]], True))
    c.undo()
    assert c.overlay.get(rids[0]).flag is False


def test_notes_survive_reopening_from_the_journal(cur):
    c, rids, tmp = cur
    c.apply(Note([rids[2]], "第二行"))
    c.apply(Flag([rids[3]], True))
    c.close()
    again = Curation.open(c.release, tmp / "p", author="ann")
    try:
        assert again.overlay.get(rids[2]).note == "第二行"
        assert again.overlay.get(rids[3]).flag is True
    finally:
        again.close()


def test_the_current_frame_has_note_and_flagged_columns(cur):
    c, rids, _ = cur
    c.apply(Note([rids[0]], "n"))
    c.apply(Flag([rids[1]], True))
    c.apply(Accept([rids[2]]))
    f = c.current_frame()
    assert f.schema["note"].is_(__import__("polars").String) and f["flagged"].dtype.is_(__import__("polars").Boolean)
    by = dict(zip(f["rid"].to_list(), zip(f["note"].to_list(), f["flagged"].to_list(), f["status"].to_list())))
    assert by[rids[0]] == ("n", False, "untouched")
    assert by[rids[1]] == (None, True, "untouched")
    assert by[rids[2]] == (None, False, "accepted")
    assert by[rids[3]] == (None, False, "untouched")


def test_a_version_keeps_notes_and_flags(cur):
    c, rids, _ = cur
    c.apply(Note([rids[0]], "n"))
    c.apply(Flag([rids[1]], True))
    c.apply(Reject([rids[1]], "r"))
    info = c.save_version("v1")
    c.apply(Note([rids[0]], ""))
    c.apply(Flag([rids[1]], False))
    ov = c.load_version(info.number)
    assert ov.get(rids[0]).note == "n" and ov.get(rids[0]).status == "untouched"
    assert ov.get(rids[1]).flag is True and ov.get(rids[1]).decision == "rejected"


def test_a_version_diff_lists_note_and_flag_changes_as_such(cur):
    c, rids, _ = cur
    c.apply(Note([rids[0]], "旧"))
    v1 = c.save_version("v1")
    c.apply(Note([rids[0]], "新"))
    c.apply(Flag([rids[1]], True))
    v2 = c.save_version("v2")
    diffs = {d.rid: d for d in c.diff_versions(v1.number, v2.number)}
    assert diffs[rids[0]].marks == {"note": ("旧", "新")} and diffs[rids[0]].fields == []
    assert diffs[rids[1]].marks == {"flag": (False, True)}
    assert set(diffs) == {rids[0], rids[1]}
