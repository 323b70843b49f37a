"""A decisions file: rows to reject, accept, restore or edit, written by the curator's own
scripts (dedup runs, classifiers), applied as ONE undoable command (`python -m app apply`).

One JSON object per line (blank lines are skipped)::

    {"file": "zhihu/a.jsonl", "line": 12, "op": "reject", "reason": "重复"}
    {"rid": "7e30c09a579668e0", "op": "accept"}
    {"rid": "7e30c09a579668e0", "op": "restore"}
    {"file": "zhihu/a.jsonl", "line": 13, "op": "edit", "fields": {"output": "...", "domain": ["医学"]}}
    {"rid": "7e30c09a579668e0", "op": "note", "text": "问一下出处"}
    {"rid": "7e30c09a579668e0", "op": "flag", "on": true}

A row is named by its locator (``file`` as the app shows it, 1-based ``line``) or by its
``rid``. Each op does what the app's command does: reject keeps the row's edits and sets
the reason (optional), accept likewise, restore clears the decision and keeps the edits,
edit sets fields (texts as strings, labels as lists of strings) and keeps the decision;
a field edited back to its original value is no edit; note sets the row's note (an
empty text removes it) and flag sets or clears its flag, neither a decision nor an edit. Lines naming the same row apply in
file order. The file is all or nothing: any bad line refuses all of it (DecisionsError
lists every bad line).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Mapping

import polars as pl

from app.core.load import paths as jp
from app.core.load.schema import LIST_FIELDS

from .edits import Command
from .overlay import EDITABLE_FIELDS, Overlay, RowState, keeping
from .pathedits import ROW_COLUMNS, PathEditError, base_value, fmt_of, is_path, resolve_field, texts

OPS = ("reject", "accept", "restore", "edit", "note", "flag")
_KEYS = {"file", "line", "rid", "op", "reason", "fields", "text", "on"}
_HEX16 = re.compile(r"[0-9a-fA-F]{16}")
SHOWN_PROBLEMS = 20  # a refused file lists this many bad lines, then how many more


class DecisionsError(Exception):
    """The file is refused: ``problems`` lists (line number, reason) for every bad line."""

    def __init__(self, name: str, problems: list[tuple[int, str]]):
        self.name, self.problems = name, problems
        shown = [f"{name}:{n}: {why}" for n, why in problems[:SHOWN_PROBLEMS]]
        if len(problems) > SHOWN_PROBLEMS:
            shown.append(f"... and {len(problems) - SHOWN_PROBLEMS:,} more bad lines")
        super().__init__("\n".join(shown))


@dataclass(frozen=True)
class Decision:
    number: int  # line in the decisions file
    op: str
    reason: str | None = None
    fields: Mapping[str, Any] | None = None  # label values as tuples
    rid: int | None = None
    file: str | None = None
    line: int | None = None
    text: str | None = None  # op note
    on: bool | None = None  # op flag


def _field_value(name: str, value: Any) -> Any:
    if name not in LIST_FIELDS:  # a text: a field or a JSON path (pathedits)
        if not isinstance(value, str):
            raise ValueError(f"{name} must be a string")
        return value
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{name} must be a list of strings")
    return tuple(dict.fromkeys(value))  # as SetLabels keeps them: in order, no repeats


def _decision(number: int, obj: Any) -> Decision:
    """One line's decision; ValueError says what is wrong with it."""
    if not isinstance(obj, dict):
        raise ValueError(f"not a JSON object ({type(obj).__name__})")
    unknown = sorted(set(obj) - _KEYS)
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r} (keys: file, line, rid, op, reason, fields, text, on)")
    op = obj.get("op")
    if op is None:
        raise ValueError("no op (reject, accept, restore, edit, note or flag)")
    if op not in OPS:
        raise ValueError(f"unknown op {op!r} (reject, accept, restore, edit, note or flag)")
    text, on = _marks(op, obj)
    has_rid, has_loc = "rid" in obj, "file" in obj or "line" in obj
    if has_rid == has_loc or (has_loc and not ("file" in obj and "line" in obj)):
        raise ValueError('give either "rid" or both "file" and "line"')
    rid = file = line = None
    if has_rid:
        if not isinstance(obj["rid"], str) or not _HEX16.fullmatch(obj["rid"]):
            raise ValueError(f"rid must be 16 hex digits, not {obj['rid']!r}")
        rid = int(obj["rid"], 16)
    else:
        file, line = obj["file"], obj["line"]
        if not isinstance(file, str):
            raise ValueError("file must be a string (the path the app shows, e.g. zhihu/a.jsonl)")
        if isinstance(line, bool) or not isinstance(line, int) or not 1 <= line < 2**32:
            raise ValueError(f"line must be a line number from 1, not {line!r}")
    reason = obj.get("reason")
    if reason is not None and op != "reject":
        raise ValueError(f"a reason goes with reject only, not {op}")
    if reason is not None and not isinstance(reason, str):
        raise ValueError("reason must be a string")
    fields = obj.get("fields")
    if op == "edit":
        if not isinstance(fields, dict) or not fields:
            raise ValueError('edit needs fields: {"output": "...", "domain": ["..."], ...}')
        for name in fields:
            if name not in EDITABLE_FIELDS and not _is_path(name):
                raise ValueError(f"{name!r} cannot be edited (fields: {', '.join(EDITABLE_FIELDS)}, or the JSON "
                                 "path of a text: conversations[1].value)")
        fields = {name: _field_value(name, value) for name, value in fields.items()}
    elif fields is not None:
        raise ValueError(f"fields go with edit only, not {op}")
    return Decision(number, op, (reason or "").strip() or None, fields, rid, file, line, text, on)


