"""Small dialogs of curation: pick a reject reason, set labels with completion, name a
version, edit the curation preferences. Each only collects an answer; the caller turns
it into a core command. All are opened non-modally (``open()``), so the window and the
tests keep their event loop."""
from __future__ import annotations

import re

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (QApplication, QComboBox, QCompleter, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QMessageBox, QPlainTextEdit, QVBoxLayout, QWidget)

from . import curate_settings

LABEL_FIELDS = ("task_major", "task_minor", "domain")
_SPLIT = re.compile(r"[,，、;；]")


def split_labels(text: str) -> list[str]:
    """'问答, 生成，写作' -> ['问答', '生成', '写作'] (ASCII or Chinese commas, 、 or ;)."""
    return list(dict.fromkeys(p.strip() for p in _SPLIT.split(text) if p.strip()))


def plain_box(parent: QWidget, title: str, text: str, icon=QMessageBox.Icon.Question,
              buttons=QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel) -> QMessageBox:
    """A message box that shows ``text`` literally (reasons and labels are data, never HTML)."""
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box


def open_keeping_focus(dialog: QDialog, window: QWidget, fallback: QWidget) -> None:
    """Open ``dialog`` non-modally; when it closes, ``window`` and the widget that had the
    focus get it back, so the keyboard flow goes on where it was."""
    back = QApplication.focusWidget()
    back = back if back is not None and back.window() is window else fallback

    def restore(_result: int) -> None:
        window.activateWindow()
        back.setFocus(Qt.FocusReason.OtherFocusReason)

    dialog.finished.connect(restore)
    dialog.open()


