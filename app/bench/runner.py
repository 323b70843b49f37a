"""One benchmark run: build (or reuse) the releases, measure every figure at the sizes it
belongs to, print the table and the machine, write JSON, return the exit status.

Sizes: 48,375 and 500,000 rows, or --rows; --quick measures 48,375 only and skips the
slow single-process baselines. Whole-release figures (load, recount, search) run at
every size, review mode too; save at the largest; export, text passes and first paint at the
smallest, which is where the issues state their budgets.
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import time
from datetime import datetime
from pathlib import Path
from typing import Callable

from . import (budgets, measures_browse, measures_contam, measures_curate, measures_load, measures_team, measures_text,
               measures_trust, measures_ui, proc)
from .context import Ctx
from .releases import default_cache_dir
from .table import Row, document, exit_status, machine_text, markdown, na

Measure = Callable[[Ctx, int], list[Row]]
# The run's own budget (issue 8): slow baselines are skipped, with a note, rather than overrun it.
RUN_BUDGET_S = {"full": 570.0, "quick": 170.0}

# key -> (which sizes: "each" | "small" | "large" | "once", measurement)
FIGURES: dict[str, tuple[str, Measure]] = {
    "load": ("each", measures_load.measure),
    "sharegpt": ("small", measures_load.measure_sharegpt),  # issue 23: another format's load
    "browse": ("each", measures_browse.measure),  # facet recount + search, one child per size
    "turns": ("large", measures_browse.measure_turns),  # issue 23: search across every turn (ShareGPT)
    "save": ("large", measures_curate.measure_save),
    "export": ("small", measures_curate.measure_export),
    "apply": ("large", measures_trust.measure_apply),
    "stale": ("small", measures_trust.measure_stale),
    "team": ("large", measures_team.measure),  # gather and the progress dashboard
    "paint": ("small", measures_ui.measure_first_paint),
    "gui": ("large", measures_ui.measure_gui_stall),
    "review": ("each", measures_ui.measure_review),
    "bundle": ("once", measures_ui.measure_bundle),
    "contam": ("small", measures_contam.measure),
    "text": ("small", measures_text.measure),  # last: its slow baselines yield to the run's time budget
}


def machine() -> dict:
    cpu, ram_kb = platform.processor() or platform.machine(), 0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram_kb = int(line.split()[1])
    except OSError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    try:
        polars_version = version("polars")
    except PackageNotFoundError:
        polars_version = "?"
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": ram_kb / 2**20, "python": platform.python_version(),
            "polars": polars_version, "os": platform.platform(), "date": datetime.now().astimezone().isoformat(timespec="seconds"),
            "loadavg_at_start": [round(x, 2) for x in load]}


def plan(sizes: list[int], only: list[str] | None) -> list[tuple[str, int]]:
    """(figure key, rows) in run order."""
    unknown = set(only or ()) - set(FIGURES)
    if unknown:
        raise ValueError(f"unknown figure(s) {sorted(unknown)}; choose from {', '.join(FIGURES)}")
    picks = {"each": sizes, "small": [min(sizes)], "large": [max(sizes)], "once": [0]}
    return [(key, n) for key, (which, _) in FIGURES.items() if not only or key in only for n in picks[which]]


def run(sizes: list[int] | None = None, *, quick: bool = False, repeats: int = 3, out_dir: Path | None = None,
        json_path: Path | None = None, only: list[str] | None = None, echo: Callable[[str], None] = print) -> tuple[int, list[Row], dict]:
    """Measure, print, write; returns (exit status, rows, the JSON document)."""
    sizes = sorted(set(sizes or ((budgets.SMALL,) if quick else budgets.DEFAULT_SIZES)))
    cache = Path(out_dir) if out_dir else default_cache_dir()
    work = cache / f"work-{os.getpid()}"
    start = time.perf_counter()
    ctx = Ctx(cache=cache, work=work, repeats=repeats, quick=quick, smallest=min(sizes),
              deadline=start + RUN_BUDGET_S["quick" if quick else "full"])
    info = machine()
    proc.compile_project()
    rows: list[Row] = []
    try:
        for key, n in plan(sizes, only):
            t0 = time.perf_counter()
            ctx.log(f"{key} at {n:,} rows" if n else key)
            try:
                rows += FIGURES[key][1](ctx, n)
            except Exception as exc:  # noqa: BLE001 - a broken figure is a row, not a crashed run
                rows.append(na(key, n, f"error: {type(exc).__name__}: {exc}"[:200]))
            ctx.log(f"{key} done in {time.perf_counter() - t0:.1f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    wall = time.perf_counter() - start
    status = exit_status(rows, quick)
    mode = "quick" if quick else "full"
    doc = document(rows, info, mode=mode, wall_s=wall, exit_status=status)
    echo(markdown(rows))
    echo("")
    echo(machine_text(info) + f"; load average at start {info['loadavg_at_start'][0]:.2f}")
    echo(f"Mode: {mode}, {repeats} repeats (best of; fewer above 48,375 rows); wall time {wall:.0f} s.")
    if quick:
        echo("Quick mode fails only when a ratio exceeds twice its budget or a figure crashes: " + ("FAILED" if status else "ok"))
    if json_path:
        Path(json_path).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return status, rows, doc
