"""Handlers of the per-turn edits (a mixin of CurateCommands): a text edited in the detail
view becomes EditField (COIG's instruction / input / output) or EditPath (a turn, the
system prompt, chosen, rejected: by JSON path); Edit > Delete Turn asks, then applies
DeleteTurn to the turn clicked last; Edit > Swap Chosen and Rejected applies
SwapPreference. In review mode they act on the item shown there."""
from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from app.core.curate.edits import EditField
from app.core.curate.pathcommands import DeleteTurn, EditPath, SwapPreference
from app.core.load.schema import TEXT_FIELDS

from .change_labels import change_text
from .curate_dialogs import plain_box


class TurnActions:
    def commit_edit(self, rid: int, changes: dict) -> bool:
        """The detail view's edited texts, one command per changed text."""
        ok = True
        for key, value in changes.items():
            command = EditField((rid,), key, value) if key in TEXT_FIELDS else EditPath((rid,), key, value)
            change = self.ctl.apply(command)
            ok = ok and change is not None
            if change is not None and change.changed:
                self._say(change_text(change.label))
        return ok

    def _shown_turn(self) -> tuple[int | None, dict, object]:
        """(rid, row, turns view) of the item on screen: review mode's, else the detail view's."""
        review = getattr(self.w.commands, "review", None)
        if review is not None and review.active:
            c = review.controller
            item = c.view.item
            return (c.current_rid(), item.values if item else {}, c.view.turns)
        row = self.w.detail._row or {}
        return (None if row.get("rid") is None else int(row["rid"])), row, self.w.detail.turns

    def delete_turn(self) -> None:
        """Edit > Delete Turn…: the turn clicked last in the conversation shown, after a question."""
        if not self._writable():
            return
        rid, _row, turns = self._shown_turn()
        path = turns.current_path if turns.isVisible() else None
        if rid is None or path is None:
            self._say(self.tr("Click a turn of a conversation first, then delete it."))
            return
        text = turns.editors()[path].toPlainText()
        box = plain_box(self.w, self.tr("Delete Turn"),
                        self.tr("Delete the turn %1?\n\n%2").replace("%1", path).replace("%2", text[:300]))
        box.setObjectName("confirmDeleteTurn")
        box.setDefaultButton(QMessageBox.StandardButton.Ok)
        box.buttonClicked.connect(
            lambda b: self._apply_one(DeleteTurn((rid,), path))
            if box.standardButton(b) == QMessageBox.StandardButton.Ok else None)
        self._show(box)

    def swap_preference(self) -> None:
        """Edit > Swap Chosen and Rejected: of the preference record shown."""
        if not self._writable():
            return
        rid, row, _turns = self._shown_turn()
        if rid is None or row.get("format") != "preference":
            self._say(self.tr("Only a preference record (chosen and rejected) can be swapped."))
            return
        self._apply_one(SwapPreference((rid,)))

    def _apply_one(self, command) -> None:
        change = self.ctl.apply(command)
        if change is not None:
            self._say(change_text(change.label) if change.changed else self.tr("Nothing changed."))
            review = getattr(self.w.commands, "review", None)
            if review is not None and review.active:
                review.controller.render()

    # -- Edit > Map Fields of This File… -----------------------------------------------------------
    def map_fields(self) -> None:
        """The mapping dialog for the file of the row shown; OK keeps the file's format in
        the project and reads the release again."""
        from app.core.load.fieldkeys import field_keys
        from app.core.load.formats import ShapeError
        from app.core.load.formatsfile import FormatsFileError, read_shapes
        from app.core.store.release_formats import keep_shape, project_folder

        from .curation_ctl import _app_data
        from .mapping_dialog import MappingDialog

        release = self.w.session.release
        row = self.w.detail._row or {}
        if release is None or not row.get("file"):
            self._say(self.tr("Select a row of the file to map first."))
            return
        rel = row["file"]
        curation = self.ctl.curation
        folder = curation.project.folder if curation is not None else project_folder(release.paths, _app_data())
        try:
            current = read_shapes(folder).get(rel) if folder is not None else None
        except FormatsFileError as exc:
            self._say(str(exc), 10000)
            return
        dialog = MappingDialog(rel, field_keys(release.root / rel), current, row.get("format") or "cqia", self.w)

        def chosen() -> None:
            try:
                shape = dialog.shape()
                keep_shape(folder, rel, shape)
            except (ShapeError, ValueError, OSError) as exc:
                dialog.show_error(str(exc))
                dialog.open()
                return
            self._say(self.tr("%1 will be read as %2.").replace("%1", rel)
                      .replace("%2", shape.format if shape is not None else self.tr("its records show")))
            self.w.commands.reload()

        dialog.accepted.connect(chosen)
        self._show(dialog)
