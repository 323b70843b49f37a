"""Figures 7 and 8 (issues 3 and 5) and the ship budgets of issue 7.

Time to a shown window: `python -m app RELEASE` with CQIA_EXIT_AFTER_FIRST_PAINT=1. The
app prints `CQIA_FIRST_PAINT <time.time()>` when the table first paints rows, then
quits; the figure is that time minus the launch time (both on the wall clock). Without
a display the offscreen Qt platform is used. Baseline: a bare PySide6 script that reads
the release with Polars and paints its first 100 rows in a QTableWidget.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from . import budgets, proc
from .table import Row, na

HOOK_ENV = "CQIA_EXIT_AFTER_FIRST_PAINT"
HOOK_LINE = "CQIA_FIRST_PAINT"
FIRST_PAINT = "launch to rows and facet counts painted (warm)"
REVIEW = "review mode: key to next item painted"
GUI_STALL = "longest GUI-thread stall (load, click, search, sort, analysis, theme, language)"

BARE_WINDOW = f"""
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem
import polars as pl
frame = pl.read_ndjson(sys.argv[1])
app = QApplication([])
class Table(QTableWidget):
    painted = False
    def paintEvent(self, event):
        super().paintEvent(event)
        if not Table.painted:
            Table.painted = True
            print('{HOOK_LINE}', repr(time.time()), flush=True)
            QTimer.singleShot(0, app.quit)
rows = frame.head(100).select('instruction', 'output').rows()
table = Table(len(rows), 2)
for i, (a, b) in enumerate(rows):
    table.setItem(i, 0, QTableWidgetItem(a))
    table.setItem(i, 1, QTableWidgetItem(b))
table.resize(1200, 800)
table.show()
app.exec()
"""


def _ui_sources() -> str:
    ui = proc.PROJECT_ROOT / "app" / "ui"
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in ui.rglob("*.py"))


def qt_env() -> dict[str, str] | None:
    """Environment for a Qt child: the real display if there is one, else offscreen."""
    try:
        import importlib.util

        if importlib.util.find_spec("PySide6") is None:
            return None
    except ModuleNotFoundError:
        return None
    env = {"QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM") or ("xcb" if os.environ.get("DISPLAY") else "offscreen")}
    return env


def _painted_after(argv: list[str], env: dict[str, str], timeout: float) -> tuple[float | None, str | None]:
    """Seconds from spawn to the HOOK_LINE timestamp the child prints, or (None, error).
    A HOOK_LINE ending in "jieba" (the probe's report) gives the error "jieba imported"."""
    start = time.time()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=proc.child_env(env),
                              cwd=str(proc.PROJECT_ROOT))
    except subprocess.TimeoutExpired:
        return None, f"no first paint within {timeout:.0f} s"
    for line in done.stdout.splitlines():
        if line.startswith(HOOK_LINE):
            parts = line.split()
            return float(parts[1]) - start, ("jieba imported at startup" if "jieba" in parts[2:] else None)
    tail = (done.stderr.strip().splitlines() or [f"exit {done.returncode}, no {HOOK_LINE} line"])[-1]
    return None, tail[:160]


def measure_first_paint(ctx, rows: int) -> list[Row]:
    budget = budgets.seconds(budgets.FIRST_PAINT_S, "issue 3") if rows <= budgets.SMALL else budgets.NO_BUDGET
    baseline = "bare PySide6 + Polars table"
    if not (proc.PROJECT_ROOT / "app" / "ui" / "shell" / "launch.py").is_file():
        return [na(FIRST_PAINT, rows, "module missing: app.ui.shell.launch", budget, baseline)]
    if HOOK_ENV not in _ui_sources():
        return [na(FIRST_PAINT, rows, f"no first-paint hook: app.ui does not read {HOOK_ENV}", budget, baseline)]
    env = qt_env()
    if env is None:
        return [na(FIRST_PAINT, rows, "PySide6 not installed", budget, baseline)]
    release = ctx.release(rows)
    app_argv = [sys.executable, "-m", "app", str(release)]
    bare_argv = [sys.executable, "-c", BARE_WINDOW, str(release)]
    scratch = ctx.work / "qt-home"  # the launch saves recent files and layout: not in the user's config
    env = {**env, "XDG_CONFIG_HOME": str(scratch / "config"), "XDG_DATA_HOME": str(scratch / "data")}
    hook = {**env, HOOK_ENV: "1"}
    app_times, bare_times, error = [], [], None
    for rep in range(ctx.reps(rows) + 1):  # the first round warms the page cache and font caches
        ctx.log(f"first paint {rows:,}: run {rep + 1}")
        a, err = _painted_after(app_argv, hook, 60)
        b, _ = _painted_after(bare_argv, env, 60)
        error = error or err
        if rep and a is not None:
            app_times.append(a)
        if rep and b is not None:
            bare_times.append(b)
    if not app_times:
        return [na(FIRST_PAINT, rows, f"app did not paint: {error}", budget, baseline)]
    note = f"QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']}" + (f"; {error}" if error else "")
    return [Row(FIRST_PAINT, rows, min(app_times), baseline, min(bare_times) if bare_times else None, budget,
                note=note, repeats=len(app_times))]


