"""Analyse in the main window: the handlers of the Analyse menu, the progress of the
passes in the status bar, the Analysis dock and the word-count facets, wired to the
session. Clicks become FilterSpecs (facets on the analysis columns); nothing is
decided here."""
from __future__ import annotations

import numpy as np
import polars as pl
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from app.core.figures import dashboard
from app.core.query import filters
from app.core.query.filters import FacetSel
from app.core.text import wordpass
from app.ui.browse.rows_model import ANALYSIS_KEYS, COLUMN_INDEX
from app.ui.common.workers import JobContext, Lane

from . import palette
from .analysis_ctl import AnalysisCtl
from .contam_ui import ContaminationUi

STATS_DELAY_MS = 250


def job_stats(ctx: JobContext, frame: pl.DataFrame, positions: np.ndarray, spec, matcher, dash: bool,
              diversity: bool) -> None:
    """The dashboard's tables for the filtered rows, and the diversity table for them
    without the chart's own verb/object selection (so the chart stays put while clicked)."""
    out: dict = {}
    if dash:
        sub = frame[positions]
        words = "tok_instruction" in sub.columns
        tokens = sub.select("rid", *wordpass.COUNT_COLUMNS.values(), "verb", "noun") if words else None
        out["tables"], out["rows"] = dashboard.all_tables(sub, tokens), sub.height
        out["colours"] = palette.source_colours(frame.select("source"))  # the whole release's: stable across filters
    if diversity and "verb" in frame.columns and not ctx.stale():
        own = spec.clear_facet("verb").clear_facet("noun")
        rows = positions if own == spec else filters.apply(frame, own, word_matcher=matcher).to_numpy()
        out["diversity"] = wordpass.top_verb_nouns(frame[rows].select("rid", "verb", "noun"), 20, 4)
    ctx.emit("stats", out)


class AnalysisProgress(QWidget):
    """Status bar: what is being analysed, how far, and Cancel."""

    cancelRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("analysisProgress")
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("analysisBar")
        self.bar.setMaximumWidth(160)
        self.bar.setRange(0, 1000)
        self.cancel = QToolButton(self)
        self.cancel.setObjectName("analysisCancel")
        self.cancel.clicked.connect(self.cancelRequested)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.label)
        lay.addWidget(self.bar)
        lay.addWidget(self.cancel)
        self.running: dict[str, tuple[int, int]] = {}
        self.retranslate()
        self.hide()

    def set_running(self, name: str, running: bool) -> None:
        if running:
            self.running.setdefault(name, (0, 0))
        else:
            self.running.pop(name, None)
        self._render()

    def set_progress(self, name: str, done: int, total: int) -> None:
        if name in self.running:
            self.running[name] = (done, total)
            self._render()

    def _render(self) -> None:
        self.setVisible(bool(self.running))
        if not self.running:
            return
        # The pass the curator asked for comes first; signals are short and automatic.
        name = next((n for n in ("tokens", "near", "contamination", "signals") if n in self.running),
                    next(iter(self.running)))
        done, total = self.running[name]
        self.label.setText(self._titles()[name])
        self.bar.setValue(int(1000 * done / total) if total else 0)
        self.cancel.setVisible(name != "signals")

    def _titles(self) -> dict[str, str]:
        return {"signals": self.tr("Checking quality signals…"), "tokens": self.tr("Text analysis (jieba)…"),
                "near": self.tr("Finding near duplicates…"),
                "contamination": self.tr("Checking benchmark contamination…")}

    def retranslate(self) -> None:
        self.cancel.setText(self.tr("Cancel"))
        self.cancel.setToolTip(self.tr("Stop the analysis (Analyse > Cancel Analysis)"))
        self._render()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()


