"""Making the application and its window: the QApplication with its names, icon, language,
CJK font, zoom and theme; what to open; the main window; the first-paint hook the
benchmark reads. Used by the entry (launch.run), the self-test and the probes."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app.resources import demo_release, icon_path
from app.ui.common import themes
from app.ui.common.workers import freeze_heap

from . import i18n
from .fonts import FontManager
from .settings import APP_NAME, ORG_DOMAIN, ORG_NAME, Settings

FIRST_PAINT_HOOK = "CQIA_EXIT_AFTER_FIRST_PAINT"  # set: print FIRST_PAINT_LINE after the first rows paint, quit
FIRST_PAINT_LINE = "CQIA_FIRST_PAINT"


def needs_offscreen() -> bool:
    """No display to draw on (a CI box, ssh): Qt must render offscreen."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return False
    return sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def create_app() -> QApplication:
    """The QApplication with its names and icon (cheap: no fonts, styles or translations yet)."""
    QCoreApplication.setOrganizationName(ORG_NAME)
    QCoreApplication.setOrganizationDomain(ORG_DOMAIN)
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "cqia-curator"])
    app.setApplicationDisplayName(APP_NAME)
    if (icon := icon_path()) is not None:
        app.setWindowIcon(QIcon(str(icon)))
    return app


def style_app(app: QApplication, settings: Settings) -> FontManager:
    """Language, CJK font, zoom and theme from the preferences."""
    i18n.install_language(settings.language)
    fonts = FontManager(app)
    fonts.set_zoom(settings.zoom)
    themes.apply_theme(app, settings.theme)
    return fonts


def make_app(settings: Settings | None = None) -> tuple[QApplication, Settings, FontManager]:
    """The QApplication with names, icon, language, CJK font, zoom and theme applied."""
    app = create_app()
    settings = settings or Settings()
    return app, settings, style_app(app, settings)


def startup_paths(paths: list[str], settings: Settings) -> list[str]:
    """What to open: the paths given, else the last release if it still exists, else the demo."""
    if paths:
        return paths
    last = settings.last_release()
    if last and all(Path(p).exists() for p in last):
        return last
    return [str(demo_release())]


def build_window(settings: Settings, fonts: FontManager, session=None):
    from .main_window import MainWindow

    window = MainWindow(settings, fonts, session)
    freeze_heap()
    if not fonts.has_cjk:  # said once per run, in the status bar, never a dialog
        window.status.showMessage(QCoreApplication.translate(
            "Launch", "No Simplified Chinese font found: install Noto Sans CJK SC (fonts-noto-cjk) "
                      "for correct Chinese glyphs."), 20000)
    return window


class FirstRowsPaint(QObject):
    """Notes when the table has painted rows and the facet panel has painted counts (both,
    as the curator sees them); with ``exit_after`` it prints
    ``CQIA_FIRST_PAINT <time.time()> [jieba]`` and quits (the benchmark's hook)."""

    def __init__(self, window, exit_after: bool = False) -> None:
        super().__init__(window)
        self.window, self.exit_after = window, exit_after
        self.at: float | None = None
        self._table = window.table.viewport()
        self._facets = window.facets.viewport()
        self._painted: dict[QObject, float] = {}
        for view in (self._table, self._facets):
            view.installEventFilter(self)

    def _ready(self, obj) -> bool:
        if obj is self._table:
            return self.window.model.rowCount() > 0
        return self.window.facets.topLevelItemCount() > 0 and self.window.session.facets is not None

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint and obj not in self._painted and self._ready(obj):
            self._painted[obj] = time.time()
            obj.removeEventFilter(self)
            if len(self._painted) == 2:
                self.at = max(self._painted.values())
                if self.exit_after:
                    QTimer.singleShot(0, self._report)  # after this paint has been delivered
        return False

    def _report(self) -> None:
        print(FIRST_PAINT_LINE, repr(self.at), "jieba" if "jieba" in sys.modules else "", flush=True)
        QApplication.instance().quit()
