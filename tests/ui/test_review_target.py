"""Review mode: the item shown is the item acted on. Every deciding key journals the row
the view showed when it was pressed; an edit or a labels dialog that is open while the
queue changes (Ctrl+Alt+U, a new search) stays on its item and saves to it."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.core.query.filters import SearchSpec

from .test_current_row import journaled_rids
from .test_curate import journal_lines, type_text
from .test_review import CTRL, enter, focused, in_dialog, key, rv  # noqa: F401

ALT = Qt.KeyboardModifier.AltModifier
NONE = Qt.KeyboardModifier.NoModifier


def shown(mode) -> int:
    return mode.view.item.rid


DECIDING = [
    ("A", [Qt.Key.Key_A]),
    ("Enter", [Qt.Key.Key_Return]),
    ("X then 2", [Qt.Key.Key_X, Qt.Key.Key_2]),
    ("X then Enter", [Qt.Key.Key_X, Qt.Key.Key_Return]),
    ("3", [Qt.Key.Key_3]),
]


@pytest.mark.parametrize("name,keys", DECIDING, ids=[d[0] for d in DECIDING])
def test_every_deciding_key_journals_the_item_shown(qtbot, rv, name, keys):
    mode = enter(qtbot, rv)
    for move in (Qt.Key.Key_J, Qt.Key.Key_J, Qt.Key.Key_End, Qt.Key.Key_K, Qt.Key.Key_Home, Qt.Key.Key_Down):
        key(qtbot, mode, move)
        rid = shown(mode)
        assert rid == mode.controller.current_rid()
        before = len(journal_lines(rv))
        for k in keys:
            key(qtbot, mode, k)
        lines = journal_lines(rv)
        assert len(lines) == before + 1 and journaled_rids(lines[-1]) == {rid}
        key(qtbot, mode, Qt.Key.Key_U)  # undo: the same item again
        assert shown(mode) == rid


def test_an_edit_saves_to_its_item_when_the_queue_changes_under_it(qtbot, rv):
    """Editing an accepted item, Ctrl+Alt+U (only unreviewed items) rebuilt the queue
    under the open editor: the boxes showed another item and Ctrl+Enter saved there."""
    mode = enter(qtbot, rv)
    c, cur = mode.controller, rv.curation.curation
    key(qtbot, mode, Qt.Key.Key_A)
    key(qtbot, mode, Qt.Key.Key_K)  # back to the accepted item
    rid = shown(mode)
    assert cur.overlay.get(rid).decision == "accepted"
    key(qtbot, mode, Qt.Key.Key_E)
    pane = focused()
    pane.selectAll()
    type_text(pane, "只改这一条")
    qtbot.keyClick(pane, Qt.Key.Key_U, CTRL | ALT)
    assert c.unreviewed_only
    assert shown(mode) == rid and pane.toPlainText() == "只改这一条"  # the edit is still on its item
    qtbot.keyClick(focused(), Qt.Key.Key_Return, CTRL)
    assert journaled_rids(journal_lines(rv)[-1]) == {rid}
    assert cur.overlay.get(rid).fields.get("output") == "只改这一条"
    assert c.queue.index_of(rid) is None and shown(mode) != rid  # then the new queue, without it
    assert not cur.overlay.get(shown(mode)).decision


def test_a_language_switch_keeps_what_is_typed(qtbot, rv):
    mode = enter(qtbot, rv)
    rid = shown(mode)
    key(qtbot, mode, Qt.Key.Key_E)
    pane = focused()
    pane.selectAll()
    type_text(pane, "新的回答")
    qtbot.keyClick(pane, Qt.Key.Key_Z, CTRL | ALT)  # 简体中文
    try:
        qtbot.waitUntil(lambda: mode.view.captions["output"].text() != "Output")  # LanguageChange is posted
        assert pane.toPlainText() == "新的回答"
        qtbot.keyClick(pane, Qt.Key.Key_Return, CTRL)
    finally:
        rv.registry["view.lang_en"].trigger()
    assert rv.curation.curation.overlay.get(rid).fields.get("output") == "新的回答"


def test_a_labels_dialog_keeps_its_item_shown_while_the_view_changes(qtbot, rv):
    mode = enter(qtbot, rv)
    c, cur = mode.controller, rv.curation.curation
    key(qtbot, mode, Qt.Key.Key_J)
    rid = shown(mode)
    key(qtbot, mode, Qt.Key.Key_D)
    in_dialog(qtbot, c)
    # A search typed before D lands now and leaves this item out of the view.
    rv.session.set_spec(rv.session.spec.with_search(SearchSpec(text="百科")))
    qtbot.waitUntil(lambda: rv.session.rows_spec.search.text == "百科" and not rv.session.busy)
    assert shown(mode) == rid  # the item the dialog edits stays shown behind it
    edit = focused()
    edit.selectAll()
    type_text(edit, "社科")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: c.dialog is None)
    assert journaled_rids(journal_lines(rv)[-1]) == {rid}
    assert cur.overlay.get(rid).fields["domain"] == ("社科",)
    # then the queue of the new view
    assert len(c.queue) == 15 and "百科" in mode.view.panes["instruction"].toPlainText()
