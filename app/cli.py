"""Command-line verbs. Importing this module must not import Qt or jieba."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__

VERBS = ("validate", "stats", "export", "diff", "merge", "bench", "install-launcher", "uninstall-launcher")


class CliError(Exception):
    """A one-line error for the user; exit status 2."""


def _load(path: str):
    from .core.loader import ReleaseError, load_release

    try:
        return load_release(path)
    except ReleaseError as exc:
        raise CliError(str(exc)) from None


def _emit(obj, as_json: bool, text: str) -> None:
    if as_json:
        json.dump(obj, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text + "\n")


def cmd_validate(args) -> int:
    release = _load(args.path)
    report = release.report
    lines = [report.summary()]
    lines += [f"  {b.file}:{b.line}: {b.reason}" for b in report.bad_lines]
    lines += [f"  {s.file}: skipped: {s.reason}" for s in report.skipped_files]
    _emit(report.to_json(), args.json, "\n".join(lines))
    return 0


def cmd_stats(args) -> int:
    from .core.stats import release_stats

    release = _load(args.path)
    stats = release_stats(release.frame)
    if args.signals:
        from .core.signals import signal_stats

        stats["signals"] = signal_stats(release.frame)
    if args.json:
        _emit(stats, True, "")
        return 0
    out = [f"{stats['rows']:,} rows"]
    for column, counts in stats["facets"].items():
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
        out.append(f"{column}: " + ", ".join(f"{k} {v:,}" for k, v in top) + (" ..." if len(counts) > 10 else ""))
    for field, q in stats["length"].items():
        out.append(f"{field}: " + ", ".join(f"{k} {v:g}" for k, v in q.items()))
    _emit(None, False, "\n".join(out))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cqia-curator", description="Curate COIG-CQIA style releases.")
    parser.add_argument("--version", action="store_true", help="print versions and exit")
    sub = parser.add_subparsers(dest="verb")
    p = sub.add_parser("validate", help="load a release and print the load report")
    p.add_argument("path")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("stats", help="facet counts and length quantiles")
    p.add_argument("path")
    p.add_argument("--json", action="store_true")
    p.add_argument("--signals", action="store_true", help="add quality-signal counts and duplicate clusters")
    p.set_defaults(func=cmd_stats)
    return parser


def versions() -> str:
    import polars

    parts = [f"CQIA Curator {__version__}", f"Polars {polars.__version__}"]
    try:
        from importlib.metadata import version

        parts.append(f"Qt (PySide6) {version('PySide6-Essentials')}")
        parts.append(f"jieba {version('jieba')}")
    except Exception:  # noqa: BLE001 - frozen builds may lack metadata
        pass
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        print(versions())
        return 0
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
