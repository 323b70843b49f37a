"""The Stale Decisions dock: decisions that no longer apply to any row of the (changed)
release, as a queue. For the selected one: what was decided, the row now at its old
place, and, field by field, that row's text now against what re-applying would make it
(character highlights, plain text). Re-apply to that row, or discard; one undoable step
each, through the curation bridge. Nothing is decided here (core: Curation.stale,
reapply_stale, discard_stale)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QGridLayout, QHeaderView, QLabel, QPlainTextEdit,
                               QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget)

from app.core.curate.overlay import EDITABLE_FIELDS

from .history_models import value_text
from .history_panel import paint_diff
from .stale_model import StaleModel, decision_text, reason_text


class StalePanel(QWidget):
    reapplyRequested = Signal(object)  # list of rids of stale decisions (uint64: no Qt int type holds them)
    discardRequested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stalePanel")
        self.curation = None
        self.model = StaleModel(self)
        self.view = QTableView(self)
        self.view.setObjectName("staleList")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.setWordWrap(False)
        self.summary = self._label("staleSummary")
        self.decision = self._label("staleDecision")
        self.field = QComboBox(self)
        self.field.setObjectName("staleField")
        self.now_caption, self.then_caption = self._label("staleNowCaption"), self._label("staleThenCaption")
        self.now_view, self.then_view = self._text("staleNow"), self._text("staleThen")
        self.reapply_button = self._button("staleReapply")
        self.discard_button = self._button("staleDiscard")
        self.reapply_all_button = self._button("staleReapplyAll")
        self.discard_all_button = self._button("staleDiscardAll")
        self._build()
        self.view.selectionModel().currentRowChanged.connect(lambda _cur, _prev: self._show())
        self.field.currentIndexChanged.connect(lambda _i: self._show_text())
        self.reapply_button.clicked.connect(lambda: self._emit(self.reapplyRequested, self._current()))
        self.discard_button.clicked.connect(lambda: self._emit(self.discardRequested, self._current()))
        self.reapply_all_button.clicked.connect(lambda: self._emit(self.reapplyRequested, self._placeable()))
        self.discard_all_button.clicked.connect(lambda: self._emit(self.discardRequested, self._all()))
        # Keys in the queue: R re-applies, D (or Delete) discards the selected decision.
        for keys, signal in ((("R",), self.reapplyRequested), (("D", "Delete"), self.discardRequested)):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self.view)
                shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
                shortcut.activated.connect(lambda s=signal: self._emit(s, self._current(reapply=s is self.reapplyRequested)))
        self.retranslate()

    def _label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        return label

    def _text(self, name: str) -> QPlainTextEdit:
        view = QPlainTextEdit(self)
        view.setObjectName(name)
        view.setReadOnly(True)
        return view

    def _button(self, name: str) -> QPushButton:
        button = QPushButton(self)
        button.setObjectName(name)
        return button

    def _build(self) -> None:
        # Stacked, not side by side: the dock stays narrow enough for a 1366-pixel screen.
        detail = QWidget(self)
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(self.decision)
        dl.addWidget(self.field)
        for caption, view in ((self.now_caption, self.now_view), (self.then_caption, self.then_view)):
            dl.addWidget(caption)
            dl.addWidget(view, 1)
        top = QWidget(self)
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.summary)
        tl.addWidget(self.view, 1)
        buttons = QGridLayout()
        buttons.addWidget(self.reapply_button, 0, 0)
        buttons.addWidget(self.discard_button, 0, 1)
        buttons.addWidget(self.reapply_all_button, 1, 0)
        buttons.addWidget(self.discard_all_button, 1, 1)
        tl.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(detail)
        splitter.setSizes([220, 320])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(splitter)

    # -- content ---------------------------------------------------------------------------
    def set_curation(self, curation) -> None:
        self.curation = curation
        self.refresh()

    def refresh(self) -> None:
        """Re-read the queue (after any change); keeps the selected row's place."""
        c = self.curation
        row = max(0, self.view.currentIndex().row())
        if c is None:
            self.model.set_items([], {})
        else:
            self.model.set_items(c.stale, c.overlay)
        if self.model.rowCount():
            self.view.selectRow(min(row, self.model.rowCount() - 1))
        self._show()

    @property
    def count(self) -> int:
        return self.model.rowCount()

    def _current(self, *, reapply: bool = False) -> list[int]:
        item = self.model.item(self.view.currentIndex().row())
        if item is None or (reapply and item.here is None):
            return []
        return [item.rid]

    def _all(self) -> list[int]:
        return [self.model.item(i).rid for i in range(self.model.rowCount())]

    def _placeable(self) -> list[int]:
        return [s.rid for s in (self.model.item(i) for i in range(self.model.rowCount())) if s.here is not None]

    def _emit(self, signal, rids: list[int]) -> None:
        if rids and self.curation is not None and not self.curation.read_only:
            signal.emit(rids)

    def _here_row(self, rid: int | None) -> dict | None:
        """The row now at a stale decision's old place, as the table shows it."""
        if rid is None or self.curation is None:
            return None
        frame = self.curation.current_frame()
        found = frame.filter(frame["rid"] == rid)
        return found.row(0, named=True) if found.height else None

    def _show(self) -> None:
        row = self.view.currentIndex().row()
        item, state = self.model.item(row), self.model.state(row)
        n = self.model.rowCount()
        self.summary.setText(self.tr("%1 decisions no longer apply to the release: it changed since they were made. "
                                     "Re-apply each to the row now at its old place, or discard it.")
                             .replace("%1", f"{n:,}") if n else self.tr("No stale decisions."))
        current = self.field.currentData()
        self.field.blockSignals(True)
        self.field.clear()
        if item is None:
            self.decision.setText("")
        else:
            here = self._here_row(item.here)
            where = self.tr("the row now at %1").replace("%1", item.where) if here is not None else \
                self.tr("no row is at %1 now").replace("%1", item.where)
            self.decision.setText(self.tr("Decided: %1. Why it no longer applies: %2 (%3).")
                                  .replace("%1", decision_text(state)).replace("%2", reason_text(item.reason))
                                  .replace("%3", where))
            names = list(state.fields) if state is not None and state.fields else []
            for name in names + [f for f in ("instruction", "output") if f not in names]:
                self.field.addItem(name, name)
            keep = self.field.findData(current) if current in names or not names else -1  # an edited field first
            self.field.setCurrentIndex(keep if keep >= 0 else 0)
        self.field.blockSignals(False)
        self._show_text()
        writable = self.curation is not None and not self.curation.read_only
        self.reapply_button.setEnabled(writable and item is not None and item.here is not None)
        self.discard_button.setEnabled(writable and item is not None)
        self.reapply_all_button.setEnabled(writable and bool(self._placeable()))
        self.discard_all_button.setEnabled(writable and n > 0)

    def _show_text(self) -> None:
        """The row now at the old place (left) against what re-applying would make of it
        (right), for one field."""
        row = self.view.currentIndex().row()
        item, state, name = self.model.item(row), self.model.state(row), self.field.currentData()
        here = self._here_row(item.here) if item is not None else None
        if item is None or name not in EDITABLE_FIELDS or here is None:
            paint_diff(self.now_view, self.then_view, "", "")
            return
        now = value_text(here.get(name))
        then = value_text(state.fields[name]) if state is not None and name in state.fields else now
        paint_diff(self.now_view, self.then_view, now, then)

    # -- language -----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.now_caption.setText(self.tr("The row there now"))
        self.then_caption.setText(self.tr("After re-applying"))
        self.reapply_button.setText(self.tr("Re-apply (R)"))
        self.reapply_button.setToolTip(self.tr("Put this decision on the row now at its old place"))
        self.discard_button.setText(self.tr("Discard (D)"))
        self.reapply_all_button.setText(self.tr("Re-apply all"))
        self.reapply_all_button.setToolTip(self.tr("Re-apply every stale decision that has a row at its old place"))
        self.discard_all_button.setText(self.tr("Discard all"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 2)
        self._show()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
