"""Instruction diversity, as in the COIG-CQIA paper: the 20 most frequent main verbs of
the instructions and, nested beside each, how its rows split over its 4 most frequent
objects (the rest grey). Drawn with pyqtgraph; clicking a verb (its label or bar) or
one of its objects asks for that filter."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.figures import dashboard
from app.ui.common import themes

from .charts import OTHER, PALETTE, ROW_PX, count_text, set_category_ticks, short
from .dashboard_tab import ask_save_path

LABEL_SHARE = 0.1  # an object's name is written inside its piece when it holds this share of the verb's rows


@dataclass(frozen=True)
class Segment:
    row: int  # verb index, top to bottom
    x0: float  # share of the verb's rows, 0..1
    x1: float
    verb: str
    noun: str | None  # None: the verb's other objects (or none)
    rows: int


def segments(table: pl.DataFrame) -> list[Segment]:
    """The object bar pieces of a top_verb_nouns table: per verb its objects left to
    right as shares of the verb's rows, then the rest of them."""
    out: list[Segment] = []
    for i, (verb, group) in enumerate(table.group_by("verb", maintain_order=True)):
        verb = verb[0]
        total = int(group["verb_rows"][0]) or 1
        x = 0
        for noun, rows in group.filter(pl.col("noun").is_not_null()).select("noun", "rows").iter_rows():
            out.append(Segment(i, x / total, (x + rows) / total, verb, noun, int(rows)))
            x += rows
        if total > x:
            out.append(Segment(i, x / total, 1.0, verb, None, int(total - x)))
    return out


