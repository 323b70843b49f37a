"""Leftover HTML markup outside code."""
import polars as pl

from app.core.text.convtext import any_text

from .base import Signal, without_code

TAGS = "p|br|div|span|a|img|strong|em|b|i|u|ul|ol|li|h[1-6]|table|tr|td|th|font|section|blockquote|pre|code|hr|sup|sub|iframe|script|style"
# attributes must look like attributes, so "a<b 且 b>c" is not a tag
ATTRS = r"""(?:\s+[a-z_:][-a-z0-9_:.]*(?:\s*=\s*(?:"[^"\n]*"|'[^'\n]*'|[^\s"'<>]+))?)*"""
PATTERN = rf"(?i)</?(?:{TAGS}){ATTRS}\s*/?>|&(?:nbsp|lt|gt|amp|quot|apos|#\d{{2,6}}|#x[0-9a-f]{{2,5}});"
INLINE_CODE = r"`[^`\n]*`"


def _expr(frame: pl.DataFrame) -> pl.Expr:
    return any_text(frame, lambda e: without_code(e).str.replace_all(INLINE_CODE, " ").str.contains(PATTERN))


SIGNAL = Signal(
    name="html",
    title_zh="残留 HTML",
    title_en="Leftover HTML",
    description="A text field holds HTML tags (<p>, <br/>, <div ...>) or entities (&nbsp;, &#39;) outside ``` code blocks and `inline code`.",
    expr=_expr,
)
