"""The status bar: row counts and filters, load progress with cancel, and the load
report one click away."""
from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QTimer, Qt, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar, QToolButton

from app.core.load.loader import Progress
from app.core.load.report import LoadReport
from app.core.query.filters import FilterSpec
from app.ui.common.text_display import reveal

from .report_model import problem_summary


def _mb(n: int) -> str:
    return f"{n / 1e6:,.1f}"


class StatusBar(QStatusBar):
    reportRequested = Signal()
    cancelRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self._shown = self._total = 0
        self._spec = FilterSpec()
        self._report: LoadReport | None = None
        self._busy = False
        self._words = None  # a word search waiting for its index: "building" or "cancelled"
        self.counts = QLabel(self)
        self.counts.setObjectName("statusCounts")
        self.counts.setTextFormat(Qt.TextFormat.PlainText)
        self.busy = QLabel(self)
        self.busy.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("loadProgress")
        self.progress.setMaximumWidth(260)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.cancel = QToolButton(self)
        self.cancel.setObjectName("cancelLoad")
        self.cancel.clicked.connect(self.cancelRequested)
        self.report_button = QPushButton(self)
        self.report_button.setObjectName("reportButton")
        self.report_button.setFlat(True)
        self.report_button.clicked.connect(self.reportRequested)
        self._load_started, self._load_text = time.monotonic(), ""
        self._clock = QTimer(self)  # the elapsed seconds of a load
        self._clock.setInterval(500)
        self._clock.timeout.connect(self._render_load)
        self.addWidget(self.counts)
        self.addWidget(self.busy)
        self.notice = QLabel(self)  # a notice that outlives status messages (after a crash: what came back)
        self.notice.setObjectName("statusNotice")
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self._notice_text = None  # () -> str in the current language, or None
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(lambda: self.set_notice(None))
        self.addPermanentWidget(self.notice)
        self.addPermanentWidget(self.progress)
        self.addPermanentWidget(self.cancel)
        self.addPermanentWidget(self.report_button)
        self.set_loading(False)
        self.set_report(None)
        self.retranslate()
        self.set_notice(None)

    # -- content ----------------------------------------------------------------------------
    def set_counts(self, shown: int, total: int, spec: FilterSpec) -> None:
        self._shown, self._total, self._spec = shown, total, spec
        self._render_counts()

    def set_words(self, state: str | None) -> None:
        """A word search waits for the word index: "building", "cancelled", or None."""
        self._words = state
        self._render_counts()

    def _render_counts(self) -> None:
        if self._words is not None and self._spec.search.active:
            text = reveal(self._spec.search.text)
            self.counts.setText(
                self.tr("word search \u201c%1\u201d: building the word index (jieba)… Cancel stops it")
                .replace("%1", text) if self._words == "building" else
                self.tr("word search \u201c%1\u201d: the word index was cancelled, no rows shown "
                        "(Analyse > Run Text Analysis builds it)").replace("%1", text))
            return
        parts = [self.tr("%1 of %2 rows").replace("%1", f"{self._shown:,}").replace("%2", f"{self._total:,}")]
        n = self._spec.active_count() - int(self._spec.search.active)
        if n:
            parts.append(self.tr("%n filter(s)", "", n))
        if self._spec.search.active:
            parts.append(self.tr("search: %1").replace("%1", reveal(self._spec.search.text)))
        self.counts.setText(" · ".join(parts))

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy.setText(self.tr("counting…") if busy else "")

    def set_loading(self, loading: bool, what: str = "") -> None:
        self.progress.setVisible(loading)
        self.cancel.setVisible(loading)
        if loading:
            self._load_started = time.monotonic()
            self._load_text = self.tr("Opening %1…").replace("%1", what)
            self.progress.setValue(0)
            self._clock.start()
            self._render_load()
        else:
            self._clock.stop()

    def set_progress(self, p: Progress) -> None:
        frac = p.bytes_done / p.bytes_total if p.bytes_total else 0.0
        self.progress.setValue(int(frac * 1000))
        phase = self._phase_title(p.phase)
        if p.phase == "reading":
            self._load_text = self.tr("%1: %2 / %3 MB · file %4 of %5").replace("%1", phase) \
                .replace("%2", _mb(p.bytes_done)).replace("%3", _mb(p.bytes_total)) \
                .replace("%4", str(min(p.files_done + 1, p.files_total))).replace("%5", str(p.files_total))
        else:
            self._load_text = phase + "…"
        self._render_load()

    def _phase_title(self, phase: str) -> str:
        titles = {"reading": self.tr("reading"), "row ids": self.tr("row ids"), "preparing": self.tr("preparing")}
        return titles.get(phase, phase)

    def _render_load(self) -> None:
        """The load's text and its elapsed seconds (the clock ticks even when the loader
        is silent, so a long step never looks hung)."""
        seconds = int(time.monotonic() - self._load_started)
        self.progress.setFormat(self.tr("%1 · %2 s").replace("%1", self._load_text).replace("%2", str(seconds)))

    def set_report(self, report: LoadReport | None) -> None:
        self._report = report
        text = problem_summary(report)
        self.report_button.setText(text or (self.tr("Load report") if report else ""))
        self.report_button.setVisible(report is not None)
        self.report_button.setProperty("problems", bool(text))

    def set_notice(self, text, ms: int = 60000) -> None:
        """``text``: () -> str (asked again after a language switch) or None to clear."""
        self._notice_text = text
        self.notice.setText(text() if text is not None else "")
        self.notice.setVisible(text is not None)
        if text is not None:
            self._notice_timer.start(ms)

    # -- language ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.set_notice(self._notice_text, max(self._notice_timer.remainingTime(), 1))
        self.cancel.setText(self.tr("Cancel"))
        self.cancel.setToolTip(self.tr("Stop loading (Esc)"))
        self.report_button.setToolTip(self.tr("Show the load report: bad lines and skipped files"))
        self.set_report(self._report)
        self.set_busy(self._busy)
        self._render_counts()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
