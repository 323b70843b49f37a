"""The command line's parser and entry point: `python -m app VERB`, every verb named here
and routed to its module; every failure one line. Importing it imports neither Qt nor jieba."""
from __future__ import annotations

import argparse
import sys

from app.about import versions

from . import curation_verbs as curation
from .common import report_failure, route_warnings, say
from .edit_verbs import add_edit_parsers
from .release_verbs import cmd_search, cmd_stats, cmd_validate
from .team_verbs import add_team_parsers
from .tool_verbs import add_tool_parsers

VERBS = ("validate", "stats", "search", "export", "diff", "merge", "agreement", "assign", "progress", "apply", "save", "edit", "swap-preference", "contamination", "bench",
         "install-launcher", "uninstall-launcher")


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
    p = sub.add_parser("search", help="the rows a search matches (every turn of a conversation), as file:line")
    p.add_argument("release")
    p.add_argument("query")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--regex", action="store_true", help="QUERY is a regular expression (Rust regex syntax)")
    how.add_argument("--word", action="store_true", help="QUERY as whole jieba words")
    p.add_argument("--role", choices=("any", "user", "assistant", "system"), default="any",
                   help="search only the turns of this role (instruction and input are the user's, output the "
                        "assistant's; default: any)")
    p.add_argument("--case-sensitive", action="store_true", help="match case (default: ignore it)")
    p.add_argument("--json", action="store_true", help='print {"count": N, "rows": [{"file", "line"}, ...]}')
    curation.add_project_options(p)
    p.set_defaults(func=cmd_search)
    p = sub.add_parser("export", help="write the curated release (edits applied, rejected rows removed)")
    p.add_argument("release")
    curation.add_project_options(p)
    p.add_argument("--version", type=int, help="export as of version N (0: the base); default: the latest state")
    p.add_argument("--out", required=True, help="a .jsonl/.parquet file (single layout) or a folder (tree layout)")
    p.add_argument("--layout", choices=("single", "tree"), default="single")
    p.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl")
    p.add_argument("--to", choices=("alpaca", "sharegpt", "openai"),
                   help="convert for training: --out is a folder that gets NAME.jsonl (NAME_preference.jsonl for "
                        "preference pairs) and their entries in LLaMA-Factory's dataset_info.json")
    p.add_argument("--name", help="with --to: the dataset's name (default: the release's name)")
    p.add_argument("--keep-rejected", action="store_true", help="keep rejected rows, marked with a _curation key")
    p.add_argument("--drop-stale", action="store_true",
                   help="export even when decisions no longer apply to the (changed) release, leaving them out")
    p.add_argument("--keep-bad-lines", action="store_true",
                   help="keep the lines the loader reported as bad, as they were (JSONL; default: left out and counted)")
    p.add_argument("--filter", metavar="VIEW",
                   help="export only the rows of VIEW: the filter text the app copies (Ctrl+Shift+C) or a saved view's name")
    p.add_argument("--accepted-only", action="store_true", help="export only accepted rows")
    p.add_argument("--with-locator", action="store_true",
                   help='add "_source": {file, line, subset, source} to every exported JSONL row')
    p.add_argument("--with-notes", action="store_true",
                   help='write notes and flags: "_curation": {"note": ..., "flagged": true} (Parquet: note, flagged columns)')
    p.set_defaults(func=curation.cmd_export)
    p = sub.add_parser("diff", help="print the changes between two versions of a curation project")
    p.add_argument("release")
    curation.add_project_options(p, raw=False)
    p.add_argument("--from", dest="from_version", type=int, help="default: the base release (0)")
    p.add_argument("--to", dest="to_version", type=int, help="default: the latest version")
    p.set_defaults(func=curation.cmd_diff)
    add_team_parsers(sub)
    curation.add_write_parsers(sub)
    add_edit_parsers(sub)
    from . import contamination_verbs  # light: the matcher loads when the verb runs

    contamination_verbs.add_parser(sub)
    add_tool_parsers(sub)
    return parser


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
