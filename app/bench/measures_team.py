"""Issue 27's figures: gathering 5 curators' projects of 10,000 decisions each on the
500,000-row release, and the progress dashboard (the core computation it shows) over 10
curators' projects.

Gather: the release is assigned to 5 curators (10% reviewed by two); each decides 10,000
rows of their queue (accepts, rejects with reasons, a few edits; the shared rows they
decide differently are conflicts) in one journaled command and saves a version (untimed).
Timed, as `merge --theirs ... --prefer theirs` runs after the load: open the lead's new
project, plan the gather, resolve the conflicts in order, commit (journal line + version).
Baseline: the least any tool does, reading the 5 version files with Polars' NDJSON
reader and keeping one decision per row.

Dashboard: the release is assigned to 10 curators; each has a day of review-mode work
(1,000 decisions, one journal line each, as the review keys write them, and a session in
reviews.jsonl; written untimed with fsync off). Timed: the first full read of the shared
folder (assignment, journals, session logs, versions) and the table it shows. Baseline:
json.loads of the same assignment and of every journal line. The note gives a refresh
after one curator's next decision (the dashboard's timer reads only what changed).
"""
from __future__ import annotations

from . import budgets
from .table import Row, from_result

GATHER_CURATORS, GATHER_DECISIONS = 5, 10_000
BOARD_CURATORS, BOARD_DECISIONS = 10, 1_000


# ---- child side -----------------------------------------------------------------------

def _team(job, n: int, folder_name: str):
    from app.core.team.assign import make_assignment
    from app.core.team.shared_folder import create_team

    shared = job.work / folder_name
    assignment = make_assignment(job.release, [f"curator{i:02d}" for i in range(n)], overlap=0.1, seed=27,
                                 author="bench")
    create_team(job.release, shared, assignment)
    return shared, assignment


def child_gather(job) -> dict:
    from .job import best, missing

    if why := missing("app.core.team.gather_projects"):
        return {"na": why}
    import polars as pl

    from app.core.curate.edits import Accept, EditField, Reject
    from app.core.store.curation import Curation
    from app.core.team.assign import project_dir
    from app.core.team.gather_projects import commit_gather, plan_gather
    from app.core.team.gather import resolve_in_order

    release = job.release
    shared, assignment = _team(job, GATHER_CURATORS, "gather-team")
    folders = []
    for k, name in enumerate(assignment.curators):
        rids = assignment.queue(name)["rid"].head(GATHER_DECISIONS).to_list()
        with Curation.open(release, project_dir(shared, name), author=name) as c:
            rejects = rids[k % 3::3]  # each curator their own mix: shared rows two decide may conflict
            c.apply(Reject(rejects, ["重复", "低质量", "事实错误"][k % 3]))
            c.apply(Accept(sorted(set(rids) - set(rejects))))
            c.apply(EditField(rids[(k + 1) % 3::3][:200], "output", f"{name} 的修订"))
            c.save_version(f"{name}'s queue")
        folders.append(project_dir(shared, name))
    count = [0]
    outcome = {}

    def fresh() -> None:
        count[0] += 1

    def app() -> None:
        with Curation.open(release, job.work / f"lead-{count[0]}.curation", author="lead") as lead:
            plan = plan_gather(lead, folders)
            info = commit_gather(lead, plan, resolve_in_order(plan.conflicts, list(assignment.curators)))
            outcome.update(rows=len(plan.auto) + len(plan.partial), conflicts=len(plan.conflicts), version=info.rows)

    def bare() -> None:
        frames = [pl.read_ndjson(f / "versions" / "v0001.jsonl", schema={"rid": pl.String, "op": pl.String,
                                                                         "reason": pl.String}) for f in folders]
        pl.concat(frames).unique("rid", keep="first")

    app_s = best(app, job.repeats, setup=fresh)
    return {"app_s": app_s, "base_s": best(bare, job.repeats), "repeats": job.repeats,
            "note": f"{GATHER_CURATORS} x {GATHER_DECISIONS:,} decisions -> {outcome['rows']:,} rows, "
                    f"{outcome['conflicts']:,} conflicts resolved in order, one version of {outcome['version']:,} lines"}


