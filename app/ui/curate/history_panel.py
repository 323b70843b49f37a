"""The History dock: saved versions (message, author, time, counts); one version's changed
rows; a row's change side by side with character-level highlighting (plain text and
QTextCharFormat, never HTML); revert one change; view the release as of a version; and,
when the release changed under the project, which recorded changes still match."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QListWidget,
                               QPlainTextEdit, QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget)

from app.core.store.versions import char_diff
from app.ui.common.text_display import reveal
from app.ui.common.workers import JobContext, Lane

from .history_models import ChangesModel, VersionsModel, value_text

DELETED, INSERTED = QColor(220, 60, 60, 110), QColor(60, 170, 80, 110)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def paint_diff(old_view: QPlainTextEdit, new_view: QPlainTextEdit, old: str, new: str) -> None:
    """Old and new text side by side; deleted characters marked on the left, inserted on
    the right. Each segment is revealed (invisible characters shown) before measuring."""
    old_parts, new_parts = [], []
    for op, text in char_diff(old, new):
        shown = reveal(text)
        if op in ("equal", "delete"):
            old_parts.append((op, shown))
        if op in ("equal", "insert"):
            new_parts.append((op, shown))
    for view, parts, colour in ((old_view, old_parts, DELETED), (new_view, new_parts, INSERTED)):
        view.setPlainText("".join(t for _op, t in parts))
        fmt = QTextCharFormat()
        fmt.setBackground(colour)
        cursor, pos = QTextCursor(view.document()), 0
        for op, text in parts:
            n = utf16_len(text)
            if op != "equal" and n:
                cursor.setPosition(pos)
                cursor.setPosition(pos + n, QTextCursor.MoveMode.KeepAnchor)
                cursor.mergeCharFormat(fmt)
            pos += n


def _load_diff(ctx: JobContext, curation, number: int, parent: int, check: bool) -> None:
    diffs = curation.diff_versions(parent, number)
    result = curation.check_against_base(number) if check else None
    ctx.emit("diff", (number, diffs, result))


class HistoryPanel(QWidget):
    revertRequested = Signal(object, int)  # rid (UInt64), version to put it back to
    viewVersionRequested = Signal(int)  # version number (0: the release)
    viewCurrentRequested = Signal()
    error = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyPanel")
        self.curation = None
        self.selected: int | None = None
        self.versions = VersionsModel(self)
        self.changes = ChangesModel(self)
        self.version_view = self._table(self.versions, "historyVersions")
        self.change_view = self._table(self.changes, "historyChanges")
        self.change_view.setTextElideMode(Qt.TextElideMode.ElideLeft)  # keep the ":line" of long paths
        self.field = QComboBox(self)
        self.field.setObjectName("historyField")
        self.old_view, self.new_view = self._text("historyOld"), self._text("historyNew")
        self.revert_button = QPushButton(self)
        self.revert_button.setObjectName("historyRevert")
        self.view_button = QPushButton(self)
        self.view_button.setObjectName("historyView")
        self.current_button = QPushButton(self)
        self.current_button.setObjectName("historyCurrent")
        self.note = QLabel(self)
        self.note.setObjectName("historyNote")
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.stale = QListWidget(self)
        self.stale.setObjectName("historyStale")
        self._lane = Lane("history", self)
        self._lane.result.connect(self._on_diff)
        self._lane.failed.connect(lambda message, _d: self.error.emit(message))
        self._build()
        self.version_view.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._select_version(cur.row()))
        self.change_view.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show_change())
        self.field.currentIndexChanged.connect(lambda _i: self._show_text())
        self.revert_button.clicked.connect(self._revert)
        self.view_button.clicked.connect(lambda: self.selected is not None and self.viewVersionRequested.emit(self.selected))
        self.current_button.clicked.connect(self.viewCurrentRequested)
        self.retranslate()
        self.set_viewing(None)

    def _table(self, model, name: str) -> QTableView:
        view = QTableView(self)
        view.setObjectName(name)
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.verticalHeader().hide()
        view.horizontalHeader().setStretchLastSection(True)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.setWordWrap(False)
        return view

    def _text(self, name: str) -> QPlainTextEdit:
        view = QPlainTextEdit(self)
        view.setObjectName(name)
        view.setReadOnly(True)
        return view

    def _build(self) -> None:
        self.old_caption, self.new_caption = QLabel(self), QLabel(self)
        sides = QHBoxLayout()
        for caption, view in ((self.old_caption, self.old_view), (self.new_caption, self.new_view)):
            box = QVBoxLayout()
            box.addWidget(caption)
            box.addWidget(view)
            sides.addLayout(box)
        texts = QWidget(self)
        tl = QVBoxLayout(texts)
        tl.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.field, 1)
        row.addWidget(self.revert_button)
        tl.addLayout(row)
        tl.addLayout(sides, 1)
        top = QWidget(self)
        top_lay = QVBoxLayout(top)
        top_lay.setContentsMargins(0, 0, 0, 0)
        top_lay.addWidget(self.note)
        top_lay.addWidget(self.stale)
        top_lay.addWidget(self.version_view, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.view_button)
        buttons.addWidget(self.current_button)
        top_lay.addLayout(buttons)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.change_view)
        self.splitter.addWidget(texts)
        self.splitter.setSizes([220, 200, 260])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.splitter)

    # -- content ---------------------------------------------------------------------------
    def set_curation(self, curation) -> None:
        """A project was opened (or closed: None)."""
        self.curation = curation
        self._lane.cancel()
        self.selected = None
        self.changes.set_items([])
        self.refresh()

    def refresh(self) -> None:
        """Re-read the version list (after a save); keeps the selected version if it exists."""
        c = self.curation
        before = self.versions.rowCount()
        self.versions.set_versions(c.versions() if c is not None else [])
        self._show_base_check(c.base_check if c is not None else None)
        grew = self.versions.rowCount() > before
        row = self.versions.row_of(self.selected) if self.selected is not None and not grew else None
        if row is None and self.versions.rowCount():
            row = 0  # the newest (a version just saved)
        if row is not None:
            self.version_view.selectRow(row)
        self._update_buttons()

    def _show_base_check(self, check, number: int | None = None) -> None:
        visible = check is not None
        self.stale.setVisible(visible and bool(check.stale))
        if not visible:
            empty = self.curation is not None and self.versions.rowCount() == 0
            self.note.setVisible(empty)
            self.note.setText(self.tr("No versions yet: Save Version (Ctrl+S) records the current state with a "
                                      "message.") if empty else "")
            return
        self.note.setVisible(True)
        what = self.tr("The release changed since this project was made.") if number is None else \
            self.tr("Version %1 against the release now open:").replace("%1", str(number))
        self.note.setText(what + " " + self.tr("%1 recorded changes still match their rows; %2 do not.")
                          .replace("%1", f"{len(check.matching):,}").replace("%2", f"{len(check.stale):,}"))
        self.stale.clear()
        for rid, file, line, why in check.stale[:2000]:
            where = f"{file}:{line}" if file else f"{rid:016x}"
            self.stale.addItem(f"{where} — {why}")

    def _select_version(self, row: int) -> None:
        info = self.versions.item(row)
        if info is None or self.curation is None:
            return
        self.selected = info.number
        self._update_buttons()
        parent = info.parents[0] if info.parents else 0
        c, check = self.curation, self.curation.base_changed
        self._lane.submit(lambda ctx: _load_diff(ctx, c, info.number, parent, check))

    def _on_diff(self, _kind: str, payload) -> None:
        number, diffs, check = payload
        if number != self.selected:
            return
        self.changes.set_items(diffs)
        if check is not None:
            self._show_base_check(check, number)
        if diffs:
            self.change_view.selectRow(0)
        else:
            self._show_change()

    def _show_change(self) -> None:
        d = self.changes.item(self.change_view.currentIndex().row())
        current = self.field.currentData()
        self.field.blockSignals(True)
        self.field.clear()
        if d is not None:
            self.field.addItem(self.tr("Decision"), "__decision__")
            for name in d.fields:
                self.field.addItem(name, name)
            keep = self.field.findData(current)
            self.field.setCurrentIndex(keep if keep >= 0 else (1 if d.fields else 0))
        self.field.blockSignals(False)
        self._show_text()
        self._update_buttons()

    def _show_text(self) -> None:
        from .history_models import state_text

        d = self.changes.item(self.change_view.currentIndex().row())
        name = self.field.currentData()
        if d is None or name is None:
            old = new = ""
        elif name == "__decision__":
            old, new = state_text(d.old), state_text(d.new)
        else:
            old, new = value_text(d.value("old", name)), value_text(d.value("new", name))
        paint_diff(self.old_view, self.new_view, old, new)

    def _revert(self) -> None:
        d = self.changes.item(self.change_view.currentIndex().row())
        info = self.versions.item(self.version_view.currentIndex().row())
        if d is not None and info is not None:
            self.revertRequested.emit(d.rid, info.parents[0] if info.parents else 0)

    def set_viewing(self, number: int | None) -> None:
        """Which version the window shows read-only (None: the current state)."""
        self._viewing = number
        self._update_buttons()

    def _update_buttons(self) -> None:
        writable = self.curation is not None and not self.curation.read_only
        self.revert_button.setEnabled(writable and self.changes.item(self.change_view.currentIndex().row()) is not None
                                      and getattr(self, "_viewing", None) is None)
        self.view_button.setEnabled(self.selected is not None)
        self.current_button.setVisible(getattr(self, "_viewing", None) is not None)

    def wait_idle(self, msecs: int = 10000) -> bool:
        return self._lane.wait(msecs)

    @property
    def busy(self) -> bool:
        """A version's diff is being read, or its result has not been shown yet."""
        return self._lane.busy

    # -- language -----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.old_caption.setText(self.tr("Before"))
        self.new_caption.setText(self.tr("After"))
        self.revert_button.setText(self.tr("Revert this change"))
        self.revert_button.setToolTip(self.tr("Put this row back as it was before the selected version"))
        self.view_button.setText(self.tr("View this version (read-only)"))
        self.current_button.setText(self.tr("Back to the current state"))
        self._show_base_check(self.curation.base_check if self.curation is not None else None)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
