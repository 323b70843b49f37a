"""Start the GUI: ``run(argv)`` is what ``python -m app [PATH ...] [--self-test]`` calls.

Loading starts in the worker before the window is even built, the window shows at once,
and rows appear as soon as they exist. Heavy modules (pyqtgraph, jieba) are not
imported here: charts load in the background after the first rows, jieba never.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app.resources import demo_release, icon_path
from . import i18n
from app.ui.common import themes
from app.ui.fonts import FontManager
from app.ui.settings import APP_NAME, ORG_DOMAIN, ORG_NAME, Settings
from app.ui.common.workers import freeze_heap

FIRST_PAINT_HOOK = "CQIA_EXIT_AFTER_FIRST_PAINT"  # set: print FIRST_PAINT_LINE after the first rows paint, quit
FIRST_PAINT_LINE = "CQIA_FIRST_PAINT"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m app", description=f"{APP_NAME}: open a release in the window.")
    parser.add_argument("paths", nargs="*", help="JSONL file(s) or a release folder; default: the last one opened")
    parser.add_argument("--self-test", action="store_true",
                        help="build the window headless on the demo release, exercise it, print a report, exit")
    parser.add_argument("--theme", choices=themes.THEMES, help="start with this theme (saved as the preference)")
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help="UI language (saved as the preference)")
    parser.add_argument("--view", metavar="TEXT", help="open with this filter (the text of Filter > Copy View as Text)")
    return parser.parse_args(argv)


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
    from app.ui.main_window import MainWindow

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


def run(argv: list[str]) -> int:
    try:
        opts = parse_args(argv)
    except SystemExit as exc:  # --help or a usage error: argparse already printed
        return int(exc.code or 0)
    if opts.self_test:
        from app.ui.self_test import run_self_test

        return run_self_test(opts.paths)
    if needs_offscreen():
        print(f"{APP_NAME}: no display found (DISPLAY is not set); try --self-test", file=sys.stderr)
        return 2
    app = create_app()
    settings = Settings()
    if opts.theme:
        settings.theme = opts.theme
    if opts.lang:
        settings.language = opts.lang
    view = None
    if opts.view:
        from app.core.query.filters import FilterSpec

        try:
            view = FilterSpec.from_text(opts.view)
        except ValueError as exc:
            print(f"{APP_NAME}: --view: {exc}", file=sys.stderr)
            return 2
    # Start parsing at once: Polars works in the worker (GIL released) while this thread
    # imports the styles and builds the window, so the two overlap instead of adding up.
    from app.ui.browse.session import BrowseSession

    session = BrowseSession()
    session.open(startup_paths(opts.paths, settings))
    fonts = style_app(app, settings)
    window = build_window(settings, fonts, session)
    window.view_after_load = view
    FirstRowsPaint(window, exit_after=bool(os.environ.get(FIRST_PAINT_HOOK)))
    window.show()
    return app.exec()
