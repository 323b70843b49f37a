"""Remap review keys and edit the reject reasons; saved in the preferences (QSettings).

Keys are typed as text, several per action separated by spaces ("J Down Space",
"Ctrl+Shift+Z"), so the whole dialog works without a mouse. A key bound to two actions
or a name Qt does not know keeps OK disabled and says why."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHeaderView,
                               QLabel, QPlainTextEdit, QTableWidget, QTableWidgetItem, QVBoxLayout)

from app.core.store.review_session import DEFAULT_REASON, DEFAULT_REASONS, MAX_REASONS

from .keymap import REVIEW_KEYS, KeyMap, conflicts, normalise, title


class KeymapDialog(QDialog):
    def __init__(self, keymap: KeyMap, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("keymapDialog")
        self.setWindowTitle(self.tr("Review keys and reasons"))
        self.keymap = keymap
        self.resize(640, 720)
        reasons = keymap.reasons
        self.table = QTableWidget(len(REVIEW_KEYS), 2, self)
        self.table.setObjectName("keymapTable")
        self.table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Keys (separated by spaces)")])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.DoubleClicked)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        for row, defn in enumerate(REVIEW_KEYS):
            name = QTableWidgetItem(title(defn, reasons))
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            name.setData(Qt.ItemDataRole.UserRole, defn.id)
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, QTableWidgetItem(" ".join(keymap.keys(defn.id))))
        self.table.setCurrentCell(0, 1)
        self.reasons = QPlainTextEdit("\n".join(reasons), self)
        self.reasons.setObjectName("keymapReasons")
        self.reasons.setTabChangesFocus(True)
        self.reasons.setMaximumHeight(170)
        self.default = QComboBox(self)
        self.default.setObjectName("keymapDefaultReason")
        self.problem = QLabel(self)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setObjectName("keymapProblem")
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Reject reasons (one a line, at most %1; keys 1–%1 pick them):")
                    .replace("%1", str(MAX_REASONS)), self.reasons)
        form.addRow(self.tr("Default reason (X then Enter):"), self.default)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                        | QDialogButtonBox.StandardButton.RestoreDefaults, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self.restore_defaults)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 1)
        lay.addLayout(form)
        lay.addWidget(self.problem)
        lay.addWidget(self.buttons)
        self._fill_default(keymap.default_reason)
        self.table.itemChanged.connect(lambda _item: self.validate())
        self.reasons.textChanged.connect(lambda: (self._fill_default(self.default.currentText()), self.validate()))
        self.validate()

    def _reason_list(self) -> list[str]:
        return list(dict.fromkeys(l.strip() for l in self.reasons.toPlainText().splitlines() if l.strip()))

    def _fill_default(self, wanted: str) -> None:
        items = self._reason_list()[:MAX_REASONS] or list(DEFAULT_REASONS)
        self.default.blockSignals(True)
        self.default.clear()
        self.default.addItems(items)
        pick = wanted if wanted in items else DEFAULT_REASON if DEFAULT_REASON in items else items[-1]
        self.default.setCurrentText(pick)
        self.default.blockSignals(False)

    def mapping(self) -> tuple[dict[str, tuple[str, ...]], list[str]]:
        """(action id -> keys, unknown key names) from the table as typed."""
        out, bad = {}, []
        for row, defn in enumerate(REVIEW_KEYS):
            keys = []
            for token in self.table.item(row, 1).text().split():
                key = normalise(token)
                (keys if key else bad).append(key or token)
            out[defn.id] = tuple(dict.fromkeys(keys))
        return out, bad

    def validate(self) -> bool:
        mapping, bad = self.mapping()
        problems = []
        if bad:
            problems.append(self.tr("Unknown keys: %1").replace("%1", ", ".join(bad)))
        for key, ids in conflicts(mapping).items():
            names = " / ".join(self.table.item(i, 0).text() for i, d in enumerate(REVIEW_KEYS) if d.id in ids)
            problems.append(self.tr("%1 is bound to more than one action: %2").replace("%1", key).replace("%2", names))
        if len(self._reason_list()) > MAX_REASONS:
            problems.append(self.tr("At most %1 reasons (one digit key each).").replace("%1", str(MAX_REASONS)))
        self.problem.setText("\n".join(problems))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problems)
        return not problems

    def restore_defaults(self) -> None:
        for row, defn in enumerate(REVIEW_KEYS):
            self.table.item(row, 1).setText(" ".join(defn.keys))
        self.reasons.setPlainText("\n".join(DEFAULT_REASONS))
        self._fill_default(DEFAULT_REASON)

    def accept(self) -> None:
        if not self.validate():
            return
        mapping, _bad = self.mapping()
        self.keymap.save(mapping)
        self.keymap.set_reasons(self._reason_list(), self.default.currentText())
        super().accept()
