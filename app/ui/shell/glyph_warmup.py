"""Rasterise the common Chinese glyphs before the rows need them, a few at a time.

The first time Qt draws a character in a font it rasterises the glyph (~20 us each, on
the GUI thread) and caches it. A screen of Chinese rows holds hundreds of characters
never drawn before, so the first paint after a load or a new filter result cost 10 to
20 ms more than a repaint. While a release loads the GUI thread has nothing to do: this
draws the common characters (ASCII, CJK punctuation, full-width forms and GB2312's 6,763
hanzi) into an off-screen pixmap in the application font, in slices of ~1 ms spread
over event-loop turns, so the glyph cache is warm when the rows come.
"""
from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPixmap
from PySide6.QtWidgets import QApplication

SLICE = 48  # characters drawn per step (~1 ms)
INTERVAL_MS = 8  # between steps: the warm-up takes a small share of the GUI thread, never a stall


@lru_cache(maxsize=1)
def common_characters() -> str:
    """Printable ASCII, CJK punctuation, full-width forms, then the GB2312 hanzi (level 1,
    the most frequent 3,755, first)."""
    hanzi = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                hanzi.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(map(chr, range(0x21, 0x7F))) + "".join(map(chr, range(0x3001, 0x3040))) \
        + "".join(map(chr, range(0xFF01, 0xFF5F))) + "".join(hanzi)


class GlyphWarmup(QObject):
    """Draws ``text`` slice by slice in the fonts asked for (the application font by
    default); ``done`` once every slice was drawn. Restarting for the same fonts is free."""

    def __init__(self, parent: QObject | None = None, text: str | None = None) -> None:
        super().__init__(parent)
        self.text = common_characters() if text is None else text
        self._fonts: list[QFont] = []
        self._warm: set[str] = set()  # QFont.key() of the fonts already drawn in full
        self._pos = 0
        self._canvas: QPixmap | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.step)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    @property
    def done(self) -> bool:
        return not self._fonts and not self.running

    def start(self, fonts: list[QFont] | None = None) -> None:
        """Warm ``fonts`` (default: the application font) unless already warm."""
        for font in fonts if fonts is not None else [QApplication.font()]:
            if font.key() not in self._warm and all(f.key() != font.key() for f in self._fonts):
                self._fonts.append(QFont(font))
        if self._fonts and not self.running:
            self._timer.start()

    def step(self) -> bool:
        """Draw the next slice; False once everything is drawn."""
        if not self._fonts:
            self._timer.stop()
            self._canvas = None
            return False
        font = self._fonts[0]
        if self._canvas is None:
            # An opaque pixmap has the window surfaces' format, so it fills the same cache;
            # wide enough for a slice, as glyphs outside the canvas would not be drawn.
            metrics = QFontMetrics(font)
            self._canvas = QPixmap(8 + 3 * SLICE * metrics.height(), 2 * metrics.height())
            self._canvas.fill(Qt.GlobalColor.white)
        painter = QPainter(self._canvas)
        painter.setFont(font)
        painter.drawText(4, self._canvas.height() // 2 + 4, self.text[self._pos:self._pos + SLICE])
        painter.end()
        self._pos += SLICE
        if self._pos >= len(self.text):
            self._warm.add(font.key())
            self._fonts.pop(0)
            self._pos = 0
        return True

    def stop(self) -> None:
        self._timer.stop()
