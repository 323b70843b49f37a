"""Who did what, in the History dock: each saved version's author (the Author column) and
each changed row's author (the By column), for versions saved by two curators, a version
holding both curators' rows, and a merge of a third curator's project."""
from __future__ import annotations

import json
import threading

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.core.store.curation import Curation
from app.core.curate.edits import Accept, EditField, Reject, Restore
from app.core.load.loader import load_release
from app.core.load.schema import rid_hex
from app.ui.curate import merge_view as curate_merge_view
from app.ui.curate.history_models import CHANGE_COLUMNS, VERSION_COLUMNS

from .test_curate import CTRL, dialog, press, settle
from .test_curate_versions import save_version

AUTHOR_COL, BY_COL = VERSION_COLUMNS.index("Author"), CHANGE_COLUMNS.index("By")


def when_modal(qtbot, fn) -> QTimer:
    """Run ``fn`` once a modal dialog is open (it opens from a worker's result, in its own
    event loop: a timer reaches into that loop, a waitUntil would not)."""
    timer = QTimer(QApplication.instance())
    timer.setInterval(20)

    def tick() -> None:
        if QApplication.activeModalWidget() is not None:
            timer.stop()
            fn()

    timer.timeout.connect(tick)
    timer.start()
    return timer


@pytest.fixture()
def cur(qtbot, loaded):
    settle(qtbot, loaded)
    return loaded


def rids(win) -> list[int]:
    return win.session.frame["rid"].to_list()


def locator(win, rid: int) -> str:
    frame = win.session.frame
    hit = frame.filter(frame["rid"] == rid)
    return f"{hit['file'][0]}:{hit['line'][0]}"


def set_author_in_preferences(qtbot, win, name: str) -> None:
    """File > Preferences, as the curator does it."""
    win.registry["file.preferences"].trigger()
    box = dialog(win)
    box.author.setText(name)
    box.accept()
    assert win.curation.curation.author == name


def save(qtbot, win, message: str) -> None:
    number = (win.curation.curation.last_version or 0) + 1
    save_version(qtbot, win, message)  # Ctrl+S, type the message, Enter
    assert win.curation.curation.last_version == number
    settle(qtbot, win)


def open_history(qtbot, win):
    win.activateWindow()  # (after a modal dialog the shortcut needs the window active again)
    qtbot.waitUntil(win.isActiveWindow)
    win.table.setFocus()
    press(qtbot, win.table, Qt.Key.Key_H, CTRL)
    panel = win.curate_ui.history
    assert win.curate_ui.dock.isVisible()
    return panel


def version_rows(panel) -> list[tuple[str, str, str]]:
    """(version, message, author) as the version list shows them, top to bottom."""
    v = panel.versions
    return [(v.data(v.index(r, 0)), v.data(v.index(r, 1)), v.data(v.index(r, AUTHOR_COL))) for r in range(v.rowCount())]


def changes_of(qtbot, panel, number: int, count: int) -> dict[str, tuple[str, str]]:
    """Select version ``number`` in the list; its changed rows as {locator: (after, by)}."""
    row = panel.versions.row_of(number)
    panel.version_view.setCurrentIndex(panel.versions.index(row, 0))  # as a click does
    qtbot.waitUntil(lambda: panel.selected == number and not panel.busy and panel.changes.rowCount() == count)
    ch = panel.changes
    assert ch.headerData(BY_COL, Qt.Orientation.Horizontal) == "By"
    return {ch.data(ch.index(r, 0)): (ch.data(ch.index(r, 2)), ch.data(ch.index(r, BY_COL))) for r in range(ch.rowCount())}


def test_versions_and_rows_show_their_authors(qtbot, cur):
    ctl = cur.curation
    r = rids(cur)
    # 王 edits and rejects, saves v1.
    ctl.curation.author = "王"  # what the Curation settings set
    assert ctl.apply(EditField((r[0],), "output", "王改的回答")) and ctl.apply(Reject((r[1],), "重复"))
    save(qtbot, cur, "王的第一版")
    # 李 (set in Preferences) accepts one row and edits another, saves v2.
    set_author_in_preferences(qtbot, cur, "李")
    assert ctl.apply(Accept((r[2],))) and ctl.apply(EditField((r[3],), "instruction", "李改的指令"))
    save(qtbot, cur, "李的版本")
    # One version with both: 李 re-edits 王's row 0, then 王 rejects row 4; 王 saves v3.
    assert ctl.apply(EditField((r[0],), "output", "李又改了"))
    ctl.curation.author = "王"
    assert ctl.apply(Reject((r[4],), "太短"))
    save(qtbot, cur, "混合")

    panel = open_history(qtbot, cur)
    assert panel.versions.headerData(AUTHOR_COL, Qt.Orientation.Horizontal) == "Author"
    assert version_rows(panel) == [("v3", "混合", "王"), ("v2", "李的版本", "李"), ("v1", "王的第一版", "王")]
    assert [(v.number, v.author) for v in ctl.curation.versions()] == [(1, "王"), (2, "李"), (3, "王")]  # the core agrees

    assert changes_of(qtbot, panel, 1, 2) == {
        locator(cur, r[0]): ("edited", "王"),
        locator(cur, r[1]): ("rejected (重复)", "王")}
    assert changes_of(qtbot, panel, 2, 2) == {
        locator(cur, r[2]): ("accepted", "李"),
        locator(cur, r[3]): ("edited", "李")}
    assert changes_of(qtbot, panel, 3, 2) == {
        locator(cur, r[0]): ("edited", "李"),  # the row's last author, not the version's
        locator(cur, r[4]): ("rejected (太短)", "王")}
    # The version files on disk say the same.
    folder = ctl.curation.store.folder
    by = {json.loads(x)["rid"]: json.loads(x)["author"] for x in (folder / "v0003.jsonl").read_text("utf-8").splitlines()}
    assert by == {rid_hex(r[0]): "李", rid_hex(r[1]): "王", rid_hex(r[2]): "李", rid_hex(r[3]): "李", rid_hex(r[4]): "王"}
    assert json.loads((folder / "v0003.json").read_text("utf-8"))["author"] == "王"


