"""Review a gather's conflicts by keyboard (Team > Gather Team…): every curator's value side
by side, the characters each changed against the base highlighted (plain text +
QTextCharFormat selections, never HTML).

Keys: 1-9 take that curator's side (in the order shown), A all together (texts one after
another, labels and reject reasons joined), E edit (Ctrl+Enter commits, Esc cancels),
J/K or Down/Up move, Ctrl+S (or Enter once every conflict is resolved) saves the one
version. The decisions are the core's (app.core.team.gather); this view collects choices.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QPlainTextEdit,
                               QSplitter, QTableView, QTextEdit, QToolButton, QVBoxLayout, QWidget)

from app.core.io.atomic import SaveError
from app.core.store.project import ProjectError
from app.core.store.versions import VersionInfo
from app.core.team.gather import ALL, EDIT, GatherConflict, GatherPlan, resolve_gather
from app.core.team.gather_projects import commit_gather
from app.core.team.merge import MergeError, Resolution
from app.ui.common import themes
from app.ui.common.text_display import OffsetMap, reveal

from .gather_model import GatherModel, choice_text, side_name
from .merge_view import _EditKeys, _fill, _plain_label, _text_view, diff_spans, tell

_DIGITS = {getattr(Qt.Key, f"Key_{i}"): i - 1 for i in range(1, 10)}
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class GatherSummary(QObject):
    """The plan's summary in the user's language (a QObject: lupdate marks plurals only in self.tr)."""

    def text(self, plan: GatherPlan) -> str:
        names = ", ".join(_fill(self.tr("%1's %2"), side_name(s.name), s.ref.name) for s in plan.contributors)
        if plan.nothing_to_merge:
            if plan.merged_already and not plan.contributors:
                return self.tr("Nothing to gather: every curator's version is already part of this project's history")
            return _fill(self.tr("Nothing to gather: %1 add nothing this project lacks"), names or "—")
        base = (_fill(self.tr("%1 by %2"), plan.base.name, plan.base.author or "?") if plan.base
                else self.tr("the base release"))
        return _fill(self.tr("Gathering %1 against %2: %3, %4"), names, base,
                     self.tr("%n row(s) merge automatically", "", len(plan.auto)),
                     self.tr("%n conflict(s)", "", len(plan.conflicts)))


def summary_text(plan: GatherPlan) -> str:
    return GatherSummary().text(plan)


class _SidePane(QWidget):
    def __init__(self, parent: QWidget, number: int) -> None:
        super().__init__(parent)
        self.caption = _plain_label(self)
        self.view = _text_view(self, f"gatherSide{number}")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.caption)
        lay.addWidget(self.view)


class GatherView(QWidget):
    saved = Signal(object)  # the VersionInfo of the gather's version
    progressChanged = Signal(int, int)  # resolved, total

    def __init__(self, curation, plan: GatherPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gatherView")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.curation, self.plan = curation, plan
        self.resolutions: dict[tuple[int, str], Resolution] = {}
        self.current = 0 if plan.conflicts else -1
        self.version: VersionInfo | None = None
        self.model = GatherModel(plan.conflicts, self.resolutions, self)
        self.queue = QTableView(self)
        self.queue.setObjectName("gatherQueue")
        self.queue.setModel(self.model)
        self.queue.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.queue.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.queue.verticalHeader().setVisible(False)
        self.queue.clicked.connect(lambda index: self.go_to(index.row()))
        self.summary, self.where = _plain_label(self), _plain_label(self)
        self.where.setObjectName("gatherWhere")
        self.base_view = _text_view(self, "gatherBase")
        self.base_view.setMaximumHeight(80)
        self.sides = QSplitter(Qt.Orientation.Horizontal, self)
        most = max([len(c.sides) for c in plan.conflicts] + [2])
        self.panes = [_SidePane(self.sides, i + 1) for i in range(most)]
        for pane in self.panes:
            self.sides.addWidget(pane)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("gatherEditor")
        self.editor.installEventFilter(_EditKeys(self))
        self.editor.hide()
        self.progress, self.message, self.keys_hint = _plain_label(self), _plain_label(self), _plain_label(self)
        self.progress.setObjectName("gatherProgress")
        self.message.setObjectName("gatherMessage")
        self.buttons: dict[str, QToolButton] = {}
        bar = QHBoxLayout()
        bar.addWidget(self.keys_hint)
        for key, handler in ((ALL, lambda: self.choose(ALL)), (EDIT, self.start_edit), ("save", self.save)):
            button = QToolButton(self)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(handler)
            bar.addWidget(button)
            self.buttons[key] = button
        bar.addStretch(1)
        bar.addWidget(self.progress)
        right = QVBoxLayout()
        for w, stretch in ((self.where, 0), (self.base_view, 0), (self.sides, 1), (self.editor, 1)):
            right.addWidget(w, stretch)
        right.addLayout(bar)
        right.addWidget(self.message)
        body = QSplitter(Qt.Orientation.Horizontal, self)
        body.addWidget(self.queue)
        panel = QWidget(body)
        panel.setLayout(right)
        body.addWidget(panel)
        body.setSizes([300, 900])
        top = QVBoxLayout(self)
        top.addWidget(self.summary)
        top.addWidget(body, 1)
        self.retranslate()

    # -- state ---------------------------------------------------------------------------
    @property
    def conflict(self) -> GatherConflict | None:
        return self.plan.conflicts[self.current] if 0 <= self.current < len(self.plan.conflicts) else None

    @property
    def done(self) -> bool:
        return len(self.resolutions) == len(self.plan.conflicts)

    @property
    def editing(self) -> bool:
        return self.editor.isVisible()

    def go_to(self, row: int) -> None:
        if self.plan.conflicts and not self.editing:
            self.current = max(0, min(row, len(self.plan.conflicts) - 1))
            self._show()

    def move(self, step: int) -> None:
        self.go_to(self.current + step)

    def choose(self, choice: str, value=None) -> bool:
        """Resolve the current conflict (a side's name, ALL or EDIT); moves on to the next unresolved one."""
        c = self.conflict
        if c is None or self.editing:
            return False
        if choice not in c.choices:
            self._say(self.tr("%1 does not apply to this conflict.").replace("%1", choice_text(choice)))
            return False
        self.resolutions[c.key] = resolve_gather(c, choice, value)
        self.model.resolution_changed(self.current)
        later = [i for i, x in enumerate(self.plan.conflicts) if x.key not in self.resolutions]
        ahead = [i for i in later if i > self.current]
        if ahead or later:
            self.current = (ahead or later)[0]
        self._say(self.tr("All conflicts are resolved: press Enter or Ctrl+S to save.") if self.done else "")
        self._show()
        return True

    def choose_side(self, number: int) -> bool:
        """Digit key ``number`` (0-based): that curator's side of the current conflict."""
        c = self.conflict
        if c is None:
            return False
        if not 0 <= number < len(c.names):
            self._say(self.tr("This conflict has %n side(s).", "", len(c.names)))
            return False
        return self.choose(c.names[number])

    def start_edit(self) -> None:
        c = self.conflict
        if c is None or self.editing:
            return
        if EDIT not in c.choices:
            self._say(self.tr("Decisions cannot be typed; choose a curator's side with 1-%1.").replace(
                "%1", str(len(c.names))))
            return
        res = self.resolutions.get(c.key)
        text = c.display(c.names[0]) if res is None else (res.value if isinstance(res.value, str)
                                                           else "、".join(res.value))
        self.editor.setPlainText(text)
        self.editor.show()
        self.editor.setFocus()
        self._say(self.tr("Editing: Ctrl+Enter keeps this text, Esc cancels."))

    def commit_edit(self) -> None:
        if not self.editing:
            return
        text = self.editor.toPlainText()
        self.editor.hide()
        self.setFocus()
        self.choose(EDIT, text)

    def cancel_edit(self) -> None:
        if self.editing:
            self.editor.hide()
            self.setFocus()
            self._say(self.tr("Edit cancelled."))

    def save(self) -> VersionInfo | None:
        """Apply the gather and save it as one version (every conflict resolved)."""
        if self.editing or self.version is not None:
            return None
        if not self.done:
            self._say(self.tr("%n conflict(s) still to resolve.", "", len(self.plan.conflicts) - len(self.resolutions)))
            return None
        try:
            self.version = commit_gather(self.curation, self.plan, list(self.resolutions.values()))
        except (MergeError, SaveError, ProjectError) as exc:
            self._say(self.tr("The gather was not saved: %1").replace("%1", str(exc)))
            return None
        self._say(self.tr("Saved as %1.").replace("%1", self.version.name) if self.version
                  else self.tr("Nothing to gather."))
        self.saved.emit(self.version)
        return self.version

    # -- keys ----------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        chord = mods & ~(Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.ShiftModifier)
        if chord == Qt.KeyboardModifier.ControlModifier and key == Qt.Key.Key_S:
            self.save()
        elif chord != Qt.KeyboardModifier.NoModifier:
            super().keyPressEvent(event)
            return
        elif key in _DIGITS:
            self.choose_side(_DIGITS[key])
        elif key == Qt.Key.Key_A:
            self.choose(ALL)
        elif key == Qt.Key.Key_E:
            self.start_edit()
        elif key in (Qt.Key.Key_J, Qt.Key.Key_Down):
            self.move(1)
        elif key in (Qt.Key.Key_K, Qt.Key.Key_Up):
            self.move(-1)
        elif key in _ENTER and self.done:
            self.save()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # -- painting ------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        self.message.setText(text)

    def _show(self) -> None:
        c = self.conflict
        n, done = len(self.plan.conflicts), len(self.resolutions)
        self.progress.setText(self.tr("%1 / %2 resolved").replace("%1", str(done)).replace("%2", str(n)))
        self.progressChanged.emit(done, n)
        if c is None:
            self.where.setText(self.tr("No conflicts: every change merges automatically."))
            self.base_view.setPlainText("")
            for pane in self.panes:
                pane.setVisible(False)
            return
        self.queue.selectRow(self.current)
        self.queue.scrollTo(self.model.index(self.current, 0))
        res = self.resolutions.get(c.key)
        chosen = f" · {self.tr('resolved')}: {choice_text(res.choice)}" if res else ""
        self.where.setText(f"{self.current + 1} / {n} · {c.locator} · {c.field}{chosen}")
        base = c.display("base")
        self.base_view.setPlainText(reveal(base))
        for i, pane in enumerate(self.panes):
            pane.setVisible(i < len(c.names))
            if i < len(c.names):
                name = c.names[i]
                pane.caption.setText(f"{i + 1} · {side_name(name)}")
                text = c.display(name)
                pane.view.setPlainText(reveal(text))
                self._paint(pane.view, text, diff_spans(base, text)[1] if c.field != "status" else [])

    def _paint(self, view: QPlainTextEdit, text: str, spans: list[tuple[int, int]]) -> None:
        fmt = QTextCharFormat()
        colour = themes.color("included")
        colour.setAlpha(110)
        fmt.setBackground(colour)
        omap = OffsetMap(text)
        selections = []
        for start, end in spans:
            sel = QTextEdit.ExtraSelection()
            cursor = QTextCursor(view.document())
            cursor.setPosition(omap.to_qt(start))
            cursor.setPosition(omap.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
            sel.cursor, sel.format = cursor, fmt
            selections.append(sel)
        view.setExtraSelections(selections)

    def retranslate(self) -> None:
        self.summary.setText(summary_text(self.plan))
        self.keys_hint.setText(self.tr("1-9: a curator's side"))
        texts = {ALL: self.tr("&All together (A)"), EDIT: self.tr("&Edit (E)"), "save": self.tr("&Save gather (Ctrl+S)")}
        for key, text in texts.items():
            self.buttons[key].setText(text.replace("&", ""))
        self.base_view.setToolTip(self.tr("The value in the base every curator started from"))
        self._show()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.StyleChange and self.conflict is not None:
            self._show()


class GatherDialog(QDialog):
    """The review view in a dialog: accepted once the version is saved; Esc cancels the
    whole gather (nothing is written)."""

    def __init__(self, curation, plan: GatherPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gatherDialog")
        self.setWindowTitle(self.tr("Gather %n curator(s)", "", len(plan.contributors)))
        self.view = GatherView(curation, plan, self)
        lay = QVBoxLayout(self)
        lay.addWidget(self.view)
        self.view.saved.connect(lambda _info: self.accept())
        self.resize(1200, 720)
        self.view.setFocus()


def show_gather_dialog(parent: QWidget | None, curation, plan) -> bool:
    """Review every conflict of a prepared gather (team_commands reads the versions in a
    worker) in one queue and save the one version. True when a version was saved."""
    title = QCoreApplication.translate("GatherView", "Gather team")
    if plan.nothing_to_merge:
        tell(parent, title, summary_text(plan))
        return False
    dialog = GatherDialog(curation, plan, parent)
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted and dialog.view.version is not None
    finally:
        dialog.deleteLater()
