"""Gathering N curators' work at once: the three-way merge (merge.py) generalised to a base
and N sides.

Sides are the curators' saved versions (their latest, as a two-way merge takes theirs)
and, when it holds anything, the state of the project the result goes into ("mine").
The base is the nearest version all sides descend from (the assignment's starting
version when the curators' projects began from one; else the base release).

Per row, the decision and each editable field merge on their own: what the sides that
changed it (against the base) agree on is taken; two different changes are a conflict
with one value per curator who made one. A new reject against edits the rejecting side
does not share is a conflict too (drop it or fix it). A side that changed nothing of a
row abstains. Rows one curator alone changed cost one comparison per side.

The result is one version in the target project whose manifest's ``merge`` key lists
every contributor (name, project, version, id, author) and every resolution, and lets a
later gather find the common ancestor: gathering the same versions twice changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from app.core.curate.overlay import EDITABLE_FIELDS, EMPTY, BaseLookup, Overlay, RowState, make_state
from app.core.curate.pathedits import ROW_COLUMNS, base_value, is_path
from app.core.load.schema import LIST_FIELDS, TEXT_FIELDS, rid_hex
from .lineage import VersionRef
from .merge import STATUS, Decision, Resolution, parse_labels, resolved_by_row
from .pathmerge import KEPT, as_value, deletion_clashes, field_names, inside
from .notemerge import NOTE, join_notes, merge_flag, merge_note

ALL = "all"  # the choice that keeps every side: texts one after another, labels and reject reasons together
EDIT = "edit"
MINE = "mine"  # the side of the project the result goes into


@dataclass(frozen=True)
class Side:
    name: str  # the curator (a version's author), or MINE
    ref: VersionRef | None  # None: mine's unsaved state only
    overlay: Overlay = field(repr=False, compare=False)

    def describe(self) -> dict:
        return {"name": self.name, **(self.ref.describe() if self.ref is not None else {})}


@dataclass(frozen=True)
class GatherConflict:
    """One (row, field) two or more curators changed differently; ``sides`` holds each
    changing curator's value (text, a tuple of labels, or a Decision for ``status``)."""

    rid: int
    file: str | None
    line: int | None
    field: str
    kind: str  # "field" | "labels" | "decision" | "edit_reject"
    base: Any
    sides: tuple[tuple[str, Any], ...]
    original: Any = None  # the release's own value of the field (None for status)
    edits: tuple[tuple[str, tuple[str, ...]], ...] = ()  # status conflicts: fields each side edited

    @property
    def key(self) -> tuple[int, str]:
        return self.rid, self.field

    @property
    def locator(self) -> str:
        return f"{self.file}:{self.line}" if self.file else rid_hex(self.rid)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for n, _ in self.sides)

    def value(self, name: str) -> Any:
        return dict(self.sides)[name]

    @property
    def choices(self) -> tuple[str, ...]:
        if self.kind == "delete":
            return self.names
        if self.field != STATUS or self.kind == NOTE:
            return (*self.names, ALL, EDIT)
        if all(v.decision == "rejected" for _, v in self.sides):
            return (*self.names, ALL)  # all: one reject with every reason
        return self.names

    def display(self, name: str) -> str:
        """Plain text of one side (or "base") for the review view and the CLI."""
        value = self.base if name == "base" else self.value(name)
        if self.kind == "delete":
            return "turn deleted" if value else "turn kept"
        if self.field in TEXT_FIELDS or isinstance(value, str):
            return value
        if self.field in LIST_FIELDS:
            return "、".join(value)
        edits = dict(self.edits).get(name, ())
        return value.text() + (f" (edited {', '.join(edits)})" if edits else "")


def resolve_gather(conflict: GatherConflict, choice: str, value: Any = None) -> Resolution:
    """The resolution of ``conflict`` by ``choice`` (a side's name, ALL or EDIT with ``value``)."""
    if choice not in conflict.choices:
        raise ValueError(f"{choice!r} does not resolve this {conflict.kind} conflict "
                         f"(choose {', '.join(conflict.choices)})")
    values = [v for _, v in conflict.sides]
    if choice == ALL:
        if conflict.kind == NOTE:
            out = join_notes(values)
        elif conflict.field in TEXT_FIELDS:
            out = "\n".join(dict.fromkeys(values))
        elif conflict.field in LIST_FIELDS:
            out = tuple(dict.fromkeys(x for v in values for x in v))
        else:
            reasons = dict.fromkeys(r for v in values for r in (v.reason or "").split("; ") if r)
            out = Decision("rejected", "; ".join(reasons) or None)
    elif choice == EDIT:
        if conflict.field in LIST_FIELDS:
            out = parse_labels(value) if isinstance(value, str) else tuple(value)
        elif not isinstance(value, str):
            raise TypeError("an edited text value must be a str")
        else:
            out = value
    else:
        out = conflict.value(choice)
    return Resolution(conflict.rid, conflict.field, choice, out)


