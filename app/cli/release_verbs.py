"""The verbs that read a release: `validate` (the load report), `stats` (facet counts,
lengths, and with --signals / --words the quality signals and jieba words; the curation
part when a project exists) and `search` (the rows a search matches, edits included)."""
from __future__ import annotations

import json
import sys

from . import curation_verbs as curation
from .common import CliError, load_release as _load


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
    from app.core.figures.stats import release_stats

    release = _load(args.path, args)
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


def cmd_search(args) -> int:
    """The rows whose text matches, as the app's search finds them (every turn, --role),
    in the current state of the project (its edits) unless --no-project."""
    from app.core.query import filters

    mode = "regex" if args.regex else "word" if args.word else "literal"
    if not args.query:
        raise CliError("the search text is empty")
    try:
        search = filters.SearchSpec(text=args.query, mode=mode, case_sensitive=args.case_sensitive, role=args.role)
        filters.search_pattern(search)  # an invalid regex is said before the release is read
    except ValueError as exc:
        raise CliError(str(exc)) from None
    release = _load(args.release, args)
    frame = release.frame
    folder = curation.find_project(args, release, required=False)
    if folder is not None:
        with curation.open_read(release, folder) as c:
            frame = c.current_frame()
    matcher = None
    if mode == "word":
        from app.core.text.wordpass import word_matcher as matcher
    rows = filters.apply(frame, filters.FilterSpec(search=search), word_matcher=matcher)
    hits = frame.select("file", "line")[rows]
    if args.json:
        _emit({"count": hits.height, "rows": hits.to_dicts()}, True, "")
    else:
        sys.stdout.write("".join(f"{f}:{n}\n" for f, n in hits.iter_rows()))
    return 0