def _marks(op: str, obj: Mapping[str, Any]) -> tuple[str | None, bool | None]:
    """(text, on) of a note / flag line; ValueError when they are missing, wrong or misplaced."""
    if "text" in obj and op != "note":
        raise ValueError(f"a text goes with note only, not {op}")
    if "on" in obj and op != "flag":
        raise ValueError(f"on goes with flag only, not {op}")
    if op == "note" and not isinstance(obj.get("text"), str):
        raise ValueError('note needs a text (a string; "" removes the note)')
    if op == "flag" and not isinstance(obj.get("on"), bool):
        raise ValueError("flag needs on: true or false")
    return obj.get("text"), obj.get("on")


def parse_decisions(data: bytes, name: str) -> list[Decision]:
    """Every decision of the file, in order; DecisionsError naming each bad line."""
    out, problems = _parse(data)
    if problems:
        raise DecisionsError(name, problems)
    return out


def _parse(data: bytes) -> tuple[list[Decision], list[tuple[int, str]]]:
    out, problems = [], []
    for number, raw in enumerate(data.split(b"\n"), 1):
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append((number, f"invalid UTF-8 at byte {exc.start}"))
            continue
        try:
            obj = json.loads(text)
        except (ValueError, RecursionError) as exc:
            problems.append((number, f"invalid JSON: {getattr(exc, 'msg', exc)} at column {getattr(exc, 'colno', '?')}"))
            continue
        try:
            out.append(_decision(number, obj))
        except ValueError as exc:
            problems.append((number, str(exc)))
    return out, problems


def _resolve(decisions: list[Decision], frame: pl.DataFrame) -> tuple[list[int], dict[int, dict], list[tuple[int, str]]]:
    """The rid of each decision, the base values of edited rows, and a problem for each
    decision naming no row; by joins on the base frame (no lookup per row)."""
    named = {f for d in decisions if d.fields for f in d.fields}
    # texts are kept where the row holds them (a conversation's turn): its turns are read
    texts_too = ROW_COLUMNS if any(f not in LIST_FIELDS for f in named) else ()
    edited = list(dict.fromkeys([*sorted(f for f in named if f in EDITABLE_FIELDS), *texts_too]))
    refs = pl.DataFrame({
        "n": [d.number for d in decisions],
        "want": [d.rid for d in decisions],
        "file": [d.file for d in decisions],
        "line": [d.line for d in decisions],
    }, schema={"n": pl.UInt32, "want": pl.UInt64, "file": pl.String, "line": pl.UInt32})
    # Inner joins with the base on the left: Polars hashes the small side (the decisions).
    if refs["file"].null_count() < refs.height:  # some rows named by locator
        at = frame.select(pl.col("rid").alias("at"), "file", "line").join(
            refs.select("n", "file", "line").drop_nulls(), on=["file", "line"], how="inner").select("n", "at")
        refs = refs.join(at, on="n", how="left").with_columns(pl.coalesce("want", "at").alias("want"))
    found = frame.select(pl.col("rid").alias("want"), *edited).join(refs.select("n", "want").drop_nulls(), on="want",
                                                                     how="inner")
    rid_of = dict(zip(found["n"].to_list(), found["want"].to_list()))
    if len(rid_of) < len(decisions):
        problems = [(d.number, f"no row with rid {d.rid:016x}" if d.rid is not None else f"no row at {d.file}:{d.line}")
                    for d in decisions if d.number not in rid_of]
        return [], {}, problems
    base: dict[int, dict] = {}
    if edited:
        edits = pl.Series("n", [d.number for d in decisions if d.fields], dtype=pl.UInt32).to_frame()
        rows = found.join(edits, on="n", how="semi").unique("want")
        base = {r["want"]: r for r in rows.select("want", *edited).iter_rows(named=True)}
    return [rid_of[d.number] for d in decisions], base, []


