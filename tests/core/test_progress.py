"""The team's progress read from real projects in a temporary shared folder, each written
by its curator's own process: per curator reviewed / total, rejects, time spent from the
session log and the decision times, items per hour, ETA; the shared rows and the whole
assignment; reads that never take a lock; a cache that reads only what changed."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.load.loader import load_release
from app.core.store.review_session import IDLE_CAP_S, RECORD_FORMAT, ReviewLog
from app.core.team import activity as activity_module
from app.core.team.activity import epoch_seconds, time_spent
from app.core.team.assign import project_dir
from app.core.team.progress import SHARED, TEAM, TeamReader, dashboard, format_dashboard

from .cli_support import HeldProject
from .curation_support import make_file
from .team_support import decide, make_team, queue_rids, rows


# ---- time spent: the vectorised count against a plain loop --------------------------------

def _reference(actions, sessions, cap=IDLE_CAP_S):
    """Written out the long way: sessions count their active time; an action outside every
    session counts the gap since the last action or session end before it, capped."""
    total = sum(a for _, _, a in sessions)
    events = sorted(actions)
    for i, t in enumerate(events):
        if any(s <= t <= e for s, e, _ in sessions):
            continue
        before = [events[j] for j in range(i)] + [e for _, e, _ in sessions if e <= t]
        if before:
            total += min(t - max(before), cap)
    return total


def test_time_spent_by_hand():
    assert time_spent(np.array([0.0, 10.0, 100.0, 105.0]), []) == pytest.approx(10 + 60 + 5)
    # a session [200, 300] worked 50 s; actions inside it add nothing; 320 counts from its end
    assert time_spent(np.array([0.0, 10.0, 210.0, 250.0, 320.0]), [(200.0, 300.0, 50.0)]) == pytest.approx(
        10 + 50 + 20)
    assert time_spent(np.array([]), [(0.0, 10.0, 7.5)]) == 7.5
    assert time_spent(np.array([float("nan"), 5.0]), []) == 0.0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 5000, allow_nan=False), max_size=30),
       st.lists(st.tuples(st.floats(0, 5000, allow_nan=False), st.floats(0, 300, allow_nan=False),
                          st.floats(0, 300, allow_nan=False)), max_size=4))
def test_time_spent_matches_the_plain_loop(actions, raw_sessions):
    spans, end = [], -1.0
    for start, length, active in sorted(raw_sessions):  # a curator's sessions do not overlap
        if start > end:
            spans.append((start, start + length, active))
            end = start + length
    assert time_spent(np.array(actions), spans) == pytest.approx(_reference(actions, spans))


def test_epoch_seconds_reads_the_app_s_times():
    got = epoch_seconds(["2026-11-25T17:07:41.393+00:00", "2026-11-26T01:07:41.393+08:00", None, "x"])
    assert got[0] == got[1] == pytest.approx(1795626461.393) and math.isnan(got[2]) and math.isnan(got[3])


# ---- the dashboard over real projects ---------------------------------------------------------

@pytest.fixture()
def team(tmp_path):
    release = make_file(tmp_path / "rel", rows(30, "zhihu") + rows(20, "wiki"))
    rel = load_release(release)
    shared = tmp_path / "team"
    assignment = make_team(rel, shared, ["ann", "bob", "cy"], overlap=0.2, seed=11)
    return release, rel, shared, assignment


def _session(folder: Path, started: str, ended: str, active: float, reviewed: int) -> None:
    ReviewLog(folder).append({"format": RECORD_FORMAT, "author": folder.stem, "started": started, "ended": ended,
                              "view": "{}", "unreviewed_only": False, "queue": 0, "reviewed": reviewed,
                              "accepted": reviewed, "rejected": {}, "edited": 0, "seconds": active,
                              "active_seconds": active, "rate_per_min": None, "last": None, "index": 0})


def test_dashboard_per_curator_shared_and_team(team, tmp_path):
    release, rel, shared, a = team
    home = tmp_path / "home"
    ann, bob = queue_rids(a, "ann"), queue_rids(a, "bob")
    both = sorted(set(ann) & set(bob))
    assert both, "ann and bob share rows (every pair of curators does)"
    decide(home, release, shared, "ann", [{"rid": r, "op": "accept"} for r in ann[:6]] +
           [{"rid": r, "op": "reject", "reason": "重复"} for r in ann[6:8]] + [{"rid": both[0], "op": "reject"}])
    decide(home, release, shared, "bob", [{"rid": both[0], "op": "accept"}] + [{"rid": r, "op": "accept"} for r in
                                                                              bob[:3] if r != both[0]])
    # a session that covers ann's work (its active time counts, the action inside it nothing more)
    _session(project_dir(shared, "ann"), "2000-01-01T00:00:00.000+00:00", "2100-01-01T00:00:00.000+00:00", 600.0, 9)
    board = dashboard(shared)
    by = {r["queue"]: r for r in board.table.iter_rows(named=True)}
    assert [r for r in board.table["queue"].to_list()] == ["ann", "bob", "cy", SHARED, TEAM]
    n_ann = len(set(ann[:8]) | {both[0]})
    assert by["ann"]["total"] == len(ann) and by["ann"]["reviewed"] == n_ann and by["ann"]["rejected"] == 3
    assert by["ann"]["spent_s"] == pytest.approx(600.0) and by["ann"]["per_hour"] == pytest.approx(n_ann * 6)
    assert by["ann"]["eta_s"] == pytest.approx((len(ann) - n_ann) * 3600 / (n_ann * 6))
    assert by["ann"]["reject_rate"] == pytest.approx(3 / n_ann)
    assert by["bob"]["reviewed"] == len({both[0], *bob[:3]}) and by["bob"]["spent_s"] == 0.0  # one scripted action
    assert by["bob"]["per_hour"] is None and by["bob"]["eta_s"] is None  # no time: no rate, no ETA
    assert by["cy"]["reviewed"] == 0 and by["cy"]["saved_version"] is None
    reviewed_by_both = (set(ann[:8]) | {both[0]}) & ({both[0]} | set(bob[:3]))
    assert by[SHARED]["total"] == a.shared_rows and by[SHARED]["reviewed"] == len(reviewed_by_both) >= 1
    team_rows = len(set(ann[:8]) | {both[0]} | set(bob[:3]))
    assert by[TEAM]["total"] == rel.frame.height and by[TEAM]["reviewed"] == team_rows
    text = format_dashboard(board)
    assert text.splitlines()[0].startswith(f"{shared}: assignment of 50 rows to 3 curators") and "ann" in text
    obj = json.loads(json.dumps(board.to_json()))
    assert obj["assignment"]["curators"] == ["ann", "bob", "cy"] and len(obj["rows"]) == 5


def test_reading_never_takes_the_lock_and_sees_acknowledged_work(team, tmp_path):
    release, rel, shared, a = team
    folder = project_dir(shared, "cy")
    with HeldProject(release, folder):  # cy has the project open for writing in another process
        before = (folder / "lock").read_bytes()
        board = dashboard(shared)
        assert (folder / "lock").read_bytes() == before  # not taken, not touched
        assert board.table.row(2, named=True)["reviewed"] == 0


def test_the_reader_reads_again_only_what_changed(team, tmp_path, monkeypatch):
    release, rel, shared, a = team
    reader = TeamReader(shared)
    reads = []
    real = activity_module.read_activity
    monkeypatch.setattr(activity_module, "read_activity", lambda f, n=None: reads.append(n) or real(f, n))
    reader.dashboard()
    assert sorted(reads) == ["ann", "bob", "cy"]
    reads.clear()
    reader.dashboard()
    assert reads == []
    decide(tmp_path / "home", release, shared, "bob", [{"rid": queue_rids(a, "bob")[0], "op": "accept"}])
    board = reader.dashboard()
    assert reads == ["bob"] and board.table.row(1, named=True)["reviewed"] == 1


def test_a_damaged_journal_is_named_and_counted_up_to_the_line_before(team, tmp_path):
    release, rel, shared, a = team
    ann = queue_rids(a, "ann")
    decide(tmp_path / "home", release, shared, "ann", [{"rid": ann[0], "op": "accept"}])
    decide(tmp_path / "home", release, shared, "ann", [{"rid": ann[1], "op": "accept"}])
    journal = project_dir(shared, "ann") / "journal.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(lines[:-1]) + b"{damaged\n" + lines[-1])
    row = dashboard(shared).table.row(0, named=True)
    assert row["reviewed"] == 1 and "line" in row["problem"] and "damaged" in row["problem"]


def test_a_folder_without_assignment_lists_its_projects(team, tmp_path):
    release, rel, shared, a = team
    (shared / "assignment.json").unlink()
    decide(tmp_path / "home", release, shared, "ann", [{"rid": queue_rids(a, "ann")[0], "op": "reject"}])
    board = dashboard(shared)
    assert board.assignment is None and board.table["queue"].to_list() == ["ann", "bob", "cy"]
    assert board.table.row(0, named=True)["rejected"] == 1 and board.table.row(0, named=True)["total"] is None
    assert "no assignment" in format_dashboard(board)


def test_undo_and_a_compacted_journal_are_read_as_the_app_replays_them(team, tmp_path):
    from app.core.curate.edits import Accept, Reject
    from app.core.store.curation import Curation

    release, rel, shared, a = team
    ann = queue_rids(a, "ann")
    with Curation.open(rel, project_dir(shared, "ann"), author="ann") as c:
        c.apply(Accept(ann[:3]))
        c.apply(Reject(ann[3:5], "重复"))
        c.undo()  # the rejects are undone: not reviewed
    assert dashboard(shared).table.row(0, named=True)["reviewed"] == 3
    with Curation.open(rel, project_dir(shared, "ann"), author="ann") as c:
        c.redo()
        c.compact(keep_undo=1)  # a snapshot line, then the kept step
    row = dashboard(shared).table.row(0, named=True)
    assert (row["reviewed"], row["rejected"], row["problem"]) == (5, 2, None)
