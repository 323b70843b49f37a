"""Start the GUI: ``run(argv)`` is what ``python -m app [PATH ...] [--self-test]`` calls.

Loading starts in the worker before the window is even built (startup.py builds the app
and the window), the window shows at once, and rows appear as soon as they exist. Heavy
modules (pyqtgraph, jieba) are not imported here: charts load in the background after
the first rows, jieba never.
"""
from __future__ import annotations

import argparse
import os
import sys

from app.ui.common import themes

from . import i18n
from .settings import APP_NAME, Settings
from .startup import FIRST_PAINT_HOOK, FirstRowsPaint, build_window, create_app, needs_offscreen, startup_paths, style_app


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m app", description=f"{APP_NAME}: open a release in the window.")
    parser.add_argument("paths", nargs="*", help="JSONL file(s) or a release folder; default: the last one opened")
    parser.add_argument("--self-test", action="store_true",
                        help="build the window headless on the demo release, exercise it, print a report, exit")
    parser.add_argument("--theme", choices=themes.THEMES, help="start with this theme (saved as the preference)")
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help="UI language (saved as the preference)")
    parser.add_argument("--view", metavar="TEXT", help="open with this filter (the text of Filter > Copy View as Text)")
    return parser.parse_args(argv)


def run(argv: list[str]) -> int:
    try:
        opts = parse_args(argv)
    except SystemExit as exc:  # --help or a usage error: argparse already printed
        return int(exc.code or 0)
    if opts.self_test:
        from .self_test import run_self_test

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
