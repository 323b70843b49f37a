"""Handlers of the action table: each translates one user intent into a call on the
session, a widget or the preferences. No filtering or counting happens here."""
from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from app.core.query.filters import FilterSpec
from app.core.query.views import ViewStore
from app.resources import demo_release
from app.ui.analysis.analysis_ui import AnalysisUi
from app.ui.browse.facet_panel import FacetPanel
from app.ui.browse.report_dialog import ReportDialog
from app.ui.browse.search_bar import SearchBar
from app.ui.common import dialogs, themes
from app.ui.curate.curate_commands import CurateCommands
from app.ui.curate.team_commands import TeamCommands
from app.ui.curate.window import CurateWindow
from app.ui.review.mode import ReviewMode

from . import i18n
from .actions import ActionRegistry
from .fonts import FontManager
from .settings import Settings, config_dir
from .shortcuts_dialog import ShortcutsDialog


class ShellWindow(CurateWindow, Protocol):
    """The main window as its handlers use it: main_window.MainWindow composes them and
    hands itself in, so this module never imports it."""
    settings: Settings
    fonts: FontManager
    registry: ActionRegistry
    facets: FacetPanel
    search_bar: SearchBar

    def open_paths(self, paths: list[str]) -> None: ...

    def theme_changed(self) -> None: ...

    def close(self) -> bool: ...


