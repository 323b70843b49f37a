"""The statistics tab: the COIG-CQIA paper's tables and figures for the rows of the
current filter, one card per table (app.core.figures.dashboard computes them in a worker).
Each card draws its table with pyqtgraph and saves it as PNG (the chart) or CSV (the
numbers, dashboard.to_csv)."""
from __future__ import annotations

from pathlib import Path

import polars as pl
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QT_TRANSLATE_NOOP, QTimer
from PySide6.QtWidgets import (QFileDialog, QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout,
                               QWidget)

from app.core.figures import dashboard
from app.ui.browse.rows_model import status_label

from . import palette
from .charts import BarChart

# name -> (title, how it is drawn); the order of the tab.
CARDS = {
    "rows_by_source": (QT_TRANSLATE_NOOP("DashboardTab", "Rows per source and subset (Table 1)"), "subsets"),
    "task_major": (QT_TRANSLATE_NOOP("DashboardTab", "Task types, major (Figure 2)"), "bars"),
    "task_minor": (QT_TRANSLATE_NOOP("DashboardTab", "Task types, minor (top 20)"), "bars"),
    "instruction_chars": (QT_TRANSLATE_NOOP("DashboardTab", "Instruction length in characters (Figure 3)"), "bins"),
    "instruction_words": (QT_TRANSLATE_NOOP("DashboardTab", "Instruction length in words (Figure 3)"), "bins"),
    "output_chars": (QT_TRANSLATE_NOOP("DashboardTab", "Output length in characters (Figure 3)"), "bins"),
    "output_words": (QT_TRANSLATE_NOOP("DashboardTab", "Output length in words (Figure 3)"), "bins"),
    "formats": (QT_TRANSLATE_NOOP("DashboardTab", "Rows per format"), "bars"),
    "turns_per_row": (QT_TRANSLATE_NOOP("DashboardTab", "Turns per row"), "bins"),
    "roles": (QT_TRANSLATE_NOOP("DashboardTab", "Rows per role present"), "bars"),
    "user_chars": (QT_TRANSLATE_NOOP("DashboardTab", "User turn length in characters"), "bins"),
    "assistant_chars": (QT_TRANSLATE_NOOP("DashboardTab", "Assistant turn length in characters"), "bins"),
    "system_chars": (QT_TRANSLATE_NOOP("DashboardTab", "System text length in characters"), "bins"),
    "answer_from": (QT_TRANSLATE_NOOP("DashboardTab", "Answer source"), "bars"),
    "human_verified": (QT_TRANSLATE_NOOP("DashboardTab", "Human verified"), "bars"),
    "status_by_source": (QT_TRANSLATE_NOOP("DashboardTab", "Curation status per source"), "stacked"),
    "reasons_by_source": (QT_TRANSLATE_NOOP("DashboardTab", "Reject reasons per source"), "stacked"),
    "decisions_by_curator": (QT_TRANSLATE_NOOP("DashboardTab", "Decisions per curator"), "curators"),
}
TOP_BARS = 20  # bars shown at most (the CSV holds every value)


def ask_save_path(parent: QWidget, title: str, default: str, pattern: str) -> str | None:
    """The file dialog, in one place so tests can answer it."""
    path, _ = QFileDialog.getSaveFileName(parent, title, default, pattern)
    return path or None


