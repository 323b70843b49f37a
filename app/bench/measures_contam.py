"""Figure 9 (issue 26): benchmark contamination on the 48,375-row release against CMMLU and
GAOKAO-Bench (14,728 questions): reading the benchmarks, indexing their 13-grams and
matching every row (app.core.text.contamination), beside the same matching written in
plain Python (sets and a dict of n-gram strings, one process) in the same child.

And the memory a benchmark of 100,000 and of 1,000,000 questions takes: synthetic
questions (random CJK characters, so every gram is distinct: the worst case; lengths
drawn from the real questions'), each size in a fresh child, peak resident memory while
indexing over the memory before it, then one match of the 48,375 rows against it.

The benchmarks are read from $CQIA_BENCHMARKS or ../shared/data/benchmarks; without them
the figure is n/a. Full mode only for the baseline and the memory rows (minutes).
"""
from __future__ import annotations

import os
import resource
import time
from pathlib import Path

from . import budgets
from .proc import PROJECT_ROOT
from .table import Row, from_result, na

SCAN = "benchmark contamination scan (CMMLU + GAOKAO-Bench)"
MEMORY = "contamination index, {n:,} synthetic questions (peak while indexing)"
MEMORY_SIZES = (100_000, 1_000_000)
BASELINE = "plain Python n-gram sets + dict, 1 process"


def benchmarks_dir() -> Path | None:
    env = os.environ.get("CQIA_BENCHMARKS")
    candidates = [Path(env)] if env else []
    candidates.append(PROJECT_ROOT.parent / "shared" / "data" / "benchmarks")
    return next((c for c in candidates if (c / "cmmlu").is_dir() and (c / "gaokao-bench").is_dir()), None)


# ---- child side -----------------------------------------------------------------------

def plain_python(rows: list[tuple[str, str]], questions: list[str], n: int) -> dict[int, tuple[float, int]]:
    """The matcher in plain Python: row index -> (overlap, question) of its best question."""
    from app.core.text.contamination.normalise import normalise_text

    sizes: list[int] = []
    owners: dict[str, list[int]] = {}
    for qi, text in enumerate(questions):
        t = normalise_text(text)
        grams = {t[i:i + n] for i in range(len(t) - n + 1)}
        sizes.append(len(grams))
        for g in grams:
            owners.setdefault(g, []).append(qi)
    found: dict[int, tuple[float, int]] = {}
    for ri, (instruction, input_) in enumerate(rows):
        t = normalise_text(instruction or "") + normalise_text(input_ or "")
        shared: dict[int, int] = {}
        for g in {t[i:i + n] for i in range(len(t) - n + 1)}:
            for qi in owners.get(g, ()):
                shared[qi] = shared.get(qi, 0) + 1
        if shared:
            found[ri] = max(((k / sizes[q], -q) for q, k in shared.items()))
    return {r: (o, -q) for r, (o, q) in found.items()}


