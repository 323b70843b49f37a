"""Simplified or Traditional characters: OpenCC's dictionaries (the ``opencc`` package, which
ships them with its compiled converter). The convert-to-Simplified edit that uses them is
a curation command (app.core.curate.convert).

A Traditional character is one OpenCC's Traditional-to-Simplified conversion (t2s) changes
when it stands alone: 5,119 characters with opencc 1.4 (這, 於, 後, 乾, the CJK
compatibility ideographs...). A row holds Traditional characters when it has one of them
and converting its text, phrases first (乾隆 stays 乾隆, 乾燥 becomes 干燥), changes it.
A release is Simplified while fewer than TRADITIONAL_RELEASE of its Han characters are
Traditional (a Simplified release has about 0.1%, a Traditional one about 30%); in a
Traditional release nothing is flagged.
"""
from __future__ import annotations

import threading

import polars as pl

from app.core.load.schema import TEXT_FIELDS

TRADITIONAL_RELEASE = 0.10  # share of a release's Han characters at which it counts as Traditional
SHARE_ROWS = 5_000  # rows the share is counted on, spread evenly (counting Han characters is the slow part)
CONFIG = "t2s"
# Where Traditional characters can be: CJK radicals and punctuation, the unified ideographs
# and their extensions, the compatibility ideographs and forms.
_RANGES = ((0x2E80, 0x2FDF), (0x3000, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
           (0xFE30, 0xFE4F), (0x20000, 0x2FA1F), (0x30000, 0x3134F))

_lock = threading.Lock()
_converter = None
_class: str | None = None


def converter():
    """The OpenCC t2s converter, built once (it reads its dictionaries then)."""
    global _converter
    with _lock:
        if _converter is None:
            import opencc  # lazy: only a pass that checks the script pays for loading the dictionaries

            _converter = opencc.OpenCC(CONFIG)
        return _converter


def to_simplified(text: str) -> str:
    return converter().convert(text) if text else text


def traditional_class() -> str:
    """A regex character class of every character t2s changes on its own."""
    global _class
    if _class is None:
        conv = converter()
        found: list[str] = []
        for low, high in _RANGES:
            chars = [chr(c) for c in range(low, high + 1)]
            out = conv.convert("\n".join(chars)).split("\n")
            found += [c for c, s in zip(chars, out) if c != s]
        _class = "[" + "".join("\\" + c if c in "\\]^-[" else c for c in found) + "]"
    return _class


def _joined() -> pl.Expr:
    return pl.concat_str([pl.col(f).fill_null("") for f in TEXT_FIELDS], separator="\n")


def traditional_share(frame: pl.DataFrame) -> float:
    """Traditional characters over Han characters, counted on every row of a frame of up to
    SHARE_ROWS rows, else on SHARE_ROWS rows spread evenly over it."""
    if frame.height == 0:
        return 0.0
    frame = frame.gather_every(-(-frame.height // SHARE_ROWS)).select(TEXT_FIELDS)
    trad, han = frame.select(_joined().str.count_matches(traditional_class()).sum().alias("t"),
                             _joined().str.count_matches(r"\p{Han}").sum().alias("h")).row(0)
    return (trad or 0) / han if han else 0.0


def is_simplified_release(frame: pl.DataFrame) -> bool:
    return traditional_share(frame) < TRADITIONAL_RELEASE


def traditional_rows(frame: pl.DataFrame) -> pl.Series:
    """Boolean per row: holds Traditional characters, in a Simplified release (see the module)."""
    flags = pl.Series("traditional", [False] * frame.height, dtype=pl.Boolean)
    if frame.height == 0:
        return flags
    if not is_simplified_release(frame):
        return flags
    candidates = frame.select(_joined().str.contains(traditional_class())).to_series().arg_true()
    if candidates.len() == 0:
        return flags
    conv = converter()
    texts = frame.select(_joined())[candidates].to_series().to_list()
    changed = [i for i, t in zip(candidates.to_list(), texts) if conv.convert(t) != t]
    return flags.scatter(changed, True) if changed else flags
