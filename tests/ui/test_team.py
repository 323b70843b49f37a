"""The Team menu with real key events: my queue of a shared folder (review mode keeps my
rows), the gather view (N curators' sides, digit keys pick one), the team's agreement
(Review Disagreements opens them as review mode's queue) and the progress dock (read in a
worker, refreshed while open). Every new model passes qtmodeltester."""
from __future__ import annotations

import json
import shutil
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.core.curate.edits import Accept, EditField, Reject
from app.core.load.loader import load_release
from app.core.store.curation import Curation
from app.core.team.assign import make_assignment, project_dir
from app.core.team.gather_projects import plan_gather
from app.core.team.shared_folder import create_team
from app.ui.common import dialogs
from app.ui.curate import progress_dock as progress_module
from app.ui.curate.curate_settings import set_author
from app.ui.curate.gather_view import GatherDialog
from app.ui.curate.team_agreement_dialog import TeamAgreementDialog

from .test_curate import settle, type_text
from .test_review import enter, key

CURATORS = ("ann", "bob", "cy")


@pytest.fixture()
def team(qtbot, loaded, tmp_path):
    """The loaded small release assigned to three curators in a shared folder."""
    settle(qtbot, loaded)
    release = loaded.curation.curation.release
    shared = tmp_path / "shared"
    assignment = make_assignment(release, CURATORS, overlap=0.3, seed=4, author="lead")
    create_team(release, shared, assignment)
    return loaded, release, shared, assignment


def _work(release, shared, name, *commands, save=True):
    with Curation.open(release, project_dir(shared, name), author=name) as c:
        for cmd in commands:
            c.apply(cmd)
        if save:
            c.save_version(f"{name}'s work")


def _off_the_gui_thread(monkeypatch, *names: str) -> list[bool]:
    """Wrap each ``module.function`` to record whether it ran on the GUI thread (it must not:
    reading a 500,000-row assignment or N versions takes from tenths of a second to seconds)."""
    on_gui: list[bool] = []
    for name in names:
        module, fn = name.rsplit(".", 1)
        real = getattr(__import__(module, fromlist=[fn]), fn)

        def spy(*a, _real=real, **k):
            on_gui.append(threading.current_thread() is threading.main_thread())
            return _real(*a, **k)

        monkeypatch.setattr(name, spy)
    return on_gui


def test_open_my_queue_and_review_only_my_rows(qtbot, team, monkeypatch):
    win, release, shared, assignment = team
    set_author("bob")
    monkeypatch.setattr(dialogs, "open_folder", lambda *a, **k: str(shared))
    on_gui = _off_the_gui_thread(monkeypatch, "app.ui.curate.team_commands.read_assignment",
                                 "app.ui.curate.team_state.team_place")
    win.registry["team.open_queue"].trigger()
    state = win.commands.team.state
    qtbot.waitUntil(lambda: state.place is not None and not state.loading)
    assert on_gui and not any(on_gui)
    assert win.curation.curation.project.folder == project_dir(shared, "bob").absolute()
    assert state.place.curator == "bob" and win.registry["review.my_queue"].isChecked()
    settle(qtbot, win)
    win.activateWindow()
    mode = enter(qtbot, win)
    mine = set(assignment.rids("bob"))
    queue = mode.controller.queue
    assert len(queue) == len(mine) < release.frame.height and set(queue.rids.tolist()) == mine
    assert "bob's team queue" in mode.view.message.text()
    first = queue.rid(0)
    key(qtbot, mode, Qt.Key.Key_A)  # accept: journaled in bob's project in the shared folder
    qtbot.waitUntil(lambda: win.curation.curation.overlay.get(first).decision == "accepted")
    win.registry["review.my_queue"].trigger()  # off: the whole view again
    assert len(mode.controller.queue) == release.frame.height
    key(qtbot, mode, Qt.Key.Key_Escape)
    with Curation.open(release, project_dir(shared, "bob"), read_only=True) as c:
        assert c.overlay[first].decision == "accepted" and c.overlay[first].by == "bob"


