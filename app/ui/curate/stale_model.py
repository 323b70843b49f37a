"""Table model of the stale decisions: decisions that no longer apply to any row of the
release (core: Curation.stale). A thin adapter over the list the core returned."""
from __future__ import annotations

import re

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, QT_TRANSLATE_NOOP

from app.core.curate.follow import Stale
from app.ui.common.text_display import plain_tooltip

_Index = QModelIndex | QPersistentModelIndex

COLUMNS = (
    QT_TRANSLATE_NOOP("StaleModel", "Was at"),
    QT_TRANSLATE_NOOP("StaleModel", "Decision"),
    QT_TRANSLATE_NOOP("StaleModel", "Why it no longer applies"),
)


# The core's reasons (follow.py), in English as the command line prints them; shown translated.
REASONS = (
    QT_TRANSLATE_NOOP("StaleModel", "the row at this place now has other content"),
    QT_TRANSLATE_NOOP("StaleModel", "the row is no longer in the release"),
    QT_TRANSLATE_NOOP("StaleModel", "the row is no longer in the release (its content was not recorded)"),
    QT_TRANSLATE_NOOP("StaleModel", "the row it matches has a decision of its own"),
    QT_TRANSLATE_NOOP("StaleModel", "two decisions match this row"),
)
_COPIES = re.compile(r"this row's line now appears (\d+) times? in the release \(it appeared (\d+)\)")


def reason_text(reason: str) -> str:
    if reason in REASONS:
        return QCoreApplication.translate("StaleModel", reason)
    m = _COPIES.match(reason)
    if m:
        return QCoreApplication.translate(
            "StaleModel", "this row's line now appears %1 times in the release (it appeared %2): which copy the "
            "decision was on is unknown").replace("%1", m.group(1)).replace("%2", m.group(2))
    return reason


def decision_text(state) -> str:
    """A decision in words, in the UI's language: 'rejected (重复)', 'accepted; edited output'."""
    if state is None or state.is_empty:
        return QCoreApplication.translate("StaleModel", "none")
    parts = []
    if state.decision == "rejected":
        reason = f" ({state.reason})" if state.reason else ""
        parts.append(QCoreApplication.translate("StaleModel", "rejected") + reason)
    elif state.decision == "accepted":
        parts.append(QCoreApplication.translate("StaleModel", "accepted"))
    if state.fields:
        parts.append(QCoreApplication.translate("StaleModel", "edited %1").replace("%1", ", ".join(state.fields)))
    return "; ".join(parts)


class StaleModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._items: list[Stale] = []
        self._states: dict[int, object] = {}

    def set_items(self, items: list[Stale], states) -> None:
        """``items`` from Curation.stale; ``states`` the overlay they are read from."""
        self.beginResetModel()
        self._items = list(items)
        self._states = {s.rid: states.get(s.rid) for s in self._items}
        self.endResetModel()

    def item(self, row: int) -> Stale | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def state(self, row: int):
        item = self.item(row)
        return None if item is None else self._states.get(item.rid)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return QCoreApplication.translate("StaleModel", COLUMNS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        item = self.item(index.row()) if index.isValid() else None
        if item is None or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if index.column() == 0:
            text = item.where
        elif index.column() == 1:
            text = decision_text(self._states.get(item.rid))
        else:
            text = reason_text(item.reason)
        return plain_tooltip(text) if role == Qt.ItemDataRole.ToolTipRole else text
