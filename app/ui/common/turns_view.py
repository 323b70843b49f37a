"""A conversation shown turn by turn, as plain text (never HTML): the system prompt
first, the ``tools`` JSON folded under a button, every turn labelled by its role, and a
preference record's chosen and rejected side by side with their character differences
highlighted (text_diff). The detail view and review mode both use it.

Turn boxes are pooled: showing another row refills the boxes it has and hides the rest,
so paging through a release never builds widgets per item (review mode's 16 ms budget).
Turns past two screens of text are filled just after the first paint (a zero timer), or
at once when something asks for them (editing, a search's matches).
Each box holds one text, keyed by its JSON path in the record (what EditPath edits).
"""
from __future__ import annotations

import json

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QTextEdit, QToolButton, QVBoxLayout, QWidget

from app.core.curate.pathedits import all_turns
from app.core.load.formats import rejected_path
from app.core.query.filters import SearchSpec, search_spans
from . import themes
from .text_diff import diff_colour, diff_spans
from .text_display import OffsetMap, display_text, shown_part
from .turn_boxes import TurnBox, TurnText, role_title


def is_conversation(row: dict | None) -> bool:
    """Rows that store turns are shown turn by turn; single-turn rows as before."""
    return bool(row and row.get("turns"))


def shown_turns(row: dict) -> tuple[list[dict], dict | None, dict | None]:
    """(turns shown one under another, chosen, rejected) of a row: for a preference
    record its last stored turn is the chosen response, shown beside the rejected one."""
    turns = all_turns(row)
    if row.get("format") == "preference" and turns and turns[-1]["path"].startswith("chosen"):
        chosen = {**turns[-1], "role": "chosen"}
        rejected = {"role": "rejected", "text": row.get("rejected") or "", "path": rejected_path(chosen["path"])}
        return turns[:-1], chosen, rejected
    return turns, None, None


