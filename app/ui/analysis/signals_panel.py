"""The quality signals at a glance: each signal with its description and the number of
rows in the current filter that have it; one click filters to it, "Review" walks them
one by one in review mode (the filtered rows are the review queue)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from app.core.text import signals
from app.ui.common.labels import NEAR_DUP, signal_description, signal_title

ROLE = Qt.ItemDataRole.UserRole


class SignalsPanel(QWidget):
    filterRequested = Signal(str)  # signal name
    reviewRequested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("signalsPanel")
        self.counts: dict[str, int] | None = None
        self._selected: tuple[str, ...] = ()
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("signalsTree")
        self.tree.setColumnCount(2)
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemActivated.connect(lambda item, _c: self.filterRequested.emit(item.data(0, ROLE)))
        self.tree.currentItemChanged.connect(lambda _cur, _prev: self._describe())
        self.note = QLabel(self)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.description = QLabel(self)
        self.description.setTextFormat(Qt.TextFormat.PlainText)
        self.description.setWordWrap(True)
        self.filter_button, self.review_button = QPushButton(self), QPushButton(self)
        self.filter_button.clicked.connect(lambda: self._ask(self.filterRequested))
        self.review_button.clicked.connect(lambda: self._ask(self.reviewRequested))
        buttons = QHBoxLayout()
        buttons.addWidget(self.filter_button)
        buttons.addWidget(self.review_button)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.note)
        lay.addWidget(self.tree, 1)
        lay.addWidget(self.description)
        lay.addLayout(buttons)
        self.retranslate()

    def names(self) -> list[str]:
        return [*signals.REGISTRY, NEAR_DUP]

    def set_counts(self, counts: dict[str, int] | None, selected: tuple[str, ...] = (), near_known: bool = False) -> None:
        """Rows per signal in the current filter (None: not computed yet); near-duplicates
        count only once ``near_known`` (they are found on request)."""
        self.counts, self._selected = counts, selected
        current = self.current()
        self.tree.clear()
        for name in self.names():
            n = None if counts is None or (name == NEAR_DUP and not near_known) else counts.get(name, 0)
            item = QTreeWidgetItem(self.tree, [signal_title(name), "" if n is None else f"{n:,}"])
            item.setData(0, ROLE, name)
            item.setToolTip(0, signal_description(name))
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if name in selected:
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
                item.setText(0, "✓ " + item.text(0))
            if name == current:
                self.tree.setCurrentItem(item)
        self.retranslate()

    def current(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, ROLE) if item is not None else None

    def item(self, name: str) -> QTreeWidgetItem | None:
        return next((self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())
                     if self.tree.topLevelItem(i).data(0, ROLE) == name), None)

    def _ask(self, signal) -> None:
        name = self.current()
        if name is not None:
            signal.emit(name)

    def _describe(self) -> None:
        name = self.current()
        self.description.setText(signal_description(name) if name else "")
        self.filter_button.setEnabled(name is not None)
        self.review_button.setEnabled(name is not None)

    def retranslate(self) -> None:
        self.tree.setHeaderLabels([self.tr("Signal"), self.tr("Rows")])
        self.note.setText(self.tr("Checking the rows…") if self.counts is None else
                          self.tr("Rows of the current filter that have each signal. Enter or Filter shows them; "
                                  "Review walks them one by one."))
        self.filter_button.setText(self.tr("Filter"))
        self.review_button.setText(self.tr("Review…"))
        self._describe()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            for name in self.names():
                item = self.item(name)
                if item is not None:
                    item.setText(0, ("✓ " if name in self._selected else "") + signal_title(name))
            self.retranslate()
