"""The widgets of review mode's item view that change per item: each stamps a shared
PaintClock at the end of its paint event, which is how the key-to-painted latency is
measured (probes/latency.py)."""
from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QProgressBar, QWidget


class PaintClock:
    """End time (perf_counter_ns) of the latest paint of any review widget."""

    def __init__(self) -> None:
        self.last_end_ns = 0

    def stamp(self) -> None:
        self.last_end_ns = time.perf_counter_ns()


class ItemText(QPlainTextEdit):
    def __init__(self, clock: PaintClock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        self._clock.stamp()


class ItemLabel(QLabel):
    """A QLabel that can never read its text as HTML, stamping the clock when painted."""

    def __init__(self, clock: PaintClock, parent: QWidget | None = None, name: str = "") -> None:
        super().__init__(parent)
        self._clock = clock
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setObjectName(name)

    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        self._clock.stamp()


class ItemBar(QProgressBar):
    def __init__(self, clock: PaintClock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock

    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        self._clock.stamp()
