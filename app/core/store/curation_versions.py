"""The version steps of a curation session (mixed into Curation): saving a version, a
merge's durable step (one journal line, then its version; a version a crash kept from
being saved is saved on the next writable open), loading, comparing and reverting.
"""
from __future__ import annotations

from typing import Mapping

from app.core.curate.edits import Change, SetStates
from app.core.curate.follow import follow
from app.core.curate.overlay import Overlay, RowState
from app.core.io.atomic import SaveError

from .journal import PendingMerge, base_of, merge_record
from .project import ProjectError, now_iso
from .versions import (BaseCheck, RowDiff, VersionError, VersionInfo, anchors_from_records, build_records, check_records,
                       diff_versions,
                       records_by_rid)


class VersionSteps:
    """Needs, from Curation: release, project, store, journal, overlay, history, author,
    last_version, warnings, notices, _saved, _base, _pending, _writing(), _step(),
    _states_change(), _maybe_compact(), apply()."""

    def save_version(self, message: str, author: str | None = None, *, extra: dict | None = None) -> VersionInfo:
        """Write the next version (diff of the current state against the base); ``extra``
        adds manifest keys (a merge's other parent and resolutions)."""
        with self._writing():
            self._settle_merge()
            return self._save(self.overlay, message, author or self.author, now_iso(), extra)

    def _save(self, overlay: Overlay, message: str, author: str, time: str, extra: dict | None,
              merge_seq: int | None = None) -> VersionInfo:
        self.project.check_lock()
        parents = (self.last_version,) if self.last_version else ()
        info = self.store.save(overlay, self._base, message=message, author=author, time=time,
                               identity=self.release.identity(), parents=parents, parent_overlay=self._saved,
                               extra=extra, anchors=self.anchors)
        self.last_version, self._saved = info.number, overlay
        if merge_seq is not None:
            self._pending = None  # saved: before the journal notes it (which may compact)
        self._note_version(info, merge_seq)
        return info

    def _note_version(self, info: VersionInfo, merge_seq: int | None = None) -> None:
        record = {"op": "version", "n": info.number, "time": info.time}
        if merge_seq is not None:
            record["merge"] = merge_seq
        try:
            self.journal.append(record)
            self._maybe_compact()
        except (SaveError, OSError) as exc:  # the version itself is safe on disk
            self.warnings.append(f"version {info.number} saved, but the journal could not note it: {exc}")

    def merge_step(self, states: Mapping[int, RowState], label: str, *, message: str,
                   extra: dict, anchors: Mapping | None = None) -> tuple[Change, VersionInfo]:
        """Take a merge's rows (as take_states) and save the version recording it (manifest
        keys ``extra``) as one durable step: one journal line holds the rows, the message and
        the manifest keys, so if the process dies before the version is saved, the next
        writable open saves it. SaveError: the merge is journaled and undoable, its version
        not saved, and the merge is undone (if even that fails, the next save or open saves it).
        ``anchors``: the rows' anchors the merged versions carry (found on this same release),
        so they need not be read from the release again."""
        with self._writing():
            self._settle_merge()  # one pending merge at a time
            now = now_iso()
            change = self._states_change(states, label, now)
            if not change.changed:  # nothing to lose in a crash: the version alone records it
                return change, self._save(self.overlay, message, self.author, now, extra)
            anchors = self._anchors_of(change, anchors)
            seq = self.journal.append(merge_record(change, author=self.author, time=now, message=message, extra=extra,
                                                   anchors=anchors))
            self.anchors.update(anchors)
            self.overlay = self.overlay.with_states(change.after)
            self.history.push(change)
            self._pending = PendingMerge(seq, self.overlay, change, message, extra, self.author, now)
            try:
                return change, self._settle_merge()
            except SaveError:
                try:  # leave the project as it was, so the merge can simply be tried again
                    self._step("undo")
                except (SaveError, ProjectError):
                    pass  # the merge stays, journaled and undoable; the next save or open records it
                raise

    def _settle_merge(self) -> VersionInfo | None:
        """Save the version of a journaled merge that has none yet, or adopt the one a killed
        process saved but could not note in the journal (its manifest names the merge's line)."""
        p = self._pending
        if p is None or not p.active:
            return None
        link = {"project": self.project.id, "seq": p.seq}
        latest = self.store.latest()
        if latest is not None and self.store.manifest(latest).get("journal") == link:
            info = self.store.info(latest)
            self.last_version, self._saved, self._pending = info.number, p.overlay, None
            self._note_version(info, p.seq)
            return info
        return self._save(p.overlay, p.message, p.author or self.author, p.time or now_iso(),
                          {**p.extra, "journal": link}, p.seq)

    def _settle_quietly(self) -> None:
        """On opening: a merge a crash left without its version gets it now."""
        if self._pending is None or not self._pending.active:
            return
        try:
            with self._writing():
                info = self._settle_merge()
            self.notices.append(f"Saved {info.name}, the version of a merge that was cut short")
        except (SaveError, VersionError, ProjectError) as exc:
            self.warnings.append(f"a merge's version could not be saved yet (it will be at the next save): {exc}")

    def versions(self) -> list[VersionInfo]:
        return self.store.list()

    def load_version(self, n: int) -> Overlay:
        """The overlay as of version ``n`` (0: the base release, no changes). A version
        saved on another release than this one has its decisions follow their rows
        (follow.py); those that no longer apply stay on their old ids (``stale``)."""
        if n == 0:
            return Overlay()
        records = self.store.records(n)
        overlay = self.store.overlay(n, records)
        base = self.store.manifest(n).get("base") or {}
        if base.get("hash") == self.release.identity().get("hash"):
            return overlay
        anchors = self.version_anchors(n, records)
        files = base_of(base).get("files") or {}
        got = follow(self.release, list(overlay), anchors, files)
        return Overlay({got.moves.get(r, r): s for r, s in overlay.items()})

    def version_anchors(self, n: int, records: list[dict] | None = None) -> dict:
        """Anchors of version ``n``'s rows: its own lines', else the journal's."""
        if n == 0:
            return {}
        return {**self.anchors, **anchors_from_records(self.store.records(n) if records is None else records)}

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
