"""The write-ahead journal: one JSON line per applied command, undo, redo or version save,
fsync'ed before the caller reports the action as done.

Replaying it rebuilds the overlay and both undo stacks exactly. An ``apply`` line holds
every touched row's new state; its "before" is whatever replay has at that point, which
is exactly what it was when the command ran, so lines stay small.

Every line carries the project's id (``project``) and a sequence number (``seq``) one
higher than the line before; ``Journal.append`` stamps both. Replay stops at the first
line that breaks the rule (duplicated, out of order, from another project, missing a
key, or damaged with intact lines after it) and reports it as a JournalError naming the
line: the caller shows the state up to the line before, read-only, until the curator
keeps that state (the rest is set aside, never deleted). Lines an older app wrote have no
id and are accepted before the first line that has one.

A torn last line (a crash in the middle of a write) is ignored with a warning and cut off
before the next append. Compaction rewrites the file atomically as a snapshot plus the
commands still on the undo/redo stacks, numbered on from the last sequence number.

Record format (JSON object per line; unknown keys are ignored, so records can grow):
  common: op, project, seq, time
  begin:    format
  apply:    author, label, cmd, rows (``encode_groups``), anchors (rows first touched:
            anchors.Anchor of each, so the decision can follow its row if the release changes)
  anchors:  anchors (an older project's decided rows, anchored on a later open)
  rebase:   base (hash and file hashes of the release the project now curates), moves
            ([old rid, new rid, file, line]: decisions that followed their rows), stale
            ({rid: why}: decisions that no longer apply); replay puts every state, undo
            step and anchor on the new ids
  undo, redo
  version:  n, merge (the seq of the merge line whose version this is, if any)
  snapshot: version, rows, anchors, base, stale
  merge:    author, label, rows, message, extra: a merge's rows and the manifest keys of
            the version that records it, in one line; replay reports it as ``pending``
            until a version line names its seq, so a merge whose version a crash kept
            from being saved is saved on the next writable open
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

from app.core.curate.anchors import Anchor, decode_anchors, encode_anchors
from app.core.curate.edits import Change, make_change
from app.core.curate.history import History
from app.core.curate.overlay import EMPTY, Overlay, RowState
from app.core.io.atomic import SaveError, describe_oserror, save_error, write_all, write_atomic, write_new
from app.core.load.schema import rid_from_hex, rid_hex

from .project import ProjectError

log = logging.getLogger(__name__)

JOURNAL_NAME = "journal.jsonl"
ASIDE_PREFIX = "journal.set-aside-"  # lines set aside by ``replace_with_prefix``
FORMAT = "cqia-curation-journal/1"


class JournalError(ProjectError):
    """A journal line that cannot be replayed (the message names the file and line), or a
    journal that cannot be read at all."""


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


def apply_record(change: Change, command: dict, *, author: str | None, time: str,
                 anchors: Mapping[int, Anchor] | None = None) -> dict:
    rec = {"op": "apply", "time": time, "author": author, "label": change.label, "cmd": command,
           "rows": encode_groups(change.after, author, time)}
    if anchors:
        rec["anchors"] = encode_anchors(anchors)
    return rec


def base_of(identity: Mapping) -> dict:
    """What the journal keeps of a release identity: its hash and each file's hash."""
    files = identity.get("files") or []
    return {"hash": identity.get("hash"), "files": {f["file"]: f["xxh3"] for f in files} if isinstance(files, list) else dict(files)}


def rebase_record(base: Mapping, moves: Mapping[int, tuple[int, str, int]], stale: Mapping[int, str]) -> dict:
    """Decisions follow their rows into the release ``base`` (base_of an identity):
    ``moves`` old rid -> (new rid, file, line); ``stale`` rid -> why it no longer applies."""
    return {"op": "rebase", "base": dict(base),
            "moves": [[rid_hex(o), rid_hex(n), f, ln] for o, (n, f, ln) in moves.items()],
            "stale": {rid_hex(r): why for r, why in stale.items()}}


@dataclass
class PendingMerge:
    """A journaled merge whose version is not known to be saved yet."""

    seq: int  # its journal line's sequence number (the version's manifest names it)
    overlay: Overlay  # the state right after the merge: what its version holds
    change: Change | None  # the undoable step (None: the merge changed no row)
    message: str
    extra: dict  # manifest keys ("merge": parents, base, resolutions)
    author: str | None
    time: str | None
    active: bool = True  # False while the merge is undone