def test_my_queue_is_followed_into_a_changed_release_and_the_lost_rows_are_named(qtbot, loaded, small_release,
                                                                                  tmp_path, monkeypatch):
    """The assignment was made on an earlier state of the release (one row's answer has been
    edited upstream since): the queue opens, its rows are kept, the edited one is named."""
    win = loaded
    settle(qtbot, win)
    release = win.curation.curation.release
    earlier = tmp_path / "earlier"
    shutil.copytree(small_release, earlier)
    first = release.frame.row(0, named=True)
    path = earlier / first["file"]
    lines = path.read_bytes().split(b"\n")
    row = json.loads(lines[first["line"] - 1])
    lines[first["line"] - 1] = json.dumps(dict(row, output=row["output"] + "（旧）"), ensure_ascii=False).encode()
    path.write_bytes(b"\n".join(lines))
    old = load_release(earlier)
    assignment = make_assignment(old, ("ann", "bob"), overlap=1.0, seed=1, author="lead")  # both review every row
    shared = tmp_path / "shared"
    create_team(old, shared, assignment)
    set_author("bob")
    monkeypatch.setattr(dialogs, "open_folder", lambda *a, **k: str(shared))
    win.registry["team.open_queue"].trigger()
    state = win.commands.team.state
    qtbot.waitUntil(lambda: state.place is not None and not state.loading)
    assert state.place.changed and len(state.place.rids) == release.frame.height - 1
    assert first["rid"] not in set(state.place.rids.tolist())
    said = win.status.currentMessage()
    assert "The release changed since bob's queue was assigned" in said
    assert f"1 changed upstream or were removed ({first['file']}:{first['line']})" in said


def test_gather_view_picks_sides_by_digit_keys(qtbot, qtmodeltester, team, tmp_path):
    win, release, shared, assignment = team
    rids = release.frame["rid"].to_list()
    _work(release, shared, "ann", EditField([rids[0]], "output", "安的回答"), Reject([rids[1]], "重复"),
          Accept([rids[5]]))
    _work(release, shared, "bob", EditField([rids[0]], "output", "鲍的回答"), Accept([rids[1]]))
    _work(release, shared, "cy", EditField([rids[0]], "output", "丙的回答"), Reject([rids[1]], "低质量"))
    lead = Curation.open(release, tmp_path / "lead.curation", author="lead")
    try:
        dialog = GatherDialog(lead, plan_gather(lead, [project_dir(shared, n) for n in CURATORS]))
        qtbot.addWidget(dialog)
        view = dialog.view
        qtmodeltester.check(view.model)
        dialog.show()
        dialog.activateWindow()  # as in the app: the dialog, not the main window, takes Ctrl+S
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
        view.setFocus()
        assert sorted(c.field for c in view.plan.conflicts) == ["output", "status"]
        out = next(i for i, c in enumerate(view.plan.conflicts) if c.field == "output")
        view.go_to(out)
        shown = [p.caption.text() for p in view.panes if p.isVisible()]
        assert shown == ["1 · ann", "2 · bob", "3 · cy"]
        assert [p.view.toPlainText() for p in view.panes if p.isVisible()] == ["安的回答", "鲍的回答", "丙的回答"]
        qtbot.keyClick(view, Qt.Key.Key_5)  # no fifth side: refused, said
        assert "3 side" in view.message.text() and not view.resolutions
        qtbot.keyClick(view, Qt.Key.Key_E)  # type the output
        assert view.editing
        view.editor.selectAll()
        type_text(view.editor, "合并后的回答")
        qtbot.keyClick(view.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert not view.editing and len(view.resolutions) == 1
        status = view.conflict
        assert status.field == "status" and status.names == ("ann", "bob", "cy")
        qtbot.keyClick(view, Qt.Key.Key_A)  # not all rejects: "all together" does not apply
        assert len(view.resolutions) == 1 and "does not apply" in view.message.text()
        qtbot.keyClick(view, Qt.Key.Key_2)  # bob's accept
        assert view.done and "saved" not in view.message.text().lower()
        qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        assert view.version is not None and view.version.number == 1, view.message.text()
        assert lead.overlay[rids[0]].fields["output"] == "合并后的回答" and lead.overlay[rids[1]].decision == "accepted"
        assert lead.overlay[rids[5]].decision == "accepted"  # merged by itself
    finally:
        lead.close()
    manifest = json.loads((tmp_path / "lead.curation" / "versions" / "v0001.json").read_text(encoding="utf-8"))
    assert [c["name"] for c in manifest["merge"]["contributors"]] == list(CURATORS)
    assert {r["choice"] for r in manifest["merge"]["resolutions"]} == {"edit", "bob"}


def test_gather_from_the_menu_into_the_open_project(qtbot, team, monkeypatch):
    win, release, shared, assignment = team
    rids = release.frame["rid"].to_list()
    _work(release, shared, "ann", Accept([rids[2]]))
    _work(release, shared, "bob", Reject([rids[3]], "重复"))  # no conflicts: saved without a question
    _work(release, shared, "cy", save=False)
    monkeypatch.setattr(dialogs, "open_folder", lambda *a, **k: str(shared))
    shown = []
    monkeypatch.setattr("app.ui.curate.gather_view.GatherDialog.exec",
                        lambda self: (shown.append(self), self.view.save(), self.done(1))[-1] or 1)
    on_gui = _off_the_gui_thread(monkeypatch, "app.ui.curate.team_commands.read_assignment",
                                 "app.ui.curate.team_commands.plan_gather")
    win.registry["team.gather"].trigger()
    qtbot.waitUntil(lambda: win.curation.curation.last_version is not None)
    assert len(on_gui) == 2 and not any(on_gui)
    c = win.curation.curation
    assert c.overlay[rids[2]].decision == "accepted" and c.overlay[rids[3]].reason == "重复"
    assert "Left out (no saved version yet): cy" in win.status.currentMessage()


def test_team_agreement_and_review_of_the_disagreements(qtbot, qtmodeltester, team, monkeypatch):
    win, release, shared, assignment = team
    for name, op in (("ann", Accept), ("bob", lambda r: Reject(r, "低质量")), ("cy", Accept)):
        _work(release, shared, name, op(assignment.rids(name)), save=False)
    monkeypatch.setattr(dialogs, "open_folder", lambda *a, **k: str(shared))
    win.registry["team.agreement"].trigger()
    qtbot.waitUntil(lambda: isinstance(win.commands.dialog, TeamAgreementDialog))
    dialog = win.commands.dialog
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.pairs)
    qtmodeltester.check(dialog.curators)
    assert dialog.pairs.rowCount() == 3 and dialog.curators.rowCount() == 3
    assert dialog.fleiss.textFormat() == Qt.TextFormat.PlainText and "Fleiss' kappa over" in dialog.fleiss.text()
    bob_shared = set(assignment.queue("bob").filter(assignment.queue("bob")["shared"])["rid"].to_list())
    assert dialog.result.disagreements.height == len(bob_shared) > 0
    assert dialog.review_button.isEnabled() and str(len(bob_shared)) in dialog.review_button.text()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == dialog.text()
    qtbot.mouseClick(dialog.review_button, Qt.MouseButton.LeftButton)
    mode = win.commands.review
    qtbot.waitUntil(lambda: mode.active)
    assert set(mode.controller.queue.rids.tolist()) == bob_shared  # the disagreements are the queue


