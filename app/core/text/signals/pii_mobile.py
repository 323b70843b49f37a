"""Mainland mobile numbers."""
import polars as pl

from app.core.load.schema import TEXT_FIELDS

from .base import Signal, any_field

# 1[3-9] + 9 digits, as one run (or split 3-4-4 by a dash or space), not part of a longer
# digit run; the boundary characters are matched, not looked around (Rust regex has no lookaround).
PATTERN = r"(?:^|[^0-9])(?:\+?86[- ]?)?1[3-9][0-9](?:[0-9]{8}|[- ][0-9]{4}[- ][0-9]{4})(?:[^0-9]|$)"


def _expr(frame: pl.DataFrame) -> pl.Expr:
    return any_field(TEXT_FIELDS, lambda e: e.str.contains(PATTERN))


SIGNAL = Signal(
    name="pii_mobile",
    title_zh="手机号",
    title_en="Mobile number",
    description="A text field holds a mainland mobile number (1[3-9] + 9 digits, optionally +86 or 3-4-4 grouping) that is not part of a longer number.",
    expr=_expr,
)
