"""The row table: fixed-height rows over RowsModel, header clicks ask for a sort,
a header context menu chooses columns."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView

from app.core.query import SortSpec
from app.ui.models.rows_model import COLUMNS, RowsModel


class RowsView(QTableView):
    sortRequested = Signal(object)  # SortSpec
    currentPositionChanged = Signal(object)  # frame position (int) or None

    def __init__(self, model: RowsModel, parent=None) -> None:
        super().__init__(parent)
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
    def current_position(self) -> int | None:
        index = self.currentIndex()
        return self.rows_model.position(index.row()) if index.isValid() else None

    def select_position(self, position: int | None) -> bool:
        """Make the row showing frame ``position`` current; False when it is not shown."""
        row = None if position is None else self.rows_model.row_of_position(position)
        if row is None:
            return False
        index = self.rows_model.index(row, max(0, self.currentIndex().column()))
        self.setCurrentIndex(index)
        self.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def select_row(self, row: int) -> None:
        if 0 <= row < self.rows_model.rowCount():
            index = self.rows_model.index(row, 0)
            self.setCurrentIndex(index)
            self.scrollTo(index)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.currentPositionChanged.emit(self.rows_model.position(current.row()) if current.isValid() else None)