def measure_gui_stall(ctx, rows: int) -> list[Row]:
    """The longest event-loop gap while the window loads, filters, searches and sorts
    (app.ui.probes.gui_bench gaps: a 5 ms timer records the largest interval between ticks)."""
    budget = budgets.at_size(budgets.seconds(budgets.GUI_STALL_S, "issue 3"), budgets.LARGE, rows)
    if not (proc.PROJECT_ROOT / "app" / "ui" / "probes" / "gui_bench.py").is_file():
        return [na(GUI_STALL, rows, "module missing: app.ui.probes.gui_bench", budget)]
    env = qt_env()
    if env is None:
        return [na(GUI_STALL, rows, "PySide6 not installed", budget)]
    release = ctx.release(rows)
    ctx.log(f"GUI gaps {rows:,}")
    try:
        done = subprocess.run([sys.executable, "-m", "app.ui.probes.gui_bench", "gaps", str(release)], capture_output=True,
                              text=True, timeout=120 + rows / 2_000, env=proc.child_env(env), cwd=str(proc.PROJECT_ROOT))
        result = json.loads(done.stdout.strip().splitlines()[-1])
    except (subprocess.TimeoutExpired, ValueError, IndexError) as exc:
        return [na(GUI_STALL, rows, f"gui_bench failed: {type(exc).__name__}", budget)]
    gaps = {k[: -len("_max_gap_ms")]: v for k, v in result.items() if k.endswith("_max_gap_ms")}
    if not gaps:
        return [na(GUI_STALL, rows, "gui_bench reported no gaps", budget)]
    worst = max(gaps, key=gaps.get)
    note = f"worst: {worst}; " + ", ".join(f"{k} {v:g}" for k, v in gaps.items()) + " ms"
    return [Row(GUI_STALL, rows, gaps[worst] / 1000, budget=budget, note=note, repeats=1)]


REVIEW_KEYS = ("j", "a", "x2")


def measure_review(ctx, rows: int, *, count: int = 100) -> list[Row]:
    """Key press to next item painted in review mode (issue 5), by app.ui.probes.latency in a
    child (it builds a QApplication): ``count`` presses each of j, a and 2 (next, accept,
    reject with reason 2: every kind of decision a key makes), 150 ms apart, in a
    real main window with a throwaway curation project. The figure is the p95 over all keys;
    the issue states 16 ms at 500,000 rows and smaller releases are held to the same."""
    budget = budgets.seconds(budgets.REVIEW_KEY_S, "issue 5") if rows <= budgets.LARGE else budgets.NO_BUDGET
    if not (proc.PROJECT_ROOT / "app" / "ui" / "probes" / "latency.py").is_file():
        return [na(REVIEW, rows, "module missing: app.ui.probes.latency", budget)]
    env = qt_env()
    if env is None:
        return [na(REVIEW, rows, "PySide6 not installed", budget)]
    release = ctx.release(rows)
    scratch = ctx.work / f"review-{rows}"
    env = {**env, "XDG_CONFIG_HOME": str(scratch / "config"), "XDG_DATA_HOME": str(scratch / "data")}
    code = ("import json, sys\nfrom app.ui.probes.latency import measure_review_latency\n"
            f"RESULT = measure_review_latency(sys.argv[1], keys={REVIEW_KEYS!r}, count=int(sys.argv[2]), project_dir=sys.argv[3])\n")
    ctx.log(f"review latency {rows:,}: {count} x {len(REVIEW_KEYS)} keys")
    run = proc.run_script(code, [str(release), str(count), str(scratch / "project")], env=env,
                          timeout=120 + rows / 2_000 + count * len(REVIEW_KEYS) * 0.3)
    every = run.payload.get("all") or {}
    if not run.ok or "p95_ms" not in every:
        return [na(REVIEW, rows, f"latency probe failed: {run.error or 'no samples'}"[:200], budget)]
    cpu = run.payload.get("all_gui_cpu") or {}
    note = (f"p95 of {every['n']} presses ({', '.join(REVIEW_KEYS)}); p50 {every['p50_ms']:g} ms, max {every['max_ms']:g} ms; "
            f"GUI CPU p95 {cpu.get('p95_ms', float('nan')):g} ms; {run.payload.get('platform', '?')}")
    return [Row(REVIEW, rows, every["p95_ms"] / 1000, budget=budget, note=note, repeats=every["n"])]


