"""A table of what the loader could not use: bad lines and skipped files."""
from __future__ import annotations

from PySide6.QtCore import (QAbstractTableModel, QCoreApplication, QModelIndex, QObject, QPersistentModelIndex, Qt,
                            QT_TRANSLATE_NOOP)

from app.core.report import LoadReport

HEADERS = (
    QT_TRANSLATE_NOOP("ReportModel", "File"),
    QT_TRANSLATE_NOOP("ReportModel", "Line"),
    QT_TRANSLATE_NOOP("ReportModel", "Reason"),
)


class _Plurals(QObject):
    """Holds the counted phrases: lupdate marks plural forms only in ``self.tr`` calls."""

    def summary(self, bad: int, lfs: int, other: int) -> str:
        parts = []
        if bad:
            parts.append(self.tr("%n bad line(s)", "", bad))
        if lfs:
            parts.append(self.tr("%n LFS pointer(s)", "", lfs))
        if other:
            parts.append(self.tr("%n skipped file(s)", "", other))
        return ", ".join(parts)


def problem_summary(report: LoadReport | None) -> str:
    """'2 bad lines, 1 LFS pointer' -- empty when the load was clean."""
    if report is None:
        return ""
    lfs = len(report.lfs_pointers)
    return _Plurals().summary(len(report.bad_lines), lfs, len(report.skipped_files) - lfs)


class ReportModel(QAbstractTableModel):
    """Skipped files first (line shown empty), then bad lines by file and line."""

    def __init__(self, report: LoadReport | None = None, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str, str]] = []
        self.set_report(report)

    def set_report(self, report: LoadReport | None) -> None:
        self.beginResetModel()
        self._rows = []
        if report is not None:
            self._rows += [(s.file, "", s.reason) for s in report.skipped_files]
            self._rows += [(b.file, str(b.line), b.reason) for b in report.bad_lines]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows) and 0 <= index.column() < len(HEADERS)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(HEADERS):
            return QCoreApplication.translate("ReportModel", HEADERS[section])
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def text(self) -> str:
        """Tab-separated rows for the clipboard."""
        return "\n".join("\t".join(r) for r in self._rows)
