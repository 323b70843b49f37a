"""Curating in the window with real key events: edit in the detail view, reject with a
reason, bulk over the filter, undo/redo titles, save versions, errors that lose nothing.
Assertions are on the core state (overlay, journal, version files) after the Qt events."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from app.core.store import journal as core_journal
from app.core.io.atomic import SaveError
from app.core.query.filters import FilterSpec
from app.ui.browse.rows_model import COLUMN_INDEX

from .conftest import wait_idle

CTRL, SHIFT, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.AltModifier
NEW_OUTPUT = "改写：你好，世界！「引号」😀\n第二行。"


def settle(qtbot, win, timeout: int = 20000) -> None:
    """Until the curation frame and every recount have landed."""
    wait_idle(qtbot, win, timeout)
    qtbot.waitUntil(lambda: win.curation.frame is not None and not win.curation.busy and not win.session.busy
                    and win.session.plain_frame is win.curation.frame, timeout=timeout)


@pytest.fixture()
def cur(qtbot, loaded):
    settle(qtbot, loaded)
    return loaded


def type_text(widget, text: str) -> None:
    """Type like a keyboard would: one key event per character (an emoji is one key
    event carrying both UTF-16 halves, as an input method delivers it)."""
    for ch in text:
        if ch == "\n":
            QApplication.sendEvent(widget, QKeyEvent(QKeyEvent.Type.KeyPress, Qt.Key.Key_Return,
                                                     Qt.KeyboardModifier.NoModifier, "\r"))
            continue
        for kind in (QKeyEvent.Type.KeyPress, QKeyEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def press(qtbot, widget, key, mods) -> None:
    """A key with modifiers, then the modifier keys released where the focus is now: when a
    shortcut moves the focus, QTest's own release goes to the old widget and Qt keeps
    believing Ctrl is held (which would turn the next programmatic select into Ctrl+click)."""
    qtbot.keyClick(widget, key, mods)
    target = QApplication.focusWidget() or widget
    for mod, mod_key in ((CTRL, Qt.Key.Key_Control), (SHIFT, Qt.Key.Key_Shift), (ALT, Qt.Key.Key_Alt)):
        if mods & mod:
            qtbot.keyRelease(target, mod_key)


def journal_lines(win) -> list[dict]:
    path = win.curation.curation.project.folder / core_journal.JOURNAL_NAME
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def rid_of_row(win, row: int) -> int:
    return win.curation.rid_at(win.model.position(row))


def select(qtbot, win, row: int) -> int:
    win.table.setFocus()
    win.table.select_row(row)
    qtbot.waitUntil(lambda: win.detail_position == win.model.position(row))
    return rid_of_row(win, row)


def dialog(win):
    d = win.commands.dialog
    assert d is not None and d.isVisible()
    return d


# -- editing in the detail view ----------------------------------------------------------------

def test_edit_output_with_ctrl_enter_journals_before_showing(qtbot, cur):
    rid = select(qtbot, cur, 3)
    press(qtbot, cur.table, Qt.Key.Key_E, CTRL)
    editor = cur.detail.editors["output"]
    assert cur.detail.editing.active and not editor.isReadOnly() and editor.hasFocus()
    press(qtbot, editor, Qt.Key.Key_A, CTRL)
    type_text(editor, NEW_OUTPUT)
    assert editor.toPlainText() == NEW_OUTPUT
    press(qtbot, editor, Qt.Key.Key_Return, CTRL)
    c = cur.curation.curation
    assert c.overlay[rid].fields == {"output": NEW_OUTPUT}  # one field, one command
    # The journal on disk has it (the change was fsync'd before the UI showed it).
    raw = (c.project.folder / core_journal.JOURNAL_NAME).read_text(encoding="utf-8")
    assert json.dumps(NEW_OUTPUT, ensure_ascii=False) in raw  # Chinese unescaped, newline as \n
    assert journal_lines(cur)[-1]["seq"] >= 1
    assert not cur.detail.editing.active and editor.isReadOnly()
    assert cur.table.hasFocus()  # the keys go on in the table, where Ctrl+E was pressed
    settle(qtbot, cur)
    row = cur.model.row_of_position(cur.detail_position)
    index = cur.model.index(row, COLUMN_INDEX["output"])
    assert cur.model.data(index, Qt.ItemDataRole.FontRole).italic()  # the edited cell is marked
    assert not cur.model.data(cur.model.index(row, COLUMN_INDEX["source"]), Qt.ItemDataRole.FontRole)
    assert cur.model.data(cur.model.index(row, COLUMN_INDEX["status"])) == "edited"
    assert editor.toPlainText() == NEW_OUTPUT
    assert cur.registry["edit.undo"].text() == "&Undo Edit output"


def test_escape_cancels_the_edit(qtbot, cur):
    rid = select(qtbot, cur, 1)
    before = cur.detail.editors["instruction"].toPlainText()
    cur.detail.editors["instruction"].setFocus()
    press(qtbot, cur.table, Qt.Key.Key_E, CTRL)
    editor = cur.detail.editors["output"]
    type_text(editor, "多余的字")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not cur.detail.editing.active and cur.curation.curation.overlay.get(rid).is_empty
    assert cur.detail.editors["instruction"].toPlainText() == before
    assert "多余的字" not in editor.toPlainText()
    assert cur.session.release is not None  # Esc did not reach "cancel loading" or anything else


def test_moving_to_another_row_commits_the_edit(qtbot, cur):
    rid = select(qtbot, cur, 2)
    press(qtbot, cur.table, Qt.Key.Key_E, CTRL)
    editor = cur.detail.editors["output"]
    editor.selectAll()
    type_text(editor, "新的回答")
    select(qtbot, cur, 5)
    assert cur.curation.curation.overlay[rid].fields["output"] == "新的回答"


# -- decisions ---------------------------------------------------------------------------------------

def test_reject_with_a_reason_key_then_restore(qtbot, cur):
    rid = select(qtbot, cur, 0)
    press(qtbot, cur.table, Qt.Key.Key_Delete, CTRL)
    reasons = dialog(cur)
    qtbot.keyClick(reasons.list, Qt.Key.Key_2)  # 2 = 低质量
    state = cur.curation.curation.overlay[rid]
    assert (state.decision, state.reason) == ("rejected", "低质量")
    assert cur.registry["edit.undo"].text() == "&Undo Reject 1 row: 低质量"
    settle(qtbot, cur)
    row = cur.model.row_of_position(cur.detail_position)
    assert cur.model.data(cur.model.index(row, COLUMN_INDEX["output"]), Qt.ItemDataRole.ForegroundRole) is not None
    assert "低质量" in cur.detail._values["status"].text()
    assert cur.isActiveWindow() and cur.table.hasFocus()  # the keyboard flow goes on in the table
    press(qtbot, cur.table, Qt.Key.Key_R, CTRL | ALT)
    assert cur.curation.curation.overlay.get(rid).is_empty


def test_reject_with_free_text(qtbot, cur):
    rid = select(qtbot, cur, 4)
    press(qtbot, cur.table, Qt.Key.Key_Delete, CTRL)
    reasons = dialog(cur)
    reasons.list.setCurrentRow(len(reasons.reasons) - 1)  # 其他
    type_text(reasons.detail, "机器翻译腔")
    qtbot.keyClick(reasons.detail, Qt.Key.Key_Return)
    assert cur.curation.curation.overlay[rid].reason == "其他：机器翻译腔"


def test_bulk_reject_over_the_filter_confirms_the_count_and_undoes_as_one(qtbot, cur):
    cur.session.set_spec(FilterSpec().toggle_include("source", "zhihu"))
    settle(qtbot, cur)
    assert cur.model.rowCount() == 25
    cur.table.setFocus()
    press(qtbot, cur.table, Qt.Key.Key_X, CTRL | ALT)
    qtbot.keyClick(dialog(cur).list, Qt.Key.Key_1)  # 重复
    box = dialog(cur)
    assert isinstance(box, QMessageBox) and "25" in box.text() and "重复" in box.text()
    assert len(cur.curation.curation.overlay) == 0  # nothing before the confirmation
    qtbot.keyClick(box, Qt.Key.Key_Return)
    c = cur.curation.curation
    assert c.overlay.counts()["rejected"] == 25
    assert cur.registry["edit.undo"].text() == "&Undo Reject 25 rows: 重复"
    settle(qtbot, cur)
    # Status is a facet, recounted in the worker once the new frame landed.
    assert cur.session.facets.counts["status"].as_dict() == {"rejected": 25}
    assert cur.facets.value_item("status", "rejected") is not None
    press(qtbot, cur.table, Qt.Key.Key_Z, CTRL)
    assert len(c.overlay) == 0
    assert cur.registry["edit.redo"].text() == "&Redo Reject 25 rows: 重复"
    assert cur.registry["edit.undo"].text() == "&Undo" and not cur.registry["edit.undo"].isEnabled()
    press(qtbot, cur.table, Qt.Key.Key_Z, CTRL | SHIFT)
    assert c.overlay.counts()["rejected"] == 25


def test_bulk_cancelled_at_the_confirmation_changes_nothing(qtbot, cur):
    cur.table.setFocus()
    press(qtbot, cur.table, Qt.Key.Key_A, CTRL | ALT)
    box = dialog(cur)
    assert "60" in box.text()
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert len(cur.curation.curation.overlay) == 0


def test_accept_selected_rows(qtbot, cur):
    select(qtbot, cur, 0)
    press(qtbot, cur.table, Qt.Key.Key_Down, SHIFT)
    press(qtbot, cur.table, Qt.Key.Key_Down, SHIFT)
    press(qtbot, cur.table, Qt.Key.Key_A, CTRL | SHIFT)
    qtbot.keyClick(dialog(cur), Qt.Key.Key_Return)  # 3 rows: confirmed
    assert cur.curation.curation.overlay.counts()["accepted"] == 3


# -- errors lose nothing ---------------------------------------------------------------------------------

def test_a_journal_write_failure_shows_an_error_and_changes_nothing(qtbot, cur, monkeypatch):
    rid = select(qtbot, cur, 0)
    c = cur.curation.curation

    def full(_record):
        raise SaveError(c.journal.path, "the disk is full")

    monkeypatch.setattr(c.journal, "append", full)
    press(qtbot, cur.table, Qt.Key.Key_Delete, CTRL)
    qtbot.keyClick(dialog(cur).list, Qt.Key.Key_1)
    assert c.overlay.get(rid).is_empty and not c.can_undo
    box = cur.curate_ui.error_box
    assert box is not None and box.isVisible() and "the disk is full" in box.text()
    assert "Nothing was changed" in box.text()
    qtbot.keyClick(box, Qt.Key.Key_Return)
    monkeypatch.undo()
    press(qtbot, cur.table, Qt.Key.Key_Delete, CTRL)
    qtbot.keyClick(dialog(cur).list, Qt.Key.Key_1)
    assert c.overlay[rid].decision == "rejected"  # the next try works


def test_a_version_write_failure_keeps_the_state(qtbot, cur, monkeypatch):
    rid = select(qtbot, cur, 0)
    press(qtbot, cur.table, Qt.Key.Key_A, CTRL | SHIFT)
    c = cur.curation.curation
    from app.core.store import versions

    def denied(path, _data, **_k):
        raise SaveError(path, "permission denied")

    monkeypatch.setattr(versions, "write_new", denied)  # how a version file is written
    press(qtbot, cur.table, Qt.Key.Key_S, CTRL)
    type_text(dialog(cur).message, "不会成功")
    qtbot.keyClick(dialog(cur).message, Qt.Key.Key_Return)
    assert "permission denied" in cur.curate_ui.last_error and c.versions() == []
    assert c.overlay[rid].decision == "accepted" and c.dirty
    assert not list(c.store.folder.glob("v*.json*")) if c.store.folder.exists() else True


def test_a_big_bulk_action_runs_in_the_background(qtbot, cur, monkeypatch):
    from app.ui.curate import curation_ctl

    monkeypatch.setattr(curation_ctl, "BACKGROUND_ROWS", 10)  # the 60-row filter counts as big
    c = cur.curation.curation
    cur.table.setFocus()
    press(qtbot, cur.table, Qt.Key.Key_X, CTRL | ALT)
    qtbot.keyClick(dialog(cur).list, Qt.Key.Key_3)
    with qtbot.waitSignal(cur.curation.changed, timeout=20000) as blocker:
        qtbot.keyClick(dialog(cur), Qt.Key.Key_Return)
    assert blocker.args[0].label == "Reject 60 rows: 事实错误"
    assert c.overlay.counts()["rejected"] == 60 and journal_lines(cur)[-1]["seq"] >= 1
    settle(qtbot, cur)
    assert cur.registry["edit.undo"].text() == "&Undo Reject 60 rows: 事实错误"
    assert cur.model.data(cur.model.index(59, COLUMN_INDEX["status"])) == "rejected"


def test_undo_titles_in_chinese(qtbot, cur):
    from app.ui.shell import i18n

    select(qtbot, cur, 0)
    press(qtbot, cur.table, Qt.Key.Key_Delete, CTRL)
    qtbot.keyClick(dialog(cur).list, Qt.Key.Key_1)
    i18n.install_language("zh_CN")
    try:
        qtbot.waitUntil(lambda: cur.registry["edit.undo"].text().startswith("撤销"))  # LanguageChange is posted
        assert cur.registry["edit.undo"].text() == "撤销 拒绝 1 行：重复(&U)"
        assert cur.registry["edit.redo"].text() == "重做(&R)"
    finally:
        i18n.install_language("en")
    qtbot.waitUntil(lambda: cur.registry["edit.undo"].text() == "&Undo Reject 1 row: 重复")
