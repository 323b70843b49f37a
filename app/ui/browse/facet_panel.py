"""The facet tree: each facet's values with their counts over the current filter.

Click a value to include it (values in one facet OR together), Ctrl+click (or the
context menu, or the Minus key) to exclude it. Source values expand to their subsets
and task majors to their minors. Long lists show the top values and a "show all" row.
The panel only reports what was clicked; the session turns that into a FilterSpec.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt, QT_TRANSLATE_NOOP, Signal
from PySide6.QtGui import QBrush, QFont, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTreeWidget, QTreeWidgetItem

from app.core.query.curationfacets import YES_NO as YES_NO_FACETS
from app.core.query.filters import FilterSpec
from app.ui.common import themes
from app.ui.common.labels import bin_text, signal_title
from app.ui.common.text_display import reveal

from .rows_model import status_label
from .session import CHILD_FACETS, FacetsResult

ROLE = Qt.ItemDataRole.UserRole
CAP = 8  # values shown per facet before "show all"
FACET_TITLES = {
    "source": QT_TRANSLATE_NOOP("FacetPanel", "Source"),
    "subset": QT_TRANSLATE_NOOP("FacetPanel", "Subset"),
    "task_major": QT_TRANSLATE_NOOP("FacetPanel", "Task"),
    "task_minor": QT_TRANSLATE_NOOP("FacetPanel", "Task (minor)"),
    "domain": QT_TRANSLATE_NOOP("FacetPanel", "Domain"),
    "answer_from": QT_TRANSLATE_NOOP("FacetPanel", "Answer from"),
    "human_verified": QT_TRANSLATE_NOOP("FacetPanel", "Human verified"),
    "format": QT_TRANSLATE_NOOP("FacetPanel", "Format"),
    "n_turns": QT_TRANSLATE_NOOP("FacetPanel", "Turns"),
    "roles": QT_TRANSLATE_NOOP("FacetPanel", "Roles"),
    "status": QT_TRANSLATE_NOOP("FacetPanel", "Status"),
    "signals": QT_TRANSLATE_NOOP("FacetPanel", "Quality"),
    "contamination": QT_TRANSLATE_NOOP("FacetPanel", "Benchmark contamination"),
    "verb": QT_TRANSLATE_NOOP("FacetPanel", "Instruction verb"),
    "noun": QT_TRANSLATE_NOOP("FacetPanel", "Instruction object"),
    # the curation's own facets (issue 25.4: core/query/curationfacets.py)
    "edited": QT_TRANSLATE_NOOP("FacetPanel", "Edited"),
    "reason": QT_TRANSLATE_NOOP("FacetPanel", "Reject reason"),
    "curator": QT_TRANSLATE_NOOP("FacetPanel", "Curator"),
    "noted": QT_TRANSLATE_NOOP("FacetPanel", "Noted"),
    "flagged": QT_TRANSLATE_NOOP("FacetPanel", "Flagged"),
}
YES_NO = {"yes": QT_TRANSLATE_NOOP("FacetPanel", "yes"), "no": QT_TRANSLATE_NOOP("FacetPanel", "no")}
UNCAPPED = {"signals", "contamination"}  # every quality signal (and overlap bin) is worth seeing at once


def facet_title(column: str) -> str:
    return QCoreApplication.translate("FacetPanel", FACET_TITLES[column]) if column in FACET_TITLES else column


def value_text(column: str, value: str) -> str:
    if column == "status":
        return status_label(value)
    if column == "signals":
        return signal_title(value)
    if column == "contamination":
        return bin_text(value)
    if column in YES_NO_FACETS and value in YES_NO:
        return QCoreApplication.translate("FacetPanel", YES_NO[value])
    if value == "":
        return QCoreApplication.translate("FacetPanel", "(empty)")
    if column == "human_verified" and value == "null":
        return QCoreApplication.translate("FacetPanel", "(not set)")
    return reveal(value)


class FacetPanel(QTreeWidget):
    includeToggled = Signal(str, str)  # column, value
    excludeToggled = Signal(str, str)
    facetCleared = Signal(str)  # column ("" = every facet)
    expandRequested = Signal(str, str, bool)  # parent column, value, expanded

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("facetPanel")
        self.setColumnCount(2)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.itemClicked.connect(self._on_clicked)
        self.itemExpanded.connect(lambda item: self._on_expand(item, True))
        self.itemCollapsed.connect(lambda item: self._on_expand(item, False))
        self._result: FacetsResult | None = None
        self._spec = FilterSpec()
        self._expanded: set[tuple[str, str]] = set()
        self._collapsed_facets: set[str] = set()
        self._show_all: set[str] = set()
        self._press_modifiers = Qt.KeyboardModifier.NoModifier
        self._rebuilding = False
        self.retranslate()

    # -- showing counts --------------------------------------------------------------------
    def show_counts(self, result: FacetsResult | None, spec: FilterSpec, expanded: set[tuple[str, str]]) -> None:
        self._result, self._spec, self._expanded = result, spec, set(expanded)
        self._rebuild()

    def set_spec(self, spec: FilterSpec) -> None:
        """Mark the selection at once; counts follow when the worker delivers them."""
        self._spec = spec
        self._rebuild()

    def _rebuild(self) -> None:
        current = self.currentItem().data(0, ROLE) if self.currentItem() else None
        scroll = self.verticalScrollBar().value()
        self._rebuilding = True
        self.setUpdatesEnabled(False)
        try:
            self.clear()
            if self._result is not None:
                for column, counts in self._result.counts.items():
                    self._add_facet(column, counts)
            if current is not None:
                for item in self._walk():
                    if item.data(0, ROLE) == current:
                        self.setCurrentItem(item)
                        break
        finally:
            self.setUpdatesEnabled(True)
            self._rebuilding = False
        self.verticalScrollBar().setValue(scroll)

    def _walk(self):
        stack = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        while stack:
            item = stack.pop()
            yield item
            stack.extend(item.child(i) for i in range(item.childCount()))

    def _add_facet(self, column: str, counts) -> None:
        sel = self._spec.facet(column)
        child_col = CHILD_FACETS.get(column)
        child_sel = self._spec.facet(child_col) if child_col else None
        active = len(sel.include) + len(sel.exclude) + (len(child_sel.include) + len(child_sel.exclude) if child_sel else 0)
        head = QTreeWidgetItem(self, [facet_title(column), self.tr("%n selected", "", active) if active else ""])
        head.setData(0, ROLE, ("facet", column))
        font = QFont(head.font(0))
        font.setBold(True)
        head.setFont(0, font)
        values = counts.values
        limit = None if column in self._show_all or column in UNCAPPED else CAP
        shown = values if limit is None else values[:limit]
        keep = set(sel.include) | set(sel.exclude)
        shown += [vc for vc in values[len(shown):] if vc[0] in keep]  # selected values always show
        for value, n in shown:
            item = self._value_item(head, column, value, n)
            if child_col:
                item.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
                key = (column, value)
                subs = self._result.subs.get(key) if self._result else None
                if key in self._expanded:
                    for cv, cn in (subs.values if subs else []):
                        self._value_item(item, child_col, cv, cn)
                    item.setExpanded(True)
        hidden = len(values) - len(shown)
        if hidden > 0 or (column in self._show_all and len(values) > CAP):
            text = self.tr("Show all (%n more)", "", hidden) if hidden > 0 else self.tr("Show fewer")
            more = QTreeWidgetItem(head, [text, ""])
            more.setData(0, ROLE, ("more", column))
            more.setForeground(0, QBrush(themes.color("link")))
        head.setExpanded(column not in self._collapsed_facets)

    def _value_item(self, parent: QTreeWidgetItem, column: str, value: str, n: int) -> QTreeWidgetItem:
        sel = self._spec.facet(column)
        text = value_text(column, value)
        item = QTreeWidgetItem(parent, [text, f"{n:,}"])
        item.setData(0, ROLE, ("value", column, value))
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if value in sel.include:
            item.setText(0, "✓ " + text)
            item.setForeground(0, QBrush(themes.color("included")))
            font = QFont(item.font(0))
            font.setBold(True)
            item.setFont(0, font)
        elif value in sel.exclude:
            item.setText(0, "⊘ " + text)
            item.setForeground(0, QBrush(themes.color("excluded")))
            font = QFont(item.font(0))
            font.setStrikeOut(True)
            item.setFont(0, font)
        return item

    # -- input --------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press_modifiers = event.modifiers()
        super().mousePressEvent(event)

    def _on_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        exclude = bool(self._press_modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier))
        self.activate(item, exclude)

    def activate(self, item: QTreeWidgetItem | None, exclude: bool = False) -> None:
        data = item.data(0, ROLE) if item else None
        if not data:
            return
        if data[0] == "value":
            (self.excludeToggled if exclude else self.includeToggled).emit(data[1], data[2])
        elif data[0] == "more":
            self._show_all ^= {data[1]}
            self._rebuild()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.currentItem()
        key = event.key()
        if key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.activate(item, exclude=bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier))
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_X):
            self.activate(item, exclude=True)
        elif key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete) and item is not None:
            self.facetCleared.emit(item.data(0, ROLE)[1])
        else:
            super().keyPressEvent(event)

    def _on_expand(self, item: QTreeWidgetItem, expanded: bool) -> None:
        if self._rebuilding:
            return
        data = item.data(0, ROLE)
        if data and data[0] == "facet":
            (self._collapsed_facets.discard if expanded else self._collapsed_facets.add)(data[1])
        elif data and data[0] == "value" and data[1] in CHILD_FACETS:
            self.expandRequested.emit(data[1], data[2], expanded)

    def _context_menu(self, pos: QPoint) -> None:
        item = self.itemAt(pos)
        data = item.data(0, ROLE) if item else None
        menu = QMenu(self)
        if data and data[0] == "value":
            menu.addAction(self.tr("Include (OR)"), lambda: self.activate(item, False))
            menu.addAction(self.tr("Exclude (NOT)"), lambda: self.activate(item, True))
        if data:
            column = data[1]
            menu.addAction(self.tr("Clear %1").replace("%1", facet_title(column)), lambda: self.facetCleared.emit(column))
            if data[0] != "more" and self._result and column in self._result.counts \
                    and len(self._result.counts[column].values) > CAP:
                menu.addAction(self.tr("Show fewer") if column in self._show_all else self.tr("Show all"),
                               lambda: self.activate(self._more_item(column)))
        menu.addAction(self.tr("Clear all filters"), lambda: self.facetCleared.emit(""))
        menu.exec(self.viewport().mapToGlobal(pos))

    def _more_item(self, column: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem()
        item.setData(0, ROLE, ("more", column))
        return item

    def value_item(self, column: str, value: str) -> QTreeWidgetItem | None:
        """The tree item showing ``value`` of ``column`` (tests, self-test, keyboard)."""
        return next((it for it in self._walk() if it.data(0, ROLE) == ("value", column, value)), None)

    def retranslate(self) -> None:
        self.setHeaderLabels([self.tr("Facet"), self.tr("Rows")])
        self._rebuild()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
