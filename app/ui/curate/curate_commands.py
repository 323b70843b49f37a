"""Handlers of the curation actions: each turns one user intent (reject these rows, save a
version, ...) into a core command through the CurationCtl. Questions go through
non-modal dialogs kept in ``window.commands.dialog`` (tests answer them with keys).
Which rows, what counts as a change, what a label means: all the core's."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from app.core.curate.convert import ToSimplified
from app.core.curate.edits import Accept, EditField, Flag, Note, Reject, Restore, SetLabels
from app.core.query.describe import describe
from app.ui.common import dialogs

from .change_labels import change_text
from .curate_dialogs import (LabelDialog, PreferencesDialog, RejectDialog, SaveVersionDialog,
                             open_keeping_focus, plain_box, split_labels)
from .export_dialog import ExportDialog
from .note_dialog import NoteDialog
from .turn_actions import TurnActions
from .window import CurateWindow


class CurateCommands(TurnActions, QObject):
    def __init__(self, window: CurateWindow) -> None:
        super().__init__(window)
        self.w = window
        self._labels_cache: tuple[int, dict[str, list[str]]] = (0, {})
        self._agreement_lane = None  # made on first use
        self._merge_lane = None  # made on first use

    @property
    def ctl(self):
        return self.w.curation

    def _say(self, text: str, msecs: int = 5000) -> None:
        self.w.status.showMessage(text, msecs)

    def _show(self, dialog) -> None:
        self.w.commands.dialog = dialog
        open_keeping_focus(dialog, self.w, self.w.table)

    def _writable(self) -> bool:
        if self.ctl.read_only:
            self._say(self.tr("Read-only: %1").replace("%1", self.ctl.read_only_reason), 8000)
            return False
        return True

    # -- which rows ------------------------------------------------------------------------
    def selected_positions(self) -> np.ndarray:
        """The rows a command acts on: the highlighted rows when there are two or more (a
        multi-row command: it states the count first); otherwise exactly the row the detail
        view shows, which is the table's current row (RowsView keeps them one)."""
        selected = self.w.table.selected_positions()
        if selected.size >= 2:
            return selected
        shown = self.w.detail_position
        return np.array([] if shown is None else [shown], dtype=np.uint32)

    def filter_positions(self) -> np.ndarray:
        return self.w.model.positions

    def _targets(self, whole_filter: bool) -> tuple[np.ndarray, list[int]]:
        positions = self.filter_positions() if whole_filter else self.selected_positions()
        rids = self.ctl.rids_at(positions)
        if not rids:
            self._say(self.tr("No rows to act on."))
        return positions, rids

    def _confirm(self, text: str, n: int, whole_filter: bool, then: Callable[[], None]) -> None:
        """Bulk actions (more than one row, or the whole filter) ask first, stating the count."""
        if n <= 1 and not whole_filter:
            then()
            return
        box = plain_box(self.w, self.tr("Confirm"), text)
        box.setObjectName("confirmBulk")
        box.setDefaultButton(QMessageBox.StandardButton.Ok)
        box.buttonClicked.connect(
            lambda button: then() if box.standardButton(button) == QMessageBox.StandardButton.Ok else None)
        self._show(box)

    def _apply(self, command) -> None:
        change = self.ctl.apply_bulk(command)  # a big bulk command goes to a worker
        if change is None and self.ctl.writing:
            self._say(self.tr("Applying to %1 rows…").replace("%1", f"{len(command.rids):,}"), 0)
        elif change is not None:
            self._say(change_text(change.label) if change.changed else self.tr("Nothing changed."))

    # -- decisions ------------------------------------------------------------------------------
    def reject(self, whole_filter: bool = False) -> None:
        if not self._writable() or not (rids := self._targets(whole_filter)[1]):
            return
        dialog = RejectDialog(len(rids), self.w, scope="filter" if whole_filter else "rows",
                              filter_text=describe(self.w.session.spec) if whole_filter else "")

        def chosen() -> None:
            reason = dialog.reason()
            text = self.tr("Reject %1 rows%2 with the reason \u201c%3\u201d?").replace("%1", f"{len(rids):,}") \
                .replace("%2", self.tr(" (the whole current filter)") if whole_filter else "").replace("%3", reason)
            self._confirm(text, len(rids), whole_filter, lambda: self._apply(Reject(rids, reason)))

        dialog.accepted.connect(chosen)
        self._show(dialog)

    def reject_filter(self) -> None:
        self.reject(whole_filter=True)

    def accept(self, whole_filter: bool = False) -> None:
        if not self._writable() or not (rids := self._targets(whole_filter)[1]):
            return
        text = self.tr("Accept %1 rows%2?").replace("%1", f"{len(rids):,}") \
            .replace("%2", self.tr(" (the whole current filter)") if whole_filter else "")
        self._confirm(text, len(rids), whole_filter, lambda: self._apply(Accept(rids)))

    def accept_filter(self) -> None:
        self.accept(whole_filter=True)

    def restore(self) -> None:
        if not self._writable() or not (rids := self._targets(False)[1]):
            return
        text = self.tr("Restore %1 rows (clear their accept/reject decision)?").replace("%1", f"{len(rids):,}")
        self._confirm(text, len(rids), False, lambda: self._apply(Restore(rids)))

    # -- notes and flags (neither a decision nor an edit) ------------------------------------------
    def note(self) -> None:
        """Ctrl+Shift+N: the note editor on the shown (or highlighted) rows, holding the
        first one's note."""
        if not self._writable() or not (rids := self._targets(False)[1]):
            return
        dialog = NoteDialog(len(rids), self.ctl.curation.overlay.get(rids[0]).note or "", self.w)
        dialog.accepted.connect(lambda: self._apply(Note(rids, dialog.text())))
        self._show(dialog)

    def toggle_flag(self) -> None:
        """Ctrl+Shift+B: flag the rows to come back to later; unflag when all are flagged."""
        if not self._writable() or not (rids := self._targets(False)[1]):
            return
        overlay = self.ctl.curation.overlay
        self._apply(Flag(rids, not all(overlay.get(r).flag for r in rids)))

    def confirm_and_apply(self, text: str, command) -> None:
        """A command over rows another room chose (a whole filter's flagged rows): asks
        first, stating ``text``, then applies it like the Edit menu's bulk commands."""
        if self._writable() and command.rids:
            self._confirm(text, len(command.rids), True, lambda: self._apply(command))

    # -- edits -----------------------------------------------------------------------------------
    def to_simplified(self, whole_filter: bool = False) -> None:
        """Ctrl+Alt+J: the shown (or highlighted) rows' texts in Simplified characters (an
        edit; undoable); Ctrl+Alt+Shift+J: every row of the filter, after a confirmation."""
        if not self._writable() or not (rids := self._targets(whole_filter)[1]):
            return
        text = self.tr("Convert the texts of %1 rows%2 to Simplified characters?").replace("%1", f"{len(rids):,}") \
            .replace("%2", self.tr(" (the whole current filter)") if whole_filter else "")
        self._confirm(text, len(rids), whole_filter, lambda: self._apply(ToSimplified(rids)))

    def to_simplified_filter(self) -> None:
        self.to_simplified(whole_filter=True)

    def edit_text(self) -> None:
        """Ctrl+E: the detail view's texts become editable (Ctrl+Enter commits, Esc cancels)."""
        if not self._writable():
            return
        if self.w.detail_position is None:
            self._say(self.tr("Select a row to edit."))
            return
        self.w.detail.editing.begin("output")

    def inline_edit(self, position: int, key: str, value: str) -> bool:
        """A table cell edited in place: the instruction text, or the domain labels."""
        if self.ctl.read_only:
            return False
        rid = self.ctl.rid_at(position)
        if rid is None:
            return False
        if key == "instruction":
            command = EditField((rid,), "instruction", value)
        elif key == "domain":
            command = SetLabels((rid,), "domain", tuple(split_labels(value)))
        else:
            return False
        return self.ctl.apply(command) is not None

    def label_values(self, field: str) -> list[str]:
        """Distinct values of a label field in the release (for completion), cached per frame."""
        frame = self.w.session.frame
        if frame is None:
            return []
        key, cache = self._labels_cache
        if key != id(frame):
            cache = {}
            self._labels_cache = (id(frame), cache)
        if field not in cache:
            cache[field] = frame.get_column(field).explode().drop_nulls().unique().sort().to_list()
            cache[field] = [v for v in cache[field] if v]
        return cache[field]

    def edit_labels(self, whole_filter: bool = False, field: str = "task_major") -> None:
        if not self._writable():
            return
        positions, rids = self._targets(whole_filter)
        if not rids:
            return
        current = {}
        frame = self.w.session.frame
        if len(rids) == 1 and frame is not None:  # one row: the dialog starts from its labels
            row = frame.row(int(positions[0]), named=True)
            current = {f: list(row.get(f) or []) for f in ("task_major", "task_minor", "domain")}
        dialog = LabelDialog(len(rids), self.label_values, current, self.w, field=field)

        def chosen() -> None:
            values, name, mode = dialog.values(), dialog.field_key(), dialog.mode_key()
            verb = {"set": self.tr("Set"), "add": self.tr("Add"), "remove": self.tr("Remove")}[mode]
            text = self.tr("%1 %2 \u201c%3\u201d on %4 rows%5?").replace("%1", verb).replace("%2", dialog.field.currentText()) \
                .replace("%3", "、".join(values)).replace("%4", f"{len(rids):,}") \
                .replace("%5", self.tr(" (the whole current filter)") if whole_filter else "")
            self._confirm(text, len(rids), whole_filter, lambda: self._apply(SetLabels(rids, name, tuple(values), mode)))

        dialog.accepted.connect(chosen)
        self._show(dialog)

    def edit_labels_filter(self) -> None:
        self.edit_labels(whole_filter=True)

    # -- history ----------------------------------------------------------------------------------
    def undo(self) -> None:
        if not self._writable():
            return
        change = self.ctl.undo()
        if change is not None and change.changed:
            self._say(self.tr("Undone: %1").replace("%1", change_text(change.label.removeprefix("Undo "))))

    def redo(self) -> None:
        if not self._writable():
            return
        change = self.ctl.redo()
        if change is not None and change.changed:
            self._say(self.tr("Redone: %1").replace("%1", change_text(change.label.removeprefix("Redo "))))

    def save_version(self) -> None:
        if not self._writable():
            return
        c = self.ctl.curation
        dialog = SaveVersionDialog(c.overlay.tally(), (c.last_version or 0) + 1, self.w)

        def chosen() -> None:
            info = self.ctl.save_version(dialog.text())
            if info is not None:
                self._say(self.tr("Saved version %1 (%2 changed rows).").replace("%1", str(info.number))
                          .replace("%2", f"{info.rows:,}"), 8000)

        dialog.accepted.connect(chosen)
        self._show(dialog)

    def show_history(self) -> None:
        self.w.curate_ui.show_history()

    def show_stale(self) -> None:
        self.w.curate_ui.show_stale()

    def export(self) -> None:
        if self.ctl.curation is None:
            self._say(self.tr("Open a release first."))
            return
        dialog = ExportDialog(self.ctl, self.w)
        dialog.finishedExport.connect(lambda r: self._say(self.tr("Exported to %1").replace("%1", str(r.out)), 8000))
        self._show(dialog)

    def merge_version(self) -> None:
        """Another curator's project or version, merged three-way; conflicts resolved by keyboard."""
        if not self._writable():
            return
        from .merge_view import choose_theirs, prepare_merge

        path = choose_theirs(self.w)
        if not path:
            return
        if self._merge_lane is None:
            from app.ui.common.workers import Lane

            self._merge_lane = Lane("merge-prepare", self)
            self._merge_lane.result.connect(self._merge_ready)
            self._merge_lane.failed.connect(lambda message, _detail: self.ctl.error.emit(message))
        curation = self.ctl.curation
        self._say(self.tr("Reading their version…"), 0)
        self._merge_lane.submit(lambda ctx: ctx.emit("plan", (curation, *prepare_merge(curation, path))))

    def _merge_ready(self, _kind: str, payload) -> None:
        from .merge_view import show_merge_dialog

        curation, plan, error = payload
        self._say("")
        if curation is self.ctl.curation and show_merge_dialog(self.w, curation, plan, error):
            self.ctl.refresh()

    def wait_merge(self, msecs: int = 60000) -> bool:
        return self._merge_lane is None or self._merge_lane.wait(msecs)

    def agreement(self) -> None:
        """Agreement rate and Cohen's kappa with another curator's project or version,
        per source; computed in a worker (their version file may be large)."""
        c = self.ctl.curation
        if c is None:
            self._say(self.tr("Open a release first."))
            return
        from .merge_view import choose_theirs

        path = choose_theirs(self.w)
        if not path:
            return
        if self._agreement_lane is None:
            from app.ui.common.workers import Lane

            self._agreement_lane = Lane("agreement", self)
            self._agreement_lane.result.connect(self._show_agreement)
            self._agreement_lane.failed.connect(lambda message, _detail: self.ctl.error.emit(message))
        frame, mine, project = c.release.frame, c.overlay, c.project.folder.name

        def work(ctx) -> None:
            from app.core.team.agreement import agreement_with_version

            ctx.emit("agreement", agreement_with_version(frame, mine, project, path))

        self._say(self.tr("Comparing decisions…"))
        self._agreement_lane.submit(work)

    def _show_agreement(self, _kind: str, payload) -> None:
        from .agreement_dialog import AgreementDialog

        table, title = payload
        self._say("")
        self._show(AgreementDialog(table, title, self.w))

    # -- preferences and project ------------------------------------------------------------------
    def preferences(self) -> None:
        dialog = PreferencesDialog(self.w)

        def chosen() -> None:
            author, _reasons = dialog.save()
            if self.ctl.curation is not None:
                self.ctl.curation.author = author
            self._say(self.tr("Preferences saved."))

        dialog.accepted.connect(chosen)
        self._show(dialog)

    def move_project(self) -> None:
        """Keep this release's curation project in a folder of the curator's choice."""
        c = self.ctl.curation
        if c is None:
            self._say(self.tr("Open a release first."))
            return
        parent = dialogs.open_folder(self.w, self.tr("Keep the curation project in folder"), str(c.project.folder.parent))
        if not parent:
            return
        target = Path(parent).resolve()
        roots = [Path(p).resolve() for p in c.release.paths] + [Path(c.release.root).resolve()]
        if any(target == r or r in target.parents for r in roots if r.is_dir()):
            self.ctl.error.emit(self.tr("Choose a folder outside the release: release files are never written."))
            return
        if self.ctl.move_to(target / c.project.folder.name):
            self._say(self.tr("The curation project is now in %1").replace("%1", str(target / c.project.folder.name)))
