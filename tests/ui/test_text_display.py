"""Invisible troublemakers become markers, and offsets still land on the right text."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.ui.common.text_display import OffsetMap, first_line, has_trouble, preview, reveal


def utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def test_reveal_marks_nul_zero_width_and_bidi_overrides():
    text = "a\x00b\u200bc\u202ed\u2066e\ufefff\tg\nh"
    shown = reveal(text)
    assert shown == "a⟨U+0000⟩b⟨U+200B⟩c⟨U+202E⟩d⟨U+2066⟩e⟨U+FEFF⟩f\tg\nh"
    assert has_trouble(text) and not has_trouble("普通的中文 text\twith tab\n")
    assert reveal("豆浆 😀") == "豆浆 😀"


def test_first_line_and_preview_are_single_lines():
    assert first_line("\n\n  第一行  \n第二行") == "第一行"
    assert first_line("x" * 500, limit=10) == "x" * 10
    assert preview("一\n二\r\n三") == "一 ⏎ 二 ⏎ 三"
    assert preview("a\u202eb") == "a⟨U+202E⟩b"


_alphabet = st.sampled_from(list("ab豆浆 \n\t") + ["\x00", "\u200b", "\u202e", "😀", "𠀀", "\u2028"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_alphabet, max_size=30).map("".join), st.data())
def test_offsets_map_original_spans_onto_the_shown_text(text, data):
    """For any span of the original, the UTF-16 slice of the shown text at the mapped
    offsets is exactly the revealed span: highlights cover the right characters."""
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    omap = OffsetMap(text)
    shown16 = utf16(reveal(text))
    a, b = omap.to_qt(start), omap.to_qt(end)
    assert shown16[2 * a:2 * b] == utf16(reveal(text[start:end]))
