"""Review a merge's conflicts by keyboard: mine and theirs side by side, the characters
that differ highlighted (plain text + QTextCharFormat selections, never HTML).

Keys: M mine, T theirs, B both, E edit (Ctrl+Enter commits, Esc cancels), J/K or
Down/Up move, Ctrl+S (or Enter once every conflict is resolved) saves the merge version.
The decisions are the core's (app.core.team.merge); this view only collects the choices.
"""
from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel, QMessageBox,
                               QPlainTextEdit, QSplitter, QTableView, QTextEdit, QToolButton, QVBoxLayout, QWidget)

from app.core.io.atomic import SaveError
from app.core.store.project import ProjectError
from app.core.store.versions import VersionInfo, char_diff
from app.core.team.merge import Conflict, MergeError, MergePlan, Resolution, commit_merge, plan_merge, resolve
from app.ui.common import themes
from app.ui.common.text_display import OffsetMap, reveal

from .conflicts_model import ConflictsModel
from .curate_dialogs import plain_box

_KEYS = {Qt.Key.Key_M: "mine", Qt.Key.Key_T: "theirs", Qt.Key.Key_B: "both"}
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def _plain_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)  # data is never interpreted as HTML
    label.setWordWrap(True)
    return label


def _fill(text: str, *args: str) -> str:
    """Put ``args`` in for %1, %2, ... in one pass, so a name holding "%2" stays as it is."""
    return re.sub(r"%(\d)", lambda m: args[int(m[1]) - 1] if 0 < int(m[1]) <= len(args) else m[0], text)


class MergeSummary(QObject):
    """The plan's one-line summary (MergePlan.summary() in the user's language); a QObject
    because lupdate marks plural forms only in ``self.tr`` calls. Author and version names
    come from the other curator's manifest: whoever shows this shows it as plain text."""

    def text(self, plan: MergePlan) -> str:
        theirs = plan.theirs
        who = (_fill(self.tr("%1's %2"), theirs.author, theirs.name) if theirs.author
               else _fill(self.tr("their %1"), theirs.name))
        if plan.up_to_date:
            return _fill(self.tr("Nothing to merge: %1 is already part of this project's history"), who)
        if plan.nothing_to_merge:
            return _fill(self.tr("Nothing to merge: %1 has no changes this project lacks"), who)
        base = (_fill(self.tr("%1 by %2"), plan.base.name, plan.base.author or "?") if plan.base
                else self.tr("the base release"))
        return _fill(self.tr("Merging %1 against %2: %3, %4"), who, base,
                     self.tr("%n row(s) merge automatically", "", len(plan.auto)),
                     self.tr("%n conflict(s)", "", len(plan.conflicts)))


def summary_text(plan: MergePlan) -> str:
    return MergeSummary().text(plan)


def _text_view(parent: QWidget, name: str) -> QPlainTextEdit:
    view = QPlainTextEdit(parent)
    view.setObjectName(name)
    view.setReadOnly(True)
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the review view
    return view