class RejectDialog(QDialog):
    """Reasons 1-9 from the preferences plus free text. A digit key picks and accepts;
    Enter takes the highlighted reason (the first by default)."""

    def __init__(self, count: int, parent: QWidget | None = None, reasons: list[str] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rejectDialog")
        self.setWindowTitle(self.tr("Reject"))
        self.reasons = reasons if reasons is not None else curate_settings.reject_reasons()
        self.heading = QLabel(self)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setText(self.tr("Reject %n row(s) with the reason:", "", count))
        self.list = QListWidget(self)
        self.list.setObjectName("rejectReasons")
        for i, reason in enumerate(self.reasons, 1):
            item = QListWidgetItem(f"{i}  {reason}")
            item.setData(Qt.ItemDataRole.UserRole, reason)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.detail = QLineEdit(self)
        self.detail.setObjectName("rejectDetail")
        self.detail.setPlaceholderText(self.tr("Details (optional, free text)"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.heading)
        lay.addWidget(self.list)
        lay.addWidget(self.detail)
        lay.addWidget(buttons)
        self.list.installEventFilter(self)
        self.list.setFocus()
        self.setMinimumWidth(360)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.list and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            text = event.text()
            if text.isdigit() and 1 <= int(text) <= len(self.reasons):
                self.list.setCurrentRow(int(text) - 1)
                self.accept()
                return True
        return super().eventFilter(obj, event)

    def reason(self) -> str:
        """The chosen reason, with the free text appended ('其他：…'); free text alone if
        no reason is highlighted."""
        item = self.list.currentItem()
        base = item.data(Qt.ItemDataRole.UserRole) if item is not None else ""
        extra = self.detail.text().strip()
        if base and extra:
            return f"{base}：{extra}"
        return base or extra


class LabelCompleter(QCompleter):
    """Completes the label being typed after the last comma."""

    def __init__(self, values: list[str], parent: QWidget | None = None) -> None:
        super().__init__(QStringListModel(values), parent)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

    def splitPath(self, path: str) -> list[str]:
        return [_SPLIT.split(path)[-1].strip()]

    def pathFromIndex(self, index) -> str:
        typed = self.widget().text() if self.widget() is not None else ""
        head = typed[: max((m.end() for m in _SPLIT.finditer(typed)), default=0)]
        value = super().pathFromIndex(index)
        return f"{head.rstrip()} {value}".lstrip() if head else value


class LabelDialog(QDialog):
    """Set / add / remove labels of one field on one or many rows, with completion from
    the values in the release."""

    def __init__(self, count: int, values_of, current: dict[str, list[str]] | None = None,
                 parent: QWidget | None = None, field: str = "task_major") -> None:
        super().__init__(parent)
        self.setObjectName("labelDialog")
        self.setWindowTitle(self.tr("Set labels"))
        self._values_of, self._current = values_of, current or {}
        self.heading = QLabel(self)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setText(self.tr("Labels of %n row(s)", "", count))
        self.field = QComboBox(self)
        self.field.setObjectName("labelField")
        names = {"task_major": self.tr("Task (major)"), "task_minor": self.tr("Task (minor)"),
                 "domain": self.tr("Domain")}
        for key in LABEL_FIELDS:
            self.field.addItem(names[key], key)
        self.mode = QComboBox(self)
        self.mode.setObjectName("labelMode")
        for key, text in (("set", self.tr("Replace with")), ("add", self.tr("Add")), ("remove", self.tr("Remove"))):
            self.mode.addItem(text, key)
        self.edit = QLineEdit(self)
        self.edit.setObjectName("labelValues")
        self.edit.setPlaceholderText(self.tr("comma-separated, e.g. 问答, 生成"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Field:"), self.field)
        form.addRow(self.tr("Action:"), self.mode)
        form.addRow(self.tr("Labels:"), self.edit)
        lay = QVBoxLayout(self)
        lay.addWidget(self.heading)
        lay.addLayout(form)
        lay.addWidget(buttons)
        self.field.currentIndexChanged.connect(self._field_changed)
        self.field.setCurrentIndex(LABEL_FIELDS.index(field) if field in LABEL_FIELDS else 0)
        self._field_changed()
        self.edit.setFocus()
        self.setMinimumWidth(460)

    def _field_changed(self, *_args) -> None:
        key = self.field_key()
        self.edit.setCompleter(LabelCompleter(self._values_of(key), self.edit))
        self.edit.setText(", ".join(self._current.get(key, [])))
        self.edit.selectAll()

    def field_key(self) -> str:
        return self.field.currentData()

    def mode_key(self) -> str:
        return self.mode.currentData()

    def values(self) -> list[str]:
        return split_labels(self.edit.text())


class SaveVersionDialog(QDialog):
    """Ctrl+S: a message for the version, with what it will hold."""

    def __init__(self, counts: dict[str, int], next_number: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("saveVersionDialog")
        self.setWindowTitle(self.tr("Save version %1").replace("%1", str(next_number)))
        summary = QLabel(self)
        summary.setTextFormat(Qt.TextFormat.PlainText)
        summary.setText(self.tr("%1 edited · %2 accepted · %3 rejected rows in the current state")
                        .replace("%1", f"{counts.get('edited', 0):,}").replace("%2", f"{counts.get('accepted', 0):,}")
                        .replace("%3", f"{counts.get('rejected', 0):,}"))
        self.message = QLineEdit(self)
        self.message.setObjectName("versionMessage")
        self.message.setPlaceholderText(self.tr("What changed in this version?"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("Message:"), self))
        lay.addWidget(self.message)
        lay.addWidget(summary)
        lay.addWidget(buttons)
        self.resize(480, self.sizeHint().height())
        self.message.setFocus()

    def text(self) -> str:
        return self.message.text().strip()


class PreferencesDialog(QDialog):
    """The curator's name and the reject reasons (one per line, at most nine)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle(self.tr("Curation preferences"))
        self.author = QLineEdit(curate_settings.author(), self)
        self.author.setObjectName("prefAuthor")
        self.reasons = QPlainTextEdit(self)
        self.reasons.setObjectName("prefReasons")
        self.reasons.setPlainText("\n".join(curate_settings.reject_reasons()))
        self.reasons.setTabChangesFocus(True)
        note = QLabel(self.tr("One reason per line; the first nine get the keys 1-9."), self)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Your name (recorded as author):"), self.author)
        form.addRow(self.tr("Reject reasons:"), self.reasons)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(buttons)

    def save(self) -> tuple[str, list[str]]:
        """Store the answers; returns (author, reasons) as stored."""
        curate_settings.set_author(self.author.text())
        reasons = curate_settings.set_reject_reasons(self.reasons.toPlainText().splitlines())
        return curate_settings.author(), reasons