class ChartCard(QFrame):
    """One table of the dashboard: title, chart, and Save PNG / Save CSV."""

    def __init__(self, name: str, parent=None) -> None:
        super().__init__(parent)
        self.name = name
        self.setObjectName(f"card_{name}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.table: pl.DataFrame | None = None
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.png_button, self.csv_button = QPushButton(self), QPushButton(self)
        self.png_button.clicked.connect(lambda: self._ask("png"))
        self.csv_button.clicked.connect(lambda: self._ask("csv"))
        self.note = QLabel(self)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.chart: BarChart | None = None  # built with the first table (~35 ms each)
        self.colours: dict[str, str] | None = None  # the release's source colours
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.png_button)
        head.addWidget(self.csv_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.addLayout(head)
        lay.addWidget(self.note)
        self.retranslate()

    def set_table(self, table: pl.DataFrame | None) -> None:
        self.table = table
        has = table is not None and table.height > 0
        if has and self.chart is None:
            self.chart = BarChart(self)
            self.layout().addWidget(self.chart)
        if self.chart is not None:
            self.chart.setVisible(has)
        self.note.setVisible(not has)
        self.png_button.setEnabled(has)
        self.csv_button.setEnabled(table is not None)
        if has:
            draw(self.chart, self.name, table, self.colours)
        self.retranslate()

    def save_csv(self, path: str | Path) -> Path:
        return dashboard.to_csv(self.table, path)

    def save_png(self, path: str | Path) -> Path:
        return self.chart.save_png(path)

    def _ask(self, kind: str) -> None:
        pattern = self.tr("PNG image (*.png)") if kind == "png" else self.tr("CSV table (*.csv)")
        path = ask_save_path(self, self.tr("Save %1").replace("%1", self.title.text()), f"{self.name}.{kind}", pattern)
        if path:
            (self.save_png if kind == "png" else self.save_csv)(path)

    def retranslate(self) -> None:
        self.title.setText(QCoreApplication.translate("DashboardTab", CARDS[self.name][0]))
        self.png_button.setText(self.tr("PNG…"))
        self.png_button.setToolTip(self.tr("Save the chart as a PNG image"))
        self.csv_button.setText(self.tr("CSV…"))
        self.csv_button.setToolTip(self.tr("Save the numbers as CSV"))
        words = self.name.endswith("_words")
        self.note.setText(self.tr("Word counts appear after Analyse > Run Text Analysis.") if words and self.table is None
                          else self.tr("No rows."))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()


def draw(chart: BarChart, name: str, table: pl.DataFrame, colours: dict[str, str] | None = None) -> None:
    """Draw one dashboard table; the chart shows exactly the table's numbers. ``colours``:
    the release's source -> colour map (palette.source_colours), the same for every chart."""
    kind = CARDS[name][1]
    if kind == "subsets":  # one bar per subset, grouped and coloured by source
        sources = table["source"].to_list()
        colours = colours or palette.source_colours(table.select("source"))
        chart.show_bars(table["subset"].to_list(), table["rows"].to_list(),
                        colors=[colours.get(s, palette.OTHER) for s in sources])
        other = QCoreApplication.translate("DashboardTab", "other (%1 sources)")
        chart.legend(palette.legend_entries(colours, list(dict.fromkeys(sources)), other))
    elif kind == "bins":
        chart.show_bars(table["bin"].to_list(), table["rows"].to_list(), horizontal=False)  # ticks thinned to fit
    elif kind == "bars":
        key = table.columns[0]
        top = table.head(TOP_BARS)
        labels = [status_label(v) if key == "status" else v for v in top[key].cast(pl.String).to_list()]
        chart.show_bars(labels, top["rows"].to_list())
    elif kind == "curators":  # curator x status, already wide; the table's order (busiest first)
        series = [(status_label(c), table[c].to_list()) for c in dashboard.CURATOR_STATUSES]
        chart.show_stacked(table["curator"].to_list(), series,
                           [palette.STATUS_COLOURS.get(c, palette.OTHER) for c in dashboard.CURATOR_STATUSES])
    else:  # stacked: source x (status | reason)
        key = "status" if name == "status_by_source" else "reason"
        wide = table.pivot(on=key, index="source", values="rows", aggregate_function="sum").fill_null(0)
        series_names = [c for c in wide.columns if c != "source"]
        totals = wide.select(pl.sum_horizontal(series_names).alias("t"), "source")
        wide = wide.with_columns(totals["t"]).sort(["t", "source"], descending=[True, False])
        series_names.sort()  # a reason keeps its colour whichever filter is shown
        series = [(status_label(c) if key == "status" else c, wide[c].to_list()) for c in series_names]
        chart.show_stacked(wide["source"].to_list(), series,
                           [palette.STATUS_COLOURS.get(c, palette.OTHER) for c in series_names] if key == "status" else None)


class DashboardTab(QWidget):
    """Every card, stacked in a scroll area, and a line saying which rows they count."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardTab")
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.cards = {name: ChartCard(name) for name in CARDS}
        inner = QWidget()
        col = QVBoxLayout(inner)
        for card in self.cards.values():
            col.addWidget(card)
        col.addStretch(1)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(inner)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.summary)
        lay.addWidget(self.scroll, 1)
        self._rows: int | None = None
        self._todo: list = []
        self.retranslate()

    @property
    def drawing(self) -> bool:
        """Cards still waiting for their new table."""
        return bool(self._todo)

    def set_tables(self, tables: dict[str, pl.DataFrame], rows: int, colours: dict[str, str] | None = None) -> None:
        """New numbers: the cards redraw one per event-loop turn, so the GUI never stalls.
        ``colours``: the release's source colours (palette.source_colours)."""
        self._rows = rows
        for card in self.cards.values():
            card.colours = colours
        self._todo = [(card, tables.get(name), name in tables or name.endswith("_words"))
                      for name, card in self.cards.items()]
        self.retranslate()
        QTimer.singleShot(0, self, self._draw_next)

    def _draw_next(self) -> None:
        if not self._todo:
            return
        card, table, visible = self._todo.pop(0)
        card.set_table(table)
        card.setVisible(visible)
        if self._todo:
            QTimer.singleShot(0, self, self._draw_next)

    def apply_theme(self) -> None:
        for card in self.cards.values():
            if card.chart is not None:
                card.chart.apply_theme()
                if card.table is not None and card.table.height:
                    draw(card.chart, card.name, card.table, card.colours)

    def retranslate(self) -> None:
        self.summary.setText(self.tr("Statistics of the %1 rows in the current filter.").replace(
            "%1", f"{self._rows:,}") if self._rows is not None else self.tr("Computing…"))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
