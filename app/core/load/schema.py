"""Canonical columns of a loaded release, and the normalisation every loader path shares.

The base frame (one row per good JSONL line) has exactly the columns of BASE_SCHEMA,
in that order. It is never mutated after loading; curation state lives in an overlay
keyed by ``rid``.
"""
from __future__ import annotations

import json
import re
from typing import Any

import polars as pl
import xxhash

# Fields of a COIG-CQIA row that we normalise. Anything else is an "extra" field:
# not shown as a column, but kept byte-for-byte because export re-reads the raw line.
TEXT_FIELDS = ("instruction", "input", "output")
LIST_FIELDS = ("task_major", "task_minor", "domain")
LENGTH_COLUMNS = {f: f"len_{f}" for f in TEXT_FIELDS}

# What the fast path asks Polars for. A row whose nested shape disagrees makes Polars
# raise (SchemaError/ComputeError) instead of silently coercing, which sends that one
# file down the line-by-line path. Verified against polars 2.1 in tests/core/test_loader.py.
RAW_SCHEMA = pl.Schema(
    {
        "instruction": pl.String,
        "input": pl.String,
        "output": pl.String,
        "task_type": pl.Struct({"major": pl.List(pl.String), "minor": pl.List(pl.String)}),
        "domain": pl.List(pl.String),
        "metadata": pl.String,
        "answer_from": pl.String,
        "human_verified": pl.Boolean,
        "copyright": pl.String,
        "source": pl.String,
    }
)

# The label fields of a RAW_SCHEMA frame (or of labeltext's read of it), by short name.
RAW_LABELS = {"domain": pl.col("domain"), "major": pl.col("task_type").struct.field("major"),
              "minor": pl.col("task_type").struct.field("minor")}

BASE_SCHEMA = pl.Schema(
    {
        "rid": pl.UInt64,  # stable row id (see row_ids)
        "file": pl.String,  # path relative to the opened root, '/' separated
        "line": pl.UInt32,  # 1-based line number in that file
        "source": pl.String,
        "subset": pl.String,
        "instruction": pl.String,
        "input": pl.String,
        "output": pl.String,
        "task_major": pl.List(pl.String),
        "task_minor": pl.List(pl.String),
        "domain": pl.List(pl.String),
        "metadata": pl.String,
        "answer_from": pl.String,
        "human_verified": pl.Boolean,
        "copyright": pl.String,
        "len_instruction": pl.UInt32,
        "len_input": pl.UInt32,
        "len_output": pl.UInt32,
    }
)

# Facet columns as the CLI's `stats` and the facet panel name them.
FACET_COLUMNS = ("source", "subset", "task_major", "task_minor", "domain", "answer_from", "human_verified")


def text_lengths() -> list[pl.Expr]:
    """The character lengths of the text fields, as normalise_raw names them."""
    return [pl.col(f).fill_null("").str.len_chars().cast(pl.UInt32).alias(LENGTH_COLUMNS[f]) for f in TEXT_FIELDS]


def normalise_raw(raw: pl.DataFrame, file: str, first_line: pl.Series, default_source: str, subset: str,
                  lengths: pl.DataFrame | None = None) -> pl.DataFrame:
    """Turn a frame shaped like RAW_SCHEMA into BASE_SCHEMA columns (minus rid).

    ``first_line`` holds the 1-based line number of every row; ``lengths``, when given,
    the text_lengths() of ``raw`` (the loader counts them in the same pass as its checks).
    """
    empty_list = pl.lit([], dtype=pl.List(pl.String))
    text = [pl.col(f).fill_null("") for f in TEXT_FIELDS]
    counted = text_lengths() if lengths is None else [pl.lit(lengths[name]) for name in LENGTH_COLUMNS.values()]
    return raw.select(
        pl.lit(file, pl.String).alias("file"),
        first_line.cast(pl.UInt32).alias("line"),
        pl.col("source").fill_null(default_source).alias("source"),
        pl.lit(subset, pl.String).alias("subset"),
        *text,
        pl.col("task_type").struct.field("major").fill_null(empty_list).alias("task_major"),
        pl.col("task_type").struct.field("minor").fill_null(empty_list).alias("task_minor"),
        pl.col("domain").fill_null(empty_list),
        pl.col("metadata").fill_null(""),
        pl.col("answer_from").fill_null(""),
        pl.col("human_verified"),
        pl.col("copyright").fill_null(""),
        *counted,
    )


# ---- the line-by-line path: one Python dict -> RAW_SCHEMA values -------------------

