"""Binned counts the charts share: the length bins of Figure 3 and a share column."""
from __future__ import annotations

from typing import Sequence

import polars as pl

# Length bins (characters or words); the last bin is open. Log-like, as lengths span 1 to 20k.
DEFAULT_EDGES = (0, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)


def share(rows: str = "rows") -> pl.Expr:
    total = pl.col(rows).sum()
    return pl.when(total > 0).then(pl.col(rows) / total).otherwise(0.0).round(4).alias("share")


def bin_table(values: pl.DataFrame, edges: Sequence[int] = DEFAULT_EDGES) -> pl.DataFrame:
    """bin, lo, hi, rows, share of the Int64 column ``n`` of ``values`` over ``edges``."""
    index = pl.sum_horizontal([(pl.col("n") >= e).cast(pl.Int32) for e in edges[1:]]).alias("i")
    counts = values.select(index).group_by("i").agg(pl.len().cast(pl.UInt32).alias("rows"))
    his = list(edges[1:]) + [None]
    bins = pl.DataFrame(
        {
            "i": pl.Series(range(len(edges)), dtype=pl.Int32),
            "bin": [f"{lo}-{hi - 1}" if hi is not None else f"{lo}+" for lo, hi in zip(edges, his)],
            "lo": pl.Series(edges, dtype=pl.Int64),
            "hi": pl.Series(his, dtype=pl.Int64),
        }
    )
    out = bins.join(counts, on="i", how="left").with_columns(pl.col("rows").fill_null(0)).sort("i")
    return out.drop("i").with_columns(share())
