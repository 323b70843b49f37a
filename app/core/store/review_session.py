"""Review sessions: the queue of items to review, the session's tally and throughput,
and the record of sessions kept in the curation project (``reviews.jsonl``).

The queue is a snapshot of the current view (frame positions in sort order) taken when
review starts or the view changes; decisions made while reviewing update its flags in
place, so the queue never shifts under the curator's feet. Everything here is per key
cheap: O(1) lookups or one vectorised comparison over the queue.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import polars as pl

from app.core.curate.edits import Change
from app.core.curate.overlay import Overlay, RowState, keeping, make_state
from app.core.io.atomic import SaveError, fsync_dir, save_error, write_all
from app.core.curate.pathedits import base_value, resolve_field
from app.core.load.schema import LIST_FIELDS, rid_hex

from .project import default_author, now_iso

REVIEWS_FILE = "reviews.jsonl"
RECORD_FORMAT = "cqia-review-session/1"
DEFAULT_REASONS = ("重复", "低质量", "事实错误", "不安全", "格式错误", "答非所问", "其他")
DEFAULT_REASON = "其他"
MAX_REASONS = 9  # one digit key each
IDLE_CAP_S = 60.0  # a pause longer than this counts as this long: a coffee break does not sink the rate
KEEP = object()  # edited_state: keep the row's decision


NONE, ACCEPTED, REJECTED = 0, 1, 2  # ReviewQueue.codes
_CODE = {None: NONE, "accepted": ACCEPTED, "rejected": REJECTED}


class ReviewQueue:
    """Items in view order: frame ``positions``, their ``rids``, and the decision on each
    (``codes``: NONE / ACCEPTED / REJECTED), with running counts of both."""

    def __init__(self, positions: np.ndarray, rids: np.ndarray, codes: np.ndarray):
        self.positions = np.asarray(positions, dtype=np.int64)
        self.rids = np.asarray(rids, dtype=np.uint64)
        self.codes = np.asarray(codes, dtype=np.uint8).copy()
        self._count()

    def _count(self) -> None:
        counts = np.bincount(self.codes, minlength=3)
        self._reviewed, self._rejected = int(counts[ACCEPTED] + counts[REJECTED]), int(counts[REJECTED])

    @classmethod
    def build(cls, frame_rids: np.ndarray | pl.Series, positions: np.ndarray, overlay: Overlay, *,
              unreviewed_only: bool = False) -> "ReviewQueue":
        """The queue for a view: ``positions`` index ``frame_rids`` (the frame's rid column)."""
        all_rids = frame_rids.to_numpy() if isinstance(frame_rids, pl.Series) else np.asarray(frame_rids)
        positions = np.asarray(positions, dtype=np.int64)
        rids = all_rids[positions]
        codes = np.zeros(rids.size, dtype=np.uint8)
        if len(overlay):
            ov = overlay.overlay_frame()
            for status, code in (("accepted", ACCEPTED), ("rejected", REJECTED)):
                codes[np.isin(rids, ov.filter(pl.col("status") == status)["rid"].to_numpy())] = code
        if unreviewed_only:
            keep = codes == NONE
            positions, rids, codes = positions[keep], rids[keep], codes[keep]
        return cls(positions, rids, codes)

    def __len__(self) -> int:
        return int(self.positions.size)

    def position(self, index: int) -> int:
        return int(self.positions[index])

    def rid(self, index: int) -> int:
        return int(self.rids[index])

    def is_decided(self, index: int) -> bool:
        return bool(self.codes[index])

    @property
    def decided(self) -> np.ndarray:
        return self.codes != NONE

    @property
    def reviewed(self) -> int:
        return self._reviewed

    @property
    def rejected(self) -> int:
        return self._rejected

    def index_of(self, rid: int) -> int | None:
        hits = np.flatnonzero(self.rids == np.uint64(rid))
        return int(hits[0]) if hits.size else None

    def first_unreviewed(self, start: int = 0) -> int | None:
        """The first undecided item at or after ``start``, else from the top; None if all are decided."""
        for lo, hi in ((start, len(self)), (0, start)):
            part = self.codes[lo:hi]
            if part.size:
                i = int(np.argmin(part))  # the first NONE, if there is one
                if part[i] == NONE:
                    return lo + i
        return None

    def update(self, change: Change) -> None:
        """Keep the decisions in step with a change (any command, undo or redo)."""
        if not change.rids or not len(self):
            return
        if len(change.after) <= 8:  # the review keys: one row, a scan of the queue is enough
            for rid, state in change.after.items():
                self.codes[self.rids == np.uint64(rid)] = _CODE[state.decision]
        else:
            keys = np.fromiter(change.after.keys(), dtype=np.uint64, count=len(change.after))
            codes = np.fromiter((_CODE[s.decision] for s in change.after.values()), dtype=np.uint8, count=keys.size)
            order = np.argsort(keys)
            keys, codes = keys[order], codes[order]
            at = np.minimum(np.searchsorted(keys, self.rids), keys.size - 1)
            hit = np.flatnonzero(keys[at] == self.rids)
            self.codes[hit] = codes[at[hit]]
        self._count()


def edited_state(old: RowState, base_row: Mapping[str, Any], edits: Mapping[str, Any], decision: Any = KEEP) -> RowState:
    """``old`` with ``edits`` applied (a value equal to the base drops that edit) and,
    unless KEEP, a new decision: one state, so edit-and-accept is one undo step."""
    fields = dict(old.fields)
    for name, value in edits.items():
        value = tuple(value) if name in LIST_FIELDS else value
        if name in LIST_FIELDS:
            base = tuple(base_row[name] or ())
        else:  # a conversation's instruction / output is kept at its turn's path
            name = resolve_field(base_row, name)
            base = base_value(base_row, name)
        if value == base:
            fields.pop(name, None)
        else:
            fields[name] = value
    if decision is KEEP:
        return keeping(old, old.decision, old.reason, fields)
    return keeping(old, decision, None, fields)


def label_values(frame: pl.DataFrame, column: str) -> list[str]:
    """Every distinct non-empty value of a label column, sorted (completion lists)."""
    values = frame.get_column(column).explode().drop_nulls().unique().sort()
    return [v for v in values.to_list() if v]


# ---- the session's tally ---------------------------------------------------------------

@dataclass
class Summary:
    accepted: int
    rejected: dict[str, int]  # reason ("" when none) -> rows
    edited: int
    seconds: float  # wall time in the mode
    active_seconds: float  # with pauses capped at IDLE_CAP_S

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    @property
    def decided(self) -> int:
        return self.accepted + self.rejected_total

    @property
    def rate_per_min(self) -> float | None:
        """Decisions per minute of active time; None until there is something to divide."""
        if not self.decided or self.active_seconds < 1.0:
            return None
        return self.decided * 60.0 / self.active_seconds


class SessionTally:
    """What this session did, as the net effect on each row it touched: undoing a decision
    takes it out of the tally, redoing puts it back."""

    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self.started = clock()
        self.started_at = now_iso()
        self._last = self.started
        self._active = 0.0
        self._start: dict[int, RowState] = {}  # each touched row as it was when the session began
        self._now: dict[int, RowState] = {}
        self._decided = 0  # rows this session decided (net): kept per change, read per key

    def _tick(self) -> float:
        now = self._clock()
        self._active += min(now - self._last, IDLE_CAP_S)
        self._last = now
        return now

    @staticmethod
    def _counts(start: RowState, state: RowState) -> bool:
        return state.decision is not None and (state.decision, state.reason) != (start.decision, start.reason)

    def note(self, change: Change) -> None:
        self._tick()
        for rid in change.rids:
            start = self._start.setdefault(rid, change.before[rid])
            self._decided -= self._counts(start, self._now.get(rid, start))
            self._now[rid] = change.after[rid]
            self._decided += self._counts(start, change.after[rid])

    def _active_now(self) -> tuple[float, float]:
        now = self._clock()
        return now, self._active + min(now - self._last, IDLE_CAP_S)

    def rate_per_min(self) -> float | None:
        """Decisions per active minute so far (O(1): the progress line asks on every key)."""
        _now, active = self._active_now()
        return Summary(self._decided, {}, 0, 0.0, active).rate_per_min

    def summary(self) -> Summary:
        now, active = self._active_now()
        accepted, edited, rejected = 0, 0, {}
        for rid, state in self._now.items():
            start = self._start[rid]
            if state.fields != start.fields:
                edited += 1
            if (state.decision, state.reason) == (start.decision, start.reason):
                continue
            if state.decision == "accepted":
                accepted += 1
            elif state.decision == "rejected":
                rejected[state.reason or ""] = rejected.get(state.reason or "", 0) + 1
        return Summary(accepted, rejected, edited, now - self.started, active)


@dataclass(frozen=True)
class Progress:
    reviewed: int
    total: int
    rate_per_min: float | None
    rejected: int  # rejected items of the queue

    @property
    def fraction(self) -> float:
        return self.reviewed / self.total if self.total else 0.0

    @property
    def eta_seconds(self) -> float | None:
        remaining = self.total - self.reviewed
        if remaining <= 0:
            return 0.0
        return remaining * 60.0 / self.rate_per_min if self.rate_per_min else None


def progress(queue: ReviewQueue, tally: SessionTally) -> Progress:
    """Where the view stands (reviewed and rejected items of the queue) at this session's pace."""
    return Progress(queue.reviewed, len(queue), tally.rate_per_min(), queue.rejected)


def format_duration(seconds: float | None) -> str:
    """'1h 24m', '5m 03s', '42s'; '—' when unknown."""
    if seconds is None:
        return "—"
    s = int(round(seconds))
    if s >= 3600:
        return f"{s // 3600}h {s % 3600 // 60:02d}m"
    if s >= 60:
        return f"{s // 60}m {s % 60:02d}s"
    return f"{s}s"


# ---- the record of sessions --------------------------------------------------------------

@dataclass
class SessionRecord:
    view: str  # FilterSpec.to_text() of the reviewed view
    unreviewed_only: bool
    queue: int
    reviewed: int
    summary: Summary
    last_rid: int | None
    index: int | None
    started: str
    author: str = field(default_factory=default_author)

    def to_json(self) -> dict:
        s = self.summary
        return {
            "format": RECORD_FORMAT, "author": self.author, "started": self.started, "ended": now_iso(),
            "view": self.view, "unreviewed_only": self.unreviewed_only, "queue": self.queue,
            "reviewed": self.reviewed, "accepted": s.accepted, "rejected": dict(sorted(s.rejected.items())),
            "edited": s.edited, "seconds": round(s.seconds, 1), "active_seconds": round(s.active_seconds, 1),
            "rate_per_min": None if s.rate_per_min is None else round(s.rate_per_min, 2),
            "last": None if self.last_rid is None else rid_hex(self.last_rid), "index": self.index,
        }


class ReviewLog:
    """``reviews.jsonl`` in the project folder: one line per finished session, appended
    and fsync'd (a crash loses at most the session in progress, never a decision: those
    are in the journal)."""

    def __init__(self, folder: Path | str):
        self.path = Path(folder) / REVIEWS_FILE

    def append(self, record: SessionRecord | dict) -> None:
        obj = record.to_json() if isinstance(record, SessionRecord) else record
        data = (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        new = not self.path.exists()
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            try:
                write_all(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            if new:
                fsync_dir(self.path.parent)
        except OSError as exc:
            raise save_error(self.path, exc) from exc

    def read(self) -> list[dict]:
        """Every intact record, oldest first (a torn or foreign line is skipped)."""
        try:
            lines = self.path.read_bytes().splitlines()
        except OSError:
            return []
        out = []
        for line in lines:
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict) and obj.get("format") == RECORD_FORMAT and isinstance(obj.get("view"), str):
                out.append(obj)
        return out

    def last(self, view: str | None = None) -> dict | None:
        """The latest session (of ``view``, if given)."""
        for obj in reversed(self.read()):
            if view is None or obj["view"] == view:
                return obj
        return None


def resume_index(queue: ReviewQueue, last: Mapping[str, Any] | None = None) -> int:
    """Where a session starts: the first unreviewed item of the view; when every item is
    decided, where the last session of this view stopped (else the top)."""
    first = queue.first_unreviewed(0)
    if first is not None:
        return first
    if last and last.get("last"):
        idx = queue.index_of(int(last["last"], 16))
        if idx is not None:
            return idx
    return 0


__all__ = [
    "DEFAULT_REASON", "DEFAULT_REASONS", "KEEP", "MAX_REASONS", "REVIEWS_FILE", "Progress", "ReviewLog",
    "ReviewQueue", "SaveError", "SessionRecord", "SessionTally", "Summary", "edited_state",
    "format_duration", "label_values", "progress", "resume_index",
]
