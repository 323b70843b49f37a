"""`python -m app contamination RELEASE --benchmark PATH... [--ngram N] [--json]`: the rows
whose instruction + input share a normalised character n-gram with a benchmark question."""
from __future__ import annotations

import argparse
import json
import sys

from .common import CliError, load_release, warn

SNIPPET = 40  # characters of the question shown per flagged row


def _ngram(text: str) -> int:
    from app.core.text.contamination.grams import MAX_NGRAM

    try:
        n = int(text)
    except ValueError:
        n = 0
    if not 1 <= n <= MAX_NGRAM:
        raise argparse.ArgumentTypeError(f"the n-gram length must be a whole number from 1 to {MAX_NGRAM}, not {text!r}")
    return n


def add_parser(sub) -> None:
    p = sub.add_parser("contamination", help="rows that repeat benchmark questions (CMMLU, GAOKAO-Bench, ...)")
    p.add_argument("release")
    p.add_argument("--benchmark", nargs="+", required=True, metavar="PATH",
                   help="benchmark files or folders (.csv with a question column, .json, .jsonl, .parquet)")
    p.add_argument("--ngram", type=_ngram, default=13, metavar="N",
                   help="characters per n-gram, after normalising (default 13; shorter stems are not seen)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_contamination)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def cmd_contamination(args) -> int:
    from app.core.text.contamination import BenchmarkError, scan

    release = load_release(args.release, args)
    try:
        result = scan(release.frame, args.benchmark, args.ngram)
    except BenchmarkError as exc:
        raise CliError(str(exc)) from None
    for text in result.benchmark.warnings:
        warn(text)
    if args.json:
        json.dump(result.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    n = args.ngram
    index, found = result.index, result.matches
    seen = "1 long enough" if index.seen == 1 else f"{index.seen:,} long enough"
    out = [f"scanned {_plural(result.rows_scanned, 'row')} against {_plural(index.questions.height, 'question')} "
           f"from {_plural(len(result.benchmark.files), 'file')} ({seen} for a {n}-gram)"]
    bins = result.bins()
    shares = "row shares" if found.height == 1 else "rows share"
    out.append(f"{found.height:,} {shares} a {n}-gram with a question: {bins['>= 0.9']:,} with overlap >= 0.9, "
               f"{bins['0.5-0.9']:,} 0.5-0.9, {bins['0.2-0.5']:,} 0.2-0.5, {bins['< 0.2']:,} under 0.2")
    questions = index.questions.get_column("question")
    for m in found.iter_rows(named=True):
        stem = " ".join(questions[m["question"]].split())
        stem = stem if len(stem) <= SNIPPET else stem[:SNIPPET] + "…"
        out.append(f"{m['file']}:{m['line']}  overlap {m['overlap']:.2f}  {m['benchmark_file']} #{m['question_index']}  {stem}")
    sys.stdout.write("\n".join(out) + "\n")
    return 0
