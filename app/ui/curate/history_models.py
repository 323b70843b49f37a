"""Table models of the history panel: the saved versions, and one version's changed rows.
Thin adapters over lists the core returned (VersionInfo, RowDiff); nothing is decided here."""
from __future__ import annotations

import json

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, QT_TRANSLATE_NOOP

from app.core.store.versions import RowDiff, VersionInfo
from app.ui.common.text_display import plain_tooltip, preview

_Index = QModelIndex | QPersistentModelIndex

VERSION_COLUMNS = (
    QT_TRANSLATE_NOOP("HistoryModels", "Version"),
    QT_TRANSLATE_NOOP("HistoryModels", "Message"),
    QT_TRANSLATE_NOOP("HistoryModels", "Author"),
    QT_TRANSLATE_NOOP("HistoryModels", "Time"),
    QT_TRANSLATE_NOOP("HistoryModels", "Changes"),
)
CHANGE_COLUMNS = (
    QT_TRANSLATE_NOOP("HistoryModels", "Row"),
    QT_TRANSLATE_NOOP("HistoryModels", "Before"),
    QT_TRANSLATE_NOOP("HistoryModels", "After"),
    QT_TRANSLATE_NOOP("HistoryModels", "Fields"),
    QT_TRANSLATE_NOOP("HistoryModels", "By"),
)
OPS = {
    "edit": QT_TRANSLATE_NOOP("HistoryModels", "edited"),
    "reject": QT_TRANSLATE_NOOP("HistoryModels", "rejected"),
    "accept": QT_TRANSLATE_NOOP("HistoryModels", "accepted"),
    "restore": QT_TRANSLATE_NOOP("HistoryModels", "restored"),
}


def _tr(text: str) -> str:
    """Look up a string already marked for lupdate (QT_TRANSLATE_NOOP above): pass only those
    here; a new literal must be written as QCoreApplication.translate("HistoryModels", "...")."""
    return QCoreApplication.translate("HistoryModels", text)


def counts_text(counts: dict) -> str:
    parts = [f"{n:,} {_tr(OPS[op])}" for op, n in counts.items() if n and op in OPS]
    return " · ".join(parts) or QCoreApplication.translate("HistoryModels", "no changes")


def state_text(rec: dict | None) -> str:
    """One side of a change: 'untouched', 'rejected (重复)', 'edited', ..."""
    if rec is None or rec.get("op") == "restore":
        return QCoreApplication.translate("Status", "untouched")
    text = _tr(OPS.get(rec["op"], rec["op"]))
    return f"{text} ({rec['reason']})" if rec.get("reason") else text


def value_text(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class _ListModel(QAbstractTableModel):
    columns: tuple[str, ...] = ()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._items: list = []

    def set_items(self, items) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item(self, row: int):
        return self._items[row] if 0 <= row < len(self._items) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.columns):
            return _tr(self.columns[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) or not index.isValid():
            return None
        item = self.item(index.row())
        if item is None or not 0 <= index.column() < len(self.columns):
            return None
        text = self.cell(item, index.column())
        # messages, authors and values are data: a tool tip must not render them as HTML
        return plain_tooltip(text) if role == Qt.ItemDataRole.ToolTipRole and isinstance(text, str) else text

    def cell(self, item, column: int) -> str:
        raise NotImplementedError


class VersionsModel(_ListModel):
    """Saved versions, newest first."""

    columns = VERSION_COLUMNS

    def set_versions(self, versions: list[VersionInfo]) -> None:
        self.set_items(sorted(versions, key=lambda v: v.number, reverse=True))

    def cell(self, v: VersionInfo, column: int) -> str:
        if column == 0:
            return f"v{v.number}"
        if column == 1:
            return preview(v.message or "")
        if column == 2:
            return v.author
        if column == 3:
            return v.time.replace("T", " ")[:19]
        return counts_text(v.counts)

    def row_of(self, number: int) -> int | None:
        return next((i for i, v in enumerate(self._items) if v.number == number), None)


class ChangesModel(_ListModel):
    """The rows one version changed (against its parent), in file/line order."""

    columns = CHANGE_COLUMNS

    def cell(self, d: RowDiff, column: int) -> str:
        if column == 0:
            return f"{d.file}:{d.line}" if d.file else f"{d.rid:016x}"
        if column == 1:
            return state_text(d.old)
        if column == 2:
            return state_text(d.new)
        if column == 3:
            return ", ".join(d.fields)
        return d.author or ""  # diff_records: the new record's author (a restore's too), else the old one's
