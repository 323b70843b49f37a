"""Where two texts differ (a preference record's chosen and rejected), as UTF-16 spans
of each for highlights.

difflib's SequenceMatcher on characters is quadratic in the worst case: past
CHAR_DIFF_LIMIT characters together the two texts are compared line by line instead
(whole differing lines highlighted), and the caller says so.
"""
from __future__ import annotations

from difflib import SequenceMatcher

from PySide6.QtGui import QColor

from . import themes

CHAR_DIFF_LIMIT = 2_000
DIFF_COLOURS = {"dark": "#5b3a78", "light": "#e3c9f5"}  # apart from the search's yellows


def diff_colour() -> QColor:
    return QColor(DIFF_COLOURS[themes.current_theme()])


def _utf16(text: str):
    """Code-point offset -> UTF-16 offset (Qt's text cursors count UTF-16 units)."""
    if text.isascii() or all(ord(c) <= 0xFFFF for c in text):
        return lambda i: i
    prefix = [0]
    for ch in text:
        prefix.append(prefix[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return lambda i: prefix[i]


def diff_spans(a: str, b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]], bool]:
    """(spans of ``a`` not in ``b``, spans of ``b`` not in ``a``, compared by line?)."""
    by_line = len(a) + len(b) > CHAR_DIFF_LIMIT
    if by_line:
        la, lb = a.splitlines(keepends=True), b.splitlines(keepends=True)
        starts_a, starts_b = _starts(la), _starts(lb)
        ops = SequenceMatcher(None, la, lb, autojunk=False).get_opcodes()
        conv_a = lambda i: starts_a[i]  # noqa: E731 - line index -> character offset
        conv_b = lambda j: starts_b[j]  # noqa: E731
    else:
        ops = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        conv_a = conv_b = lambda i: i  # noqa: E731
    qa, qb = _utf16(a), _utf16(b)
    out_a, out_b = [], []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            continue
        if i2 > i1:
            out_a.append((qa(conv_a(i1)), qa(conv_a(i2))))
        if j2 > j1:
            out_b.append((qb(conv_b(j1)), qb(conv_b(j2))))
    return out_a, out_b, by_line


def _starts(lines: list[str]) -> list[int]:
    out = [0]
    for line in lines:
        out.append(out[-1] + len(line))
    return out
