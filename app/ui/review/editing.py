"""Review mode's editing keys: E edits the texts in place (Tab cycles the fields,
Ctrl+Enter saves, accepts and goes on as ONE undo step, Esc cancels); T and D edit the
labels in a small dialog with completion over the release's values. A mixin of
ReviewController, which supplies queue, view, ctl, decide(), go(), _open()."""
from __future__ import annotations

from app.core.curate.edits import SetStates
from app.core.curate.pathcommands import EditPath
from app.core.load.schema import TEXT_FIELDS
from app.core.store.review_session import edited_state, label_values

from . import dialogs


class EditingActions:
    def _base_row(self, index: int) -> dict:
        return self.curation.release.frame.row(self.queue.position(index), named=True)

    def edit(self) -> None:
        if self.queue is None or not len(self.queue):
            return
        values = self.item(self.index).values
        self.view.begin_edit({f: values.get(f) or "" for f in TEXT_FIELDS}, "output")
        self.view.show_prompt(self.tr("Editing — Tab: next field · Ctrl+Enter: save, accept and go on · Esc: cancel"))

    def save_edit(self) -> None:
        """The item shown is still the item edited: queue changes wait (catch_up) until here."""
        edits = self.view.edited_values()
        self.view.end_edit()
        self.view.show_prompt(None)
        if not edits:
            self.accept()
        else:
            base, old = self._base_row(self.index), self.curation.overlay.get(self.current_rid())
            label = f"Edit {', '.join(edits)} and accept"
            self.decide(lambda rid: SetStates({rid: self._edited(rid, old, base, edits)}, label))
        self.catch_up()

    @staticmethod
    def _edited(rid: int, old, base: dict, edits: dict):
        """The row's new state: COIG's texts as edited_state keeps them, a turn's text (by
        JSON path) as EditPath plans it, and accepted -- one state, one undo step."""
        state = edited_state(old, base, {k: v for k, v in edits.items() if k in TEXT_FIELDS}, "accepted")
        for path, value in edits.items():
            if path not in TEXT_FIELDS:
                state = EditPath((rid,), path, value).new_state(state, base)
        return state

    def cancel_edit(self) -> None:
        self.view.end_edit()
        self.view.show_prompt(None)
        self.catch_up()

    def edit_tasks(self) -> None:
        self._edit_labels(self.tr("Task labels"), [("task_major", self.tr("Task (major)")),
                                                   ("task_minor", self.tr("Task (minor)"))])

    def edit_domain(self) -> None:
        self._edit_labels(self.tr("Domain"), [("domain", self.tr("Domain"))])

    def _edit_labels(self, title: str, fields: list[tuple[str, str]]) -> None:
        if self.queue is None or not len(self.queue):
            return
        values = self.item(self.index).values
        rows = [(name, caption, tuple(values.get(name) or ()), self._label_values(name)) for name, caption in fields]
        dialog = dialogs.LabelsDialog(title, rows, self.view)
        rid, index = self.current_rid(), self.index

        def done() -> None:
            new = {k: v for k, v in dialog.values().items() if v != tuple(values.get(k) or ())}
            if not new or self.ctl.read_only:
                return
            old, base = self.curation.overlay.get(rid), self._base_row(index)
            label = "Set " + ", ".join(n.replace("_", " ") for n in new)
            if self.ctl.apply(SetStates({rid: edited_state(old, base, new)}, label)) is not None:
                at = self.queue.index_of(rid)  # (the queue waited for the dialog: it is at ``index``)
                self.go(index if at is None else at)

        self._open(dialog, done)

    def _label_values(self, column: str) -> list[str]:
        """Every value of a label column in the release (computed once per release)."""
        frame = self.curation.release.frame
        cache = self.__dict__.setdefault("_label_cache", {})
        if cache.get("frame") is not frame:
            cache.clear()
            cache["frame"] = frame
        if column not in cache:
            cache[column] = label_values(frame, column)
        return cache[column]
