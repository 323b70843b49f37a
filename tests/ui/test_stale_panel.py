"""The Stale Decisions dock, with real keys: opening a project on a release that changed
under it shows the decisions that no longer apply; R re-applies one to the row now at its
old place, D discards one; both are undoable; the model passes the model tester."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt

from app.core.store.curation import Curation
from app.core.curate.edits import EditField, Reject
from app.core.load.loader import load_release
from app.ui.curate.stale_model import StaleModel

from .test_curate import CTRL, press, settle


def _changed_release(tmp_path):
    """A release with a project: row 1 rejected, row 2 edited; then both rows are edited
    upstream, and the file is re-spelt (every row id changes)."""
    path = tmp_path / "rel" / "data.jsonl"
    path.parent.mkdir(parents=True)
    rows = [{"instruction": f"问题{i}", "input": "", "output": f"回答{i}"} for i in range(6)]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    first = load_release(path)
    rids = first.frame["rid"].to_list()
    with Curation.open(first, author="ann") as c:
        c.apply(Reject([rids[1]], "重复"))
        c.apply(EditField([rids[2]], "output", "改过的回答"))
        c.apply(Reject([rids[4]], "低质量"))  # this one's row is unchanged: it follows
    rows[1]["output"] = "上游改了一"
    rows[2]["output"] = "上游改了二"
    path.write_text("".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def _open(qtbot, app_env, path):
    from app.ui.shell.main_window import MainWindow

    settings, fonts = app_env
    win = MainWindow(settings, fonts)
    qtbot.addWidget(win)
    win.show()
    win.open_paths([str(path)])
    settle(qtbot, win)
    return win


def test_stale_decisions_are_a_queue_to_reapply_or_discard(qtbot, app_env, tmp_path):
    win = _open(qtbot, app_env, _changed_release(tmp_path))
    ui, c = win.curate_ui, win.curation.curation
    qtbot.waitUntil(lambda: ui.stale_dock.isVisible() and ui.stale.count == 2, timeout=20000)
    frame = c.current_frame()
    assert frame["status"][4] == "rejected"  # the unchanged row's decision followed it
    assert ui.stale.model.data(ui.stale.model.index(0, 0)) == "data.jsonl:2"
    # R on the first: the reject goes onto the row now at data.jsonl:2
    ui.stale.view.setFocus()
    ui.stale.view.selectRow(0)
    here = c.stale[0].here
    qtbot.keyClick(ui.stale.view, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: ui.stale.count == 1, timeout=10000)
    assert c.overlay[here].decision == "rejected" and c.overlay[here].reason == "重复"
    assert here == c.current_frame()["rid"][1]
    # the edit: its panel shows the row's text now against what re-applying would make it
    ui.stale.view.selectRow(0)
    assert ui.stale.field.currentData() == "output"
    assert ui.stale.now_view.toPlainText() == "上游改了二" and ui.stale.then_view.toPlainText() == "改过的回答"
    qtbot.keyClick(ui.stale.view, Qt.Key.Key_D)  # discard it
    qtbot.waitUntil(lambda: ui.stale.count == 0, timeout=10000)
    assert c.current_frame()["output"][2] == "上游改了二"
    win.table.setFocus()
    press(qtbot, win.table, Qt.Key.Key_Z, CTRL)  # undo the discard: the edit is stale again
    qtbot.waitUntil(lambda: ui.stale.count == 1, timeout=10000)
    win.session.shutdown()
    win.curation.shutdown()


def test_the_stale_model_passes_the_model_tester(qtmodeltester, tmp_path):
    path = _changed_release(tmp_path)
    with Curation.open(load_release(path), read_only=True) as c:
        model = StaleModel()
        model.set_items(c.stale, c.overlay)
        qtmodeltester.check(model, force_py=True)
        assert model.rowCount() == 2 and "rejected" in model.data(model.index(0, 1))