class TurnsView(QScrollArea):
    currentTurnChanged = Signal(str)  # path of the turn clicked last

    def __init__(self, parent: QWidget | None = None, clock=None) -> None:
        super().__init__(parent)
        self.setObjectName("turnsView")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._clock = clock
        self._filters: list = []  # event filters every text box gets (editing keys), pooled ones too
        self.row: dict = {}
        self.current_path: str | None = None
        self.editing = False
        self._pending: list[tuple[int, dict]] = []  # (box index, turn) filled after the paint
        self._gen = 0  # which show_row a pending fill belongs to
        self._painted: tuple = (None, -1, None)  # the latest highlight()'s arguments, for the late turns
        self.diff_note = ""  # why the pair's differences are shown by line, when they are
        body = QWidget(self)
        self._lay = QVBoxLayout(body)
        self._lay.setContentsMargins(2, 2, 2, 2)
        self._lay.setSpacing(4)
        self.tools_button = QToolButton(body)
        self.tools_button.setObjectName("toolsFold")
        self.tools_button.setCheckable(True)
        self.tools_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.tools_button.setArrowType(Qt.ArrowType.RightArrow)
        self.tools_button.toggled.connect(self._fold)
        self.tools_text = TurnText(body, clock)
        self.tools_text.setObjectName("toolsText")
        self.tools_text.hide()
        self._lay.addWidget(self.tools_button)
        self._lay.addWidget(self.tools_text)
        self.boxes: list[TurnBox] = []
        self.pair = QWidget(body)
        pair_lay = QHBoxLayout(self.pair)
        pair_lay.setContentsMargins(0, 0, 0, 0)
        self.chosen, self.rejected = TurnBox(self.pair, clock), TurnBox(self.pair, clock)
        self.chosen.setObjectName("turnChosen")
        self.rejected.setObjectName("turnRejected")
        pair_lay.addWidget(self.chosen, 1, Qt.AlignmentFlag.AlignTop)
        pair_lay.addWidget(self.rejected, 1, Qt.AlignmentFlag.AlignTop)
        self.pair_note = QLabel(body)
        self.pair_note.setTextFormat(Qt.TextFormat.PlainText)
        self.pair_note.setWordWrap(True)
        self.pair_note.hide()
        self.pair.hide()
        self._lay.addWidget(self.pair)
        self._lay.addWidget(self.pair_note)
        self._lay.addStretch(1)
        self.setWidget(body)
        for box in (self.chosen, self.rejected):
            self._watch(box.text)

    # -- the pool ------------------------------------------------------------------------------
    def _box(self, i: int) -> TurnBox:
        while len(self.boxes) <= i:
            box = TurnBox(self.widget(), self._clock)
            box.setObjectName(f"turn_{len(self.boxes)}")
            self._lay.insertWidget(2 + len(self.boxes), box)
            self._watch(box.text)
            self.boxes.append(box)
        return self.boxes[i]

    def _watch(self, text: TurnText) -> None:
        text.installEventFilter(self)
        text.viewport().installEventFilter(self)
        if getattr(self, "_focus", None) is not None:
            text.setFocusPolicy(self._focus)
        if getattr(self, "_font", None) is not None:
            text.setFont(self._font)
        for f in self._filters:
            text.installEventFilter(f)
            text.viewport().installEventFilter(f)

    def set_text_font(self, font: QFont) -> None:
        """The turns' texts in ``font`` (review mode's large CJK text), pooled boxes too."""
        self._font = font
        for text in [*self.all_texts(), self.tools_text]:
            text.setFont(font)

    def set_focusable(self, on: bool) -> None:
        """Review mode keeps the keyboard on its view: the boxes take focus only while
        edited (a click still marks a turn current)."""
        self._focus = Qt.FocusPolicy.StrongFocus if on else Qt.FocusPolicy.NoFocus
        for widget in [*self.all_texts(), self, self.tools_button]:
            widget.setFocusPolicy(self._focus)

    def add_filter(self, obj) -> None:
        """``obj`` filters the events of every text box, now and later."""
        self._filters.append(obj)
        for text in self.all_texts():
            text.installEventFilter(obj)
            text.viewport().installEventFilter(obj)

    def all_texts(self) -> list[TurnText]:
        return [b.text for b in self.boxes] + [self.chosen.text, self.rejected.text]

    def owns(self, obj) -> bool:
        return any(obj is t or obj is t.viewport() for t in self.all_texts())

    def flush(self) -> None:
        """Fill the turns left for after the paint, now."""
        if self._pending:
            self._fill_rest(self._gen)

    def _fill_rest(self, gen: int) -> None:
        if gen != self._gen or not self._pending:
            return  # another row is shown now
        pending, self._pending = self._pending, []
        for i, turn in pending:
            self.boxes[i].fill(turn)
            self.boxes[i].show()
        self.highlight(*self._painted)

    def shown_boxes(self) -> list[TurnBox]:
        self.flush()
        return self._shown()

    def _shown(self) -> list[TurnBox]:
        out = [b for b in self.boxes if b.turn and not b.isHidden()]
        return out + ([self.chosen, self.rejected] if not self.pair.isHidden() and self.chosen.turn else [])

    def editors(self) -> dict[str, TurnText]:
        """Text box of each shown turn by its path."""
        return {b.turn["path"]: b.text for b in self.shown_boxes()}

    def raw_texts(self) -> dict[str, str]:
        return {b.turn["path"]: b.turn["text"] or "" for b in self.shown_boxes()}

    # -- content -------------------------------------------------------------------------------
    def show_row(self, row: dict | None, search: SearchSpec | None = None, paint: bool = True) -> None:
        self.row = row or {}
        self._gen += 1
        self._pending = []
        turns, chosen, rejected = shown_turns(self.row) if row else ([], None, None)
        room, used = (2 * self.viewport().height() if self.isVisible() else -1), 0
        for i, turn in enumerate(turns):
            box = self._box(i)
            if 0 <= room < used:  # off screen: filled after the paint
                box.turn = {}
                box.hide()
                self._pending.append((i, turn))
                continue
            box.fill(turn)
            box.show()
            used += box.text.minimumHeight() + box.caption.sizeHint().height()
        if self._pending:
            QTimer.singleShot(0, lambda gen=self._gen: self._fill_rest(gen))
        for box in self.boxes[len(turns):]:
            box.turn = {}
            box.hide()
        tools = self.row.get("tools") or ""
        self.tools_button.setVisible(bool(tools))
        self._tools = tools
        if self.tools_button.isChecked():
            self._fill_tools()
        self.pair.setVisible(chosen is not None)
        self.diff_note = ""
        if chosen is not None:
            self.chosen.fill(chosen)
            self.rejected.fill(rejected)
        paths = [t["path"] for t in turns] + ([chosen["path"], rejected["path"]] if chosen else [])
        if self.current_path not in paths:
            self.current_path = None
        self.retranslate()
        if paint:  # (the detail view paints next, with its current match)
            self.highlight(search)
        self.verticalScrollBar().setValue(0)

    def _fill_tools(self) -> None:
        try:  # the JSON text laid out readably; a text that is no JSON is shown as it is
            text = json.dumps(json.loads(self._tools), ensure_ascii=False, indent=2)
        except ValueError:
            text = self._tools
        self.tools_text.setPlainText(display_text(text))

    def _fold(self, open_: bool) -> None:
        self.tools_button.setArrowType(Qt.ArrowType.DownArrow if open_ else Qt.ArrowType.RightArrow)
        if open_:
            self._fill_tools()
        self.tools_text.setVisible(open_)

    def set_tools_open(self, open_: bool) -> None:
        self.tools_button.setChecked(open_)

    # -- highlights ----------------------------------------------------------------------------
    def search_matches(self, search: SearchSpec | None) -> list[tuple[str, int, int]]:
        """(path, qt start, qt end) of every match of ``search`` in the shown turns."""
        out = []
        if search is None or not search.active:
            return out
        for box in self.shown_boxes():  # (every turn: the late ones filled now)
            text = shown_part(box.turn["text"] or "")
            spans = search_spans(text, search) if text else []
            if spans:
                omap = OffsetMap(text)
                out += [(box.turn["path"], omap.to_qt(s), omap.to_qt(e)) for s, e in spans]
        return out

    def highlight(self, search: SearchSpec | None, current: int = -1, matches=None) -> list:
        """Paint the diff of the pair and the search matches (``current`` in the current
        colour); returns the matches."""
        matches = self.search_matches(search) if matches is None else matches
        self._painted = (search, current, matches)
        fmt, cur_fmt = QTextCharFormat(), QTextCharFormat()
        fmt.setBackground(themes.color("match"))
        cur_fmt.setBackground(themes.color("current"))
        editors = {b.turn["path"]: b.text for b in self._shown()}  # the late turns: painted when filled
        selections: dict[str, list] = {p: [] for p in editors}
        if not self.pair.isHidden() and not self.editing:
            self._diff(selections)
        if not self.editing:
            for i, (path, start, end) in enumerate(matches):
                if path in editors:
                    selections[path].append(_selection(editors[path], start, end, cur_fmt if i == current else fmt))
        for path, editor in editors.items():
            editor.setExtraSelections(selections[path])
        return matches

    def _diff(self, selections: dict) -> None:
        a, b = self.chosen.text.toPlainText(), self.rejected.text.toPlainText()
        spans_a, spans_b, by_line = diff_spans(a, b)
        self.diff_note = QCoreApplication.translate("TurnsView", "Long responses: differences shown by line.") \
            if by_line else ""
        self.pair_note.setText(self.diff_note)
        self.pair_note.setVisible(bool(self.diff_note))
        fmt = QTextCharFormat()
        fmt.setBackground(diff_colour())
        for box, spans in ((self.chosen, spans_a), (self.rejected, spans_b)):
            selections[box.turn["path"]] += [_selection(box.text, s, e, fmt) for s, e in spans]

    def scroll_to(self, path: str, start: int) -> None:
        editor = self.editors().get(path)
        if editor is None:
            return
        cursor = editor.textCursor()
        cursor.setPosition(start)
        editor.setTextCursor(cursor)
        rect = editor.cursorRect(cursor)
        self.ensureVisible(0, editor.mapTo(self.widget(), rect.center()).y(), 0, 60)

    # -- editing ---------------------------------------------------------------------------------
    def begin_edit(self) -> dict[str, TurnText]:
        """Every shown turn editable, holding its raw text (no visible markers)."""
        self.editing = True
        editors = self.editors()
        raw = self.raw_texts()
        for path, editor in editors.items():
            editor.setExtraSelections([])
            editor.setPlainText(raw[path])
            editor.document().setModified(False)
            editor.setReadOnly(False)
        return editors

    def edited(self) -> dict[str, str]:
        """Texts the curator changed, by path."""
        raw = self.raw_texts()
        return {p: e.toPlainText() for p, e in self.editors().items() if e.toPlainText() != raw[p]}

    def end_edit(self) -> None:
        self.editing = False
        for editor in self.all_texts():
            editor.setReadOnly(True)
        self.show_row(self.row)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.FocusIn, QEvent.Type.MouseButtonPress):
            for box in self.shown_boxes():
                if (box.text is obj or box.text.viewport() is obj) and box.turn:
                    self.current_path = box.turn["path"]
                    self.currentTurnChanged.emit(self.current_path)
        return False

    def retranslate(self) -> None:
        self.tools_button.setText(QCoreApplication.translate("TurnsView", "Tools (%1 characters)")
                                  .replace("%1", f"{len(getattr(self, '_tools', '')):,}"))
        for box in self._shown():
            box.caption.setText(f"{role_title(box.turn['role'])}   {box.turn['path']}")

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()


def _selection(editor: QTextEdit, start: int, end: int, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
    sel = QTextEdit.ExtraSelection()
    cursor = QTextCursor(editor.document())
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    sel.cursor, sel.format = cursor, fmt
    return sel
