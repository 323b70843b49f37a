"""The main window as the curation room sees it: an interface, not the class. The shell
composes the real window (shell/main_window.py) and hands itself in; the curation
actions and their wiring use only what is named here, so they never import the shell."""
from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QWidget

from app.ui.browse.detail_view import DetailView
from app.ui.browse.rows_model import RowsModel
from app.ui.browse.rows_view import RowsView
from app.ui.browse.session import BrowseSession
from app.ui.browse.status_bar import StatusBar

from .curation_ctl import CurationCtl


class Actions(Protocol):
    """The action table: each action by its id."""
    actions: dict[str, QAction]

    def __getitem__(self, action_id: str) -> QAction: ...


class LastDialog(Protocol):
    """The window's command handlers: the last non-modal dialog shown (tests answer it)."""
    dialog: QWidget | None


class Docks(Protocol):
    """The curation docks (curate_wiring.CurateUi, built after the commands)."""

    def show_history(self) -> None: ...

    def show_stale(self) -> None: ...


class CurateWindow(Protocol):
    session: BrowseSession
    curation: CurationCtl
    model: RowsModel
    table: RowsView
    detail: DetailView
    status: StatusBar
    registry: Actions
    commands: LastDialog
    curate_ui: Docks
    detail_position: int | None

    def show_detail(self, position: int | None) -> None: ...

    def addDockWidget(self, area: Qt.DockWidgetArea, dock: QDockWidget) -> None: ...  # noqa: N802 - Qt's name
