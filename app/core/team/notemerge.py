"""Notes and flags in merges and gathers (issue 25.3): each is a field of its own. A note
changed on one side is taken; two different new notes on one row are a conflict of kind
``note`` (values are the note texts, "" for none). A flag is on or off, so sides that
changed it all changed it alike: it never conflicts.
"""
from __future__ import annotations

from typing import Sequence

from app.core.curate.overlay import RowState

NOTE = "note"  # the conflict's field and kind


def merge_flag(b: RowState, states: Sequence[RowState]) -> bool:
    changed = [s.flag for s in states if s.flag != b.flag]
    return changed[0] if changed else b.flag


def merge_note(b: RowState, states: Sequence[RowState], names: Sequence[str]) -> tuple[str | None, tuple | None]:
    """(merged note: the first changing side's when they differ, conflict sides or None):
    the sides are ((name, text), ...) of every side that changed the note."""
    changed = [i for i, s in enumerate(states) if s.note != b.note]
    values = list(dict.fromkeys(states[i].note for i in changed))
    if len(values) <= 1:
        return (values[0] if values else b.note), None
    return values[0], tuple((names[i], states[i].note or "") for i in changed)


def join_notes(texts: Sequence[str]) -> str:
    """Every side's note, one after another (the "both"/"all" choice)."""
    return "\n".join(dict.fromkeys(t for t in texts if t))