BUNDLE_ENV = "CQIA_BUNDLE"  # a built onedir folder elsewhere (as tests/test_packaging.py takes it)
FROZEN_PAINT = "frozen app: launch to rows and counts painted"


def bundle_dir() -> Path | None:
    """The onedir named by CQIA_BUNDLE, else one lying in dist/."""
    named = os.environ.get(BUNDLE_ENV)
    candidates = [Path(named)] if named else [proc.PROJECT_ROOT / "dist" / "CQIA Curator",
                                              proc.PROJECT_ROOT / "dist" / "cqia-curator"]
    return next((p for p in candidates if p.is_dir()), None)


def _where(path: Path) -> str:
    try:
        return str(path.relative_to(proc.PROJECT_ROOT))
    except ValueError:
        return str(path)


def measure_bundle(ctx, rows: int) -> list[Row]:
    """The frozen onedir's size and its launch to first paint (issue 7), when a build is
    found (CQIA_BUNDLE or dist/)."""
    budget = budgets.Budget("abs", budgets.BUNDLE_MB, "issue 7", unit="MB")
    found = bundle_dir()
    if found is None:
        reason = (f"{BUNDLE_ENV}={os.environ[BUNDLE_ENV]} is not a folder" if os.environ.get(BUNDLE_ENV)
                  else f"no build in dist/ and no {BUNDLE_ENV}: run pyinstaller build.spec")
        return [na("onedir bundle size", 0, reason, budget),
                na(FROZEN_PAINT, 0, reason, budgets.seconds(budgets.FROZEN_COLD_START_S, "issue 7"))]
    size = sum(p.stat().st_size for p in found.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20
    return [Row("onedir bundle size", 0, size, budget=budget, unit="MB", note=_where(found)),
            _frozen_paint(ctx, found)]


def _frozen_paint(ctx, bundle: Path) -> Row:
    """`<bundle>/cqia-curator resources/demo` with the first-paint hook (the frozen app runs
    the same app.ui code), best of 3. Nothing can drop the page cache without root, so
    only the first run is near cold; the note gives it."""
    budget = budgets.seconds(budgets.FROZEN_COLD_START_S, "issue 7")
    exe, demo = bundle / "cqia-curator", proc.PROJECT_ROOT / "resources" / "demo"
    if not exe.is_file():
        return na(FROZEN_PAINT, 0, f"no executable {exe.name} in {_where(bundle)}", budget)
    if not demo.is_dir():
        return na(FROZEN_PAINT, 0, "resources/demo missing", budget)
    env = qt_env() or {"QT_QPA_PLATFORM": "offscreen"}  # the bundle carries its own Qt
    scratch = ctx.work / "frozen-home"
    env = {**env, "XDG_CONFIG_HOME": str(scratch / "config"), "XDG_DATA_HOME": str(scratch / "data"), HOOK_ENV: "1"}
    times, error = [], None
    for rep in range(3):
        ctx.log(f"frozen first paint: run {rep + 1}")
        t, err = _painted_after([str(exe), str(demo)], env, 60)
        error = error or err
        if t is not None:
            times.append(t)
    if not times:
        return na(FROZEN_PAINT, 0, f"frozen app did not paint: {error}", budget)
    note = f"resources/demo; first run {times[0]:.2f} s; QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']}" + (
        f"; {error}" if error else "")
    return Row(FROZEN_PAINT, 0, min(times), budget=budget, note=note, repeats=len(times))