def resolve_in_order(conflicts: Iterable[GatherConflict], order: Sequence[str]) -> list[Resolution]:
    """Every conflict resolved by the first side in ``order`` that has a value in it (the
    sides not named follow in their own order)."""
    out = []
    for c in conflicts:
        ranked = [n for n in order if n in c.names] + [n for n in c.names if n not in order]
        out.append(resolve_gather(c, ranked[0]))
    return out


# ---- the N-way merge of overlays -------------------------------------------------------

def _distinct(values: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    for v in values:
        if v not in out:
            out.append(v)
    return out


def _edited(b: RowState, s: RowState) -> tuple[str, ...]:
    return tuple(f for f in field_names(b, s) if s.fields.get(f) != b.fields.get(f))


def _merge_row(b: RowState, states: Sequence[RowState], names: Sequence[str]) -> tuple[RowState, list[tuple]]:
    """The merged state of one row (conflicting parts as the first changing side's) and
    its raw conflicts: (field, kind, base, ((name, value), ...), edits)."""
    raws: list[tuple] = []
    bd = Decision(b.decision, b.reason)
    decisions = [Decision(s.decision, s.reason) for s in states]
    moved = [i for i, d in enumerate(decisions) if d != bd]
    options = _distinct(decisions[i] for i in moved)
    dec = options[0] if options else bd
    if len(options) > 1:
        raws.append((STATUS, "decision", bd, tuple((names[i], decisions[i]) for i in moved),
                     tuple((names[i], _edited(b, states[i])) for i in moved)))
    fields = {}
    for name in field_names(b, *states):  # per JSON path: different turns never conflict
        bv = b.fields.get(name, KEPT)
        changed = [i for i, s in enumerate(states) if s.fields.get(name, KEPT) != bv]
        values = _distinct(states[i].fields.get(name, KEPT) for i in changed)
        value = values[0] if values else bv
        if len(values) > 1:
            raws.append((name, "labels" if name in LIST_FIELDS else "field", as_value(bv),
                         tuple((names[i], as_value(states[i].fields.get(name, KEPT))) for i in changed), ()))
        if value is not KEPT:
            fields[name] = value
    for turn in deletion_clashes(b, list(states)):  # deleted by some, edited inside by others
        involved = [i for i, s in enumerate(states) if s.fields.get(turn, KEPT) is None
                    or any(inside(k, turn) and s.fields.get(k) != b.fields.get(k) for k in s.fields)]
        raws.append((turn, "delete", b.fields.get(turn, KEPT) is None,
                     tuple((names[i], states[i].fields.get(turn, KEPT) is None) for i in involved), ()))
        if states[involved[0]].fields.get(turn, KEPT) is not None:
            fields.pop(turn, None)  # the conflict's part is the first involved side's
    if len(options) == 1 and dec.decision == "rejected" and bd.decision != "rejected":
        # a new reject on some sides, edits the rejecting sides do not share on others
        editors = [i for i, s in enumerate(states) if i not in moved
                   and any(s.fields.get(f) != states[r].fields.get(f) for f in _edited(b, s) for r in moved)]
        if editors:
            involved = sorted(moved + editors)
            raws.append((STATUS, "edit_reject", bd, tuple((names[i], decisions[i]) for i in involved),
                         tuple((names[i], _edited(b, states[i])) for i in involved)))
    note, sides = merge_note(b, states, names)
    if sides is not None:
        raws.append((NOTE, NOTE, b.note or "", sides, ()))
    return make_state(dec.decision, dec.reason, fields, note=note, flag=merge_flag(b, states)), raws


def n_way(base: Mapping[int, RowState], sides: Sequence[Mapping[int, RowState]], names: Sequence[str]):
    """(result, partial, raw conflicts): ``result`` rid -> the merged state of every row a
    side changed or the base holds, with no conflict; ``partial`` rid -> (merged state with
    the first changing side's value where they conflict, each side's state); raw
    conflicts (rid, field, kind, base, sides, edits)."""
    result: dict[int, RowState] = {}
    partial: dict[int, tuple[RowState, tuple[RowState, ...]]] = {}
    raws: list[tuple] = []
    keys = dict.fromkeys(base)
    for side in sides:
        keys.update(dict.fromkeys(side))
    for rid in keys:
        b = base.get(rid, EMPTY)
        states = tuple(side.get(rid, EMPTY) for side in sides)
        changed = [s for s in states if s is not b and s != b]
        if not changed:
            if not b.is_empty:
                result[rid] = b
            continue
        first = changed[0]
        if all(s == first for s in changed[1:]):
            result[rid] = first  # one change (or the same change by several): taken as it was made
            continue
        merged, row_raws = _merge_row(b, states, names)
        if row_raws:
            partial[rid] = (merged, states)
            raws += [(rid, *r) for r in row_raws]
        else:
            result[rid] = next((s for s in changed if s == merged), merged)  # keep who did it when one side did
    return result, partial, raws


def gather_conflicts(raws: list[tuple], release: BaseLookup) -> list[GatherConflict]:
    """Raw conflicts with their rows' locators and real values (never "unedited")."""
    needed = [f for f in EDITABLE_FIELDS if any(r[1] == f for r in raws)]
    if any(r[1] not in (STATUS, NOTE) and is_path(r[1]) for r in raws):
        needed = list(dict.fromkeys([*needed, *ROW_COLUMNS]))
    rows = release.rows({r[0] for r in raws}, ["file", "line", *needed]) if raws else {}
    out = []
    for rid, name, kind, bv, sides, edits in raws:
        row = rows.get(rid)
        where = (row and row["file"], row and row["line"])
        if name == STATUS or kind in ("delete", NOTE):
            out.append(GatherConflict(rid, *where, name, kind, bv, sides, None, edits))
            continue
        original = base_value(row, name) if row is not None else ("" if name not in LIST_FIELDS else ())
        if name in LIST_FIELDS:
            original = tuple(original or ())
        real = lambda v: original if v is None else v  # noqa: E731 - unedited: the release's value
        out.append(GatherConflict(rid, *where, name, kind, real(bv), tuple((n, real(v)) for n, v in sides), original))
    order = {f: i for i, f in enumerate((STATUS, *EDITABLE_FIELDS))}
    return sorted(out, key=lambda c: (c.file or "", c.line or 0, c.rid, order.get(c.field, len(order)), c.field))


@dataclass
class GatherPlan:
    sides: list[Side]
    base: VersionRef | None  # None: the base release
    mine: VersionRef | None  # the target project's last version
    mine_overlay: Overlay  # the target's state the plan was made from
    auto: dict[int, RowState]  # rows to set in the target, no conflict
    partial: dict[int, tuple[RowState, tuple[RowState, ...]]]
    conflicts: list[GatherConflict]
    merged_already: list[VersionRef] = field(default_factory=list)  # sides already in the target's history
    warnings: list[str] = field(default_factory=list)
    anchors: dict = field(default_factory=dict, repr=False)  # rid -> Anchor the merged versions carry

    @property
    def contributors(self) -> list[Side]:
        return [s for s in self.sides if s.ref is not None and s.name != MINE]

    @property
    def nothing_to_merge(self) -> bool:
        return not self.auto and not self.conflicts

    def summary(self) -> str:
        names = ", ".join(f"{s.name}'s {s.ref.name}" for s in self.contributors) or "nobody"
        if self.nothing_to_merge:
            done = f"; already merged: {', '.join(r.author or r.name for r in self.merged_already)}" \
                if self.merged_already else ""
            return f"Nothing to gather from {names}{done}"
        base = f"{self.base.name} by {self.base.author or '?'}" if self.base else "the base release"
        n, a = len(self.conflicts), len(self.auto)
        return (f"Gathering {names} against {base}: {a} row{'s' if a != 1 else ''} merge automatically, "
                f"{n} conflict{'s' if n != 1 else ''}")

    def states(self, resolutions: Mapping[tuple[int, str], Resolution] | Iterable[Resolution]) -> dict[int, RowState]:
        """The rows to set in the target: automatic merges plus resolved conflict rows."""
        by_key, per_row = resolved_by_row(self.conflicts, resolutions)
        out = dict(self.auto)
        for rid, (state, sides) in self.partial.items():
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
            same = next((s for s in sides if s == final), None)  # keep who did it
            if final != self.mine_overlay.get(rid):
                out[rid] = same if same is not None else final
        return out

    def record(self, resolutions: Mapping[tuple[int, str], Resolution]) -> dict:
        """The manifest's ``merge`` key: every contributor, the base, every resolution."""
        return {
            "contributors": [s.describe() for s in self.contributors],
            "mine": {"version": self.mine.number, "id": self.mine.id, "author": self.mine.author} if self.mine else None,
            "base": self.base.describe() if self.base else None,
            "auto": len(self.auto),
            "resolutions": [resolutions[c.key].to_json(c) | {"sides": list(c.names)} for c in self.conflicts],
        }
