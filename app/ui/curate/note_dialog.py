"""The note editor (issue 25.3): plain text on the shown (or highlighted) rows.
Ctrl+Enter saves, Esc cancels; saving an empty note removes it. What a note is, and
that it is neither a decision nor an edit, is the core's (edits.Note)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget


class NoteEdit(QPlainTextEdit):
    """Plain text only (a pasted page keeps no markup); Ctrl+Enter saves the dialog."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.window().accept()
            return
        super().keyPressEvent(event)


class NoteDialog(QDialog):
    def __init__(self, count: int, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noteDialog")
        self.setWindowTitle(self.tr("Note on %n row(s)", "", count))
        heading = QLabel(self.tr("A note for yourself and the team (Ctrl+Enter saves, Esc cancels; "
                                 "an empty note is removed):"), self)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        self.edit = NoteEdit(self)
        self.edit.setObjectName("noteEdit")
        self.edit.setPlainText(text)
        self.edit.moveCursor(self.edit.textCursor().MoveOperation.End)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.edit)
        layout.addWidget(buttons)
        self.edit.setFocus()

    def text(self) -> str:
        return self.edit.toPlainText()
