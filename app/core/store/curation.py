"""One curation session: release + project folder + overlay + undo history + journal +
versions (their steps live in curation_versions.py; following a changed release, in
curation_follow.py). The UI and the CLI talk to this facade; everything it does is a
core command.

Order of every action: plan the Change (pure) -> journal it (fsync) -> make it visible.
If the journal write fails nothing changes in memory and the caller gets a SaveError.
"""
from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Mapping

import polars as pl

from app.core.curate.anchors import Anchor
from app.core.curate.edits import Change, Command, make_change, plan_change
from app.core.curate.follow import Stale, StaleDecisionsError
from app.core.curate.history import History
from app.core.curate.overlay import EMPTY, BaseLookup, Overlay, RowState
from app.core.export.exporter import ExportResult, export_release
from app.core.io.atomic import SaveError, remove_stale_temps

from .curation_follow import FollowSteps
from .curation_versions import VersionSteps
from .journal import JOURNAL_NAME, Journal, PendingMerge, apply_record, compact_records, replay
from .project import (LockLostError, Project, ProjectLocationError, ReadOnlyError, default_author,
                      default_project_dir, fallback_project_dir, now_iso)
from .versions import BaseCheck, VersionError, VersionStore

COMPACT_BYTES = 32 << 20  # compact the journal after a save once it is this big
COMPACT_KEEP_UNDO = 500


__all__ = ["Curation", "ReadOnlyError", "LockLostError", "open_overlay"]


