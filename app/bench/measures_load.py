"""Figure 1: load a release + count every facet, whole process (interpreter start,
imports, read, counts), app vs bare Polars vs pandas vs the stdlib; and peak memory.

Each contender is a fresh `python -c` child; their repeats are interleaved so a burst of
load from other work on the machine hits them alike, and the best (min) run counts.
All read the same single-file release (the shape of COIG-CQIA-full.jsonl). App and bare
Polars get two runs more than other figures: a whole process on two shared cores varies
by a third from run to run, and the budget is a ratio of two such minima.
"""
from __future__ import annotations

from . import budgets, proc, sharegpt
from .table import Row, na

APP = """
import sys
from app.core.query.facets import all_facet_counts
from app.core.load.loader import load_release
from app.core.query.filters import FilterSpec
from app.core.load.schema import FACET_COLUMNS
release = load_release(sys.argv[1])
counts = all_facet_counts(release.frame, FilterSpec(), FACET_COLUMNS, limit=None)
RESULT = {'rows': release.frame.height,
          'distinct': {c: len(f.values) for c, f in counts.items()}}
"""

# The same counts done directly: a list column counts a row once per distinct value.
POLARS = """
import sys
import polars as pl
df = pl.read_ndjson(sys.argv[1])
schema = df.collect_schema()
lf = df.lazy()
plans = {}
for name in ('source', 'answer_from', 'human_verified'):
    if name in schema:
        plans[name] = lf.group_by(name).len()
def listed(expr, name):
    return lf.select(expr.list.unique().alias(name)).explode(name).drop_nulls().group_by(name).len()
if 'task_type' in schema:
    for part in ('major', 'minor'):
        plans['task_' + part] = listed(pl.col('task_type').struct.field(part), 'task_' + part)
if 'domain' in schema:
    plans['domain'] = listed(pl.col('domain'), 'domain')
done = dict(zip(plans, pl.collect_all(list(plans.values()))))
RESULT = {'rows': df.height, 'distinct': {k: v.height for k, v in done.items()}}
"""

PANDAS = """
import sys
import pandas as pd
df = pd.read_json(sys.argv[1], lines=True)
def as_list(v):
    return list(set(v)) if isinstance(v, list) else ([v] if isinstance(v, str) else [])
counts = {}
for name in ('source', 'answer_from', 'human_verified'):
    if name in df:
        counts[name] = df[name].value_counts()
if 'task_type' in df:
    for part in ('major', 'minor'):
        lists = df['task_type'].map(lambda d: as_list(d.get(part)) if isinstance(d, dict) else [])
        counts['task_' + part] = lists.explode().dropna().value_counts()
if 'domain' in df:
    counts['domain'] = df['domain'].map(as_list).explode().dropna().value_counts()
RESULT = {'rows': len(df), 'distinct': {k: len(v) for k, v in counts.items()}}
"""

STDLIB = """
import json, sys
from collections import Counter
counts = {k: Counter() for k in ('source', 'task_major', 'task_minor', 'domain', 'answer_from', 'human_verified')}
rows = 0
def as_set(v):
    return set(v) if isinstance(v, list) else ({v} if isinstance(v, str) else set())
with open(sys.argv[1], encoding='utf-8') as fh:
    for line in fh:
        if not line.strip():
            continue
        obj = json.loads(line)
        rows += 1
        for name in ('source', 'answer_from', 'human_verified'):
            if name in obj:
                counts[name][obj[name]] += 1
        task = obj.get('task_type') if isinstance(obj.get('task_type'), dict) else {}
        counts['task_major'].update(as_set(task.get('major')))
        counts['task_minor'].update(as_set(task.get('minor')))
        counts['domain'].update(as_set(obj.get('domain')))
RESULT = {'rows': rows, 'distinct': {k: len(v) for k, v in counts.items() if v}}
"""

CONTENDERS = (  # (key, baseline label, script, slow peer?)
    ("app", "app", APP, False),
    ("polars", "bare Polars read_ndjson + counts", POLARS, False),
    ("pandas", "pandas read_json(lines=True) + value_counts", PANDAS, True),
    ("stdlib", "stdlib json lines + Counter", STDLIB, True),
)
FIGURE = "load + all facet counts (whole process)"
EXTRA_REPEATS = 2


def _mismatch(app: dict, other: dict) -> str:
    """Facets whose number of distinct values differ: a sign the two did different work."""
    diff = [k for k in set(app) & set(other) if app[k] != other[k]]
    return f"; distinct values differ in {', '.join(sorted(diff))}" if diff else ""


