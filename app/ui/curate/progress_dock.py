"""Team > Team Progress: the team's dashboard (app.core.team.progress) in a dock, read from
the projects in the shared folder and refreshed while it is open. Every read runs in a
worker (ten projects and a 500,000-row assignment take most of a second); the GUI thread
only puts the finished rows of text into the table, so it never waits on the disk."""
from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, Qt, QT_TRANSLATE_NOOP, QTimer, Signal
from PySide6.QtWidgets import QDockWidget, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from app.core.store.review_session import format_duration
from app.core.team.assign import AssignmentError
from app.core.team.progress import SHARED, TEAM, TeamReader
from app.ui.common.text_table import TextTableModel
from app.ui.common.workers import Lane

from .gather_model import side_name

REFRESH_MS = 5000  # how often the open dashboard reads the shared folder again
QUEUE_TEXT = {SHARED: QT_TRANSLATE_NOOP("TeamProgress", "(reviewed by two)"),
              TEAM: QT_TRANSLATE_NOOP("TeamProgress", "(whole assignment)")}


def _tr(text: str) -> str:
    return QCoreApplication.translate("TeamProgress", text)


def row_texts(table) -> list[tuple[str, ...]]:
    """The dashboard's rows as the cells shown (worker side: plain strings only)."""
    out = []
    for r in table.iter_rows(named=True):
        queue = _tr(QUEUE_TEXT[r["queue"]]) if r["queue"] in QUEUE_TEXT else side_name(r["queue"])
        total = "?" if r["total"] is None else f"{r['total']:,}"
        done = f"{r['reviewed']:,} / {total}" + (f"  {r['fraction']:.0%}" if r["fraction"] is not None else "")
        eta = "" if r["total"] is None else format_duration(r["eta_s"])
        saved = f"v{r['saved_version']:04d}" if r["saved_version"] else ("—" if r["curator"] else "")
        out.append((queue, done, f"{r['rejected']:,}", "" if r["spent_s"] is None else format_duration(r["spent_s"]),
                    f"{r['per_hour']:,.0f}" if r["per_hour"] else "—", eta, saved, r["problem"] or ""))
    return out


class ProgressModel(TextTableModel):
    CONTEXT = "TeamProgress"
    HEADERS = (QT_TRANSLATE_NOOP("TeamProgress", "Queue"), QT_TRANSLATE_NOOP("TeamProgress", "Reviewed"),
               QT_TRANSLATE_NOOP("TeamProgress", "Rejected"), QT_TRANSLATE_NOOP("TeamProgress", "Time"),
               QT_TRANSLATE_NOOP("TeamProgress", "Per hour"), QT_TRANSLATE_NOOP("TeamProgress", "ETA"),
               QT_TRANSLATE_NOOP("TeamProgress", "Saved"), QT_TRANSLATE_NOOP("TeamProgress", "Problem"))
    RIGHT = frozenset(range(1, 6))


class ProgressDock(QDockWidget):
    refreshed = Signal()  # a read landed in the table

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("teamProgressDock")
        self.folder = None
        self.reader: TeamReader | None = None
        self.reads = 0  # reads landed (tests wait for the next one)
        self.read_s = 0.0  # how long the last read took in the worker
        self.model = ProgressModel(self)
        self.view = QTableView()
        self.view.setObjectName("teamProgressTable")
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)  # a folder name is data
        self.heading.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("teamProgressStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.addWidget(self.heading)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.status)
        self.setWidget(body)
        self._lane = Lane("team-progress", self)
        self._lane.result.connect(self._landed)
        self._lane.failed.connect(lambda message, _detail: self._failed(message))
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.visibilityChanged.connect(self._visible)
        self.retranslate()

    def watch(self, folder) -> None:
        """Show the team of shared folder ``folder``, refreshed every REFRESH_MS while shown."""
        self.folder, self.reader = folder, TeamReader(folder)
        self.heading.setText(str(folder))
        self.model.set_rows([])
        self.show()
        self.raise_()
        self.refresh()
        self.timer.start()

    def _visible(self, shown: bool) -> None:
        if shown and self.reader is not None:
            self.timer.start()
            self.refresh()
        else:
            self.timer.stop()

    def refresh(self) -> None:
        reader = self.reader
        if reader is None or self._lane.busy:
            return  # one read at a time: the next tick comes soon enough

        def work(ctx) -> None:
            start = time.perf_counter()
            try:
                rows = row_texts(reader.dashboard().table)
            except (AssignmentError, OSError) as exc:
                ctx.emit("error", str(exc))
                return
            ctx.emit("rows", (rows, time.perf_counter() - start))

        self._lane.submit(work)

    def _landed(self, kind: str, payload) -> None:
        if kind == "error":
            self._failed(payload)
            return
        rows, self.read_s = payload
        self.model.set_rows(rows)
        self.reads += 1
        self.status.setText(self.tr("Updated %1 (read in %2 ms); every %3 s while open.")
                            .replace("%1", time.strftime("%H:%M:%S")).replace("%2", f"{self.read_s * 1000:.0f}")
                            .replace("%3", str(REFRESH_MS // 1000)))
        self.refreshed.emit()

    def _failed(self, message: str) -> None:
        self.status.setText(self.tr("Could not read the team's folder: %1").replace("%1", message))
        self.reads += 1
        self.refreshed.emit()

    def wait(self, msecs: int = 60000) -> bool:
        return self._lane.wait(msecs)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Team Progress"))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
