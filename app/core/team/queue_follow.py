"""Following a curator's queue into a changed release.

A queue names its rows by row id, which hashes the raw line: a release re-issued with other
spacing changes every id, and a row edited upstream changes its own. So an assignment also
records each row's content key (a hash of what makes two rows the same record to a
curator: convtext.conversation_key, the texts, every turn's role and text, system, tools,
a rejected response), and a queue opened on another state of its release keeps:

- the rows whose row id is still there (the same raw line);
- else the one row with the same content key (re-serialised, moved), when exactly one row
  of the release has it and it is not already kept;
- nothing else: rows edited upstream or removed are named (``lost``, with their old
  locators) for the lead to re-assign, never re-targeted on a guess.

The key is Polars' seeded hash, which Polars does not promise to keep across versions: the
scheme (with the Polars version) is written beside the keys, and keys of another scheme are
not used (rows are then followed by row id only).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from app.core.text.convtext import conversation_key

KEY_SEED = 0xC0DE
KEY_SCHEME = f"conversation-key/polars-hash/{pl.__version__}/{KEY_SEED:x}"


def content_keys(frame: pl.DataFrame) -> pl.Series:
    """UInt64 ``key`` of every row of a loaded release frame (its texts as read)."""
    key = pl.concat_str(conversation_key(frame), separator="\x1e")
    return frame.select(key.hash(seed=KEY_SEED).alias("key")).to_series()


@dataclass(frozen=True)
class Followed:
    rids: np.ndarray  # the queue's rows in this release (uint64 row ids, sorted)
    followed: int  # of them, found again by content (their row id changed)
    lost: pl.DataFrame  # queue rows not found (rid, item: "<old rid> <old file>:<line>")


def follow_queue(queue: pl.DataFrame, frame: pl.DataFrame, scheme: str | None) -> Followed:
    """``queue`` (rid, item, and key when recorded) looked for in ``frame`` (rid + texts)."""
    present = queue["rid"].is_in(frame["rid"].implode())
    kept = queue.filter(present)["rid"]
    missing = queue.filter(~present)
    found = pl.Series("rid", [], dtype=pl.UInt64)
    if missing.height and scheme == KEY_SCHEME and "key" in missing.columns:
        keyed = frame.select("rid").with_columns(content_keys(frame))
        unique = keyed.filter(pl.col("key").is_unique() & ~pl.col("rid").is_in(kept.implode()))
        hits = missing.join(unique, on="key", how="inner", suffix="_now")
        hits = hits.filter(pl.col("rid_now").is_unique())  # two lost rows of one content: neither is guessed
        found = hits["rid_now"].alias("rid")
        missing = missing.join(hits.select("rid"), on="rid", how="anti")
    rids = np.sort(pl.concat([kept, found]).to_numpy())
    return Followed(rids, found.len(), missing.select("rid", "item"))
