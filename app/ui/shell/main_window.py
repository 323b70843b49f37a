"""The main window: composes the widgets, the action table and the browse session,
and wires their signals. It holds no logic of its own."""
from __future__ import annotations

import importlib
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QSplitter, QToolBar, QVBoxLayout, QWidget

from app.ui.browse.detail_view import DetailView
from app.ui.browse.facet_panel import FacetPanel
from app.ui.browse.match_delegate import MatchDelegate
from app.ui.browse.rows_model import COLUMN_INDEX, RowsModel
from app.ui.browse.rows_view import RowsView
from app.ui.browse.search_bar import SearchBar
from app.ui.browse.session import BrowseSession
from app.ui.browse.status_bar import StatusBar
from app.ui.common import themes
from app.ui.common.workers import Lane, freeze_heap
from app.ui.curate.curate_wiring import CurateUi
from app.ui.curate.curation_ctl import CurationCtl

from .actions import ActionRegistry
from .commands import Commands
from .fonts import FontManager
from .glyph_warmup import GlyphWarmup
from .last_view import LastView
from .settings import APP_NAME, Settings

PRELOAD_AFTER_MS = 1000
LANGUAGE_ACTIONS = {"system": "view.lang_system", "en": "view.lang_en", "zh_CN": "view.lang_zh"}


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings, fonts: FontManager, session: BrowseSession | None = None,
                 parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.settings, self.fonts = settings, fonts
        # launch.run may hand over a session whose load started before this window existed.
        self.session = session or BrowseSession()
        self.session.setParent(self)
        # The curation bridge opens the project of every release the session loads.
        self.curation = CurationCtl(self.session, self)
        self.model = RowsModel(self)
        self.table = RowsView(self.model, self)
        self._match_delegates = []  # the text columns mark the search's matches (issue 25.1)
        for key in ("instruction", "output"):
            delegate = MatchDelegate(self.table)
            self.table.setItemDelegateForColumn(COLUMN_INDEX[key], delegate)
            self._match_delegates.append(delegate)
        self.detail = DetailView(self)
        self.search_bar = SearchBar(self)
        self.facets = FacetPanel(self)
        self.lengths = None  # LengthFacets once all its charts exist (pyqtgraph is imported in the background)
        self._lengths_widget = None
        self._histograms: dict[str, tuple] = {}
        self.detail_position: int | None = None  # frame position shown in the detail view: the table's current row
        self._rows_spec = None  # the view the table's rows answer (a new one starts at its first row)
        self.view_after_load = None  # a FilterSpec to apply once the release is in (launch --view)
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self._build_layout()
        self.commands = Commands(self)
        self.registry = ActionRegistry(self, self.commands)
        self.registry.menus["file/recent"].aboutToShow.connect(self._fill_recent)
        self.registry["view.dark_theme"].setChecked(themes.current_theme() == "dark")
        self.registry[LANGUAGE_ACTIONS.get(settings.language, "view.lang_system")].setChecked(True)
        self.registry["file.cancel_load"].setEnabled(False)
        self._preload = Lane("preload", self)
        self._preload.result.connect(lambda _kind, _payload: self._build_lengths())
        self._preload_asked = False
        self._preload.failed.connect(lambda _m, _d: setattr(self, "_preload_asked", False))  # next release retries
        # A load still running after this long: import pyqtgraph meanwhile. Its import holds
        # the GIL for most of a second, which would stall the first paints of the rows if it
        # started when they arrive; a short load (startup) is not slowed down by it.
        self._preload_timer = QTimer(self)
        self._preload_timer.setSingleShot(True)
        self._preload_timer.setInterval(PRELOAD_AFTER_MS)
        self._preload_timer.timeout.connect(lambda: self.session.loading and self._start_preload())
        self.glyphs = GlyphWarmup(self)  # the common glyphs drawn before the rows need them
        self._wire()
        self.curate_ui = CurateUi(self, self.commands.curate)  # edits into the table/detail, undo titles, history dock
        self.last_view = LastView(self)  # the view kept as the curator works, back after a crash
        self.setAcceptDrops(True)
        self.retranslate()
        self._restore_layout()
        if self.session.loading:
            self._show_loading(self.session.loading_paths)

    # -- composition ------------------------------------------------------------------------------
    def _build_layout(self) -> None:
        bar = QToolBar(self)
        bar.setObjectName("searchToolBar")
        bar.setMovable(False)
        bar.addWidget(self.search_bar)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.lengths_holder = QWidget(self)
        self.lengths_holder.setObjectName("lengthsHolder")
        self._lengths_note = QLabel(self.lengths_holder)
        self._lengths_note.setTextFormat(Qt.TextFormat.PlainText)
        QVBoxLayout(self.lengths_holder).addWidget(self._lengths_note)
        self.left_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.left_splitter.setObjectName("leftSplitter")
        self.left_splitter.addWidget(self.facets)
        self.left_splitter.addWidget(self.lengths_holder)
        self.left_splitter.setSizes([500, 330])
        self.right_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.right_splitter.setObjectName("rightSplitter")
        self.right_splitter.addWidget(self.table)
        self.right_splitter.addWidget(self.detail)
        self.right_splitter.setSizes([420, 420])
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_splitter.setObjectName("mainSplitter")
        self.main_splitter.addWidget(self.left_splitter)
        self.main_splitter.addWidget(self.right_splitter)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setSizes([330, 1100])
        self.setCentralWidget(self.main_splitter)
        # Never larger than the screen (at 1366x768 a 1500-pixel window hid its right edge).
        room = self.screen().availableGeometry() if self.screen() is not None else None
        self.resize(min(1500, room.width()) if room else 1500, min(950, room.height()) if room else 950)

    def _wire(self) -> None:
        s = self.session
        s.releaseChanged.connect(self._on_release)
        s.frameReplaced.connect(self._on_frame_replaced)
        s.rowsReady.connect(self._on_rows)
        s.facetsReady.connect(lambda result: self.facets.show_counts(result, s.spec, s.expanded))
        s.specChanged.connect(self._on_spec)
        s.wordsNeeded.connect(self._on_words_needed)
        s.histogramReady.connect(self._on_histogram)
        s.loadProgress.connect(self.status.set_progress)
        s.loadFinished.connect(self._on_load_finished)
        s.busyChanged.connect(self.status.set_busy)
        s.error.connect(lambda message: self.status.showMessage(message, 10000))
        self.table.currentPositionChanged.connect(self.show_detail)
        self.table.sortRequested.connect(lambda sort: s.set_spec(s.spec.with_sort(sort)))
        self.search_bar.searchChanged.connect(lambda search: s.set_spec(s.spec.with_search(search)))
        self.facets.includeToggled.connect(lambda c, v: s.set_spec(s.spec.toggle_include(c, v)))
        self.facets.excludeToggled.connect(lambda c, v: s.set_spec(s.spec.toggle_exclude(c, v)))
        self.facets.facetCleared.connect(self._clear_facet)
        self.facets.expandRequested.connect(s.expand)
        self.detail.matchChanged.connect(self._on_match)
        self.status.reportRequested.connect(self.commands.show_load_report)
        self.status.cancelRequested.connect(self.commands.cancel_load)

    # -- opening -------------------------------------------------------------------------------------
    def open_paths(self, paths: list[str]) -> None:
        self.session.open(paths)
        self._show_loading(paths)

    def _show_loading(self, paths: list[str]) -> None:
        self.glyphs.start()  # the GUI thread is idle while a release loads: warm the glyphs now
        if self._lengths_widget is None:
            self._preload_timer.start()
        self.registry["file.cancel_load"].setEnabled(True)
        self.status.set_loading(True, ", ".join(Path(p).name for p in paths))

    def _on_load_finished(self, ok: bool, message: str) -> None:
        self.registry["file.cancel_load"].setEnabled(self.session.loading)
        self.status.set_loading(self.session.loading)
        if not ok and message:
            self.status.showMessage(message, 10000)
        if ok and self.view_after_load is not None:
            spec, self.view_after_load = self.view_after_load, None
            self.session.set_spec(spec)

    def _on_release(self, release) -> None:
        self.model.set_frame(release.frame, self.session.positions)
        self._rows_spec = None
        self.show_detail(None)  # a position of the previous release means nothing here
        self.status.set_report(release.report)
        self.setWindowTitle(f"{release.name} — {APP_NAME}")
        self.settings.add_recent([str(p) for p in release.paths])
        self._start_preload()

    def _start_preload(self) -> None:
        """Import pyqtgraph in the background; the length charts are built once it is in."""
        if self._lengths_widget is None and not self._preload_asked:
            self._preload_asked = True
            self._preload.submit(lambda ctx: ctx.emit("ready", importlib.import_module("pyqtgraph")))

    def _on_frame_replaced(self, frame, changed) -> None:
        self.model.replace_frame(frame, changed)
        self.show_detail(self.detail_position)

    def _fill_recent(self) -> None:
        menu = self.registry.menus["file/recent"]
        menu.clear()
        for paths in self.settings.recent():
            menu.addAction(" + ".join(paths), lambda p=paths: self.open_paths(p))
        if menu.isEmpty():
            menu.addAction(self.tr("(none)")).setEnabled(False)

    # -- results ------------------------------------------------------------------------------------------
    def _on_rows(self, positions) -> None:
        """New rows for the view. The shown row stays current if it is still there; if it
        left, the next current row is the first one of a new filter, search or sort, or the
        row that slid into its place when a decision or undo took it out of the same view.
        Either way the detail view then shows the table's current row (or nothing)."""
        previous, row = self.detail_position, self.table.currentIndex().row()
        same_view = self.session.rows_spec == self._rows_spec
        self._rows_spec = self.session.rows_spec
        self.model.set_positions(positions)
        if not self.table.select_position(previous):
            self.table.select_row(min(row, len(positions) - 1) if same_view and row >= 0 else 0)
        self.show_detail(self.table.current_position())  # never a row the table no longer shows
        spec = self.session.rows_spec  # what these rows answer: never name a newer or older query
        for delegate in self._match_delegates:
            delegate.set_search(spec.search)
        self.table.viewport().update()
        self.status.set_counts(len(positions), self.session.total_rows, spec)
        if self.session.waiting_words:
            self.search_bar.set_searching(building=True)
        elif spec != self.session.spec and self.session.spec.search.active:
            self.search_bar.set_searching()
        else:
            self.search_bar.set_match_count(len(positions) if spec.search.active else None)

    def _on_words_needed(self, spec) -> None:
        self.status.set_words("building" if spec is not None else None)

    def _on_spec(self, spec) -> None:
        if spec.search.active and spec.search != self.session.rows_spec.search:
            self.search_bar.set_searching()  # the older query's count must not stay
        self.facets.set_spec(spec)
        self.search_bar.set_spec(spec.search)
        self.table.set_sort(spec.sort)
        self.detail.set_search(spec.search)
        if self.lengths is not None:
            self.lengths.set_spec(spec)

    def _on_histogram(self, column: str, edges, counts, log: bool) -> None:
        self._histograms[column] = (edges, counts, log)
        if self.lengths is not None:
            self.lengths.set_histogram(column, edges, counts, log)

    def _build_lengths(self) -> None:
        """Charts are built one per event-loop turn so no single step stalls the GUI."""
        from app.ui.browse.length_facets import CHART_STEP_MS, LengthFacets

        if self._lengths_widget is None:
            self._lengths_widget = LengthFacets(self.lengths_holder, build_now=False)
            self._lengths_widget.rangeChanged.connect(
                lambda c, sel: self.session.set_spec(self.session.spec.with_range(c, sel)))
            self._lengths_widget.logToggled.connect(self.session.set_log_scale)
            self._lengths_note.hide()
            self.lengths_holder.layout().addWidget(self._lengths_widget)
        if self._lengths_widget.add_chart():
            # A timer, not a posted call: queued steps would run back to back in one turn.
            QTimer.singleShot(CHART_STEP_MS, self, self._build_lengths)
            return
        self.lengths = self._lengths_widget
        freeze_heap()  # pyqtgraph's modules and the charts stay for good
        for column, (edges, counts, log) in self._histograms.items():
            self.lengths.set_histogram(column, edges, counts, log)
        self.lengths.set_spec(self.session.spec)

    def _clear_facet(self, column: str) -> None:
        from app.ui.browse.session import CHILD_FACETS

        spec = self.session.spec
        if not column:
            spec = spec.clear_all()
        else:
            spec = spec.clear_facet(column)
            if column in CHILD_FACETS:
                spec = spec.clear_facet(CHILD_FACETS[column])
        self.session.set_spec(spec)

    # -- detail ------------------------------------------------------------------------------------------
    def show_detail(self, position) -> None:
        self.detail_position = position
        release = self.session.release
        self.detail.show_row(self.session.frame, position, release.root if release else None, self.session.spec.search)

    def _on_match(self, current: int, total: int) -> None:
        if total:
            self.status.showMessage(self.tr("match %1 of %2 (F3 / Shift+F3)").replace("%1", str(current))
                                    .replace("%2", str(total)), 3000)

    # -- looks, language, layout ----------------------------------------------------------------------------
    def theme_changed(self) -> None:
        if self.lengths is not None:
            self.lengths.apply_theme()
        self.facets.set_spec(self.session.spec)
        self.detail.repaint_matches()

    def retranslate(self) -> None:
        self.registry.retranslate()
        self.model.retranslate()  # a model gets no LanguageChange: its status words are cached
        self.curate_ui.retranslate()  # after the registry: undo/redo titles name the change
        self._lengths_note.setText(self.tr("Length charts appear once a release is loaded."))
        if self.session.release is None:
            self.setWindowTitle(APP_NAME)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()

    _LAYOUT = ("main_splitter", "left_splitter", "right_splitter")

    def _restore_layout(self) -> None:
        if (geometry := self.settings.state("geometry")) is not None:
            self.restoreGeometry(geometry)
        for name in self._LAYOUT:
            if (state := self.settings.state(name)) is not None:
                getattr(self, name).restoreState(state)
        if (state := self.settings.state("table_header")) is not None:
            self.table.horizontalHeader().restoreState(state)
        if (state := self.settings.state("detail_splitter")) is not None:
            self.detail.splitter.restoreState(state)

    def save_layout(self) -> None:
        self.settings.set_state("geometry", self.saveGeometry())
        for name in self._LAYOUT:
            self.settings.set_state(name, getattr(self, name).saveState())
        self.settings.set_state("table_header", self.table.horizontalHeader().saveState())
        self.settings.set_state("detail_splitter", self.detail.splitter.saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.glyphs.stop()
        self.session.shutdown()
        self.curation.shutdown()  # releases the project lock
        self._preload.wait(5000)
        super().closeEvent(event)

    # -- docks ---------------------------------------------------------------------------------------------------
    def docks(self) -> list[QDockWidget]:
        return [d for d in self.findChildren(QDockWidget) if d.parent() is self]

    def open_dock(self, name: str) -> None:
        """Make a dock that is built on demand (the analysis dock), so a saved layout can place it."""
        if name == "analysisDock":
            self.commands.analysis.ensure_dock()

    # -- drag and drop ---------------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.open_paths(paths))
