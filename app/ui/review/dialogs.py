"""The small windows review mode opens: go to item, edit labels (with completion), version
message. All are window-modal but non-blocking (``open()``), so a test or xdotool types
into them like a curator; whoever opens one gets focus back on ``finished``."""
from __future__ import annotations

import re

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (QCompleter, QDialog, QDialogButtonBox, QFormLayout, QInputDialog, QLabel, QLineEdit,
                               QVBoxLayout, QWidget)

_SPLIT = re.compile(r"[,，、;；]")


def split_labels(text: str) -> tuple[str, ...]:
    """'问答, 生成' / '问答、生成' -> ('问答', '生成'), blanks and repeats dropped."""
    return tuple(dict.fromkeys(p.strip() for p in _SPLIT.split(text) if p.strip()))


class ListCompleter(QCompleter):
    """Completes the label after the last separator, keeping the ones typed before it."""

    def __init__(self, values: list[str], parent=None) -> None:
        super().__init__(parent)
        self.setModel(QStringListModel(values, self))
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 - Qt's name
        return [_SPLIT.split(path)[-1].strip()]

    def pathFromIndex(self, index) -> str:  # noqa: N802
        text = self.widget().text() if self.widget() is not None else ""
        head = text[: max((m.end() for m in _SPLIT.finditer(text)), default=0)]
        return (head.rstrip() + " " if head else "") + str(index.data())


class LabelsDialog(QDialog):
    """Edit one or more label lists (task major + minor, or domain) of the item."""

    def __init__(self, title: str, fields: list[tuple[str, str, tuple[str, ...], list[str]]],
                 parent: QWidget | None = None) -> None:
        """``fields``: (name, caption, current values, completion values) per list."""
        super().__init__(parent)
        self.setObjectName("reviewLabelsDialog")
        self.setWindowTitle(title)
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for name, caption, current, values in fields:
            edit = QLineEdit(", ".join(current), self)
            edit.setObjectName(f"labels_{name}")
            edit.setCompleter(ListCompleter(values, edit))
            form.addRow(caption, edit)
            self.edits[name] = edit
        hint = QLabel(self.tr("Separate labels with commas. Enter: save, Esc: cancel."), self)
        hint.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(hint)
        lay.addWidget(buttons)
        self.resize(520, self.sizeHint().height())
        first = next(iter(self.edits.values()))
        first.selectAll()
        first.setFocus()

    def values(self) -> dict[str, tuple[str, ...]]:
        return {name: split_labels(edit.text()) for name, edit in self.edits.items()}


def goto_dialog(parent: QWidget, current: int, total: int) -> QInputDialog:
    dialog = QInputDialog(parent)
    dialog.setObjectName("reviewGotoDialog")
    dialog.setWindowTitle(dialog.tr("Go to item"))
    dialog.setLabelText(dialog.tr("Item number (1 – %1):").replace("%1", f"{total:,}"))
    dialog.setInputMode(QInputDialog.InputMode.IntInput)
    dialog.setIntRange(1, max(total, 1))
    dialog.setIntValue(current)
    return dialog


def message_dialog(parent: QWidget, default: str) -> QInputDialog:
    dialog = QInputDialog(parent)
    dialog.setObjectName("reviewVersionDialog")
    dialog.setWindowTitle(dialog.tr("Save version"))
    dialog.setLabelText(dialog.tr("Message for this version:"))
    dialog.setInputMode(QInputDialog.InputMode.TextInput)
    dialog.setTextValue(default)
    return dialog
