"""Curation commands. Each one, applied to an overlay, yields a Change: the record of what
it changed (rows, fields, the state of every row before and after, a human label).

Commands are plain data; ``plan_change`` is pure (no mutation), so the caller can make
the change durable (journal) before it makes it visible (new overlay, undo stack).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from app.core.load.schema import LIST_FIELDS, TEXT_FIELDS

from .overlay import EMPTY, BaseLookup, Overlay, RowState, keeping, make_state
from .pathedits import ROW_COLUMNS, base_value, resolve_field

_FIELD_NAMES = {
    "instruction": "instruction",
    "input": "input",
    "output": "output",
    "task_major": "task major",
    "task_minor": "task minor",
    "domain": "domain",
}


@dataclass(frozen=True)
class Change:
    """What one applied command (or undo/redo) changed. ``rids`` lists only rows whose
    state really changed; ``fields`` names changed data fields plus 'status'/'reason'."""

    label: str
    rids: tuple[int, ...] = ()
    fields: frozenset[str] = frozenset()
    before: Mapping[int, RowState] = field(default_factory=dict)
    after: Mapping[int, RowState] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.rids)

    def inverse(self, label: str) -> "Change":
        return Change(label, self.rids, self.fields, self.after, self.before)

    def rekeyed(self, moves: Mapping[int, int]) -> "Change":
        """The same change on the rows' new ids (decisions that followed their rows into a
        changed release); rows not in ``moves`` keep theirs."""
        if not any(r in moves for r in self.rids):
            return self
        key = lambda r: moves.get(r, r)  # noqa: E731
        return Change(self.label, tuple(map(key, self.rids)), self.fields,
                      {key(r): s for r, s in self.before.items()}, {key(r): s for r, s in self.after.items()})


def make_change(label: str, before: Mapping[int, RowState], after: Mapping[int, RowState]) -> Change:
    """A Change from before/after states (rows with equal content are dropped)."""
    rids, names = [], set()
    keep_before, keep_after = {}, {}
    seen: dict[tuple[int, int], bool] = {}  # bulk changes share state objects: compare once
    for rid, new in after.items():
        old = before.get(rid, EMPTY)
        key = (id(old), id(new))
        differs = seen.get(key)
        if differs is None:
            differs = seen[key] = old != new
            if differs:
                names |= _changed_names(old, new)
        if differs:
            rids.append(rid)
            keep_before[rid], keep_after[rid] = old, new
    return Change(label, tuple(rids), frozenset(names), keep_before, keep_after)


def _changed_names(old: RowState, new: RowState) -> set[str]:
    # a deleted turn's value is None: told from "not edited" by the key itself
    names = {n for n in set(old.fields) | set(new.fields)
             if n not in old.fields or n not in new.fields or old.fields[n] != new.fields[n]}
    if old.status != new.status:
        names.add("status")
    if old.reason != new.reason:
        names.add("reason")
    if old.note != new.note:
        names.add("note")
    if old.flag != new.flag:
        names.add("flag")
    return names


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def _unique(rids: Iterable[int] | Any) -> tuple[int, ...]:
    """Targets in order, without repeats; a list, tuple or Polars Series of rids."""
    if hasattr(rids, "to_list"):
        rids = rids.to_list()
    return tuple(dict.fromkeys(int(r) for r in rids))


class Command:
    """Base: ``rids`` the rows it targets; ``new_state`` maps one row's state to its next."""

    rids: tuple[int, ...]
    needs_base: tuple[str, ...] = ()  # base columns new_state compares against
    planned_whole = False  # True: states_for(overlay) gives every row's next state at once

    def states_for(self, overlay: Overlay) -> Mapping[int, RowState]:
        raise NotImplementedError

    def new_state(self, old: RowState, base: Mapping[str, Any]) -> RowState:
        raise NotImplementedError

    def label(self) -> str:
        raise NotImplementedError

    def describe(self) -> dict:
        """What the journal records about the command itself (the rows' new states are
        recorded separately, so values are not repeated here)."""
        return {"kind": type(self).__name__, "n": len(self.rids)}


def _set_field(old: RowState, name: str, value: Any, base_value: Any) -> RowState:
    fields = dict(old.fields)
    if value == base_value:
        fields.pop(name, None)  # editing back to the original is no edit at all
    else:
        fields[name] = value
    return keeping(old, old.decision, old.reason, fields)