def measure(ctx, rows: int) -> list[Row]:
    """App vs bare Polars at every size; pandas and the stdlib (minutes and gigabytes at
    500,000 rows, and no budget) only at the smallest size of the run."""
    peers = rows == ctx.smallest
    path = ctx.release(rows)
    timeout = 120 + rows / 1_000  # generous: a timeout is reported, not waited out forever
    wanted = [c for c in CONTENDERS if peers or not c[3]]
    runs: dict[str, list[proc.ChildRun]] = {key: [] for key, *_ in wanted}

    def reps(slow: bool) -> int:
        return ctx.reps(rows, heavy=slow) + (0 if slow else EXTRA_REPEATS)

    for rep in range(max(reps(slow) for *_, slow in wanted)):
        for key, label, script, slow in wanted:
            if rep < reps(slow):
                ctx.log(f"load {rows:,}: {key} run {rep + 1}")
                runs[key].append(proc.run_script(script, [str(path)], timeout=timeout))
    app_runs = runs["app"]
    app_s, app_mb = proc.best_of(app_runs), proc.best_of(app_runs, "rss_mb")
    app_distinct = next((r.payload.get("distinct", {}) for r in app_runs if r.ok), {})
    out: list[Row] = []
    for key, label, _, _ in wanted[1:]:
        base_runs = runs[key]
        base_s = proc.best_of(base_runs)
        budget = budgets.LOAD_RATIO if key == "polars" else budgets.NO_BUDGET
        if app_s is None:
            out.append(na(FIGURE, rows, f"app failed: {proc.first_error(app_runs)}", budget, label))
            continue
        base_mb = proc.best_of(base_runs, "rss_mb")
        note = f"peak {base_mb:,.0f} MB" if base_mb is not None and key != "polars" else ""
        if base_s is None:
            note = f"baseline failed: {proc.first_error(base_runs)}"
        else:
            base_distinct = next((r.payload.get("distinct", {}) for r in base_runs if r.ok), {})
            note += _mismatch(app_distinct, base_distinct)
        out.append(Row(FIGURE, rows, app_s, label, base_s, budget, note=note.lstrip("; "),
                       repeats=len(app_runs)))
    polars_runs = runs.get("polars", [])
    base_mb = proc.best_of(polars_runs, "rss_mb")
    mem_budget = budgets.at_size(budgets.LOAD_MEMORY_RATIO, budgets.LARGE, rows)
    if app_mb is not None and base_mb is not None:
        out.append(Row("peak memory, load + counts (ru_maxrss)", rows, app_mb, "bare Polars", base_mb,
                       mem_budget, unit="MB", repeats=len(app_runs)))
    else:
        out.append(na("peak memory, load + counts (ru_maxrss)", rows, "a run failed", mem_budget, "bare Polars"))
    return out


# Issue 23: a ShareGPT release (sharegpt.py) loaded to the inner shape (turns, paths,
# formats), against bare Polars reading the same file (its schema inferred).
APP_SHAREGPT = """
import sys
from app.core.load.loader import load_release
release = load_release(sys.argv[1])
RESULT = {'rows': release.frame.height, 'formats': dict(release.frame['format'].value_counts().iter_rows()),
          'bad': len(release.report.bad_lines)}
"""
POLARS_SHAREGPT = """
import sys
import polars as pl
df = pl.read_ndjson(sys.argv[1])
RESULT = {'rows': df.height}
"""
FIGURE_SHAREGPT = "load a ShareGPT release (whole process)"


def measure_sharegpt(ctx, rows: int) -> list[Row]:
    """App vs bare read_ndjson on a ShareGPT release of ``rows`` rows, runs interleaved."""
    try:
        path = sharegpt.ensure(ctx.cache, rows, ctx.seed, log=ctx.log)
    except RuntimeError as exc:
        return [na(FIGURE_SHAREGPT, rows, str(exc), budgets.LOAD_SHAREGPT_RATIO, "bare Polars read_ndjson")]
    timeout = 120 + rows / 1_000
    runs: dict[str, list[proc.ChildRun]] = {"app": [], "polars": []}
    for rep in range(ctx.reps(rows) + EXTRA_REPEATS):
        for key, script in (("app", APP_SHAREGPT), ("polars", POLARS_SHAREGPT)):
            ctx.log(f"ShareGPT load {rows:,}: {key} run {rep + 1}")
            runs[key].append(proc.run_script(script, [str(path)], timeout=timeout))
    app_s, base_s = proc.best_of(runs["app"]), proc.best_of(runs["polars"])
    if app_s is None or base_s is None:
        failed = runs["app"] if app_s is None else runs["polars"]
        return [na(FIGURE_SHAREGPT, rows, f"a run failed: {proc.first_error(failed)}", budgets.LOAD_SHAREGPT_RATIO,
                   "bare Polars read_ndjson")]
    payload = next(r.payload for r in runs["app"] if r.ok)
    app_mb, base_mb = proc.best_of(runs["app"], "rss_mb"), proc.best_of(runs["polars"], "rss_mb")
    formats = ", ".join(f"{k} {v:,}" for k, v in sorted(payload.get("formats", {}).items()))
    note = f"{formats}; peak {app_mb:,.0f} MB vs {base_mb:,.0f} MB"
    return [Row(FIGURE_SHAREGPT, rows, app_s, "bare Polars read_ndjson", base_s, budgets.LOAD_SHAREGPT_RATIO,
                note=note, repeats=len(runs["app"]))]
