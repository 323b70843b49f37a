"""Issue 20's figures: `apply` of 10,000 scripted decisions on the 500,000-row release,
and export of a release that changed under its project, with 1,000 stale decisions
listed, against export of the unchanged release.

apply is timed as the verb runs after the load: read and resolve the decisions file,
open the project (replaying its journal), apply the one command (anchors + journal
fsync), close. The baseline is the least any tool does: json.loads of every line and a
Polars join of the locators against the release. The whole command (load included) is
reported in the note from a separate child process.
"""
from __future__ import annotations

import json

from . import budgets
from .table import Row, from_result

APPLY = 10_000
STALE = 1_000


# ---- child side -----------------------------------------------------------------------

def _decisions(frame, n: int) -> bytes:
    """n decisions spread through the release: rejects and edits by locator, accepts by rid."""
    from app.core.load.schema import rid_hex

    step = max(1, frame.height // n)
    rows = frame.gather(list(range(0, frame.height, step))[:n]).select("rid", "file", "line").rows()
    out = []
    for i, (rid, file, line) in enumerate(rows):
        if i % 10 == 0:
            out.append({"rid": rid_hex(rid), "op": "accept"})
        elif i % 10 == 1:
            out.append({"file": file, "line": line, "op": "edit", "fields": {"output": f"改写 {i}"}})
        else:
            out.append({"file": file, "line": line, "op": "reject", "reason": "重复"})
    return "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in out).encode()


def child_apply(job) -> dict:
    from .job import best, missing

    if why := missing("app.core.curate.decisions"):
        return {"na": why}
    import polars as pl

    from app.core.store.curation import Curation
    from app.core.curate.decisions import read_decisions

    release, frame = job.release, job.frame
    data = _decisions(frame, APPLY)
    count = [0]

    def fresh() -> None:  # each repeat applies to a new, empty project (made untimed)
        count[0] += 1
        Curation.open(release, job.work / f"apply-{count[0]}", author="bench").close()

    def app() -> None:
        command = read_decisions(data, "decisions.jsonl", frame)
        with Curation.open(release, job.work / f"apply-{count[0]}", author="bench") as c:
            c.apply(command)

    def bare() -> None:
        objs = [json.loads(line) for line in data.splitlines()]
        located = [(o["file"], o["line"]) for o in objs if "file" in o]
        probe = pl.DataFrame(located, schema={"file": pl.String, "line": pl.UInt32}, orient="row")
        probe.join(frame.select("file", "line", "rid"), on=["file", "line"], how="inner")

    return {"app_s": best(app, job.repeats, setup=fresh), "base_s": best(bare, job.repeats), "repeats": job.repeats,
            "note": f"{APPLY:,} decisions (reject, edit, accept) -> one journaled command, after the load"}


def _changed_copy(job, decided: list[int]):
    """A copy of the release whose decided rows' outputs were edited upstream."""
    import shutil

    from app.core.load.loader import load_release

    root = job.work / "changed"
    shutil.rmtree(root, ignore_errors=True)
    frame = job.frame
    picked = frame.filter(frame["rid"].is_in(decided)).select("file", "line")
    by_file: dict[str, set[int]] = {}
    for file, line in picked.rows():
        by_file.setdefault(file, set()).add(line)
    for rel in frame["file"].unique(maintain_order=True).to_list():
        src, dst = job.release.root / rel, root / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        lines = src.read_bytes().split(b"\n")
        for n in by_file.get(rel, ()):
            obj = json.loads(lines[n - 1])
            obj["output"] = str(obj.get("output")) + "（上游修订）"
            lines[n - 1] = json.dumps(obj, ensure_ascii=False).encode()
        dst.write_bytes(b"\n".join(lines))
    paths = [root / p.relative_to(job.release.root) for p in job.release.paths] if len(job.release.paths) == 1 \
        else [root]
    return load_release(paths[0])


def child_stale(job) -> dict:
    from .job import best, missing

    if why := missing("app.core.curate.follow"):
        return {"na": why}
    from app.core.store.curation import Curation
    from app.core.curate.edits import Reject

    frame = job.frame
    step = max(1, frame.height // STALE)
    decided = frame["rid"].gather(list(range(0, frame.height, step))[:STALE]).to_list()
    project = job.work / "stale-project"
    with Curation.open(job.release, project, author="bench") as c:
        c.apply(Reject(decided, "低质量"))
    changed = _changed_copy(job, decided)
    out = job.work / "stale-out.jsonl"
    listed = []

    def app() -> None:  # what `export --drop-stale` does: follow, list, export the rest
        with Curation.open(changed, project, read_only=True) as c:
            listed.append(len(c.stale))
            c.export(out, drop_stale=True)

    def bare() -> None:  # the same export of the release the decisions were made on
        with Curation.open(job.release, project, read_only=True) as c:
            c.export(out)

    app_s, base_s = best(app, job.repeats), best(bare, job.repeats)
    out.unlink(missing_ok=True)
    return {"app_s": app_s, "base_s": base_s, "repeats": job.repeats,
            "note": f"{listed[-1]:,} stale decisions listed (rows edited upstream); baseline: the unchanged release"}


CHILD = {"apply": child_apply, "stale": child_stale}


# ---- parent side ----------------------------------------------------------------------

def measure_apply(ctx, rows: int) -> list[Row]:
    release = ctx.release(rows)
    res = ctx.child("trust", release, ctx.reps(rows), only="apply", timeout=300 + rows / 1_000)
    budget = budgets.seconds(budgets.APPLY_S, "issue 20") if rows >= budgets.LARGE else budgets.NO_BUDGET
    return [from_result(f"apply {min(APPLY, rows):,} scripted decisions", rows, res.get("apply", res.get("*")),
                        "bare json.loads + Polars join of the locators", budget)]


def measure_stale(ctx, rows: int) -> list[Row]:
    release = ctx.release(rows)
    res = ctx.child("trust", release, ctx.reps(rows), only="stale", timeout=300 + rows / 1_000)
    return [from_result(f"export with {min(STALE, rows):,} stale decisions listed", rows,
                        res.get("stale", res.get("*")), "the same export, release unchanged", budgets.STALE_EXPORT_RATIO)]
