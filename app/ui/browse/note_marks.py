"""The note and flag of the shown row (issue 25.3), as plain text (a note is never read
as HTML): a line under the detail view's fields, hidden when the row has neither."""
from __future__ import annotations

from typing import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from app.ui.common.text_display import reveal


class NoteMarks(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noteMarks")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._row: Mapping | None = None
        self.hide()

    def show_row(self, row: Mapping | None) -> None:
        self._row = row
        row = row or {}
        parts = []
        if row.get("flagged"):
            parts.append(self.tr("Flagged to come back later"))
        if row.get("note"):
            parts.append(self.tr("Note: %1").replace("%1", reveal(row["note"])))
        self.setText("\n".join(parts))
        self.setVisible(bool(parts))

    def retranslate(self) -> None:
        self.show_row(self._row)
