"""Run the reliability tests harder and keep what they saw.

    python -m tests.reliability_run [--scale N] [--out FILE] [--per-test] [-- PYTEST ARGS]
    python -m tests.reliability_run --table FILE      the tables of a results file, no run

Runs `pytest -m reliability tests` in a child with CQIA_RELIABILITY_SCALE=N and
CQIA_RELIABILITY_LOG set (see tests/reliability.py), then writes FILE (default
tests/reliability_results.json, kept in the repo): date, machine, commit, scale, wall
time, pytest's exit status, one entry per test and the totals; and prints them as
Markdown. Exits with pytest's status.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.reliability import FIGURES, LOG_ENV, SCALE_ENV

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "tests" / "reliability_results.json"
FORMAT = "cqia-reliability-results/1"
PYTEST = ["-m", "pytest", "-m", "reliability", "-p", "no:cacheprovider", "tests"]
# The area table's figure columns: (heading, figure, the figure it landed inside, if any).
COLUMNS = [("kills (mid-write)", "kills", "kills_mid_write"),
           ("truncations (mid-read)", "truncations", "truncations_mid_read"),
           ("races", "races", None), ("tamper cases", "tamper_cases", None),
           ("hostile files", "hostile_files", None), ("faults", "faults", None)]


def totals(tests: list[dict]) -> dict:
    out = {"tests": len(tests), **{o: sum(t["outcome"] == o for t in tests) for o in ("held", "failed", "skipped")}}
    for name in FIGURES:
        out[name] = sum(t.get(name, 0) for t in tests)
    out["seconds"] = round(sum(t["seconds"] for t in tests), 1)
    return out


def _commit() -> dict:
    """The code under test: its commit, and whether app/ or tests/ had changes not in it."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    return {"commit": git("rev-parse", "HEAD") or None, "uncommitted_changes": bool(git("status", "--porcelain", "--",
                                                                                         "app", "tests"))}


def run(scale: int, extra: list[str]) -> dict:
    from app.bench.runner import machine

    info = {"format": FORMAT, "scale": scale, "machine": machine(), "niceness": os.nice(0), **_commit(),
            "command": " ".join(["python", *PYTEST, *extra])}
    with tempfile.TemporaryDirectory(prefix="cqia-reliability-") as tmp:
        log = Path(tmp) / "log.jsonl"
        env = {**os.environ, SCALE_ENV: str(scale), LOG_ENV: str(log)}
        env.setdefault("QT_QPA_PLATFORM", "offscreen")  # collecting tests/ui imports Qt
        start = time.monotonic()
        done = subprocess.run([sys.executable, *PYTEST, *extra], cwd=ROOT, env=env)
        info["wall_s"] = round(time.monotonic() - start, 1)
        tests = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
    info["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    info["pytest_exit"] = done.returncode
    info["totals"] = totals(tests)
    info["tests"] = tests
    return info


def _area(test: str) -> str:
    return test.split("::")[0].rsplit("/", 1)[-1]


def _figure(counts: dict, name: str, inside: str | None) -> str:
    n = counts.get(name, 0)
    if not n:
        return "-"
    return f"{n:,} ({counts.get(inside, 0):,})" if inside else f"{n:,}"


def area_table(results: dict) -> str:
    """One row per test module, and the totals."""
    areas: dict[str, list[dict]] = {}
    for t in results["tests"]:
        areas.setdefault(_area(t["test"]), []).append(t)
    head = ["tests", "held", *[c[0] for c in COLUMNS], "time"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    rows = [(f"`{name}`", totals(tests)) for name, tests in areas.items()] + [("**all**", results["totals"])]
    for name, t in rows:
        held = f"{t['held']}/{t['tests']}" + (f", {t['failed']} failed" if t["failed"] else "") + (
            f", {t['skipped']} skipped" if t["skipped"] else "")
        cells = [name, held, *[_figure(t, f, inside) for _, f, inside in COLUMNS], f"{t['seconds']:,.0f} s"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def per_test_table(results: dict) -> str:
    """One row per test: what it tried, what it checks, whether it held."""
    lines = ["| test | kind | rounds | tried | outcome | checks |", "|---|---|---|---|---|---|"]
    for t in results["tests"]:
        tried = ", ".join(f"{name} {t[name]:,}" for name in FIGURES[1:] if t.get(name))
        lines.append(f"| `{t['test'].split('::', 1)[1]}` ({_area(t['test'])}) | {t['kind']} | {t['rounds']:,} | "
                     f"{tried or '-'} | {t['outcome']} | {t['checks']} |")
    return "\n".join(lines)


def summary_line(results: dict) -> str:
    m = results["machine"]
    return (f"Scale {results['scale']}, {results['totals']['tests']} tests, wall time {results['wall_s'] / 60:.1f} min "
            f"on {m['cpu']}, {m['cores']} cores (nice {results['niceness']}, load average {m['loadavg_at_start'][0]:.2f}"
            f" at start, {results['loadavg_at_end'][0]:.2f} at end); {m['date']}; pytest exit {results['pytest_exit']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability_run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=20, help="rounds multiplier (CI runs 1; default 20, the committed run)")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"results file (default {RESULTS.relative_to(ROOT)})")
    parser.add_argument("--table", type=Path, help="print the tables of this results file and exit")
    parser.add_argument("--per-test", action="store_true", help="also print one row per test")
    parser.add_argument("pytest_args", nargs="*", help="after --: more pytest arguments (-k, -x, ...)")
    args = parser.parse_args(argv)
    if args.table:
        results = json.loads(args.table.read_text(encoding="utf-8"))
        status = 0
    else:
        if args.scale < 1:
            parser.error("--scale must be at least 1")
        results = run(args.scale, args.pytest_args)
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        status = results["pytest_exit"]
    print(area_table(results))
    if args.per_test:
        print()
        print(per_test_table(results))
    print()
    print(summary_line(results))
    if not args.table:
        print(f"written to {args.out}")
    return status


if __name__ == "__main__":
    sys.exit(main())
