"""The team's progress, read from the projects in the shared folder (never locked):
per curator their queue's reviewed / total, rejects, time spent, items per hour and ETA;
then the shared rows (reviewed by both of their curators) and the whole assignment.

A row is reviewed when it is accepted or rejected in the curator's project's current
state (saved or not). The rate is reviewed rows of the queue per hour spent (activity.py
says how time is counted); the ETA is what is left at that rate. Without an assignment the
folder's ``*.curation`` projects are listed with what they decided (no total, no ETA).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from app.core.store.project import SUFFIX
from .activity import Activity, ActivityCache
from .assign import ASSIGNMENT_FILE, Assignment, AssignmentError, project_dir, read_assignment

TEAM = "(all)"  # the row of the whole assignment
SHARED = "(shared)"  # the row of the rows reviewed by two
SCHEMA = {"queue": pl.String, "curator": pl.String, "total": pl.Int64, "reviewed": pl.Int64, "accepted": pl.Int64,
          "rejected": pl.Int64, "fraction": pl.Float64, "reject_rate": pl.Float64, "spent_s": pl.Float64,
          "per_hour": pl.Float64, "eta_s": pl.Float64, "last_action": pl.Float64, "saved_version": pl.Int64,
          "project": pl.String, "problem": pl.String}


@dataclass
class Dashboard:
    folder: Path
    table: pl.DataFrame  # SCHEMA: one row per curator, then SHARED and TEAM (with an assignment)
    assignment: Assignment | None
    activities: dict[str, Activity]

    def to_json(self) -> dict:
        a = self.assignment
        return {"folder": str(self.folder),
                "assignment": None if a is None else {"id": a.id, "seed": a.seed, "overlap": a.overlap,
                                                      "curators": list(a.curators), "rows": a.total,
                                                      "shared": a.shared_rows, "created": a.created},
                "rows": self.table.to_dicts()}


class TeamReader:
    """Reads a shared folder again and again (the dashboard while it is open): the
    assignment is read once per change of its file, each project once per change of its
    files."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder).expanduser().absolute()
        self.cache = ActivityCache()
        self._assignment: tuple[tuple, Assignment] | None = None

    def assignment(self) -> Assignment | None:
        path = self.folder / ASSIGNMENT_FILE
        try:
            st = path.stat()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise AssignmentError(f"cannot read {path}: {exc.strerror or exc}") from None
        stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
        if self._assignment is None or self._assignment[0] != stamp:
            self._assignment = (stamp, read_assignment(path))
        return self._assignment[1]

    def dashboard(self) -> Dashboard:
        if not self.folder.is_dir():
            raise AssignmentError(f"{self.folder} is not a folder")
        assignment = self.assignment()
        if assignment is None:
            folders = sorted(p for p in self.folder.iterdir() if p.name.endswith(SUFFIX) and p.is_dir())
            acts = {p.name[:-len(SUFFIX)]: self.cache.read(p, p.name[:-len(SUFFIX)]) for p in folders}
            return Dashboard(self.folder, _free_table(acts), None, acts)
        acts = {n: self.cache.read(project_dir(self.folder, n), n) for n in assignment.curators}
        return Dashboard(self.folder, _table(assignment, acts), assignment, acts)


def dashboard(folder: Path | str) -> Dashboard:
    """The progress of the team whose shared folder is ``folder`` (read once)."""
    return TeamReader(folder).dashboard()


def _row(queue: str, curator: str | None, total: int | None, reviewed: int, accepted: int, rejected: int,
         spent: float | None, act: Activity | None) -> dict:
    per_hour = reviewed * 3600.0 / spent if spent and spent >= 1.0 and reviewed else None
    left = None if total is None else max(0, total - reviewed)
    eta = None if left is None else (0.0 if left == 0 else (left * 3600.0 / per_hour if per_hour else None))
    return {"queue": queue, "curator": curator, "total": total, "reviewed": reviewed, "accepted": accepted,
            "rejected": rejected, "fraction": (reviewed / total) if total else None,
            "reject_rate": rejected / reviewed if reviewed else None, "spent_s": spent, "per_hour": per_hour,
            "eta_s": eta, "last_action": act.last_action if act else None,
            "saved_version": act.version["version"] if act and act.version else None,
            "project": str(act.folder) if act else None, "problem": act.problem if act else None}


