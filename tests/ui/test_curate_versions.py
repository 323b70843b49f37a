"""Versions, history, export and the project lock, driven from the window with real keys:
Ctrl+S writes a version file, the History dock diffs and reverts, the export dialog
writes what the core writes, a fresh `python -m app export --version 2` gives the GUI's
state, and a second instance opens read-only."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLabel

from app.core.curate.edits import EditField
from app.core.export.exporter import export_release
from app.core.load.loader import load_release
from app.ui.curate.history_models import ChangesModel, VersionsModel
from app.ui.browse.rows_model import COLUMN_INDEX

from .conftest import wait_idle
from .test_curate import CTRL, SHIFT, dialog, pick_reason, press, select, settle, type_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def cur(qtbot, loaded):
    settle(qtbot, loaded)
    return loaded


def save_version(qtbot, win, message: str) -> None:
    win.table.setFocus()
    press(qtbot, win.table, Qt.Key.Key_S, CTRL)
    box = dialog(win)
    type_text(box.message, message)
    qtbot.keyClick(box.message, Qt.Key.Key_Return)


def edit_output(qtbot, win, row: int, text: str) -> int:
    rid = select(qtbot, win, row)
    press(qtbot, win.table, Qt.Key.Key_E, CTRL)
    editor = win.detail.editors["output"]
    press(qtbot, editor, Qt.Key.Key_A, CTRL)
    type_text(editor, text)
    press(qtbot, editor, Qt.Key.Key_Return, CTRL)
    return rid


def reject_current(qtbot, win, key=Qt.Key.Key_1) -> None:
    win.table.setFocus()
    press(qtbot, win.table, Qt.Key.Key_Delete, CTRL)
    pick_reason(qtbot, dialog(win), key)


def test_round_trip_matches_a_fresh_cli_export(qtbot, cur, tmp_path):
    c = cur.curation.curation
    a = edit_output(qtbot, cur, 0, "第一版：逗号，句号。感叹号！😀\n换行后")
    select(qtbot, cur, 1)
    reject_current(qtbot, cur)
    b = cur.curation.rid_at(cur.detail_position)
    press(qtbot, cur.table, Qt.Key.Key_Z, CTRL)  # undo the reject
    assert c.overlay.get(b).is_empty
    save_version(qtbot, cur, "第一版")
    assert (c.store.folder / "v0001.jsonl").is_file()
    manifest = json.loads((c.store.folder / "v0001.json").read_text(encoding="utf-8"))
    assert manifest["message"] == "第一版" and manifest["counts"]["edit"] == 1
    settle(qtbot, cur)
    d = edit_output(qtbot, cur, 2, "第二版「改」🎉")
    select(qtbot, cur, 3)
    reject_current(qtbot, cur, Qt.Key.Key_3)
    save_version(qtbot, cur, "第二版")
    assert [v.number for v in c.versions()] == [1, 2] and not c.dirty
    gui = tmp_path / "gui.jsonl"
    export_release(c.release, c.overlay, gui)
    cli = tmp_path / "cli.jsonl"
    done = subprocess.run([sys.executable, "-m", "app", "export", str(c.release.root), "--project",
                           str(c.project.folder), "--version", "2", "--out", str(cli)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and cli.is_file(), (done.stdout, done.stderr)
    assert cli.read_bytes() == gui.read_bytes()
    rows = [json.loads(line) for line in cli.read_text(encoding="utf-8").splitlines()]
    outputs = {r["output"] for r in rows}
    assert "第一版：逗号，句号。感叹号！😀\n换行后" in outputs and "第二版「改」🎉" in outputs
    assert len(rows) == 59  # one row rejected, the undone reject is not
    assert {a, d} <= set(c.overlay)


def test_export_dialog_writes_what_the_core_writes(qtbot, cur, tmp_path):
    edit_output(qtbot, cur, 0, "导出测试")
    select(qtbot, cur, 5)
    reject_current(qtbot, cur)
    press(qtbot, cur.table, Qt.Key.Key_E, CTRL | SHIFT)
    box = dialog(cur)
    out = tmp_path / "out" / "curated.jsonl"
    out.parent.mkdir()
    assert box.tree.isChecked()  # a tree release exports as its tree unless told
    box.single.setFocus()
    qtbot.keyClick(box.single, Qt.Key.Key_Space)
    box.path.selectAll()
    type_text(box.path, str(out))
    box.keep.setChecked(True)
    qtbot.keyClick(box.path, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: box.result is not None or box.failure is not None, timeout=20000)
    assert box.failure is None and box.progress.value() == 1000
    expected = tmp_path / "core.jsonl"
    export_release(cur.curation.curation.release, cur.curation.curation.overlay, expected, keep_rejected=True)
    assert out.read_bytes() == expected.read_bytes()
    assert "60" in box.message.text()  # 60 rows written, the rejected one kept and marked


def test_export_dialog_says_why_it_failed(qtbot, cur):
    press(qtbot, cur.table, Qt.Key.Key_E, CTRL | SHIFT)
    box = dialog(cur)
    box.path.setText(str(cur.session.release.root / "inside.jsonl"))  # inside the release: refused
    qtbot.keyClick(box.path, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: box.failure is not None, timeout=20000)
    assert "release folder" in box.message.text() and not (cur.session.release.root / "inside.jsonl").exists()


def test_history_panel_diffs_reverts_and_views_an_old_version(qtbot, cur):
    c = cur.curation.curation
    rid = edit_output(qtbot, cur, 0, "甲乙丙")
    save_version(qtbot, cur, "v1")
    settle(qtbot, cur)
    edit_output(qtbot, cur, 0, "甲乙丁丙")
    save_version(qtbot, cur, "v2")
    settle(qtbot, cur)
    press(qtbot, cur.table, Qt.Key.Key_H, CTRL)
    panel = cur.curate_ui.history
    assert cur.curate_ui.dock.isVisible() and panel.versions.rowCount() == 2
    assert panel.versions.data(panel.versions.index(0, 1)) == "v2"  # newest first, message shown
    qtbot.waitUntil(lambda: panel.changes.rowCount() == 1, timeout=10000)
    assert panel.new_view.toPlainText() == "甲乙丁丙" and panel.old_view.toPlainText() == "甲乙丙"
    # Only the inserted character is highlighted, as a character format on plain text.
    cursor = QTextCursor(panel.new_view.document())
    cursor.setPosition(3)  # after 丁
    assert cursor.charFormat().background().color().alpha() > 0
    cursor.setPosition(1)
    assert cursor.charFormat().background().style() == Qt.BrushStyle.NoBrush
    panel.revert_button.click()  # back to v1 for that row
    assert c.overlay[rid].fields["output"] == "甲乙丙"
    assert cur.registry["edit.undo"].text().startswith("&Undo Revert 1 row to version 1")
    panel.version_view.selectRow(1)  # v1
    panel.view_button.click()
    settle(qtbot, cur)
    assert cur.curation.viewing == 1 and cur.curation.read_only
    assert not cur.registry["edit.reject"].isEnabled() and "Viewing version 1" in cur.curate_ui.label.text()
    panel.current_button.click()
    settle(qtbot, cur)
    assert cur.curation.viewing is None and cur.registry["edit.reject"].isEnabled()


def test_inline_domain_edit_and_label_dialog(qtbot, cur):
    c = cur.curation.curation
    rid = select(qtbot, cur, 0)
    row = cur.model.row_of_position(cur.detail_position)
    index = cur.model.index(row, COLUMN_INDEX["domain"])
    cur.table.edit(index)
    editor = cur.table.focusWidget()
    editor.selectAll()
    type_text(editor, "医学，社科")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: rid in c.overlay)  # the delegate commits on the next event-loop turn
    assert c.overlay[rid].fields["domain"] == ("医学", "社科")
    settle(qtbot, cur)
    assert cur.model.data(index, Qt.ItemDataRole.FontRole).italic()
    press(qtbot, cur.table, Qt.Key.Key_L, CTRL)
    box = dialog(cur)
    assert "生成" in box._values_of("task_major")  # completion from the release's own values
    type_text(box.edit, "生成，写作")
    qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    assert c.overlay[rid].fields["task_major"] == ("生成", "写作")


def test_preferences_set_the_author_and_the_reasons(qtbot, cur):
    cur.registry["file.preferences"].trigger()
    box = dialog(cur)
    box.author.setText("小王")
    box.reasons.setPlainText("太短\n重复\n")
    box.accept()
    rid = select(qtbot, cur, 0)
    reject_current(qtbot, cur, Qt.Key.Key_1)
    state = cur.curation.curation.overlay[rid]
    assert (state.reason, state.by) == ("太短", "小王")


def test_second_instance_is_read_only_and_says_who(qtbot, app_env, small_release, tmp_path):
    from app.ui.shell.main_window import MainWindow

    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        from app.core.store.curation import Curation
        from app.core.load.loader import load_release
        c = Curation.open(load_release([{str(small_release)!r}]), author="别人")
        print("locked", flush=True)
        sys.stdin.read()
        c.close()
    """)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        settings, fonts = app_env
        win = MainWindow(settings, fonts)
        qtbot.addWidget(win)
        win.show()
        win.open_paths([str(small_release)])
        settle(qtbot, win)
        assert win.curation.read_only and win.curation.curation.lock_holder.pid == holder.pid
        box = win.curate_ui.lock_box
        assert box is not None and box.isVisible() and str(holder.pid) in box.text()
        assert "Read-only" in win.curate_ui.label.text() and str(holder.pid) in win.curate_ui.label.text()
        assert not win.registry["edit.reject"].isEnabled() and not win.registry["file.save_version"].isEnabled()
        qtbot.keyClick(box, Qt.Key.Key_Return)
        win.table.setFocus()
        select(qtbot, win, 0)
        press(qtbot, win.table, Qt.Key.Key_Delete, CTRL)  # disabled: no dialog, no change
        press(qtbot, win.table, Qt.Key.Key_E, CTRL)
        assert win.commands.dialog is None and not win.detail.editing.active
        assert len(win.curation.curation.overlay) == 0
        win.session.shutdown()
        win.curation.shutdown()
    finally:
        holder.communicate("", timeout=30)
    assert holder.returncode == 0


