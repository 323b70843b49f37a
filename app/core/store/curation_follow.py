"""Following a changed release (mixed into Curation): decisions follow their rows to new
places or spellings (curate/follow.py), the rest are listed as stale, to re-apply to the
row now at their old place or to discard; and each decided row's anchor is recorded while
its release is the one on disk (curate/anchors.py).
"""
from __future__ import annotations

from typing import Mapping

import polars as pl

from app.core.curate.anchors import Anchor, anchors_for, encode_anchors
from app.core.curate.edits import Change, SetStates
from app.core.curate.follow import Stale, follow, listed
from app.core.curate.overlay import EMPTY, Overlay, RowState
from app.core.io.atomic import SaveError

from .journal import Replay, base_of, rebase_record
from .project import ReadOnlyError
from .versions import BaseCheck


class FollowSteps:
    """Needs, from Curation: release, project, journal, overlay, history, anchors, warnings,
    notices, read_only, base_check, _saved, _pending, _stale_reasons, _stale_cache,
    _journal_base, _writing(), apply(), load_version(), version_anchors()."""

    @property
    def base(self) -> dict:
        """The release the decisions are on (base_of: its hash and file hashes)."""
        return self._journal_base or base_of(self.project.base_identity)

    def _follow_release(self) -> None:
        """Decisions follow their rows into a changed release (follow.py); what no longer
        applies is listed (``stale``). A writer journals the move (a rebase line)."""
        identity = self.release.identity()
        base = self.base
        if base.get("hash") == identity.get("hash"):
            self._anchor_unanchored()
            return
        decided = set(self.overlay) | self.history.rids()
        if self._pending is not None:
            decided |= set(self._pending.overlay)
        got = follow(self.release, decided, self.anchors, base.get("files") or {})
        places = self.release.frame.select("rid", "file", "line").join(
            pl.Series("rid", list(got.moves.values()), dtype=pl.UInt64).to_frame(), on="rid", how="semi")
        where = {r: (f, ln) for r, f, ln in places.iter_rows()}
        moves = {old: (new, *where[new]) for old, new in got.moves.items()}
        stale = {st.rid: st.reason for st in got.stale}
        new_base = base_of(identity)
        if not self.read_only:
            try:
                with self._writing():
                    self.journal.append(rebase_record(new_base, moves, stale))
            except (SaveError, ReadOnlyError) as exc:
                self.warnings.append(f"the decisions could not be moved to the changed release on disk: {exc}")
        state = Replay(overlay=self.overlay, history=self.history, pending=self._pending, anchors=self.anchors,
                       base=base, stale=self._stale_reasons)
        state.rebase(new_base, moves, stale)
        self.overlay, self.history, self._pending = state.overlay, state.history, state.pending
        self.anchors, self._stale_reasons, self._journal_base = state.anchors, state.stale, state.base
        ids = {o: n for o, (n, _, _) in moves.items()}
        self._saved = Overlay({ids.get(r, r): s for r, s in self._saved.items()})
        n_stale = len(self.stale)
        self.base_check = BaseCheck(matching=[r for r in self.overlay if r not in self._stale_rids()],
                                    stale=[(x.rid, x.anchor.file if x.anchor else None,
                                            x.anchor.line if x.anchor else None, x.reason) for x in self.stale])
        self.notices.append(
            f"The release changed since these decisions were made: {len(self.overlay) - n_stale} decisions are on "
            f"their rows ({len(moves)} followed their rows to new places or spellings), {n_stale} no longer apply "
            "and are listed as stale decisions, to re-apply to the row now at their place or to discard")
        self._anchor_unanchored()

    def _anchor_unanchored(self) -> None:
        """Decided rows without an anchor (a project from before anchors) get one now,
        while their release is the one on disk."""
        if self.read_only:
            return
        missing = [r for r in self.overlay if r not in self.anchors]
        if not missing:
            return
        found = anchors_for(self.release, missing)
        if not found:
            return
        try:
            with self._writing():
                self.journal.append({"op": "anchors", "anchors": encode_anchors(found)})
            self.anchors.update(found)
        except (SaveError, ReadOnlyError) as exc:
            self.warnings.append(f"could not record where the decided rows are: {exc}")

    def _stale_rids(self) -> set[int]:
        return {s.rid for s in self.stale}

    @property
    def stale(self) -> list[Stale]:
        """Decisions on rows no longer in the release, in (file, line) order: each with why
        and the row now at its old place (``here``), to re-apply there or discard."""
        overlay = self.overlay
        cache = self._stale_cache
        if cache is not None and cache[0] is overlay:
            return cache[1]
        found = listed(self.release, list(overlay), self.anchors, self._stale_reasons)
        self._stale_cache = (overlay, found)
        return found

    def stale_of(self, version: int | None = None, overlay: Overlay | None = None) -> list[Stale]:
        """``stale``, or the stale decisions of version ``version`` (its ``overlay``, if loaded)."""
        if version is None:
            return self.stale
        overlay = self.load_version(version) if overlay is None else overlay
        return listed(self.release, list(overlay), self.version_anchors(version), {})

    def reapply_stale(self, rids) -> Change:
        """Put stale decisions on the rows now at their old places (one undoable step).
        Rows without such a place, or whose place holds a decided row, are left stale."""
        by_rid = {s.rid: s for s in self.stale}
        states: dict[int, RowState] = {}
        for rid in rids:
            s = by_rid.get(int(rid))
            if s is None or s.here is None or s.here in self.overlay or s.here in states:
                continue
            states[s.rid] = EMPTY
            state = self.overlay[s.rid]
            states[s.here] = RowState(state.decision, state.reason, state.fields, note=state.note, flag=state.flag)
        n = len(states) // 2
        return self.apply(SetStates(states, f"Re-apply {n} stale decision{'s' if n != 1 else ''} to the rows now there"))

    def discard_stale(self, rids) -> Change:
        """Drop stale decisions (one undoable step)."""
        stale = self._stale_rids()
        states = {int(r): EMPTY for r in rids if int(r) in stale}
        n = len(states)
        return self.apply(SetStates(states, f"Discard {n} stale decision{'s' if n != 1 else ''}"))

    def _anchors_of(self, change: Change, known: Mapping[int, Anchor] | None = None) -> dict[int, Anchor]:
        """Anchors of the rows this change decides on for the first time; ``known``: anchors
        already found on this release (a merge takes them from the versions it merges)."""
        fresh = [r for r, s in change.after.items() if r not in self.anchors and not s.is_empty]
        got = {r: known[r] for r in fresh if r in known} if known else {}
        rest = [r for r in fresh if r not in got]
        return {**got, **anchors_for(self.release, rest)} if rest else got
