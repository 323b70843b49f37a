"""Conversation figures for the statistics tab and `stats` (issue 23): rows per format,
turns per row (bins), rows per role present, and turn lengths per role (each turn
counted), through query.convfacets (the inner shape, never per format)."""
from __future__ import annotations

import polars as pl

from app.core.query.convfacets import TURN_BINS, n_turns_bin, role_column, role_turns

from .bins import bin_table, share as _share

__all__ = ["ROLES", "holds_conversations", "formats", "turns_per_row", "roles_present", "role_length_bins", "role_lengths",
           "role_column", "role_turns"]

ROLES = ("user", "assistant", "system")  # the roles with a length chart of their own


def holds_conversations(frame: pl.DataFrame) -> bool:
    """Whether the figures say anything a COIG-CQIA release's do not: some row stores
    turns, or the rows are of more than one format."""
    if frame.is_empty() or "turns" not in frame.columns:
        return False
    return bool(frame.select((pl.col("turns").list.len().fill_null(0).sum() > 0) | (pl.col("format").n_unique() > 1)).item())


def formats(frame: pl.DataFrame) -> pl.DataFrame:
    """format, rows, share; most rows first."""
    counts = frame.group_by("format").agg(pl.len().cast(pl.UInt32).alias("rows"))
    return counts.sort(["rows", "format"], descending=[True, False]).with_columns(_share())


def turns_per_row(frame: pl.DataFrame) -> pl.DataFrame:
    """bin, rows, share over TURN_BINS (every bin listed, empty ones with 0 rows)."""
    counts = frame.select(n_turns_bin().alias("bin")).group_by("bin").agg(pl.len().cast(pl.UInt32).alias("rows"))
    bins = pl.DataFrame({"bin": [label for _, label in TURN_BINS]})
    return (bins.join(counts, on="bin", how="left", maintain_order="left")
            .with_columns(pl.col("rows").fill_null(0).cast(pl.UInt32)).with_columns(_share()))


def roles_present(frame: pl.DataFrame) -> pl.DataFrame:
    """role, rows (rows with at least one turn of the role), share; most rows first."""
    counts = (role_turns(frame).select("row", "role").unique().group_by("role")
              .agg(pl.len().cast(pl.UInt32).alias("rows")))
    return counts.sort(["rows", "role"], descending=[True, False]).with_columns(_share())


def role_lengths(frame: pl.DataFrame) -> pl.DataFrame:
    """role, chars: one row per turn."""
    return role_turns(frame).select("role", "chars")


def role_length_bins(frame: pl.DataFrame, role: str, lengths: pl.DataFrame | None = None) -> pl.DataFrame:
    """Figure 3 for one role's turns: bin, lo, hi, rows (turns), share (bins.bin_table)."""
    lengths = role_lengths(frame) if lengths is None else lengths
    return bin_table(lengths.filter(pl.col("role") == role).select(pl.col("chars").cast(pl.Int64).alias("n")))
