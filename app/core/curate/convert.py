"""Convert to Simplified: an edit command like any other (journaled, undone, shown in the
history and in versions as an edit of each field it changed), using OpenCC's dictionaries
through app.core.text.script."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core.load.schema import LIST_FIELDS
from app.core.text.script import to_simplified
from .edits import Command
from .overlay import keeping
from .pathedits import ROW_COLUMNS, base_value, texts


@dataclass(frozen=True)
class ToSimplified(Command):
    """Convert every text of the rows (instruction, input, output; a conversation's turns,
    system and rejected at their paths), as they stand (edits included), to Simplified
    characters; a text left unchanged is no edit."""

    rids: tuple[int, ...]

    needs_base = ROW_COLUMNS

    def __post_init__(self):
        rids = self.rids.to_list() if hasattr(self.rids, "to_list") else self.rids
        object.__setattr__(self, "rids", tuple(dict.fromkeys(int(r) for r in rids)))

    def new_state(self, old, base: dict[str, Any]):
        fields = dict(old.fields)
        # every text at its own path (a COIG row's fields, a conversation's turns, system,
        # rejected): never a key the record lacks
        originals = texts(base)
        for name in old.fields:  # an edited text the release holds empty (a COIG input) too
            if name not in LIST_FIELDS and name not in originals:
                originals[name] = base_value(base, name)
        for name, original in originals.items():
            original = original or ""
            if fields.get(name, original) is None:
                continue  # a deleted turn
            current = fields.get(name, original)
            new = to_simplified(current)
            if new == original:
                fields.pop(name, None)  # converting back to the release's own text is no edit
            elif new != current:
                fields[name] = new
        return keeping(old, old.decision, old.reason, fields)

    def label(self):
        n = len(self.rids)
        return "Convert to Simplified" if n == 1 else f"Convert {n} rows to Simplified"
