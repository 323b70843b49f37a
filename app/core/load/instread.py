"""The fast path of instruction records (cqia, alpaca, other): COIG-CQIA's own reading,
its checks, and the inner shape's columns.

Besides COIG's fields, Polars is asked for ``system``, ``tools`` and Alpaca's ``history``,
and for the keys of the formats that come first in formats.DETECTION_ORDER
(``chosen``/``rejected``, ``conversations``, ``messages``, ``conversation``) as text,
only to see whether a row has them: such a row is of another format and the standard
library re-reads it. A row's format is then cqia, alpaca or other by its keys, as
formats.record_format says, unless the file's format is forced.

A COIG-CQIA file is read without those keys when its sniffed records have none of them
(``restricted``): each absent key asked for cost the read 5-10% (0.23 s of CPU at 500,000
rows). Its rows are then read as cqia, alpaca or other by their COIG keys whatever else
they hold, except a row with neither instruction nor output, which the standard library
reads in its own format (plans.Plan.values_of says the same for the rows it reads).
"""
from __future__ import annotations

from typing import NamedTuple

import polars as pl

from app.core.io.jsonline import lone_surrogate_spans
from . import labeltext, turnexprs as tx
from .coerced import COERCED_TEXT, may_be_coerced, not_all_strings, series, suspect
from .formats import COIG_KEYS, Shape
from .records import record_values
from .schema import LENGTH_COLUMNS, RAW_LABELS, RAW_SCHEMA, text_lengths

PROBES = ("chosen", "rejected", "conversations", "messages", "conversation")
EXTRA = pl.Schema({"system": pl.String, "tools": pl.String, "history": pl.List(pl.List(pl.String)),
                   **{k: pl.String for k in PROBES}})


class Checked(NamedTuple):
    raw: pl.DataFrame  # one row per line, as Polars read it
    redo: list[int]  # rows the standard library must read instead
    repeats: dict[str, bool] | None  # per label column: does a row repeat a label in it
    lengths: pl.DataFrame | None  # text_lengths() of raw, if asked for


class InstructionReader:
    """cqia, alpaca and other (without a mapping) records; ``forced``: the file's format
    given by an override, which every row then takes."""

    text_labels = True  # labels read as text (labeltext): a label that is a string spelled like a list is looked for

    def __init__(self, fmt: str, forced: bool = False, seen: list | None = None):
        self.format, self.forced = fmt, forced
        self.restricted = fmt == "cqia" and not forced and seen is not None
        extra = [k for k in EXTRA if not self.restricted or any(o.get(k) is not None for o in seen)]
        if "chosen" in extra or "rejected" in extra:  # a pair, or none
            extra = [k for k in EXTRA if k in extra or k in ("chosen", "rejected")]
        self.extra = extra
        self.schema = pl.Schema({**RAW_SCHEMA, **{k: EXTRA[k] for k in extra}})
        self.whole_schema = pl.Schema({**labeltext.READ_SCHEMA, **{k: EXTRA[k] for k in extra}})

    def keeps(self, obj) -> bool:
        """Does the fast path read this record itself (no key of another format it reads,
        an instruction or output)?"""
        if "chosen" in self.extra and obj.get("chosen") is not None and obj.get("rejected") is not None:
            return False
        if any(obj.get(k) is not None for k in PROBES[2:] if k in self.extra):
            return False
        return obj.get("instruction") is not None or obj.get("output") is not None

    def values(self, obj) -> dict:
        """records.record_values of a record the restricted fast path reads: cqia, alpaca or
        other by its COIG keys, the keys not read left out."""
        coig = any(obj.get(k) is not None for k in COIG_KEYS)
        both = obj.get("instruction") is not None and obj.get("output") is not None
        fmt = "cqia" if coig else "alpaca" if both else "other"
        out = record_values(obj, fmt, Shape(fmt))
        for key in ("system", "tools"):
            if key not in self.extra:
                out[key] = ""
        if "history" not in self.extra:
            out["turns"] = []
        return out

    @staticmethod
    def decode(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[int]]:
        return labeltext.decode(frame)

    def check(self, raw: pl.DataFrame, piece, lines, probe: pl.DataFrame | None = None,
              lengths: bool = False, reread: list[int] = ()) -> Checked | None:
        """``raw`` (one row per line of ``piece``), checked; None when some row needs the
        line-by-line path. ``probe``: the same rows laid out for a faster check;
        ``reread``: rows the stdlib must read whatever the checks find."""
        nul, texts, items, repeats, counted = _suspects(raw if probe is None else probe, lengths)
        if nul and lone_surrogate_spans(piece):
            return None
        redo = set(items.arg_true().to_list())
        if texts.height or reread:
            redo.update(not_all_strings(texts, lines), reread)
        redo.update(self._elsewhere(raw if probe is None else probe))
        return Checked(raw, sorted(redo), repeats, counted)

    def _elsewhere(self, raw: pl.DataFrame) -> list[int]:
        """Rows of another format (unless forced), and rows whose history the stdlib reads."""
        hist = pl.col("history")
        cond = []
        if "history" in self.extra and raw["history"].null_count() < raw.height:
            items = hist.list.eval(pl.element().explode())
            cond.append(items.list.eval(suspect(pl.element()) | pl.element().str.contains("\x00", literal=True)).list.any()
                        .fill_null(False))
        if not self.forced:
            if "chosen" in self.extra:
                cond.append(pl.col("chosen").is_not_null() & pl.col("rejected").is_not_null())
            cond += [pl.col(k).is_not_null() for k in PROBES[2:] if k in self.extra]
        if self.restricted:  # no instruction, no output: its own format may be one whose keys are not read
            cond.append(pl.col("instruction").is_null() & pl.col("output").is_null())
        return raw.select(pl.arg_where(pl.any_horizontal(cond))).to_series().to_list() if cond else []

    def inner(self, raw: pl.DataFrame) -> pl.DataFrame:
        """INNER_RAW_SCHEMA columns of ``raw`` (its redo rows are replaced later)."""
        if self.forced:
            fmt = pl.lit(self.format)
        else:
            coig = pl.any_horizontal([pl.col(k).is_not_null() for k in COIG_KEYS])
            i, o = pl.col("instruction").is_not_null(), pl.col("output").is_not_null()
            fmt = pl.when((i | o) & coig).then(pl.lit("cqia")).when(i & o).then(pl.lit("alpaca")).otherwise(pl.lit("other"))
        if "history" not in self.extra or raw["history"].null_count() == raw.height or \
                self.format == "other" and self.forced:
            turns = tx.EMPTY
        else:
            hist = tx.history_turns()
            turns = (pl.when(fmt.is_in(["cqia", "alpaca"]) & (hist.list.len() > 0))
                     .then(pl.concat_list(hist, tx.instruction_turns())).otherwise(tx.EMPTY))
        read = [pl.col(k) if k in self.extra else pl.lit(None, pl.String).alias(k) for k in ("system", "tools")]
        return raw.select(*RAW_SCHEMA.names(), fmt.alias("format"), turns.alias("turns"), *read,
                          pl.lit(None, pl.String).alias("chosen"), pl.lit(None, pl.String).alias("rejected"))