def test_base_changed_is_reported(qtbot, app_env, tmp_path):
    from app.ui.shell.main_window import MainWindow
    from app.core.store.curation import Curation
    from .conftest import write_release

    release = write_release(tmp_path / "rel")
    first = load_release([release])
    with Curation.open(first) as c:
        wiki = first.frame.filter(first.frame["file"] == "wiki/wiki.jsonl")
        c.apply(EditField(wiki["rid"].to_list()[:2], "output", "改过"))
        c.save_version("before the release changed")
    lines = (release / "wiki" / "wiki.jsonl").read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace("百科内容 0", "百科内容 零")  # the edited row's original changed
    (release / "wiki" / "wiki.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings, fonts = app_env
    win = MainWindow(settings, fonts)
    qtbot.addWidget(win)
    win.show()
    win.open_paths([str(release)])
    settle(qtbot, win)
    check = win.curation.curation.base_check
    assert check is not None and len(check.matching) == 1 and len(check.stale) == 1
    panel = win.curate_ui.history
    assert panel.note.text().count("1") >= 2 and panel.stale.count() == 1
    assert "wiki/wiki.jsonl:1" in panel.stale.item(0).text()
    win.session.shutdown()
    win.curation.shutdown()


def test_history_models_pass_the_model_tester(qtmodeltester, cur, qtbot):
    edit_output(qtbot, cur, 0, "模型")
    save_version(qtbot, cur, "m")
    c = cur.curation.curation
    versions = VersionsModel()
    versions.set_versions(c.versions())
    qtmodeltester.check(versions, force_py=True)
    changes = ChangesModel()
    changes.set_items(c.diff_versions(0, 1))
    qtmodeltester.check(changes, force_py=True)
    assert changes.rowCount() == 1 and changes.data(changes.index(0, 2)) == "edited"


def test_rows_model_with_curation_marks_passes_the_model_tester(qtmodeltester, cur, qtbot):
    reject_current(qtbot, cur)
    settle(qtbot, cur)
    cur.model.editable = True
    qtmodeltester.check(cur.model, force_py=True)


def test_edited_means_the_text_changed_in_the_save_dialog_the_facet_and_the_history(qtbot, cur):
    """Issue 25.11: 4 rows with edited text, 2 of them then accepted: the save dialog, the
    status facet and the history all say 4 edited; the history shows the decision change
    as decisions (old and new whole), not a character diff of the status word."""
    for row in range(4):
        edit_output(qtbot, cur, row, f"改写 {row}")
    for row in (2, 3):
        select(qtbot, cur, row)
        press(qtbot, cur.table, Qt.Key.Key_A, CTRL | SHIFT)
    settle(qtbot, cur)
    assert cur.session.facets.counts["status"].as_dict()["edited"] == 4
    cur.table.setFocus()
    press(qtbot, cur.table, Qt.Key.Key_S, CTRL)
    box = dialog(cur)
    assert "4 edited · 2 accepted · 0 rejected" in " ".join(w.text() for w in box.findChildren(QLabel))
    type_text(box.message, "v1")
    qtbot.keyClick(box.message, Qt.Key.Key_Return)
    settle(qtbot, cur)
    press(qtbot, cur.table, Qt.Key.Key_H, CTRL)
    panel = cur.curate_ui.history
    assert panel.versions.data(panel.versions.index(0, 4)) == "4 edited · 2 accepted"
    qtbot.waitUntil(lambda: panel.changes.rowCount() == 4)
    row = next(i for i in range(4) if panel.changes.item(i).new["op"] == "accept")
    assert panel.changes.data(panel.changes.index(row, 2)) == "accepted, edited"
    panel.change_view.selectRow(row)
    panel.field.setCurrentIndex(panel.field.findData("__decision__"))
    assert (panel.old_view.toPlainText(), panel.new_view.toPlainText()) == ("untouched", "accepted, edited")
    cursor = QTextCursor(panel.new_view.document())
    cursor.setPosition(2)  # inside "accepted": the whole new decision is marked, not letters of it
    assert cursor.charFormat().background().color().alpha() > 0
    cursor = QTextCursor(panel.old_view.document())
    cursor.setPosition(2)
    assert cursor.charFormat().background().color().alpha() > 0
