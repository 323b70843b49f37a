"""Bank card numbers that pass the Luhn check and start like a card scheme's numbers."""
import polars as pl

from app.core.text.convtext import whole_text
from .base import Signal, text
from .pii_id import valid_id

# UnionPay 62 (16-19 digits), Visa 4, Mastercard 51-55 and 2221-2720, JCB 35 (16-19).
SCHEME = r"^(?:62|4|5[1-5]|2[2-7]|35)"
# Candidates: a whole digit run of 16-19 digits, or 16-19 digits grouped by fours with single
# spaces or dashes (6222 0202 0000 1234 567), never digits taken from inside a longer run.
RUN = r"[0-9]{16,}"  # leftmost and greedy: a whole run
GROUPS = r"[0-9]+(?:[ -][0-9]+){3,}"  # whole runs joined by single separators ...
GROUPED = r"^[0-9]{4}(?:[ -][0-9]{4}){3}(?:[ -][0-9]{1,3})?$"  # ... grouped by fours
# The test numbers payment processors publish (Stripe, Adyen, UnionPay's test card), which
# code samples use: valid by Luhn, nobody's card.
TEST_NUMBERS = ["4242424242424242", "4000056655665556", "4111111111111111", "4012888888881881", "4000000000000002",
                "5555555555554444", "5200828282828210", "5105105105105100", "2223003122003222", "6200000000000005",
                "6205500000000000004", "3566002020360505", "3530111333300000"]


def luhn() -> pl.Expr:
    """On a String element of 16-19 digits: does it pass the Luhn check?"""
    e = pl.element()
    n = e.str.len_bytes().cast(pl.Int32)
    total = pl.lit(0, pl.Int32)
    for i in range(19):
        digit = e.str.slice(i, 1).cast(pl.Int32, strict=False).fill_null(0)
        doubled = ((n - 1 - i) % 2) == 1  # every second digit from the right, the check digit not
        d2 = digit * 2
        total = total + pl.when(doubled).then(pl.when(d2 > 9).then(d2 - 9).otherwise(d2)).otherwise(digit)
    return (total % 10) == 0


def _expr(frame: pl.DataFrame) -> pl.Expr:
    joined = whole_text(frame)
    grouped = joined.str.extract_all(GROUPS).list.eval(pl.element().filter(pl.element().str.contains(GROUPED)))
    digits = pl.concat_list([joined.str.extract_all(RUN), grouped]).list.eval(
        pl.element().str.replace_all(r"[ -]", ""))
    e = pl.element()
    # A resident ID that happens to pass Luhn is an ID (the pii_id signal), not a card.
    card = (e.str.len_bytes().is_between(16, 19) & e.str.contains(SCHEME) & luhn() & ~e.is_in(TEST_NUMBERS)
            & ~((e.str.len_bytes() == 18) & valid_id()))
    return digits.list.eval(card).list.any().fill_null(False)


SIGNAL = Signal(
    name="pii_bank_card",
    title_zh="银行卡号",
    title_en="Bank card number",
    description="A text field holds a 16-19 digit number (whole, or grouped by fours) that passes the Luhn check "
                "and starts like a card scheme's numbers (UnionPay 62, Visa 4, Mastercard 51-55 or 22-27, JCB 35), "
                "and is neither a valid resident ID number nor a payment processor's published test card.",
    expr=_expr,
)
