"""Issue 24: `python -m app stats RELEASE` with the frame cache warm, whole process,
against bare Polars reading the JSONL and counting the same facets (measures_load.POLARS):
time and peak memory (ru_maxrss of each child).

The app's child runs the command line's own entry in a fresh interpreter (what `python -m
app stats` runs), with its own user cache folder under the run's scratch folder; one
untimed run first writes the cache (and waits for its writer, as the command does at
exit). Runs are interleaved, the best of each counts (measures_load's reasoning).
"""
from __future__ import annotations

from . import budgets, proc
from .measures_load import EXTRA_REPEATS, POLARS
from .table import Row, na

APP_STATS = """
import io, sys, contextlib
from app.cli.main import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(['stats', sys.argv[1], '--json'])
import json as _json
stats = _json.loads(out.getvalue())
RESULT = {'exit': code, 'rows': stats['rows'], 'distinct': {k: len(v) for k, v in stats['facets'].items()}}
"""
FIGURE = "stats, frame cache warm (whole process)"
MEMORY = "peak memory, stats with the cache warm (ru_maxrss)"
BASELINE = "bare Polars read_ndjson + counts"


def measure(ctx, rows: int) -> list[Row]:
    path = ctx.release(rows)
    env = {"XDG_CACHE_HOME": str(ctx.work / "cache-home"), "XDG_CONFIG_HOME": str(ctx.work / "config-home"),
           "XDG_DATA_HOME": str(ctx.work / "data-home")}
    timeout = 120 + rows / 1_000
    time_budget = budgets.sized_ratio(budgets.CACHE_RATIO, rows, "issue 24")
    mem_budget = budgets.at_size(budgets.CACHE_MEMORY_RATIO, budgets.LARGE, rows)
    ctx.log(f"cache {rows:,}: writing the cache (untimed)")
    first = proc.run_script(APP_STATS, [str(path)], timeout=timeout, env=env)
    if not first.ok:
        return [na(FIGURE, rows, f"app failed: {first.error}", time_budget, BASELINE)]
    runs: dict[str, list[proc.ChildRun]] = {"app": [], "polars": []}
    for rep in range(ctx.reps(rows) + EXTRA_REPEATS):
        for key, script in (("app", APP_STATS), ("polars", POLARS)):
            ctx.log(f"cache {rows:,}: {key} run {rep + 1}")
            runs[key].append(proc.run_script(script, [str(path)], timeout=timeout, env=env))
    app_s, base_s = proc.best_of(runs["app"]), proc.best_of(runs["polars"])
    if app_s is None or base_s is None:
        failed = runs["app"] if app_s is None else runs["polars"]
        return [na(FIGURE, rows, f"a run failed: {proc.first_error(failed)}", time_budget, BASELINE)]
    app_mb, base_mb = proc.best_of(runs["app"], "rss_mb"), proc.best_of(runs["polars"], "rss_mb")
    app_distinct = next(r.payload.get("distinct", {}) for r in runs["app"] if r.ok)
    base_distinct = next(r.payload.get("distinct", {}) for r in runs["polars"] if r.ok)
    differ = sorted(k for k in set(app_distinct) & set(base_distinct) if app_distinct[k] != base_distinct[k])
    note = f"distinct values differ in {', '.join(differ)}" if differ else ""
    return [Row(FIGURE, rows, app_s, BASELINE, base_s, time_budget, note=note, repeats=len(runs["app"])),
            Row(MEMORY, rows, app_mb, "bare Polars", base_mb, mem_budget, unit="MB", repeats=len(runs["app"]))]
