"""Issue 25.3/25.4 in the window, with real key events: Ctrl+Shift+N opens the note
editor (Ctrl+Enter saves, Esc cancels, empty removes), Ctrl+Shift+B toggles the flag,
the facet panel offers "Flagged" and "Noted" and filters by them."""
from __future__ import annotations

from PySide6.QtCore import Qt

from app.ui.browse.facet_panel import facet_title
from app.ui.browse.rows_model import COLUMN_INDEX

from .test_curate import CTRL, SHIFT, cur, press, select, settle, type_text  # noqa: F401 - cur: a fixture


def _note_dialog(qtbot, win):
    qtbot.waitUntil(lambda: getattr(win.commands.dialog, "objectName", lambda: "")() == "noteDialog"
                    and win.commands.dialog.isVisible())
    return win.commands.dialog


def test_a_note_typed_saved_with_ctrl_enter_and_removed_when_emptied(qtbot, cur):
    win = cur
    rid = select(qtbot, win, 1)
    press(qtbot, win.table, Qt.Key.Key_N, CTRL | SHIFT)
    dialog = _note_dialog(qtbot, win)
    type_text(dialog.edit, "问一下出处\n<b>不是HTML</b>")
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: win.curation.curation.overlay.get(rid).note == "问一下出处\n<b>不是HTML</b>")
    assert win.curation.curation.overlay.get(rid).status == "untouched"
    marks = win.detail.note_marks  # shown as plain text in the detail view, and in the table's Note column
    qtbot.waitUntil(lambda: marks.isVisible() and "<b>不是HTML</b>" in marks.text())
    assert marks.textFormat() == Qt.TextFormat.PlainText
    qtbot.waitUntil(lambda: win.model.index(1, COLUMN_INDEX["note"]).data() == "问一下出处")
    press(qtbot, win.table, Qt.Key.Key_N, CTRL | SHIFT)  # Esc cancels: the note stays
    dialog = _note_dialog(qtbot, win)
    assert dialog.text() == "问一下出处\n<b>不是HTML</b>"
    qtbot.keyClick(dialog.edit, Qt.Key.Key_A)
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert win.curation.curation.overlay.get(rid).note == "问一下出处\n<b>不是HTML</b>"
    press(qtbot, win.table, Qt.Key.Key_N, CTRL | SHIFT)
    dialog = _note_dialog(qtbot, win)
    dialog.edit.selectAll()
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Delete)
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: rid not in win.curation.curation.overlay)


def test_ctrl_shift_b_toggles_the_flag_and_the_facet_finds_flagged_rows(qtbot, cur):
    win = cur
    rid = select(qtbot, win, 2)
    press(qtbot, win.table, Qt.Key.Key_B, CTRL | SHIFT)
    qtbot.waitUntil(lambda: win.curation.curation.overlay.get(rid).flag)
    settle(qtbot, win)
    panel = win.facets
    titles = [panel.topLevelItem(i).text(0) for i in range(panel.topLevelItemCount())]
    assert any(t.startswith(facet_title("flagged")) for t in titles), titles
    win.session.set_spec(win.session.spec.toggle_include("flagged", "yes"))
    settle(qtbot, win)
    assert win.model.rowCount() == 1 and win.curation.rid_at(win.model.position(0)) == rid
    press(qtbot, win.table, Qt.Key.Key_B, CTRL | SHIFT)
    qtbot.waitUntil(lambda: rid not in win.curation.curation.overlay)


def test_the_export_dialog_writes_notes_only_when_asked(qtbot, cur, tmp_path):
    import json

    from .test_curate import dialog
    from .test_export_choices import _run

    win = cur
    rid = select(qtbot, win, 0)
    press(qtbot, win.table, Qt.Key.Key_B, CTRL | SHIFT)
    qtbot.waitUntil(lambda: win.curation.curation.overlay.get(rid).flag)
    settle(qtbot, win)
    out = tmp_path / "out.jsonl"
    press(qtbot, win.table, Qt.Key.Key_E, CTRL | SHIFT)
    qtbot.waitUntil(lambda: win.commands.dialog is not None and win.commands.dialog.objectName() == "exportDialog"
                    and win.commands.dialog.isVisible())
    box = dialog(win)
    box.single.setFocus()
    qtbot.keyClick(box.single, Qt.Key.Key_Space)
    box.path.selectAll()
    type_text(box.path, str(out))
    for asked in (False, True):
        if asked:
            box.notes.setFocus()
            qtbot.keyClick(box.notes, Qt.Key.Key_Space)
            box.result = None
        _run(qtbot, box)
        marks = [json.loads(x).get("_curation") for x in out.read_bytes().splitlines() if x.strip()]
        assert [m for m in marks if m] == ([{"flagged": True}] if asked else [])


def test_review_mode_n_notes_and_b_flags_the_item_without_moving_on(qtbot, cur):
    from .test_review import enter, key

    win = cur
    win.activateWindow()
    mode = enter(qtbot, win)
    c = mode.controller
    rid, index = c.current_rid(), c.index
    key(qtbot, mode, Qt.Key.Key_B)
    qtbot.waitUntil(lambda: win.curation.curation.overlay.get(rid).flag)
    assert c.index == index and win.curation.curation.overlay.get(rid).status == "untouched"
    key(qtbot, mode, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: c.dialog is not None and c.dialog.isVisible())
    type_text(c.dialog.edit, "再看看")
    qtbot.keyClick(c.dialog.edit, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: win.curation.curation.overlay.get(rid).note == "再看看")
    assert c.index == index
