"""Edit mode of the detail view: the read-only text boxes become editable (Ctrl+E or a
double-click), Ctrl+Enter commits, Esc cancels.

While editing, the boxes hold the raw text (not the revealed markers, which would be
saved as data); on commit only the fields whose text really changed are reported, as
``committed(rid, {field: text})`` -- the window turns each into an EditField command.
A conversation's turns (the turns view) are edited alike, each reported by its JSON
path (``conversations[3].value``): an EditPath command.
Selecting another row while editing commits first, so typed text is never dropped.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import QApplication

from app.ui.common.text_display import display_text
from app.ui.common.turns_view import is_conversation

_COMMIT_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class DetailEditing(QObject):
    committed = Signal(object, object)  # rid (UInt64: too big for a C int), {field: new text}
    activeChanged = Signal(bool)

    def __init__(self, view) -> None:
        super().__init__(view)
        self.view = view
        self.allowed = False
        self.rid: int | None = None
        self._back = None  # the widget that had the focus before editing (gets it back after)
        self._start: dict[str, str] = {}
        self._watched = {}
        for field, editor in view.editors.items():
            editor.installEventFilter(self)
            editor.viewport().installEventFilter(self)
            self._watched[editor] = field
            self._watched[editor.viewport()] = field
        view.turns.add_filter(self)

    @property
    def active(self) -> bool:
        return self.rid is not None

    def set_allowed(self, allowed: bool) -> None:
        self.allowed = allowed
        if not allowed and self.active:
            self.cancel()

    def begin(self, field: str = "output") -> bool:
        """Make the texts of the shown row editable, with the cursor at the end of ``field``."""
        row = self.view._row
        if not self.allowed or not row or row.get("rid") is None:
            return False
        if not self.active:
            self.rid = int(row["rid"])
            focus = QApplication.focusWidget()
            self._back = focus if focus is not None and not self._mine(focus) else None
            if is_conversation(row):
                field = field if field in self.view.turns.editors() else self.view.turns.current_path
                editors = self.view.turns.begin_edit()
            else:
                editors = self.view.editors
                for name, editor in editors.items():
                    editor.setPlainText(row.get(name) or "")
            self._editing = editors  # the row shown may change before the edit ends (keep())
            for name, editor in editors.items():
                editor.setExtraSelections([])
                editor.setReadOnly(False)
                editor.setProperty("editing", True)
                editor.style().unpolish(editor)
                editor.style().polish(editor)
                self._start[name] = editor.toPlainText()
            self.activeChanged.emit(True)
        editors = self._editors()
        editor = editors.get(field) or list(editors.values())[-1]
        editor.setFocus(Qt.FocusReason.ShortcutFocusReason)
        editor.moveCursor(QTextCursor.MoveOperation.End)
        return True

    def _editors(self) -> dict:
        """The boxes being edited (or that would be): a conversation's turns by path, else
        the three texts."""
        if self.active:
            return self._editing
        return self.view.turns.editors() if is_conversation(self.view._row) else self.view.editors

    def _mine(self, obj) -> bool:
        return obj in self._watched or self.view.turns.owns(obj)

    def changes(self) -> dict[str, str]:
        return {name: editor.toPlainText() for name, editor in self._editors().items()
                if self.active and editor.toPlainText() != self._start.get(name)}

    def commit(self) -> dict[str, str]:
        """End editing and report the changed fields (nothing when nothing changed)."""
        if not self.active:
            return {}
        rid, changes = self.rid, self.changes()
        self._end()
        if changes:
            self.committed.emit(rid, changes)
        else:
            self._refill()
        return changes

    def cancel(self) -> None:
        """Drop what was typed; the row's texts are shown as before."""
        if self.active:
            self._end()
            self._refill()

    def keep(self, row: dict | None) -> bool:
        """Called by show_row: True keeps the boxes as they are (the row being edited is
        shown again, e.g. after a recount); another row commits the edit first."""
        if not self.active:
            return False
        if row is not None and row.get("rid") == self.rid:
            return True
        self.commit()
        return False

    def _end(self) -> None:
        editors = self._editors()
        self.rid = None
        self._start = {}
        back, self._back = self._back, None
        if back is not None and any(e.hasFocus() for e in editors.values()):
            back.setFocus(Qt.FocusReason.OtherFocusReason)  # e.g. back to the table, to go on with the keys
        if self.view.turns.editing:
            self.view.turns.end_edit()
        for editor in editors.values():
            editor.setReadOnly(True)
            editor.setProperty("editing", False)
            editor.style().unpolish(editor)
            editor.style().polish(editor)
        self.activeChanged.emit(False)

    def _refill(self) -> None:
        row = self.view._row or {}
        if is_conversation(row):
            self.view.turns.show_row(row)
        else:
            for name, editor in self.view.editors.items():
                editor.setPlainText(display_text(row.get(name)))
        self.view._highlight()

    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseButtonDblClick and not self.active and self._mine(obj):
            field = self._watched.get(obj) or next((p for p, e in self.view.turns.editors().items()
                                                    if obj is e or obj is e.viewport()), "output")
            if self.begin(field):
                return False  # let the click place the cursor too
        if self.active and isinstance(event, QKeyEvent) and self._mine(obj):
            key, mods = event.key(), event.modifiers()
            ours = key == Qt.Key.Key_Escape or (key in _COMMIT_KEYS and mods & Qt.KeyboardModifier.ControlModifier)
            if ours and kind == QEvent.Type.ShortcutOverride:
                event.accept()  # Esc / Ctrl+Enter are ours while editing, not the window's shortcuts
                return True
            if ours and kind == QEvent.Type.KeyPress:
                if key == Qt.Key.Key_Escape:
                    self.cancel()
                else:
                    self.commit()
                return True
        return super().eventFilter(obj, event)
