"""Mainland mobile numbers in the number segments that have been allocated."""
import polars as pl

from app.core.text.convtext import any_text

from .base import Signal

# The allocated segments (MIIT): 13x; 145-149; 150-153, 155-159; 162, 165-167; 170, 171,
# 173-178; 18x; 190-193, 195-199. 140-144 (IoT, 13 digits), 154, 160, 194 and so on are not
# mobile numbers. One run of 11 digits (or split 3-4-4 by a dash or space), optionally
# after +86, never part of a longer digit run; the boundary characters are matched, not
# looked around (Rust regex has no lookaround).
SEGMENT = r"1(?:3[0-9]|4[5-9]|5[0-35-9]|6[25-7]|7[013-8]|8[0-9]|9[0-35-9])"
PATTERN = rf"(?:^|[^0-9])(?:\+?86[- ]?)?{SEGMENT}(?:[0-9]{{8}}|[- ][0-9]{{4}}[- ][0-9]{{4}})(?:[^0-9]|$)"


def _expr(frame: pl.DataFrame) -> pl.Expr:
    return any_text(frame, lambda e: e.str.contains(PATTERN))


SIGNAL = Signal(
    name="pii_mobile",
    title_zh="手机号",
    title_en="Mobile number",
    description="A text field holds a mainland mobile number in an allocated number segment (130-139, 145-149, "
                "150-159 but 154, 162, 165-167, 170-178 but 172, 180-189, 190-199 but 194; 11 digits, optionally "
                "+86 or 3-4-4 grouping) that is not part of a longer number.",
    expr=_expr,
)
