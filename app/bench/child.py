"""The child side of in-process figures: ``python -m app.bench.child GROUP RELEASE WORK REPEATS``.

The release is loaded once (not timed); then each measurement of GROUP runs and the
child prints {"figures": {name: {...}}} after proc.MARKER. A measurement reports
app_s / base_s in seconds, or na: a reason. An exception in one measurement becomes
that figure's error, never the whole child's.
"""
from __future__ import annotations

import importlib.util
import json
import sys
import time
import traceback
from pathlib import Path
from typing import Callable

from .proc import MARKER


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


def groups() -> dict[str, dict[str, Callable[[Job], dict]]]:
    from . import measures_browse, measures_curate, measures_team, measures_text, measures_trust

    return {
        "browse": measures_browse.CHILD,
        "save": measures_curate.CHILD_SAVE,
        "export": measures_curate.CHILD_EXPORT,
        "trust": measures_trust.CHILD,
        "team": measures_team.CHILD,
        "tokenise": measures_text.CHILD_TOKENISE,
        "neardup": measures_text.CHILD_NEARDUP,
        "baselines": measures_text.CHILD_BASELINES,
    }


def run_group(group: str, job: Job, only: set[str] | None = None) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for name, fn in groups()[group].items():
        if only and name not in only:
            continue
        try:
            out[name] = fn(job)
        except Exception as exc:  # noqa: BLE001 - one figure's failure is reported, not fatal
            where = traceback.extract_tb(exc.__traceback__)[-1]
            out[name] = {"error": f"{type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})"[:240]}
    return out


def main(argv: list[str]) -> int:
    group, release, work, repeats = argv[0], Path(argv[1]), Path(argv[2]), int(argv[3])
    only = set(argv[4].split(",")) if len(argv) > 4 and argv[4] else None
    work.mkdir(parents=True, exist_ok=True)
    figures = run_group(group, Job(release, work, repeats), only)
    sys.stdout.write("\n" + MARKER + json.dumps({"figures": figures}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
