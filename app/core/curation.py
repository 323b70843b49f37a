"""One curation session: release + project folder + overlay + undo history + journal +
versions. The UI and the CLI talk to this facade; everything it does is a core command.

Order of every action: plan the Change (pure) -> journal it (fsync) -> make it visible.
If the journal write fails nothing changes in memory and the caller gets a SaveError.
"""
from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Mapping

import polars as pl

from .atomic import SaveError, remove_stale_temps
from .edits import Change, Command, SetStates, make_change, plan_change
from .export import ExportResult, export_release
from .history import History
from .journal import Journal, apply_record, compact_records, replay
from .overlay import EMPTY, BaseLookup, Overlay, RowState
from .project import (Project, ProjectError, ProjectLocationError, default_author, default_project_dir,
                      fallback_project_dir, now_iso)
from .versions import (BaseCheck, RowDiff, VersionError, VersionInfo, VersionStore, records_by_rid, build_records,
                       check_records, diff_versions)

COMPACT_BYTES = 32 << 20  # compact the journal after a save once it is this big
COMPACT_KEEP_UNDO = 500


class ReadOnlyError(ProjectError):
    """The project is open read-only (another process writes it, or the folder is not writable)."""


class Curation:
    def __init__(self, release, project: Project, author: str):
        self.release = release
        self.project = project
        self.author = author
        self.overlay = Overlay()
        self.history = History()
        self.notices: list[str] = []  # things the UI should tell the curator once
        self.warnings: list[str] = []  # recoverable problems found while opening
        self.last_version: int | None = None
        self.base_check: BaseCheck | None = None
        self._saved = Overlay()  # overlay of the last saved version
        self._seq = 0
        self._base = BaseLookup(release.frame)
        self._lock = threading.RLock()
        self._frame_cache: tuple[Overlay, pl.DataFrame] | None = None
        self.journal = Journal(project.folder)
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
        records, warnings, good = self.journal.read()
        rep = replay(records, str(self.journal.path))
        self.overlay, self.history, self._seq = rep.overlay, rep.history, rep.seq
        self.warnings += warnings + rep.warnings
        latest = self.store.latest()
        self.last_version = latest
        if latest is not None:
            try:
                self._saved = self.store.overlay(latest)
            except VersionError as exc:
                self.warnings.append(str(exc))
        if not self.project.read_only:
            for folder in (self.project.folder, self.store.folder):
                remove_stale_temps(folder)
            try:
                self.journal.open_for_append(good)
            except SaveError as exc:
                self._read_only_reason = f"the journal cannot be written: {exc.reason}"
                self.project.close()
        if self.read_only and self.project.lock_holder is not None:
            self.notices.append(f"Opened read-only: {self._read_only_reason}")
        if not self.project.base_matches(self.release.identity()):
            self.base_check = self.check_against_base()
            self.notices.append(
                f"The release changed since this project was made: {len(self.base_check.matching)} recorded "
                f"changes still match their rows, {len(self.base_check.stale)} do not"
            )

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

    # ---- commands ----------------------------------------------------------------------

    def apply(self, cmd: Command) -> Change:
        """Apply a command; returns once it is journaled. A no-op returns an empty Change."""
        with self._lock:
            self._writable()
            now = now_iso()
            change = plan_change(cmd, self.overlay, self._base, author=self.author, now=now)
            if not change.changed:
                return change
            self.journal.append(apply_record(self._seq + 1, change, cmd.describe(), author=self.author, time=now))
            self._seq += 1
            self.overlay = self.overlay.with_states(change.after)
            self.history.push(change)
            return change

    def take_states(self, states: Mapping[int, RowState], label: str) -> Change:
        """Give rows exact states, keeping each state's own author and time where it has
        them (a merge takes the other curator's rows as they are). Undoable like apply."""
        with self._lock:
            self._writable()
            now = now_iso()
            after = {rid: EMPTY if s.is_empty else s if s.by else s.stamped(self.author, now) for rid, s in states.items()}
            change = make_change(label, {rid: self.overlay.get(rid) for rid in after}, after)
            if not change.changed:
                return change
            cmd = {"kind": "SetStates", "n": len(after), "text": label}
            self.journal.append(apply_record(self._seq + 1, change, cmd, author=self.author, time=now))
            self._seq += 1
            self.overlay = self.overlay.with_states(change.after)
            self.history.push(change)
            return change

    def undo(self) -> Change:
        return self._step("undo")

    def redo(self) -> Change:
        return self._step("redo")

    def _step(self, op: str) -> Change:
        with self._lock:
            self._writable()
            if not (self.history.can_undo if op == "undo" else self.history.can_redo):
                return Change(f"Nothing to {op}")
            change = self.history.peek_undo() if op == "undo" else self.history.peek_redo()
            self.journal.append({"op": op, "seq": self._seq + 1, "time": now_iso()})
            self._seq += 1
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

    # ---- versions ----------------------------------------------------------------------

    def save_version(self, message: str, author: str | None = None, *, extra: dict | None = None) -> VersionInfo:
        """Write the next version (diff of the current state against the base); ``extra``
        adds manifest keys (a merge's other parent and resolutions)."""
        with self._lock:
            self._writable()
            overlay = self.overlay
            parents = (self.last_version,) if self.last_version else ()
            info = self.store.save(overlay, self._base, message=message, author=author or self.author, time=now_iso(),
                                   identity=self.release.identity(), parents=parents,
                                   parent_overlay=self._saved, extra=extra)
            self.last_version, self._saved = info.number, overlay
            try:
                self.journal.append({"op": "version", "n": info.number, "seq": self._seq + 1, "time": info.time})
                self._seq += 1
                if self.journal.path.stat().st_size > COMPACT_BYTES:
                    self.compact()
            except (SaveError, OSError) as exc:  # the version itself is safe on disk
                self.warnings.append(f"version {info.number} saved, but the journal could not note it: {exc}")
            return info

    def versions(self) -> list[VersionInfo]:
        return self.store.list()

    def load_version(self, n: int) -> Overlay:
        """The overlay as of version ``n`` (0: the base release, no changes)."""
        return Overlay() if n == 0 else self.store.overlay(n)

    def diff_versions(self, old: int, new: int) -> list[RowDiff]:
        return diff_versions(self.store, old, new)

    def revert_to_version(self, n: int) -> Change:
        """Make the current state equal version ``n`` (undoable, like any command)."""
        target = self.load_version(n)
        states = {rid: target.get(rid) for rid in {*self.overlay, *target}}
        return self.apply(SetStates(states, f"Go back to {'the release' if n == 0 else f'version {n}'}"))

    def revert_rows(self, rids, to_version: int = 0) -> Change:
        """Put rows back as they were in version ``to_version`` (0: the release): the
        history panel's "revert this change" passes the version before the change."""
        target = self.load_version(to_version)
        states = {int(r): target.get(int(r)) for r in (rids.to_list() if hasattr(rids, "to_list") else rids)}
        n = len(states)
        where = "the release" if to_version == 0 else f"version {to_version}"
        return self.apply(SetStates(states, f"Revert {n} row{'s' if n != 1 else ''} to {where}"))

    def check_against_base(self, version: int | None = None) -> BaseCheck:
        """Which changes (of ``version``, or the current state) still match the base rows."""
        if version is not None:
            return check_records(self.release.frame, self.store.records(version))
        previous = {}
        if self.last_version:
            try:
                previous = records_by_rid(self.store.records(self.last_version))
            except VersionError:
                previous = {}
        return check_records(self.release.frame, build_records(self.overlay, self._base, None, previous))

    # ---- export ------------------------------------------------------------------------

    def export(self, out: Path | str, *, version: int | None = None, **options) -> ExportResult:
        """Export the current state, or version ``version``; options as export_release."""
        overlay = self.overlay if version is None else self.load_version(version)
        return export_release(self.release, overlay, out, **options)

    # ---- housekeeping ------------------------------------------------------------------

    def compact(self, keep_undo: int | None = COMPACT_KEEP_UNDO) -> None:
        """Rewrite the journal as a snapshot + the last ``keep_undo`` undo steps."""
        with self._lock:
            self._writable()
            if keep_undo is not None and len(self.history) > keep_undo:
                kept = History()
                for change in self.history.undo_stack[-keep_undo:]:
                    kept.push(change)
                for change in self.history.redo_stack:
                    kept._redo.append(change)
                self.history = kept
            records = compact_records(self.overlay, self.history, self.last_version)
            self.journal.rewrite(records)
            self._seq = len(records)

    def move_to(self, folder: Path | str) -> None:
        """Keep working in another project folder (the old one is gone or read-only):
        the current state and undo history go there, with whatever versions can be copied."""
        with self._lock:
            new = Project.open(folder, self.project.base_identity or self.release.identity(), author=self.author,
                               release_label=str(self.project.meta.get("release", "")))
            if new.read_only:
                new.close()
                raise ReadOnlyError(f"cannot move the project to {new.folder}: {new.read_only_reason}")
            journal = Journal(new.folder)
            records = compact_records(self.overlay, self.history, None)
            try:
                journal.rewrite(records)
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
            self._seq = len(records)
            self.notices.append(f"The curation project is now at {new.folder} ({copied} version files copied)")

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

    def close(self) -> None:
        with self._lock:
            self.journal.close()
            self.project.close()

    def __enter__(self) -> "Curation":
        return self

    def __exit__(self, *exc) -> None:
        self.close()



def open_overlay(release, project_dir: Path | str, version: int | None = None) -> Overlay:
    """The overlay for `python -m app export --project DIR [--version N]`: the journal's
    current state, or version N (0: no changes). Read-only: takes no lock."""
    with Curation.open(release, project_dir, read_only=True) as c:
        return c.overlay if version is None else c.load_version(version)