def merge_record(change: Change, *, author: str | None, time: str, message: str, extra: dict,
                 anchors: Mapping[int, Anchor] | None = None) -> dict:
    rec = {"op": "merge", "time": time, "author": author, "label": change.label, "message": message,
           "extra": extra, "rows": encode_groups(change.after, author, time)}
    if anchors:
        rec["anchors"] = encode_anchors(anchors)
    return rec


@dataclass
class Replay:
    overlay: Overlay = field(default_factory=Overlay)
    history: History = field(default_factory=History)
    seq: int = 0  # sequence number of the last replayed line
    version: int | None = None  # last version saved according to the journal
    warnings: list[str] = field(default_factory=list)
    count: int = 0  # records replayed (all of them unless ``problem``)
    problem: JournalError | None = None  # the first record that could not be replayed
    project: str | None = None  # the project id the lines carry
    pending: PendingMerge | None = None  # a merge whose version line has not been seen
    anchors: dict[int, Anchor] = field(default_factory=dict)  # rid -> where and what the row was
    base: dict | None = None  # the release the decisions were last rebased onto (base_of)
    stale: dict[int, str] = field(default_factory=dict)  # rid -> why its decision no longer applies
    since_version: int = 0  # actions (apply, merge, undo, redo) after the last version line or snapshot

    def rebase(self, base: Mapping, moves: Mapping[int, tuple[int, str, int]], stale: Mapping[int, str]) -> None:
        """Put every state, undo step, anchor and a pending merge on the rows' new ids."""
        ids = {old: new for old, (new, _, _) in moves.items()}
        if ids:
            states = {old: self.overlay.get(old) for old in ids}
            cleared = {old: EMPTY for old in ids if old not in set(ids.values())}
            self.overlay = self.overlay.with_states(cleared).with_states({ids[o]: s for o, s in states.items()})
            swapped = self.history.rekey(ids)
            for old, (new, file, line) in moves.items():
                anchor = self.anchors.pop(old, None)
                if anchor is not None:
                    self.anchors[new] = anchor.moved(file, line)
                self.stale.pop(old, None)
            p = self.pending
            if p is not None:
                p.overlay = Overlay({ids.get(r, r): s for r, s in p.overlay.items()})
                p.change = swapped.get(id(p.change), p.change)
        self.stale.update(stale)
        self.base = dict(base)


_UNNUMBERED = ("begin", "snapshot")  # an older app wrote these without a sequence number


def _check_order(rec: dict, out: Replay, legacy_ok: bool) -> tuple[int, bool]:
    """(the record's sequence number or the last one, whether old unmarked lines may still
    follow); JournalError when it is not the next line of this project."""
    pid, seq = rec.get("project"), rec.get("seq")
    if pid is None:
        if not legacy_ok:
            raise JournalError("has no project id, but an earlier line has one (written by another program?)")
    elif out.project is None:
        out.project = pid
    elif pid != out.project:
        raise JournalError(f"belongs to another project (id {pid}; this project's is {out.project})")
    if seq is None and pid is None and rec.get("op") in _UNNUMBERED:
        return out.seq, legacy_ok
    if not isinstance(seq, int) or isinstance(seq, bool):
        raise JournalError("has no sequence number")
    if seq == out.seq:
        raise JournalError(f"repeats sequence number {seq} (a duplicated line)")
    if seq < out.seq:
        raise JournalError(f"has sequence number {seq} after {out.seq} (a line out of order or from an older copy)")
    return seq, legacy_ok and pid is None


def _set(rows: dict[int, RowState], states: Mapping[int, RowState]) -> None:
    for rid, state in states.items():
        if state.is_empty:
            rows.pop(rid, None)
        else:
            rows[rid] = state