class Curation(VersionSteps, FollowSteps):
    def __init__(self, release, project: Project, author: str):
        self.release = release
        self.project = project
        self.author = author
        self.overlay = Overlay()
        self.history = History()
        self.notices: list[str] = []  # things the UI should tell the curator once
        self.recovered: tuple[int, int] | None = None  # (actions, since version K) replayed after an unclean stop
        self.warnings: list[str] = []  # recoverable problems found while opening
        self.last_version: int | None = None
        self.base_check: BaseCheck | None = None
        self._saved = Overlay()  # overlay of the last saved version
        self.journal_problem = None  # a JournalError: the journal was replayed only up to its line
        self._good_bytes = 0  # the journal's bytes before that line
        self._pending: PendingMerge | None = None  # a journaled merge whose version is not saved yet
        self.anchors: dict[int, Anchor] = {}  # where and what each decided row was (anchors.py)
        self._stale_reasons: dict[int, str] = {}  # why a decision no longer applies, as found
        self._journal_base: dict | None = None  # the release the journal last rebased onto
        self._stale_cache: tuple[Overlay, list[Stale]] | None = None
        self._base = BaseLookup(release.frame)
        self._lock = threading.RLock()
        self._frame_cache: tuple[Overlay, pl.DataFrame] | None = None
        self.journal = Journal(project.folder, guard=project.check_lock, project=project.id)
        self.store = VersionStore(project.versions_dir)
        self._read_only_reason = project.read_only_reason

    # ---- opening ---------------------------------------------------------------------

    @classmethod
    def open(cls, release, project_dir: Path | str | None = None, *, author: str | None = None,
             read_only: bool = False, fallback: bool = True) -> "Curation":
        """Open (or create) the project for ``release`` and replay its journal.

        Without ``project_dir`` the project is ``<release>.curation`` beside the release;
        if that folder cannot be created and ``fallback`` is set, a folder in the user's
        data folder is used and ``notices`` says so. Another writer -> ``read_only``.
        """
        identity = release.identity()
        label = ", ".join(str(p) for p in getattr(release, "paths", ())) or str(release.root)
        notices = []
        if project_dir is not None:
            project = Project.open(project_dir, identity, author=author, read_only=read_only, release_label=label)
        else:
            folder, spare = default_project_dir(release), fallback_project_dir(release)
            try:
                project = Project.open(folder, identity, author=author, read_only=read_only, release_label=label,
                                       fallback=spare)
            except ProjectLocationError as exc:
                if not fallback:
                    raise
                project = Project.open(spare, identity, author=author, read_only=read_only, release_label=label)
                notices.append(f"{exc.path} cannot be used ({exc.reason}); the curation project is kept at {spare}")
        self = cls(release, project, author or default_author())
        self.notices += notices
        try:
            self._load()
        except BaseException:
            self.close()  # e.g. a damaged journal: do not keep the lock
            raise
        return self

    def _load(self) -> None:
        text = self.journal.read()
        rep = replay(text.records, project=self.project.id, lines=text.lines, source=str(self.journal.path))
        self.overlay, self.history, self.journal.seq = rep.overlay, rep.history, rep.seq
        self._pending = rep.pending
        self.anchors, self._stale_reasons, self._journal_base = rep.anchors, rep.stale, rep.base
        self.warnings += text.warnings + rep.warnings
        self.journal_problem = rep.problem or text.problem
        self._good_bytes = text.end_of(rep.count)
        if self.journal_problem is not None:
            self.warnings.append(str(self.journal_problem))
        if not self.project.read_only:
            for folder in (self.project.folder, self.store.folder):
                remove_stale_temps(folder)
            try:
                self.notices += self.store.recover()
            except (VersionError, SaveError) as exc:
                self.warnings.append(str(exc))
        try:
            versions, problems = self.store.scan()
        except VersionError as exc:
            versions, problems = [], [exc]
        self.warnings += [str(p) for p in problems]
        latest = versions[-1].number if versions else None
        self.last_version = latest
        if latest is not None:
            try:
                self._saved = self.store.overlay(latest)
            except VersionError as exc:
                self.warnings.append(str(exc))
        if self.journal_problem is not None and not self.project.read_only:
            # keep the lock: keep_good_records() may go on writing without a race
            self._read_only_reason = (f"{self.journal_problem}; showing the state up to the line before it "
                                      "(keep that state to go on: the rest of the journal is set aside)")
        elif not self.project.read_only:
            try:
                self.journal.open_for_append(text.good)
            except SaveError as exc:
                self._read_only_reason = f"the journal cannot be written: {exc.reason}"
                self.project.close()
            self._settle_quietly()
        if self.read_only and self.project.lock_holder is not None:
            self.notices.append(f"Opened read-only: {self._read_only_reason}")
        if self.project.unclean_stop is not None:  # the last writer never closed: what replay brought back
            self.recovered = (rep.since_version, rep.version if rep.version is not None else (latest or 0))
        self._follow_release()

    @property
    def read_only(self) -> bool:
        return self._read_only_reason is not None

    @property
    def read_only_reason(self) -> str | None:
        return self._read_only_reason

    @property
    def lock_holder(self):
        return self.project.lock_holder

    @property
    def base_changed(self) -> bool:
        return self.base_check is not None

    @property
    def dirty(self) -> bool:
        """Changes since the last saved version."""
        return self.overlay != self._saved

    def _writable(self) -> None:
        if self.read_only:
            raise ReadOnlyError(f"the curation project is read-only: {self._read_only_reason}")

    @contextmanager
    def _writing(self):
        """Hold the session lock for one write; a lost project lock turns this session
        read-only (the journal's guard and ``_check_lock`` raise LockLostError)."""
        with self._lock:
            self._writable()
            try:
                yield
            except LockLostError as exc:
                self._read_only_reason = str(exc)
                self.journal.close()
                raise

    # ---- commands ----------------------------------------------------------------------

    def apply(self, cmd: Command) -> Change:
        """Apply a command; returns once it is journaled. A no-op returns an empty Change."""
        with self._writing():
            now = now_iso()
            change = plan_change(cmd, self.overlay, self._base, author=self.author, now=now)
            if not change.changed:
                return change
            anchors = self._anchors_of(change)
            self.journal.append(apply_record(change, cmd.describe(), author=self.author, time=now, anchors=anchors))
            self.anchors.update(anchors)
            self.overlay = self.overlay.with_states(change.after)
            self.history.push(change)
            return change

    def _states_change(self, states: Mapping[int, RowState], label: str, now: str) -> Change:
        after = {rid: EMPTY if s.is_empty else s if s.by else s.stamped(self.author, now) for rid, s in states.items()}
        return make_change(label, {rid: self.overlay.get(rid) for rid in after}, after)

    def take_states(self, states: Mapping[int, RowState], label: str) -> Change:
        """Give rows exact states, keeping each state's own author and time where it has
        them (a merge takes the other curator's rows as they are). Undoable like apply."""
        with self._writing():
            now = now_iso()
            change = self._states_change(states, label, now)
            if not change.changed:
                return change
            cmd = {"kind": "SetStates", "n": len(states), "text": label}
            anchors = self._anchors_of(change)
            self.journal.append(apply_record(change, cmd, author=self.author, time=now, anchors=anchors))
            self.anchors.update(anchors)
            self.overlay = self.overlay.with_states(change.after)
            self.history.push(change)
            return change

    def undo(self) -> Change:
        return self._step("undo")

    def redo(self) -> Change:
        return self._step("redo")

    def _step(self, op: str) -> Change:
        with self._writing():
            if not (self.history.can_undo if op == "undo" else self.history.can_redo):
                return Change(f"Nothing to {op}")
            change = self.history.peek_undo() if op == "undo" else self.history.peek_redo()
            self.journal.append({"op": op, "time": now_iso()})
            if self._pending is not None and self._pending.change is change:
                self._pending.active = op == "redo"  # an undone merge needs no version
            if op == "undo":
                self.history.undo()
                self.overlay = self.overlay.with_states(change.before)
                return change.inverse(f"Undo {change.label}")
            self.history.redo()
            self.overlay = self.overlay.with_states(change.after)
            return Change(f"Redo {change.label}", change.rids, change.fields, change.before, change.after)

    @property
    def can_undo(self) -> bool:
        return self.history.can_undo

    @property
    def can_redo(self) -> bool:
        return self.history.can_redo

    @property
    def undo_label(self) -> str | None:
        return self.history.undo_label

    @property
    def redo_label(self) -> str | None:
        return self.history.redo_label

    # ---- frames ------------------------------------------------------------------------

    def current_frame(self) -> pl.DataFrame:
        """Base + edits + status/reason/edited_fields (cached per overlay snapshot)."""
        overlay = self.overlay
        cache = self._frame_cache
        if cache is not None and cache[0] is overlay:
            return cache[1]
        frame = overlay.current_frame(self.release.frame)
        self._frame_cache = (overlay, frame)
        return frame

    # ---- export ------------------------------------------------------------------------

    def export(self, out: Path | str, *, version: int | None = None, drop_stale: bool = False,
               **options) -> ExportResult:
        """Export the current state, or version ``version``; options as export_release.
        StaleDecisionsError when decisions no longer apply, unless ``drop_stale``."""
        overlay = self.overlay if version is None else self.load_version(version)
        stale = self.stale_of(version, overlay)
        if stale and not drop_stale:
            raise StaleDecisionsError(stale, overlay)
        protect = [self.project.folder, *options.pop("protect", ())]  # never over the project's own files
        return export_release(self.release, overlay, out, protect=protect, **options)

    # ---- housekeeping ------------------------------------------------------------------

    def _maybe_compact(self) -> None:
        if self.journal.path.stat().st_size > COMPACT_BYTES:
            self.compact()

    def compact(self, keep_undo: int | None = COMPACT_KEEP_UNDO) -> None:
        """Rewrite the journal as a snapshot + the last ``keep_undo`` undo steps."""
        with self._writing():
            self._settle_merge()  # its journal line is about to go
            if keep_undo is not None and len(self.history) > keep_undo:
                kept = History()
                for change in self.history.undo_stack[-keep_undo:]:
                    kept.push(change)
                for change in self.history.redo_stack:
                    kept._redo.append(change)
                self.history = kept
            self.journal.rewrite(self._compacted(self.last_version))

    def _compacted(self, version: int | None) -> list[dict]:
        return compact_records(self.overlay, self.history, version, anchors=self.anchors, base=self._journal_base,
                               stale=self._stale_reasons)

    def move_to(self, folder: Path | str) -> None:
        """Keep working in another project folder (the old one is gone or read-only):
        the current state and undo history go there, with whatever versions can be copied."""
        with self._lock:
            new = Project.open(folder, self.project.base_identity or self.release.identity(), author=self.author,
                               release_label=str(self.project.meta.get("release", "")))
            if new.read_only:
                new.close()
                raise ReadOnlyError(f"cannot move the project to {new.folder}: {new.read_only_reason}")
            if _holds_work(new):  # never overwrite another project's journal or versions
                new.close()
                raise ProjectLocationError(new.folder, "it already holds a curation project's journal or versions")
            journal = Journal(new.folder, guard=new.check_lock, project=new.id)
            try:
                journal.rewrite(self._compacted(None))
                journal.open_for_append()
            except SaveError:
                new.close()
                raise
            copied = self._copy_versions(new.versions_dir)
            self.journal.close()
            self.project.close()
            self.project, self.journal, self.store = new, journal, VersionStore(new.versions_dir)
            self._read_only_reason = None
            self.last_version = self.store.latest()
            self._saved = self.store.overlay(self.last_version) if self.last_version else Overlay()
            self.journal_problem = None
            self.notices.append(f"The curation project is now at {new.folder} ({copied} version files copied)")
            self._settle_quietly()  # a merge still without its version gets it there

    def _copy_versions(self, target: Path) -> int:
        copied = 0
        try:
            names = sorted(p for p in self.store.folder.iterdir() if p.suffix in (".json", ".jsonl"))
        except OSError:
            return 0
        try:
            target.mkdir(parents=True, exist_ok=True)
            for p in names:
                shutil.copy2(p, target / p.name)
                copied += 1
        except OSError as exc:
            self.warnings.append(f"could not copy old versions: {exc}")
        return copied

    def keep_good_records(self) -> Path | None:
        """After a journal problem (``journal_problem``): keep the state shown, replayed up
        to the line before the bad one, and go on writing. The journal's lines from the bad
        one on are moved to a file beside it (never deleted), whose path is returned (None
        when there was no problem). ReadOnlyError when another process holds the lock."""
        with self._lock:
            problem = self.journal_problem
            if problem is None:
                return None
            if self.project.read_only:
                raise ReadOnlyError(f"the curation project is read-only: {self.project.read_only_reason}")
            try:
                aside = self.journal.replace_with_prefix(self._good_bytes)
                self.journal.open_for_append()
            except LockLostError as exc:
                self._read_only_reason = str(exc)
                raise
            self.journal_problem, self._read_only_reason = None, None
            self.notices.append(f"Kept the state before the journal's damaged part ({problem}); "
                                f"that part was set aside in {aside}")
            self._settle_quietly()
            return aside

    def close(self) -> None:
        with self._lock:
            self.journal.close()
            self.project.close()

    def __enter__(self) -> "Curation":
        return self

    def __exit__(self, *exc) -> None:
        self.close()



def _holds_work(project: Project) -> bool:
    try:
        journal = (project.folder / JOURNAL_NAME).stat().st_size > 0
    except FileNotFoundError:
        journal = False
    try:
        versions = any(os.scandir(project.versions_dir))
    except FileNotFoundError:
        versions = False
    return journal or versions


def open_overlay(release, project_dir: Path | str, version: int | None = None) -> Overlay:
    """The overlay for `python -m app export --project DIR [--version N]`: the journal's
    current state, or version N (0: no changes). Read-only: takes no lock."""
    with Curation.open(release, project_dir, read_only=True) as c:
        if version is None and c.journal_problem is not None:
            raise c.journal_problem  # never a state silently cut short
        return c.overlay if version is None else c.load_version(version)
