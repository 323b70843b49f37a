"""The one-item view of review mode: labels, source and locator above, then instruction,
input and output (a conversation: its turns, turns_view) in a large CJK font, as plain
text (never HTML) with the current search's matches highlighted. It only shows what it
is given; keys go to the controller.

Every widget here that changes per item stamps a shared PaintClock at the end of its
paint event (item_widgets), which is how the key-to-painted latency is measured.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent, QTextCharFormat, QTextCursor, QTextOption
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QSizePolicy, QTextEdit, QVBoxLayout, QWidget

from app.core.load.schema import TEXT_FIELDS
from app.core.query.filters import SearchSpec, search_spans
from app.ui.common import themes
from app.ui.common.text_display import OffsetMap, display_text, reveal, shown_part
from app.ui.common.turns_view import TurnsView, is_conversation

from .item_widgets import ItemBar, ItemLabel, ItemText, PaintClock

TEXT_SCALE = 1.35  # review text vs the UI font: readable Han at arm's length
MIN_TEXT_POINTS = 13.0


@dataclass
class ReviewItem:
    """What the view shows for one queue item (current values: base + the curator's edits)."""

    index: int
    total: int
    rid: int
    values: dict  # source, subset, file, line, instruction, input, output, task_major, task_minor, domain, ...
    status: str = "untouched"
    reason: str | None = None
    edited: tuple[str, ...] = field(default_factory=tuple)


def _join(values) -> str:
    return ", ".join(values) if values else ""


class ReviewView(QWidget):
    editSaveRequested = Signal()
    editCancelRequested = Signal()
    languageChanged = Signal()  # the controller's lines (progress) are said again

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewView")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.clock = PaintClock()
        self.controller = None  # set by the controller: handle_key(event) -> bool, wants(event) -> bool
        self.item: ReviewItem | None = None
        self._search = SearchSpec()
        self._editing: str | None = None
        self.bar = ItemBar(self.clock, self)
        self.bar.setObjectName("reviewProgressBar")
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(8)
        self.progress_line = ItemLabel(self.clock, self, "reviewProgressLine")
        self.position = ItemLabel(self.clock, self, "reviewPosition")
        self.status = ItemLabel(self.clock, self, "reviewStatus")
        self.source = ItemLabel(self.clock, self, "reviewSource")
        self.locator = ItemLabel(self.clock, self, "reviewLocator")
        self.labels = ItemLabel(self.clock, self, "reviewLabels")
        self.labels.setWordWrap(True)
        for label in (self.source, self.locator, self.labels):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.prompt = ItemLabel(self.clock, self, "reviewPrompt")  # reject reasons / editing hints
        self.prompt.setWordWrap(True)
        self.prompt.hide()
        self.message = ItemLabel(self.clock, self, "reviewMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(self.message.hide)
        self.captions: dict[str, QLabel] = {}
        self.panes: dict[str, ItemText] = {}
        self.boxes: dict[str, QWidget] = {}
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 6)
        lay.setSpacing(4)
        top = QHBoxLayout()
        top.addWidget(self.progress_line, 1)
        lay.addLayout(top)
        lay.addWidget(self.bar)
        head = QHBoxLayout()
        head.addWidget(self.position)
        head.addWidget(self.status)
        head.addWidget(self.source, 1)
        head.addWidget(self.locator)
        lay.addLayout(head)
        lay.addWidget(self.labels)
        lay.addWidget(self.message)
        lay.addWidget(self.prompt)
        for name in TEXT_FIELDS:
            box = QFrame(self)
            box_lay = QVBoxLayout(box)
            box_lay.setContentsMargins(0, 0, 0, 0)
            box_lay.setSpacing(1)
            cap = ItemLabel(self.clock, box, f"reviewCaption_{name}")
            pane = ItemText(self.clock, box)
            pane.setObjectName(f"review_{name}")
            pane.setReadOnly(True)
            pane.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            pane.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
            pane.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
            pane.installEventFilter(self)
            box_lay.addWidget(cap)
            box_lay.addWidget(pane, 1)
            self.captions[name], self.panes[name], self.boxes[name] = cap, pane, box
            lay.addWidget(box, {"instruction": 2, "input": 1, "output": 5}[name])
        self.turns = TurnsView(self, self.clock)  # pooled turn boxes: no widgets built per item
        self.turns.set_focusable(False)
        self.turns.add_filter(self)
        self.turns.hide()
        lay.addWidget(self.turns, 8)
        self.position.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.cheatsheet = None  # CheatSheet overlay, built on first use
        self._apply_fonts()
        self._style_notes()
        self.retranslate()

    # -- showing an item -----------------------------------------------------------------------
    def show_item(self, item: ReviewItem | None, search: SearchSpec | None = None) -> None:
        self.item = item
        if search is not None:
            self._search = search
        if item is None:
            self.position.setText("0 / 0")
            for w in (self.status, self.source, self.locator, self.labels):
                w.setText("")
            for pane in self.panes.values():
                pane.setPlainText("")
            self._show_conversation(False)
            self.boxes["input"].show()
            return
        v = item.values
        self.position.setText(f"{item.index + 1:,} / {item.total:,}")
        self.status.setText(self._status_text(item))
        self.source.setText(reveal(" / ".join(x for x in (v.get("source"), v.get("subset")) if x)))
        self.locator.setText(reveal(f"{v.get('file') or ''}:{v.get('line')}"))
        task = _join(v.get("task_major"))
        if v.get("task_minor"):
            task += " / " + _join(v["task_minor"])
        parts = [self.tr("Task: %1").replace("%1", task or "—"),
                 self.tr("Domain: %1").replace("%1", _join(v.get("domain")) or "—"),
                 self.tr("Answer from: %1").replace("%1", v.get("answer_from") or "—")]
        if item.edited:
            parts.append(self.tr("Edited: %1").replace("%1", ", ".join(item.edited)))
        self.labels.setText(reveal("   ·   ".join(parts)))
        if self._editing is not None:
            return  # the boxes hold what the curator is typing (e.g. a language switch redraws)
        if self._show_conversation(is_conversation(v)):
            self.turns.show_row(v, self._search)
            return
        for name, pane in self.panes.items():
            pane.setPlainText(display_text(v.get(name)))
        self.boxes["input"].setVisible(bool(v.get("input")) or self._editing is not None)
        self._highlight()

    def _show_conversation(self, on: bool) -> bool:
        if self.turns.isHidden() == on:  # only when the kind of item changes: a relayout
            for box in self.boxes.values():
                box.setVisible(not on)
            self.turns.setVisible(on)
        return on

    @property
    def conversation(self) -> bool:
        return not self.turns.isHidden()

    def _status_text(self, item: ReviewItem) -> str:
        from app.ui.browse.rows_model import status_label

        text = status_label(item.status)
        return f"[{text}: {item.reason}]" if item.reason else f"[{text}]"

    def set_search(self, search: SearchSpec) -> None:
        if search != self._search:
            self._search = search
            self._highlight()

    def _highlight(self) -> None:
        """Matches of the current search, as in the detail view (same engine, same spans)."""
        if self.conversation:
            self.turns.highlight(self._search)
            return
        fmt = QTextCharFormat()
        fmt.setBackground(themes.color("match"))
        values = self.item.values if self.item else {}
        for name, pane in self.panes.items():
            selections = []
            text = shown_part(values.get(name) or "")
            if self._search.active and name in self._search.fields and text and self._editing is None:
                omap = None
                for start, end in search_spans(text, self._search):
                    omap = omap or OffsetMap(text)
                    sel = QTextEdit.ExtraSelection()
                    cursor = QTextCursor(pane.document())
                    cursor.setPosition(omap.to_qt(start))
                    cursor.setPosition(omap.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
                    sel.cursor, sel.format = cursor, fmt
                    selections.append(sel)
            pane.setExtraSelections(selections)

    def set_progress(self, line: str, value: int, maximum: int) -> None:
        self.progress_line.setText(line)
        self.bar.setMaximum(max(maximum, 1))
        self.bar.setValue(min(value, max(maximum, 1)))

    def show_prompt(self, text: str | None) -> None:
        self.prompt.setText(text or "")
        self.prompt.setVisible(bool(text))

    def _style_notes(self) -> None:
        """The reason prompt and messages stand out: they ask for, or report on, a key."""
        self.prompt.setStyleSheet(f"QLabel {{ background: {themes.color('current').name()}; color: black; "
                                  "padding: 4px 8px; border-radius: 3px; }")
        self.message.setStyleSheet(f"QLabel {{ border: 1px solid {themes.color('marker').name()}; "
                                   "padding: 3px 8px; border-radius: 3px; }")

    def show_message(self, text: str, msecs: int = 6000) -> None:
        self.message.setText(text)
        self.message.show()
        self._message_timer.start(msecs)

    # -- editing -----------------------------------------------------------------------------
    @property
    def editing(self) -> str | None:
        """The text field being edited, or None."""
        return self._editing

    def _edit_panes(self) -> dict:
        """The boxes edited: a conversation's turns by JSON path, else the three texts."""
        return self.turns.editors() if self.conversation else self.panes

    def begin_edit(self, raw: dict[str, str], focus: str = "output") -> None:
        """Make the texts editable, holding their raw values (no visible markers); a
        conversation's turns hold theirs (``raw`` is the three texts')."""
        self._editing = focus
        if self.conversation:
            self.turns.begin_edit()
            self.turns.set_focusable(True)
            panes = self.turns.editors()
            focus = focus if focus in panes else (self.turns.current_path or list(panes)[-1])
        else:
            self.boxes["input"].show()
            panes = self.panes
            for name, pane in panes.items():
                pane.setExtraSelections([])
                pane.setPlainText(raw.get(name) or "")
                pane.document().setModified(False)
                pane.setReadOnly(False)
        for pane in panes.values():
            pane.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            pane.setTabChangesFocus(False)
        self.focus_field(focus)

    def focus_field(self, name: str) -> None:
        self._editing = name
        pane = self._edit_panes()[name]
        pane.setFocus(Qt.FocusReason.TabFocusReason)
        if self.conversation:
            self.turns.ensureWidgetVisible(pane)
        for n, cap in self.captions.items():
            cap.setProperty("editing", n == name)

    def edited_values(self) -> dict[str, str]:
        """The texts the curator changed (untouched panes are left out), a turn's by path."""
        if self.conversation:
            return self.turns.edited()
        return {n: p.toPlainText() for n, p in self.panes.items() if p.document().isModified()}

    def end_edit(self) -> None:
        self._editing = None
        if self.turns.editing:
            self.turns.set_focusable(False)
            self.turns.end_edit()
        for pane in self.panes.values():
            pane.setReadOnly(True)
            pane.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.show_item(self.item)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if self._editing is None or obj not in self._edit_panes().values():
            return False
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        key, mods = event.key(), event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        mine = (key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and ctrl) or key in (Qt.Key.Key_Escape, Qt.Key.Key_Tab,
                                                                                  Qt.Key.Key_Backtab)
        if not mine:
            return False
        event.accept()
        if kind == QEvent.Type.ShortcutOverride:
            return True  # the editor keeps these keys: no window shortcut may take them
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            order = list(self._edit_panes())
            step = -1 if key == Qt.Key.Key_Backtab or mods & Qt.KeyboardModifier.ShiftModifier else 1
            self.focus_field(order[(order.index(self._editing) + step) % len(order)])
        elif key == Qt.Key.Key_Escape:
            self.editCancelRequested.emit()
        else:
            self.editSaveRequested.emit()
        return True

    # -- keys -------------------------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        # Bound review keys beat the window's shortcuts (Ctrl+Z, Ctrl+S, Esc) while we have focus.
        if event.type() == QEvent.Type.ShortcutOverride and self.controller is not None \
                and self.controller.wants(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if self.controller is not None and self.controller.handle_key(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        self.clock.stamp()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.cheatsheet is not None:
            self.cheatsheet.setGeometry(self.rect())

    # -- looks -----------------------------------------------------------------------------------
    def text_font(self) -> QFont:
        font = QFont(self.font())
        size = self.font().pointSizeF()
        font.setPointSizeF(max(MIN_TEXT_POINTS, (size if size > 0 else 10.0) * TEXT_SCALE))
        return font

    def _apply_fonts(self) -> None:
        text = self.text_font()
        for pane in self.panes.values():
            pane.setFont(text)
        self.turns.set_text_font(text)
        big = QFont(self.font())
        big.setBold(True)
        self.position.setFont(big)
        self.status.setFont(big)

    def retranslate(self) -> None:
        texts = {"instruction": self.tr("Instruction"), "input": self.tr("Input"), "output": self.tr("Output")}
        for name, text in texts.items():
            self.captions[name].setText(text)
        if self.item is not None:
            self.show_item(self.item)
        self.languageChanged.emit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.FontChange:
            self._apply_fonts()
        elif event.type() == QEvent.Type.StyleChange:
            self._highlight()
            self._style_notes()