def _review_day(release, folder, name: str, rids: list[int]) -> None:
    """A day's review-mode work: one journal line per decision, and the session record."""
    from app.core.curate.edits import Accept, Reject
    from app.core.store.curation import Curation
    from app.core.store.review_session import ReviewLog, SessionRecord, Summary

    with Curation.open(release, folder, author=name) as c:
        for i, rid in enumerate(rids):
            c.apply(Reject([rid], "重复") if i % 7 == 0 else Accept([rid]))
        rejected = len(rids[::7])
        ReviewLog(folder).append(SessionRecord(
            view="{}", unreviewed_only=True, queue=len(rids), reviewed=len(rids),
            summary=Summary(len(rids) - rejected, {"重复": rejected}, 0, 3600.0, 3000.0), last_rid=rids[-1],
            index=len(rids) - 1, started="2026-01-01T09:00:00.000+00:00", author=name))


def child_dashboard(job) -> dict:
    from .job import best, missing

    if why := missing("app.core.team.progress"):
        return {"na": why}
    import json
    import os
    import time

    from app.core.curate.edits import EditField
    from app.core.store.curation import Curation
    from app.core.team.assign import ASSIGNMENT_FILE, project_dir
    from app.core.team.progress import TeamReader

    release = job.release
    shared, assignment = _team(job, BOARD_CURATORS, "board-team")
    real_fsync = os.fsync
    os.fsync = lambda fd: None  # setup only: 10,000 journal lines need not each reach the disk here
    try:
        for name in assignment.curators:
            _review_day(release, project_dir(shared, name), name,
                        assignment.queue(name)["rid"].head(BOARD_DECISIONS).to_list())
    finally:
        os.fsync = real_fsync
    tables = []

    def app() -> None:
        tables.append(TeamReader(shared).dashboard().table)

    def bare() -> None:
        json.loads((shared / ASSIGNMENT_FILE).read_bytes())
        for name in assignment.curators:
            for line in (project_dir(shared, name) / "journal.jsonl").read_bytes().splitlines():
                json.loads(line)

    app_s = best(app, job.repeats)
    reader = TeamReader(shared)
    reader.dashboard()
    first = assignment.curators[0]
    with Curation.open(release, project_dir(shared, first), author=first) as c:  # the curator's next action
        c.apply(EditField([assignment.queue(first)["rid"][0]], "output", "又改了一处"))
    t0 = time.perf_counter()
    reader.dashboard()
    refresh = time.perf_counter() - t0
    reviewed = int(tables[-1]["reviewed"][-1])
    return {"app_s": app_s, "base_s": best(bare, job.repeats), "repeats": job.repeats,
            "note": f"{BOARD_CURATORS} projects x {BOARD_DECISIONS:,} one-line decisions, assignment of "
                    f"{assignment.total:,} rows; {reviewed:,} reviewed shown; refresh after one more decision "
                    f"{refresh * 1000:.0f} ms"}


CHILD = {"gather": child_gather, "dashboard": child_dashboard}


# ---- parent side ----------------------------------------------------------------------

def measure(ctx, rows: int) -> list[Row]:
    release = ctx.release(rows)
    res = ctx.child("team", release, ctx.reps(rows), timeout=600 + rows / 500)
    large = rows >= budgets.LARGE
    gather = budgets.seconds(budgets.GATHER_S, "issue 27") if large else budgets.NO_BUDGET
    board = budgets.seconds(budgets.DASHBOARD_S, "issue 27") if large else budgets.NO_BUDGET
    return [from_result(f"gather {GATHER_CURATORS} projects of {GATHER_DECISIONS:,} decisions", rows,
                        res.get("gather", res.get("*")), "bare Polars read of the 5 versions + unique", gather),
            from_result(f"progress dashboard over {BOARD_CURATORS} projects", rows, res.get("dashboard", res.get("*")),
                        "bare json.loads of the assignment and every journal line", board)]