def replay(records: Iterable[dict], *, project: str | None = None, lines: list[int] | None = None,
           source: str = JOURNAL_NAME) -> Replay:
    """Rebuild overlay and history from journal records, in order, up to the first record
    that cannot be replayed (``problem``, naming ``source`` and its line from ``lines``).
    ``project``: the id the lines must carry (None: the first id seen).

    The state is kept in one dict changed in place (linear in the journal's length; an
    Overlay per line would copy every row each time). Each record is read whole before
    anything changes, so a record that cannot be replayed leaves the state of the line
    before it."""
    out = Replay(project=project)
    rows: dict[int, RowState] = {}
    legacy_ok = True
    for i, rec in enumerate(records):
        history = out.history
        try:
            seq, legacy_ok = _check_order(rec, out, legacy_ok)
            op = rec.get("op")
            if op in ("apply", "merge"):
                anchors = decode_anchors(rec.get("anchors"))
                after = decode_groups(rec["rows"], rec.get("author"), rec.get("time"))
                change = make_change(rec.get("label", ""), {r: rows.get(r, EMPTY) for r in after}, after)
                pending = None
                if op == "merge":
                    message, extra = str(rec["message"]), dict(rec["extra"])
                    pending = PendingMerge(seq, Overlay(rows).with_states(change.after),
                                           change if change.changed else None, message, extra, rec.get("author"),
                                           rec.get("time"))
                out.anchors.update(anchors)
                if op == "apply" or change.changed:  # a merge that changed no row is no undo step
                    _set(rows, change.after)
                    history.push(change)
                out.pending = pending or out.pending
                out.since_version += 1
            elif op in ("undo", "redo"):
                if not (history.can_undo if op == "undo" else history.can_redo):
                    raise JournalError(f"{op} with nothing to {op}")
                change = history.undo() if op == "undo" else history.redo()
                _set(rows, change.before if op == "undo" else change.after)
                if out.pending is not None and out.pending.change is change:
                    out.pending.active = op == "redo"  # an undone merge needs no version
                out.since_version += 1
            elif op == "version":
                version = int(rec["n"])
                out.version, out.since_version = version, 0
                if out.pending is not None and rec.get("merge") == out.pending.seq:
                    out.pending = None
            elif op == "snapshot":
                fresh = dict(decode_groups(rec["rows"]))
                anchors = decode_anchors(rec.get("anchors"))
                stale = {rid_from_hex(k): str(v) for k, v in (rec.get("stale") or {}).items()}
                rows = {r: s for r, s in fresh.items() if not s.is_empty}
                out.history = History()
                out.version, out.pending, out.since_version = rec.get("version"), None, 0
                out.anchors, out.base, out.stale = anchors, rec.get("base"), stale
            elif op == "anchors":
                out.anchors.update(decode_anchors(rec["anchors"]))
            elif op == "rebase":
                moves = {rid_from_hex(o): (rid_from_hex(n), str(f), int(ln)) for o, n, f, ln in rec["moves"]}
                stale = {rid_from_hex(k): str(v) for k, v in rec["stale"].items()}
                base = rec["base"]
                out.overlay = Overlay(rows)
                out.rebase(base, moves, stale)
                rows = dict(out.overlay.items())
            elif op != "begin":
                raise JournalError(f"unknown entry {op!r} (written by a newer version of the app?)")
        except (JournalError, KeyError, ValueError, TypeError, AttributeError) as exc:
            why = f"no {exc} key" if isinstance(exc, KeyError) else str(exc) or type(exc).__name__
            where = lines[i] if lines is not None and i < len(lines) else i + 1
            out.problem = JournalError(f"{source} line {where}: {why}")
            break
        out.seq, out.count = seq, out.count + 1
    out.overlay = Overlay(rows)
    return out


def compact_records(overlay: Overlay, history: History, version: int | None, keep_undo: int | None = None, *,
                    anchors: Mapping[int, Anchor] | None = None, base: Mapping | None = None,
                    stale: Mapping[int, str] | None = None) -> list[dict]:
    """Records that replay to ``overlay`` and the last ``keep_undo`` undo steps (and the
    whole redo stack): a snapshot of the state below the kept steps (with the anchors of
    every row they touch, the base and the stale reasons), then those steps."""
    undo = list(history.undo_stack)
    redo = list(history.redo_stack)
    if keep_undo is not None:
        undo = undo[max(0, len(undo) - keep_undo):]
    bottom = overlay
    for change in reversed(undo):
        bottom = bottom.with_states(change.before)
    snapshot = {"op": "snapshot", "version": version, "rows": encode_groups(bottom)}
    if anchors:
        touched = set(overlay) | {r for c in undo + redo for r in c.rids}
        snapshot["anchors"] = encode_anchors({r: a for r, a in anchors.items() if r in touched})
    if base is not None:
        snapshot["base"] = dict(base)
    if stale:
        snapshot["stale"] = {rid_hex(r): why for r, why in stale.items() if r in overlay}
    records: list[dict] = [{"op": "begin", "format": FORMAT}, snapshot]
    for change in undo + redo[::-1]:
        records.append({"op": "apply", "label": change.label, "cmd": {"kind": "compacted"},
                        "rows": encode_groups(change.after)})
    records += [{"op": "undo"} for _ in redo]
    return records


