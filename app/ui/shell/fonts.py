"""Simplified Chinese glyphs everywhere, and font zoom.

Han characters share code points across Chinese and Japanese; when no font is asked
for by name (e.g. under LANG=C), fontconfig often picks a Japanese face, whose glyph
shapes look wrong to a Chinese reader. We name a Simplified Chinese family as the
fallback after the UI font, so Latin text keeps the UI face and Han text gets SC shapes.

Emoji (1,508 xhs rows of COIG-CQIA have them) come last in the list, from a colour emoji
font: the system's, else the one the bundle ships in resources/fonts (registered here at
start), so they never render as boxes.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app.resources import resource_path

CJK_PREFERENCE = (
    "Noto Sans CJK SC",
    "Microsoft YaHei",
    "PingFang SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
)
EMOJI_PREFERENCE = ("Noto Color Emoji", "Apple Color Emoji", "Segoe UI Emoji", "Twemoji")
MIN_POINT_SIZE, MAX_POINT_SIZE = 6, 40


def register_font_files(folder: Path) -> list[str]:
    """Add every font file in ``folder`` to the application's fonts; their families."""
    families: list[str] = []
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in (".ttf", ".otf", ".ttc"):
                font_id = QFontDatabase.addApplicationFont(str(path))
                if font_id >= 0:
                    families += QFontDatabase.applicationFontFamilies(font_id)
    return families


def find_emoji_family(available: list[str] | None = None) -> str | None:
    """The first preferred colour emoji family installed (or registered), or None."""
    families = available if available is not None else QFontDatabase.families()
    lower = {f.lower(): f for f in families}
    for name in EMOJI_PREFERENCE:
        if name.lower() in lower:
            return lower[name.lower()]
    return None


def with_fallbacks(font: QFont, cjk: str | None, emoji: str | None) -> QFont:
    """A copy of ``font`` whose family list ends with the CJK family, then the emoji one."""
    out = QFont(font)
    extra = [f for f in (cjk, emoji) if f]
    if extra:
        first = [f for f in font.families() or [font.family()] if f and f not in extra]
        out.setFamilies(first + extra)
    return out


def find_cjk_family(available: list[str] | None = None) -> str | None:
    """The first preferred Simplified Chinese family installed, or None."""
    families = available if available is not None else QFontDatabase.families()
    lower = {f.lower(): f for f in families}
    for name in CJK_PREFERENCE:
        if name.lower() in lower:
            return lower[name.lower()]
    return None


def with_cjk_fallback(font: QFont, cjk: str | None) -> QFont:
    """A copy of ``font`` whose family list ends with the CJK family."""
    out = QFont(font)
    if cjk:
        first = [f for f in font.families() or [font.family()] if f and f != cjk]
        out.setFamilies(first + [cjk])
    return out


class FontManager:
    """Owns the application font: CJK fallback plus a zoom step relative to the base size."""

    def __init__(self, app: QApplication) -> None:
        self._app = app
        self.cjk_family = find_cjk_family()
        self.emoji_family = find_emoji_family()
        if self.emoji_family is None:  # none on the system: the one the bundle ships
            self.emoji_family = find_emoji_family(register_font_files(resource_path("fonts")))
        base = with_fallbacks(app.font(), self.cjk_family, self.emoji_family)
        self._base_size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
        self._base = base
        self.zoom = 0
        app.setFont(base)

    @property
    def has_cjk(self) -> bool:
        return self.cjk_family is not None

    def point_size(self) -> float:
        return max(MIN_POINT_SIZE, min(MAX_POINT_SIZE, self._base_size + self.zoom))

    def set_zoom(self, steps: int) -> None:
        low, high = MIN_POINT_SIZE - self._base_size, MAX_POINT_SIZE - self._base_size
        self.zoom = int(max(low, min(high, steps)))
        font = QFont(self._base)
        font.setPointSizeF(self.point_size())
        self._app.setFont(font)
        # Under an application style sheet Qt does not pass a new app font on to child
        # widgets; re-setting the sheet re-polishes them with it (~20 ms).
        if self._app.styleSheet():
            self._app.setStyleSheet(self._app.styleSheet())

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom + 1)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom - 1)

    def zoom_reset(self) -> None:
        self.set_zoom(0)
