"""What merges and gathers need of edits by path: a row's edit keys (COIG's fields, then
JSON paths, each a field of its own) and the one clash keys alone do not show: a turn
deleted on one side and edited inside on another."""
from __future__ import annotations

from typing import Any

from app.core.curate.overlay import EDITABLE_FIELDS, RowState

KEPT = object()  # a key a state does not hold (None is a deleted turn)


def as_value(v: Any) -> Any:
    return None if v is KEPT else v


def field_names(*states: RowState) -> list[str]:
    """Every edit key of the states: COIG's fields in their order, then JSON paths (an
    edit of one turn is a field of its own: two curators editing different turns of a
    row do not conflict)."""
    keys = {k for s in states for k in s.fields}
    return [f for f in EDITABLE_FIELDS if f in keys] + sorted(k for k in keys if k not in EDITABLE_FIELDS)


def inside(key: str, turn: str) -> bool:
    return key.startswith((turn + ".", turn + "["))


def deletion_clashes(b: RowState, sides: list[RowState]) -> list[str]:
    """Turns one side deletes while another edits a text inside them (paths are kept
    apart, so no per-key comparison sees it)."""
    out = []
    for turn in field_names(b, *sides):
        gone = [s.fields.get(turn, 0) is None and b.fields.get(turn, 0) is not None for s in sides]
        if not any(gone):
            continue
        edits = [any(inside(k, turn) and s.fields.get(k) != b.fields.get(k) for k in s.fields) for s in sides]
        if any(e and not g for e, g in zip(edits, gone)):
            out.append(turn)
    return out
