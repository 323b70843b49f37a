"""Outputs that stop mid-sentence: no terminal punctuation where prose needs one."""
import polars as pl

from .base import Signal, text

MIN_CHARS = 20  # short answers (不是, 北京, B) are not sentences
TAIL = 400  # characters looked at: enough for the last line and any trailing white space
# Sentence-final particles end informal sentences without punctuation (好吃哦, 走吧).
PARTICLES = "了吧啦哦呢呀嘛吗啊呗哈嘿呦哟噢喔咯"
# A continuation mark at the very end means something was cut off, prose or not.
CONTINUATION = r"[，,、：:；;—–\-(（“‘《〈【\[{<]"
# The last line is a list item (also one bulleted with an emoji or symbol, as 小红书 posts
# are), a table row, a heading, topic tags or a "key：value" field: such lines
# legitimately end without punctuation.
STRUCTURED_LINE = (
    r"^\s*(?:[-*+•·]\s|[\p{So}\p{Sk}\p{Sm}\p{Co}【]|\d{1,3}[.、)）]|[（(]\d{1,3}[)）]"
    r"|[一二三四五六七八九十]{1,3}[、.]|\||#|[^\n]{0,30}[：:])"
)


def _expr(frame: pl.DataFrame) -> pl.Expr:
    full = text("output")
    # Only the end matters: working on the last TAIL characters keeps this cheap on long answers.
    tail = full.str.slice(-TAIL)
    out = tail.str.strip_chars_end()
    length = full.str.len_chars() - (tail.str.len_chars() - out.str.len_chars())  # without trailing white space
    last = out.str.slice(-1)
    last_line = out.str.split("\n").list.last().fill_null("")  # measured faster than a $-anchored regex
    ends_in_han = last.str.contains(r"^\p{Han}$") & ~last.str.contains(f"^[{PARTICLES}]$")
    prose = full.str.contains(r"\p{Han}") & (length >= MIN_CHARS)
    unclosed_code = full.str.count_matches("```", literal=True) % 2 == 1
    cut_mark = last.str.contains(f"^{CONTINUATION}$") & prose
    cut_word = ends_in_han & prose & ~last_line.str.contains(STRUCTURED_LINE)
    return unclosed_code | cut_mark | cut_word


SIGNAL = Signal(
    name="truncated",
    title_zh="回答中途截断",
    title_en="Output ends mid-sentence",
    description=(
        "A Chinese output of 20+ characters ends on a character or a comma/colon/opening bracket instead of "
        "terminal punctuation (。！？…” and the like), or leaves a ``` code block open. Endings in code, "
        "numbers, emoji, sentence-final particles (吧, 哦) and last lines that are list items, table rows, "
        "headings or key：value fields are not flagged."
    ),
    expr=_expr,
)
