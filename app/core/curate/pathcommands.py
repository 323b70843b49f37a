"""Commands that edit a row by JSON path (pathedits): a text at a path, a deleted turn,
a preference record's chosen and rejected swapped. Like every command in edits.py they
plan new row states and are journaled and undone by the Curation."""
from __future__ import annotations

from dataclasses import dataclass

from .edits import Command, _rows, _set_field, _unique
from .overlay import keeping
from .pathedits import ROW_COLUMNS, PathEditError, deletable, fmt_of, texts, turn_object


def _short(path: str) -> str:
    return path if len(path) <= 40 else path[:37] + "..."


@dataclass(frozen=True)
class EditPath(Command):
    """Set the text at a JSON path of each row's record (a turn's text, the system
    prompt, chosen, rejected): the path must name a text the row has."""

    rids: tuple[int, ...]
    path: str
    value: str

    needs_base = ROW_COLUMNS

    def __post_init__(self):
        object.__setattr__(self, "rids", _unique(self.rids))
        if not isinstance(self.value, str):
            raise TypeError("an edited text value must be a str")

    def new_state(self, old, base):
        found = texts(base)
        if self.path not in found:
            shown = ", ".join(list(found)[:8])
            raise PathEditError(f"no text at {self.path!r} in this {fmt_of(base)} record (its texts: {shown})")
        return _set_field(old, self.path, self.value, found[self.path])

    def label(self):
        return f"Edit {_short(self.path)}" + ("" if len(self.rids) == 1 else f" of {_rows(len(self.rids))}")

    def describe(self):
        return {**super().describe(), "path": self.path}


@dataclass(frozen=True)
class DeleteTurn(Command):
    """Delete one turn object of each row's conversation (given by its path or the path
    of a text inside it: ``conversations[3]`` or ``conversations[3].value``). A Firefly
    ``conversation[2]`` item and an Alpaca ``history[0]`` pair go whole: half a pair is
    no record those formats know."""

    rids: tuple[int, ...]
    path: str

    needs_base = ROW_COLUMNS

    def __post_init__(self):
        object.__setattr__(self, "rids", _unique(self.rids))
        obj = turn_object(self.path)
        if obj is None:
            raise PathEditError(f"{self.path!r} is no turn of a conversation list (conversations, messages, "
                                "conversation, history): only such a turn can be deleted")
        object.__setattr__(self, "path", obj)

    def new_state(self, old, base):
        if self.path not in deletable(base):
            raise PathEditError(f"no turn at {self.path!r} in this {fmt_of(base)} record")
        inside = (self.path + ".", self.path + "[")
        fields = {k: v for k, v in old.fields.items() if not k.startswith(inside)}  # moot once it is gone
        fields[self.path] = None
        return keeping(old, old.decision, old.reason, fields)

    def label(self):
        return f"Delete turn {self.path}" + ("" if len(self.rids) == 1 else f" of {_rows(len(self.rids))}")

    def describe(self):
        return {**super().describe(), "path": self.path}


@dataclass(frozen=True)
class SwapPreference(Command):
    """Swap a preference record's chosen and rejected responses (their texts, as they
    stand, edits included); swapping twice is no edit."""

    rids: tuple[int, ...]

    needs_base = ROW_COLUMNS

    def __post_init__(self):
        object.__setattr__(self, "rids", _unique(self.rids))

    def new_state(self, old, base):
        stored = list(base.get("turns") or [])
        if fmt_of(base) != "preference" or not stored:
            raise PathEditError(f"a {fmt_of(base)} record has no chosen and rejected responses to swap")
        found = texts(base)
        chosen = stored[-1]["path"]
        rejected = next(p for p in found if p.startswith("rejected"))
        now_chosen, now_rejected = old.fields.get(chosen, found[chosen]), old.fields.get(rejected, found[rejected])
        state = _set_field(old, chosen, now_rejected, found[chosen])
        return _set_field(state, rejected, now_chosen, found[rejected])

    def label(self):
        return "Swap chosen and rejected" + ("" if len(self.rids) == 1 else f" of {_rows(len(self.rids))}")
