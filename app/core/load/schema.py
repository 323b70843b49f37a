"""Canonical columns of a loaded release, and the normalisation every loader path shares.

The base frame (one row per good record) has exactly the columns of BASE_SCHEMA, in that
order. It is never mutated after loading; curation state lives in an overlay keyed by
``rid``.

The inner shape, the same for every format (formats.py), so every feature reads every
format alike:

- ``instruction``: the first user turn's text; ``input``: Alpaca's input ("" in a format
  without one); ``output``: the last assistant turn's text (a preference record's chosen
  response); their lengths; COIG's labels and fields where a record has them (empty
  lists and "" where not);
- ``format``: the record's format (formats.FORMATS);
- ``turns``: the conversation in order, each {role, text, path}: roles normalised to
  system / user / assistant / function_call / observation / tool, ``path`` the JSON path
  of the text in the record's own structure (``conversations[3].value``). A
  single-turn record (cqia, alpaca without history, other without a mapping) stores NO
  turns, keeping memory flat at 500,000 rows; ``all_turns()`` makes them. A preference
  record's last turn is its chosen response (path ``chosen``, ``chosen.value`` or
  ``chosen[K].content``); the rejected one is held alike (formats.rejected_path);
- ``system``: the record's top-level ``system`` text ("" if none; system messages inside
  a conversation are turns with role system); ``tools``: the JSON text of its ``tools``
  ("" if none); ``chosen``, ``rejected``: a preference record's responses ("" otherwise).
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

TURN = pl.Struct({"role": pl.String, "text": pl.String, "path": pl.String})
TURNS = pl.List(TURN)
# Columns of the inner shape beyond COIG's, in BASE_SCHEMA order; with RAW_SCHEMA what
# every reader hands to normalise_raw.
INNER_COLUMNS = pl.Schema({"format": pl.String, "turns": TURNS, "system": pl.String, "tools": pl.String,
                           "chosen": pl.String, "rejected": pl.String})
INNER_RAW_SCHEMA = pl.Schema({**RAW_SCHEMA, **INNER_COLUMNS})

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
        **INNER_COLUMNS,
    }
)

# Facet columns as the CLI's `stats` and the facet panel name them.
FACET_COLUMNS = ("source", "subset", "task_major", "task_minor", "domain", "answer_from", "human_verified")


def text_lengths() -> list[pl.Expr]:
    """The character lengths of the text fields, as normalise_raw names them."""
    return [pl.col(f).fill_null("").str.len_chars().cast(pl.UInt32).alias(LENGTH_COLUMNS[f]) for f in TEXT_FIELDS]


def normalise_raw(raw: pl.DataFrame, file: str, first_line: pl.Series, default_source: str, subset: str,
                  lengths: pl.DataFrame | None = None, fmt: str = "cqia") -> pl.DataFrame:
    """Turn a frame shaped like INNER_RAW_SCHEMA into BASE_SCHEMA columns (minus rid); a
    column of INNER_COLUMNS it lacks is that of a single-turn record of format ``fmt``.

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
        *[(pl.col(c).fill_null(_default(c, fmt)) if c in raw.columns else _default(c, fmt)).alias(c)
          for c in INNER_COLUMNS],
    )


def _default(column: str, fmt: str) -> pl.Expr:
    if column == "format":
        return pl.lit(fmt, pl.String)
    return pl.lit([], dtype=TURNS) if column == "turns" else pl.lit("", pl.String)


# ---- turns of any row ----------------------------------------------------------------

SINGLE_TURN_FORMATS = ("cqia", "alpaca", "other")


def _turn_list(role: str, text: str, path: str) -> pl.Expr:
    return pl.concat_list(pl.struct(role=pl.lit(role), text=pl.col(text), path=pl.lit(path)))


def all_turns() -> pl.Expr:
    """The whole conversation of any row, as List(TURN) named ``turns``: the ``system``
    text first (path ``system``) when there is one, then the stored turns; a row that
    stores none and is single-turn (SINGLE_TURN_FORMATS) gets user ``instruction``, user
    ``input`` (only when not empty: LLaMA-Factory joins it to the instruction with a
    newline, here it keeps its own path) and assistant ``output`` (for ``other``, each of
    the three only when not empty, as such a record may not have the key)."""
    empty = pl.lit([], dtype=TURNS)
    fmt, turns = pl.col("format"), pl.col("turns")
    other = fmt == "other"

    def when(cond: pl.Expr, then: pl.Expr) -> pl.Expr:
        return pl.when(cond).then(then).otherwise(empty)

    made = pl.concat_list(
        when(~other | (pl.col("instruction") != ""), _turn_list("user", "instruction", "instruction")),
        when(pl.col("input") != "", _turn_list("user", "input", "input")),
        when(~other | (pl.col("output") != ""), _turn_list("assistant", "output", "output")))
    body = pl.when(fmt.is_in(SINGLE_TURN_FORMATS) & (turns.list.len() == 0)).then(made).otherwise(turns)
    return pl.concat_list(when(pl.col("system") != "", _turn_list("system", "system", "system")), body).alias("turns")


def n_turns() -> pl.Expr:
    """Turns in a row's conversation (UInt32) other than system turns, instruction and
    input counting as one user turn: a single-turn cqia / alpaca record counts 2, an
    ``other`` record one per non-empty instruction and output."""
    turns = pl.col("turns")
    stored = turns.list.eval((pl.element().struct.field("role") != "system")
                             & (pl.element().struct.field("path") != "input")).list.sum()
    other = pl.col("format") == "other"
    made = ((~other | (pl.col("instruction") != "")).cast(pl.UInt32)
            + (~other | (pl.col("output") != "")).cast(pl.UInt32))
    single = pl.col("format").is_in(SINGLE_TURN_FORMATS) & (turns.list.len() == 0)
    return pl.when(single).then(made).otherwise(stored).cast(pl.UInt32).alias("n_turns")


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
