"""Review mode in the main window: F2 puts the one-item view where the table and detail
were (facets and search stay, so `/` and `F` can reach them), Esc takes it away and
shows the session's summary, which is also recorded in the project (reviews.jsonl)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QMessageBox, QStackedWidget

from app.core.io.atomic import SaveError
from app.core.query.filters import FilterSpec
from app.core.store.review_session import ReviewLog, SessionRecord, Summary

from .keymap import KeyMap
from .progress import summary_lines
from .review_controller import ReviewController
from .review_view import ReviewView

# The window's actions that act on the table's selection, hidden while reviewing: off in
# review mode (the review keys decide on the item shown instead).
TABLE_ACTIONS = ("edit.accept", "edit.reject", "edit.restore", "edit.edit_text", "edit.edit_labels")


class ReviewMode(QObject):
    entered = Signal()
    left = Signal(object)  # Summary of the session just ended

    def __init__(self, window, ctl, team=None) -> None:
        super().__init__(window)
        self.w, self.ctl = window, ctl
        self.keymap = KeyMap()
        self.view = ReviewView()
        self.controller = ReviewController(self.view, ctl, window.session, self.keymap, self, team=team)
        self.summary_dialog: QMessageBox | None = None
        self.last_summary: Summary | None = None
        self._table_actions: QActionGroup | None = None
        # The view takes the place of table + detail: a stack in the splitter slot they held.
        splitter = window.main_splitter
        sizes = splitter.sizes()
        self.stack = QStackedWidget()
        self.stack.setObjectName("reviewStack")
        splitter.replaceWidget(splitter.indexOf(window.right_splitter), self.stack)
        self.stack.addWidget(window.right_splitter)
        self.stack.addWidget(self.view)
        splitter.setSizes(sizes)
        c = self.controller
        c.leaveRequested.connect(self.leave)
        c.focusSearchRequested.connect(window.search_bar.focus)
        c.focusFacetsRequested.connect(lambda: window.facets.setFocus(Qt.FocusReason.ShortcutFocusReason))
        window.session.releaseChanged.connect(lambda _r: self.leave(quiet=True))
        ctl.opened.connect(lambda _c: self.leave(quiet=True))
        # Esc in the search box or the facet panel comes back to the item; so does Enter in search.
        window.search_bar.edit.installEventFilter(self)
        window.facets.installEventFilter(self)
        window.installEventFilter(self)  # closing the window ends (and records) the session
        c.optionChanged.connect(self._sync_action)
        QTimer.singleShot(0, self._sync_action)  # the window's actions exist once its constructor is done

    @property
    def active(self) -> bool:
        return self.controller.active

    def set_unreviewed_only(self, on: bool) -> None:
        """Review > Only Unreviewed Items: the queue leaves out accepted and rejected rows."""
        self.controller.set_unreviewed_only(on)

    def set_my_queue_only(self, on: bool) -> None:
        """Review > Only My Team Queue: the queue keeps the view's rows assigned to me."""
        self.controller.set_my_queue_only(on)

    def _table_actions_enabled(self, on: bool) -> None:
        """A disabled group keeps its actions off whatever setEnabled(True) others call on
        them (the read-only state is refreshed after every change); enabling the group
        again restores each action's own state."""
        registry = getattr(self.w, "registry", None)
        if registry is None:
            return
        if self._table_actions is None:
            group = QActionGroup(self)
            group.setExclusionPolicy(QActionGroup.ExclusionPolicy.None_)
            for action_id in TABLE_ACTIONS:
                if action_id in registry.actions:
                    group.addAction(registry.actions[action_id])
            self._table_actions = group
        self._table_actions.setEnabled(on)

    def _sync_action(self) -> None:
        registry = getattr(self.w, "registry", None)
        for action_id, on in (("review.unreviewed_only", self.controller.unreviewed_only),
                              ("review.my_queue", self.controller.my_queue_only)):
            act = registry.actions.get(action_id) if registry is not None else None
            if act is not None and act.isChecked() != on:
                act.blockSignals(True)
                act.setChecked(on)
                act.blockSignals(False)

    # -- entering and leaving ---------------------------------------------------------------------
    def enter(self) -> bool:
        """F2: start reviewing the current view (or, while reviewing, focus the item)."""
        if self.active:
            self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return True
        if self.ctl.curation is None or self.w.session.frame is None:
            self.w.status.showMessage(self.tr("Open a release first: review mode needs a curation project."), 6000)
            return False
        self.stack.setCurrentWidget(self.view)
        self.ctl.set_deferred_frames(True)  # recounts wait ~1 s after the last decision
        self._table_actions_enabled(False)
        self.controller.start()
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if self.ctl.read_only:
            self.view.show_message(self.tr("Read-only: %1. You can look, not decide.")
                                   .replace("%1", self.ctl.read_only_reason), 15000)
        self.entered.emit()
        return True

    def resume_last(self) -> bool:
        """Reopen the view of the project's last review session and start where it left off."""
        c = self.ctl.curation
        last = ReviewLog(c.project.folder).last() if c is not None else None
        if last is None:
            self.w.status.showMessage(self.tr("No review session recorded in this project yet."), 6000)
            return self.enter()
        try:
            spec = FilterSpec.from_text(last["view"])
        except ValueError:
            return self.enter()
        self.controller.set_unreviewed_only(bool(last.get("unreviewed_only")))
        if spec == self.w.session.spec:
            return self.enter()
        session = self.w.session

        def ready(_positions) -> None:
            session.rowsReady.disconnect(ready)
            self.enter()

        session.rowsReady.connect(ready)
        session.set_spec(spec)
        return True

    def leave(self, quiet: bool = False) -> Summary | None:
        """Esc: back to the table at the item reviewed last; summary shown and recorded."""
        if not self.active:
            return None
        c = self.controller
        summary = c.tally.summary()
        self._record(summary)
        position = c.queue.position(c.index) if c.queue is not None and len(c.queue) else None
        c.stop()
        self.ctl.set_deferred_frames(False)  # the table shows every decision at once
        self._table_actions_enabled(True)
        self.stack.setCurrentWidget(self.w.right_splitter)
        if position is not None:
            self.w.table.select_position(position)
        self.w.table.setFocus()
        self.last_summary = summary
        if not quiet:
            self._show_summary(summary)
        self.left.emit(summary)
        return summary

    def _record(self, summary: Summary) -> None:
        c, cur = self.controller, self.ctl.curation
        if cur is None or cur.read_only or c.queue is None:
            return
        record = SessionRecord(view=c.view_text(), unreviewed_only=c.unreviewed_only, queue=len(c.queue),
                               reviewed=c.queue.reviewed, summary=summary, last_rid=c.current_rid(),
                               index=c.index if len(c.queue) else None, started=c.tally.started_at,
                               author=cur.author)
        try:
            ReviewLog(cur.project.folder).append(record)
        except SaveError as exc:
            self.w.status.showMessage(self.tr("The review session could not be recorded: %1").replace("%1", str(exc)),
                                      10000)

    def _show_summary(self, summary: Summary) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Review session"),
                          "\n".join(summary_lines(summary, self.keymap.reasons)), QMessageBox.StandardButton.Close,
                          self.w)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setObjectName("reviewSummary")
        self.summary_dialog = box
        box.finished.connect(lambda _r: (self.w.activateWindow(), self.w.table.setFocus()))
        box.open()

    def edit_keys(self) -> None:
        from .keymap_dialog import KeymapDialog

        dialog = KeymapDialog(self.keymap, self.w)
        self.controller.dialog = dialog if self.active else None

        def finished(_result: int) -> None:
            self.controller.dialog = None
            dialog.deleteLater()
            if self.active:
                self.controller.render(paint_now=False)
                self.controller.catch_up()
                self.controller.refocus()

        dialog.finished.connect(finished)
        dialog.open()
        commands = getattr(self.w, "commands", None)
        if commands is not None:
            commands.dialog = dialog  # the window's "last dialog shown", as its other commands do
        return dialog

    # -- focus coming back ---------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if obj is self.w:
            if event.type() == QEvent.Type.Close and self.active:
                self.leave(quiet=True)
            return False
        if not self.active or event.type() != QEvent.Type.KeyPress:
            return False
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return True
        if obj is self.w.search_bar.edit and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QTimer.singleShot(0, lambda: self.view.setFocus(Qt.FocusReason.OtherFocusReason))
        return False
