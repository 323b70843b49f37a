"""`python -m app bench`: the app's speed budgets measured beside bare baselines, in one run.

Light to import (the CLI imports it to build its parser): the measurements load lazily.
Modules: runner (the run), measures_* (one family of figures each, parent and child
side), child (in-process figures in a fresh process), proc (fresh processes), releases
(synthetic releases, cached), budgets (every budget from the issues), table (output).
"""
from __future__ import annotations

from pathlib import Path


def add_parser(sub) -> None:
    """Register the `bench` verb on the CLI's subparsers."""
    p = sub.add_parser("bench", help="measure load, facets, search, save, export, text passes and startup")
    p.add_argument("--rows", type=int, nargs="+", metavar="N", help="release sizes (default: 48375 500000)")
    p.add_argument("--quick", action="store_true", help="48,375 rows only, no text passes (CI); exit 1 only when a ratio exceeds twice its budget")
    p.add_argument("--json", metavar="FILE", type=Path, help="also write the results as JSON")
    p.add_argument("--out-dir", metavar="DIR", type=Path,
                   help="where built releases are cached and scratch output goes (default: $CQIA_BENCH_DIR or /tmp/cqia-bench)")
    p.add_argument("--repeats", type=int, default=3, metavar="N", help="best of N runs (default 3; fewer at 500,000 rows)")
    p.add_argument("--only", nargs="+", metavar="FIGURE", help="measure only these: load browse save export apply stale team paint gui review bundle text")
    p.set_defaults(func=cmd_bench)


def cmd_bench(args) -> int:
    from .runner import run

    try:
        status, _, _ = run(args.rows, quick=args.quick, repeats=max(1, args.repeats), out_dir=args.out_dir,
                           json_path=args.json, only=args.only)
    except ValueError as exc:
        from app.cli import CliError

        raise CliError(str(exc)) from None
    return status
