"""Chinese passport numbers: a shape China issues, after the word passport (护照).

A passport number carries no check digit (only the machine-readable zone does), so the
word is what tells E12345678 from an order or product code."""
import polars as pl

from app.core.text.convtext import any_text
from .base import Signal

# E + 8 digits (e-passports since 2012), E + a letter other than I or O + 7 digits (once
# E + 8 ran out), G + 8 digits (2007-2012), D, S or P + 7 digits (diplomatic, service,
# public affairs). At most 20 characters between the word and the number, none a letter
# or digit save "number" / "no." after "passport"; the number ends where a letter or digit
# would continue it.
NUMBER = r"(?:E[0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|G[0-9]{8}|[DSP][0-9]{7})"
PATTERN = (r"(?:护照|(?i:passport)(?:\s*(?i:number|no\.?|#))?)[^A-Za-z0-9\n]{0,20}" + NUMBER
           + r"(?:[^A-Za-z0-9]|$)")


def _expr(frame: pl.DataFrame) -> pl.Expr:
    return any_text(frame, lambda e: e.str.contains(PATTERN))


SIGNAL = Signal(
    name="pii_passport",
    title_zh="护照号",
    title_en="Passport number",
    description="A text field holds a Chinese passport number (E + 8 digits, E + letter + 7 digits, G + 8 digits, "
                "D/S/P + 7 digits) at most 20 characters after the word 护照 or passport.",
    expr=_expr,
)
