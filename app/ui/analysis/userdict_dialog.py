"""Analyse > User Dictionary: the project's extra jieba words. Adding or removing one
writes the project's userdict.txt at once (wordpass.add_user_term / remove_user_term); the
rows whose text contains it are tokenised again afterwards."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QPushButton, QVBoxLayout)

from app.core.text import wordpass


class UserDictDialog(QDialog):
    termsChanged = Signal(list)  # the new list of terms

    def __init__(self, project_dir: Path, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("userDictDialog")
        self.project_dir = Path(project_dir)
        self.intro = QLabel(self)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setObjectName("userTerms")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.edit = QLineEdit(self)
        self.edit.setObjectName("newTerm")
        self.add_button, self.remove_button = QPushButton(self), QPushButton(self)
        self.error = QLabel(self)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.add_button.clicked.connect(self.add_from_edit)
        self.edit.returnPressed.connect(self.add_from_edit)
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.itemSelectionChanged.connect(lambda: self.remove_button.setEnabled(bool(self.list.selectedItems())))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.edit, 1)
        row.addWidget(self.add_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.intro)
        lay.addLayout(row)
        lay.addWidget(self.error)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(buttons)
        self.retranslate()
        self._show(wordpass.user_terms(self.project_dir))

    def terms(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def add(self, term: str) -> bool:
        try:
            before = self.terms()
            terms = wordpass.add_user_term(self.project_dir, term)
        except (ValueError, OSError) as exc:
            self.error.setText(str(exc))
            self.error.show()
            return False
        self._show(terms)
        if terms != before:
            self.termsChanged.emit(terms)
        return True

    def add_from_edit(self) -> None:
        if self.add(self.edit.text()):
            self.edit.clear()

    def remove(self, terms_to_remove: list[str]) -> None:
        terms = self.terms()
        try:
            for term in terms_to_remove:
                terms = wordpass.remove_user_term(self.project_dir, term)
        except OSError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self._show(terms)
        self.termsChanged.emit(terms)

    def remove_selected(self) -> None:
        chosen = [it.text() for it in self.list.selectedItems()]
        if chosen:
            self.remove(chosen)

    def _show(self, terms: list[str]) -> None:
        self.error.hide()
        self.list.clear()
        self.list.addItems(terms)
        self.remove_button.setEnabled(False)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("User dictionary"))
        self.intro.setText(self.tr("Words jieba should keep whole (names, terms of art). They are kept in the "
                                   "curation project; rows containing a changed word are tokenised again."))
        self.edit.setPlaceholderText(self.tr("New word, e.g. 苹果树"))
        self.add_button.setText(self.tr("Add"))
        self.remove_button.setText(self.tr("Remove"))
