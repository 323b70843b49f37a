"""Command-line verbs. Importing this module must not import Qt or jieba."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__

from . import cli_curation as curation
from .cli_common import CliError, load_release as _load, report_failure, route_warnings, say

VERBS = ("validate", "stats", "export", "diff", "merge", "agreement", "apply", "save", "bench", "install-launcher",
         "uninstall-launcher")


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
    if {f.format for f in report.file_formats} != {"cqia"}:  # a COIG-CQIA release says nothing new
        lines += [f"  {f.file}: {f.format}, {f.rows:,} rows" for f in report.file_formats]
    _emit(report.to_json(), args.json, "\n".join(lines))
    return 0


def cmd_stats(args) -> int:
    from .core.stats import release_stats

    release = _load(args.path, args)
    stats = release_stats(release.frame)
    if args.signals:
        from app.core.text.signals import signal_stats

        stats["signals"] = signal_stats(release.frame)
    if args.words:
        from app.core.text.wordpass import tokenise
        from .core.stats import word_stats

        stats["words"] = word_stats(tokenise(release.frame, processes=args.processes))
    cur = curation.curation_stats(args, release)
    if cur is not None:
        stats["curation"] = cur
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
    if cur is not None:
        out += curation.curation_text(cur)
    _emit(None, False, "\n".join(out))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="cqia-curator", description="Curate COIG-CQIA style releases.")
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
    curation.add_project_options(p)
    p.set_defaults(func=cmd_stats)
    p = sub.add_parser("export", help="write the curated release (edits applied, rejected rows removed)")
    p.add_argument("release")
    curation.add_project_options(p)
    p.add_argument("--version", type=int, help="export as of version N (0: the base); default: the latest state")
    p.add_argument("--out", required=True, help="a .jsonl/.parquet file (single layout) or a folder (tree layout)")
    p.add_argument("--layout", choices=("single", "tree"), default="single")
    p.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl")
    p.add_argument("--keep-rejected", action="store_true", help="keep rejected rows, marked with a _curation key")
    p.add_argument("--drop-stale", action="store_true",
                   help="export even when decisions no longer apply to the (changed) release, leaving them out")
    p.add_argument("--keep-bad-lines", action="store_true",
                   help="keep the lines the loader reported as bad, as they were (JSONL; default: left out and counted)")
    p.set_defaults(func=curation.cmd_export)
    p = sub.add_parser("diff", help="print the changes between two versions of a curation project")
    p.add_argument("release")
    curation.add_project_options(p, raw=False)
    p.add_argument("--from", dest="from_version", type=int, help="default: the base release (0)")
    p.add_argument("--to", dest="to_version", type=int, help="default: the latest version")
    p.set_defaults(func=curation.cmd_diff)
    p = sub.add_parser("merge", help="merge another curator's version into a project (three-way, by row and field)")
    p.add_argument("release")
    curation.add_project_options(p, raw=False)
    p.add_argument("--theirs", required=True, help="their project folder (its latest version) or a vNNNN.jsonl file")
    p.add_argument("--out", help="write the merged project to this new folder instead of into mine")
    p.add_argument("--prefer", choices=("mine", "theirs"), help="resolve every conflict this way (default: stop, exit 1)")
    p.set_defaults(func=curation.cmd_merge)
    p = sub.add_parser("agreement", help="agreement rate and Cohen's kappa of two curators' accept/reject decisions")
    p.add_argument("release")
    curation.add_project_options(p, raw=False)
    p.add_argument("--theirs", required=True, help="their project folder (its latest version) or a vNNNN.jsonl file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=curation.cmd_agreement)
    curation.add_write_parsers(sub)
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


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # a usage error is a failure like any other: one line, exit 2
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.show_versions:  # not args.version: that is export's --version N
        print(versions())
        return 0
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    route_warnings()
    try:
        return args.func(args)
    except curation.Refused as exc:
        print(exc, file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        say("error: interrupted")
        return 130
    except Exception as exc:  # noqa: BLE001 - every failure is one line, never a traceback
        return report_failure(exc)
