"""The merge review queue: one row per conflict (location, field, kind, how it was resolved)."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, QT_TRANSLATE_NOOP

from app.core.team.merge import Conflict, Resolution
from app.ui.common.text_display import plain_tooltip

HEADERS = (
    QT_TRANSLATE_NOOP("ConflictsModel", "Location"),
    QT_TRANSLATE_NOOP("ConflictsModel", "Field"),
    QT_TRANSLATE_NOOP("ConflictsModel", "Conflict"),
    QT_TRANSLATE_NOOP("ConflictsModel", "Resolution"),
)
KIND_TEXT = {
    "field": QT_TRANSLATE_NOOP("ConflictsModel", "different values"),
    "labels": QT_TRANSLATE_NOOP("ConflictsModel", "different labels"),
    "decision": QT_TRANSLATE_NOOP("ConflictsModel", "different decisions"),
    "edit_reject": QT_TRANSLATE_NOOP("ConflictsModel", "edit vs reject"),
    "delete": QT_TRANSLATE_NOOP("ConflictsModel", "turn deleted vs edited"),
    "note": QT_TRANSLATE_NOOP("ConflictsModel", "different notes"),
}
CHOICE_TEXT = {
    "mine": QT_TRANSLATE_NOOP("ConflictsModel", "mine"),
    "theirs": QT_TRANSLATE_NOOP("ConflictsModel", "theirs"),
    "both": QT_TRANSLATE_NOOP("ConflictsModel", "both"),
    "edit": QT_TRANSLATE_NOOP("ConflictsModel", "edited"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("ConflictsModel", text)


class ConflictsModel(QAbstractTableModel):
    """A view of the plan's conflicts and the resolutions chosen so far (owned by the caller)."""

    def __init__(self, conflicts: list[Conflict], resolutions: dict[tuple[int, str], Resolution], parent=None) -> None:
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
        if role == Qt.ItemDataRole.DisplayRole:
            col = index.column()
            if col == 0:
                return c.locator
            if col == 1:
                return c.field
            if col == 2:
                return _tr(KIND_TEXT.get(c.kind, c.kind))
            res = self._resolutions.get(c.key)
            return _tr(CHOICE_TEXT[res.choice]) if res is not None else ""
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return plain_tooltip(f"{c.locator}  {c.rid:016x}")  # a file name is data too
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(HEADERS):
            return _tr(HEADERS[section])
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
