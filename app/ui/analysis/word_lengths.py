"""Word-count range facets: the length histograms again, over jieba word counts
(tok_<field>), shown instead of the character ones by a Characters / Words switch
above them. They exist once the text pass has run."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QToolButton, QVBoxLayout, QWidget

from app.core.query.filters import FilterSpec
from app.ui.browse.session import WORD_FIELDS


class UnitSwitch(QWidget):
    """Two exclusive buttons: characters or words."""

    toggled = Signal(bool)  # words?

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("lengthUnit")
        self.chars, self.words = QToolButton(self), QToolButton(self)
        self.chars.setObjectName("unitChars")
        self.words.setObjectName("unitWords")
        group = QButtonGroup(self)
        for b in (self.chars, self.words):
            b.setCheckable(True)
            b.setAutoRaise(True)
            group.addButton(b)
        self.chars.setChecked(True)
        self.words.toggled.connect(self.toggled)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(2, 0, 2, 0)
        lay.addWidget(self.chars)
        lay.addWidget(self.words)
        lay.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.chars.setText(self.tr("Characters"))
        self.chars.setToolTip(self.tr("Length facets in characters"))
        self.words.setText(self.tr("Words"))
        self.words.setToolTip(self.tr("Length facets in jieba words (after Analyse > Run Text Analysis)"))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()


def _chart_class():
    from app.ui.browse.length_facets import LengthHistogram  # imports pyqtgraph

    class WordHistogram(LengthHistogram):
        def retranslate(self) -> None:
            super().retranslate()
            names = {"tok_instruction": self.tr("Instruction words"), "tok_input": self.tr("Input words"),
                     "tok_output": self.tr("Output words")}
            self.title.setText(names.get(self.column, self.column))

    return WordHistogram


class WordLengthFacets(QWidget):
    """The three word-count histograms, stacked (same signals as LengthFacets)."""

    rangeChanged = Signal(str, object)  # column, RangeSel
    logToggled = Signal(str, bool)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("wordLengthFacets")
        cls = _chart_class()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.charts = {}
        for column in WORD_FIELDS:
            chart = cls(column, self)
            chart.rangeChanged.connect(self.rangeChanged)
            chart.logToggled.connect(self.logToggled)
            self.charts[column] = chart
            lay.addWidget(chart)
        lay.addStretch(1)

    def set_histogram(self, column: str, edges, counts, log: bool) -> None:
        if column in self.charts:
            self.charts[column].set_histogram(edges, counts, log)

    def set_spec(self, spec: FilterSpec) -> None:
        for column, chart in self.charts.items():
            chart.set_range(spec.range(column))

    def apply_theme(self) -> None:
        for chart in self.charts.values():
            chart.apply_theme()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.PaletteChange):
            QTimer.singleShot(0, self, self.apply_theme)  # the theme switched: follow it
