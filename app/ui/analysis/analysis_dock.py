"""The Analysis dock beside the table: Dashboard, Diversity, Near duplicates and Signals
tabs. Built on first use (its charts import pyqtgraph); it only shows what it is given
and reports what was clicked."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QDockWidget, QTabWidget

from .dashboard_tab import DashboardTab
from .diversity_chart import DiversityChart
from .neardup_view import NearDupView
from .signals_panel import SignalsPanel

TABS = ("dashboard", "diversity", "near", "signals")


class AnalysisDock(QDockWidget):
    wantedChanged = Signal()  # which statistics are on screen changed (visibility or tab)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("analysisDock")
        self.setAllowedAreas(Qt.DockWidgetArea.RightDockWidgetArea | Qt.DockWidgetArea.BottomDockWidgetArea
                             | Qt.DockWidgetArea.LeftDockWidgetArea)
        self.dashboard = DashboardTab()
        self.diversity = DiversityChart()
        self.near = NearDupView()
        self.signals = SignalsPanel()
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("analysisTabs")
        self.pages = {"dashboard": self.dashboard, "diversity": self.diversity, "near": self.near,
                      "signals": self.signals}
        for name in TABS:
            self.tabs.addTab(self.pages[name], "")
        self.setWidget(self.tabs)
        self.tabs.currentChanged.connect(lambda _i: self.wantedChanged.emit())
        self.visibilityChanged.connect(lambda _v: self.wantedChanged.emit())
        self._theme_timer = QTimer(self)
        self._theme_timer.setSingleShot(True)
        self._theme_timer.timeout.connect(self.apply_theme)
        self.retranslate()

    def show_tab(self, name: str) -> None:
        self.show()
        self.raise_()
        self.tabs.setCurrentWidget(self.pages[name])

    def current(self) -> str | None:
        """The tab on screen, None while the dock is hidden."""
        if not self.isVisible():
            return None
        return next(n for n, w in self.pages.items() if w is self.tabs.currentWidget())

    def apply_theme(self) -> None:
        self.dashboard.apply_theme()
        self.diversity.apply_theme()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Analysis"))
        titles = {"dashboard": self.tr("Dashboard"), "diversity": self.tr("Diversity"),
                  "near": self.tr("Near duplicates"), "signals": self.tr("Signals")}
        for name in TABS:
            self.tabs.setTabText(self.tabs.indexOf(self.pages[name]), titles[name])

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() in (QEvent.Type.StyleChange, QEvent.Type.PaletteChange):
            self._theme_timer.start(0)  # the theme switched: chart colours follow, once
