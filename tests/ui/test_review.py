"""Review mode with real key events (qtbot.keyClick on the review view, typing into the
focused editor or dialog), asserting on the core state, the journal and the version files
on disk afterwards."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from app.core.store.curation import Curation
from app.core.store.review_session import ReviewLog
from app.ui.curate.curate_settings import reject_reasons
from app.ui.curate.curation_ctl import remember_project_dir
from app.ui.review.keymap import BY_ID, REVIEW_KEYS, KeyMap

from .conftest import wait_idle
from .test_curate import settle, type_text

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
EDITED = "改写后的回答：「好」😀\n第二行"


def enter(qtbot, win):
    qtbot.keyClick(win, Qt.Key.Key_F2)
    mode = win.commands.review
    assert mode.active and QApplication.focusWidget() is mode.view
    return mode


def key(qtbot, mode, k, mods=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(mode.view, k, mods)


def focused():
    return QApplication.focusWidget()


@pytest.fixture()
def rv(qtbot, loaded):
    settle(qtbot, loaded)
    loaded.activateWindow()
    return loaded


# -- 200 items of the real sample ------------------------------------------------------------------

@pytest.fixture()
def sample_window(qtbot, window, sample_root, tmp_path):
    project = tmp_path / "sample.curation"
    project.mkdir()
    root = Path(sample_root).resolve()
    remember_project_dir(SimpleNamespace(paths=(root,), root=root), project)  # never beside the shared data
    window.open_paths([str(sample_root)])
    wait_idle(qtbot, window, 60000)
    settle(qtbot, window, 60000)
    assert window.curation.curation.project.folder == project
    window.activateWindow()
    return window


def test_review_200_real_items_by_keys_matches_journal_and_version(qtbot, sample_window):
    win = sample_window
    mode = enter(qtbot, win)
    c, cur = mode.controller, win.curation.curation
    reasons = reject_reasons()
    assert len(c.queue) == 17971
    expected: dict[int, tuple] = {}  # rid -> (decision, reason, edited output or None)
    for i in range(200):
        assert c.index == i
        rid = c.current_rid()
        kind = i % 10
        if kind in (0, 1, 2, 3):
            key(qtbot, mode, Qt.Key.Key_A if kind != 3 else Qt.Key.Key_Return)
            expected[rid] = ("accepted", None, None)
        elif kind == 4:
            n = 1 + (i // 10) % 7
            key(qtbot, mode, getattr(Qt.Key, f"Key_{n}"))
            expected[rid] = ("rejected", reasons[n - 1], None)
        elif kind == 5:
            key(qtbot, mode, Qt.Key.Key_X)
            assert c.pending_reject and mode.view.prompt.isVisible()
            key(qtbot, mode, Qt.Key.Key_3)
            expected[rid] = ("rejected", reasons[2], None)
        elif kind == 6:  # edit the output, Ctrl+Enter saves, accepts and goes on
            key(qtbot, mode, Qt.Key.Key_E)
            pane = focused()
            assert pane is mode.view.panes["output"]
            pane.selectAll()
            type_text(pane, EDITED)
            qtbot.keyClick(pane, Qt.Key.Key_Tab)
            assert focused() is mode.view.panes["instruction"]  # Tab cycles the fields
            qtbot.keyClick(focused(), Qt.Key.Key_Return, CTRL)
            assert focused() is mode.view
            expected[rid] = ("accepted", None, EDITED)
        elif kind == 7:  # accept, then U takes it back and returns to the item
            key(qtbot, mode, Qt.Key.Key_A)
            assert c.index == i + 1
            key(qtbot, mode, Qt.Key.Key_U)
            assert c.index == i and cur.overlay.get(rid).is_empty
            key(qtbot, mode, Qt.Key.Key_X)
            key(qtbot, mode, Qt.Key.Key_Return)  # X then Enter: the default reason
            expected[rid] = ("rejected", c.keymap.default_reason, None)
        elif kind == 8:  # an edit cancelled with Esc changes nothing; then Ctrl+Z / Ctrl+Shift+Z
            key(qtbot, mode, Qt.Key.Key_E)
            type_text(focused(), "不要")
            qtbot.keyClick(focused(), Qt.Key.Key_Escape)
            assert mode.active and focused() is mode.view and cur.overlay.get(rid).is_empty
            key(qtbot, mode, Qt.Key.Key_A)
            key(qtbot, mode, Qt.Key.Key_Z, CTRL)
            assert c.index == i and cur.overlay.get(rid).is_empty
            key(qtbot, mode, Qt.Key.Key_Z, CTRL | SHIFT)
            assert cur.overlay.get(rid).decision == "accepted"
            key(qtbot, mode, Qt.Key.Key_J)
            expected[rid] = ("accepted", None, None)
        else:  # skip it: J moves on, K comes back, Down moves on again
            key(qtbot, mode, Qt.Key.Key_J)
            key(qtbot, mode, Qt.Key.Key_K)
            key(qtbot, mode, Qt.Key.Key_Down)
    assert c.index == 200

    def state_of(overlay) -> dict:
        return {rid: (s.decision, s.reason, s.fields.get("output")) for rid, s in overlay.items()}

    assert state_of(cur.overlay) == expected
    assert c.queue.reviewed == len(expected) == 180
    assert "180 / 17,971 reviewed (1.0%)" in mode.view.progress_line.text()
    # Ctrl+S: the version message dialog, typed into and confirmed with Enter
    key(qtbot, mode, Qt.Key.Key_S, CTRL)
    in_dialog(qtbot, c)
    edit = focused()
    edit.selectAll()
    type_text(edit, "第一轮审阅")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: c.dialog is None and focused() is mode.view)  # focus is back on the item
    versions = cur.versions()
    assert [v.message for v in versions] == ["第一轮审阅"]
    assert state_of(cur.load_version(versions[-1].number)) == expected
    # The journal on disk, replayed by a fresh reader, holds exactly the same
    with Curation.open(cur.release, cur.project.folder, read_only=True) as again:
        assert state_of(again.overlay) == expected
        assert again.overlay == cur.overlay
    key(qtbot, mode, Qt.Key.Key_Escape)
    assert not mode.active and mode.summary_dialog.isVisible()
    text = mode.summary_dialog.text()
    accepted = sum(1 for d, _r, _o in expected.values() if d == "accepted")
    assert f"Accepted: {accepted}" in text and f"Rejected: {180 - accepted}" in text and "Edited: 20" in text
    rec = ReviewLog(cur.project.folder).last()
    assert rec["accepted"] == accepted and rec["edited"] == 20 and rec["queue"] == 17971 and rec["reviewed"] == 180


# -- the key table -----------------------------------------------------------------------------------------

def test_cheat_sheet_lists_exactly_the_bindings_in_effect(qtbot, rv):
    keymap = rv.commands.review.keymap
    mapping = keymap.mapping()
    mapping["review.accept"] = ("Y",)
    keymap.save(mapping)
    mode = enter(qtbot, rv)
    key(qtbot, mode, Qt.Key.Key_Question)
    sheet = mode.view.cheatsheet
    assert sheet.isVisible()
    shown = sheet.rows()
    assert [r[0] for r in shown] == [k.id for k in REVIEW_KEYS]
    assert [(i, keys, title) for i, _g, title, keys in keymap.bindings()] == shown
    assert dict((i, k) for i, k, _t in shown)["review.accept"] == "Y"
    assert ("review.reason_2", "2", "Reject: " + reject_reasons()[1]) in shown
    key(qtbot, mode, Qt.Key.Key_Space)  # any key closes it and does nothing else
    assert not sheet.isVisible() and mode.controller.index == 0
    key(qtbot, mode, Qt.Key.Key_A)  # A is no longer bound
    assert rv.curation.curation.overlay.get(mode.controller.queue.rid(0)).is_empty
    key(qtbot, mode, Qt.Key.Key_Y)
    assert rv.curation.curation.overlay.get(mode.controller.queue.rid(0)).decision == "accepted"


def in_dialog(qtbot, c):
    """Wait until a dialog of the controller is open and has the keyboard."""
    qtbot.waitUntil(lambda: c.dialog is not None and focused() is not None and c.dialog.isAncestorOf(focused()))
    return c.dialog


def close_dialog(qtbot, mode):
    in_dialog(qtbot, mode.controller)
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: mode.controller.dialog is None and focused() is mode.view)


def test_every_bound_action_runs_once(qtbot, rv):
    mode = enter(qtbot, rv)
    c, view, win = mode.controller, mode.view, rv
    cur = win.curation.curation
    after = {  # what each action needs afterwards to get back to the item
        "review.edit": lambda: qtbot.keyClick(focused(), Qt.Key.Key_Escape),
        "review.tasks": lambda: close_dialog(qtbot, mode),
        "review.domain": lambda: close_dialog(qtbot, mode),
        "review.note": lambda: close_dialog(qtbot, mode),
        "review.goto": lambda: close_dialog(qtbot, mode),
        "review.save": lambda: close_dialog(qtbot, mode),
        "review.search": lambda: qtbot.keyClick(focused(), Qt.Key.Key_Escape),
        "review.facets": lambda: qtbot.keyClick(focused(), Qt.Key.Key_Escape),
        "review.cheatsheet": lambda: key(qtbot, mode, Qt.Key.Key_Question),
        "review.reject": lambda: key(qtbot, mode, Qt.Key.Key_Escape),  # Esc cancels the pending reject
        "review.unreviewed_only": lambda: key(qtbot, mode, Qt.Key.Key_O),
    }
    seen = {}
    for defn in REVIEW_KEYS:
        if defn.id == "review.leave":
            continue
        before = dict(c.triggered)
        first = defn.keys[0]
        qt_key, mods = _key_of(first)
        key(qtbot, mode, qt_key, mods)
        seen[defn.id] = focused()
        assert c.triggered[defn.id] == before.get(defn.id, 0) + 1, defn.id
        after.get(defn.id, lambda: None)()
        assert mode.active and focused() is view, defn.id
    assert seen["review.edit"] is view.panes["output"]
    assert seen["review.search"] is win.search_bar.edit and seen["review.facets"] is win.facets
    leaves = c.triggered["review.leave"]  # Esc also cancelled the pending reject above
    key(qtbot, mode, Qt.Key.Key_Escape)
    assert c.triggered["review.leave"] == leaves + 1 and not mode.active
    assert set(c.triggered) == set(BY_ID)
    assert cur.overlay.counts()["rejected"] >= 1


def _key_of(text: str):
    from PySide6.QtGui import QKeySequence

    combo = QKeySequence(text)[0]
    return combo.key(), combo.keyboardModifiers()


def test_auto_repeat_never_decides_but_moves(qtbot, rv):
    mode = enter(qtbot, rv)
    c, cur = mode.controller, rv.curation.curation

    def held(qt_key, text):
        QApplication.sendEvent(mode.view, QKeyEvent(QEvent.Type.KeyPress, qt_key, Qt.KeyboardModifier.NoModifier,
                                                    text, True))

    held(Qt.Key.Key_A, "a")
    held(Qt.Key.Key_1, "1")
    held(Qt.Key.Key_X, "x")
    assert len(cur.overlay) == 0 and c.index == 0 and not c.pending_reject
    held(Qt.Key.Key_J, "j")
    held(Qt.Key.Key_J, "j")
    assert c.index == 2
    key(qtbot, mode, Qt.Key.Key_A)  # the same key, pressed for real, does decide
    assert len(cur.overlay) == 1 and c.index == 3


def test_labels_dialogs_complete_and_apply_as_one_step(qtbot, rv):
    mode = enter(qtbot, rv)
    c, cur = mode.controller, rv.curation.curation
    rid = c.current_rid()
    key(qtbot, mode, Qt.Key.Key_D)
    in_dialog(qtbot, c)
    edit = focused()
    assert edit.objectName() == "labels_domain" and "医学" in edit.completer().model().stringList()
    edit.selectAll()
    type_text(edit, "社科, 医")
    completer = edit.completer()
    assert completer.splitPath(edit.text()) == ["医"]  # completes the label after the last comma
    qtbot.waitUntil(lambda: completer.popup().isVisible())
    assert completer.completionModel().index(0, 0).data() == "医学"
    qtbot.keyClick(completer.popup(), Qt.Key.Key_Down)
    qtbot.keyClick(completer.popup(), Qt.Key.Key_Return)
    assert edit.text() == "社科, 医学"
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: c.dialog is None and focused() is mode.view)
    assert c.index == 0
    assert cur.overlay.get(rid).fields["domain"] == ("社科", "医学")
    key(qtbot, mode, Qt.Key.Key_T)
    in_dialog(qtbot, c)
    major = c.dialog.edits["task_major"]
    major.selectAll()
    type_text(major, "生成、问答")
    qtbot.keyClick(major, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: c.dialog is None)
    assert cur.overlay.get(rid).fields["task_major"] == ("生成", "问答")
    assert "Task: 生成, 问答" in mode.view.labels.text()
    key(qtbot, mode, Qt.Key.Key_U)
    assert "task_major" not in cur.overlay.get(rid).fields and "domain" in cur.overlay.get(rid).fields


# -- the queue ------------------------------------------------------------------------------------------------

def test_queue_follows_filter_and_only_unreviewed_option(qtbot, rv):
    mode = enter(qtbot, rv)
    c, win = mode.controller, rv
    assert len(c.queue) == 60
    key(qtbot, mode, Qt.Key.Key_A)
    key(qtbot, mode, Qt.Key.Key_A)
    key(qtbot, mode, Qt.Key.Key_Slash)  # search outside the mode changes the queue
    assert focused() is win.search_bar.edit
    type_text(focused(), "豆浆")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(c.queue) == 13 and focused() is mode.view)  # 12 instructions and 1 output
    assert "豆浆" in mode.view.panes["instruction"].toPlainText()
    assert mode.view.panes["instruction"].extraSelections()  # the search's matches stay highlighted
    assert c.queue.reviewed == 2 and c.index == 2  # resumed at the first unreviewed item of the new view
    key(qtbot, mode, Qt.Key.Key_O)
    assert c.unreviewed_only and len(c.queue) == 11 and c.queue.reviewed == 0
    assert win.registry["review.unreviewed_only"].isChecked()
    win.session.set_spec(win.session.spec.clear_all())
    qtbot.waitUntil(lambda: len(c.queue) == 58)


def test_resume_at_first_unreviewed_after_reopening(qtbot, rv, app_env, small_release):
    mode = enter(qtbot, rv)
    for _ in range(3):
        key(qtbot, mode, Qt.Key.Key_A)
    key(qtbot, mode, Qt.Key.Key_K)
    key(qtbot, mode, Qt.Key.Key_K)  # wander back: resume ignores where the cursor was
    key(qtbot, mode, Qt.Key.Key_Escape)
    folder = rv.curation.curation.project.folder
    assert ReviewLog(folder).last()["reviewed"] == 3
    rv.close()
    from app.ui.shell.main_window import MainWindow

    settings, fonts = app_env
    again = MainWindow(settings, fonts)
    qtbot.addWidget(again)
    again.show()
    again.open_paths([str(small_release)])
    settle(qtbot, again)
    again.activateWindow()
    assert again.curation.curation.project.folder == folder
    mode2 = enter(qtbot, again)
    assert mode2.controller.index == 3 and mode2.controller.queue.reviewed == 3
    assert mode2.view.position.text() == "4 / 60"
    again.session.shutdown()


def test_resume_last_session_restores_its_view(qtbot, rv):
    from app.core.query.filters import FacetSel

    win = rv
    win.session.set_spec(win.session.spec.with_facet("source", FacetSel(include=("zhihu",))))
    qtbot.waitUntil(lambda: len(win.session.positions) == 25 and not win.session.busy)
    mode = enter(qtbot, win)
    key(qtbot, mode, Qt.Key.Key_A)
    key(qtbot, mode, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: focused() is not None and mode.summary_dialog.isAncestorOf(focused()))
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # the summary closes with Enter
    assert not mode.summary_dialog.isVisible()
    win.session.set_spec(win.session.spec.clear_all())
    qtbot.waitUntil(lambda: len(win.session.positions) == 60 and not win.session.busy)
    qtbot.keyClick(win, Qt.Key.Key_F2, SHIFT)
    qtbot.waitUntil(lambda: mode.active)
    assert win.session.spec.facet("source").include == ("zhihu",)
    assert len(mode.controller.queue) == 25 and mode.controller.index == 1


def test_read_only_project_lets_you_look_not_decide(qtbot, rv, monkeypatch):
    mode = enter(qtbot, rv)
    monkeypatch.setattr(type(rv.curation), "read_only", property(lambda self: True))
    key(qtbot, mode, Qt.Key.Key_A)
    assert len(rv.curation.curation.overlay) == 0 and mode.controller.index == 0
    assert "Read-only" in mode.view.message.text()
    key(qtbot, mode, Qt.Key.Key_J)
    assert mode.controller.index == 1


def test_a_failed_journal_write_goes_back_to_the_item(qtbot, rv, monkeypatch):
    from app.core.io.atomic import SaveError

    mode = enter(qtbot, rv)
    cur = rv.curation.curation

    def full(_record):
        raise SaveError(cur.journal.path, "the disk is full (no space left on device)")

    monkeypatch.setattr(cur.journal, "append", full)
    key(qtbot, mode, Qt.Key.Key_A)
    assert mode.controller.index == 0 and len(cur.overlay) == 0
    assert "disk is full" in mode.view.message.text() and "[untouched]" in mode.view.status.text()


def test_keymap_dialog_remaps_with_the_keyboard_and_rejects_clashes(qtbot, rv):
    from PySide6.QtWidgets import QDialogButtonBox

    mode = rv.commands.review
    dialog = mode.edit_keys()
    table = dialog.table
    row = [d.id for d in REVIEW_KEYS].index("review.next")
    table.item(row, 1).setText("J L")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    table.item(row, 1).setText("J A")  # A already accepts
    assert not ok.isEnabled() and "A is bound to more than one action" in dialog.problem.text()
    table.item(row, 1).setText("J Nope+Key")
    assert not ok.isEnabled() and "Unknown keys" in dialog.problem.text()
    table.item(row, 1).setText("J L")
    dialog.reasons.setPlainText("重复\n太短\n其他")
    dialog.default.setCurrentText("太短")
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    fresh = KeyMap()  # persisted in QSettings
    assert fresh.keys("review.next") == ("J", "L") and fresh.reasons == ("重复", "太短", "其他")
    assert fresh.default_reason == "太短" and reject_reasons() == ["重复", "太短", "其他"]
    m = enter(qtbot, rv)
    key(qtbot, m, Qt.Key.Key_L)  # (N writes a note)
    assert m.controller.index == 1
    key(qtbot, m, Qt.Key.Key_X)
    key(qtbot, m, Qt.Key.Key_Enter)
    assert rv.curation.curation.overlay.get(m.controller.queue.rid(1)).reason == "太短"



def test_latency_probe_measures_key_to_painted_item(qtbot, rv):
    from app.ui.probes.latency import measure_in_window

    result = measure_in_window(rv, keys=("j", "a"), count=5, interval_ms=5)
    mode = rv.commands.review
    assert result["rows"] == 60 and result["keys"]["j"]["n"] == 5 and result["keys"]["a"]["n"] == 5
    # Wall time spans the GUI thread's CPU time for each press; only the CPU time is bounded
    # here (in ms, not ns): a machine busy elsewhere stretches the wall clock.
    cpu = result["all_gui_cpu"]
    # (the thread's CPU clock and the wall clock tick differently: CPU may read a little over wall)
    assert cpu["n"] == 10 and 0 < cpu["p50_ms"] <= result["all"]["p50_ms"] * 1.25 + 1 and cpu["p50_ms"] < 1000
    assert rv.curation.curation.overlay.counts()["accepted"] == 5  # the "a" presses were real decisions
    assert mode.controller.paints >= 10