class DiversityChart(QWidget):
    """Left: each verb's rows (absolute). Right, on the same rows: how they split over
    the verb's top objects (shares; grey is every other object)."""

    verbClicked = Signal(str)
    pairClicked = Signal(str, str)  # verb, noun

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("diversityChart")
        self.table: pl.DataFrame | None = None
        self.segments: list[Segment] = []
        self.verbs: list[str] = []
        self.totals: list[int] = []
        self._items: list = []
        self._selected: tuple[str | None, str | None] = (None, None)
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        self.png_button, self.csv_button = QPushButton(self), QPushButton(self)
        self.png_button.clicked.connect(lambda: self._ask("png"))
        self.csv_button.clicked.connect(lambda: self._ask("csv"))
        self.note = QLabel(self)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.plot = pg.GraphicsLayoutWidget(self)
        self.plot.setObjectName("diversityPlot")
        self.verb_plot = self.plot.addPlot(row=0, col=0)
        self.noun_plot = self.plot.addPlot(row=0, col=1)
        for item in (self.verb_plot, self.noun_plot):
            item.setMenuEnabled(False)
            item.hideButtons()
            item.setMouseEnabled(x=False, y=False)
            item.invertY(True)
        self.noun_plot.setYLink(self.verb_plot)
        self.noun_plot.getAxis("left").setStyle(showValues=False)
        self.noun_plot.getAxis("left").setWidth(4)
        self.plot.ci.layout.setColumnStretchFactor(0, 2)
        self.plot.ci.layout.setColumnStretchFactor(1, 3)
        self.plot.scene().sigMouseClicked.connect(self._on_click)
        self.plot.scene().sigMouseMoved.connect(self._on_move)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.png_button)
        head.addWidget(self.csv_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.addLayout(head)
        lay.addWidget(self.note)
        lay.addWidget(self.plot)
        lay.addStretch(1)
        self.apply_theme()
        self.set_table(None)

    # -- data ----------------------------------------------------------------------------------------
    def set_table(self, table: pl.DataFrame | None, selected: tuple[str | None, str | None] = (None, None)) -> None:
        """A text.top_verb_nouns table (verb, verb_rows, noun, rows); None before the text pass."""
        self.table, self._selected = table, selected
        has = table is not None and table.height > 0
        self.plot.setVisible(has)
        self.note.setVisible(not has)
        self.png_button.setEnabled(has)
        self.csv_button.setEnabled(has)
        if has:
            self._draw()
        self.retranslate()

    def _add(self, plot, item) -> None:
        plot.addItem(item)
        self._items.append((plot, item))

    def _draw(self) -> None:
        for plot, item in self._items:
            plot.removeItem(item)
        self._items.clear()
        self.segments = segments(self.table)
        firsts = self.table.unique("verb", keep="first", maintain_order=True)
        self.verbs, self.totals = firsts["verb"].to_list(), [int(v) for v in firsts["verb_rows"].to_list()]
        n = len(self.verbs)
        top = max(self.totals, default=1) or 1
        sel_verb, sel_noun = self._selected
        fg = themes.color("plot_fg")
        outline = pg.mkPen(fg, width=2)
        verb_pens = [outline if v == sel_verb and sel_noun is None else pg.mkPen(None) for v in self.verbs]
        self._add(self.verb_plot, pg.BarGraphItem(x0=[0] * n, y=list(range(n)), width=self.totals, height=0.72,
                                                  brush=pg.mkBrush(themes.color("bar")), pens=verb_pens))
        for i, total in enumerate(self.totals):
            label = pg.TextItem(count_text(total), color=fg, anchor=(0, 0.5))
            label.setPos(total + top * 0.01, i)
            self._add(self.verb_plot, label)
        groups: dict[int, list[Segment]] = {}  # one bar item per colour: 5 items, not 100
        for s in self.segments:
            groups.setdefault(-1 if s.noun is None else self._noun_rank(s), []).append(s)
        for rank, segs in groups.items():
            colour = OTHER if rank < 0 else PALETTE[rank % len(PALETTE)]
            pens = [outline if s.verb == sel_verb and s.noun is not None and s.noun == sel_noun else pg.mkPen(None)
                    for s in segs]
            self._add(self.noun_plot, pg.BarGraphItem(x0=[s.x0 for s in segs], y=[s.row for s in segs],
                                                      width=[s.x1 - s.x0 for s in segs], height=0.72,
                                                      brush=pg.mkBrush(colour), pens=pens))
        for s in self.segments:
            if s.noun is not None and s.x1 - s.x0 >= LABEL_SHARE:
                label = pg.TextItem(short(s.noun, max(1, int((s.x1 - s.x0) * 40))), color="#ffffff", anchor=(0.5, 0.5))
                label.setPos((s.x0 + s.x1) / 2, s.row)
                self._add(self.noun_plot, label)
        set_category_ticks(self.verb_plot.getAxis("left"), self.verbs)
        self.verb_plot.setXRange(0, top * 1.25, padding=0)
        self.noun_plot.setXRange(0, 1, padding=0.01)
        self.noun_plot.getAxis("bottom").setTicks([[(x / 4, f"{x * 25}%") for x in range(5)]])
        self.verb_plot.setYRange(-0.6, max(n - 0.4, 0.6), padding=0)
        self.plot.setFixedHeight(max(140, n * (ROW_PX + 6) + 50))

    def _noun_rank(self, s: Segment) -> int:
        return sum(1 for o in self.segments if o.row == s.row and o.noun is not None and o.x0 < s.x0)

    # -- clicks ----------------------------------------------------------------------------------------
    def hit(self, x: float, y: float) -> tuple[str, str | None] | None:
        """(verb, noun or None) under the point (x, y) of the objects plot (x a share)."""
        row = round(y)
        if not 0 <= row < len(self.verbs) or abs(y - row) > 0.4:
            return None
        for s in self.segments:
            if s.row == row and s.x0 <= x < s.x1:
                return s.verb, s.noun
        return None

    def point_of(self, verb: str, noun: str | None = None) -> QPoint:
        """Where (in the plot widget's coordinates) a click picks ``verb`` (its bar) or
        ``verb``/``noun`` (the object's piece)."""
        if noun is None:
            row = self.verbs.index(verb)
            view, at = self.verb_plot.getViewBox(), QPointF(self.totals[row] / 2, row)
        else:
            s = next(s for s in self.segments if s.verb == verb and s.noun == noun)
            view, at = self.noun_plot.getViewBox(), QPointF((s.x0 + s.x1) / 2, s.row)
        return self.plot.mapFromScene(view.mapViewToScene(at))

    def _at(self, scene_pos) -> tuple[str, str | None] | None:
        nouns = self.noun_plot.getViewBox()
        if nouns.sceneBoundingRect().contains(scene_pos):
            p = nouns.mapSceneToView(scene_pos)
            return self.hit(p.x(), p.y())
        verbs = self.verb_plot.getViewBox()
        if verbs.sceneBoundingRect().contains(scene_pos) or \
                self.verb_plot.getAxis("left").sceneBoundingRect().contains(scene_pos):
            y = verbs.mapSceneToView(scene_pos).y()
            row = round(y)
            return (self.verbs[row], None) if 0 <= row < len(self.verbs) and abs(y - row) <= 0.4 else None
        return None

    def _on_click(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self.segments:
            return
        found = self._at(event.scenePos())
        if found is None:
            return
        verb, noun = found
        if noun is None:
            self.verbClicked.emit(verb)
        else:
            self.pairClicked.emit(verb, noun)

    def _on_move(self, scene_pos) -> None:
        found = self._at(scene_pos) if self.segments else None
        if found is None:
            self.plot.setToolTip("")
            return
        verb, noun = found
        if noun is None and self.noun_plot.getViewBox().sceneBoundingRect().contains(scene_pos):
            seg = next(s for s in self.segments if s.verb == verb and s.noun is None)
            what, rows = self.tr("%1 · other objects").replace("%1", verb), seg.rows
        elif noun is None:
            what, rows = verb, self.totals[self.verbs.index(verb)]
        else:
            what, rows = f"{verb} · {noun}", next(s.rows for s in self.segments if s.verb == verb and s.noun == noun)
        self.plot.setToolTip(self.tr("%1: %2 rows (click to filter)").replace("%1", what).replace(
            "%2", count_text(rows)))

    # -- files, looks, language --------------------------------------------------------------------------
    def save_csv(self, path: str | Path) -> Path:
        return dashboard.to_csv(self.table, path)

    def save_png(self, path: str | Path, width: int = 1400) -> Path:
        from pyqtgraph.exporters import ImageExporter

        exporter = ImageExporter(self.plot.ci)
        exporter.parameters()["width"] = width
        exporter.parameters()["background"] = themes.color("plot_bg")
        exporter.export(str(path))
        return Path(path)

    def _ask(self, kind: str) -> None:
        pattern = self.tr("PNG image (*.png)") if kind == "png" else self.tr("CSV table (*.csv)")
        path = ask_save_path(self, self.title.text(), f"verb_nouns.{kind}", pattern)
        if path:
            (self.save_png if kind == "png" else self.save_csv)(path)

    def apply_theme(self) -> None:
        self.plot.setBackground(themes.color("plot_bg"))
        fg = themes.color("plot_fg")
        for item in (self.verb_plot, self.noun_plot):
            for name in ("left", "bottom"):
                axis = item.getAxis(name)
                axis.setPen(pg.mkPen(fg))
                axis.setTextPen(pg.mkPen(fg))
                axis.setStyle(tickFont=QFont(self.font()))
        if self.table is not None and self.table.height:
            self._draw()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Instruction diversity: the 20 most frequent verbs and their 4 most frequent "
                                   "objects, in the current filter. Click a verb or an object to filter."))
        self.png_button.setText(self.tr("PNG…"))
        self.csv_button.setText(self.tr("CSV…"))
        self.note.setText(self.tr("Run Analyse > Run Text Analysis to find each instruction's verb and object.")
                          if self.table is None else self.tr("No verbs in these rows."))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
