"""The child side of in-process figures: ``python -m app.bench.child GROUP RELEASE WORK REPEATS``.

The release is loaded once (not timed); then each measurement of GROUP runs and the
child prints {"figures": {name: {...}}} after proc.MARKER. A measurement reports
app_s / base_s in seconds, or na: a reason. An exception in one measurement becomes
that figure's error, never the whole child's. The groups are registered here, above the
measures_* modules that define them (they use job.py, never this module).
"""
from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import Callable

from . import measures_browse, measures_contam, measures_curate, measures_team, measures_text, measures_trust
from .job import Job
from .proc import MARKER


def groups() -> dict[str, dict[str, Callable[[Job], dict]]]:
    return {
        "browse": measures_browse.CHILD,
        "save": measures_curate.CHILD_SAVE,
        "export": measures_curate.CHILD_EXPORT,
        "trust": measures_trust.CHILD,
        "team": measures_team.CHILD,
        "tokenise": measures_text.CHILD_TOKENISE,
        "neardup": measures_text.CHILD_NEARDUP,
        "baselines": measures_text.CHILD_BASELINES,
        "contam": measures_contam.CHILD,
        "contam_memory": measures_contam.CHILD_MEMORY,
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
