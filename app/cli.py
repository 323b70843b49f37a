"""Command-line verbs. Importing this module must not import Qt or jieba."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__

VERBS = ("validate", "stats", "export", "diff", "merge", "agreement", "bench", "install-launcher", "uninstall-launcher")


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
    if args.words:
        from .core.stats import word_stats
        from .core.text import tokenise

        stats["words"] = word_stats(tokenise(release.frame, processes=args.processes))
    if args.json:
        _emit(stats, True, "")
        return 0
    out = [f"{stats['rows']:,} rows"]
    for column, counts in stats["facets"].items():
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
        out.append(f"{column}: " + ", ".join(f"{k} {v:,}" for k, v in top) + (" ..." if len(counts) > 10 else ""))
    for field, q in stats["length"].items():
        out.append(f"{field}: " + ", ".join(f"{k} {v:g}" for k, v in q.items()))
    if "signals" in stats:
        sig = stats["signals"]
        out.append("signals: " + ", ".join(f"{sig['titles'][k]['en']} {v:,}" for k, v in sig["counts"].items()))
        near = sig["near_duplicates"]
        out.append(f"near-duplicate clusters (Jaccard >= {near['threshold']}): {near['clusters']:,} covering {near['rows']:,} rows")
        out += [f"  {c['size']} rows, J~{c['mean_jaccard']}: {c['instruction'][:40]}" for c in near["top"][:10]]
    if "words" in stats:
        words = stats["words"]
        for field, q in words["words"].items():
            out.append(f"{field} (jieba words): " + ", ".join(f"{k} {v:g}" for k, v in q.items()))
        out.append(f"instruction verbs ({words['with_verb']:,} rows have one):")
        out += [f"  {v['verb']} {v['rows']:,}: " + ", ".join(f"{n['noun']} {n['rows']:,}" for n in v["nouns"])
                for v in words["verbs"]]
    _emit(None, False, "\n".join(out))
    return 0


def cmd_export(args) -> int:
    from .core.atomic import SaveError
    from .core.curation import open_overlay
    from .core.export import ExportError, export_release
    from .core.versions import VersionError

    release = _load(args.release)
    try:
        overlay = open_overlay(release, args.project, args.version) if args.project else None
        result = export_release(release, overlay, args.out, layout=args.layout, fmt=args.format,
                                keep_rejected=args.keep_rejected, keep_bad_lines=args.keep_bad_lines,
                                protect=[args.project] if args.project else [])
    except (ExportError, SaveError, VersionError, OSError, ValueError) as exc:
        raise CliError(str(exc)) from None
    print(f"exported {result.rows:,} rows ({result.edited:,} edited, {result.rejected_dropped:,} rejected rows dropped, "
          f"{result.rejected_kept:,} kept) to {result.out}")
    if result.bad_lines_dropped:  # nothing left out silently: `validate` lists them
        how = "--keep-bad-lines keeps them" if args.format == "jsonl" else "Parquet holds rows only"
        print(f"{result.bad_lines_dropped:,} bad lines left out (`validate` lists them; {how})")
    if result.bad_lines_kept:
        print(f"{result.bad_lines_kept:,} bad lines kept as they were")
    return 0


def cmd_diff(args) -> int:
    from .core.versions import VersionError, format_diff

    if not Path(args.project).is_dir():
        raise CliError(f"project folder not found: {args.project}")
    try:
        sys.stdout.write(format_diff(args.project, args.from_version, args.to_version).rstrip("\n") + "\n")
    except (VersionError, OSError, ValueError) as exc:
        raise CliError(str(exc)) from None
    return 0


def cmd_merge(args) -> int:
    from .core.merge import MergeError
    from .core.merge_projects import merge_projects

    release = _load(args.release)
    try:
        outcome = merge_projects(release, args.project, args.theirs, out=args.out, prefer=args.prefer)
    except MergeError as exc:
        raise CliError(str(exc)) from None
    sys.stdout.write(outcome.report())
    return 1 if outcome.blocked else 0


def cmd_agreement(args) -> int:
    from .core.agreement import agreement_between, agreement_json, format_agreement
    from .core.project import ProjectError
    from .core.versions import VersionError

    release = _load(args.release)
    try:
        table, title = agreement_between(release, args.project, args.theirs)
    except (ProjectError, VersionError, OSError) as exc:
        raise CliError(str(exc)) from None
    sys.stdout.write(agreement_json(table) + "\n" if args.json else format_agreement(table, title))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cqia-curator", description="Curate COIG-CQIA style releases.")
    parser.add_argument("--version", dest="show_versions", action="store_true", help="print versions and exit")
    sub = parser.add_subparsers(dest="verb")
    p = sub.add_parser("validate", help="load a release and print the load report")
    p.add_argument("path")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("stats", help="facet counts and length quantiles")
    p.add_argument("path")
    p.add_argument("--json", action="store_true")
    p.add_argument("--signals", action="store_true", help="add quality-signal counts and duplicate clusters")
    p.add_argument("--words", action="store_true",
                   help="add jieba word counts and the top instruction verbs with their nouns (a text pass over every row)")
    p.add_argument("--processes", type=int, metavar="N", help="worker processes for --words (default: all cores)")
    p.set_defaults(func=cmd_stats)
    p = sub.add_parser("export", help="write the curated release (edits applied, rejected rows removed)")
    p.add_argument("release")
    p.add_argument("--project", help="curation project folder; without it the release is exported unchanged")
    p.add_argument("--version", type=int, help="export as of version N (0: the base); default: the latest state")
    p.add_argument("--out", required=True, help="a .jsonl/.parquet file (single layout) or a folder (tree layout)")
    p.add_argument("--layout", choices=("single", "tree"), default="single")
    p.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl")
    p.add_argument("--keep-rejected", action="store_true", help="keep rejected rows, marked with a _curation key")
    p.add_argument("--keep-bad-lines", action="store_true",
                   help="keep the lines the loader reported as bad, as they were (JSONL; default: left out and counted)")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("diff", help="print the changes between two versions of a curation project")
    p.add_argument("release", help="the release (kept for symmetry with export; the project records its base)")
    p.add_argument("--project", required=True)
    p.add_argument("--from", dest="from_version", type=int, help="default: the base release (0)")
    p.add_argument("--to", dest="to_version", type=int, help="default: the latest version")
    p.set_defaults(func=cmd_diff)
    p = sub.add_parser("merge", help="merge another curator's version into a project (three-way, by row and field)")
    p.add_argument("release")
    p.add_argument("--project", required=True, help="my curation project folder")
    p.add_argument("--theirs", required=True, help="their project folder (its latest version) or a vNNNN.jsonl file")
    p.add_argument("--out", help="write the merged project to this new folder instead of --project")
    p.add_argument("--prefer", choices=("mine", "theirs"), help="resolve every conflict this way (default: stop, exit 1)")
    p.set_defaults(func=cmd_merge)
    p = sub.add_parser("agreement", help="agreement rate and Cohen's kappa of two curators' accept/reject decisions")
    p.add_argument("release")
    p.add_argument("--project", required=True, help="my curation project folder")
    p.add_argument("--theirs", required=True, help="their project folder (its latest version) or a vNNNN.jsonl file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_agreement)
    from . import launcher  # stdlib only

    p = sub.add_parser("install-launcher", help="add a menu entry, desktop icon and .jsonl association (Linux)")
    p.set_defaults(func=launcher.cmd_install)
    p = sub.add_parser("uninstall-launcher", help="remove what install-launcher added")
    p.set_defaults(func=launcher.cmd_uninstall)
    from .bench import add_parser as add_bench_parser  # light: measurements load lazily

    add_bench_parser(sub)
    return parser


def versions() -> str:
    """'CQIA Curator 0.1.0, Polars 1.x, Qt (PySide6) 6.x, jieba 0.42.1' (--version, Help > About).
    Read from package metadata, so neither Qt nor jieba is imported here."""
    import polars
    from importlib.metadata import version

    parts = [f"CQIA Curator {__version__}", f"Polars {polars.__version__}"]
    for label, dist, module in (("Qt (PySide6)", "PySide6-Essentials", "PySide6"), ("jieba", "jieba", "jieba")):
        try:  # each on its own: one missing must not drop the other
            parts.append(f"{label} {version(dist)}")
        except Exception:  # noqa: BLE001 - frozen builds may lack metadata
            loaded = sys.modules.get(module)  # already imported (the GUI's Qt): its own version, importing nothing
            if getattr(loaded, "__version__", None):
                parts.append(f"{label} {loaded.__version__}")
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.show_versions:  # not args.version: that is export's --version N
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
