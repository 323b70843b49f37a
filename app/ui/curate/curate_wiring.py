"""Wires the curation bridge into the main window: edited frames into the table and the
detail view (targeted repaints, no resets), undo/redo titles into the Edit menu, the
read-only and unsaved state into the status bar, errors into a dialog, and the History
dock. Composition only; what an action does is in curate_commands / the core."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QDockWidget, QLabel, QMessageBox

from app.ui.browse.rows_model import COLUMNS

from .change_labels import change_text
from .curate_commands import CurateCommands
from .curate_dialogs import open_keeping_focus, plain_box
from .history_panel import HistoryPanel
from .stale_panel import StalePanel
from .window import CurateWindow


# Actions that change the curation state: disabled while read-only.
EDIT_ACTIONS = ("edit.undo", "edit.redo", "edit.edit_text", "edit.edit_labels", "edit.reject", "edit.accept",
                "edit.restore", "edit.note", "edit.flag", "edit.reject_filter", "edit.accept_filter", "edit.labels_filter",
                "file.save_version")


class CurateUi(QObject):
    def __init__(self, window: CurateWindow, actions: CurateCommands) -> None:
        super().__init__(window)
        self.w = window
        self.actions = actions  # the curation actions the table and the detail view call
        self.ctl = window.curation
        self.last_error: str | None = None
        self.error_box: QMessageBox | None = None
        self.lock_box: QMessageBox | None = None
        self.journal_box: QMessageBox | None = None
        self.history = HistoryPanel(window)
        self.dock = QDockWidget(window)
        self.dock.setObjectName("historyDock")
        self.dock.setWidget(self.history)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        # Decisions that no longer apply to the (changed) release: a queue to re-apply or discard.
        self.stale = StalePanel(window)
        self.stale_dock = QDockWidget(window)
        self.stale_dock.setObjectName("staleDock")
        self.stale_dock.setWidget(self.stale)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.stale_dock)
        self.stale_dock.hide()
        self.stale.reapplyRequested.connect(lambda rids: self.ctl.reapply_stale(rids))
        self.stale.discardRequested.connect(lambda rids: self.ctl.discard_stale(rids))
        self.label = QLabel(window)
        self.label.setObjectName("curateStatus")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        window.status.addPermanentWidget(self.label)
        self._versions_seen: tuple | None = None
        self._stale_seen = None  # the overlay the stale queue was read from
        c = self.ctl
        c.opened.connect(self._on_opened)
        c.readOnlyChanged.connect(self._on_read_only)
        c.notice.connect(lambda text: self.w.status.showMessage(text, 15000))
        c.error.connect(self._on_error)
        c.stateChanged.connect(self.update_state)
        c.changed.connect(lambda change: self.w.status.showMessage(change_text(change.label), 5000))
        c.frameChanged.connect(self._on_frame)
        window.model.edit_handler = actions.inline_edit
        # Double-click edits short cells in place (instruction, domain) and opens the rest in
        # the detail editor; no edit-on-typing, so letter keys stay free for shortcuts.
        window.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked)
        window.table.doubleClicked.connect(self._on_double_click)
        window.detail.editing.committed.connect(actions.commit_edit)
        h = self.history
        h.revertRequested.connect(lambda rid, version: c.revert_rows([rid], version))
        h.viewVersionRequested.connect(c.view_version)
        h.viewCurrentRequested.connect(c.view_current)
        h.error.connect(self._on_error)
        self.retranslate()
        self.update_state()

    # -- signals from the bridge -----------------------------------------------------------------
    def _on_opened(self, curation) -> None:
        self.history.set_curation(curation)
        self.stale.set_curation(curation)
        self._versions_seen = None
        self.update_state()
        if self.stale.count:  # the release changed and some decisions no longer apply: say so where they are
            self.show_stale()
        if curation is not None and curation.journal_problem is not None:
            self._offer_keep(curation)

    def _offer_keep(self, curation) -> None:
        """A damaged journal opens read-only at the last good line: say which line, and offer
        to keep that state (the rest is set aside beside the journal, never deleted)."""
        box = plain_box(self.w, self.tr("The curation journal is damaged"),
                        self.tr("%1\n\nThe project is shown as it was before that line, read-only. Keep this state "
                                "and go on curating? The journal's lines from the damaged one on are moved to a file "
                                "beside it, never deleted.").replace("%1", str(curation.journal_problem)),
                        QMessageBox.Icon.Warning,
                        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setObjectName("journalProblemBox")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Keep this state"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("Stay read-only"))
        box.buttonClicked.connect(lambda button: button is box.button(QMessageBox.StandardButton.Yes)
                                  and self.ctl.keep_good_records())
        self.journal_box = box
        open_keeping_focus(box, self.w, self.w.table)

    def _on_read_only(self, read_only: bool, reason: str) -> None:
        self.update_state()
        c = self.ctl.curation
        if read_only and c is not None and c.lock_holder is not None and self.ctl.viewing is None:
            # Another instance writes this project: say who, once, and keep browsing possible.
            box = plain_box(self.w, self.tr("Opened read-only"),
                            self.tr("This curation project is open in another window or process, so it is shown "
                                     "read-only here: %1").replace("%1", reason),
                            QMessageBox.Icon.Information, QMessageBox.StandardButton.Ok)
            box.setObjectName("readOnlyBox")
            self.lock_box = box
            open_keeping_focus(box, self.w, self.w.table)

    def _on_error(self, message: str) -> None:
        self.last_error = message
        self.w.status.showMessage(message, 15000)
        box = plain_box(self.w, self.tr("Curation"), message, QMessageBox.Icon.Warning, QMessageBox.StandardButton.Ok)
        box.setObjectName("curateError")
        if self.error_box is not None:
            self.error_box.close()
        self.error_box = box
        open_keeping_focus(box, self.w, self.w.table)

    def _on_double_click(self, index) -> None:
        if self.w.model.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return  # the cell editor has it
        key = COLUMNS[index.column()].key if 0 <= index.column() < len(COLUMNS) else ""
        field = {"instruction": "instruction", "len_instruction": "instruction", "len_input": "input"}.get(key, "output")
        if key in ("task", "domain"):
            self.actions.edit_labels(field="task_major" if key == "task" else "domain")
        elif not self.ctl.read_only:
            self.w.detail.editing.begin(field)

    def _on_frame(self, frame) -> None:
        self.w.model.replace_frame(frame, self.ctl.updated_positions)
        self.w.show_detail(self.w.detail_position)

    # -- state --------------------------------------------------------------------------------------
    def update_state(self) -> None:
        ctl, reg = self.ctl, self.w.registry
        writable = not ctl.read_only
        for action_id in EDIT_ACTIONS:
            if action_id in reg.actions:
                reg[action_id].setEnabled(writable)
        reg["edit.undo"].setEnabled(ctl.can_undo)
        reg["edit.redo"].setEnabled(ctl.can_redo)
        self._retitle()
        self.w.model.editable = writable
        self.w.detail.editing.set_allowed(writable)
        self.history.set_viewing(ctl.viewing)
        c = ctl.curation
        seen = None if c is None else (c.last_version, c.project.folder)
        if seen != self._versions_seen:
            self._versions_seen = seen
            self.history.refresh()
        self.label.setText(self._status_text())
        self.label.setProperty("readOnly", ctl.curation is not None and ctl.read_only)
        if self.stale.curation is not c or self._stale_seen != (c.overlay if c is not None else None):
            self.stale.set_curation(c)
            self._stale_seen = c.overlay if c is not None else None

    def _status_text(self) -> str:
        ctl, c = self.ctl, self.ctl.curation
        if c is None:
            return ""
        if ctl.writing:
            return self.tr("Applying a bulk action…")
        if ctl.viewing is not None:
            return self.tr("Viewing version %1 (read-only)").replace("%1", str(ctl.viewing))
        if c.read_only:
            holder = c.lock_holder
            who = holder.describe() if holder is not None else (c.read_only_reason or "")
            return self.tr("Read-only: %1").replace("%1", who)
        version = self.tr("v%1").replace("%1", str(c.last_version)) if c.last_version else self.tr("no version yet")
        return version + (" · " + self.tr("unsaved changes") if c.dirty else "")

    def _retitle(self) -> None:
        reg = self.w.registry
        undo, redo = change_text(self.ctl.undo_label), change_text(self.ctl.redo_label)
        reg["edit.undo"].setText(self.tr("&Undo %1").replace("%1", undo) if undo and self.ctl.can_undo
                                 else self.tr("&Undo"))
        reg["edit.redo"].setText(self.tr("&Redo %1").replace("%1", redo) if redo and self.ctl.can_redo
                                 else self.tr("&Redo"))

    def show_history(self) -> None:
        self.dock.show()
        self.dock.raise_()
        self.history.refresh()
        self.history.version_view.setFocus()

    def show_stale(self) -> None:
        self.stale_dock.show()
        self.stale_dock.raise_()
        self.stale.refresh()
        self.stale.view.setFocus()

    def retranslate(self) -> None:
        self.dock.setWindowTitle(self.tr("History"))
        self.stale_dock.setWindowTitle(self.tr("Stale Decisions"))
        self._retitle()
        self.label.setText(self._status_text())
