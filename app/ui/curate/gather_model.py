"""The gather's review queue: one row per conflict (location, field, kind, the curators
whose values differ, how it was resolved)."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, QT_TRANSLATE_NOOP

from app.core.team.gather import ALL, EDIT, MINE, GatherConflict
from app.core.team.merge import Resolution
from app.ui.common.text_display import plain_tooltip

from .conflicts_model import KIND_TEXT

CONTEXT = "GatherModel"
HEADERS = (
    QT_TRANSLATE_NOOP("GatherModel", "Location"),
    QT_TRANSLATE_NOOP("GatherModel", "Field"),
    QT_TRANSLATE_NOOP("GatherModel", "Conflict"),
    QT_TRANSLATE_NOOP("GatherModel", "Curators"),
    QT_TRANSLATE_NOOP("GatherModel", "Resolution"),
)
CHOICE_TEXT = {
    ALL: QT_TRANSLATE_NOOP("GatherModel", "all together"),
    EDIT: QT_TRANSLATE_NOOP("GatherModel", "edited"),
    MINE: QT_TRANSLATE_NOOP("GatherModel", "mine"),
}


def side_name(name: str) -> str:
    """A side's name as shown: a curator's own name, or "mine" in the user's language."""
    return QCoreApplication.translate(CONTEXT, CHOICE_TEXT[MINE]) if name == MINE else name


def choice_text(choice: str) -> str:
    if choice in (ALL, EDIT):
        return QCoreApplication.translate(CONTEXT, CHOICE_TEXT[choice])
    return side_name(choice)


class GatherModel(QAbstractTableModel):
    """A view of the plan's conflicts and the resolutions chosen so far (owned by the caller)."""

    def __init__(self, conflicts: list[GatherConflict], resolutions: dict[tuple[int, str], Resolution],
                 parent=None) -> None:
        super().__init__(parent)
        self._conflicts = conflicts
        self._resolutions = resolutions

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._conflicts)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._conflicts) and 0 <= index.column() < len(HEADERS)):
            return None
        c = self._conflicts[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return c.locator
            if col == 1:
                return c.field
            if col == 2:
                return QCoreApplication.translate("ConflictsModel", KIND_TEXT.get(c.kind, c.kind))
            if col == 3:
                return ", ".join(side_name(n) for n in c.names)
            res = self._resolutions.get(c.key)
            return choice_text(res.choice) if res is not None else ""
        if role == Qt.ItemDataRole.ToolTipRole and col in (0, 3):  # file and curator names are data: plain text
            return plain_tooltip(f"{c.locator}  {c.rid:016x}" if col == 0 else ", ".join(c.names))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(HEADERS):
            return QCoreApplication.translate(CONTEXT, HEADERS[section])
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def resolution_changed(self, row: int) -> None:
        """Repaint one row's resolution cell (targeted, no reset)."""
        if 0 <= row < len(self._conflicts):
            cell = self.index(row, len(HEADERS) - 1)
            self.dataChanged.emit(cell, cell, [Qt.ItemDataRole.DisplayRole])
