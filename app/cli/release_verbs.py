"""The verbs that read a release: `validate` (the load report) and `stats` (facet counts,
lengths, and with --signals / --words the quality signals and jieba words; the curation
part when a project exists)."""
from __future__ import annotations

import json
import sys

from . import curation_verbs as curation
from .common import load_release as _load


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
    from app.core.figures.stats import release_stats

    release = _load(args.path)
    stats = release_stats(release.frame)
    if args.signals:
        from app.core.text.signals import signal_stats

        stats["signals"] = signal_stats(release.frame)
    if args.words:
        from app.core.text.wordpass import tokenise
        from app.core.figures.stats import word_stats

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