# Long values, mostly distinct, are checked row by row. The others hold a few distinct
# values (labels, answer_from, ...): each distinct value is checked once, and only a value
# that fails is looked for row by row, a third of the work of checking every row.
_ROW_CHECKED = ("instruction", "input", "output", "metadata", "system", "tools")
_VALUE_CHECKED = ("source", "answer_from", "copyright")
_LABEL_COLUMNS = {"domain": "domain", "major": "task_major", "minor": "task_minor"}  # in the base frame


def _suspects(raw: pl.DataFrame, lengths: bool = False
              ) -> tuple[bool, pl.DataFrame, pl.Series, dict[str, bool], pl.DataFrame | None]:
    """(is there a NUL in the text: Polars turns a lone high-surrogate escape into U+0000;
    the rows with a text value that may have been coerced from a non-string, with "_i" their
    index and one flag column per text field; per row: may a label be coerced or null;
    per label column: does any row repeat a label, which the facet counts want to know;
    the text lengths, if asked for).
    The scans of every value run in one parallel pass; the regex only sees the few rows
    whose prefix may start a coerced value."""
    checked = [c for c in _ROW_CHECKED if c in raw.columns]  # system and tools when read
    distinct = {**{c: pl.col(c).drop_nulls().unique() for c in _VALUE_CHECKED},
                **{k: e.explode(keep_nulls=False).unique() for k, e in RAW_LABELS.items()}}
    got = raw.select(
        *[pl.col(c).str.contains("\x00", literal=True).any().alias(f"nul:{c}") for c in checked],
        *[pl.arg_where(may_be_coerced(c)).implode().alias(f"at:{c}") for c in checked],
        *[v.filter(v.str.contains(COERCED_TEXT) | v.str.contains("\x00", literal=True) | v.is_null()).implode().alias(c)
          for c, v in distinct.items()],
        *[(e.list.len() != e.list.n_unique()).any().alias(f"dups:{k}") for k, e in RAW_LABELS.items()],
        *[length.implode() for length in (text_lengths() if lengths else [])],
    )
    # Per short column, the distinct values that fail: coerced-looking, null or holding a NUL.
    found = {c: got[c][0].to_list() for c in distinct}
    has_nul = any(got[f"nul:{c}"][0] for c in checked) or any(v is not None and "\x00" in v for c in distinct for v in found[c])
    # The few rows that may hold a coerced text value, and which of their values may.
    at = pl.concat([got[f"at:{c}"][0] for c in checked]).unique().sort()
    values = [pl.col(c).is_in(series(found[c])).fill_null(False) for c in _VALUE_CHECKED if found[c]]
    if values:  # a source / answer_from / copyright value that may be coerced: rare
        at = pl.concat([at, raw.select(pl.arg_where(pl.any_horizontal(values))).to_series()]).unique().sort()
    rows = raw.select(*checked, *_VALUE_CHECKED).gather(at).select(
        pl.lit(at).alias("_i"),
        *[pl.col(c).str.contains(COERCED_TEXT).fill_null(False) for c in checked],
        *[e.alias(e.meta.output_name()) for e in values])
    text_flags = rows.filter(pl.any_horizontal(rows.columns[1:]))
    items = [e.list.eval(pl.element().is_null() | pl.element().is_in(series(found[k]))).list.any().fill_null(False)
             for k, e in RAW_LABELS.items() if found[k]]
    item_flags = raw.select(pl.any_horizontal(items)).to_series() if items else pl.repeat(False, raw.height, eager=True)
    repeats = {_LABEL_COLUMNS[k]: bool(got[f"dups:{k}"][0]) for k in RAW_LABELS}
    counted = got.select(pl.col(name).explode() for name in LENGTH_COLUMNS.values()) if lengths else None
    return has_nul, text_flags, item_flags, repeats, counted
