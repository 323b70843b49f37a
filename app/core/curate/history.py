"""Undo / redo: two stacks of Changes. The UI mirrors can_undo and the labels only."""
from __future__ import annotations

from .edits import Change


class History:
    def __init__(self) -> None:
        self._undo: list[Change] = []
        self._redo: list[Change] = []

    def push(self, change: Change) -> None:
        """A newly applied change; it makes the redo stack meaningless."""
        self._undo.append(change)
        self._redo.clear()

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str | None:
        return self._undo[-1].label if self._undo else None

    @property
    def redo_label(self) -> str | None:
        return self._redo[-1].label if self._redo else None

    def peek_undo(self) -> Change:
        if not self._undo:
            raise IndexError("nothing to undo")
        return self._undo[-1]

    def peek_redo(self) -> Change:
        if not self._redo:
            raise IndexError("nothing to redo")
        return self._redo[-1]

    def undo(self) -> Change:
        """Move the top change to the redo stack; returns the change as it was applied."""
        change = self._undo.pop() if self._undo else self.peek_undo()
        self._redo.append(change)
        return change

    def redo(self) -> Change:
        change = self._redo.pop() if self._redo else self.peek_redo()
        self._undo.append(change)
        return change

    def rekey(self, moves) -> dict[int, Change]:
        """Put every change on the rows' new ids (see Change.rekeyed), in place; returns
        id(old change) -> new change, for whoever holds a change by identity."""
        swapped: dict[int, Change] = {}
        for stack in (self._undo, self._redo):
            for i, change in enumerate(stack):
                stack[i] = swapped[id(change)] = change.rekeyed(moves)
        return swapped

    def rids(self) -> set[int]:
        """Every row some change on either stack touched."""
        return {r for stack in (self._undo, self._redo) for c in stack for r in c.rids}

    @property
    def undo_stack(self) -> tuple[Change, ...]:
        return tuple(self._undo)

    @property
    def redo_stack(self) -> tuple[Change, ...]:
        """Top (next to redo) last."""
        return tuple(self._redo)

    def __len__(self) -> int:
        return len(self._undo)