@dataclass
class JournalText:
    """What ``Journal.read`` found: the records with their line numbers and the byte offset
    just past each, warnings (a torn last line), the length of the intact prefix, and a
    damaged line followed by intact ones (``problem``; records stop before it)."""

    records: list[dict] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    good: int = 0
    problem: JournalError | None = None

    def end_of(self, count: int) -> int:
        """Bytes up to the end of the first ``count`` records (their begin line included)."""
        return self.ends[count - 1] if count else 0


class Journal:
    """Append-only JSONL file; ``append`` returns only once the line is on disk.

    ``guard`` is called before every append and rewrite: the writer's check that it still
    holds the project lock (it raises to stop the write)."""

    def __init__(self, folder: Path, guard: Callable[[], None] | None = None, project: str | None = None):
        self.path = Path(folder) / JOURNAL_NAME
        self.project = project  # the id stamped on every line
        self.seq = 0  # the last line's sequence number (set from replay)
        self._fd = -1
        self._guard = guard or (lambda: None)

    def read(self) -> JournalText:
        """The journal's records. A damaged last line is a warning; a damaged line followed
        by good ones ends the records there (``problem``). JournalError if unreadable."""
        out = JournalText()
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return out
        except OSError as exc:
            raise JournalError(f"cannot read {self.path}: {describe_oserror(exc)}") from exc
        pos, line_no, bad = 0, 0, None
        while pos < len(data):
            nl = data.find(b"\n", pos)
            end = len(data) if nl < 0 else nl
            line = data[pos:end]
            start, pos = pos, end + 1
            line_no += 1
            if not line.strip():
                if bad is None:
                    out.good = min(pos, len(data))
                continue
            rec = _parse(line) if nl >= 0 else None  # no newline: the write never finished
            if rec is None:
                if bad is None:
                    bad = (line_no, start, len(line))
                continue
            if bad is not None:  # intact lines after the damaged one: not a torn write
                out.problem = JournalError(f"{self.path} line {bad[0]}: damaged (not a journal entry), "
                                           "with intact lines after it")
                out.good = bad[1]
                return out
            out.records.append(rec)
            out.lines.append(line_no)
            out.ends.append(min(pos, len(data)))
            out.good = min(pos, len(data))
        if bad is not None:
            out.warnings.append(f"journal {self.path}: ignored an incomplete last entry ({bad[2]} bytes), "
                                "probably from a crash while it was being written")
            log.warning(out.warnings[-1])
        return out

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
            begin = os.fstat(fd).st_size == 0
            if begin:
                write_all(fd, encode(self._stamp({"op": "begin", "format": FORMAT}, self.seq + 1)))
                os.fsync(fd)
        except OSError as exc:
            raise save_error(self.path, exc) from exc
        self.close()
        self._fd = fd
        self.seq += begin

    def _stamp(self, record: dict, seq: int) -> dict:
        """The record as written: op, project id and sequence number first."""
        head = {"op": record["op"], "project": self.project, "seq": seq}
        if self.project is None:
            del head["project"]
        return {**head, **{k: v for k, v in record.items() if k not in head}}

    def append(self, record: dict) -> int:
        """Write one line (stamped with the project id and the next sequence number) and
        fsync it; returns its sequence number. On failure the file is cut back, SaveError
        raised, and the sequence number is not used."""
        if self._fd < 0:
            raise SaveError(self.path, "the journal is not open for writing")
        self._guard()
        data = encode(self._stamp(record, self.seq + 1))
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
                except OSError:  # part of the line may stay: a line after it would reuse its number
                    self.close()
            raise save_error(self.path, exc) from exc
        self.seq += 1
        return self.seq

    def rewrite(self, records: list[dict]) -> None:
        """Atomically replace the whole journal (compaction) with ``records``, numbered on
        from the last sequence number, then reopen for appending."""
        self._guard()
        write_atomic(self.path, b"".join(encode(self._stamp(r, self.seq + i)) for i, r in enumerate(records, 1)))
        self.seq += len(records)
        if self._fd >= 0:
            self.open_for_append()

    def replace_with_prefix(self, keep: int) -> Path:
        """Keep only the first ``keep`` bytes; the rest goes to a new file beside the journal
        (``journal.set-aside-<n>.jsonl``, never deleted), whose path is returned."""
        self._guard()
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise save_error(self.path, exc) from exc
        for n in range(1, 10000):
            aside = self.path.with_name(f"{ASIDE_PREFIX}{n}.jsonl")
            try:
                write_new(aside, data[keep:])
                break
            except FileExistsError:
                continue
        else:
            raise SaveError(self.path.parent, "too many set-aside journal files")
        write_atomic(self.path, data[:keep])
        if self._fd >= 0:
            self.open_for_append()
        return aside

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
