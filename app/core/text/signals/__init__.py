"""Quality signals: one small module each, registered here and nowhere else.

A signal marks rows that deserve a look (a facet, a sortable column, a review queue);
it decides nothing. To add one: write a module defining ``SIGNAL`` (or ``SIGNALS``)
as a base.Signal, and list the module in ``_MODULES``.

    evaluate(frame)  -> rid + one Boolean column sig_<name> per signal
    counts(frame)    -> name, titles and number of flagged rows per signal
    signal_stats(frame) -> the same plus the biggest near-duplicate clusters, as JSON
"""
from __future__ import annotations

from importlib import import_module
from typing import Iterable

import polars as pl

from .base import Signal

__all__ = ["Signal", "REGISTRY", "evaluate", "counts", "columns", "get", "signal_stats"]

_MODULES = (
    "exact_dup",
    "dup_instruction",
    "placeholder",
    "short_output",
    "truncated",
    "low_cjk",
    "repeated_ngram",
    "mojibake",
    "url",
    "html",
    "boilerplate",
    "pii_id",
    "pii_mobile",
    "pii_bank_card",
    "pii_email",
    "pii_passport",
    "llm_unverified",
    "traditional",
)


def _collect() -> dict[str, Signal]:
    found: dict[str, Signal] = {}
    for name in _MODULES:
        module = import_module(f"{__name__}.{name}")
        for sig in getattr(module, "SIGNALS", None) or (module.SIGNAL,):
            if sig.name in found:
                raise ValueError(f"two signals are named {sig.name!r}")
            found[sig.name] = sig
    return found


REGISTRY: dict[str, Signal] = _collect()


def get(name: str) -> Signal:
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown signal {name!r}; known: {', '.join(REGISTRY)}") from None


def _chosen(names: Iterable[str] | None) -> list[Signal]:
    return list(REGISTRY.values()) if names is None else [get(n) for n in names]


def columns(names: Iterable[str] | None = None) -> list[str]:
    return [s.column for s in _chosen(names)]


def evaluate(frame: pl.DataFrame, names: Iterable[str] | None = None) -> pl.DataFrame:
    """rid + one Boolean column ``sig_<name>`` per signal (all, or ``names``), in the
    frame's row order, never null. Expression signals run in one Polars select (in
    parallel); compute signals follow."""
    chosen = _chosen(names)
    exprs = [s.expr(frame).fill_null(False).alias(s.column) for s in chosen if s.expr is not None]
    out = frame.select(pl.col("rid"), *exprs)
    for s in chosen:
        if s.compute is not None:
            values = s.compute(frame)
            if len(values) != frame.height:
                raise ValueError(f"signal {s.name!r} returned {len(values)} values for {frame.height} rows")
            out = out.with_columns(values.cast(pl.Boolean).fill_null(False).alias(s.column))
    return out.select("rid", *[s.column for s in chosen])


def counts(frame: pl.DataFrame, names: Iterable[str] | None = None) -> pl.DataFrame:
    """name, title_zh, title_en, rows: flagged rows per signal. ``frame`` is either a base
    frame or what ``evaluate`` returned (its sig_ columns are then summed, not recomputed)."""
    chosen = _chosen(names)
    flagged = frame if all(s.column in frame.columns for s in chosen) else evaluate(frame, [s.name for s in chosen])
    sums = flagged.select(pl.col(s.column).sum().cast(pl.UInt32) for s in chosen).row(0) if chosen else ()
    return pl.DataFrame(
        {
            "name": [s.name for s in chosen],
            "title_zh": [s.title_zh for s in chosen],
            "title_en": [s.title_en for s in chosen],
            "rows": pl.Series(list(sums), dtype=pl.UInt32),
        }
    )


def signal_stats(frame: pl.DataFrame, *, near: bool = True, top: int = 10, processes: int | None = None) -> dict:
    """JSON-ready summary for ``python -m app stats --signals``: rows flagged per signal,
    and the ``top`` biggest near-duplicate clusters (row ids as 16-hex text)."""
    from app.core.load.schema import rid_hex

    counted = counts(frame)
    out: dict = {
        "counts": {r["name"]: r["rows"] for r in counted.iter_rows(named=True)},
        "titles": {r["name"]: {"zh": r["title_zh"], "en": r["title_en"]} for r in counted.iter_rows(named=True)},
    }
    if near:
        from app.core.text import neardup  # lazy: numpy signatures and a process pool

        found = neardup.find_near_duplicates(frame, processes=processes)
        firsts = frame.select("rid", "instruction")
        clusters = []
        for row in found.top(top).iter_rows(named=True):
            first = firsts.filter(pl.col("rid") == row["rid"][0])["instruction"]
            clusters.append(
                {
                    "size": row["size"],
                    "mean_jaccard": round(float(row["mean_jaccard"]), 3),
                    "rids": [rid_hex(r) for r in row["rid"]],
                    "instruction": (first[0] if len(first) else "")[:80],
                }
            )
        out["near_duplicates"] = {
            "threshold": found.threshold,
            "clusters": found.count,
            "rows": found.members.height,
            "top": clusters,
        }
    return out
