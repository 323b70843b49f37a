"""What each curator has done, read from their project folder without a lock (a reader
never takes one): the decisions of the journal's current state (saved or not), the time
of every journaled action, the finished review sessions (reviews.jsonl) and the latest
saved version. Curators keep working while this is read: the journal is append-only and
a torn last line is left for later, so a read sees every acknowledged action.

Time spent counts what a review session measures (its active time, pauses capped at
IDLE_CAP_S) and, outside finished sessions (a session still going, edits in the table,
a scripted `apply`), the gaps between consecutive actions, each capped the same way.

``ActivityCache`` keeps what it read per folder and reads a folder again only when its
journal, session log or versions changed (inode, size, modification time).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from app.core.curate.overlay import DECISIONS, Overlay
from app.core.store.journal import JOURNAL_NAME, Journal, JournalError, replay
from app.core.store.project import PROJECT_FILE
from app.core.store.review_session import IDLE_CAP_S, REVIEWS_FILE, ReviewLog
from app.core.store.versions import VersionError, VersionStore

_ACTIONS = ("apply", "merge", "undo", "redo")
_ISO = "%Y-%m-%dT%H:%M:%S%.f%:z"
DECIDED_SCHEMA = {"rid": pl.UInt64, "decision": pl.String, "reason": pl.String, "at": pl.String}


def epoch_seconds(times: list[str | None] | pl.Series) -> np.ndarray:
    """ISO times (as now_iso writes them) as seconds since the epoch; NaN where unreadable."""
    s = times if isinstance(times, pl.Series) else pl.Series(times, dtype=pl.String)
    ms = s.cast(pl.String).str.to_datetime(format=_ISO, strict=False, time_zone="UTC").dt.epoch("ms")
    return ms.cast(pl.Float64).fill_null(float("nan")).to_numpy() / 1000.0


def time_spent(actions: np.ndarray, sessions: list[tuple[float, float, float]], cap: float = IDLE_CAP_S) -> float:
    """Seconds of work: each finished session's active time, plus, for every action outside
    the sessions, the gap since the action or session end before it (at most ``cap``)."""
    t = np.sort(actions[np.isfinite(actions)])
    spans = sorted(s for s in sessions if np.isfinite(s[0]) and np.isfinite(s[1]))
    total = float(sum(max(0.0, a) for _, _, a in spans))
    if not t.size:
        return total
    starts = np.array([s for s, _, _ in spans])
    ends = np.array([e for _, e, _ in spans])
    # the last session starting at or before each action: is the action inside it?
    k = np.searchsorted(starts, t, side="right") - 1
    inside = (k >= 0) & (t <= ends[np.maximum(k, 0)] if ends.size else np.zeros(t.size, bool))
    prev = np.concatenate(([-np.inf], t[:-1]))
    if ends.size:  # a session that ended before the action is where its gap starts
        j = np.searchsorted(np.sort(ends), t, side="right") - 1
        last_end = np.where(j >= 0, np.sort(ends)[np.maximum(j, 0)], -np.inf)
        prev = np.maximum(prev, last_end)
    gaps = np.where(np.isfinite(prev), np.minimum(t - prev, cap), 0.0)
    return total + float(gaps[~inside].sum())


@dataclass
class Activity:
    name: str
    folder: Path
    exists: bool = False
    decided: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=DECIDED_SCHEMA))
    edited: int = 0  # rows with edits (decided or not)
    actions: np.ndarray = field(default_factory=lambda: np.empty(0))  # epoch seconds of every journaled action
    sessions: list[dict] = field(default_factory=list)
    version: dict | None = None  # the latest saved version: number, time, rows
    problem: str | None = None  # why the journal could only be read in part (or not at all)

    @property
    def spent_s(self) -> float:
        spans = [(a, b, float(s.get("active_seconds") or 0.0))
                 for s, a, b in zip(self.sessions, epoch_seconds([s.get("started") for s in self.sessions]),
                                    epoch_seconds([s.get("ended") for s in self.sessions]))]
        return time_spent(self.actions, spans)

    @property
    def last_action(self) -> float | None:
        finite = self.actions[np.isfinite(self.actions)]
        return float(finite.max()) if finite.size else None


def decided_frame(overlay: Overlay) -> pl.DataFrame:
    """rid, decision, reason, at of every accepted or rejected row of ``overlay``."""
    if not len(overlay):
        return pl.DataFrame(schema=DECIDED_SCHEMA)
    frame = overlay.overlay_frame()
    return frame.filter(pl.col("status").is_in(DECISIONS)).select(
        "rid", pl.col("status").alias("decision"), pl.col("reason").cast(pl.String), pl.col("at").cast(pl.String))


def read_activity(folder: Path | str, name: str | None = None) -> Activity:
    """One curator's project, read without a lock; a missing project is an empty Activity."""
    folder = Path(folder)
    out = Activity(name or folder.name.removesuffix(".curation"), folder)
    if not (folder / PROJECT_FILE).is_file():
        return out
    out.exists = True
    try:
        text = Journal(folder).read()
    except JournalError as exc:
        out.problem = str(exc)
        text = None
    if text is not None:
        for rec in text.records:  # where each row was is not needed here: not decoded (a tenth of the read)
            if "anchors" in rec:
                rec["anchors"] = {}
        rep = replay(text.records, lines=text.lines, source=str(folder / JOURNAL_NAME))
        problem = rep.problem or text.problem
        out.problem = str(problem) if problem is not None else None
        recs = text.records[:rep.count]
        out.actions = epoch_seconds([r.get("time") for r in recs if r.get("op") in _ACTIONS])
        out.decided = decided_frame(rep.overlay)
        out.edited = sum(1 for s in rep.overlay.values() if s.fields)
    out.sessions = ReviewLog(folder).read()
    try:
        store = VersionStore(folder / "versions")
        versions, _ = store.scan()
        if versions:
            v = versions[-1]
            out.version = {"version": v.number, "time": v.time, "rows": v.rows, "author": v.author}
    except VersionError as exc:
        out.problem = out.problem or str(exc)
    return out


def _stamp(folder: Path) -> tuple:
    """What changes when a curator does anything: the journal, the session log, versions."""
    out = []
    for p in (folder / JOURNAL_NAME, folder / REVIEWS_FILE, folder / "versions", folder / PROJECT_FILE):
        try:
            st = os.stat(p)
            out.append((st.st_ino, st.st_size, st.st_mtime_ns))
        except OSError:
            out.append(None)
    return tuple(out)


class ActivityCache:
    """read_activity per folder, read again only when the folder's files changed."""

    def __init__(self) -> None:
        self._seen: dict[Path, tuple[tuple, Activity]] = {}

    def read(self, folder: Path | str, name: str | None = None) -> Activity:
        folder = Path(folder).absolute()
        stamp = _stamp(folder)
        hit = self._seen.get(folder)
        if hit is not None and hit[0] == stamp and (name is None or hit[1].name == name):
            return hit[1]
        got = read_activity(folder, name)
        self._seen[folder] = (stamp, got)
        return got
