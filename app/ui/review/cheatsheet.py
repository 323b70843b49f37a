"""The `?` overlay of review mode: every binding in effect, generated from the one key
table (KeyMap.bindings), grouped as the table groups them. Any key closes it."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from .keymap import GROUPS


def _label(text: str, parent: QWidget, name: str = "", bold: bool = False) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)  # key names like "<" must never be read as HTML
    label.setText(text)
    label.setObjectName(name)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


class CheatSheet(QFrame):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("reviewCheatSheet")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, False)
        self._rows: list[tuple[str, str, str]] = []
        self._scroll = QScrollArea(self)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(40, 30, 40, 30)
        lay.addWidget(self._scroll)
        self.hide()

    def set_bindings(self, bindings: list[tuple[str, str, str, str]], reasons: tuple[str, ...] = (),
                     default_reason: str = "") -> None:
        """``bindings``: (action id, group, title, keys) as KeyMap.bindings() gives them."""
        body = QWidget()
        grid = QGridLayout(body)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(3)
        row = 0
        grid.addWidget(_label(QCoreApplication.translate("Review", "Review keys  (any key closes this)"), body,
                              bold=True), row, 0, 1, 2)
        row += 1
        self._rows = []
        for group, caption in GROUPS:
            entries = [b for b in bindings if b[1] == group]
            if not entries:
                continue
            grid.addWidget(_label(QCoreApplication.translate("Review", caption), body, bold=True), row, 0, 1, 2)
            row += 1
            for action_id, _group, title, keys in entries:
                grid.addWidget(_label(keys or "—", body, f"keys_{action_id}"), row, 0,
                               Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                grid.addWidget(_label(title, body, f"title_{action_id}"), row, 1)
                self._rows.append((action_id, keys, title))
                row += 1
        if default_reason:
            note = QCoreApplication.translate("Review", "Default reason (X then Enter): %1").replace("%1", default_reason)
            grid.addWidget(_label(note, body), row, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        self._scroll.setWidget(body)

    def rows(self) -> list[tuple[str, str, str]]:
        """What is listed: (action id, keys, title), in order."""
        return list(self._rows)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        base = self.palette().window().color()
        painter.fillRect(self.rect(), QColor(base.red(), base.green(), base.blue(), 235))
        painter.end()
        super().paintEvent(event)