@dataclass(frozen=True)
class EditField(Command):
    rids: tuple[int, ...]
    field: str
    value: str

    def __post_init__(self):
        object.__setattr__(self, "rids", _unique(self.rids))
        if self.field not in TEXT_FIELDS:
            raise ValueError(f"EditField edits {', '.join(TEXT_FIELDS)}; use SetLabels for {self.field!r}")
        if not isinstance(self.value, str):
            raise TypeError("an edited text value must be a str")

    @property
    def needs_base(self):
        return tuple(dict.fromkeys((self.field, *ROW_COLUMNS)))

    def new_state(self, old, base):
        # A conversation's instruction / output is the text of one of its turns: the edit
        # is kept at that turn's path (never as a key the record lacks)
        key = resolve_field(base, self.field)
        return _set_field(old, key, self.value, base_value(base, key))

    def label(self):
        name = _FIELD_NAMES[self.field]
        return f"Edit {name}" if len(self.rids) == 1 else f"Edit {name} of {_rows(len(self.rids))}"

    def describe(self):
        return {**super().describe(), "field": self.field}


@dataclass(frozen=True)
class SetLabels(Command):
    """Set, add to or remove from a label list (task_major, task_minor, domain)."""

    rids: tuple[int, ...]
    field: str
    values: tuple[str, ...]
    mode: str = "set"  # set | add | remove

    def __post_init__(self):
        object.__setattr__(self, "rids", _unique(self.rids))
        if self.field not in LIST_FIELDS:
            raise ValueError(f"SetLabels sets {', '.join(LIST_FIELDS)}, not {self.field!r}")
        if isinstance(self.values, str) or not all(isinstance(v, str) for v in self.values):
            raise TypeError("labels must be a sequence of str")
        if self.mode not in ("set", "add", "remove"):
            raise ValueError(f"unknown mode {self.mode!r}")
        object.__setattr__(self, "values", tuple(dict.fromkeys(self.values)))

    @property
    def needs_base(self):
        return (self.field,)

    def new_state(self, old, base):
        base_value = tuple(base[self.field])
        current = old.fields.get(self.field, base_value)
        if self.mode == "set":
            value = self.values
        elif self.mode == "add":
            value = current + tuple(v for v in self.values if v not in current)
        else:
            value = tuple(v for v in current if v not in self.values)
        return _set_field(old, self.field, value, base_value)

    def label(self):
        verb = {"set": "Set", "add": "Add", "remove": "Remove"}[self.mode]
        what = "、".join(self.values) if self.values else "(none)"
        return f"{verb} {_FIELD_NAMES[self.field]} {what} on {_rows(len(self.rids))}"

    def describe(self):
        return {**super().describe(), "field": self.field, "mode": self.mode, "values": list(self.values)}


@dataclass(frozen=True)
class Reject(Command):
    rids: tuple[int, ...]
    reason: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "rids", _unique(self.rids))
        object.__setattr__(self, "reason", (self.reason or "").strip() or None)

    def new_state(self, old, base):
        return keeping(old, "rejected", self.reason, old.fields)

    def label(self):
        return f"Reject {_rows(len(self.rids))}" + (f": {self.reason}" if self.reason else "")

    def describe(self):
        return {**super().describe(), "reason": self.reason}


@dataclass(frozen=True)
class Accept(Command):
    rids: tuple[int, ...]

    def __post_init__(self):
        object.__setattr__(self, "rids", _unique(self.rids))

    def new_state(self, old, base):
        return keeping(old, "accepted", None, old.fields)

    def label(self):
        return f"Accept {_rows(len(self.rids))}"


@dataclass(frozen=True)
class Restore(Command):
    """Undo a decision (reject or accept); the row's edits stay."""

    rids: tuple[int, ...]

    def __post_init__(self):
        object.__setattr__(self, "rids", _unique(self.rids))

    def new_state(self, old, base):
        return keeping(old, None, None, old.fields)

    def label(self):
        return f"Restore {_rows(len(self.rids))}"


