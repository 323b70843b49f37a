"""The write-ahead journal: one JSON line per applied command, undo, redo or version save,
fsync'ed before the caller reports the action as done.

Replaying it rebuilds the overlay and both undo stacks exactly. An ``apply`` line holds
every touched row's new state; its "before" is whatever replay has at that point, which
is exactly what it was when the command ran, so lines stay small.

A torn last line (a crash in the middle of a write) is ignored with a warning and cut off
before the next append. Compaction rewrites the file atomically as a snapshot plus the
commands still on the undo/redo stacks.
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from .atomic import SaveError, save_error, write_all, write_atomic
from .edits import Change, make_change
from .history import History
from .overlay import Overlay, RowState
from .schema import rid_from_hex, rid_hex

log = logging.getLogger(__name__)

JOURNAL_NAME = "journal.jsonl"
FORMAT = "cqia-curation-journal/1"


class JournalError(Exception):
    """The journal is damaged somewhere other than its last line."""


def encode(record: dict) -> bytes:
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _state_json(state: RowState, author: str | None, time: str | None) -> dict | None:
    if state.is_empty:
        return None
    obj = state.to_json()
    if obj.get("by") == author:
        obj.pop("by", None)  # the line's author and time stand for the rows'
    if obj.get("at") == time:
        obj.pop("at", None)
    return obj


def encode_groups(states: Mapping[int, RowState], author: str | None = None, time: str | None = None) -> list:
    """[[state, [rid hex, ...]], ...]: rows sharing one state object (a bulk command's) are
    written once, which keeps bulk lines small and makes replay share the objects too."""
    groups: dict[int, tuple[dict | None, list[str]]] = {}
    for rid, state in states.items():
        group = groups.get(id(state))
        if group is None:
            group = groups[id(state)] = (_state_json(state, author, time), [])
        group[1].append(rid_hex(rid))
    return [[enc, hexes] for enc, hexes in groups.values()]


def decode_groups(groups: list, author: str | None = None, time: str | None = None) -> dict[int, RowState]:
    out: dict[int, RowState] = {}
    for enc, hexes in groups:
        state = RowState.from_json(enc, by=author, at=time)
        for h in hexes:
            out[rid_from_hex(h)] = state
    return out


def apply_record(seq: int, change: Change, command: dict, *, author: str | None, time: str) -> dict:
    return {"op": "apply", "seq": seq, "time": time, "author": author, "label": change.label, "cmd": command,
            "rows": encode_groups(change.after, author, time)}


@dataclass
class Replay:
    overlay: Overlay = field(default_factory=Overlay)
    history: History = field(default_factory=History)
    seq: int = 0  # highest seq seen
    version: int | None = None  # last version saved according to the journal
    warnings: list[str] = field(default_factory=list)


def replay(records: Iterable[dict], where: str = "journal") -> Replay:
    """Rebuild overlay and history from journal records, in order. A record that cannot
    be replayed (a key missing, a value of the wrong type) raises JournalError naming
    ``where`` (the journal's path) and the entry."""
    entry = [0]

    def counted():
        for entry[0], rec in enumerate(records, 1):
            yield rec

    try:
        return _replay(counted())
    except JournalError as exc:
        raise JournalError(f"{where}: {exc}") from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        what = f"no {exc.args[0]!r}" if isinstance(exc, KeyError) else str(exc)
        raise JournalError(f"{where}: entry {entry[0]} is damaged: {what}") from exc


def _replay(records: Iterable[dict]) -> Replay:
    out = Replay()
    overlay, history = out.overlay, out.history
    for rec in records:
        op = rec.get("op")
        out.seq = max(out.seq, int(rec.get("seq", 0)))
        if op == "apply":
            after = decode_groups(rec["rows"], rec.get("author"), rec.get("time"))
            change = make_change(rec.get("label", ""), {r: overlay.get(r) for r in after}, after)
            overlay = overlay.with_states(change.after)
            history.push(change)
        elif op in ("undo", "redo"):
            if not (history.can_undo if op == "undo" else history.can_redo):
                raise JournalError(f"journal line {rec.get('seq')}: {op} with nothing to {op}")
            change = history.undo() if op == "undo" else history.redo()
            overlay = overlay.with_states(change.before if op == "undo" else change.after)
        elif op == "version":
            out.version = int(rec["n"])
        elif op == "snapshot":
            overlay = Overlay(decode_groups(rec["rows"]))
            history = History()
            out.version = rec.get("version")
        elif op == "begin":
            pass
        else:
            out.warnings.append(f"journal: unknown entry {op!r} ignored")
    out.overlay, out.history = overlay, history
    return out


def compact_records(overlay: Overlay, history: History, version: int | None, keep_undo: int | None = None) -> list[dict]:
    """Records that replay to ``overlay`` and the last ``keep_undo`` undo steps (and the
    whole redo stack): a snapshot of the state below the kept steps, then those steps."""
    undo = list(history.undo_stack)
    redo = list(history.redo_stack)
    if keep_undo is not None:
        undo = undo[max(0, len(undo) - keep_undo):]
    bottom = overlay
    for change in reversed(undo):
        bottom = bottom.with_states(change.before)
    records: list[dict] = [
        {"op": "begin", "format": FORMAT},
        {"op": "snapshot", "version": version, "rows": encode_groups(bottom)},
    ]
    seq = 0
    for change in undo + redo[::-1]:
        seq += 1
        records.append({"op": "apply", "seq": seq, "label": change.label, "cmd": {"kind": "compacted"},
                        "rows": encode_groups(change.after)})
    for _ in redo:
        seq += 1
        records.append({"op": "undo", "seq": seq})
    return records


class Journal:
    """Append-only JSONL file; ``append`` returns only once the line is on disk."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / JOURNAL_NAME
        self._fd = -1

    def read(self) -> tuple[list[dict], list[str], int]:
        """(records, warnings, length of the intact prefix). A damaged last line is a
        warning; a damaged line followed by good ones raises JournalError."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return [], [], 0
        records, warnings = [], []
        pos, good, bad_at = 0, 0, None
        while pos < len(data):
            nl = data.find(b"\n", pos)
            end = len(data) if nl < 0 else nl
            line = data[pos:end]
            pos = end + 1
            if not line.strip():
                if bad_at is None:
                    good = min(pos, len(data))
                continue
            rec = _parse(line) if nl >= 0 else None  # no newline: the write never finished
            if rec is None:
                if bad_at is None:
                    bad_at = len(records) + 1
                    warnings.append(
                        f"journal {self.path}: ignored an incomplete last entry ({len(line)} bytes), "
                        "probably from a crash while it was being written"
                    )
                continue
            if bad_at is not None:
                raise JournalError(f"{self.path}: entry {bad_at} is damaged but later entries are intact")
            records.append(rec)
            good = pos
        for w in warnings:
            log.warning(w)
        return records, warnings, good

    @property
    def is_open(self) -> bool:
        return self._fd >= 0

    def open_for_append(self, good_bytes: int | None = None) -> None:
        """Open for appending, first cutting off a torn tail beyond ``good_bytes``."""
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            if good_bytes is not None and os.fstat(fd).st_size > good_bytes:
                os.ftruncate(fd, good_bytes)
                os.fsync(fd)
            if os.fstat(fd).st_size == 0:
                write_all(fd, encode({"op": "begin", "format": FORMAT}))
                os.fsync(fd)
        except OSError as exc:
            raise save_error(self.path, exc) from exc
        self.close()
        self._fd = fd

    def append(self, record: dict) -> None:
        """Write one line and fsync it; on failure the file is cut back and SaveError raised."""
        if self._fd < 0:
            raise SaveError(self.path, "the journal is not open for writing")
        data = encode(record)
        size = None
        try:
            st = os.fstat(self._fd)
            if st.st_nlink == 0:
                raise SaveError(self.path, "the journal file was deleted (was the project folder moved or deleted?)")
            size = st.st_size
            write_all(self._fd, data)
            os.fsync(self._fd)
        except OSError as exc:
            if size is not None:
                try:
                    os.ftruncate(self._fd, size)
                except OSError:
                    pass
            raise save_error(self.path, exc) from exc

    def rewrite(self, records: list[dict]) -> None:
        """Atomically replace the whole journal (compaction), then reopen for appending."""
        write_atomic(self.path, b"".join(encode(r) for r in records))
        if self._fd >= 0:
            self.open_for_append()

    def close(self) -> None:
        if self._fd >= 0:
            try:
                os.close(self._fd)
            finally:
                self._fd = -1


def _parse(line: bytes) -> dict | None:
    try:
        rec = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return rec if isinstance(rec, dict) and "op" in rec else None