class Commands(QObject):
    def __init__(self, window: ShellWindow) -> None:
        super().__init__(window)
        self.w = window
        self.dialog = None  # the last non-modal dialog shown (tests look at it)
        self.curate = CurateCommands(window)  # the curation actions (edit, reject, undo, versions, export)
        self.team = TeamCommands(window)  # a team on one release: my queue, gather, agreement, progress (issue 27)
        self.review = ReviewMode(window, window.curation, self.team.state)  # review mode: F2, one item at a time (issue 5)
        self.team.reviewRequested.connect(self.review_rows)
        self.team.queueOpened.connect(lambda _name: self.review.set_my_queue_only(True))
        self.analysis = AnalysisUi(window)  # Analyse: signals, text pass, near-duplicates, dashboard (issue 6)

    @property
    def session(self):
        return self.w.session

    def _say(self, text: str, msecs: int = 5000) -> None:
        self.w.status.showMessage(text, msecs)

    def review_rows(self, spec: FilterSpec) -> None:
        """Review a view of its own (the team's disagreements): the filter becomes it, then
        review mode starts on its rows once they are counted."""
        session = self.session
        if self.review.active:
            self.review.leave(quiet=True)

        def ready(_positions) -> None:
            session.rowsReady.disconnect(ready)
            self.review.enter()

        session.rowsReady.connect(ready)
        session.set_spec(spec)

    # -- file ---------------------------------------------------------------------------------
    def open_file(self) -> None:
        paths = dialogs.open_files(self.w, self.tr("Open release file(s)"), self._start_dir())
        if paths:
            self.w.open_paths(paths)

    def open_folder(self) -> None:
        path = dialogs.open_folder(self.w, self.tr("Open release folder"), self._start_dir())
        if path:
            self.w.open_paths([path])

    def _start_dir(self) -> str:
        return str(self.session.release.root) if self.session.release else ""

    def open_demo(self) -> None:
        self.w.open_paths([str(demo_release())])

    def reload(self) -> None:
        if self.session.release is not None:
            self.w.open_paths([str(p) for p in self.session.release.paths])

    def cancel_load(self) -> None:
        self.session.cancel_load()

    def show_load_report(self) -> None:
        release = self.session.release
        self.dialog = ReportDialog(release.report if release else None, release.name if release else "", self.w)
        self.dialog.open()

    def quit(self) -> None:
        self.w.close()

    # -- edit / search ---------------------------------------------------------------------------
    def copy_locator(self) -> None:
        self.w.detail.copy_locator()
        if self.w.detail.locator():
            self._say(self.tr("Copied %1").replace("%1", self.w.detail.locator()))

    def focus_search(self) -> None:
        self.w.search_bar.focus()

    def next_match(self) -> None:
        self.w.detail.next_match()

    def previous_match(self) -> None:
        self.w.detail.previous_match()

    def clear_search(self) -> None:
        self.session.set_spec(self.session.spec.with_search(replace(self.session.spec.search, text="")))

    # -- filter state ---------------------------------------------------------------------------
    def clear_filters(self) -> None:
        self.session.set_spec(self.session.spec.clear_all())

    def copy_view(self) -> None:
        QGuiApplication.clipboard().setText(self.session.spec.to_text())
        self._say(self.tr("View copied to the clipboard."))

    def paste_view(self) -> None:
        try:
            spec = FilterSpec.from_text(QGuiApplication.clipboard().text())
        except ValueError as exc:
            self._say(self.tr("The clipboard does not hold a view: %1").replace("%1", str(exc)), 8000)
            return
        self.session.set_spec(spec)

    def _views(self) -> ViewStore:
        return ViewStore(config_dir() / "views.json")

    def save_view(self) -> None:
        name = dialogs.get_text(self.w, self.tr("Save view"), self.tr("Name of this view:"))
        if name:
            try:
                self._views().save(name, self.session.spec)
            except (ValueError, OSError) as exc:
                self._say(self.tr("Could not save the view: %1").replace("%1", str(exc)), 8000)
                return
            self._say(self.tr("View saved as %1").replace("%1", name.strip()))

    def open_view(self) -> None:
        try:
            names = self._views().names()
            name = dialogs.get_item(self.w, self.tr("Open saved view"), self.tr("View:"), names)
            if name:
                self.session.set_spec(self._views().get(name))
            elif not names:
                self._say(self.tr("No saved views yet (Filter > Save View As…)."))
        except (ValueError, KeyError, OSError) as exc:
            self._say(self.tr("Could not open the view: %1").replace("%1", str(exc)), 8000)

    def delete_view(self) -> None:
        try:
            name = dialogs.get_item(self.w, self.tr("Delete saved view"), self.tr("View:"), self._views().names())
            if name and self._views().delete(name):
                self._say(self.tr("Deleted view %1").replace("%1", name))
        except (ValueError, OSError) as exc:
            self._say(self.tr("Could not delete the view: %1").replace("%1", str(exc)), 8000)

    # -- view -------------------------------------------------------------------------------------
    def focus_facets(self) -> None:
        self.w.facets.setFocus()

    def focus_table(self) -> None:
        self.w.table.setFocus()

    def focus_detail(self) -> None:
        self.w.detail.focus_text()

    def choose_columns(self) -> None:
        table = self.w.table
        table.column_menu().popup(table.mapToGlobal(QPoint(table.width() // 3, 0)))

    def set_dark_theme(self, dark: bool) -> None:
        theme = themes.apply_theme(QApplication.instance(), "dark" if dark else "light")
        self.w.settings.theme = theme
        self.w.theme_changed()

    def zoom_in(self) -> None:
        self.w.fonts.zoom_in()
        self.w.settings.zoom = self.w.fonts.zoom

    def zoom_out(self) -> None:
        self.w.fonts.zoom_out()
        self.w.settings.zoom = self.w.fonts.zoom

    def zoom_reset(self) -> None:
        self.w.fonts.zoom_reset()
        self.w.settings.zoom = self.w.fonts.zoom

    def _language(self, language: str) -> None:
        i18n.install_language(language)
        self.w.settings.language = language

    def language_system(self, _checked: bool = True) -> None:
        self._language("system")

    def language_en(self, _checked: bool = True) -> None:
        self._language("en")

    def language_zh(self, _checked: bool = True) -> None:
        self._language("zh_CN")

    # -- help --------------------------------------------------------------------------------------
    def show_shortcuts(self) -> None:
        self.dialog = ShortcutsDialog(self.w.registry.bindings(), self.w)
        self.dialog.open()

    def show_about(self) -> None:
        from app.about import versions  # the same line as --version; reads metadata, imports neither Qt nor jieba

        box = QMessageBox(QMessageBox.Icon.Information, self.tr("About CQIA Curator"),
                          self.tr("%1\n\nBrowse, filter and curate COIG-CQIA style "
                                  "instruction-tuning releases.").replace("%1", "\n".join(versions().split(", "))),
                          QMessageBox.StandardButton.Close, self.w)
        box.setObjectName("aboutBox")
        box.setTextFormat(Qt.TextFormat.PlainText)
        self.dialog = box
        box.open()