def test_progress_dock_reads_in_a_worker_and_refreshes_while_open(qtbot, qtmodeltester, team, monkeypatch):
    win, release, shared, assignment = team
    monkeypatch.setattr(progress_module, "REFRESH_MS", 150)
    threads = []
    real = progress_module.TeamReader.dashboard
    monkeypatch.setattr(progress_module.TeamReader, "dashboard",
                        lambda self: threads.append(threading.current_thread()) or real(self))
    monkeypatch.setattr(dialogs, "open_folder", lambda *a, **k: str(shared))
    win.registry["team.progress"].trigger()
    dock = win.commands.team.progress_dock
    qtbot.waitUntil(lambda: dock.reads >= 1)
    qtmodeltester.check(dock.model)
    assert dock.isVisible() and dock.timer.isActive()
    assert [dock.model.index(r, 0).data() for r in range(dock.model.rowCount())] == [
        *CURATORS, "(reviewed by two)", "(whole assignment)"]
    assert dock.model.index(0, 1).data().startswith(f"0 / {assignment.queue('ann').height}")
    assert threads and all(t is not threading.main_thread() for t in threads)  # never read on the GUI thread
    ann = assignment.rids("ann")
    _work(release, shared, "ann", Accept(ann[:2]), save=False)  # ann works on; the open dock sees it by itself
    qtbot.waitUntil(lambda: dock.model.index(0, 1).data().startswith("2 / "))
    dock.close()
    qtbot.waitUntil(lambda: not dock.timer.isActive())
    seen = dock.reads
    dock.wait()
    QApplication.processEvents()
    assert dock.reads <= seen + 1  # closed: no more reads