def _as_text(value: Any) -> str | None:
    """Strings stay; other JSON values become compact JSON text, as Polars renders them."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _as_list(value: Any) -> list[str] | None:
    """A string becomes a one-element list; a list's items become text; null stays null."""
    if value is None:
        return None
    if isinstance(value, list):
        return [v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in value if v is not None]
    return [_as_text(value)]


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        low = value.strip().lower()
        if low in ("true", "1", "yes", "是"):
            return True
        if low in ("false", "0", "no", "否", ""):
            return False
        return None
    if isinstance(value, (int, float)):
        return bool(value)
    return None


def raw_values(obj: dict[str, Any]) -> dict[str, Any]:
    """Map one parsed JSON object onto RAW_SCHEMA's fields, whatever shapes it uses."""
    task = obj.get("task_type")
    if isinstance(task, dict):
        major, minor = _as_list(task.get("major")), _as_list(task.get("minor"))
    elif task is None:
        major = minor = None
    else:  # a bare string or list means the major type
        major, minor = _as_list(task), None
    return {
        "instruction": _as_text(obj.get("instruction")),
        "input": _as_text(obj.get("input")),
        "output": _as_text(obj.get("output")),
        "task_type": None if major is None and minor is None else {"major": major, "minor": minor},
        "domain": _as_list(obj.get("domain")),
        "metadata": _as_text(obj.get("metadata")),
        "answer_from": _as_text(obj.get("answer_from")),
        "human_verified": _as_bool(obj.get("human_verified")),
        "copyright": _as_text(obj.get("copyright")),
        "source": _as_text(obj.get("source")),
    }


# ---- row ids -------------------------------------------------------------------------

# XXH3-64 of a row's raw line (BOM, CR and surrounding white space removed). XXH3's
# output is frozen by its spec, so ids agree across machines and versions, unlike
# Polars' own ``hash()``.
line_hash = xxhash.xxh3_64_intdigest


def row_ids(hashes: pl.Series) -> pl.Series:
    """Stable ids from content hashes: the k-th repeat of identical content (k >= 1)
    gets hash(content-hash, k), so exact duplicates get distinct, order-free ids."""
    return row_ids_and_copies(hashes)[0]


COPIES_SCHEMA = pl.Schema({"rid": pl.UInt64, "n": pl.UInt32, "k": pl.UInt32})


def row_ids_and_copies(hashes: pl.Series) -> tuple[pl.Series, pl.DataFrame]:
    """row_ids, and for every row whose line repeats: rid, n (copies of that line) and k
    (which copy, 0-based in order). A decision on one copy must not move to another
    when the release changes (anchors.py); the frame is empty in the common case."""
    hashes = hashes.cast(pl.UInt64).alias("rid")
    # Which contents repeat, from one sort (7 ms at 500k rows; is_duplicated took 23 ms,
    # and n_unique beforehand another 7): equal neighbours in sorted order.
    ordered = hashes.sort()
    repeated = ordered.filter(ordered == ordered.shift(1))
    if repeated.is_empty():  # the common case
        return hashes, pl.DataFrame(schema=COPIES_SCHEMA)
    # Only the rows whose content repeats go through the window and Python: a handful
    # in a real release, so no whole-column to_list().
    idx = hashes.is_in(repeated.unique().implode()).arg_true()
    groups = pl.DataFrame({"i": idx, "h": hashes.gather(idx)}).with_columns(
        k=pl.int_range(pl.len(), dtype=pl.UInt32).over("h"), n=pl.len().over("h").cast(pl.UInt32))
    repeats = groups.filter(pl.col("k") > 0)
    fresh = [xxhash.xxh3_64_intdigest(h.to_bytes(8, "little") + k.to_bytes(4, "little"))
             for h, k in zip(repeats["h"].to_list(), repeats["k"].to_list())]
    rids = hashes.clone().scatter(repeats["i"], pl.Series(fresh, dtype=pl.UInt64))
    copies = groups.select(rid=rids.gather(groups["i"]), n="n", k="k")
    return rids, copies


def rid_hex(rid: int) -> str:
    """The text form of a row id used in every file we write (JSON has no uint64)."""
    return f"{rid:016x}"


def rid_from_hex(text: str) -> int:
    if not isinstance(text, str) or not _HEX16.fullmatch(text):
        raise ValueError(f"a row id is 16 hex digits, not {text!r}")
    return int(text, 16)


_HEX16 = re.compile(r"[0-9a-fA-F]{16}")
