"""The load report: a table of file / line / reason for everything the loader skipped."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableView, QVBoxLayout

from app.core.load.report import LoadReport

from .report_model import ReportModel


class ReportDialog(QDialog):
    def __init__(self, report: LoadReport | None, release_name: str = "", parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("reportDialog")
        self.setWindowTitle(self.tr("Load report"))
        self.resize(820, 420)
        self.model = ReportModel(report, self)
        summary = QLabel(self)
        summary.setTextFormat(Qt.TextFormat.PlainText)
        if report is None:
            summary.setText(self.tr("Nothing loaded yet."))
        else:
            text = self.tr("%1 rows from %2 files; %3 bad lines; %4 skipped files.")
            for key, value in (("%1", f"{report.rows:,}"), ("%2", str(report.files)),
                               ("%3", str(len(report.bad_lines))), ("%4", str(len(report.skipped_files)))):
                text = text.replace(key, value)
            summary.setText(f"{release_name}: {text}" if release_name else text)
        self.table = QTableView(self)
        self.table.setObjectName("reportTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        copy = buttons.addButton(self.tr("Copy all"), QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.model.text()))
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(summary)
        lay.addWidget(self.table, 1)
        lay.addWidget(buttons)
