"""The command-line verbs that read or write a release's curation project: export, diff,
apply, save, and the curation part of stats (merge and agreement are the team's verbs).

Each finds the project as the app does (app/core/store/locate.py) unless told ``--project DIR``
or ``--no-project``. Reading opens the project read-only: nothing is created and the lock
is not taken, so it works while the app has the project open. Writing takes the lock
like the app, and fails in one line when someone else holds it.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from app.core.io.atomic import write_atomic
from .common import CliError, load_release, say, warn

_NAME = re.compile(r"[\w.-]+")
_NAME_BAD = re.compile(r"[^\w.-]+")


def add_project_options(p, *, raw: bool = True) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument("--project", metavar="DIR",
                       help="the curation project folder (default: found as the app finds it, beside the release)")
    if raw:
        group.add_argument("--no-project", action="store_true", help="use the release as it is, without its project")


def find_project(args, release, *, required: bool, why: str = "") -> Path | None:
    """The project folder holding a project for ``release``, or None (``--no-project``, or
    none found and not ``required``). Only reads."""
    from app.core.store.locate import locate_project
    from app.core.store.project import PROJECT_FILE

    if getattr(args, "no_project", False):
        return None
    if args.project:
        folder = Path(args.project).expanduser().absolute()
        if not (folder / PROJECT_FILE).is_file():
            raise CliError(f"{folder} is not a curation project (no {PROJECT_FILE})")
        return folder
    where = locate_project(release)
    if where.exists:
        return where.folder
    if required:
        name = Path(release.paths[0]).name if len(release.paths) == 1 else str(release.root)
        raise CliError(f"no curation project for {name}{why} (looked in {where.looked_in}); give --project DIR")
    return None


def open_read(release, folder: Path, *, latest: bool = True):
    """The project at ``folder``, read-only (no lock, nothing written); warnings go to stderr.
    A journal that cannot be replayed to its end is an error when the verb reads the
    latest state (``latest``): never a state silently cut short."""
    from app.core.store.curation import Curation

    c = Curation.open(release, folder, read_only=True)
    if latest and c.journal_problem is not None:
        c.close()
        raise CliError(f"{c.journal_problem} (the state after it cannot be trusted: open the project in the app "
                       "to keep the state before that line, which sets the rest aside)")
    for text in c.warnings:
        warn(text)
    return c


def open_write(args, release, *, create: bool):
    """The project of ``release`` open for writing, as the app would open it (created there
    when ``create`` and it does not exist yet), and what to tell the user once the verb
    succeeded. The lock held elsewhere is an error."""
    from app.core.store.curation import Curation
    from app.core.store.locate import locate_project
    from app.core.store.project import PROJECT_FILE

    if args.project:
        folder = Path(args.project).expanduser().absolute()
        exists = (folder / PROJECT_FILE).is_file()
    else:
        where = locate_project(release)
        folder, exists = where.folder, where.exists
        if not exists and where.how == "beside":
            folder = None  # Curation.open makes it beside the release, or in the fallback folder
    if not exists and not create:
        find_project(args, release, required=True)  # raises, saying where it looked
    c = Curation.open(release, folder, author=args.author)
    if c.read_only:
        c.close()
        raise CliError(c.read_only_reason)
    notes = [f"created a new curation project at {c.project.folder}"] if not exists else []
    return c, notes + [f"note: {text}" for text in c.notices] + [f"warning: {text}" for text in c.warnings]


class StaleRefusal(Exception):
    """Export would leave decisions out: exit 1, with every one of them listed."""


def _stale_lines(stale, overlay) -> list[str]:
    from app.core.curate.follow import describe

    return [f"  {s.where}: {describe(overlay.get(s.rid))}: {s.reason}" for s in stale]


def _training_conflicts(args) -> str | None:
    """Options that mean nothing with --to (it writes its own files, rejected rows left out)."""
    given = [flag for flag, on in (("--format parquet", args.format != "jsonl"), ("--layout tree", args.layout != "single"),
                                   ("--keep-rejected", args.keep_rejected), ("--keep-bad-lines", args.keep_bad_lines),
                                   ("--with-locator", args.with_locator), ("--with-notes", args.with_notes))
             if on]
    if given:
        return f"--to converts the curated rows for training; it cannot be combined with {', '.join(given)}"
    if args.name is not None and not _NAME.fullmatch(args.name):
        return f"--name {args.name!r}: a dataset name is letters, digits, '.', '_' or '-'"
    return None


def _chosen_rows(args, release, overlay):
    """The rids --filter / --accepted-only keep (None: all rows); a bad view is an error line."""
    from app.core.export.export_choice import chosen_rids, view_from_text
    from app.core.store.locate import app_config_dir

    if args.filter is None and not args.accepted_only:
        return None
    spec = None
    if args.filter is not None:
        try:
            spec = view_from_text(args.filter, app_config_dir() / "views.json")
            if spec.search.active and spec.search.mode == "word":
                raise ValueError("a whole-word search needs the app's word index: use literal or regex search")
            return chosen_rids(release, overlay, spec, accepted_only=args.accepted_only)
        except ValueError as exc:
            raise CliError(f"--filter: {exc}") from None
    return chosen_rids(release, overlay, None, accepted_only=True)


def cmd_export(args) -> int:
    from app.core.export import exporter as export

    if args.to is None and args.name is not None:
        say("error: --name names the dataset of --to; give --to alpaca|sharegpt|openai")
        return 2
    if args.to is not None and (why := _training_conflicts(args)):
        say(f"error: {why}")
        return 2
    release = load_release(args.release, args)
    folder = find_project(args, release, required=args.version is not None, why=" to take --version from")
    overlay, stale = None, []
    if folder is not None:
        with open_read(release, folder, latest=args.version is None) as c:
            overlay = c.overlay if args.version is None else c.load_version(args.version)
            stale = c.stale_of(args.version, overlay)
        if stale and not args.drop_stale:
            n = len(stale)
            say(f"error: {n} decision{'s' if n != 1 else ''} no longer appl{'y' if n != 1 else 'ies'} to the release "
                "(it changed since they were made); nothing was exported:")
            for line in _stale_lines(stale, overlay):
                say(line)
            say("re-apply or discard them in the app (View > Stale Decisions, Ctrl+Shift+J), or export with --drop-stale "
                "to leave them out")
            return 1
        state = "the latest state" if args.version is None else f"version {args.version}"
        source = f"project: {folder} ({state})"
    else:
        source = "no project: the release is exported as it is"
    rows = _chosen_rows(args, release, overlay)
    if args.to is not None:
        return _export_training(args, release, overlay, folder, source, stale, rows)
    result = export.export_release(release, overlay, args.out, layout=args.layout, fmt=args.format,
                                   keep_rejected=args.keep_rejected, keep_bad_lines=args.keep_bad_lines,
                                   protect=[folder] if folder is not None else [], rows=rows,
                                   with_locator=args.with_locator, with_notes=args.with_notes)
    rejected = (f"{result.rejected_kept:,} rejected (kept)" if args.keep_rejected
                else f"{result.rejected_dropped:,} rejected (dropped)")
    say(source)  # only now: a failure prints its one error line and nothing else
    say(f"exported {result.rows:,} rows to {result.out}: {result.edited:,} edited, {rejected}, "
        f"{len(stale):,} stale (decisions that no longer apply to the release, left out)"
        + (f", {result.left_out:,} not chosen (--filter / --accepted-only)" if rows is not None else ""))
    if result.bad_lines_dropped:  # nothing left out silently: `validate` lists them
        how = "--keep-bad-lines keeps them" if args.format == "jsonl" else "Parquet holds rows only"
        say(f"{result.bad_lines_dropped:,} bad lines left out (`validate` lists them; {how})")
    if result.bad_lines_kept:
        say(f"{result.bad_lines_kept:,} bad lines kept as they were")
    return 0


def _export_training(args, release, overlay, folder, source: str, stale, rows=None) -> int:
    from app.core.curate.overlay import Overlay
    from app.core.export.export_target import check_target
    from app.core.export.training import export_training

    out = Path(args.out).expanduser().absolute()
    name = args.name or _NAME_BAD.sub("_", Path(release.name).stem or "dataset")
    targets = [out / f"{name}{suffix}.jsonl" for suffix in ("", "_preference")] + [out / "dataset_info.json"]
    sources = [Path(release.root) / f.rel for f in release.report.file_infos]
    check_target(release, out, "single", targets, sources, [folder] if folder is not None else [])
    if any(p.resolve().parent == out.resolve() for p in sources):  # never a file beside the user's release files
        raise CliError(f"refusing to write into {out}: it holds files of the release; choose another folder")
    frame = (overlay or Overlay()).current_frame(release.frame)
    if rows is not None:  # --filter / --accepted-only
        frame = frame.join(rows.to_frame("rid").unique(), on="rid", how="semi", maintain_order="left")
    result = export_training(frame, out, args.to, name)
    say(source)
    say(f"converted to {args.to} in {out}: {result.sft_rows:,} rows in {name}.jsonl, {result.preference_rows:,} "
        f"preference pairs in {name}_preference.jsonl, {result.rejected_dropped:,} rejected (dropped), "
        f"{len(stale):,} stale (left out); dataset_info.json: {', '.join(result.info) or 'nothing written'}")
    left = result.left_out
    if left.height:  # nothing left out silently
        say(f"{left.height:,} rows left out: {args.to} cannot hold them as they are:")
        for file, line, reason in left.head(20).iter_rows():
            say(f"  {file}:{line}: {reason}")
        if left.height > 20:
            say(f"  ... and {left.height - 20:,} more")
        say(f"  (all of them in {out / (name + '.left-out.tsv')})")
        lines = "".join(f"{f}\t{n}\t{r}\n" for f, n, r in left.iter_rows())
        write_atomic(out / f"{name}.left-out.tsv", ("file\tline\treason\n" + lines).encode("utf-8"))
    return 0


def curation_stats(args, release) -> dict | None:
    """The ``curation`` part of `stats`: the project, counts per status, stale changes."""
    from app.core.load.schema import rid_hex
    from app.core.curate.overlay import status_counts

    folder = find_project(args, release, required=False)
    if folder is None:
        return None
    with open_read(release, folder) as c:
        frame = c.current_frame()
        counts = status_counts(frame)
        # notes and flags are neither statuses nor edits: counted on their own
        noted, flagged = int(frame["note"].is_not_null().sum()), int(frame["flagged"].sum())
        stale = [{"rid": rid_hex(s.rid), "file": s.anchor.file if s.anchor else None,
                  "line": s.anchor.line if s.anchor else None, "reason": s.reason} for s in c.stale]
    return {"project": str(folder), "counts": counts, "noted": noted, "flagged": flagged, "stale": stale}


def curation_text(cur: dict) -> list[str]:
    counts = ", ".join(f"{k} {v:,}" for k, v in cur["counts"].items())
    out = [f"curation ({cur['project']}): {counts}; {cur['noted']:,} noted, {cur['flagged']:,} flagged; "
           f"{len(cur['stale']):,} stale"]
    out += [f"  stale {s['file']}:{s['line']} {s['rid']}: {s['reason']}" for s in cur["stale"][:20]]
    return out


def cmd_diff(args) -> int:
    from app.core.store.locate import release_place
    from app.core.store.versions import format_diff

    if not Path(args.release).exists():
        raise CliError(f"path not found: {args.release}")
    folder = find_project(args, release_place(args.release), required=True)
    sys.stdout.write(format_diff(folder, args.from_version, args.to_version).rstrip("\n") + "\n")
    return 0


class Refused(Exception):
    """The input was read and refused with reasons (printed as they are); exit status 1."""


def cmd_apply(args) -> int:
    from collections import Counter

    from app.core.curate.decisions import DecisionsError, read_decisions

    path = Path(args.decisions)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read the decisions file {path}: {exc.strerror or exc}") from None
    release = load_release(args.release, args)
    try:
        command = read_decisions(data, path.name, release.frame)
    except DecisionsError as exc:
        raise Refused(f"{exc}\n{path}: refused, nothing was applied") from None
    c, notes = open_write(args, release, create=True)
    with c:
        change = c.apply(command)
        folder = c.project.folder
    for text in notes:  # only now: a failure prints its one error line and nothing else
        say(text)
    n = len(command.steps)
    kinds = Counter(change.after[rid].status for rid in change.rids)
    detail = ", ".join(f"{v:,} now {k}" for k, v in sorted(kinds.items()))
    print(f"applied {n:,} decision{'s' if n != 1 else ''} from {path.name} to {folder}: "
          f"{len(change.rids):,} rows changed" + (f" ({detail})" if detail else "") + "; one step to undo in the app")
    return 0


def cmd_save(args) -> int:
    release = load_release(args.release, args)
    c, notes = open_write(args, release, create=False)
    with c:
        info = c.save_version(args.message or "")
        folder = c.project.folder
        notes += [f"warning: {text}" for text in c.warnings if f"warning: {text}" not in notes]
    for text in notes:
        say(text)
    counts = ", ".join(f"{v:,} {k}" for k, v in info.tally.items() if v) or "no changes"
    say(f"saved {info.name} in {folder}: {counts}")
    print(info.number)
    return 0


def add_write_parsers(sub) -> None:
    p = sub.add_parser("apply", help="apply a decisions file (reject/accept/restore/edit per row) as one undoable action")
    p.add_argument("release")
    p.add_argument("decisions", help="JSONL: {\"file\": F, \"line\": N} or {\"rid\": HEX}, with \"op\" and its values")
    add_project_options(p, raw=False)
    p.add_argument("--author", help="who decided (default: your login name; the app's preference is not read)")
    p.set_defaults(func=cmd_apply)
    p = sub.add_parser("save", help="save a version of the project's current state; prints its number")
    p.add_argument("release")
    add_project_options(p, raw=False)
    p.add_argument("-m", "--message", help="the version's message")
    p.add_argument("--author", help="who saves it (default: your login name; the app's preference is not read)")
    p.set_defaults(func=cmd_save)
