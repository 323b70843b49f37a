"""What every measurement gets: where releases and scratch files live, how many repeats."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import proc
from .budgets import SMALL
from .releases import ensure_release


def _log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


@dataclass
class Ctx:
    cache: Path  # built releases, kept between runs
    work: Path  # scratch output of this run (exports, projects), removed afterwards
    repeats: int = 3
    quick: bool = False
    seed: int = 0
    smallest: int = SMALL  # the smallest size of this run (where slow peers run)
    deadline: float | None = None  # time.perf_counter() by which the run should be done
    log: Callable[[str], None] = field(default=_log)

    def release(self, rows: int, *, tree: bool = False) -> Path:
        return ensure_release(self.cache, rows, self.seed, tree, log=self.log)

    def reps(self, rows: int, *, heavy: bool = False) -> int:
        """Repeats for one figure: fewer above 48,375 rows, one for the slow peers
        (pandas, stdlib) above 48,375 rows or in quick mode."""
        n = self.repeats if rows <= SMALL else max(1, self.repeats - 1)
        if heavy and (rows > SMALL or self.quick):
            n = 1
        return max(1, n)

    def time_left(self) -> float:
        return float("inf") if self.deadline is None else self.deadline - time.perf_counter()

    def child(self, group: str, release: Path, repeats: int, *, timeout: float, only: str = "",
              env: dict[str, str] | None = None) -> dict[str, dict]:
        """Run one group of in-process measurements in a fresh child (app.bench.child):
        {figure: result}; a failed child gives every figure of the group its error."""
        run = proc.run_module("app.bench.child", [group, str(release), str(self.work / group), str(repeats), only],
                              timeout=timeout, env=env)
        figures = run.payload.get("figures")
        if figures is None:
            return {"*": {"error": run.error or "no result"}}
        return figures
