"""Figures 4 and 5 (issue 4): save a 1,000-edit version of the 500,000-row release, and
export the 48,375-row release with no edits and with 1,000 edits.

The 1,000 edits are real EditField commands (app.core.curate.edits), applied through the
Curation facade for the save; only the save / export itself is timed. Baselines: a bare
json.dumps write of 1,000 diff-like lines (with fsync, as the app's atomic write has),
and Polars' write_ndjson of the same base frame.
"""
from __future__ import annotations

from . import budgets
from .table import Row, from_result

EDITS = 1_000
EXPORT = "export JSONL"
CURATION_MODULES = ("app.core.curate.edits", "app.core.curate.overlay")


# ---- child side -----------------------------------------------------------------------

def edited_overlay(frame, n: int = EDITS):
    """An Overlay holding ``n`` output edits, made by ``n`` EditField commands on rows
    spread evenly through the release (not journaled: export only reads the overlay)."""
    from app.core.curate.edits import EditField, plan_change
    from app.core.curate.overlay import BaseLookup, Overlay

    step = max(1, frame.height // n)
    picked = frame.gather(list(range(0, frame.height, step))[:n])
    # Planning looks the edited rows up in the base; a lookup over just those rows gives
    # the same values and keeps the (untimed) setup short at 500,000 rows.
    lookup = BaseLookup(picked)
    overlay = Overlay()
    for i, (rid, output) in enumerate(picked.select("rid", "output").iter_rows()):
        cmd = EditField((rid,), "output", f"{output}\n（修订 {i}：补充说明。）")
        change = plan_change(cmd, overlay, lookup, author="bench", now="2000-01-01T00:00:00.000+00:00")
        overlay = overlay.with_states(change.after)
    return overlay


def child_save(job) -> dict:
    """Through the session facade, as the app saves: 1,000 journaled EditField commands
    (untimed), then Curation.save_version (timed; each repeat writes the next version)."""
    if why := missing_any("app.core.store.curation", *CURATION_MODULES):
        return {"na": why}
    import json
    import os

    from app.core.store.curation import Curation
    from app.core.curate.edits import EditField
    from app.core.load.schema import rid_hex

    from .job import best

    frame = job.frame
    step = max(1, frame.height // EDITS)
    picked = frame.gather(list(range(0, frame.height, step))[:EDITS]).select("rid", "file", "line", "output").rows()
    curation = Curation.open(job.release, job.work / "project", author="bench")
    try:
        for i, (rid, _, _, output) in enumerate(picked):
            curation.apply(EditField((rid,), "output", f"{output}\n（修订 {i}：补充说明。）"))
        saved = []

        def app() -> None:
            saved.append(curation.save_version("bench"))

        app()
        app_s = best(app, job.repeats)
        lines = saved[-1].rows
    finally:
        curation.close()
    # The baseline writes lines of the same shape from values prepared beforehand.
    records = [{"rid": rid_hex(r), "file": f, "line": ln, "op": "edit",
                "fields": {"output": {"before": out, "after": f"{out}\n（修订 {i}：补充说明。）"}},
                "reason": None, "author": "bench", "time": "2000-01-01T00:00:00.000+00:00"}
               for i, (r, f, ln, out) in enumerate(picked)]
    target = job.work / "bare-save.jsonl"

    def bare() -> None:
        with open(target, "w", encoding="utf-8") as fh:
            for rec in records:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    bare()
    return {"app_s": app_s, "base_s": best(bare, job.repeats), "repeats": job.repeats,
            "note": f"{len(picked):,} edit commands -> {lines:,} diff lines; baseline incl. fsync"}


def child_export(job) -> dict:
    if why := missing_any("app.core.export.exporter", *CURATION_MODULES):
        return {"na": why}
    from app.core.export.exporter import export_release
    from app.core.curate.overlay import Overlay

    from .job import best

    release = job.release
    out_app, out_bare = job.work / "export-app.jsonl", job.work / "export-bare.jsonl"
    overlay = edited_overlay(release.frame)

    def bare() -> None:
        release.frame.write_ndjson(out_bare)

    def app_plain() -> None:
        export_release(release, Overlay(), out_app)

    def app_edits() -> None:
        export_release(release, overlay, out_app)

    bare(), app_plain()
    same = out_app.read_bytes().splitlines() == [l for l in _release_lines(release)]
    base_s = best(bare, job.repeats)
    note = "byte-identical to the input" if same else "NOT byte-identical to the input"
    plain = {"app_s": best(app_plain, job.repeats), "base_s": base_s, "repeats": job.repeats,
             "note": note + "; app fsyncs, write_ndjson does not"}
    app_edits()
    edits = {"app_s": best(app_edits, job.repeats), "base_s": base_s, "repeats": job.repeats,
             "note": f"{len(overlay):,} rows re-serialised"}
    for p in (out_app, out_bare):
        p.unlink(missing_ok=True)
    return {"plain": plain, "edits": edits}


def _release_lines(release) -> list[bytes]:
    """The release's data lines as the loader parsed them (for the no-edit equality check)."""
    from app.core.io.rawfile import read_rows

    out: list[bytes] = []
    for rel in release.frame["file"].unique(maintain_order=True).to_list():
        out += [raw for _, raw in read_rows(release.root / rel)]
    return out


def missing_any(*modules: str) -> str | None:
    from .job import missing

    return missing(*modules)


CHILD_SAVE = {"save": child_save}
CHILD_EXPORT = {"export": child_export}


# ---- parent side ----------------------------------------------------------------------

def measure_save(ctx, rows: int) -> list[Row]:
    release = ctx.release(rows)
    res = ctx.child("save", release, ctx.reps(rows), timeout=180 + rows / 2_000)
    budget = budgets.seconds(budgets.SAVE_S, "issue 4") if rows >= budgets.LARGE else budgets.NO_BUDGET
    figure = f"save a {min(EDITS, rows):,}-edit version"
    return [from_result(figure, rows, res.get("save", res.get("*")), "bare json.dumps write", budget)]


def measure_export(ctx, rows: int) -> list[Row]:
    release = ctx.release(rows)
    res = ctx.child("export", release, ctx.reps(rows), timeout=180 + rows / 2_000)
    got = res.get("export", res.get("*", {}))
    if "plain" not in got:  # module missing or the child failed: both rows say why
        got = {"plain": got, "edits": got}
    budget = budgets.EXPORT_RATIO  # stated for 48,375 rows; a ratio carries to other sizes
    return [from_result(f"{EXPORT}, no edits", rows, got["plain"], "bare Polars write_ndjson", budget),
            from_result(f"{EXPORT}, {min(EDITS, rows):,} edits", rows, got["edits"], "bare Polars write_ndjson", budget)]
