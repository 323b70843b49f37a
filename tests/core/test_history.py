"""Undo / redo, in the History stack and through the Curation facade."""
from __future__ import annotations

import pytest

from app.core.store.curation import Curation
from app.core.curate.edits import Accept, Change, EditField, Reject, SetLabels
from app.core.curate.history import History

from .curation_support import content, load, make_tree


@pytest.fixture()
def cur(tmp_path):
    c = Curation.open(load(make_tree(tmp_path)), tmp_path / "proj", author="ann")
    yield c
    c.close()


def test_history_stack_labels():
    h = History()
    assert not h.can_undo and not h.can_redo and h.undo_label is None
    a, b, c = Change("A", (1,)), Change("B", (2,)), Change("C", (3,))
    h.push(a)
    h.push(b)
    assert h.undo_label == "B"
    assert h.undo() is b and h.redo_label == "B" and h.undo_label == "A"
    h.push(c)  # a new change drops the redo branch
    assert not h.can_redo and h.undo_stack == (a, c)
    with pytest.raises(IndexError):
        History().undo()


def test_undo_redo_every_kind_restores_exact_states(cur):
    rids = cur.release.frame["rid"].to_list()
    snapshots = [content(cur.overlay)]
    for cmd in [EditField([rids[0]], "output", "一\n二，三！😀"), Reject(rids[1:4], "重复"),
                SetLabels(rids[2:5], "domain", ["新"], mode="add"), Accept(rids[:6])]:
        cur.apply(cmd)
        snapshots.append(content(cur.overlay))
    assert cur.undo_label == "Accept 6 rows"
    for expected in reversed(snapshots[:-1]):
        change = cur.undo()
        assert change.label.startswith("Undo ")
        assert content(cur.overlay) == expected
    assert not cur.can_undo and cur.redo_label == "Edit output"
    assert not cur.undo().changed  # nothing to undo: an empty change, no error
    for expected in snapshots[1:]:
        change = cur.redo()
        assert change.label.startswith("Redo ") and change.changed
        assert content(cur.overlay) == expected
    assert not cur.can_redo


def test_undo_change_reports_what_it_changed(cur):
    rid = cur.release.frame["rid"][0]
    applied = cur.apply(Reject([rid], "不安全"))
    undone = cur.undo()
    assert undone.rids == applied.rids and undone.fields == applied.fields
    assert undone.after[rid] == applied.before[rid] and undone.before[rid] == applied.after[rid]
    assert rid not in cur.overlay


def test_new_apply_after_undo_clears_redo(cur):
    rids = cur.release.frame["rid"].to_list()
    cur.apply(Reject(rids[:1], "a"))
    cur.apply(Reject(rids[1:2], "b"))
    cur.undo()
    cur.apply(Accept(rids[2:3]))
    assert not cur.can_redo and cur.undo_label == "Accept 1 row"
    assert set(cur.overlay) == {rids[0], rids[2]}


def test_noop_is_not_on_the_stack(cur):
    rid = cur.release.frame["rid"][0]
    cur.apply(Accept([rid]))
    size = cur.journal.path.stat().st_size
    assert not cur.apply(Accept([rid])).changed
    assert len(cur.history) == 1 and cur.journal.path.stat().st_size == size
