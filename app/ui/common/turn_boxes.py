"""One turn of a conversation as the turns view shows it: a role caption over a plain
text box as tall as its text (the view scrolls, not the box)."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QFont, QTextOption
from PySide6.QtWidgets import QFrame, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from .text_display import display_text

ROLES = {
    "system": QT_TRANSLATE_NOOP("TurnsView", "System"),
    "user": QT_TRANSLATE_NOOP("TurnsView", "User"),
    "assistant": QT_TRANSLATE_NOOP("TurnsView", "Assistant"),
    "function_call": QT_TRANSLATE_NOOP("TurnsView", "Function call"),
    "observation": QT_TRANSLATE_NOOP("TurnsView", "Observation"),
    "tool": QT_TRANSLATE_NOOP("TurnsView", "Tool"),
    "chosen": QT_TRANSLATE_NOOP("TurnsView", "Chosen"),
    "rejected": QT_TRANSLATE_NOOP("TurnsView", "Rejected"),
}


def role_title(role: str) -> str:
    return QCoreApplication.translate("TurnsView", ROLES[role]) if role in ROLES else role


class TurnText(QPlainTextEdit):
    """One turn's text, as tall as its content (the scroll area scrolls, not the box).
    A QPlainTextEdit: plain text only, and its layout is per paragraph, far cheaper
    than QTextEdit's (review mode refills these boxes on every key)."""

    def __init__(self, parent: QWidget | None = None, clock=None) -> None:
        super().__init__(parent)
        self._clock = clock
        self.setReadOnly(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.document().contentsChanged.connect(self.fit)
        self._width = -1

    def fit(self) -> None:
        doc, layout = self.document(), self.document().documentLayout()
        block, height = doc.begin(), 0.0
        while block.isValid():  # each paragraph laid out at the box's width
            height += layout.blockBoundingRect(block).height()
            block = block.next()
        margins = self.contentsMargins()
        height = max(24, int(height + 2 * doc.documentMargin()) + margins.top() + margins.bottom() + 2)
        if height != self.height():
            self.setFixedHeight(height)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if event.size().width() != self._width:
            self._width = event.size().width()
            self.fit()

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # zoom, review's text size: taller or shorter lines
            self.fit()

    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        if self._clock is not None:
            self._clock.stamp()


class TurnBox(QFrame):
    """A role caption over one turn's text."""

    def __init__(self, parent: QWidget, clock=None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 2, 0, 2)
        lay.setSpacing(1)
        self.caption = QLabel(self)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        bold = QFont(self.caption.font())
        bold.setBold(True)
        self.caption.setFont(bold)
        self.text = TurnText(self, clock)
        lay.addWidget(self.caption)
        lay.addWidget(self.text)
        self.turn: dict = {}

    def fill(self, turn: dict) -> None:
        self.turn = turn
        self.caption.setText(f"{role_title(turn['role'])}   {turn['path']}")
        self.text.setPlainText(display_text(turn["text"]))
