"""Garbled text: replacement characters and the usual GBK / UTF-8 / Latin-1 mix-ups."""
import polars as pl

from app.core.text.convtext import any_text

from .base import Signal

PATTERN = "|".join(
    [
        r"\x{FFFD}",  # U+FFFD: bytes that were not valid UTF-8
        "锟斤拷",  # U+FFFD's UTF-8 bytes read as GBK
        "烫烫烫|屯屯屯",  # uninitialised memory printed as GBK
        r"Ã[\x{80}-\x{BF}]|â€|Â[\x{A0}-\x{BF}]",  # UTF-8 read as Latin-1 / cp1252 (Ã©, â€™)
        r"[\x{80}-\x{9F}]",  # C1 control characters: cp1252 bytes decoded as Latin-1
        "[锛銆鈥]",  # fullwidth punctuation's UTF-8 bytes read as GBK (锛, 銆, 鈥): not real Chinese
    ]
)


def _expr(frame: pl.DataFrame) -> pl.Expr:
    return any_text(frame, lambda e: e.str.contains(PATTERN))


SIGNAL = Signal(
    name="mojibake",
    title_zh="乱码",
    title_en="Mojibake",
    description="A text field holds U+FFFD, 锟斤拷/烫烫烫, UTF-8 read as Latin-1 (Ã©, â€™), C1 control characters, or UTF-8 punctuation read as GBK (锛 銆 鈥).",
    expr=_expr,
)
