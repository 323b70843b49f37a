"""The command-line verbs of a team on one release: `assign` (split it into the curators'
queues in a shared folder), `merge` (one other curator's version, three-way, or several
at once: a gather), `agreement` (two curators, or N: Cohen per pair, Fleiss overall) and
`progress` (the team's dashboard, read from the shared folder). Reading never takes a
lock; a merge writes like the app, taking the lock of the project it goes into.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .common import CliError, load_release, say, warn
from .curation_verbs import add_project_options, find_project, open_read


def add_team_parsers(sub) -> None:
    p = sub.add_parser("merge", help="merge other curators' versions into a project (by row and field; one other "
                                     "curator three-way, several at once as a gather)")
    p.add_argument("release")
    add_project_options(p, raw=False)
    p.add_argument("--theirs", action="append", default=[], metavar="OTHER",
                   help="their project folder (its latest version) or a vNNNN.jsonl file; repeat it to gather several")
    p.add_argument("--team", metavar="DIR", help="gather every curator's project of this shared folder (see assign)")
    p.add_argument("--out", help="write the merged project to this new folder instead of into mine")
    p.add_argument("--prefer", metavar="ORDER",
                   help="resolve every conflict by this side: mine or theirs, or with several curators names in "
                        "order (ann,bob; theirs = every curator in the order given); default: stop, exit 1")
    p.add_argument("--author", help="who merges (default: your login name)")
    p.add_argument("-m", "--message", help="the merge version's message")
    p.set_defaults(func=cmd_merge)
    p = sub.add_parser("agreement", help="how curators agree: two (rate, Cohen's kappa) or several (Cohen per pair, "
                                         "Fleiss overall, rates, reasons, the rows they disagree on)")
    p.add_argument("release")
    add_project_options(p, raw=False)
    p.add_argument("--theirs", action="append", default=[], metavar="OTHER",
                   help="their project folder (its latest version) or a vNNNN.jsonl file; repeat it for several")
    p.add_argument("--team", metavar="DIR", help="every curator of this shared folder (their projects' current state)")
    p.add_argument("--save-view", metavar="NAME",
                   help="with --team: save the rows they disagree on as a view NAME in the shared folder (views.json)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_agreement)
    p = sub.add_parser("assign", help="split the release (or a view) into curators' queues in a shared folder, "
                                      "some rows reviewed by two, balanced by source")
    p.add_argument("release")
    p.add_argument("--curators", nargs="+", required=True, metavar="NAME", help="the curators' names")
    p.add_argument("--shared", required=True, metavar="DIR",
                   help="the shared folder: assignment.json and each curator's NAME.curation go there")
    p.add_argument("--overlap", type=float, default=0.1, help="share of rows reviewed by two curators (default 0.1)")
    p.add_argument("--seed", type=int, default=0, help="the same seed, release and curators give the same split")
    p.add_argument("--view", metavar="TEXT", help="assign only the rows of this view (its text, as Ctrl+Shift+C copies it)")
    p.add_argument("--start", metavar="PROJECT",
                   help="every curator starts from this project's latest version (the common ancestor of a gather)")
    p.add_argument("--replace", action="store_true", help="replace an assignment already in the shared folder")
    p.add_argument("--author", help="who assigns (default: your login name)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_assign)
    p = sub.add_parser("progress", help="the team's progress from the projects in a shared folder (read only)")
    p.add_argument("shared", help="the shared folder (see assign)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_progress)


def _emit(obj: dict | None, text: str, as_json: bool) -> None:
    if as_json:
        json.dump(obj, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _team_folder(path: str) -> Path:
    from app.core.team.assign import ASSIGNMENT_FILE, is_team_folder

    folder = Path(path).expanduser().absolute()
    if not folder.is_dir():
        raise CliError(f"{folder} is not a folder")
    if not is_team_folder(folder):
        raise CliError(f"{folder} holds no team ({ASSIGNMENT_FILE} is missing; make one with `assign`)")
    return folder


def _team_versions(folder: Path) -> list[Path]:
    """The curators' projects of a shared folder that saved a version (the others are named)."""
    from app.core.store.versions import VersionStore
    from app.core.team.assign import has_project, read_assignment, team_projects

    out = []
    for name, project in team_projects(folder, read_assignment(folder)).items():
        if has_project(project) and VersionStore(project / "versions").latest() is not None:
            out.append(project)
        else:
            warn(f"{name} has saved no version yet in {project}: left out")
    return out


# ---- merge ------------------------------------------------------------------------------

def cmd_merge(args) -> int:
    theirs = list(args.theirs)
    team = _team_versions(_team_folder(args.team)) if args.team else []
    if not theirs and not team:
        raise CliError("name their project with --theirs OTHER (repeat it for several) or a shared folder with --team DIR")
    release = load_release(args.release, args)
    if len(theirs) == 1 and not team and not args.team and args.prefer in (None, "mine", "theirs"):
        from app.core.team.merge_projects import merge_projects

        mine = find_project(args, release, required=True)
        outcome = merge_projects(release, mine, theirs[0], out=args.out, prefer=args.prefer, message=args.message,
                                 author=args.author)
    else:
        from app.core.store.locate import locate_project
        from app.core.team.gather_projects import gather_projects

        mine = Path(args.project).expanduser().absolute() if args.project else locate_project(release).folder
        theirs += [str(p) for p in team if p.absolute() != mine]  # a curator gathering into their own project
        outcome = gather_projects(release, mine, theirs, out=args.out, prefer=args.prefer, message=args.message,
                                  author=args.author)
    sys.stdout.write(outcome.report())
    return 1 if outcome.blocked else 0


