"""Traditional characters in a Simplified release (the rule is in app.core.text.script)."""
import polars as pl

from app.core.text import script
from .base import Signal


def _compute(frame: pl.DataFrame) -> pl.Series:
    return script.traditional_rows(frame)


SIGNAL = Signal(
    name="traditional",
    title_zh="繁体字",
    title_en="Traditional characters",
    description="The row's text holds Traditional characters (OpenCC's Traditional-to-Simplified conversion changes "
                "it) in a release that is Simplified (under 10% of its Han characters Traditional). In a "
                "Traditional release nothing is flagged. Edit > Convert to Simplified converts the row (undoable).",
    compute=_compute,
)
