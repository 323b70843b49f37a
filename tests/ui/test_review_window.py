"""Review mode inside the main window: the frame refresh after a decision is coalesced
while reviewing (and flushed on leaving), and the window's selection-based curation
actions cannot act on the table row hidden behind the review view."""
from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.core.curate.edits import Accept
from app.core.store.review_session import ReviewLog
from app.ui.curate import curation_ctl

from .conftest import wait_idle

CTRL, SHIFT, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.AltModifier


def settle(qtbot, win, timeout: int = 20000) -> None:
    """Until the curation frame and every recount have landed (the session's frame may
    carry extra columns of other panels, so it is compared by its rows, not identity)."""
    wait_idle(qtbot, win, timeout)
    qtbot.waitUntil(lambda: win.curation.frame is not None and not win.curation.busy and not win.session.busy
                    and not win.curation.frame_pending and win.session.frame is not None
                    and win.session.frame.height == win.curation.frame.height, timeout=timeout)


@pytest.fixture()
def rv(qtbot, loaded):
    settle(qtbot, loaded)
    loaded.activateWindow()
    return loaded


def enter(qtbot, win):
    qtbot.keyClick(win, Qt.Key.Key_F2)
    mode = win.commands.review
    assert mode.active and QApplication.focusWidget() is mode.view
    return mode


def status_of(win, rid: int) -> str:
    frame = win.session.frame
    return frame.filter(frame["rid"] == rid)["status"][0]


def test_decisions_in_review_mode_share_one_delayed_frame(qtbot, rv):
    win, ctl = rv, rv.curation
    mode = enter(qtbot, win)
    c = mode.controller
    frames = []
    ctl.frameChanged.connect(frames.append)
    first, second = c.queue.rid(c.index), c.queue.rid(c.index + 1)
    t0 = time.monotonic()
    qtbot.keyClick(mode.view, Qt.Key.Key_A)
    qtbot.keyClick(mode.view, Qt.Key.Key_A)
    assert ctl.curation.overlay.get(first).decision == ctl.curation.overlay.get(second).decision == "accepted"
    assert ctl.frame_pending and not ctl.busy  # nothing computed yet: the next key has the GUI thread
    assert frames == [] and status_of(win, first) == "untouched"
    qtbot.waitUntil(lambda: len(frames) == 1)
    # (A lower bound only: the delay timer never fires early; a busy machine makes it late.)
    assert time.monotonic() - t0 >= curation_ctl.FRAME_DELAY_MS / 1000 * 0.9
    assert status_of(win, first) == status_of(win, second) == "accepted"
    qtbot.waitUntil(lambda: not ctl.frame_pending and not ctl.busy)  # nothing left that could bring another
    assert len(frames) == 1  # both decisions in one frame
    # both changed rows are among the positions the table repaints
    positions = set(ctl.updated_positions.tolist())
    frame = win.session.frame
    assert {int(p) for p in frame.with_row_index("i").filter(frame["rid"].is_in([first, second]))["i"]} <= positions


def test_leaving_review_mode_flushes_the_frame_at_once(qtbot, rv):
    win, ctl = rv, rv.curation
    mode = enter(qtbot, win)
    rid = mode.controller.current_rid()
    qtbot.keyClick(mode.view, Qt.Key.Key_A)
    assert ctl.frame_pending
    qtbot.keyClick(mode.view, Qt.Key.Key_Escape)
    # At once: the frame is being computed as Esc returns, no delay timer waits before it
    # (said by state, not by a stopwatch, which a busy machine stretches).
    assert not mode.active and not ctl.frame_pending and ctl.busy
    qtbot.waitUntil(lambda: status_of(win, rid) == "accepted")
    assert not ctl.frame_pending
    mode.summary_dialog.close()


def test_outside_review_mode_the_frame_is_computed_at_once(qtbot, rv):
    ctl = rv.curation
    rid = ctl.rid_at(0)
    assert ctl.apply(Accept((rid,))) is not None
    assert not ctl.frame_pending and ctl.busy  # computing already, no delay timer
    qtbot.waitUntil(lambda: status_of(rv, rid) == "accepted")


def test_table_actions_cannot_touch_the_hidden_row_while_reviewing(qtbot, rv):
    win, ctl = rv, rv.curation
    win.table.setFocus()
    win.table.select_row(3)
    hidden = ctl.rid_at(win.model.position(3))
    mode = enter(qtbot, win)
    assert mode.controller.current_rid() != hidden
    reg = win.registry
    for key, mods in ((Qt.Key.Key_A, CTRL | SHIFT), (Qt.Key.Key_R, CTRL | ALT), (Qt.Key.Key_Delete, CTRL),
                      (Qt.Key.Key_E, CTRL), (Qt.Key.Key_L, CTRL)):
        qtbot.keyClick(mode.view, key, mods)  # an enabled action would open its dialog within the key
        assert win.commands.dialog is None or not win.commands.dialog.isVisible()
        assert not win.detail.editing.active
    assert ctl.curation.overlay.get(hidden).is_empty
    assert not any(reg[a].isEnabled() for a in ("edit.accept", "edit.reject", "edit.restore", "edit.edit_text",
                                                  "edit.edit_labels"))
    # a decision in review mode refreshes the window's state; the actions stay off
    qtbot.keyClick(mode.view, Qt.Key.Key_A)
    assert not reg["edit.accept"].isEnabled()
    qtbot.keyClick(mode.view, Qt.Key.Key_Escape)
    mode.summary_dialog.close()
    assert all(reg[a].isEnabled() for a in ("edit.accept", "edit.reject", "edit.restore"))
    # back in the table, the same keys act on the selected row again
    qtbot.waitUntil(lambda: not ctl.frame_pending and not ctl.busy and not win.session.busy)
    win.table.setFocus()
    win.table.select_row(3)
    qtbot.keyClick(win.table, Qt.Key.Key_A, CTRL | SHIFT)
    assert ctl.curation.overlay.get(hidden).decision == "accepted"


def test_moving_the_project_takes_the_review_log_along(qtbot, rv, tmp_path):
    win, ctl = rv, rv.curation
    mode = enter(qtbot, win)
    qtbot.keyClick(mode.view, Qt.Key.Key_A)
    qtbot.keyClick(mode.view, Qt.Key.Key_Escape)
    mode.summary_dialog.close()
    old = ctl.curation.project.folder
    recorded = ReviewLog(old).read()
    assert len(recorded) == 1 and recorded[0]["accepted"] == 1
    assert ctl.move_to(tmp_path / "moved.curation")
    assert ctl.curation.project.folder == tmp_path / "moved.curation"
    assert ReviewLog(tmp_path / "moved.curation").read() == recorded
