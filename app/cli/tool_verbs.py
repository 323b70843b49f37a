"""The verbs about the tool itself rather than a release: `bench` (the speed budgets) and
`install-launcher` / `uninstall-launcher` (Linux menu entry and .jsonl association)."""
from __future__ import annotations

from pathlib import Path

from .common import CliError


def add_tool_parsers(sub) -> None:
    from app import launcher  # stdlib only

    p = sub.add_parser("install-launcher", help="add a menu entry, desktop icon and .jsonl association (Linux)")
    p.set_defaults(func=launcher.cmd_install)
    p = sub.add_parser("uninstall-launcher", help="remove what install-launcher added")
    p.set_defaults(func=launcher.cmd_uninstall)
    add_bench_parser(sub)


def add_bench_parser(sub) -> None:
    """Register the `bench` verb on the CLI's subparsers."""
    p = sub.add_parser("bench", help="measure load, facets, search, save, export, contamination, text passes and startup")
    p.add_argument("--rows", type=int, nargs="+", metavar="N", help="release sizes (default: 48375 500000)")
    p.add_argument("--quick", action="store_true", help="48,375 rows only, no text passes (CI); exit 1 only when a ratio exceeds twice its budget")
    p.add_argument("--json", metavar="FILE", type=Path, help="also write the results as JSON")
    p.add_argument("--out-dir", metavar="DIR", type=Path,
                   help="where built releases are cached and scratch output goes (default: $CQIA_BENCH_DIR or /tmp/cqia-bench)")
    p.add_argument("--repeats", type=int, default=3, metavar="N", help="best of N runs (default 3; fewer at 500,000 rows)")
    p.add_argument("--only", nargs="+", metavar="FIGURE", help="measure only these: load sharegpt browse turns save export apply stale team paint gui review bundle contam text")
    p.set_defaults(func=cmd_bench)


def cmd_bench(args) -> int:
    from app.bench.runner import run  # the measurements load only when the verb runs

    try:
        status, _, _ = run(args.rows, quick=args.quick, repeats=max(1, args.repeats), out_dir=args.out_dir,
                           json_path=args.json, only=args.only)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    return status
