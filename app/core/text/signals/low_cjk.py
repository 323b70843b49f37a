"""Outputs with little Chinese in them."""
import polars as pl

from .base import CODE_FENCE, Signal, text

THRESHOLD = 0.3
MIN_CHARS = 10
_VISIBLE_NON_HAN = r"[^\p{Han}\s]"


def _visible(e: pl.Expr) -> pl.Expr:
    return e.str.len_chars() - e.str.count_matches(r"\s")


def _expr(frame: pl.DataFrame) -> pl.Expr:
    # Counting the (few) non-Han characters, not the many Han ones, and counting instead of
    # stripping code and spaces: measured ~3x faster on the 48k release.
    out = text("output")
    code = out.str.extract_all(CODE_FENCE)
    n = _visible(out) - code.list.eval(_visible(pl.element())).list.sum().fill_null(0)
    other = out.str.count_matches(_VISIBLE_NON_HAN) - code.list.eval(
        pl.element().str.count_matches(_VISIBLE_NON_HAN)
    ).list.sum().fill_null(0)
    return (n >= MIN_CHARS) & (n - other < n * THRESHOLD)


SIGNAL = Signal(
    name="low_cjk",
    title_zh="中文占比低",
    title_en="Low CJK ratio",
    description=f"Fewer than {THRESHOLD:.0%} of the output's visible characters are Chinese (Han) characters; fenced ``` code is left out, and outputs under {MIN_CHARS} visible characters are not judged.",
    expr=_expr,
)
