"""Handlers of the Team menu: open my queue of a shared folder, gather the team's versions
into this project, the team's agreement, and its progress dashboard. Each asks for the
shared folder (remembered) and hands the work to the core (app.core.team)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, Signal

from app.core.io.atomic import SaveError
from app.core.store.versions import VersionStore
from app.core.team.assign import AssignmentError, has_project, is_team_folder, project_dir, read_assignment
from app.core.team.gather_projects import plan_gather
from app.core.team.merge import MergeError
from app.core.team.queue_follow import follow_queue
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
        self.state.followed.connect(self._say_followed)
        self._agreement_lane = None
        self._prep_lane = None
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

    def _say_followed(self, place) -> None:
        text = self.tr("The release changed since %1's queue was assigned: %2 of its rows found (%3 by content at a "
                       "new place).").replace("%1", place.curator).replace("%2", f"{len(place.rids):,}") \
            .replace("%3", f"{place.followed:,}")
        lost = place.lost
        if lost.height:
            where = ", ".join(lost["item"].str.slice(17).head(3).to_list()) + (" …" if lost.height > 3 else "")
            text += " " + self.tr("%1 changed upstream or were removed (%2): ask the lead to re-assign them.") \
                .replace("%1", f"{lost.height:,}").replace("%2", where)
        self._say(text, 30000)

    # -- reading in a worker ------------------------------------------------------------------
    def _prepare(self, kind: str, work) -> None:
        """Run ``work()`` (reading the assignment, N versions: tenths of a second to seconds
        at 500,000 rows) in the team lane; ``_<kind>_ready(*result)`` continues on the GUI thread."""
        if self._prep_lane is None:
            from app.ui.common.workers import Lane

            self._prep_lane = Lane("team-prepare", self)
            self._prep_lane.result.connect(self._prepared)
            self._prep_lane.failed.connect(lambda message, _detail: self.ctl.error.emit(message))

        def job(ctx) -> None:
            try:
                ctx.emit(kind, work())
            except (AssignmentError, MergeError) as exc:
                ctx.emit("error", str(exc))

        self._prep_lane.submit(job)

    def _prepared(self, kind: str, payload) -> None:
        self._say("")
        if kind == "error":
            self.ctl.error.emit(payload)
        else:
            getattr(self, f"_{kind}_ready")(*payload)

    def wait_prepared(self, msecs: int = 60000) -> bool:
        return self._prep_lane is None or self._prep_lane.wait(msecs)

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

        def work():
            assignment = read_assignment(folder)
            for name in assignment.curators:  # split once here, not on the GUI thread
                assignment.queue(name)
            ours = assignment.release.get("hash") in (None, release.identity().get("hash")) or len(follow_queue(
                assignment.rows.unique("rid"), release.frame, assignment.key_scheme).rids) > 0
            return folder, release, assignment, ours

        self._say(self.tr("Reading the team's assignment…"), 0)
        self._prepare("queue", work)

    def _queue_ready(self, folder: Path, release, assignment, ours: bool) -> None:
        if self.ctl.curation is None or self.ctl.curation.release is not release:
            return  # another release was opened meanwhile
        if not ours:
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
        curation = self.ctl.curation

        def work():
            assignment = read_assignment(folder)
            mine = Path(curation.project.folder).absolute()
            theirs, missing = [], []
            for name in assignment.curators:
                project = project_dir(folder, name).absolute()
                if project == mine:
                    continue
                if has_project(project) and VersionStore(project / "versions").latest() is not None:
                    theirs.append(project)
                else:
                    missing.append(name)
            return curation, (plan_gather(curation, theirs) if theirs else None), missing

        self._say(self.tr("Reading the team's versions…"), 0)
        self._prepare("gather", work)

    def _gather_ready(self, curation, plan, missing: list[str]) -> None:
        if curation is not self.ctl.curation:
            return  # another project was opened meanwhile
        if plan is None:
            self._say(self.tr("No curator of this team has saved a version yet."), 8000)
            return
        from .gather_view import show_gather_dialog

        if show_gather_dialog(self.w, curation, plan):
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
