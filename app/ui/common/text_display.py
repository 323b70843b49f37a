"""How data text is shown safely: invisible troublemakers become visible markers.

A NUL, a zero-width space or a right-to-left override in a row is easy to miss and can
scramble what a curator sees (an RLO reverses the rest of the line). We replace each
with a marker such as ``⟨U+202E⟩`` and keep a map from original offsets to display
offsets so search highlights still land on the right characters.
"""
from __future__ import annotations

import html
import re
from bisect import bisect_right

from PySide6.QtCore import QCoreApplication

# C0 controls except TAB and LF, DEL, C1 controls, soft hyphen, Arabic letter mark,
# zero-width and joiner characters, bidi marks/embeddings/overrides/isolates, the
# Unicode line and paragraph separators, the BOM and the object/replacement specials.
_TROUBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


def marker(ch: str) -> str:
    return f"⟨U+{ord(ch):04X}⟩"


def has_trouble(text: str) -> bool:
    return _TROUBLE.search(text) is not None


def reveal(text: str) -> str:
    """``text`` with every troublemaker replaced by its visible marker."""
    return _TROUBLE.sub(lambda m: marker(m.group()), text)


class OffsetMap:
    """Maps code-point offsets in the original text to UTF-16 offsets in the shown text.

    Qt's text cursors count UTF-16 units, so emoji (outside the BMP) count twice and
    every marker lengthens the text; both shifts are folded into one lookup.
    """

    def __init__(self, text: str) -> None:
        self._shifts: list[tuple[int, int]] = []  # (original offset, extra units added before it)
        extra = 0
        for m in _TROUBLE.finditer(text):
            extra += len(marker(m.group())) - 1
            self._shifts.append((m.end(), extra))
        self._astral = [i for i, ch in enumerate(reveal(text)) if ord(ch) > 0xFFFF] if _has_astral(text) else []
        self._positions = [p for p, _ in self._shifts]

    def to_display(self, offset: int) -> int:
        """Code-point offset in the shown text for an offset in the original text."""
        k = bisect_right(self._positions, offset)
        return offset + (self._shifts[k - 1][1] if k else 0)

    def to_qt(self, offset: int) -> int:
        """UTF-16 offset in the shown text (what QTextCursor wants)."""
        shown = self.to_display(offset)
        return shown + bisect_right(self._astral, shown - 1) if self._astral else shown


def _has_astral(text: str) -> bool:
    return any(ord(ch) > 0xFFFF for ch in text) if not text.isascii() else False


def first_line(text: str, limit: int = 200) -> str:
    """The first non-empty line, cut to ``limit`` characters, troublemakers revealed."""
    for line in text.split("\n", 8):
        stripped = line.strip()
        if stripped:
            cut = stripped[:limit]
            return reveal(cut) if has_trouble(cut) else cut
    return ""


def preview(text: str, limit: int = 200) -> str:
    """A one-line preview: newlines become ' ⏎ ', cut to ``limit`` characters."""
    cut = text[: limit + 20].replace("\r\n", "\n").replace("\n", " ⏎ ").strip()[:limit]
    return reveal(cut) if has_trouble(cut) else cut


TOOLTIP_CHARS = 2_000  # a tool tip is a glance, not a reader


def plain_tooltip(text: str) -> str:
    """A tool tip that shows ``text`` literally. Qt renders a tool tip as rich text when it
    merely looks like HTML (``<b>``), so data goes in escaped, inside an explicit rich-text
    wrapper, with troublemakers revealed and long text cut."""
    if not text:
        return ""
    shown = reveal(text[:TOOLTIP_CHARS]) + ("…" if len(text) > TOOLTIP_CHARS else "")
    return "<qt><p style='white-space:pre-wrap'>" + html.escape(shown, quote=False) + "</p></qt>"


# A text view lays out a paragraph as a whole: a 5 MB single-line field takes seconds on
# the GUI thread. Views show this much of a field; editing (Ctrl+E / E) loads all of it.
DISPLAY_CHARS = 100_000


def shown_part(text: str) -> str:
    """The part of ``text`` a read-only view lays out (search highlights live in it)."""
    return text[:DISPLAY_CHARS]


def display_text(text: str | None) -> str:
    """``text`` as a read-only view shows it: troublemakers revealed, a huge field cut with
    a note saying how much is left out."""
    text = text or ""
    shown = reveal(shown_part(text))
    hidden = len(text) - DISPLAY_CHARS
    if hidden > 0:
        note = QCoreApplication.translate("TextDisplay", "%1 more characters not shown; edit the row to see all of it")
        shown += "\n\n⟨" + note.replace("%1", f"{hidden:,}") + "⟩"
    return shown
