"""The status bar: row counts and filters, load progress with cancel, and the load
report one click away."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
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
        self.addWidget(self.counts)
        self.addWidget(self.busy)
        self.addPermanentWidget(self.progress)
        self.addPermanentWidget(self.cancel)
        self.addPermanentWidget(self.report_button)
        self.set_loading(False)
        self.set_report(None)
        self.retranslate()

    # -- content ----------------------------------------------------------------------------
    def set_counts(self, shown: int, total: int, spec: FilterSpec) -> None:
        self._shown, self._total, self._spec = shown, total, spec
        self._render_counts()

    def _render_counts(self) -> None:
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
            self.progress.setValue(0)
            self.progress.setFormat(self.tr("Opening %1…").replace("%1", what))

    def set_progress(self, p: Progress) -> None:
        frac = p.bytes_done / p.bytes_total if p.bytes_total else 0.0
        self.progress.setValue(int(frac * 1000))
        self.progress.setFormat(self.tr("%1 / %2 MB · file %3 of %4").replace("%1", _mb(p.bytes_done))
                                .replace("%2", _mb(p.bytes_total)).replace("%3", str(min(p.files_done + 1, p.files_total)))
                                .replace("%4", str(p.files_total)))

    def set_report(self, report: LoadReport | None) -> None:
        self._report = report
        text = problem_summary(report)
        self.report_button.setText(text or (self.tr("Load report") if report else ""))
        self.report_button.setVisible(report is not None)
        self.report_button.setProperty("problems", bool(text))

    # -- language ----------------------------------------------------------------------------
    def retranslate(self) -> None:
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
