"""Named saved views: {name: FilterSpec text} in a small JSON file.

Every change rewrites the whole file through atomic.write_atomic (temp file in the same
folder, fsync, os.replace), so a crash leaves the old file or the new one, never half;
a failed write raises atomic.SaveError.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from app.core.io.atomic import write_atomic

from .filters import FilterSpec

FORMAT_VERSION = 1


class ViewStore:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"saved views file {self.path} is not valid JSON: {exc}") from None
        views = data.get("views") if isinstance(data, dict) else None
        if not isinstance(views, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in views.items()):
            raise ValueError(f"saved views file {self.path} does not hold a 'views' object of name -> filter text")
        if data.get("version", FORMAT_VERSION) != FORMAT_VERSION:
            raise ValueError(f"saved views file {self.path} has unsupported version {data.get('version')!r}")
        return views

    def _write(self, views: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"version": FORMAT_VERSION, "views": dict(sorted(views.items()))},
                          ensure_ascii=False, indent=1)
        write_atomic(self.path, (text + "\n").encode("utf-8"))

    @staticmethod
    def _name(name: str) -> str:
        if not isinstance(name, str) or not name.strip():
            raise ValueError("a view needs a non-empty name")
        return name.strip()

    def names(self) -> list[str]:
        return sorted(self._read())

    def list(self) -> list[tuple[str, FilterSpec]]:
        """Every saved view, by name. A view whose text no longer parses raises ValueError."""
        return [(n, FilterSpec.from_text(t)) for n, t in sorted(self._read().items())]

    def get(self, name: str) -> FilterSpec:
        views = self._read()
        if name not in views:
            raise KeyError(name)
        return FilterSpec.from_text(views[name])

    def __contains__(self, name: object) -> bool:
        return name in self._read()

    def save(self, name: str, spec: FilterSpec) -> None:
        """Save (or overwrite) a view under ``name`` (surrounding white space dropped)."""
        views = self._read()
        views[self._name(name)] = spec.to_text()
        self._write(views)

    def delete(self, name: str) -> bool:
        """Remove a view; False when there was none by that name."""
        views = self._read()
        if views.pop(name, None) is None:
            return False
        self._write(views)
        return True