def _counts(decided: pl.DataFrame) -> tuple[int, int, int]:
    acc = int((decided["decision"] == "accepted").sum())
    return decided.height, acc, decided.height - acc


def _table(assignment: Assignment, acts: dict[str, Activity]) -> pl.DataFrame:
    rows = []
    reviewed_by: list[pl.DataFrame] = []
    for name in assignment.curators:
        act = acts[name]
        queue = assignment.queue_rids(name)
        mine = act.decided.filter(pl.col("rid").is_in(queue.implode()))
        reviewed_by.append(mine.select("rid", "decision"))
        rows.append(_row(name, name, queue.len(), *_counts(mine), act.spent_s, act))
    done = pl.concat(reviewed_by) if reviewed_by else pl.DataFrame(schema={"rid": pl.UInt64, "decision": pl.String})
    per_row = done.group_by("rid").agg(pl.len().alias("n"), (pl.col("decision") == "rejected").any().alias("any_reject"))
    both = per_row.filter(pl.col("n") >= 2)  # in two curators' queues: a shared row both reviewed
    spent = sum(r["spent_s"] or 0.0 for r in rows)
    team_hour = sum(r["per_hour"] or 0.0 for r in rows)
    shared = _row(SHARED, None, assignment.shared_rows, both.height, both.height - int(both["any_reject"].sum()),
                  int(both["any_reject"].sum()), None, None)
    left = sum(max(0, (r["total"] or 0) - r["reviewed"]) for r in rows)
    team = _row(TEAM, None, assignment.total, per_row.height, per_row.height - int(per_row["any_reject"].sum()),
                int(per_row["any_reject"].sum()), spent, None)
    team["per_hour"] = team_hour or None  # the team works side by side: rates add up
    team["eta_s"] = 0.0 if left == 0 else (left * 3600.0 / team_hour if team_hour else None)
    return pl.DataFrame(rows + [shared, team], schema=SCHEMA)


def _free_table(acts: dict[str, Activity]) -> pl.DataFrame:
    rows = [_row(n, n, None, *_counts(a.decided), a.spent_s, a) for n, a in acts.items()]
    return pl.DataFrame(rows, schema=SCHEMA)


def format_dashboard(board: Dashboard) -> str:
    from app.core.store.review_session import format_duration

    t = board.table
    if t.is_empty():
        return f"{board.folder}: no curation projects\n"
    a = board.assignment
    head = (f"{board.folder}: assignment of {a.total:,} rows to {len(a.curators)} curators "
            f"({a.shared_rows:,} reviewed by two, seed {a.seed})" if a else f"{board.folder}: no assignment")
    width = max(len(q) for q in t["queue"].to_list())
    lines = [head, f"{'queue':<{width}}  {'reviewed':>17}  {'rejected':>8}  {'time':>8}  {'per hour':>8}  {'ETA':>8}  saved"]
    for r in t.iter_rows(named=True):
        total = f"{r['total']:,}" if r["total"] is not None else "?"
        frac = f" {r['fraction']:4.0%}" if r["fraction"] is not None else ""
        rate = f"{r['per_hour']:,.0f}" if r["per_hour"] else "—"
        saved = f"v{r['saved_version']:04d}" if r["saved_version"] else ("—" if r["curator"] else "")
        lines.append(f"{r['queue']:<{width}}  {r['reviewed']:>7,}/{total:<5}{frac:>5}  {r['rejected']:>8,}  "
                     f"{format_duration(r['spent_s']) if r['spent_s'] is not None else '':>8}  {rate:>8}  "
                     f"{format_duration(r['eta_s']) if r['total'] is not None else '':>8}  {saved}")
        if r["problem"]:
            lines.append(f"  warning: {r['problem']}")
    return "\n".join(lines) + "\n"


def dashboard_json(board: Dashboard) -> str:
    return json.dumps(board.to_json(), ensure_ascii=False, indent=2)
