"""Analyse > Benchmark Contamination in the window: choosing the benchmarks, running the
check (ContaminationCtl), the Contamination tab following the current row, and the bulk
reject of the filter's flagged rows with the reason 'benchmark contamination'. Which rows
match and what they share is the core's; this only routes."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QSettings, QTimer

from app.core.curate.edits import Reject
from app.core.text.contamination.highlight import shared_spans
from app.ui.common import dialogs
from .contam_ctl import ContaminationCtl

REASON = "benchmark contamination"  # the reject reason, as the issue names it
SETTINGS_KEY = "contamination/benchmarks"


class ContaminationUi(QObject):
    def __init__(self, window, analysis) -> None:
        super().__init__(window)
        self.w, self.analysis = window, analysis
        self.ctl = ContaminationCtl(window.session, self)
        self.panel = None  # the dock's Contamination tab, once the dock exists
        saved = QSettings().value(SETTINGS_KEY, [])
        self.paths: list[str] = [str(p) for p in (saved if isinstance(saved, list) else [saved]) if p]
        progress = analysis.progress
        self.ctl.running.connect(lambda busy: progress.set_running("contamination", busy))
        self.ctl.progress.connect(lambda done, total: progress.set_progress("contamination", done, total))
        self.ctl.failed.connect(self._on_failed)
        self.ctl.ready.connect(self._on_ready)
        # The row the detail view shows changes on a key or click, and when new rows arrive;
        # the window picks it in its own handler of the same signals, so look once it has
        # (a zero timer, which also folds several changes into one look).
        self._follow = QTimer(self)
        self._follow.setSingleShot(True)
        self._follow.setInterval(0)
        self._follow.timeout.connect(self.show_current)
        window.table.currentPositionChanged.connect(lambda _p: self._follow.start())
        window.session.rowsReady.connect(lambda _p: self._follow.start())
        window.session.frameReplaced.connect(lambda _f, _c: self._follow.start())

    def attach(self, panel) -> None:
        self.panel = panel
        panel.set_paths(self.paths)
        panel.addFolderRequested.connect(self.add_folder)
        panel.addFilesRequested.connect(self.add_files)
        panel.clearRequested.connect(self.clear)
        panel.runRequested.connect(self.run)
        panel.rejectRequested.connect(self.reject_filter)

    # -- Analyse menu -------------------------------------------------------------------------
    def show(self) -> None:
        """Ctrl+Alt+B: the Contamination tab; the first time, the benchmarks to check against."""
        self.analysis.show_tab("contamination")
        if not self.paths:
            self.add_folder()
        elif self.ctl.matches is None and not self.ctl.busy:
            self.run()

    def add_folder(self) -> None:
        path = dialogs.open_folder(self.w, self.tr("Add a benchmark folder"), self._start())
        if path:
            self._add([path])

    def add_files(self) -> None:
        self._add(dialogs.open_benchmark_files(self.w, self.tr("Add benchmark files"), self._start()))

    def clear(self) -> None:
        self._set_paths([])

    def _start(self) -> str:
        return self.paths[-1] if self.paths else ""

    def _add(self, paths: list[str]) -> None:
        if paths:
            self._set_paths(self.paths + [p for p in paths if p not in self.paths])
            self.run()

    def _set_paths(self, paths: list[str]) -> None:
        self.paths = paths
        QSettings().setValue(SETTINGS_KEY, paths)
        if self.panel is not None:
            self.panel.set_paths(paths)

    def run(self, ngram: int | None = None) -> None:
        ngram = ngram or (self.panel.ngram.value() if self.panel is not None else self.ctl.ngram)
        if not self.paths:
            self._say(self.tr("Add the benchmarks to check against first."))
        elif not self.ctl.run(self.paths, ngram):
            self._say(self.tr("Open a release first."))
        elif self.panel is not None:
            self.panel.set_summary("running")

    def reject_filter(self) -> None:
        """Ctrl+Alt+Shift+B: reject the rows of the current filter that share an n-gram with
        a benchmark question, after a confirmation stating how many."""
        frame, positions = self.w.session.frame, self.w.model.positions
        if frame is None or "contamination" not in frame.columns:
            self._say(self.tr("Run Analyse > Benchmark Contamination first."))
            return
        flagged = frame.get_column("contamination").is_not_null().to_numpy()
        rids = self.w.curation.rids_at(positions[flagged[positions]] if positions.size else np.zeros(0, np.uint32))
        if not rids:
            self._say(self.tr("No row of the current filter shares text with a benchmark question."))
            return
        text = (self.tr("Reject %1 rows of the current filter that share text with a benchmark question, "
                        "with the reason \u201c%2\u201d?").replace("%1", f"{len(rids):,}").replace("%2", REASON))
        self.w.commands.curate.confirm_and_apply(text, Reject(rids, REASON))

    # -- results ---------------------------------------------------------------------------------------
    def _on_failed(self, message: str) -> None:
        self._say(self.tr("Benchmark contamination: %1").replace("%1", message), 15000)
        if self.panel is not None:
            self.panel.set_summary("failed")

    def _on_ready(self) -> None:
        ctl = self.ctl
        if self.panel is not None and ctl.matches is not None and ctl.index is not None:
            flagged = int(ctl.matches.get_column("contamination").is_not_null().sum())
            self.panel.set_summary("done", flagged, ctl.matches.height, ctl.index.questions.height, ctl.index.seen,
                                   ctl.index.ngram)
        self.show_current()

    def show_current(self) -> None:
        """The current row beside its best question, when the tab is on screen."""
        panel = self.panel
        if panel is None or self.analysis.dock is None or self.analysis.dock.current() != "contamination":
            return
        frame, position = self.w.session.frame, self.w.detail_position
        if frame is None or position is None or "contam_question" not in frame.columns:
            panel.show_pair(None, None)
            return
        # Single values, not a select: that could wait behind a worker's query in Polars' pool.
        row = {c: frame.get_column(c)[position] for c in ("instruction", "input", "contam_question", "contam_overlap")}
        instruction, input_ = row["instruction"] or "", row["input"] or ""
        text = instruction + ("\n" + input_ if input_ else "")
        question = self.ctl.question(row["contam_question"]) if row["contam_question"] is not None else None
        if question is None:
            panel.show_pair((text, []), None)
            return
        spans, q_spans = shared_spans({"instruction": instruction, "input": input_}, question["question"],
                                      self.ctl.index.ngram)
        shift = len(instruction) + 1
        row_spans = spans["instruction"] + [(a + shift, b + shift) for a, b in spans["input"]]
        where = f"{question['benchmark_file']} #{question['question_index']}"
        panel.show_pair((text, row_spans), (question["question"], q_spans), where, row["contam_overlap"])

    def _say(self, text: str, msecs: int = 8000) -> None:
        self.w.status.showMessage(text, msecs)