# ---- agreement --------------------------------------------------------------------------

def cmd_agreement(args) -> int:
    if args.save_view and not args.team:
        raise CliError("--save-view needs --team DIR: the view is saved in the team's shared folder")
    if not args.theirs and not args.team:
        raise CliError("name their project with --theirs OTHER (repeat it for several) or a shared folder with --team DIR")
    release = load_release(args.release, args)
    if len(args.theirs) == 1 and not args.team:
        from app.core.team.agreement import agreement_json, agreement_with_version, format_agreement

        mine = find_project(args, release, required=True)
        with open_read(release, mine) as c:
            overlay = c.overlay
        table, title = agreement_with_version(release.frame, overlay, mine.name, args.theirs[0])
        sys.stdout.write(agreement_json(table) + "\n" if args.json else format_agreement(table, title))
        return 0
    return _team_agreement(args, release)


def _team_agreement(args, release) -> int:
    from app.core.team.activity import decided_frame
    from app.core.team.lineage import open_version
    from app.core.team.progress import TeamReader
    from app.core.team.team_agreement import format_team_agreement, team_agreement

    decided, spent = {}, {}
    if args.team:
        folder = _team_folder(args.team)
        board = TeamReader(folder).dashboard()
        for name, act in board.activities.items():
            if act.problem:
                warn(f"{name}: {act.problem}")
            decided[name], spent[name] = act.decided, act.spent_s
        title = f"{len(decided)} curators of {folder}"
    else:
        mine = find_project(args, release, required=True)
        with open_read(release, mine) as c:
            decided[c.project.meta.get("author") or mine.name] = decided_frame(c.overlay)
        title = f"{mine.name} and {len(args.theirs)} others"
    for path in args.theirs:
        ref = open_version(path)
        name = ref.author or ref.project.name
        while name in decided:
            name = f"{name} ({ref.project.name})" if not name.endswith(")") else f"{name}'"
        decided[name] = decided_frame(ref.overlay())
    result = team_agreement(decided, release.frame, spent)
    if args.save_view:
        from app.core.query.views import ViewStore

        target = Path(args.team).expanduser().absolute() / "views.json"
        ViewStore(target).save(args.save_view, result.view())
        say(f"saved the {result.disagreements.height:,} rows they disagree on as view {args.save_view!r} in {target}")
    _emit(result.to_json(), format_team_agreement(result, title), args.json)
    return 0


# ---- assign and progress ------------------------------------------------------------------

def cmd_assign(args) -> int:
    from app.core.query.filters import FilterSpec
    from app.core.team.assign import ASSIGNMENT_FILE, make_assignment
    from app.core.team.shared_folder import create_team, start_of

    view = None
    if args.view:
        try:
            view = FilterSpec.from_text(args.view)
        except ValueError as exc:
            raise CliError(f"--view: {exc}") from None
    existing = Path(args.shared).expanduser().absolute() / ASSIGNMENT_FILE
    if existing.exists() and not args.replace:  # before reading the release: say it at once
        raise CliError(f"{existing} already exists (an assignment was made here); replace it on purpose "
                       "(--replace) or use another folder")
    release = load_release(args.release, args)
    start = start_of(args.start) if args.start else None
    assignment = make_assignment(release, args.curators, overlap=args.overlap, seed=args.seed, view=view, start=start,
                                 author=args.author)
    setup = create_team(release, args.shared, assignment, replace=args.replace)
    for folder in setup.kept:
        say(f"kept {folder}: that curator's project was already there")
    obj = {"assignment": str(setup.path), "id": assignment.id, "seed": assignment.seed, "overlap": assignment.overlap,
           "rows": assignment.total, "shared": assignment.shared_rows,
           "curators": {n: {"project": str(Path(args.shared).expanduser().absolute() / f"{n}.curation"),
                            "rows": q["rows"], "shared": q["shared"], "sources": q["sources"]}
                        for n, q in _queues(assignment).items()}}
    lines = [f"assigned {assignment.total:,} rows to {len(assignment.curators)} curators in {setup.path} "
             f"({assignment.shared_rows:,} reviewed by two; seed {assignment.seed})"]
    for name, q in obj["curators"].items():
        lines.append(f"  {name}: {q['rows']:,} rows ({q['shared']:,} shared) in {q['project']}")
    _emit(obj, "\n".join(lines), args.json)
    return 0


def _queues(assignment) -> dict[str, dict]:
    out = {}
    for name in assignment.curators:
        q = assignment.queue(name)
        out[name] = {"rows": q.height, "shared": int(q["shared"].sum()), "sources": assignment.sources.get(name, {})}
    return out


def cmd_progress(args) -> int:
    from app.core.team.progress import dashboard, dashboard_json, format_dashboard

    folder = Path(args.shared).expanduser().absolute()
    if not folder.is_dir():
        raise CliError(f"{folder} is not a folder")
    board = dashboard(folder)
    if args.json:
        sys.stdout.write(dashboard_json(board) + "\n")
    else:
        sys.stdout.write(format_dashboard(board))
    return 0
