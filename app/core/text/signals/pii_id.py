"""Resident ID numbers (居民身份证号, GB 11643-1999) whose numbers check out: a province
code that exists, a birth date that is a real day, and the ISO 7064 MOD 11-2 check digit.
The 15-digit numbers of the first generation carry no check digit and are not looked for."""
import polars as pl

from app.core.text.convtext import whole_text

from .base import Signal, text

WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
CHECK = {r: "10X98765432"[r] for r in range(11)}  # (sum of weighted digits) mod 11 -> check character
SHAPE = r"^[1-9][0-9]{5}(?:18|19|20)[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}[0-9X]$"
# The first two digits: the provinces of GB/T 2260, 71 Taiwan, 81 Hong Kong, 82 Macao, and
# 83, which the residence permits of Taiwan residents use.
PROVINCES = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
             "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83"]


def valid_id() -> pl.Expr:
    """On a String element: an 18-character ID with a real province, a real birth date and
    the right check digit."""
    e = pl.element().str.to_uppercase()
    total = pl.sum_horizontal([e.str.slice(i, 1).cast(pl.Int32, strict=False) * w for i, w in enumerate(WEIGHTS)])
    expected = (total % 11).replace_strict(CHECK, default=None, return_dtype=pl.String)
    born = e.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    return (e.str.contains(SHAPE) & e.str.slice(0, 2).is_in(PROVINCES) & born.is_not_null()
            & (e.str.slice(17, 1) == expected))


def id_candidates(frame: pl.DataFrame) -> pl.Expr:
    """Every whole digit run of 18 characters (an X inside one does not end it, so a
    longer number never yields an 18-character "ID" from its middle), per row."""
    joined = whole_text(frame)
    runs = joined.str.extract_all(r"[0-9]+(?:[Xx][0-9]*)?")
    return runs.list.eval(pl.element().filter(pl.element().str.len_bytes() == 18))


def _expr(frame: pl.DataFrame) -> pl.Expr:
    return id_candidates(frame).list.eval(valid_id()).list.any().fill_null(False)


SIGNAL = Signal(
    name="pii_id",
    title_zh="身份证号",
    title_en="Resident ID number",
    description="A text field holds an 18-character resident ID number (a whole digit run) whose numbers check out: "
                "a real province code, a birth date that is a real day, and a valid ISO 7064 MOD 11-2 check digit "
                "(GB 11643).",
    expr=_expr,
)