@dataclass(frozen=True)
class Revert(Command):
    """Back to the base: drop the named fields' edits, or everything (fields=None)."""

    rids: tuple[int, ...]
    fields: tuple[str, ...] | None = None

    def __post_init__(self):
        object.__setattr__(self, "rids", _unique(self.rids))
        if self.fields is not None:
            object.__setattr__(self, "fields", tuple(self.fields))

    def new_state(self, old, base):
        if self.fields is None:
            return keeping(old, None, None, {})  # a note or flag is no edit: it stays
        return keeping(old, old.decision, old.reason, {k: v for k, v in old.fields.items() if k not in self.fields})

    def label(self):
        what = "" if self.fields is None else " " + ", ".join(_FIELD_NAMES.get(f, f) for f in self.fields)
        return f"Revert{what} on {_rows(len(self.rids))}"

    def describe(self):
        return {**super().describe(), "fields": None if self.fields is None else list(self.fields)}


@dataclass(frozen=True)
class Note(Command):
    """Set the rows' note (free text); an empty text removes it. Not a decision, not an edit."""

    rids: tuple[int, ...]
    text: str = ""

    def __post_init__(self):
        object.__setattr__(self, "rids", _unique(self.rids))
        if not isinstance(self.text, str):
            raise TypeError("a note must be a str")
        object.__setattr__(self, "text", self.text.strip())

    def new_state(self, old, base):
        return old.marked(note=self.text or None)

    def label(self):
        return (f"Note on {_rows(len(self.rids))}" if self.text else f"Remove note on {_rows(len(self.rids))}")


@dataclass(frozen=True)
class Flag(Command):
    """Flag rows to come back to later (on=False clears the flag)."""

    rids: tuple[int, ...]
    on: bool = True

    def __post_init__(self):
        object.__setattr__(self, "rids", _unique(self.rids))
        if not isinstance(self.on, bool):
            raise TypeError("a flag is on (True) or off (False)")

    def new_state(self, old, base):
        return old.marked(flag=self.on)

    def label(self):
        return f"{'Flag' if self.on else 'Unflag'} {_rows(len(self.rids))}"

    def describe(self):
        return {**super().describe(), "on": self.on}


@dataclass(frozen=True)
class SetStates(Command):
    """Give rows exact states: going back to a version, taking a merge result."""

    states: Mapping[int, RowState]
    text: str = "Set rows"

    planned_whole = True

    @property
    def rids(self):  # type: ignore[override]
        return tuple(self.states)

    def states_for(self, overlay):
        return self.states

    def label(self):
        return self.text

    def describe(self):
        return {"kind": "SetStates", "n": len(self.states), "text": self.text}


def plan_change(cmd: Command, overlay: Overlay, base: BaseLookup, *, author: str | None, now: str) -> Change:
    """The Change ``cmd`` would make; nothing is mutated. Unknown rids raise KeyError."""
    if cmd.planned_whole:
        stamped: dict[int, RowState] = {}  # rows sharing a state keep sharing it (small journal lines)
        after = {}
        for rid, s in cmd.states_for(overlay).items():
            new = stamped.get(id(s))
            if new is None:
                new = stamped[id(s)] = EMPTY if s.is_empty else s.stamped(author, now)
            after[rid] = new
        return make_change(cmd.label(), {rid: overlay.get(rid) for rid in after}, after)
    columns = tuple(cmd.needs_base)
    known: Mapping[int, Any] = base.rows(cmd.rids, columns) if columns else dict.fromkeys(base.present(cmd.rids))
    missing = [r for r in cmd.rids if r not in known]
    if missing:
        raise KeyError(f"{len(missing)} row id(s) are not in the release, e.g. {missing[0]:016x}")
    rids, before, after, names = [], {}, {}, set()
    # Without base values the result depends on the old state only: plan once per state.
    memo: dict[int, tuple[RowState, bool]] = {}
    for rid in cmd.rids:
        old = overlay.get(rid)
        hit = memo.get(id(old)) if not columns else None
        if hit is None:
            new = cmd.new_state(old, known[rid])
            differs = new != old
            if differs:
                names |= _changed_names(old, new)
                if not new.is_empty:
                    new = new.stamped(author, now)
            hit = (new, differs)
            if not columns:
                memo[id(old)] = hit
        if hit[1]:
            rids.append(rid)
            before[rid], after[rid] = old, hit[0]
    return Change(cmd.label(), tuple(rids), frozenset(names), before, after)
