"""Convert to Simplified: an edit command like any other (journaled, undone, shown in the
history and in versions as an edit of each field it changed), using OpenCC's dictionaries
through app.core.text.script."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core.load.schema import TEXT_FIELDS
from app.core.text.script import to_simplified
from .edits import Command
from .overlay import make_state


@dataclass(frozen=True)
class ToSimplified(Command):
    """Convert the rows' instruction, input and output, as they stand (edits included),
    to Simplified characters; a field left unchanged is no edit."""

    rids: tuple[int, ...]

    needs_base = TEXT_FIELDS

    def __post_init__(self):
        rids = self.rids.to_list() if hasattr(self.rids, "to_list") else self.rids
        object.__setattr__(self, "rids", tuple(dict.fromkeys(int(r) for r in rids)))

    def new_state(self, old, base: dict[str, Any]):
        fields = dict(old.fields)
        for name in TEXT_FIELDS:
            original = base[name] or ""
            current = fields.get(name, original)
            new = to_simplified(current)
            if new == original:
                fields.pop(name, None)  # converting back to the release's own text is no edit
            elif new != current:
                fields[name] = new
        return make_state(old.decision, old.reason, fields)

    def label(self):
        n = len(self.rids)
        return "Convert to Simplified" if n == 1 else f"Convert {n} rows to Simplified"
