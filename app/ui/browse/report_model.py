"""A table of what the loader could not use: bad lines and skipped files."""
from __future__ import annotations

from PySide6.QtCore import QObject, QT_TRANSLATE_NOOP

from app.core.load.report import LoadReport
from app.ui.common.text_table import TextTableModel

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


class ReportModel(TextTableModel):
    """Skipped files first (line shown empty), then bad lines by file and line."""

    CONTEXT, HEADERS, RIGHT = "ReportModel", HEADERS, frozenset({1})

    def __init__(self, report: LoadReport | None = None, parent=None) -> None:
        super().__init__(parent)
        self.set_report(report)

    def set_report(self, report: LoadReport | None) -> None:
        rows: list[tuple[str, str, str]] = []
        if report is not None:
            rows += [(s.file, "", s.reason) for s in report.skipped_files]
            rows += [(b.file, str(b.line), b.reason) for b in report.bad_lines]
        self.set_rows(rows)
