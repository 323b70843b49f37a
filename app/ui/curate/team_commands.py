"""Handlers of the Team menu: open my queue of a shared folder, gather the team's versions
into this project, the team's agreement, and its progress dashboard. Each asks for the
shared folder (remembered) and hands the work to the core (app.core.team)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import QApplication

from app.core.io.atomic import SaveError
from app.core.store.versions import VersionStore
from app.core.team.assign import AssignmentError, has_project, is_team_folder, project_dir, read_assignment
from app.ui.common import dialogs

from .curate_settings import author as current_author
from .curation_ctl import remember_project_dir
from .team_state import TeamState
from .window import CurateWindow

SHARED_KEY = "team/shared_folder"


class TeamCommands(QObject):
    reviewRequested = Signal(object)  # FilterSpec: review these rows (the team's disagreements)
    queueOpened = Signal(str)  # the curator whose queue is now the open project

    def __init__(self, window: CurateWindow) -> None:
        super().__init__(window)
        self.w = window
        self.state = TeamState(window.curation, self)
        self.state.failed.connect(lambda message: self._say(
            self.tr("The team's assignment could not be read: %1").replace("%1", message), 10000))
        self._agreement_lane = None
        self.progress_dock = None

    @property
    def ctl(self):
        return self.w.curation

    def _say(self, text: str, msecs: int = 6000) -> None:
        self.w.status.showMessage(text, msecs)

    def _ask_folder(self, title: str) -> Path | None:
        """The team's shared folder: asked, starting from the last one; None if cancelled or not one."""
        start = str(QSettings().value(SHARED_KEY, "") or "")
        chosen = dialogs.open_folder(self.w, title, start)
        if not chosen:
            return None
        folder = Path(chosen)
        if not is_team_folder(folder):
            self.ctl.error.emit(self.tr("%1 holds no team assignment (assignment.json); the lead makes one with "
                                        "`python -m app assign`.").replace("%1", str(folder)))
            return None
        QSettings().setValue(SHARED_KEY, str(folder))
        return folder

    def _release_ready(self) -> bool:
        if self.ctl.curation is None:
            self._say(self.tr("Open the team's release first."))
            return False
        return True

    # -- my queue -------------------------------------------------------------------------------
    def open_queue(self) -> None:
        """Use my project in the team's shared folder for this release; review mode's "my
        queue" then keeps my rows. My name is the author set in Curation Preferences."""
        if not self._release_ready():
            return
        folder = self._ask_folder(self.tr("Open my team queue: choose the team's shared folder"))
        if folder is None:
            return
        release = self.ctl.curation.release
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # a 500,000-row assignment: a few tenths of a second
        try:
            assignment = read_assignment(folder)
        except AssignmentError as exc:
            self.ctl.error.emit(str(exc))
            return
        finally:
            QApplication.restoreOverrideCursor()
        if assignment.release.get("hash") not in (None, release.identity().get("hash")):
            self.ctl.error.emit(self.tr("This team curates another release (%1); open that release first.")
                                .replace("%1", str(assignment.release.get("label") or "?")))
            return
        me = current_author()
        if me not in assignment.curators:  # the author preference names whose queue this is; else ask
            me = dialogs.get_item(self.w, self.tr("Open my team queue"),
                                  self.tr("%1 is not in this team. Whose queue?").replace("%1", me),
                                  list(assignment.curators))
            if not me:
                return
        target = project_dir(folder, me)
        if not has_project(target):
            self.ctl.error.emit(self.tr("%1 has no project in the shared folder (%2).").replace("%1", me)
                                .replace("%2", str(target)))
            return
        try:
            remember_project_dir(release, target)  # the app (and the command line) open it next time too
        except (SaveError, OSError) as exc:
            self._say(str(exc), 10000)
        if self.ctl.open(release, target) is not None:
            self.queueOpened.emit(me)
            self._say(self.tr("Opened %1's team queue: %2 rows. Review > Only My Team Queue keeps them.")
                      .replace("%1", me).replace("%2", f"{assignment.queue(me).height:,}"), 10000)

    # -- gather -----------------------------------------------------------------------------------
    def gather(self) -> None:
        """Every curator's latest version of a shared folder, merged into this project at once."""
        if not self._release_ready():
            return
        if self.ctl.read_only:
            self._say(self.tr("Read-only: %1").replace("%1", self.ctl.read_only_reason), 8000)
            return
        folder = self._ask_folder(self.tr("Gather team: choose the team's shared folder"))
        if folder is None:
            return
        try:
            assignment = read_assignment(folder)
        except AssignmentError as exc:
            self.ctl.error.emit(str(exc))
            return
        mine = Path(self.ctl.curation.project.folder).absolute()
        theirs, missing = [], []
        for name in assignment.curators:
            project = project_dir(folder, name).absolute()
            if project == mine:
                continue
            if has_project(project) and VersionStore(project / "versions").latest() is not None:
                theirs.append(project)
            else:
                missing.append(name)
        if not theirs:
            self._say(self.tr("No curator of this team has saved a version yet."), 8000)
            return
        from .gather_view import open_gather_dialog

        if open_gather_dialog(self.w, self.ctl.curation, theirs):
            self.ctl.refresh()
        if missing:
            self._say(self.tr("Left out (no saved version yet): %1").replace("%1", ", ".join(missing)), 10000)

    # -- agreement --------------------------------------------------------------------------------
    def agreement(self) -> None:
        """The team's agreement, computed in a worker from every curator's current state."""
        if not self._release_ready():
            return
        folder = self._ask_folder(self.tr("Team agreement: choose the team's shared folder"))
        if folder is None:
            return
        if self._agreement_lane is None:
            from app.ui.common.workers import Lane

            self._agreement_lane = Lane("team-agreement", self)
            self._agreement_lane.result.connect(self._show_agreement)
            self._agreement_lane.failed.connect(lambda message, _detail: self.ctl.error.emit(message))
        release = self.ctl.curation.release

        def work(ctx) -> None:
            from app.core.team.team_agreement import team_agreement_of

            try:
                ctx.emit("agreement", (team_agreement_of(release, folder), str(folder)))
            except AssignmentError as exc:
                ctx.emit("error", str(exc))

        self._say(self.tr("Comparing the team's decisions…"))
        self._agreement_lane.submit(work)

    def _show_agreement(self, kind: str, payload) -> None:
        if kind == "error":
            self.ctl.error.emit(payload)
            return
        from .curate_dialogs import open_keeping_focus
        from .team_agreement_dialog import TeamAgreementDialog

        result, folder = payload
        self._say("")
        dialog = TeamAgreementDialog(result, folder, self.w)
        dialog.reviewRequested.connect(self.reviewRequested)
        self.w.commands.dialog = dialog
        open_keeping_focus(dialog, self.w, self.w.table)

    def wait_agreement(self, msecs: int = 60000) -> bool:
        return self._agreement_lane is None or self._agreement_lane.wait(msecs)

    # -- progress ----------------------------------------------------------------------------------
    def progress(self) -> None:
        """The team's progress dashboard in a dock, refreshed while it is open."""
        place = self.state.place
        folder = place.shared if place is not None else self._ask_folder(
            self.tr("Team progress: choose the team's shared folder"))
        if folder is None:
            return
        if self.progress_dock is None:
            from .progress_dock import ProgressDock

            self.progress_dock = ProgressDock(self.w)
            self.w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.progress_dock)
        self.progress_dock.watch(folder)
