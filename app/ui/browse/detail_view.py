"""The selected item in full, as plain text: never HTML, troublemakers made visible,
search matches highlighted, F3 / Shift+F3 walking through them."""
from __future__ import annotations

from pathlib import Path

import polars as pl
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QGuiApplication, QTextCharFormat, QTextCursor, QTextOption
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QPlainTextEdit, QSplitter, QTextEdit, QToolButton,
                               QVBoxLayout, QWidget)

from app.core.load.schema import TEXT_FIELDS
from app.core.query.filters import SearchSpec, search_spans
from app.ui.common import themes
from app.ui.common.text_display import OffsetMap, display_text, reveal, shown_part
from app.ui.common.turns_view import TurnsView, is_conversation

from .detail_editing import DetailEditing
from .note_marks import NoteMarks

# Label rows above the texts, in display order; captions come from retranslate().
FIELDS = ("source", "task", "domain", "answer_from", "human_verified", "status", "metadata", "copyright", "locator")


def plain_label(parent: QWidget | None = None) -> QLabel:
    """A QLabel that can never interpret its text as HTML (data is shown literally)."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


def _join(values) -> str:
    return ", ".join(values) if values else ""


class DetailView(QWidget):
    matchChanged = Signal(int, int)  # current match (1-based, 0 = none), total

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("detailView")
        self._row: dict | None = None
        self._shown: tuple | None = None  # (frame, position, root) on display
        self._root: Path | None = None
        self._search = SearchSpec()
        self._matches: list[tuple[str, int, int]] = []  # (field, qt start, qt end)
        self._current = -1
        self._captions: dict[str, QLabel] = {}
        self._values: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setContentsMargins(4, 4, 4, 4)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        for i, key in enumerate(FIELDS):
            cap = QLabel(self)
            cap.setTextFormat(Qt.TextFormat.PlainText)
            cap.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            value = plain_label(self)
            value.setObjectName(f"detail_{key}")
            self._captions[key], self._values[key] = cap, value
            # Two caption/value pairs per grid row; the locator gets a row of its own.
            row, col = (i // 2, (i % 2) * 2) if key != "locator" else ((len(FIELDS) - 1) // 2, 0)
            grid.addWidget(cap, row, col)
            grid.addWidget(value, row, col + 1, 1, 3 if key == "locator" else 1)
        self.copy_button = QToolButton(self)
        self.copy_button.setObjectName("copyLocator")
        self.copy_button.clicked.connect(self.copy_locator)
        grid.addWidget(self.copy_button, (len(FIELDS) - 1) // 2, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.editors: dict[str, QPlainTextEdit] = {}
        self._text_captions: dict[str, QLabel] = {}
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("detailSplitter")
        for field in TEXT_FIELDS:
            box = QWidget(self.splitter)
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 2, 0, 0)
            lay.setSpacing(1)
            cap = QLabel(box)
            cap.setTextFormat(Qt.TextFormat.PlainText)
            edit = QPlainTextEdit(box)
            edit.setObjectName(f"detail_{field}")
            edit.setReadOnly(True)
            edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
            edit.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
            lay.addWidget(cap)
            lay.addWidget(edit)
            self._text_captions[field], self.editors[field] = cap, edit
            self.splitter.addWidget(box)
        self.splitter.setSizes([1, 1, 3])
        self.turns = TurnsView(self)  # a conversation, turn by turn, instead of the three boxes
        self.turns.hide()
        self.editing = DetailEditing(self)  # Ctrl+E / double-click edit mode (curation)
        top = QVBoxLayout(self)
        top.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addLayout(grid)
        top.addLayout(head)
        self.note_marks = NoteMarks(self)  # the row's note and flag (issue 25.3)
        top.addWidget(self.note_marks)
        top.addWidget(self.splitter, 1)
        top.addWidget(self.turns, 1)
        self.retranslate()
        self.show_row(None)

    # -- content ------------------------------------------------------------------------
    def show_row(self, frame: pl.DataFrame | None, position: int | None = None, root: Path | None = None,
                 search: SearchSpec | None = None) -> None:
        """Show row ``position`` of ``frame`` (None clears the view)."""
        if self._shown is not None and self._shown[0] is frame and self._shown[1:] == (position, root) \
                and (search is None or search == self._search):
            return  # the same row re-selected after a filter change: nothing to redraw
        self._shown = (frame, position, root)
        self._row = frame.row(position, named=True) if frame is not None and position is not None else None
        self._root = root
        if search is not None:
            self._search = search
        row = self._row or {}
        task = _join(row.get("task_major"))
        if row.get("task_minor"):
            task += " / " + _join(row["task_minor"])
        verified = row.get("human_verified")
        values = {
            "source": " / ".join(v for v in (row.get("source"), row.get("subset")) if v),
            "task": task,
            "domain": _join(row.get("domain")),
            "answer_from": row.get("answer_from") or "",
            "human_verified": "" if not row else ("null" if verified is None else str(verified).lower()),
            "status": self._status_text(row),
            "metadata": row.get("metadata") or "",
            "copyright": row.get("copyright") or "",
            "locator": self.locator(relative=True),
        }
        for key, text in values.items():
            self._values[key].setText(reveal(text))
        has_status = "status" in row
        self._captions["status"].setVisible(has_status)
        self._values["status"].setVisible(has_status)
        self.copy_button.setEnabled(bool(self._row))
        self.note_marks.show_row(self._row)
        if self.editing.keep(self._row):
            return  # the row being edited, shown again: keep what the curator typed
        conversation = is_conversation(self._row)
        self.splitter.setVisible(not conversation)
        self.turns.setVisible(conversation)
        if conversation:
            self.turns.show_row(row, paint=False)
        else:
            for field, edit in self.editors.items():
                edit.setPlainText(display_text(row.get(field)))
        self._highlight()

    def focus_text(self) -> None:
        """Ctrl+3: the output box, or a conversation's turn clicked last (else its first)."""
        if self.turns.isVisible() and self.turns.editors():
            editors = self.turns.editors()
            editors.get(self.turns.current_path, next(iter(editors.values()))).setFocus()
        else:
            self.editors["output"].setFocus()

    def set_search(self, search: SearchSpec) -> None:
        if search != self._search:
            self._search = search
            if not self.editing.active:  # highlights are offsets into the revealed text
                self._highlight()

    def _status_text(self, row: dict) -> str:
        if not row or "status" not in row:
            return ""
        from .rows_model import status_label
        text = status_label(row.get("status"))
        return f"{text} ({row['reason']})" if row.get("reason") else text

    def locator(self, relative: bool = False) -> str:
        """'file:line' of the shown row (absolute path unless ``relative``)."""
        if not self._row:
            return ""
        file = self._row.get("file") or ""
        path = file if relative or self._root is None else str(self._root / file)
        return f"{path}:{self._row.get('line')}"

    def copy_locator(self) -> None:
        if self._row:
            QGuiApplication.clipboard().setText(self.locator())

    # -- search matches --------------------------------------------------------------------
    @property
    def match_count(self) -> int:
        return len(self._matches)

    @property
    def current_match(self) -> int:
        return self._current

    def _highlight(self) -> None:
        self._matches = []
        row = self._row or {}
        if is_conversation(self._row):
            self._matches = self.turns.search_matches(self._search)
        elif self._search.active:
            for field in TEXT_FIELDS:
                text = shown_part(row.get(field) or "")
                if field not in self._search.fields or not text:
                    continue
                spans = search_spans(text, self._search)
                if spans:
                    omap = OffsetMap(text)
                    self._matches += [(field, omap.to_qt(s), omap.to_qt(e)) for s, e in spans]
        self._current = 0 if self._matches else -1
        self._paint_matches(scroll=True)

    def _paint_matches(self, scroll: bool = False) -> None:
        if is_conversation(self._row):
            if not self.editing.active:
                self.turns.highlight(self._search, self._current, self._matches)
            if scroll and self._current >= 0:
                self.turns.scroll_to(*self._matches[self._current][:2])
            self.matchChanged.emit(self._current + 1, len(self._matches))
            return
        fmt, cur_fmt = QTextCharFormat(), QTextCharFormat()
        fmt.setBackground(themes.color("match"))
        cur_fmt.setBackground(themes.color("current"))
        selections: dict[str, list[QTextEdit.ExtraSelection]] = {f: [] for f in self.editors}
        for i, (field, start, end) in enumerate(self._matches):
            edit = self.editors[field]
            sel = QTextEdit.ExtraSelection()
            cursor = QTextCursor(edit.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            sel.format = cur_fmt if i == self._current else fmt
            selections[field].append(sel)
        for field, edit in self.editors.items():
            edit.setExtraSelections(selections[field])
        if scroll and self._current >= 0:
            field, start, _end = self._matches[self._current]
            edit = self.editors[field]
            cursor = edit.textCursor()
            cursor.setPosition(start)
            edit.setTextCursor(cursor)
            edit.ensureCursorVisible()
        self.matchChanged.emit(self._current + 1, len(self._matches))

    def repaint_matches(self) -> None:
        """Re-colour the highlights (after a theme change)."""
        self._paint_matches()

    def next_match(self) -> None:
        if self._matches:
            self._current = (self._current + 1) % len(self._matches)
            self._paint_matches(scroll=True)

    def previous_match(self) -> None:
        if self._matches:
            self._current = (self._current - 1) % len(self._matches)
            self._paint_matches(scroll=True)

    # -- language and theme ------------------------------------------------------------------
    def retranslate(self) -> None:
        self.note_marks.retranslate()
        captions = {
            "source": self.tr("Source"), "task": self.tr("Task"), "domain": self.tr("Domain"),
            "answer_from": self.tr("Answer from"), "human_verified": self.tr("Human verified"),
            "status": self.tr("Status"), "metadata": self.tr("Metadata"), "copyright": self.tr("Copyright"),
            "locator": self.tr("Locator"),
        }
        for key, text in captions.items():
            self._captions[key].setText(text)
        texts = {"instruction": self.tr("Instruction"), "input": self.tr("Input"), "output": self.tr("Output")}
        for field, text in texts.items():
            self._text_captions[field].setText(text)
        self.copy_button.setText(self.tr("Copy"))
        self.copy_button.setToolTip(self.tr("Copy the locator (file:line) to the clipboard"))
        if self._row is not None:  # the status word of the shown row, in the new language
            self._values["status"].setText(reveal(self._status_text(self._row or {})))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.StyleChange:
            self._paint_matches()
