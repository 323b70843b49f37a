"""Review mode's note (N) and flag (B) on the current item (issue 25.3): the same core
commands as the window's Ctrl+Shift+N / Ctrl+Shift+B; the item stays where it is (a
note or flag is no decision, so review does not move on)."""
from __future__ import annotations

from app.core.curate.edits import Flag, Note
from app.ui.curate.note_dialog import NoteDialog


class MarkActions:
    """Mixed into ReviewController: it gives queue, index, ctl, curation, go, _open."""

    def note(self) -> None:
        if self.queue is None or not len(self.queue) or self.ctl.read_only:
            return
        rid, index = self.current_rid(), self.index
        dialog = NoteDialog(1, self.curation.overlay.get(rid).note or "", self.view)
        self._open(dialog, lambda: self._mark(Note((rid,), dialog.text()), index))

    def toggle_flag(self) -> None:
        if self.queue is None or not len(self.queue) or self.ctl.read_only:
            return
        rid = self.current_rid()
        self._mark(Flag((rid,), not self.curation.overlay.get(rid).flag), self.index)

    def _mark(self, command, index: int) -> None:
        if self.ctl.apply(command) is not None:
            self.go(index)  # repaint the item with its note / flag
