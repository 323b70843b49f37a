"""How one file's records are read: the reader its format calls for (plan_for), and the
chunk step every reader shares: Polars' fast read, the reader's checks, the standard
library for the rows it cannot vouch for, or for the whole chunk when Polars refuses it.

Readers: instread.InstructionReader (cqia, alpaca, other), convread.ConversationReader
(sharegpt, openai, firefly, preference), and StdlibReader for a file mapped by the
curator (``other`` with a mapping), whose fields only the mapping knows: every record is
read by the standard library (records.py), at ~10 µs a record.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import polars as pl

from . import convread, sniff
from .formats import Shape, file_format
from .records import own_values, record_values
from .instread import Checked, InstructionReader
from .reread import parse_lines, reread_rows
from .report import LoadReport


class StdlibReader:
    schema = whole_schema = None
    text_labels = False

    def __init__(self, fmt: str):
        self.format = fmt


@dataclass(frozen=True)
class Plan:
    format: str  # the file's format: most of its first records', or its override
    reader: object  # InstructionReader | ConversationReader | StdlibReader
    override: Shape | None = None

    def values_of(self, obj: Mapping) -> dict:
        """A record's inner values as the fast path reads them (the standard library's
        reading of a row Polars did not read itself): in the override's format, or in its
        own; in a COIG-CQIA file read without the other formats' keys (instread), a record
        with an instruction or output and none of the keys read as cqia, alpaca or other."""
        if self.override is not None:
            return record_values(obj, self.override.format, self.override)
        reader = self.reader
        if isinstance(reader, InstructionReader) and reader.restricted and reader.keeps(obj):
            return reader.values(obj)
        return own_values(obj)


def plan_for(sniffed: list[Mapping], override: Shape | None = None) -> Plan:
    if override is not None:
        fmt = override.format
        if override.mapping:
            return Plan(fmt, StdlibReader(fmt), override)
        if fmt in ("cqia", "alpaca", "other"):
            return Plan(fmt, InstructionReader(fmt, forced=True), override)
        return Plan(fmt, convread.plan(fmt, sniffed, forced=True), override)
    fmt = file_format(sniffed)
    if fmt in ("cqia", "alpaca", "other"):
        return Plan(fmt, InstructionReader(fmt, seen=sniffed), None)
    return Plan(fmt, convread.plan(fmt, sniffed), None)


def read_fast(source: bytes | Path, schema: pl.Schema | None) -> pl.DataFrame | None:
    if schema is None:
        return None
    try:
        return pl.read_ndjson(source, schema=schema)
    except Exception:  # noqa: BLE001 - any refusal means: go line by line
        return None


# Rows of another format than their file's, when at least this many, are read by that
# format's own fast path (a DPO part in a ShareGPT file: 9,000 of 48,375 rows took 1.9 s
# through the standard library); fewer go to the standard library at once.
REROUTE_MIN = 256


def finish(plan: Plan, checked: Checked, lines, depth: int = 0
           ) -> tuple[pl.DataFrame, dict[str, bool] | None, pl.DataFrame | None] | None:
    """(the inner shape's columns of checked rows, what the checks learnt: repeats and
    lengths, None when rows were re-read); None when a row to re-read is bad after all."""
    inner = plan.reader.inner(checked.raw)
    if not checked.redo:
        return inner, checked.repeats, checked.lengths
    fixed = _reroute(plan, checked.redo, lines, depth) if len(checked.redo) >= REROUTE_MIN else None
    if fixed is None:
        return (None if (done := reread_rows(inner, checked.redo, lines, plan.values_of)) is None
                else (done, None, None))
    if fixed is False:
        return None
    kept = inner.with_row_index("_i").filter(~pl.col("_i").is_in(pl.Series(checked.redo, dtype=pl.UInt32).implode()))
    fixed = fixed.with_columns(pl.Series("_i", checked.redo, dtype=pl.UInt32))
    return pl.concat([kept, fixed.select(kept.columns)]).sort("_i").drop("_i"), None, None


def _reroute(plan: Plan, redo: list[int], lines, depth: int) -> pl.DataFrame | bool | None:
    """The inner columns of the ``redo`` rows read by the fast path of the format most
    of them are in; None when that is the file's own format (they were re-read for
    their values: the standard library reads them), False when one is a bad line."""
    if plan.override is not None or depth >= 2:
        return None
    sub_lines = [lines[i] for i in redo]
    sub = plan_for(sniff.records_of(sub_lines))
    if sub.format == plan.format or sub.reader.schema is None:
        return None
    piece = b"\n".join(sub_lines) + b"\n"
    raw = read_fast(piece, sub.reader.schema)
    checked = None if raw is None or raw.height != len(sub_lines) else sub.reader.check(raw, piece, sub_lines)
    done = None if checked is None else finish(sub, checked, sub_lines, depth + 1)
    return False if done is None else done[0]


def check_chunk(plan: Plan, raw: pl.DataFrame | None, piece: bytes, numbers, lines, rel: str,
                report: LoadReport) -> tuple[pl.DataFrame, list[bool] | None]:
    """(INNER_RAW frame, which of ``lines`` became rows; None means all of them)."""
    checked = None if raw is None or raw.height != len(lines) else plan.reader.check(raw, piece, lines)
    done = None if checked is None else finish(plan, checked, lines)
    if done is None:
        return parse_lines(numbers, lines, rel, report, plan.values_of)
    return done[0], None
