"""Three-way merge of two curators' work on one release, by row id and field.

mine   = my project's current state (its journal), descended from my last version
theirs = another curator's saved version (a project folder or one version file)
base   = their nearest common ancestor version (lineage.py), else the base release

Per row, the decision (accept / reject + reason) and each editable field merge on their
own: a change on one side only is taken, the same change on both sides is taken once,
two different changes are a Conflict. A new reject on one side against edits on the
other ("drop it" vs "fix it") is a conflict too, though the edits themselves merge.
Label fields (task_major, task_minor, domain) compare as whole lists.

The result is one new version in my project; its manifest's ``merge`` record names the
other parent (project, version, id, author), the merge base and every resolution, and
lets a later merge find the common ancestor, so merging the same version twice is a no-op.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from app.core.curate.overlay import EDITABLE_FIELDS, EMPTY, BaseLookup, Overlay, RowState, make_state
from app.core.curate.pathedits import ROW_COLUMNS, base_value, is_path

from .pathmerge import KEPT, as_value, deletion_clashes, field_names
from app.core.load.schema import LIST_FIELDS, TEXT_FIELDS, rid_hex
from app.core.store.versions import VersionError, VersionInfo

from .lineage import Lineage, VersionRef, open_version
from .notemerge import NOTE, join_notes, merge_flag, merge_note

STATUS = "status"  # the pseudo-field of a row's decision and reject reason
CHOICES = ("mine", "theirs", "both", "edit")
_LABEL_SPLIT = re.compile(r"[,，、;；\n]+")


class MergeError(Exception):
    """A merge cannot be prepared or saved; the message says why in plain words."""


@dataclass(frozen=True)
class Decision:
    decision: str | None = None  # None | "accepted" | "rejected"
    reason: str | None = None

    def text(self) -> str:
        if self.decision is None:
            return "no decision"
        return self.decision + (f": {self.reason}" if self.reason else "")

    def to_json(self) -> dict:
        return {"decision": self.decision, "reason": self.reason}


def _decision(state: RowState) -> Decision:
    return Decision(state.decision, state.reason)


@dataclass(frozen=True)
class Conflict:
    """One (row, field) both sides changed differently. Values are what the curator sees:
    text (str), labels (tuple) or a Decision for ``field == "status"``."""

    rid: int
    file: str | None
    line: int | None
    field: str
    kind: str  # "field" | "labels" | "decision" | "edit_reject" | "delete" | "note"
    base: Any
    mine: Any
    theirs: Any
    original: Any = None  # the release's own value of the field (None for status)
    mine_edits: tuple[str, ...] = ()  # for status conflicts: fields each side edited
    theirs_edits: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[int, str]:
        return self.rid, self.field

    @property
    def locator(self) -> str:
        return f"{self.file}:{self.line}" if self.file else rid_hex(self.rid)

    @property
    def choices(self) -> tuple[str, ...]:
        if self.kind == "delete":
            return ("mine", "theirs")
        if self.field != STATUS or self.kind == NOTE:
            return CHOICES
        if self.mine.decision == self.theirs.decision == "rejected":
            return ("mine", "theirs", "both")  # both: one reject with both reasons
        return ("mine", "theirs")

    def display(self, side: str) -> str:
        """Plain text of one side ("mine", "theirs" or "base") for the review view."""
        value = getattr(self, side)
        if self.kind == "delete":
            return "turn deleted" if value else "turn kept"
        if self.field in TEXT_FIELDS or isinstance(value, str):
            return value
        if self.field in LIST_FIELDS:
            return "、".join(value)
        edits = {"mine": self.mine_edits, "theirs": self.theirs_edits}.get(side, ())
        return value.text() + (f" (edited {', '.join(edits)})" if edits else "")


@dataclass(frozen=True)
class Resolution:
    rid: int
    field: str
    choice: str  # one of CHOICES
    value: Any  # str, tuple of labels, or Decision

    def to_json(self, conflict: Conflict | None = None) -> dict:
        value = self.value.to_json() if isinstance(self.value, Decision) else (
            list(self.value) if isinstance(self.value, tuple) else self.value)
        where = {"file": conflict.file, "line": conflict.line} if conflict is not None else {}
        return {"rid": rid_hex(self.rid), **where, "field": self.field, "choice": self.choice, "value": value}


def parse_labels(text: str) -> tuple[str, ...]:
    """Labels typed as text: separated by commas, 、, semicolons or new lines."""
    return tuple(dict.fromkeys(p.strip() for p in _LABEL_SPLIT.split(text) if p.strip()))


def resolve(conflict: Conflict, choice: str, value: Any = None) -> Resolution:
    """The resolution of ``conflict`` by ``choice``; ``value`` is the typed text for "edit"."""
    if choice not in conflict.choices:
        raise ValueError(f"{choice!r} does not resolve a {conflict.kind} conflict (choose {', '.join(conflict.choices)})")
    m, t = conflict.mine, conflict.theirs
    if choice == "mine":
        out = m
    elif choice == "theirs":
        out = t
    elif choice == "both":
        if conflict.kind == NOTE:
            out = join_notes((m, t))
        elif conflict.field in TEXT_FIELDS:
            out = f"{m}\n{t}"
        elif conflict.field in LIST_FIELDS:
            out = tuple(dict.fromkeys(m + t))
        else:
            out = Decision("rejected", "; ".join(dict.fromkeys(r for r in (m.reason, t.reason) if r)) or None)
    else:
        if conflict.field in LIST_FIELDS:
            out = parse_labels(value) if isinstance(value, str) else tuple(value)
        elif not isinstance(value, str):
            raise TypeError("an edited text value must be a str")
        else:
            out = value
    return Resolution(conflict.rid, conflict.field, choice, out)


# ---- the three-way merge of overlays -----------------------------------------------

def _pick(b: Any, m: Any, t: Any) -> tuple[Any, bool]:
    """(merged value, conflict?) of one value changed on either side."""
    if m == t or t == b:
        return m, False
    if m == b:
        return t, False
    return m, True


def _edited(b: RowState, s: RowState) -> tuple[str, ...]:
    return tuple(f for f in field_names(b, s) if s.fields.get(f) != b.fields.get(f))


def _merge_row(b: RowState, m: RowState, t: RowState) -> tuple[RowState, list[tuple]]:
    """The merged state (conflicting parts as mine's) and raw conflicts of one row."""
    raws: list[tuple] = []
    bd, md, td = _decision(b), _decision(m), _decision(t)
    dec, clash = _pick(bd, md, td)
    if clash:
        raws.append((STATUS, "decision", bd, md, td, _edited(b, m), _edited(b, t)))
    fields = {}
    for name in field_names(b, m, t):
        bv, mv, tv = b.fields.get(name, KEPT), m.fields.get(name, KEPT), t.fields.get(name, KEPT)
        value, c = _pick(bv, mv, tv)
        if c:
            raws.append((name, "labels" if name in LIST_FIELDS else "field", *(as_value(v) for v in (bv, mv, tv))))
        if value is not KEPT:
            fields[name] = value
    for turn in deletion_clashes(b, [m, t]):  # one deletes a turn the other edits inside
        raws.append((turn, "delete", b.fields.get(turn, KEPT) is None, m.fields.get(turn, KEPT) is None,
                     t.fields.get(turn, KEPT) is None))
        if m.fields.get(turn, KEPT) is not None:  # theirs deleted it: the conflict's part stays mine's
            fields.pop(turn, None)
    if not clash and bd.decision != "rejected":
        # a new reject on one side, edits the rejecting side does not share on the other
        me, te = _edited(b, m), _edited(b, t)
        if md != bd and td == bd and md.decision == "rejected" and any(t.fields.get(f) != m.fields.get(f) for f in te):
            raws.append((STATUS, "edit_reject", bd, md, td, me, te))
            dec = md
        elif td != bd and md == bd and td.decision == "rejected" and any(m.fields.get(f) != t.fields.get(f) for f in me):
            raws.append((STATUS, "edit_reject", bd, md, td, me, te))
            dec = md
    note, sides = merge_note(b, (m, t), ("mine", "theirs"))
    if sides is not None:
        raws.append((NOTE, NOTE, b.note or "", m.note or "", t.note or ""))
    return make_state(dec.decision, dec.reason, fields, note=note, flag=merge_flag(b, (m, t))), raws


def three_way(base: Mapping[int, RowState], mine: Mapping[int, RowState], theirs: Mapping[int, RowState]):
    """(auto, partial, raw conflicts): ``auto`` the rows whose merged state differs from
    mine's and that have no conflict; ``partial`` rid -> (merged state with mine's value
    where they conflict, mine's state, theirs'); raw conflicts (rid, field, kind, base,
    mine, theirs, ...). Rows both sides left alone cost one identity test."""
    auto: dict[int, RowState] = {}
    partial: dict[int, tuple[RowState, RowState, RowState]] = {}
    raws: list[tuple] = []
    for rid in dict.fromkeys([*mine, *theirs, *base]):
        b, m, t = base.get(rid, EMPTY), mine.get(rid, EMPTY), theirs.get(rid, EMPTY)
        if t is m or t is b or m == t or t == b:
            continue  # theirs changed nothing mine does not have
        if m is b or m == b:
            auto[rid] = t  # only theirs changed: take their row, author and time included
            continue
        merged, row_raws = _merge_row(b, m, t)
        if row_raws:
            partial[rid] = (merged, m, t)
            raws += [(rid, *r) for r in row_raws]
        elif merged != m:
            auto[rid] = t if merged == t else merged
    return auto, partial, raws


# ---- a merge plan: prepared, reviewed, then committed -------------------------------

@dataclass
class MergePlan:
    theirs: VersionRef
    mine: VersionRef | None  # my last saved version (my state descends from it)
    base: VersionRef | None  # the merge base; None: the base release
    mine_overlay: Overlay  # my state the plan was made from
    auto: dict[int, RowState]
    partial: dict[int, tuple[RowState, RowState, RowState]]
    conflicts: list[Conflict]
    up_to_date: bool = False  # their version is already in my history
    warnings: list[str] = field(default_factory=list)

    @property
    def nothing_to_merge(self) -> bool:
        return not self.auto and not self.conflicts

    def summary(self) -> str:
        who = f"{self.theirs.author or 'their'}'s {self.theirs.name}"
        if self.up_to_date:
            return f"Nothing to merge: {who} is already part of this project's history"
        if self.nothing_to_merge:
            return f"Nothing to merge: {who} has no changes this project lacks"
        base = f"{self.base.name} by {self.base.author or '?'}" if self.base else "the base release"
        n = len(self.conflicts)
        return (f"Merging {who} against {base}: {len(self.auto)} row{'s' if len(self.auto) != 1 else ''} merge "
                f"automatically, {n} conflict{'s' if n != 1 else ''}")

    def states(self, resolutions: Mapping[tuple[int, str], Resolution] | Iterable[Resolution]) -> dict[int, RowState]:
        """The rows to set in my project: automatic merges plus resolved conflict rows."""
        by_key, per_row = resolved_by_row(self.conflicts, resolutions)
        out = dict(self.auto)
        for rid, (state, mine, theirs) in self.partial.items():
            decision, reason, fields = state.decision, state.reason, dict(state.fields)
            note = state.note
            for c in per_row[rid]:
                res = by_key[c.key]
                if c.kind == NOTE:
                    note = res.value or None
                elif c.field == STATUS:
                    decision, reason = res.value.decision, res.value.reason
                elif c.kind == "delete":
                    if res.value:
                        fields[c.field] = None
                    else:
                        fields.pop(c.field, None)
                elif res.value == c.original:
                    fields.pop(c.field, None)  # back to the release's value: no edit
                else:
                    fields[c.field] = res.value
            final = make_state(decision, reason, fields, note=note, flag=state.flag)
            out[rid] = theirs if final == theirs else mine if final == mine else final  # keep who did it
        return out


def _conflicts(raws: list[tuple], base: BaseLookup) -> list[Conflict]:
    needed = [f for f in EDITABLE_FIELDS if any(r[1] == f for r in raws)]  # long texts only where they conflict
    if any(r[1] not in (STATUS, NOTE) and is_path(r[1]) for r in raws):
        needed = list(dict.fromkeys([*needed, *ROW_COLUMNS]))
    rows = base.rows({r[0] for r in raws}, ["file", "line", *needed]) if raws else {}
    out = []
    for rid, name, kind, bv, mv, tv, *edits in raws:
        row = rows.get(rid)
        if name == STATUS or kind in ("delete", NOTE):
            out.append(Conflict(rid, row and row["file"], row and row["line"], name, kind, bv, mv, tv, None, *edits))
            continue
        original = base_value(row, name) if row is not None else ("" if name not in LIST_FIELDS else ())
        if name in LIST_FIELDS:
            original = tuple(original or ())
        real = lambda v: original if v is None else v  # noqa: E731 - unedited: the release's value
        out.append(Conflict(rid, row and row["file"], row and row["line"], name, kind, real(bv), real(mv), real(tv),
                            original))
    order = {f: i for i, f in enumerate((STATUS, *EDITABLE_FIELDS))}
    return sorted(out, key=lambda c: (c.file or "", c.line or 0, c.rid, order.get(c.field, len(order)), c.field))


def merge_overlays(base: Mapping[int, RowState], mine: Mapping[int, RowState], theirs: Mapping[int, RowState],
                   release: BaseLookup):
    """(auto, partial, conflicts) of a three-way merge; ``release`` gives the base rows'
    locators and values (conflicts show real values, never "unedited")."""
    auto, partial, raws = three_way(base, mine, theirs)
    return auto, partial, _conflicts(raws, release)


def plan_merge(curation, theirs: VersionRef | str | Any) -> MergePlan:
    """Prepare merging ``theirs`` (a VersionRef, or a path open_version understands) into
    the Curation's current state. Pure: nothing is written."""
    try:
        ref = theirs if isinstance(theirs, VersionRef) else open_version(theirs)
    except VersionError as exc:
        raise MergeError(str(exc)) from None
    mine_hash = curation.release.identity().get("hash")
    their_hash = (ref.manifest.get("base") or {}).get("hash")
    if their_hash != mine_hash:
        raise MergeError(f"{ref.name} of {ref.project} curates another release (base {their_hash}, this release "
                         f"{mine_hash}); both curators must start from the same release files")
    mine_ov = curation.overlay
    try:
        lineage = Lineage([curation.store, ref.store])
        mine_ref = VersionRef.of(curation.store, curation.last_version) if curation.last_version else None
        if ref.id in lineage.ancestors(mine_ref):  # already merged: nothing to read or compare
            return MergePlan(ref, mine_ref, ref, mine_ov, {}, {}, [], up_to_date=True)
        base_ref, warnings = lineage.common_ancestor(mine_ref, ref)
        theirs_ov = ref.overlay()
        base_ov = base_ref.overlay() if base_ref is not None else Overlay()
    except VersionError as exc:
        raise MergeError(str(exc)) from None
    auto, partial, conflicts = merge_overlays(base_ov, mine_ov, theirs_ov, BaseLookup(curation.release.frame))
    return MergePlan(ref, mine_ref, base_ref, mine_ov, auto, partial, conflicts, warnings=warnings)


def resolve_all(plan: MergePlan, prefer: str) -> list[Resolution]:
    """Every conflict resolved the same way ("mine" or "theirs")."""
    if prefer not in ("mine", "theirs"):
        raise ValueError("prefer must be 'mine' or 'theirs'")
    return [resolve(c, prefer) for c in plan.conflicts]


def commit_merge(curation, plan: MergePlan, resolutions: Iterable[Resolution] = (), *,
                 message: str | None = None) -> VersionInfo | None:
    """Apply the plan (one undoable step) and save it as a new version whose manifest
    records both parents, the base and the resolutions. None: nothing to merge."""
    chosen = {(r.rid, r.field): r for r in resolutions}
    states = plan.states(chosen)
    if plan.nothing_to_merge:
        return None
    if curation.overlay != plan.mine_overlay:
        raise MergeError("the project changed since this merge was prepared; prepare it again")
    theirs = plan.theirs
    who = theirs.author or "another curator"
    record = {
        "mine": {"version": plan.mine.number, "id": plan.mine.id, "author": plan.mine.author} if plan.mine else None,
        "theirs": theirs.describe(),
        "base": plan.base.describe() if plan.base else None,
        "auto": len(plan.auto),
        "resolutions": [chosen[c.key].to_json(c) for c in plan.conflicts],
    }
    label = f"Merge {who}'s {theirs.name}"
    # one durable step: a crash before the version is saved leaves it to the next open;
    # a failed save undoes the merge (SaveError), so it can simply be tried again
    return curation.merge_step(states, label, message=message or f"{label} ({theirs.project.name})",
                               extra={"merge": record})[1]


def format_conflicts(plan: MergePlan, limit: int = 200) -> str:
    """The conflicts as text for the CLI: locator, rid, field, mine and theirs."""
    import json

    show = lambda c, v: json.dumps(c.display(v), ensure_ascii=False)  # noqa: E731 - quotes make new lines visible
    lines = []
    for c in plan.conflicts[:limit]:
        lines += [f"{c.locator}  {rid_hex(c.rid)}  {c.field} ({c.kind.replace('_', ' vs ')})",
                  f"  mine:   {show(c, 'mine')}", f"  theirs: {show(c, 'theirs')}"]
    if len(plan.conflicts) > limit:
        lines.append(f"... and {len(plan.conflicts) - limit} more")
    return "\n".join(lines)


def resolved_by_row(conflicts, resolutions: Mapping[tuple[int, str], Resolution] | Iterable[Resolution]):
    """(resolution by (rid, field), conflicts by rid) for applying ``resolutions`` to
    ``conflicts`` (of a merge or a gather); MergeError naming the first left unresolved."""
    by_key = resolutions if isinstance(resolutions, Mapping) else {(r.rid, r.field): r for r in resolutions}
    missing = [c for c in conflicts if c.key not in by_key]
    if missing:
        raise MergeError(f"{len(missing)} conflict{'s are' if len(missing) != 1 else ' is'} not resolved "
                         f"(first: {missing[0].locator} {missing[0].field})")
    per_row: dict[int, list] = {}
    for c in conflicts:
        per_row.setdefault(c.rid, []).append(c)
    return by_key, per_row