class AnalysisUi(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.w = window
        self.session = window.session
        self.ctl = AnalysisCtl(window.session, window.curation, self)
        self.dock = None  # AnalysisDock, built on first use
        self.word_facets = None  # WordLengthFacets, once words are counted
        self.unit_switch = None
        self.dialog = None  # the user dictionary dialog last opened (tests look at it)
        self.progress = AnalysisProgress(window.status)
        window.status.addPermanentWidget(self.progress)
        self.progress.cancelRequested.connect(self.cancel)
        self.contamination = ContaminationUi(window, self)  # Analyse > Benchmark Contamination (issue 26)
        self._stats = Lane("analysis-stats", self)
        self._stats.result.connect(lambda _kind, payload: self._on_stats(payload))
        self._stats_timer = QTimer(self)
        self._stats_timer.setSingleShot(True)
        self._stats_timer.setInterval(STATS_DELAY_MS)
        self._stats_timer.timeout.connect(self._refresh_stats)
        for key in ANALYSIS_KEYS:  # in the column chooser, hidden until chosen
            window.table.setColumnHidden(COLUMN_INDEX[key], True)
        c, s = self.ctl, self.session
        c.progress.connect(self.progress.set_progress)
        c.running.connect(self._on_running)
        c.notice.connect(lambda message: window.status.showMessage(message, 10000))
        c.tokensReady.connect(self._on_tokens)
        c.wordsCancelled.connect(lambda: window.status.set_words("cancelled"))
        c.clustersReady.connect(self._on_clusters)
        c.columnsChanged.connect(self._stats_timer.start)
        s.rowsReady.connect(lambda _p: self._stats_timer.start())
        s.facetsReady.connect(self._on_facets)
        s.specChanged.connect(self._on_spec)
        s.histogramReady.connect(self._on_histogram)
        s.releaseChanged.connect(lambda _r: self._on_release())
        window.installEventFilter(self)

    def idle(self) -> bool:
        """No analysis pass and no statistics job running or about to start (tests)."""
        drawing = self.dock is not None and self.dock.dashboard.drawing
        return self.ctl.idle() and not self._stats.busy and not self._stats_timer.isActive() and not drawing \
            and not self.contamination.ctl.busy

    # -- Analyse menu ----------------------------------------------------------------------------------
    def run_text(self) -> None:
        if not self.ctl.run_text():
            self._say(self.tr("Open a release first."))

    def cancel(self) -> None:
        self.ctl.cancel()
        self.contamination.ctl.cancel()
        self._say(self.tr("Analysis cancelled."))

    def find_near_duplicates(self) -> None:
        self.show_tab("near")
        if self.ctl.clusters is None and not self.ctl.busy("near") and not self.ctl.run_near():
            self._say(self.tr("Open a release first."))

    def show_dashboard(self) -> None:
        self.show_tab("dashboard")

    def show_diversity(self) -> None:
        self.show_tab("diversity")

    def show_signals(self) -> None:
        self.show_tab("signals")

    def next_cluster(self) -> None:
        self.show_tab("near")
        self.dock.near.step(1)

    def previous_cluster(self) -> None:
        self.show_tab("near")
        self.dock.near.step(-1)

    def user_dictionary(self) -> None:
        from .userdict_dialog import UserDictDialog

        folder = self.ctl.project_dir
        if folder is None:
            self._say(self.tr("The user dictionary is kept in the curation project, and none is open for writing."))
            return
        self.dialog = UserDictDialog(folder, self.w)
        self.dialog.termsChanged.connect(lambda _terms: self.ctl.dictionary_changed())
        self.w.commands.dialog = self.dialog  # the window's last non-modal dialog
        self.dialog.open()

    # -- the dock --------------------------------------------------------------------------------------------
    def ensure_dock(self):
        if self.dock is None:
            from .analysis_dock import AnalysisDock

            self.dock = d = AnalysisDock(self.w)
            self.w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, d)
            self.w.resizeDocks([d], [max(520, self.w.width() // 2)], Qt.Orientation.Horizontal)
            d.wantedChanged.connect(self._stats_timer.start)
            d.diversity.verbClicked.connect(self.filter_verb)
            d.diversity.pairClicked.connect(self.filter_pair)
            d.near.runRequested.connect(lambda again: self.ctl.run_near(d.near.spin.value(), recompute=again))
            d.near.thresholdChanged.connect(self.ctl.set_threshold)
            d.near.clusterChosen.connect(self.filter_cluster)
            d.near.allRequested.connect(lambda: self.filter_signal("near_dup"))
            d.signals.filterRequested.connect(self.filter_signal)
            d.signals.reviewRequested.connect(self.review_signal)
            d.tabs.currentChanged.connect(lambda _i: self.contamination.show_current())
            self.contamination.attach(d.contamination)
            d.near.set_busy(self.ctl.busy("near"))
            self._on_clusters()
            self._on_facets(self.session.facets)
        return self.dock

    def show_tab(self, name: str) -> None:
        self.ensure_dock().show_tab(name)
        self._stats_timer.start()

    def _refresh_stats(self) -> None:
        d, s = self.dock, self.session
        tab = d.current() if d is not None else None
        if tab not in ("dashboard", "diversity") or s.frame is None:
            return  # statistics are computed only while on screen
        frame, positions, spec, matcher = s.frame, s.positions, s.spec, s.word_matcher
        dash, div = tab == "dashboard", tab == "diversity"
        self._stats.submit(lambda ctx: job_stats(ctx, frame, positions, spec, matcher, dash, div))

    def _on_stats(self, out: dict) -> None:
        if self.dock is None:
            return
        if "tables" in out:
            self.dock.dashboard.set_tables(out["tables"], out["rows"], out.get("colours"))
        if "diversity" in out:
            spec = self.session.spec
            verb, noun = spec.facet("verb").include, spec.facet("noun").include
            self.dock.diversity.set_table(out["diversity"], (verb[0] if len(verb) == 1 else None,
                                                             noun[0] if len(noun) == 1 else None))

    # -- clicks become filters ------------------------------------------------------------------------------
    def _set_spec(self, spec) -> None:
        self.session.set_spec(spec)

    def filter_signal(self, name: str) -> None:
        """Only rows with signal ``name`` (a click on it again shows every row)."""
        spec = self.session.spec
        sel = FacetSel() if spec.facet("signals").include == (name,) else FacetSel(include=(name,))
        self._set_spec(spec.with_facet("signals", sel).clear_facet("near_cluster"))

    def review_signal(self, name: str) -> None:
        """Filter to the signal, then walk its rows in review mode (they are the queue)."""
        spec = self.session.spec.with_facet("signals", FacetSel(include=(name,)))
        review = self.w.commands.review
        if spec == self.session.spec:
            review.enter()
            return

        def ready(_positions) -> None:
            self.session.rowsReady.disconnect(ready)
            review.enter()

        self.session.rowsReady.connect(ready)
        self._set_spec(spec)

    def filter_verb(self, verb: str) -> None:
        spec = self.session.spec
        again = spec.facet("verb").include == (verb,) and not spec.facet("noun").active
        self._set_spec(spec.with_facet("verb", FacetSel() if again else FacetSel(include=(verb,))).clear_facet("noun"))

    def filter_pair(self, verb: str, noun: str) -> None:
        spec = self.session.spec
        again = spec.facet("verb").include == (verb,) and spec.facet("noun").include == (noun,)
        spec = spec.with_facet("verb", FacetSel(include=(verb,)))
        self._set_spec(spec.clear_facet("noun") if again else spec.with_facet("noun", FacetSel(include=(noun,))))

    def filter_cluster(self, cluster) -> None:
        spec = self.session.spec
        sel = FacetSel() if cluster is None else FacetSel(include=(str(cluster),))
        self._set_spec(spec.with_facet("near_cluster", sel))

    # -- results in ----------------------------------------------------------------------------------------
    def _on_release(self) -> None:
        if self.word_facets is not None:  # no word counts until this release's text pass (or cache)
            self.show_words(False)
            self.unit_switch.words.setEnabled(False)
        if self.dock is not None:
            self.dock.near.set_clusters(None, None, self.ctl.threshold)
            self.dock.diversity.set_table(None)
            self.dock.signals.set_counts(None)

    def _on_running(self, name: str, running: bool) -> None:
        self.progress.set_running(name, running)
        if name == "near" and self.dock is not None:
            self.dock.near.set_busy(running)

    def _on_tokens(self) -> None:
        if self.word_facets is None:
            from .word_lengths import UnitSwitch, WordLengthFacets

            layout = self.w.lengths_holder.layout()
            self.unit_switch = UnitSwitch(self.w.lengths_holder)
            self.word_facets = WordLengthFacets(self.w.lengths_holder)
            self.word_facets.hide()
            layout.insertWidget(0, self.unit_switch)
            layout.addWidget(self.word_facets)
            self.unit_switch.toggled.connect(self.show_words)
            self.word_facets.rangeChanged.connect(lambda col, sel: self._set_spec(self.session.spec.with_range(col, sel)))
            self.word_facets.logToggled.connect(self.session.set_log_scale)
            self.word_facets.set_spec(self.session.spec)
        self.unit_switch.words.setEnabled(True)
        self._say(self.tr("Text analysis ready: word counts, verbs and objects, whole-word search."))

    def show_words(self, words: bool) -> None:
        """The length facets in words (True) or characters."""
        if self.word_facets is None:
            return
        if self.w.lengths is not None:
            self.w.lengths.setVisible(not words)
        self.word_facets.setVisible(words)
        if self.unit_switch.words.isChecked() != words:
            (self.unit_switch.words if words else self.unit_switch.chars).setChecked(True)

    def _on_histogram(self, column: str, edges, counts, log: bool) -> None:
        if self.word_facets is not None:
            self.word_facets.set_histogram(column, edges, counts, log)

    def _on_clusters(self) -> None:
        if self.dock is None:
            return
        c = self.ctl.clusters
        self.dock.near.set_clusters(self.ctl.cluster_list, c.members.height if c is not None else None,
                                    self.ctl.threshold)
        self._on_spec(self.session.spec)

    def _on_facets(self, result) -> None:
        if self.dock is None:
            return
        counts = result.counts.get("signals") if result is not None else None
        selected = self.session.spec.facet("signals").include
        self.dock.signals.set_counts(counts.as_dict() if counts is not None else None, selected,
                                     near_known=self.ctl.clusters is not None)

    def _on_spec(self, spec) -> None:
        if self.word_facets is not None:
            self.word_facets.set_spec(spec)
        if self.dock is not None:
            chosen = spec.facet("near_cluster").include
            self.dock.near.select_cluster(int(chosen[0]) if len(chosen) == 1 else None)

    def _say(self, text_: str) -> None:
        self.w.status.showMessage(text_, 8000)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self.w and event.type() == QEvent.Type.Close:
            self.ctl.shutdown()  # workers stop before the session and the project go
            self.contamination.ctl.shutdown()
            self._stats.cancel()
            self._stats.wait(5000)
        return False
