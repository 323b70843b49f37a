"""The export dialog's choices (issue 25, point 6), by keyboard: the tree layout by
default for a tree release, the rows of the current filter only, accepted rows only,
and the locator when asked; what it writes is what the core writes with those choices."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt

from app.core.export.export_choice import chosen_rids
from app.core.export.exporter import export_release
from app.core.load.loader import load_release

from .conftest import wait_idle
from .test_curate import CTRL, SHIFT, dialog, press, select, settle, type_text


def _search(qtbot, win, text: str) -> None:
    win.search_bar.edit.setFocus()
    type_text(win.search_bar.edit, text)
    wait_idle(qtbot, win)
    settle(qtbot, win)


def _run(qtbot, box) -> None:
    qtbot.keyClick(box.path, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: box.result is not None or box.failure is not None, timeout=20000)
    assert box.failure is None, box.failure


def test_tree_release_defaults_to_the_tree_and_keeps_source_and_subset(qtbot, loaded, tmp_path):
    settle(qtbot, loaded)
    press(qtbot, loaded.table, Qt.Key.Key_E, CTRL | SHIFT)
    box = dialog(loaded)
    assert box.tree.isChecked() and not box.single.isChecked()
    out = tmp_path / "tree"
    box.path.selectAll()
    type_text(box.path, str(out))
    _run(qtbot, box)
    again = load_release(out).frame
    cols = ["source", "subset", "instruction"]
    assert again.select(cols).equals(loaded.session.release.frame.select(cols))


def test_filter_only_and_accepted_only_by_keyboard(qtbot, loaded, tmp_path):
    settle(qtbot, loaded)
    _search(qtbot, loaded, "豆浆")
    assert loaded.model.rowCount() == 13
    select(qtbot, loaded, 0)
    press(qtbot, loaded.table, Qt.Key.Key_Down, SHIFT)
    press(qtbot, loaded.table, Qt.Key.Key_A, CTRL | SHIFT)
    qtbot.keyClick(dialog(loaded), Qt.Key.Key_Return)  # 2 rows: confirmed
    settle(qtbot, loaded)
    press(qtbot, loaded.table, Qt.Key.Key_E, CTRL | SHIFT)
    box = dialog(loaded)
    assert "13" in box.rows.itemText(1)  # the filter's count is named
    box.single.setFocus()
    qtbot.keyClick(box.single, Qt.Key.Key_Space)
    box.rows.setFocus()
    qtbot.keyClick(box.rows, Qt.Key.Key_Down)  # all rows -> the current filter's
    assert box.rows.currentData() == "filter"
    out = tmp_path / "filter.jsonl"
    box.path.selectAll()
    type_text(box.path, str(out))
    _run(qtbot, box)
    c = loaded.curation.curation
    expected = tmp_path / "core.jsonl"
    export_release(c.release, c.overlay, expected, rows=chosen_rids(c.release, c.overlay, loaded.session.spec))
    assert out.read_bytes() == expected.read_bytes() and box.result.rows == 13 and box.result.left_out == 47
    # accepted only, with the locator: the two accepted rows, each saying where it came from
    box.accepted_only.setFocus()
    qtbot.keyClick(box.accepted_only, Qt.Key.Key_Space)
    box.locator.setFocus()
    qtbot.keyClick(box.locator, Qt.Key.Key_Space)
    box.result = None
    _run(qtbot, box)
    lines = [json.loads(x) for x in out.read_bytes().splitlines() if x.strip()]
    assert len(lines) == 2 and all(x["_source"]["source"] == "ruozhiba" for x in lines)
    assert "2" in box.message.text()


def test_export_pressed_again_as_soon_as_one_lands_runs(qtbot, loaded, tmp_path):
    """The worker reports idle a moment after the result: Export pressed in between must
    still run (it was ignored, without a word, when the dialog asked the worker)."""
    settle(qtbot, loaded)
    press(qtbot, loaded.table, Qt.Key.Key_E, CTRL | SHIFT)
    box = dialog(loaded)
    box.single.setFocus()
    qtbot.keyClick(box.single, Qt.Key.Key_Space)
    box.path.selectAll()
    type_text(box.path, str(tmp_path / "one.jsonl"))
    results = []

    def again(result) -> None:  # delivered with the result, before the worker says it is idle
        results.append(result)
        if len(results) == 1:
            box.path.setText(str(tmp_path / "two.jsonl"))
            qtbot.keyClick(box.path, Qt.Key.Key_Return)

    box.finishedExport.connect(again)
    qtbot.keyClick(box.path, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(results) == 2, timeout=20000)
    assert (tmp_path / "two.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()
