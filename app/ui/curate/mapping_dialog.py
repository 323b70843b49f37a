"""Edit > Map Fields of This File…: which of a file's JSON keys are the instruction, input,
output or conversation (and a conversation's role and text keys), or which format the
file is read in. The dialog only gathers the choice; the core checks it (formats.Shape),
keeps it in the project (formatsfile) and the release is read again with it."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget)

from app.core.load.fieldkeys import FieldKeys
from app.core.load.formats import FORMATS, MAPPING_KEYS, Shape

FIELDS = ("instruction", "input", "output", "conversation", "role", "text")


class MappingDialog(QDialog):
    def __init__(self, rel: str, keys: FieldKeys, current: Shape | None, shown_format: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mappingDialog")
        self.setWindowTitle(self.tr("Map Fields of %1").replace("%1", rel))
        self.rel = rel
        lay = QVBoxLayout(self)
        note = QLabel(self.tr("Read %1 as a format, or as \u201cother\u201d with its JSON keys mapped. The "
                              "choice is kept in the curation project; the release is then read again.")
                      .replace("%1", rel), self)
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        lay.addWidget(note)
        form = QFormLayout()
        self.format = QComboBox(self)
        self.format.setObjectName("mapFormat")
        self.format.addItem(self.tr("As its records show (now: %1)").replace("%1", shown_format), "")
        for fmt in FORMATS:
            self.format.addItem(fmt, fmt)
        form.addRow(self.tr("&Format:"), self.format)
        captions = {"instruction": self.tr("&Instruction:"), "input": self.tr("I&nput:"),
                    "output": self.tr("&Output:"), "conversation": self.tr("&Conversation (list of turns):"),
                    "role": self.tr("&Role key of a turn:"), "text": self.tr("&Text key of a turn:")}
        offers = {"instruction": keys.paths, "input": keys.paths, "output": keys.paths,
                  "conversation": keys.lists, "role": keys.item_keys, "text": keys.item_keys}
        self.fields: dict[str, QComboBox] = {}
        for name in FIELDS:
            box = QComboBox(self)
            box.setObjectName(f"map_{name}")
            box.setEditable(True)  # any JSON path, not only the keys offered
            box.addItems([""] + list(offers[name]))
            self.fields[name] = box
            form.addRow(captions[name], box)
        lay.addLayout(form)
        self.error = QLabel(self)
        self.error.setObjectName("mapError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.hide()
        lay.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.format.currentIndexChanged.connect(self._sync)
        if current is not None:
            self.format.setCurrentIndex(self.format.findData(current.format))
            for name, value in (current.mapping or {}).items():
                if name in self.fields:
                    self.fields[name].setCurrentText(str(value))
        self._sync()

    def _sync(self) -> None:
        other = self.format.currentData() == "other"
        for box in self.fields.values():
            box.setEnabled(other)

    def mapping(self) -> dict[str, str]:
        return {n: b.currentText().strip() for n, b in self.fields.items()
                if b.currentText().strip() and n in MAPPING_KEYS}

    def shape(self) -> Shape | None:
        """The chosen shape (None: read the file by detection); ShapeError when the core
        refuses the mapping."""
        fmt = self.format.currentData()
        if not fmt:
            return None
        return Shape(fmt, (self.mapping() or None) if fmt == "other" else None)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
