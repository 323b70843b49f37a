"""Length facets: a pyqtgraph histogram per text field with a draggable range and
min/max boxes. pyqtgraph is imported only when the charts are built (it costs ~0.4 s),
so the window and first rows never wait for it.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from app.core.query.filters import FilterSpec, RangeSel
from app.ui.common import themes

from .session import LENGTH_FIELDS

NO_BOUND = -1  # spin box value shown as "any"
CHART_STEP_MS = 15  # between one chart being built, or taking new data, and the next
MAX_LENGTH = 10_000_000


def _to_axis(x: float, log: bool) -> float:
    return math.log1p(max(0.0, x)) if log else x


def _from_axis(x: float, log: bool) -> float:
    return math.expm1(x) if log else x


class LengthHistogram(QWidget):
    rangeChanged = Signal(str, object)  # column, RangeSel
    logToggled = Signal(str, bool)

    def __init__(self, column: str, parent=None) -> None:
        super().__init__(parent)
        import pyqtgraph as pg

        self.column = column
        self._log = False
        self._extent = (0.0, 1.0)  # data extent in real units
        self._range = RangeSel()
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.log_box = QCheckBox(self)
        self.log_box.setObjectName(f"log_{column}")
        self.log_box.toggled.connect(lambda on: self.logToggled.emit(self.column, on))
        self.min_box, self.max_box = QSpinBox(self), QSpinBox(self)
        for box, name in ((self.min_box, "min"), (self.max_box, "max")):
            box.setObjectName(f"{name}_{column}")
            box.setRange(NO_BOUND, MAX_LENGTH)
            box.setValue(NO_BOUND)
            box.setKeyboardTracking(False)
            box.setAccelerated(True)
            box.editingFinished.connect(self._on_boxes)
        # A bare ViewBox + axes, not a PlotWidget: PlotItem builds option menus we never
        # show, which makes it ~6x slower to create (35 ms vs 6 ms per chart).
        self._axis = _LengthAxis(self)
        self.plot = pg.GraphicsLayoutWidget(self)
        self.plot.setObjectName(f"plot_{column}")
        self.plot.setMinimumHeight(70)
        self.plot.setMaximumHeight(110)
        self.view = pg.ViewBox(enableMenu=False, enableMouse=False)
        self.view.disableAutoRange()  # we set the ranges; auto-ranging re-measures every item per update
        self._left = _LengthAxis(self, "left")
        self._left.setWidth(30)
        for axis in (self._left, self._axis):
            axis.linkToView(self.view)
        layout = self.plot.ci
        layout.setContentsMargins(0, 2, 6, 0)
        layout.addItem(self._left, 0, 0)
        layout.addItem(self.view, 0, 1)
        layout.addItem(self._axis, 1, 1)
        self.bars = pg.BarGraphItem(x0=[0], x1=[1], height=[0])
        self.view.addItem(self.bars)
        self.region = pg.LinearRegionItem(values=(0, 1))
        self.region.setZValue(10)
        self.region.sigRegionChangeFinished.connect(self._on_region)
        self.view.addItem(self.region)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.title, 1)
        head.addWidget(self.log_box)
        boxes = QHBoxLayout()
        boxes.setContentsMargins(0, 0, 0, 0)
        self.min_label, self.max_label = QLabel(self), QLabel(self)
        boxes.addWidget(self.min_label)
        boxes.addWidget(self.min_box, 1)
        boxes.addWidget(self.max_label)
        boxes.addWidget(self.max_box, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.setSpacing(1)
        lay.addLayout(head)
        lay.addWidget(self.plot)
        lay.addLayout(boxes)
        self.apply_theme()
        self.retranslate()

    # -- data in ----------------------------------------------------------------------------
    def set_histogram(self, edges: list[float], counts: list[int], log: bool) -> None:
        self._log = log
        self._axis.log = log
        self.log_box.blockSignals(True)
        self.log_box.setChecked(log)
        self.log_box.blockSignals(False)
        xs = [_to_axis(e, log) for e in edges]
        self.bars.setOpts(x0=xs[:-1], x1=xs[1:], height=counts)
        self._extent = (edges[0], edges[-1])
        self.region.setBounds((xs[0], xs[-1]))
        self.view.setXRange(xs[0], xs[-1], padding=0.02)
        self.view.setYRange(0, max(counts) if counts and max(counts) > 0 else 1, padding=0.05)
        self._show_range()

    def set_range(self, sel: RangeSel) -> None:
        self._range = sel
        self._show_range()

    def _show_range(self) -> None:
        lo = self._range.min if self._range.min is not None else self._extent[0]
        hi = self._range.max if self._range.max is not None else self._extent[1]
        self.region.blockSignals(True)
        self.region.setRegion((_to_axis(lo, self._log), _to_axis(hi, self._log)))
        self.region.blockSignals(False)
        self._tint_region()
        for box, value in ((self.min_box, self._range.min), (self.max_box, self._range.max)):
            box.blockSignals(True)
            box.setValue(NO_BOUND if value is None else value)
            box.blockSignals(False)

    # -- user input ---------------------------------------------------------------------------
    def _on_region(self) -> None:
        a, b = self.region.getRegion()
        lo, hi = round(_from_axis(a, self._log)), round(_from_axis(b, self._log))
        # A bound dragged to the end of the data means "unbounded" on that side.
        new = RangeSel(None if lo <= self._extent[0] else int(lo), None if hi >= self._extent[1] else int(hi))
        self._emit(new)

    def _on_boxes(self) -> None:
        lo, hi = self.min_box.value(), self.max_box.value()
        self._emit(RangeSel(None if lo == NO_BOUND else lo, None if hi == NO_BOUND else hi))

    def _emit(self, sel: RangeSel) -> None:
        if sel != self._range:
            self._range = sel
            self._show_range()
            self.rangeChanged.emit(self.column, sel)

    # -- looks ----------------------------------------------------------------------------------
    def apply_theme(self) -> None:
        import pyqtgraph as pg

        self.plot.setBackground(themes.color("plot_bg"))
        fg = themes.color("plot_fg")
        for axis in (self._left, self._axis):
            axis.setPen(pg.mkPen(fg))
            axis.setTextPen(pg.mkPen(fg))
        self.bars.setOpts(brush=pg.mkBrush(themes.color("bar")), pen=pg.mkPen(None))
        self._tint_region()

    def _tint_region(self) -> None:
        """A faint region while the range is open, a clear one once it filters."""
        import pyqtgraph as pg

        tint = themes.color("region")
        tint.setAlpha(80 if self._range.active else 18)
        self.region.setBrush(pg.mkBrush(tint))

    def retranslate(self) -> None:
        names = {"len_instruction": self.tr("Instruction length"), "len_input": self.tr("Input length"),
                 "len_output": self.tr("Output length")}
        self.title.setText(names.get(self.column, self.column))
        self.log_box.setText(self.tr("log"))
        self.log_box.setToolTip(self.tr("Logarithmic length axis"))
        self.min_label.setText(self.tr("min"))
        self.max_label.setText(self.tr("max"))
        for box in (self.min_box, self.max_box):
            box.setSpecialValueText(self.tr("any"))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()


def compact(n: float) -> str:
    """4,000 -> '4k', 1,250,000 -> '1.2M': short enough for a narrow axis."""
    for div, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(n) >= div:
            return f"{n / div:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{n:g}"


_NICE = (1, 2, 5)


def length_ticks(lo: float, hi: float, log: bool, most: int) -> list[int]:
    """Whole lengths to label on an axis showing [lo, hi], at most ``most`` of them, each
    once: 1-2-5 steps (linear) or 0, 1, 2, 5, 10, 20, ... (log). A narrow range (all
    inputs empty: 0 to 0.7) gets one or two labels instead of '0 0 1 1 1' in two rows."""
    lo, hi, most = max(0.0, lo), max(0.0, hi), max(1, most)
    if log:
        ladder = [0] + [m * 10 ** e for e in range(8) for m in _NICE]
        inside = [v for v in ladder if lo - 1e-9 <= v <= hi + 1e-9]
        if len(inside) >= 2:
            return inside[::-(-len(inside) // most)]
        # fewer than two 1-2-5 lengths in view (27 to 41): evenly spaced ones instead
    span = max(hi - lo, 1e-9)
    step = next(m * 10 ** e for e in range(10) for m in _NICE if m * 10 ** e * most >= span)
    first = math.ceil(lo / step) * step
    out = list(range(int(first), int(math.floor(hi)) + 1, step))
    return out or [round(lo)]


def _LengthAxis(parent, orientation: str = "bottom"):
    """Axes with readable labels: the bottom one maps log1p-space ticks back to real
    lengths; the left one writes counts compactly (40k, not 40000 cut off)."""
    import pyqtgraph as pg

    class LengthAxis(pg.AxisItem):
        def __init__(self) -> None:
            super().__init__(orientation)
            self.log = False
            self.enableAutoSIPrefix(False)

        def tickValues(self, minVal, maxVal, size):  # noqa: N802 - pyqtgraph's name
            if orientation == "left":
                return super().tickValues(minVal, maxVal, size)
            # One level of whole lengths, as many as fit (pyqtgraph's own are fractions in
            # log space, labelled twice over on a narrow range).
            lo, hi = (math.expm1(minVal), math.expm1(maxVal)) if self.log else (minVal, maxVal)
            ticks = length_ticks(lo, hi, self.log, int(size // 40))
            return [(1.0, [math.log1p(t) if self.log else float(t) for t in ticks])]

        def tickStrings(self, values, scale, spacing):
            if orientation == "left":  # counts are whole: no "0.2" ticks on a one-row chart
                return [compact(v) if float(v).is_integer() else "" for v in values]
            # Lengths are whole numbers: label each once, leave repeats (narrow ranges) blank.
            seen, labels = set(), []
            for v in values:
                label = compact(round(math.expm1(v) if self.log else v))
                labels.append("" if label in seen else label)
                seen.add(label)
            return labels

    return LengthAxis()


class LengthFacets(QWidget):
    """The three length histograms, stacked."""

    rangeChanged = Signal(str, object)  # column, RangeSel
    logToggled = Signal(str, bool)

    def __init__(self, parent=None, build_now: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("lengthFacets")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addStretch(1)
        self.charts: dict[str, LengthHistogram] = {}
        self._due: dict[str, tuple] = {}  # column -> newest (edges, counts, log) not shown yet
        self._step = QTimer(self)
        self._step.setInterval(CHART_STEP_MS)
        self._step.timeout.connect(self._show_next)
        while build_now and self.add_chart():
            pass

    def add_chart(self) -> bool:
        """Build the next chart (~25 ms each, so a caller can spread them over event-loop
        turns); returns False once all are built."""
        missing = [c for c in LENGTH_FIELDS if c not in self.charts]
        if not missing:
            return False
        chart = LengthHistogram(missing[0], self)
        chart.rangeChanged.connect(self.rangeChanged)
        chart.logToggled.connect(self.logToggled)
        self.charts[missing[0]] = chart
        self._layout.insertWidget(self._layout.count() - 1, chart)
        return len(missing) > 1

    def set_histogram(self, column: str, edges, counts, log: bool) -> None:
        """Charts take new data one per timer step: all three redrawn in the event-loop
        turn that also repaints the table stalled the GUI for 60-90 ms."""
        if column in self.charts:
            self._due[column] = (edges, counts, log)
            if not self._step.isActive():
                self._step.start()

    def _show_next(self) -> None:
        if not self._due:
            self._step.stop()
            return
        column = next(iter(self._due))
        self.charts[column].set_histogram(*self._due.pop(column))

    def set_spec(self, spec: FilterSpec) -> None:
        for column, chart in self.charts.items():
            chart.set_range(spec.range(column))

    def apply_theme(self) -> None:
        for chart in self.charts.values():
            chart.apply_theme()