def _reject_then_restore(qtbot, cur):
    ctl = cur.curation
    r = rids(cur)
    ctl.curation.author = "王"
    assert ctl.apply(Reject((r[7],), "重复"))
    save(qtbot, cur, "拒绝")
    ctl.curation.author = "李"
    assert ctl.apply(Restore((r[7],)))
    save(qtbot, cur, "恢复")
    panel = open_history(qtbot, cur)
    assert version_rows(panel) == [("v2", "恢复", "李"), ("v1", "拒绝", "王")]
    return panel, locator(cur, r[7])


def test_a_restore_is_listed_under_the_restorers_version(qtbot, cur):
    panel, where = _reject_then_restore(qtbot, cur)
    changes = changes_of(qtbot, panel, 2, 1)
    assert list(changes) == [where] and changes[where][0] == "untouched"
    ch = panel.changes
    assert (ch.data(ch.index(0, 1)), ch.data(ch.index(0, 2))) == ("rejected (重复)", "untouched")
    assert changes_of(qtbot, panel, 1, 1) == {where: ("rejected (重复)", "王")}


def test_a_restored_row_is_by_the_curator_who_restored_it(qtbot, cur):
    panel, where = _reject_then_restore(qtbot, cur)
    assert changes_of(qtbot, panel, 2, 1) == {where: ("untouched", "李")}


def test_a_merge_version_names_the_merger_and_the_other_curators_rows(qtbot, cur, small_release, tmp_path,
                                                                       monkeypatch):
    from app.ui.common import dialogs

    ctl = cur.curation
    r = rids(cur)
    ctl.curation.author = "王"
    assert ctl.apply(EditField((r[0],), "output", "王改的回答"))
    save(qtbot, cur, "王的第一版")
    # 陈 works in a project of her own on the same release.
    with Curation.open(load_release([str(small_release)]), tmp_path / "chen", author="陈") as chen:
        chen.apply(Accept([r[10]]))
        chen.apply(EditField([r[11]], "output", "陈改的回答"))
        chen.save_version("陈的版本")
    monkeypatch.setattr(dialogs, "choose_merge_source", lambda *a, **k: str(tmp_path / "chen"))

    def press_enter_in_the_merge_dialog() -> None:
        box = QApplication.activeModalWidget()
        assert box is not None and box.objectName() == "mergeDialog"
        assert box.view.plan.conflicts == [] and box.view.done
        qtbot.keyClick(box.view, Qt.Key.Key_Return)  # nothing to resolve: Enter saves the merge

    on_gui = []
    real = curate_merge_view.plan_merge
    monkeypatch.setattr(curate_merge_view, "plan_merge", lambda *a, **k: (
        on_gui.append(threading.current_thread() is threading.main_thread()), real(*a, **k))[1])
    cur.registry["file.merge_version"].trigger()  # their version is read in a worker, then the dialog opens
    when_modal(qtbot, press_enter_in_the_merge_dialog)
    qtbot.waitUntil(lambda: ctl.curation.last_version == 2)
    assert on_gui == [False]
    settle(qtbot, cur)
    assert ctl.curation.last_version == 2
    panel = open_history(qtbot, cur)
    rows = version_rows(panel)
    assert [(v, a) for v, _m, a in rows] == [("v2", "王"), ("v1", "王")]
    assert rows[0][1] == "Merge 陈's v0001 (chen)"
    assert changes_of(qtbot, panel, 2, 2) == {
        locator(cur, r[10]): ("accepted", "陈"),
        locator(cur, r[11]): ("edited", "陈")}
    assert changes_of(qtbot, panel, 1, 1) == {locator(cur, r[0]): ("edited", "王")}
    # The merged rows keep 陈 as their author in the current state too.
    assert ctl.curation.overlay[r[10]].by == "陈" and ctl.curation.overlay[r[0]].by == "王"