def diff_spans(mine: str, theirs: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Code-point spans that differ: (in mine, in theirs), from a character-level diff."""
    a, b = [], []
    i = j = 0
    for op, text in char_diff(mine, theirs):
        if op == "equal":
            i, j = i + len(text), j + len(text)
        elif op == "delete":
            a.append((i, i + len(text)))
            i += len(text)
        else:
            b.append((j, j + len(text)))
            j += len(text)
    return a, b


class _EditKeys(QObject):
    """Ctrl+Enter commits the editor, Esc cancels it (before the dialog sees Esc)."""

    def __init__(self, view: "MergeView") -> None:
        super().__init__(view)
        self._view = view

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            if event.key() in _ENTER and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self._view.commit_edit()
                return True
            if event.key() == Qt.Key.Key_Escape:
                self._view.cancel_edit()
                return True
        return False


class MergeView(QWidget):
    saved = Signal(object)  # the VersionInfo of the merge version
    progressChanged = Signal(int, int)  # resolved, total

    def __init__(self, curation, plan: MergePlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mergeView")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.curation, self.plan = curation, plan
        self.resolutions: dict[tuple[int, str], Resolution] = {}
        self.current = 0 if plan.conflicts else -1
        self.version: VersionInfo | None = None
        self.model = ConflictsModel(plan.conflicts, self.resolutions, self)
        self.queue = QTableView(self)
        self.queue.setObjectName("mergeQueue")
        self.queue.setModel(self.model)
        self.queue.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.queue.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.queue.verticalHeader().setVisible(False)
        self.queue.clicked.connect(lambda index: self.go_to(index.row()))
        self.summary = _plain_label(self)
        self.where = _plain_label(self)
        self.where.setObjectName("mergeWhere")
        self.base_view = _text_view(self, "mergeBase")
        self.base_view.setMaximumHeight(80)
        self.mine_view, self.theirs_view = _text_view(self, "mergeMine"), _text_view(self, "mergeTheirs")
        self.mine_caption, self.theirs_caption = _plain_label(self), _plain_label(self)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("mergeEditor")
        self.editor.installEventFilter(_EditKeys(self))
        self.editor.hide()
        self.progress = _plain_label(self)
        self.progress.setObjectName("mergeProgress")
        self.message = _plain_label(self)
        self.message.setObjectName("mergeMessage")
        self.buttons: dict[str, QToolButton] = {}
        bar = QHBoxLayout()
        for key, handler in (("mine", lambda: self.choose("mine")), ("theirs", lambda: self.choose("theirs")),
                             ("both", lambda: self.choose("both")), ("edit", self.start_edit), ("save", self.save)):
            button = QToolButton(self)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(handler)
            bar.addWidget(button)
            self.buttons[key] = button
        bar.addStretch(1)
        bar.addWidget(self.progress)
        sides = QSplitter(Qt.Orientation.Horizontal, self)
        for caption, view in ((self.mine_caption, self.mine_view), (self.theirs_caption, self.theirs_view)):
            box = QWidget(sides)
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.addWidget(caption)
            lay.addWidget(view)
            sides.addWidget(box)
        right = QVBoxLayout()
        right.addWidget(self.where)
        right.addWidget(self.base_view)
        right.addWidget(sides, 1)
        right.addWidget(self.editor, 1)
        right.addLayout(bar)
        right.addWidget(self.message)
        body = QSplitter(Qt.Orientation.Horizontal, self)
        body.addWidget(self.queue)
        panel = QWidget(body)
        panel.setLayout(right)
        body.addWidget(panel)
        body.setSizes([260, 740])
        top = QVBoxLayout(self)
        top.addWidget(self.summary)
        top.addWidget(body, 1)
        self.retranslate()
        self._show()

    # -- state ---------------------------------------------------------------------------
    @property
    def conflict(self) -> Conflict | None:
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
        """Resolve the current conflict; moves on to the next unresolved one."""
        c = self.conflict
        if c is None or self.editing:
            return False
        if choice not in c.choices:
            self._say(self.tr("%1 does not apply to this conflict; choose %2.").replace(
                "%1", self._choice_name(choice)).replace("%2", ", ".join(self._choice_name(x) for x in c.choices)))
            return False
        self.resolutions[c.key] = resolve(c, choice, value)
        self.model.resolution_changed(self.current)
        later = [i for i in range(len(self.plan.conflicts)) if self.plan.conflicts[i].key not in self.resolutions]
        ahead = [i for i in later if i > self.current]
        if ahead or later:
            self.current = (ahead or later)[0]
        self._say(self.tr("All conflicts are resolved: press Enter or Ctrl+S to save the merge.") if self.done else "")
        self._show()
        return True

    def start_edit(self) -> None:
        c = self.conflict
        if c is None or self.editing:
            return
        if "edit" not in c.choices:
            self._say(self.tr("Decisions cannot be typed; choose M (mine) or T (theirs)."))
            return
        res = self.resolutions.get(c.key)
        text = c.display("mine") if res is None else (res.value if isinstance(res.value, str) else "、".join(res.value))
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
        self.choose("edit", text)

    def cancel_edit(self) -> None:
        if self.editing:
            self.editor.hide()
            self.setFocus()
            self._say(self.tr("Edit cancelled."))

    def save(self) -> VersionInfo | None:
        """Apply the merge and save it as a new version (all conflicts must be resolved)."""
        if self.editing or self.version is not None:
            return None
        if not self.done:
            left = len(self.plan.conflicts) - len(self.resolutions)
            self._say(self.tr("%n conflict(s) still to resolve.", "", left))
            return None
        try:
            self.version = commit_merge(self.curation, self.plan, list(self.resolutions.values()))
        except (MergeError, SaveError, ProjectError) as exc:
            self._say(self.tr("The merge was not saved: %1").replace("%1", str(exc)))
            return None
        self._say(self.tr("Saved as %1.").replace("%1", self.version.name) if self.version
                  else self.tr("Nothing to merge."))
        self.saved.emit(self.version)
        return self.version

    # -- keys ----------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        chord = mods & ~(Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.ShiftModifier)
        if chord == Qt.KeyboardModifier.ControlModifier and key == Qt.Key.Key_S:
            self.save()
        elif chord != Qt.KeyboardModifier.NoModifier:
            super().keyPressEvent(event)  # other chords belong to someone else (the window's actions)
            return
        elif key in _KEYS:
            self.choose(_KEYS[key])
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

    def _choice_name(self, choice: str) -> str:
        return {"mine": self.tr("M (mine)"), "theirs": self.tr("T (theirs)"), "both": self.tr("B (both)"),
                "edit": self.tr("E (edit)")}[choice]

    def _show(self) -> None:
        c = self.conflict
        n, done = len(self.plan.conflicts), len(self.resolutions)
        self.progress.setText(self.tr("%1 / %2 resolved").replace("%1", str(done)).replace("%2", str(n)))
        self.progressChanged.emit(done, n)
        if c is None:
            self.where.setText(self.tr("No conflicts: every change merges automatically."))
            for view in (self.base_view, self.mine_view, self.theirs_view):
                view.setPlainText("")
            return
        self.queue.selectRow(self.current)
        self.queue.scrollTo(self.model.index(self.current, 0))
        res = self.resolutions.get(c.key)
        chosen = f" · {self.tr('resolved')}: {self._choice_name(res.choice)}" if res else ""
        self.where.setText(f"{self.current + 1} / {n} · {c.locator} · {c.field}{chosen}")
        self.base_view.setPlainText(reveal(c.display("base")))
        mine, theirs = c.display("mine"), c.display("theirs")
        self.mine_view.setPlainText(reveal(mine))
        self.theirs_view.setPlainText(reveal(theirs))
        self._paint(mine, theirs)

    def _paint(self, mine: str, theirs: str) -> None:
        in_mine, in_theirs = diff_spans(mine, theirs)
        for view, text, spans, role in ((self.mine_view, mine, in_mine, "excluded"),
                                        (self.theirs_view, theirs, in_theirs, "included")):
            fmt = QTextCharFormat()
            colour = themes.color(role)
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
        theirs = self.plan.theirs
        self.summary.setText(summary_text(self.plan))
        self.mine_caption.setText(self.tr("Mine (%1)").replace("%1", self.curation.author))
        self.theirs_caption.setText(self.tr("Theirs (%1, %2)").replace("%1", theirs.author or "?").replace(
            "%2", theirs.name))
        texts = {"mine": self.tr("&Mine (M)"), "theirs": self.tr("&Theirs (T)"), "both": self.tr("&Both (B)"),
                 "edit": self.tr("&Edit (E)"), "save": self.tr("&Save merge (Ctrl+S)")}
        for key, text in texts.items():
            self.buttons[key].setText(text.replace("&", ""))
        self.base_view.setToolTip(self.tr("The value in the merge base (what both started from)"))
        self._show()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.StyleChange and self.conflict is not None:
            self._paint(self.conflict.display("mine"), self.conflict.display("theirs"))


class MergeDialog(QDialog):
    """The review view in a dialog: accepted once the merge version is saved; Esc cancels
    the whole merge (nothing is written)."""

    def __init__(self, curation, plan: MergePlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mergeDialog")
        self.setWindowTitle(self.tr("Merge %1's %2").replace("%1", plan.theirs.author or "?").replace(
            "%2", plan.theirs.name))
        self.view = MergeView(curation, plan, self)
        lay = QVBoxLayout(self)
        lay.addWidget(self.view)
        self.view.saved.connect(lambda _info: self.accept())
        self.resize(1100, 700)
        self.view.setFocus()


def tell(parent: QWidget | None, title: str, text: str, warning: bool = False) -> None:
    """A blocking message (one place, so tests can answer it). Plain text: ``text`` names
    the other curator and their version, data from their manifest, never HTML."""
    box = plain_box(parent, title, text, QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information,
                    QMessageBox.StandardButton.Ok)
    box.setObjectName("mergeMessage")
    try:
        box.exec()
    finally:
        box.deleteLater()


def prepare_merge(curation, theirs_path) -> tuple[MergePlan | None, str]:
    """(the plan of merging ``theirs_path`` (a project folder, its project.json or a
    vNNNN.jsonl file) into ``curation``, or None and why not). Runs in a worker: ~0.1 s
    typically, seconds for 40k changed rows."""
    try:
        return plan_merge(curation, theirs_path), ""
    except MergeError as exc:
        return None, str(exc)


def show_merge_dialog(parent: QWidget | None, curation, plan: MergePlan | None, error: str = "") -> bool:
    """File > Merge Version...: review the prepared merge's conflicts and save the merge
    version. True when a version was saved."""
    title = QCoreApplication.translate("MergeView", "Merge version")
    if plan is None:
        tell(parent, title, error, warning=True)
        return False
    if plan.nothing_to_merge:
        tell(parent, title, summary_text(plan))
        return False
    dialog = MergeDialog(curation, plan, parent)
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted and dialog.view.version is not None
    finally:
        dialog.deleteLater()


def choose_theirs(parent: QWidget | None, start: str = "") -> str | None:
    """Ask for another curator's project (its project.json) or one version file."""
    from app.ui.common import dialogs  # the one place blocking questions live, so tests can answer them

    return dialogs.choose_merge_source(
        parent, QCoreApplication.translate("MergeView", "Merge version: choose their project.json or a vNNNN.jsonl"), start)

