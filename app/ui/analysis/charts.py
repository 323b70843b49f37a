"""pyqtgraph bar charts for the analysis tabs: category bars (horizontal), bin bars
(vertical) and stacked bars, in the app's theme colours, savable as PNG.

Imported only when an analysis tab is built (pyqtgraph costs ~0.4 s to import)."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QSizePolicy

from app.ui.common import themes

# Distinguishable series colours (Okabe-Ito), readable on the dark and the light theme.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
OTHER = "#7f7f7f"
ROW_PX = 20  # height of one horizontal bar row
LABEL_CHARS = 22  # category labels are cut to this many characters


def short(label: str, n: int = LABEL_CHARS) -> str:
    label = " ".join(str(label).split())  # one line: newlines in data would break the axis
    return label if len(label) <= n else label[: n - 1] + "…"


def count_text(n: float) -> str:
    return f"{int(n):,}"


def thinned_ticks(labels: Sequence[str], width: int, advance, gap: int = 10) -> list[tuple[int, str]]:
    """(index, label) of every k-th label, k the least step at which each label (its
    ``advance`` in pixels plus ``gap``) fits in its share of ``width``."""
    n = len(labels)
    if not n:
        return []
    need = max(advance(lab) for lab in labels) + gap
    step = max(1, -(-need * n // max(width, 1)))
    return [(i, labels[i]) for i in range(0, n, step)]


def set_category_ticks(axis, labels: Sequence[str]) -> None:
    """One tick per category on a left axis, wide enough for every label (pyqtgraph
    drops a label that does not fit and only widens the axis on a later paint)."""
    axis.setTicks([[(i, lab) for i, lab in enumerate(labels)]])
    metrics = QFontMetrics(axis.style.get("tickFont") or QFont())
    axis.setWidth(max((metrics.horizontalAdvance(lab) for lab in labels), default=0) + 16)


class BarChart(pg.PlotWidget):
    """One chart. ``show_bars`` for categories or bins, ``show_stacked`` for a
    category x series table; the chart's rows are what the caller passed, nothing else."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.getViewBox().setDefaultPadding(0.02)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._items: list = []
        self._legend = None
        self._bins: list[str] = []  # bin labels of a vertical chart (ticks thinned to fit its width)
        self.labels: list[str] = []
        self.values: list[float] = []
        self.apply_theme()

    # -- data ----------------------------------------------------------------------------------------
    def clear_bars(self) -> None:
        self._bins = []
        for it in self._items:
            self.removeItem(it)
        self._items.clear()
        if self._legend is not None:
            self._legend.clear()

    def show_bars(self, labels: Sequence[str], values: Sequence[float], *, horizontal: bool = True,
                  colors: Sequence[str] | None = None) -> None:
        """One bar per label; horizontal bars read top to bottom with their counts beside."""
        self.clear_bars()
        self.labels, self.values = [str(v) for v in labels], [float(v) for v in values]
        n = len(self.values)
        brushes = [pg.mkBrush(c) for c in colors] if colors else [pg.mkBrush(themes.color("bar"))] * n
        idx = list(range(n))
        item = self.getPlotItem()
        if horizontal:
            bars = pg.BarGraphItem(x0=[0] * n, y=idx, width=self.values, height=0.7, brushes=brushes,
                                   pen=pg.mkPen(None))
            set_category_ticks(item.getAxis("left"), [short(lab) for lab in self.labels])
            item.getAxis("bottom").setTicks(None)
            item.invertY(True)
            top = max(self.values, default=0) or 1
            for i, v in enumerate(self.values):
                text = pg.TextItem(count_text(v), color=themes.color("plot_fg"), anchor=(0, 0.5))
                text.setPos(v + top * 0.01, i)
                self._add(text)
            self.setXRange(0, top * 1.15, padding=0)
            self.setYRange(-0.6, max(n - 0.4, 0.6), padding=0)
            self.setFixedHeight(max(90, n * ROW_PX + 50))
        else:
            bars = pg.BarGraphItem(x=idx, height=self.values, width=0.8, brushes=brushes, pen=pg.mkPen(None))
            self._bins = [short(lab, 10) for lab in self.labels]
            self._thin_ticks()
            item.getAxis("left").setTicks(None)
            item.getAxis("left").setWidth(None)
            item.invertY(False)
            self.setXRange(-0.6, max(n - 0.4, 0.6), padding=0)
            self.setYRange(0, (max(self.values, default=0) or 1) * 1.08, padding=0)
            self.setFixedHeight(200)
        self._add(bars)

    def show_stacked(self, categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]],
                     colors: Sequence[str] | None = None) -> None:
        """Horizontal bars per category, split into ``series`` (name, one value per category);
        ``colors``: one per series (else the palette in order)."""
        self.clear_bars()
        self.labels = [str(c) for c in categories]
        n = len(self.labels)
        item = self.getPlotItem()
        if self._legend is None:
            self._legend = item.addLegend(offset=(-10, 5), labelTextColor=themes.color("plot_fg"))
        left = [0.0] * n
        for k, (name, values) in enumerate(series):
            vals = [float(v) for v in values]
            colour = colors[k] if colors else PALETTE[k % len(PALETTE)]
            bars = pg.BarGraphItem(x0=list(left), y=list(range(n)), width=vals, height=0.7,
                                   brush=pg.mkBrush(colour), pen=pg.mkPen(None))
            self._add(bars)
            self._legend.addItem(bars, short(name))
            left = [a + b for a, b in zip(left, vals)]
        self.values = left
        set_category_ticks(item.getAxis("left"), [short(lab) for lab in self.labels])
        item.invertY(True)
        self.setXRange(0, (max(left, default=0) or 1) * 1.3, padding=0)
        self.setYRange(-0.6, max(n - 0.4, 0.6), padding=0)
        self.setFixedHeight(max(110, n * ROW_PX + 60))

    def legend(self, entries: Sequence[tuple[str, str]], offset=(-10, -10)) -> None:
        """A legend of (name, colour) swatches (e.g. the sources colouring subset bars)."""
        if self._legend is None:
            self._legend = self.getPlotItem().addLegend(offset=offset, labelTextColor=themes.color("plot_fg"))
        for name, colour in entries:
            swatch = pg.BarGraphItem(x0=[0], y=[0], width=[0], height=0, brush=pg.mkBrush(colour), pen=pg.mkPen(None))
            self._add(swatch)
            self._legend.addItem(swatch, short(name))

    def _thin_ticks(self) -> None:
        """Bin labels on the bottom axis, every k-th one so that none overlaps the next
        (all of them on a narrow chart ran into each other)."""
        if not getattr(self, "_bins", None):  # resized while being built, or a horizontal chart
            return
        axis = self.getPlotItem().getAxis("bottom")
        axis.setTicks([thinned_ticks(self._bins, self.plot_width(),
                                     QFontMetrics(axis.style.get("tickFont") or QFont()).horizontalAdvance)])

    def plot_width(self) -> int:
        """Pixels across the bars (the view box), what the bin labels share."""
        return max(int(self.getPlotItem().getViewBox().width()), self.width() - 60, 1)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._thin_ticks()

    def _add(self, item) -> None:
        self.addItem(item)
        self._items.append(item)

    # -- looks and files ---------------------------------------------------------------------------
    def apply_theme(self) -> None:
        self.setBackground(themes.color("plot_bg"))
        fg = themes.color("plot_fg")
        for name in ("left", "bottom"):
            axis = self.getPlotItem().getAxis(name)
            axis.setPen(pg.mkPen(fg))
            axis.setTextPen(pg.mkPen(fg))
            axis.setStyle(tickFont=QFont(self.font()))

    def save_png(self, path: str | Path, width: int = 1200) -> Path:
        """The chart as a PNG ``width`` pixels wide (what is shown, re-rendered larger)."""
        from pyqtgraph.exporters import ImageExporter

        exporter = ImageExporter(self.getPlotItem())
        exporter.parameters()["width"] = width
        exporter.parameters()["background"] = QColor(themes.color("plot_bg"))
        exporter.export(str(path))
        return Path(path)
