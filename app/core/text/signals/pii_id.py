"""Resident ID numbers (居民身份证号) whose ISO 7064 MOD 11-2 check digit is right."""
import polars as pl

from app.core.load.schema import TEXT_FIELDS

from .base import Signal, text

WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
CHECK = {r: "10X98765432"[r] for r in range(11)}  # (sum of weighted digits) mod 11 -> check character
SHAPE = r"^[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9X]$"


def valid_id() -> pl.Expr:
    """On a String element: an 18-character ID with a plausible birth date and the right check digit."""
    e = pl.element().str.to_uppercase()
    total = pl.sum_horizontal([e.str.slice(i, 1).cast(pl.Int32, strict=False) * w for i, w in enumerate(WEIGHTS)])
    expected = (total % 11).replace_strict(CHECK, default=None, return_dtype=pl.String)
    return e.str.contains(SHAPE) & (e.str.slice(17, 1) == expected)


def _expr(frame: pl.DataFrame) -> pl.Expr:
    joined = pl.concat_str([text(f) for f in TEXT_FIELDS], separator="\n")
    # Whole digit runs only (an X inside one does not end it), so a longer number never
    # yields an 18-character "ID" from its middle.
    runs = joined.str.extract_all(r"[0-9]+(?:[Xx][0-9]*)?")
    ids = runs.list.eval(pl.element().filter(pl.element().str.len_bytes() == 18))
    return ids.list.eval(valid_id()).list.any().fill_null(False)


SIGNAL = Signal(
    name="pii_id",
    title_zh="身份证号",
    title_en="Resident ID number",
    description="A text field holds an 18-character resident ID number (a whole digit run) with a plausible birth date and a valid ISO 7064 MOD 11-2 check digit.",
    expr=_expr,
)
