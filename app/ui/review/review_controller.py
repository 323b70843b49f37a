"""Review mode's keys -> core commands. Each key press looks its action up in the one
key table (keymap.REVIEW_KEYS) and calls the handler of the same name here.

Per key the work is O(1): read one row of the base frame by position, lay the overlay's
state for its rid over it, paint it. A decision paints the next item first and then
makes the decision durable (CurationCtl.apply: journal fsync); the decided row is only
ever shown as decided after apply() returned. Counts and facets are not touched here.
"""
from __future__ import annotations

import time
from collections import Counter

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QKeyEvent

from app.core.curate.edits import Accept, Reject
from app.core.curate.pathedits import derive, is_path
from app.core.store.review_session import ReviewLog, ReviewQueue, SessionTally, progress, resume_index

from . import dialogs
from .editing import EditingActions
from .keymap import MODIFIER_KEYS, KeyMap, native
from .marks import MarkActions
from .progress import progress_line
from .review_view import ReviewItem, ReviewView

UNREVIEWED_KEY = "review/unreviewed_only"
MY_QUEUE_KEY = "review/my_queue_only"


class ReviewController(EditingActions, MarkActions, QObject):
    leaveRequested = Signal()
    focusSearchRequested = Signal()
    focusFacetsRequested = Signal()
    versionSaved = Signal(object)  # VersionInfo
    optionChanged = Signal()  # "only unreviewed items" or "only my team queue" switched

    def __init__(self, view: ReviewView, ctl, session, keymap: KeyMap | None = None, parent=None, *,
                 team=None) -> None:
        super().__init__(parent)
        self.view, self.ctl, self.session = view, ctl, session
        self.team = team  # curate.team_state.TeamState: which team queue the project is, if any
        self.keymap = keymap or KeyMap()
        self.queue: ReviewQueue | None = None
        self.index = 0
        self.active = False
        self.pending_reject = False
        self.tally = SessionTally()
        self.triggered: Counter[str] = Counter()  # action id -> times run (the test of every action reads it)
        self.dialog = None  # the dialog open now, if any (tests type into it)
        self._queue_spec = None
        self._requeue = False  # the queue is due for a rebuild once the open edit or dialog ends
        self._rid_cache: tuple[object, np.ndarray] | None = None
        self.paints = 0  # items painted, and when the latest paint ended (perf_counter_ns): latency.py reads them
        self.painted_ns = self.painted_cpu_ns = self.key_ns = 0
        view.controller = self
        view.editSaveRequested.connect(self.save_edit)
        view.editCancelRequested.connect(self.cancel_edit)
        view.languageChanged.connect(self.refresh_progress)
        ctl.changed.connect(self._on_change)
        ctl.error.connect(self._on_error)
        session.rowsReady.connect(self._on_rows)
        session.specChanged.connect(lambda spec: self.view.set_search(spec.search) if self.active else None)
        if team is not None:
            team.changed.connect(lambda _place: self._rebuild(keep=self.current_rid()) if self.active else None)

    # -- the queue ---------------------------------------------------------------------------------
    @property
    def curation(self):
        return self.ctl.curation

    @property
    def unreviewed_only(self) -> bool:
        value = QSettings().value(UNREVIEWED_KEY, False)
        return value in (True, "true", "1", 1)

    def set_unreviewed_only(self, on: bool) -> None:
        QSettings().setValue(UNREVIEWED_KEY, bool(on))
        self.optionChanged.emit()
        if self.active:
            self._rebuild(keep=self.current_rid())

    @property
    def my_queue_only(self) -> bool:
        value = QSettings().value(MY_QUEUE_KEY, False)
        return value in (True, "true", "1", 1)

    def set_my_queue_only(self, on: bool) -> None:
        QSettings().setValue(MY_QUEUE_KEY, bool(on))
        self.optionChanged.emit()
        if self.active:
            self._rebuild(keep=self.current_rid())
            self._say_queue()

    @property
    def team_place(self):
        """The team queue the open project is, when "only my team queue" is on."""
        return self.team.place if self.team is not None and self.my_queue_only else None

    def _say_queue(self) -> None:
        if not self.my_queue_only or self.team is None:
            return
        place = self.team.place
        if place is not None:
            self.view.show_message(self.tr("%1's team queue: the rows of this view assigned to %1.")
                                   .replace("%1", place.curator))
        elif not self.team.loading:
            self.view.show_message(self.tr("This project is not a team queue (Team > Open My Team Queue…): "
                                           "the whole view is reviewed."))

    def _frame_rids(self) -> np.ndarray:
        base = self.curation.release.frame
        if self._rid_cache is None or self._rid_cache[0] is not base:
            self._rid_cache = (base, base.get_column("rid").to_numpy())
        return self._rid_cache[1]

    def _build(self) -> ReviewQueue:
        self._queue_spec = self.session.spec
        positions, place = self.session.positions, self.team_place
        if place is not None:  # my queue: the view's rows assigned to me, in the view's order
            positions = place.keep(self._frame_rids(), positions)
        return ReviewQueue.build(self._frame_rids(), positions, self.curation.overlay,
                                 unreviewed_only=self.unreviewed_only)

    @property
    def occupied(self) -> bool:
        """An edit or a dialog is open on the item shown: it must stay that item."""
        return self.view.editing is not None or self.dialog is not None

    def _rebuild(self, keep: int | None) -> None:
        if self.occupied:  # the new queue waits: an open edit or dialog saves to the item it shows
            self._requeue = True
            return
        self._requeue = False
        self.queue = self._build()
        at = self.queue.index_of(keep) if keep is not None else None
        self.index = at if at is not None else (self.queue.first_unreviewed(0) or 0)
        self.render()

    def current_rid(self) -> int | None:
        return self.queue.rid(self.index) if self.queue is not None and len(self.queue) else None

    def view_text(self) -> str:
        return self.session.spec.to_text()

    # -- entering and leaving ----------------------------------------------------------------
    def start(self) -> bool:
        if self.curation is None or self.session.frame is None:
            return False
        self.active = True
        self.tally = SessionTally()
        self.pending_reject = False
        self.queue = self._build()
        last = ReviewLog(self.curation.project.folder).last(self.view_text())
        self.index = resume_index(self.queue, last)
        self.view.show_prompt(None)
        self.render()
        self._say_queue()
        return True

    def catch_up(self) -> None:
        """After an edit or dialog closed: the queue change it held back, if any."""
        if self.active and self._requeue and not self.occupied:
            self._rebuild(keep=self.current_rid())

    def stop(self) -> None:
        self._requeue = False
        if self.view.editing:
            self.view.end_edit()
        self.view.show_prompt(None)
        self.pending_reject = False
        self.active = False

    # -- painting ------------------------------------------------------------------------------
    def item(self, index: int) -> ReviewItem:
        """Queue item ``index``: its base row read by position, the overlay laid over it."""
        q = self.queue
        rid, pos = q.rid(index), q.position(index)
        values = self.curation.release.frame.row(pos, named=True)
        state = self.curation.overlay.get(rid)
        paths = False
        for name, value in state.fields.items():
            paths = paths or is_path(name)
            if not is_path(name):
                values[name] = list(value) if isinstance(value, tuple) else value
        if paths:  # edited by JSON path: the turns, system, chosen... as a reload would show them
            values.update(derive(values, state.fields))
        return ReviewItem(index, len(q), rid, values, state.status, state.reason, tuple(state.fields))

    def render(self, paint_now: bool = True) -> None:
        if self.queue is None or not len(self.queue):
            self.view.show_item(None, self.session.spec.search)
            self.view.show_message(self.tr("No items to review in this view."))
        else:
            self.index = max(0, min(self.index, len(self.queue) - 1))
            self.view.show_item(self.item(self.index), self.session.spec.search)
        self.refresh_progress()
        if paint_now and self.view.isVisible():
            before = self.view.clock.last_end_ns
            # Paint what changed now, synchronously (one backing-store sync of the dirty
            # widgets, not a repaint of the whole view): the key's latency ends here.
            QCoreApplication.sendPostedEvents(self.view.window(), QEvent.Type.UpdateRequest)
            if self.view.clock.last_end_ns != before:
                self.paints += 1
                self.painted_ns, self.painted_cpu_ns = self.view.clock.last_end_ns, time.thread_time_ns()

    def refresh_progress(self) -> None:
        if self.queue is None:
            return
        p = progress(self.queue, self.tally)
        self.view.set_progress(progress_line(p), p.reviewed, p.total)

    def go(self, index: int) -> None:
        if self.queue is not None and len(self.queue):
            self.index = max(0, min(index, len(self.queue) - 1))
            self.render()

    # -- keys ------------------------------------------------------------------------------------
    def wants(self, event: QKeyEvent) -> bool:
        """Should a key beat the window's shortcuts? Bound keys do, while reviewing."""
        if not self.active or self.view.editing or event.key() in MODIFIER_KEYS:
            return False
        sheet = self.view.cheatsheet
        return (sheet is not None and sheet.isVisible()) or self.keymap.lookup(event) is not None

    def handle_key(self, event: QKeyEvent) -> bool:
        self.key_ns = time.perf_counter_ns()
        if not self.active or self.view.editing or self.dialog is not None or event.key() in MODIFIER_KEYS:
            return False  # a bare Shift (on its way to '?') must not close the cheat sheet
        sheet = self.view.cheatsheet
        if sheet is not None and sheet.isVisible():
            sheet.hide()  # any key closes the cheat sheet
            return True
        defn = self.keymap.lookup(event)
        if defn is None:
            if self.pending_reject:
                self._cancel_reject()
            return False
        if event.isAutoRepeat() and not defn.repeat:
            return True  # a held key never decides twice
        self.run(defn.id)
        return True

    def run(self, action_id: str) -> None:
        """Run one action of the key table (what a key press does)."""
        from .keymap import BY_ID

        defn = BY_ID[action_id]
        if self.pending_reject:
            if defn.id == "review.accept":  # X then Enter: the default reason
                self.triggered[action_id] += 1
                self._reject_with(self.keymap.default_reason)
                return
            if defn.handler != "reject_reason":
                self._cancel_reject()
                if defn.id in ("review.leave", "review.reject"):
                    self.triggered[action_id] += 1
                    return
        self.triggered[action_id] += 1
        handler = getattr(self, defn.handler)
        handler(defn.arg) if defn.arg is not None else handler()

    # -- deciding --------------------------------------------------------------------------------
    def decide(self, make: callable) -> None:
        """Paint the next item, then apply ``make(rid)`` (journal fsync). On failure go back."""
        if self.queue is None or not len(self.queue):
            return
        if self.ctl.read_only:
            self.view.show_message(self.tr("Read-only: %1").replace("%1", self.ctl.read_only_reason))
            return
        i, rid = self.index, self.current_rid()
        command = make(rid)
        if i + 1 < len(self.queue):
            self.go(i + 1)
        change = self.ctl.apply(command)
        if change is None:  # the error is shown (ctl.error); nothing changed
            self.go(i)
        elif i + 1 >= len(self.queue):
            self.render()
            self.view.show_message(self.tr("That was the last item of the queue."))

    def accept(self) -> None:
        self.decide(lambda rid: Accept((rid,)))

    def reject(self) -> None:
        self.pending_reject = True
        reasons = self.keymap.reasons
        keys = [f"{native(self.keymap.keys(f'review.reason_{n}'))} {r}" for n, r in enumerate(reasons, 1)]
        self.view.show_prompt(self.tr("Reject — pick a reason:  %1   ·   Enter: %2   ·   Esc: cancel")
                              .replace("%1", "   ".join(keys)).replace("%2", self.keymap.default_reason))

    def reject_reason(self, n: int) -> None:
        reasons = self.keymap.reasons
        if n > len(reasons):
            self._cancel_reject()
            self.view.show_message(self.tr("There is no reason %1 (Review > Review Keys and Reasons).")
                                   .replace("%1", str(n)))
            return
        self._reject_with(reasons[n - 1])

    def _reject_with(self, reason: str) -> None:
        self._cancel_reject()
        self.decide(lambda rid: Reject((rid,), reason))

    def _cancel_reject(self) -> None:
        self.pending_reject = False
        self.view.show_prompt(None)

    # -- moving ------------------------------------------------------------------------------------------
    def next(self) -> None:
        self.go(self.index + 1)

    def previous(self) -> None:
        self.go(self.index - 1)

    def first(self) -> None:
        self.go(0)

    def last(self) -> None:
        self.go(len(self.queue) - 1 if self.queue is not None else 0)

    def goto(self) -> None:
        if self.queue is None or not len(self.queue):
            return
        dialog = dialogs.goto_dialog(self.view, self.index + 1, len(self.queue))
        self._open(dialog, lambda: self.go(dialog.intValue() - 1))

    def undo(self) -> None:
        self._step(self.ctl.undo, self.ctl.can_undo, self.tr("Nothing to undo."))

    def redo(self) -> None:
        self._step(self.ctl.redo, self.ctl.can_redo, self.tr("Nothing to redo."))

    def _step(self, call, possible: bool, nothing: str) -> None:
        """Undo / redo, then show the row it changed (the decision just taken back)."""
        if not possible:
            self.view.show_message(nothing)
            return
        change = call()
        if change is None or self.queue is None:
            return
        for rid in change.rids:
            at = self.queue.index_of(rid)
            if at is not None:
                self.go(at)
                break
        else:
            self.render()
        self.view.show_message(change.label, 3000)

    # -- elsewhere -----------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.focusSearchRequested.emit()

    def focus_facets(self) -> None:
        self.focusFacetsRequested.emit()

    def toggle_unreviewed_only(self) -> None:
        self.set_unreviewed_only(not self.unreviewed_only)
        self.view.show_message(self.tr("Queue: only unreviewed items") if self.unreviewed_only
                               else self.tr("Queue: every item of the view"), 3000)

    def save_version(self) -> None:
        s = self.tally.summary()
        default = f"Review: {s.accepted} accepted, {s.rejected_total} rejected, {s.edited} edited"
        dialog = dialogs.message_dialog(self.view, default)

        def done() -> None:
            info = self.ctl.save_version(dialog.textValue().strip() or default)
            if info is not None:
                self.view.show_message(self.tr("Saved version %1.").replace("%1", str(info.number)))
                self.versionSaved.emit(info)

        self._open(dialog, done)

    def cheatsheet(self) -> None:
        from .cheatsheet import CheatSheet

        if self.view.cheatsheet is None:
            self.view.cheatsheet = CheatSheet(self.view)
        sheet = self.view.cheatsheet
        if sheet.isVisible():
            sheet.hide()
        else:
            sheet.set_bindings(self.keymap.bindings(), self.keymap.reasons, self.keymap.default_reason)
            sheet.setGeometry(self.view.rect())
            sheet.show()
            sheet.raise_()

    def leave(self) -> None:
        self.leaveRequested.emit()

    def _open(self, dialog, on_accept) -> None:
        """Open a dialog without blocking; focus comes back to the review view after it."""
        self.dialog = dialog
        dialog.accepted.connect(on_accept)

        def finished(_result: int) -> None:
            self.dialog = None
            dialog.deleteLater()
            if self.active:
                self.catch_up()
                self.refocus()

        dialog.finished.connect(finished)
        dialog.open()

    def refocus(self) -> None:
        """Keys go to the item again (the window may need activating after a dialog)."""
        self.view.window().activateWindow()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- what others did -------------------------------------------------------------------------------
    def _on_change(self, change) -> None:
        if not self.active or self.queue is None:
            return
        self.queue.update(change)
        self.tally.note(change)
        if self.current_rid() in change.rids and not self.view.editing:
            self.render(paint_now=False)
        else:
            self.refresh_progress()

    def _on_error(self, message: str) -> None:
        if self.active:
            self.view.show_message(message, 12000)

    def _on_rows(self, _positions) -> None:
        # A new filter or sort makes a new queue; a recount after a decision (same spec) does not.
        if self.active and self.session.spec != self._queue_spec:
            self._rebuild(keep=self.current_rid())
