"""What an in-process measurement gets and uses (in the child, app.bench.child): its Job
(the release, loaded once and not timed; a scratch folder; the repeats), best-of timing,
which modules are missing, and forgetting the core's memos so a repeat does real work.
The measures_* modules import this; the child's registry imports them."""
from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from typing import Callable


def missing(*modules: str) -> str | None:
    """'module missing: x' when any of ``modules`` cannot be found, else None."""
    for name in modules:
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            return f"module missing: {name}"
    return None


def best(fn: Callable[[], object], repeats: int, *, setup: Callable[[], object] | None = None) -> float:
    """Minimum wall time of ``fn`` over ``repeats`` calls (``setup`` runs untimed before each)."""
    times = []
    for _ in range(max(1, repeats)):
        if setup is not None:
            setup()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def forget_results() -> None:
    """Empty the core's result memos (search masks, counts) so a repeat does real work."""
    import app.core.query.facets as facets
    import app.core.query.filters as query

    for module in (query, facets):
        for value in list(vars(module).values()):
            kind = type(value).__name__
            if (kind.endswith("Memo") or kind.endswith("Cache")) and callable(getattr(value, "clear", None)):
                value.clear()


class Job:
    """What a measurement gets: the loaded release, a scratch folder, the repeats."""

    def __init__(self, release_path: Path, work: Path, repeats: int):
        self.release_path, self.work, self.repeats = release_path, work, repeats
        self._release = None

    @property
    def release(self):
        if self._release is None:
            from app.core.load.loader import load_release

            self._release = load_release(self.release_path)
        return self._release

    @property
    def frame(self):
        return self.release.frame