_TOP_TEXTS = ("system", "prompt", "chosen", "rejected")  # top-level keys that hold a text of some format


def _is_path(name: str) -> bool:
    """A JSON path into the record (a key alone only if some format keeps a text there:
    `metadata` stays a field that cannot be edited)."""
    if name in _TOP_TEXTS:
        return True
    try:
        return len(jp.parse(name)) > 1
    except jp.PathError:
        return False


def _no_text(row: Mapping[str, Any], fields: Mapping[str, Any]) -> str | None:
    """Why an edit names no text of its row (None: it does)."""
    found = None
    for name in fields:
        if name in LIST_FIELDS:
            continue
        try:
            key = name if is_path(name) else resolve_field(row, name)
        except PathEditError as exc:
            return str(exc)
        if is_path(key):
            found = found if found is not None else texts(row)
            if key not in found:
                return f"no text at {key!r} in this {fmt_of(row)} record"
    return None


def _next_state(old: RowState, d: Decision, base: Mapping[str, Any] | None) -> RowState:
    """What the app's command for ``d`` makes of a row in state ``old`` (edits.py)."""
    if d.op == "reject":
        return keeping(old, "rejected", d.reason, old.fields)
    if d.op == "accept":
        return keeping(old, "accepted", None, old.fields)
    if d.op == "restore":
        return keeping(old, None, None, old.fields)
    if d.op == "note":
        return old.marked(note=d.text)
    if d.op == "flag":
        return old.marked(flag=d.on)
    fields = dict(old.fields)
    for name, value in d.fields.items():
        name = name if name in LIST_FIELDS or is_path(name) else resolve_field(base, name)
        original = base_value(base, name)
        if original == value:
            fields.pop(name, None)  # edited back to the original: no edit
        else:
            fields[name] = value
    return keeping(old, old.decision, old.reason, fields)


@dataclass(frozen=True)
class ApplyDecisions(Command):
    """The decisions of one file as one command: each row's new state is computed from
    its current state when the command is applied (so undo/redo and replay hold)."""

    steps: tuple[tuple[int, Decision], ...]  # (rid, decision), in file order
    base: Mapping[int, Mapping[str, Any]]  # base values of the fields edits touch
    source: str = "decisions"
    planned_whole = True

    @property
    def rids(self):  # type: ignore[override]
        return tuple(dict.fromkeys(rid for rid, _ in self.steps))

    def states_for(self, overlay: Overlay) -> dict[int, RowState]:
        states: dict[int, RowState] = {}
        # A decision without base values gives equal rows the same new state: plan it once,
        # so those rows share one state object (as a bulk command's rows do).
        memo: dict[tuple, tuple[RowState, RowState]] = {}  # keeps ``old`` alive: its id stays unique
        for rid, d in self.steps:
            old = states[rid] if rid in states else overlay.get(rid)
            if d.op == "edit":
                states[rid] = _next_state(old, d, self.base.get(rid))
                continue
            key = (id(old), d.op, d.reason, d.text, d.on)
            hit = memo.get(key)
            if hit is None:
                hit = memo[key] = (old, _next_state(old, d, None))
            states[rid] = hit[1]
        return states

    def label(self) -> str:
        n = len(self.steps)
        return f"Apply {n} decision{'s' if n != 1 else ''} from {self.source}"

    def describe(self) -> dict:
        return {"kind": "ApplyDecisions", "n": len(self.steps), "rows": len(self.rids), "source": self.source}


def read_decisions(data: bytes, name: str, frame: pl.DataFrame) -> ApplyDecisions:
    """The command for a decisions file's bytes against the release's base ``frame``."""
    decisions, problems = _parse(data)
    if not decisions and not problems:
        raise DecisionsError(name, [(1, "no decisions in the file")])
    rids, base, missing = _resolve(decisions, frame) if decisions else ([], {}, [])
    if not missing:
        missing = [(d.number, why) for rid, d in zip(rids, decisions) if d.fields
                   for why in [_no_text(base[rid], d.fields)] if why]
    if problems or missing:  # every bad line, in file order
        raise DecisionsError(name, sorted(problems + missing))
    return ApplyDecisions(tuple(zip(rids, decisions)), base, name)
