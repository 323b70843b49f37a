"""Whether the open curation project is a curator's team queue (app.core.team.my_queue):
found in a worker whenever a project opens (an assignment of a 500,000-row release takes a
few tenths of a second to read), kept here for review mode's "my queue"."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.core.team.assign import AssignmentError
from app.core.team.my_queue import TeamPlace, team_curator, team_place
from app.ui.common.workers import Lane


class TeamState(QObject):
    changed = Signal(object)  # TeamPlace | None
    failed = Signal(str)  # the assignment could not be read: why, in words
    followed = Signal(object)  # TeamPlace: the release changed since the assignment, the queue was followed

    def __init__(self, ctl, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctl = ctl
        self.place: TeamPlace | None = None
        self.loading = False
        self._lane = Lane("team-place", self)
        self._lane.result.connect(self._landed)
        self._lane.failed.connect(lambda message, _detail: self._fail(message))
        ctl.opened.connect(self._opened)

    def _opened(self, curation) -> None:
        self.place = None
        if curation is None or team_curator(curation.project.folder) is None:
            self.loading = False
            self._lane.cancel()
            self.changed.emit(None)
            return
        folder, release = curation.project.folder, curation.release
        self.loading = True

        def work(ctx) -> None:
            try:
                ctx.emit("place", team_place(folder, release.identity().get("hash"), release.frame))
            except AssignmentError as exc:
                ctx.emit("error", str(exc))

        self._lane.submit(work)

    def _landed(self, kind: str, payload) -> None:
        self.loading = False
        if kind == "error":
            self._fail(payload)
            return
        self.place = payload
        self.changed.emit(payload)
        if payload is not None and payload.changed:
            self.followed.emit(payload)

    def _fail(self, message: str) -> None:
        self.loading = False
        self.place = None
        self.failed.emit(message)
        self.changed.emit(None)

    def wait(self, msecs: int = 60000) -> bool:
        return self._lane.wait(msecs)
