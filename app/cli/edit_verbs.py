"""`edit` and `swap-preference`: one row's text (by field or JSON path) edited, one turn
deleted, or a preference record's chosen and rejected swapped, from the command line:
the same core commands as the app's, journaled and undoable there, taking the
project's lock like `apply`."""
from __future__ import annotations

import re

from .common import CliError, load_release, say
from .curation_verbs import add_project_options, open_write

_HEX16 = re.compile(r"[0-9a-fA-F]{16}")


def _row_options(p) -> None:
    p.add_argument("release")
    p.add_argument("--rid", help="the row's id (16 hex digits)")
    p.add_argument("--file", help="the row's file, as the app shows it (with --line)")
    p.add_argument("--line", type=int, help="the row's line (record number in an array, row in Parquet)")
    add_project_options(p, raw=False)
    p.add_argument("--author", help="who edits (default: your login name)")


def add_edit_parsers(sub) -> None:
    p = sub.add_parser("edit", help="edit one row's text by field or JSON path (a turn, system, chosen, rejected), "
                                    "or delete a turn")
    _row_options(p)
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--path", help="the JSON path of the text (conversations[3].value, messages[1].content, "
                                     "system, rejected.value ...) or, with --delete, of the turn")
    what.add_argument("--field", choices=("instruction", "input", "output"),
                      help="the table's column: a conversation's first user / last assistant turn")
    value = p.add_mutually_exclusive_group(required=True)
    value.add_argument("--value", help="the new text")
    value.add_argument("--delete", action="store_true", help="delete the turn at --path (a Firefly pair whole)")
    p.set_defaults(func=cmd_edit)
    p = sub.add_parser("swap-preference", help="swap a preference record's chosen and rejected responses")
    _row_options(p)
    p.set_defaults(func=cmd_swap)


def _rid(args, release) -> int:
    if (args.rid is None) == (args.file is None and args.line is None):
        raise CliError("name the row by --rid HEX or by --file F --line N")
    if args.rid is not None:
        if not _HEX16.fullmatch(args.rid):
            raise CliError(f"--rid is 16 hex digits, not {args.rid!r}")
        rid = int(args.rid, 16)
        if release.frame.filter(rid=rid).height == 0:
            raise CliError(f"no row with rid {args.rid} in {release.name}")
        return rid
    if args.file is None or args.line is None:
        raise CliError("--file and --line go together")
    found = release.frame.filter(file=args.file, line=args.line)
    if found.height == 0:
        raise CliError(f"no row at {args.file}:{args.line}")
    return int(found["rid"][0])


def _apply(args, release, command) -> int:
    from app.core.curate.pathedits import PathEditError

    c, notes = open_write(args, release, create=True)
    with c:
        try:
            change = c.apply(command)
        except PathEditError as exc:
            raise CliError(str(exc)) from None
        folder = c.project.folder
    for text in notes:
        say(text)
    what = ", ".join(sorted(change.fields - {"status", "reason"})) or "nothing"
    print(f"{command.label()}: {len(change.rids)} row changed ({what}) in {folder}" if change.changed
          else f"{command.label()}: no change (the row already holds it) in {folder}")
    return 0


def cmd_edit(args) -> int:
    from app.core.curate.edits import EditField
    from app.core.curate.pathcommands import DeleteTurn, EditPath
    from app.core.curate.pathedits import PathEditError

    release = load_release(args.release, args)
    rid = _rid(args, release)
    try:
        if args.delete:
            if args.path is None:
                raise CliError("--delete deletes the turn at --path")
            command = DeleteTurn((rid,), args.path)
        elif args.path is not None:
            command = EditPath((rid,), args.path, args.value)
        else:
            command = EditField((rid,), args.field, args.value)
    except (PathEditError, ValueError) as exc:
        raise CliError(str(exc)) from None
    return _apply(args, release, command)


def cmd_swap(args) -> int:
    from app.core.curate.pathcommands import SwapPreference

    release = load_release(args.release, args)
    return _apply(args, release, SwapPreference((_rid(args, release),)))
