"""Analyse > Curator Agreement: how often this project's decisions and another curator's
agree, overall and per source (rate and Cohen's kappa). The numbers are the core's
(app.core.team.agreement); they are computed in a worker and only shown here."""
from __future__ import annotations

import polars as pl
from PySide6.QtCore import QCoreApplication, Qt, QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QHeaderView, QLabel, QPushButton, QTableView,
                               QVBoxLayout, QWidget)

from app.core.team.agreement import ALL, format_agreement
from app.ui.common.text_table import TextTableModel

COLUMNS = (  # (table column, header)
    ("source", QT_TRANSLATE_NOOP("AgreementModel", "Source")),
    ("n", QT_TRANSLATE_NOOP("AgreementModel", "Both decided")),
    ("agree", QT_TRANSLATE_NOOP("AgreementModel", "Agree")),
    ("agreement", QT_TRANSLATE_NOOP("AgreementModel", "Rate")),
    ("kappa", QT_TRANSLATE_NOOP("AgreementModel", "Kappa")),
    ("both_accept", QT_TRANSLATE_NOOP("AgreementModel", "Both accept")),
    ("both_reject", QT_TRANSLATE_NOOP("AgreementModel", "Both reject")),
    ("mine_accept_theirs_reject", QT_TRANSLATE_NOOP("AgreementModel", "I accept, they reject")),
    ("mine_reject_theirs_accept", QT_TRANSLATE_NOOP("AgreementModel", "I reject, they accept")),
)


def cell_text(column: str, value) -> str:
    if value is None:
        return "n/a"
    if column == "agreement":
        return f"{value:.1%}"
    if column == "kappa":
        return f"{value:.3f}"
    if column == "source" and value == ALL:
        return QCoreApplication.translate("AgreementModel", "(all sources)")
    return f"{value:,}" if isinstance(value, int) else str(value)


class AgreementModel(TextTableModel):
    """The agreement table as text, one row per source (all sources first)."""

    CONTEXT, HEADERS = "AgreementModel", tuple(header for _, header in COLUMNS)
    RIGHT = frozenset(range(1, len(COLUMNS)))

    def __init__(self, table: pl.DataFrame | None = None, parent=None) -> None:
        super().__init__(parent)
        if table is not None:
            self.set_table(table)

    def set_table(self, table: pl.DataFrame) -> None:  # a few dozen rows at most: one per source
        self.set_rows([tuple(cell_text(c, row[c]) for c, _ in COLUMNS) for row in table.iter_rows(named=True)])


class AgreementDialog(QDialog):
    """The table, the two sides it compares, and Copy (the CLI's text form)."""

    def __init__(self, table: pl.DataFrame, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementDialog")
        self.setWindowTitle(self.tr("Curator agreement"))
        self.table, self.title = table, title
        self.heading = QLabel(title)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)  # names come from another curator's files
        self.heading.setWordWrap(True)
        self.note = QLabel(self.tr("Rows both curators accepted or rejected; kappa corrects the agreement for chance."))
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.model = AgreementModel(table, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.empty = QLabel(self.tr("No rows were decided by both curators."))
        self.empty.setVisible(table.is_empty() or table["n"][0] == 0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("&Copy as Text"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (self.heading, self.note, self.view, self.empty, buttons):
            layout.addWidget(w)
        self.view.resizeColumnsToContents()  # every column in sight: the two disagreement cells are the point
        self.resize(max(820, self.view.horizontalHeader().length() + 60), 360)

    def text(self) -> str:
        return format_agreement(self.table, self.title)

    def copy(self) -> None:
        QApplication.clipboard().setText(self.text())
