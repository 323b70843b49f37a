"""Table cells of the text columns with the search's matches marked: the cell is painted
as usual (plain text, never HTML), then each match range gets a translucent mark. Spans
are found only for the cells Qt paints (the visible ones), in the text the cell shows."""
from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.core.query.filters import SearchSpec, search_spans
from app.ui.common import themes


@lru_cache(maxsize=2048)
def _spans(text: str, spec: SearchSpec) -> tuple[tuple[int, int], ...]:
    return tuple(search_spans(text, spec))


class MatchDelegate(QStyledItemDelegate):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._search = SearchSpec()

    def set_search(self, search: SearchSpec) -> None:
        """The search whose matches to mark: the one the shown rows answer."""
        self._search = search

    def spans(self, text: str) -> list[tuple[int, int]]:
        if not self._search.active or not text:
            return []
        return list(_spans(text, self._search))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().paint(painter, option, index)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        spans = self.spans(text) if isinstance(text, str) else []
        if not spans:
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        style = opt.widget.style() if opt.widget is not None else None
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget) if style else opt.rect
        margin = (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, opt.widget) + 1) if style else 1
        fm = opt.fontMetrics
        colour = QColor(themes.color("match"))
        colour.setAlpha(150)
        painter.save()
        painter.setClipRect(rect)
        left = rect.left() + margin
        for start, end in spans:
            x = left + fm.horizontalAdvance(text[:start])
            if x > rect.right():
                break  # past the cell's end: elided away
            width = fm.horizontalAdvance(text[start:end])
            painter.fillRect(QRect(x, rect.top() + 1, width, rect.height() - 2), colour)
        painter.restore()
