"""The row table: fixed-height rows over RowsModel, header clicks ask for a sort,
a header context menu chooses columns; its current row is the row the curator acts on."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView

from app.core.query.filters import SortSpec

from .rows_model import COLUMNS, RowsModel

_NAV_KEYS = frozenset((Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home,
                       Qt.Key.Key_End, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown))


class RowsView(QTableView):
    sortRequested = Signal(object)  # SortSpec
    currentPositionChanged = Signal(object)  # frame position (int) or None

    def __init__(self, model: RowsModel, parent=None) -> None:
        super().__init__(parent)
        self._programmatic = False  # select_position / select_row running: a plain move
        self.setObjectName("rowsView")
        self.setModel(model)
        self._sort = SortSpec()
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setAlternatingRowColors(True)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSortingEnabled(False)  # Polars sorts, in a worker; the header only asks
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.sectionClicked.connect(self._on_section_clicked)
        self.apply_metrics()
        self.selectionModel().currentRowChanged.connect(self._on_current_changed)

    @property
    def rows_model(self) -> RowsModel:
        return self.model()

    # -- sizes --------------------------------------------------------------------------
    def apply_metrics(self, widths: bool = True) -> None:
        """Fixed row height from the font, so 500,000 rows scroll without measuring."""
        fm = self.fontMetrics()
        self.verticalHeader().setDefaultSectionSize(fm.height() + 6)
        self.verticalHeader().setMinimumSectionSize(fm.height() + 2)
        if widths:
            for i, col in enumerate(COLUMNS):
                self.horizontalHeader().resizeSection(i, max(40, col.width * fm.averageCharWidth() + 16))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.apply_metrics(widths=False)

    # -- sorting ------------------------------------------------------------------------
    def set_sort(self, sort: SortSpec) -> None:
        """Show the spec's sort order in the header (ascending -> descending -> none)."""
        self._sort = sort
        section = next((i for i, c in enumerate(COLUMNS) if c.sort == sort.column), -1) if sort.column else -1
        order = Qt.SortOrder.DescendingOrder if sort.descending else Qt.SortOrder.AscendingOrder
        self.horizontalHeader().setSortIndicator(section, order)

    def _on_section_clicked(self, section: int) -> None:
        column = self.rows_model.sort_column(section)
        if column is None:
            self.set_sort(self._sort)  # undo the header's own indicator flip
            return
        if self._sort.column != column:
            wanted = SortSpec(column, False)
        elif not self._sort.descending:
            wanted = SortSpec(column, True)
        else:
            wanted = SortSpec()
        self.set_sort(wanted)
        self.sortRequested.emit(wanted)

    # -- column chooser -------------------------------------------------------------------
    def column_menu(self) -> QMenu:
        menu = QMenu(self)
        header = self.horizontalHeader()
        for i, col in enumerate(COLUMNS):
            act = menu.addAction(QCoreApplication.translate("RowsModel", col.title))
            act.setCheckable(True)
            act.setChecked(not header.isSectionHidden(i))
            act.setData(i)
            act.toggled.connect(lambda on, i=i: self.set_column_visible(i, on))
        return menu

    def set_column_visible(self, section: int, visible: bool) -> None:
        header = self.horizontalHeader()
        if not visible and header.count() - header.hiddenSectionCount() <= 1:
            return  # keep at least one column
        header.setSectionHidden(section, not visible)

    def _header_menu(self, pos: QPoint) -> None:
        self.column_menu().exec(self.horizontalHeader().mapToGlobal(pos))

    # -- current row ----------------------------------------------------------------------
    # ONE row is "the row": the current index. The detail view shows it (currentPositionChanged)
    # and every single-row command acts on it. Its highlight never disagrees: a selection
    # always holds the current row, and a selection of one row is the current row. Only a
    # selection of two or more rows is something else (multi-row commands, count confirmed).
    def current_position(self) -> int | None:
        index = self.currentIndex()
        return self.rows_model.position(index.row()) if index.isValid() else None

    def selected_positions(self) -> np.ndarray:
        """Frame positions of the highlighted rows, in table order."""
        rows = [np.arange(r.top(), r.bottom() + 1) for r in self.selectionModel().selection()]
        if not rows:
            return np.zeros(0, dtype=np.uint32)
        positions = self.rows_model.positions
        idx = np.unique(np.concatenate(rows))
        return positions[idx[idx < positions.size]]

    def selectionCommand(self, index, event=None):  # noqa: N802 - Qt's name
        """Ctrl+arrows / Home / End / PageUp / PageDown move the current row without
        selecting in Qt (to Ctrl+Space-toggle later): the highlight would stay behind on a
        row the curator no longer sees. Here they select like the plain keys. A move made
        by the program (select_position / select_row: a recount, a search, a cluster step)
        is a plain move too, whatever modifier keys are still held: Qt would read a held
        Ctrl as Ctrl+click and toggle the highlight."""
        rows = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        if event is None and self._programmatic:
            return rows
        if event is not None and event.type() == QEvent.Type.KeyPress and event.key() in _NAV_KEYS \
                and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            return rows
        return super().selectionCommand(index, event)

    def _move_to(self, row: int) -> None:
        index = self.rows_model.index(row, max(0, self.currentIndex().column()))
        self._programmatic = True
        try:
            self.setCurrentIndex(index)
        finally:
            self._programmatic = False

    def select_position(self, position: int | None) -> bool:
        """Make the row showing frame ``position`` current; False when it is not shown.
        When it is current already, a selection of several rows around it stays."""
        row = None if position is None else self.rows_model.row_of_position(position)
        if row is None:
            return False
        current = self.currentIndex()
        if current.isValid() and current.row() == row:
            self._sync_selection()
        else:
            self._move_to(row)
        self.scrollTo(self.currentIndex(), QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def select_row(self, row: int) -> None:
        if 0 <= row < self.rows_model.rowCount():
            self._move_to(row)
            self.scrollTo(self.currentIndex())

    def _sync_selection(self) -> None:
        """Hold the rule above after Qt changed the current row or the selection: an empty
        selection gets the current row; a current row outside the selection moves to the
        nearest highlighted row (e.g. Ctrl+click took it out)."""
        sm = self.selectionModel()
        current = self.currentIndex()
        if not current.isValid():
            return
        row = current.row()
        # (Ranges, not isRowSelected: a range may leave out hidden columns.)
        ranges = [(r.top(), r.bottom()) for r in sm.selection() if r.isValid()]
        if any(top <= row <= bottom for top, bottom in ranges):
            return
        if not ranges:
            sm.select(current, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            return
        near = min((top if row < top else bottom for top, bottom in ranges), key=lambda r: abs(r - row))
        sm.setCurrentIndex(self.rows_model.index(near, current.column()), QItemSelectionModel.SelectionFlag.NoUpdate)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        super().keyPressEvent(event)
        self._sync_selection()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mousePressEvent(event)
        self._sync_selection()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseMoveEvent(event)
        self._sync_selection()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        self._sync_selection()

    def focusInEvent(self, event) -> None:  # noqa: N802
        super().focusInEvent(event)  # Qt may make the first row current here, unselected
        self._sync_selection()

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.currentPositionChanged.emit(self.rows_model.position(current.row()) if current.isValid() else None)