def child_scan(job) -> dict:
    import polars as pl

    from app.core.text.contamination import DEFAULT_NGRAM, build_index, find_matches, read_benchmarks

    from .job import best

    root = benchmarks_dir()
    if root is None:
        return {"na": "benchmarks not found: set CQIA_BENCHMARKS"}
    paths = [root / "cmmlu", root / "gaokao-bench"]
    frame = job.frame
    got = []

    def app() -> None:
        bench = read_benchmarks(paths)
        got.append((bench, find_matches(frame, build_index(bench.questions, DEFAULT_NGRAM))))

    reps = max(1, job.repeats)
    app_s = best(app, reps)
    bench, found = got[-1]
    out = {"app_s": app_s, "repeats": reps,
           "note": f"{bench.questions.height:,} questions, {found.height:,} rows flagged, all cores (threads)"}
    if os.environ.get("CQIA_BENCH_QUICK"):
        out["note"] += "; baseline skipped in --quick"
        return out
    rows = frame.select("instruction", "input").rows()
    questions = bench.questions["question"].to_list()
    start = time.perf_counter()
    plain = plain_python(rows, questions, DEFAULT_NGRAM)
    out["base_s"] = time.perf_counter() - start
    at = frame.select(pl.int_range(pl.len()).alias("r"), "rid").join(found.select("rid", "question"), on="rid")
    mine = dict(zip(at["r"].to_list(), at["question"].to_list()))
    same = {r: q for r, (_, q) in plain.items()} == mine
    out["note"] += "; the baseline finds the same rows and questions" if same else \
        f"; the baseline flags {len(plain):,} rows: app and baseline disagree"
    return out


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def synthetic_questions(count: int, lengths, seed: int = 0):
    """``count`` questions of random CJK ideographs, lengths drawn from ``lengths``."""
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(seed)
    sizes = rng.choice(np.asarray(lengths, dtype=np.int64), size=count)
    codes = rng.integers(0x4E00, 0x9FA6, size=int(sizes.sum()), dtype=np.uint32)
    text = codes.tobytes().decode("utf-32-le")
    ends = np.cumsum(sizes)
    starts = ends - sizes
    del codes
    questions = pl.Series("question", [text[a:b] for a, b in zip(starts.tolist(), ends.tolist())])
    return pl.DataFrame({"benchmark_file": pl.Series([f"synthetic/{i // 10_000:03d}.csv" for i in range(0, count, 10_000)])
                         .gather(np.arange(count) // 10_000), "question_index": pl.Series(np.arange(count) % 10_000,
                                                                                          dtype=pl.UInt32),
                         "question": questions})


def child_memory(job) -> dict:
    from app.core.text.contamination import build_index, find_matches, read_benchmarks

    count = int(os.environ.get("CQIA_BENCH_QUESTIONS", MEMORY_SIZES[-1]))
    root = benchmarks_dir()
    if root is None:
        return {"na": "benchmarks not found (the lengths are drawn from the real questions'): set CQIA_BENCHMARKS"}
    lengths = read_benchmarks([root / "cmmlu", root / "gaokao-bench"]).questions["question"].str.len_chars()
    questions = synthetic_questions(count, lengths.to_numpy())
    held_questions = questions.estimated_size() / 2**20
    before = _current_rss_mb()
    start = time.perf_counter()
    index = build_index(questions)
    index_s = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    frame = job.frame
    start = time.perf_counter()
    found = find_matches(frame, index)
    match_s = time.perf_counter() - start
    pairs = index.pairs
    return {"app_s": peak - before, "repeats": 1,
            "note": (f"index holds {index.nbytes / 2**20:,.0f} MB ({pairs / 1e6:,.1f} M gram pairs, "
                     f"{index.nbytes / max(pairs, 1):.1f} B each) + the questions {held_questions:,.0f} MB; "
                     f"indexing {index_s:.1f} s; matching {frame.height:,} rows {match_s:.1f} s, {found.height} flagged")}


CHILD = {"scan": child_scan}
CHILD_MEMORY = {"memory": child_memory}


# ---- parent side ----------------------------------------------------------------------

def measure(ctx, rows: int) -> list[Row]:
    budget = budgets.seconds(budgets.CONTAMINATION_S, "issue 26") if rows <= budgets.SMALL else budgets.NO_BUDGET
    if benchmarks_dir() is None:
        reason = "benchmarks not found: set CQIA_BENCHMARKS or place them at ../shared/data/benchmarks"
        return [na(SCAN, rows, reason, budget, BASELINE)]
    release = ctx.release(rows)
    res = ctx.child("contam", release, ctx.reps(rows), timeout=300 + rows / 500,
                    env={"CQIA_BENCH_QUICK": "1"} if ctx.quick else None)
    out = [from_result(SCAN, rows, res.get("scan", res.get("*")), BASELINE, budget)]
    if ctx.quick:
        return out
    for count in MEMORY_SIZES:
        figure = MEMORY.format(n=count)
        if ctx.time_left() < 120:
            out.append(na(figure, rows, "skipped to keep the run under its time budget"))
            continue
        res = ctx.child("contam_memory", release, 1, timeout=600, env={"CQIA_BENCH_QUESTIONS": str(count)})
        row = from_result(figure, rows, res.get("memory", res.get("*")), "")
        row.unit = "MB"
        out.append(row)
    return out
