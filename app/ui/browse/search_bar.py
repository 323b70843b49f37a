"""One search box over every turn (instruction / input / output of a single-turn row):
field scope, role, mode, case, live count.

Typing is debounced (200 ms) before a SearchSpec is emitted; the search itself runs in
the query worker, which drops stale runs. A regex the engine rejects is flagged here
and not sent.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QMenu, QToolButton, QWidget

from app.core.load.schema import TEXT_FIELDS
from app.core.query.filters import SEARCH_MODES, SEARCH_ROLES, SearchSpec, check_regex

DEBOUNCE_MS = 200


class SearchBar(QWidget):
    searchChanged = Signal(object)  # SearchSpec

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("searchBar")
        self._emitted = SearchSpec()
        self.edit = QLineEdit(self)
        self.edit.setObjectName("searchEdit")
        self.edit.setClearButtonEnabled(True)
        self.fields_button = QToolButton(self)
        self.fields_button.setObjectName("searchFields")
        self.fields_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.fields_button)
        self.field_actions: dict[str, QAction] = {}
        for field in TEXT_FIELDS:
            act = menu.addAction(field)
            act.setCheckable(True)
            act.setChecked(True)
            act.toggled.connect(self._on_fields_toggled)
            self.field_actions[field] = act
        self.fields_button.setMenu(menu)
        self.role = QComboBox(self)
        self.role.setObjectName("searchRole")
        for r in SEARCH_ROLES:
            self.role.addItem(r, r)
        self.mode = QComboBox(self)
        self.mode.setObjectName("searchMode")
        self.mode.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # "Literal" after "字面"
        for m in SEARCH_MODES:
            self.mode.addItem(m, m)
        self.case = QToolButton(self)
        self.case.setObjectName("searchCase")
        self.case.setText("Aa")
        self.case.setCheckable(True)
        self.count = QLabel(self)
        self.count.setObjectName("searchCount")
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.count.setMinimumWidth(self.fontMetrics().horizontalAdvance("0,000,000 matches"))
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.addWidget(self.edit, 1)
        lay.addWidget(self.fields_button)
        lay.addWidget(self.role)
        lay.addWidget(self.mode)
        lay.addWidget(self.case)
        lay.addWidget(self.count)
        self.count.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.commit)
        self.edit.textChanged.connect(lambda _t: self._timer.start())
        self.edit.returnPressed.connect(self.commit)
        self.mode.currentIndexChanged.connect(lambda _i: self.commit())
        self.role.currentIndexChanged.connect(lambda _i: self.commit())
        self.case.toggled.connect(lambda _on: self.commit())
        self.retranslate()

    # -- spec in and out -----------------------------------------------------------------
    def spec(self) -> SearchSpec:
        fields = tuple(f for f, a in self.field_actions.items() if a.isChecked()) or TEXT_FIELDS
        return SearchSpec(text=self.edit.text(), fields=fields, mode=self.mode.currentData(),
                          case_sensitive=self.case.isChecked(), role=self.role.currentData())

    def set_spec(self, spec: SearchSpec) -> None:
        """Show ``spec`` (e.g. after paste view) without emitting it back."""
        widgets = [self.edit, self.mode, self.role, self.case, *self.field_actions.values()]
        for w in widgets:
            w.blockSignals(True)
        try:
            if self.edit.text() != spec.text:
                self.edit.setText(spec.text)
            self.mode.setCurrentIndex(max(0, self.mode.findData(spec.mode)))
            self.role.setCurrentIndex(max(0, self.role.findData(spec.role)))
            self.case.setChecked(spec.case_sensitive)
            for f, act in self.field_actions.items():
                act.setChecked(f in spec.fields)
        finally:
            for w in widgets:
                w.blockSignals(False)
        self._timer.stop()
        self._emitted = spec
        self._set_error("")
        self._update_fields_label()

    def commit(self) -> None:
        """Emit the current spec now (the debounce timer calls this)."""
        self._timer.stop()
        spec = self.spec()
        if spec.mode == "regex" and spec.text:
            try:
                check_regex(spec.text)
            except ValueError as exc:
                self._set_error(str(exc))
                return
        self._set_error("")
        if spec != self._emitted:
            self._emitted = spec
            self.searchChanged.emit(spec)

    @property
    def pending(self) -> bool:
        """True while typed text waits out the debounce."""
        return self._timer.isActive()

    def focus(self) -> None:
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def set_match_count(self, count: int | None) -> None:
        """The live count of matching rows (None hides it: no search active)."""
        self.count.setText("" if count is None else self.tr("%n match(es)", "", count).replace(
            str(count), f"{count:,}", 1))
        self.count.setVisible(count is not None or self.edit.property("invalid") is True)

    def set_searching(self, building: bool = False) -> None:
        """The query in the box is running (its count is not known yet); ``building``: a
        word search waits for the word index. Never an older query's count."""
        self.count.setText(self.tr("building word index…") if building else self.tr("searching…"))
        self.count.setVisible(True)

    # -- internals --------------------------------------------------------------------------
    def _on_fields_toggled(self, _on: bool) -> None:
        if not any(a.isChecked() for a in self.field_actions.values()):
            sender = self.sender()
            if isinstance(sender, QAction):  # keep at least one field in scope
                sender.blockSignals(True)
                sender.setChecked(True)
                sender.blockSignals(False)
        self._update_fields_label()
        self.commit()

    def _update_fields_label(self) -> None:
        on = [f for f, a in self.field_actions.items() if a.isChecked()]
        self.fields_button.setText(self.tr("All fields") if len(on) == len(TEXT_FIELDS)
                                   else ", ".join(self._field_title(f) for f in on))

    def _field_title(self, field: str) -> str:
        return {"instruction": self.tr("Instruction"), "input": self.tr("Input"), "output": self.tr("Output")}[field]

    def _set_error(self, message: str) -> None:
        self.edit.setToolTip(message)
        if bool(self.edit.property("invalid")) != bool(message):  # re-polishing is costly: only on change
            self.edit.setProperty("invalid", bool(message))
            self.edit.style().unpolish(self.edit)
            self.edit.style().polish(self.edit)
        if message:
            self.count.setText(self.tr("invalid regex"))
            self.count.setVisible(True)

    def retranslate(self) -> None:
        self.edit.setPlaceholderText(self.tr("Search every turn…  (Ctrl+F)"))
        self.fields_button.setToolTip(self.tr("Fields to search"))
        for f, act in self.field_actions.items():
            act.setText(self._field_title(f))
        titles = {"literal": self.tr("Literal"), "regex": self.tr("Regex"), "word": self.tr("Word")}
        for i in range(self.mode.count()):
            self.mode.setItemText(i, titles[self.mode.itemData(i)])
        self.mode.setToolTip(self.tr("Literal substring (default), regular expression, or whole word"))
        roles = {"any": self.tr("Any role"), "user": self.tr("User"), "assistant": self.tr("Assistant"),
                 "system": self.tr("System")}
        for i in range(self.role.count()):
            self.role.setItemText(i, roles[self.role.itemData(i)])
        self.role.setToolTip(self.tr("Whose turns to search: instruction and input are the user's, output the "
                                     "assistant's; a conversation's every turn of that role"))
        self.case.setToolTip(self.tr("Match case"))
        self._update_fields_label()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
