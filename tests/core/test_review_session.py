"""Review sessions without a screen: the queue, the tally, progress math, the session
record in the project, and where a reopened session resumes."""
from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.io.atomic import SaveError
from app.core.store.curation import Curation
from app.core.curate.edits import Accept, EditField, Reject, Restore, SetStates
from app.core.store.review_session import (DEFAULT_REASONS, REVIEWS_FILE, Progress, ReviewLog, ReviewQueue, SessionRecord,
                                     SessionTally, edited_state, format_duration, progress, resume_index)
from tests.core.curation_support import load, make_file


@pytest.fixture()
def cur(tmp_path):
    release = load(make_file(tmp_path / "rel"))
    c = Curation.open(release, tmp_path / "project", author="tester")
    yield c
    c.close()


def positions_reversed(c) -> np.ndarray:
    return [int(p) for p in np.arange(c.release.frame.height)[::-1]]


def test_queue_follows_view_order_and_the_overlay(cur):
    rids = cur.release.frame["rid"]
    pos = positions_reversed(cur)
    cur.apply(Accept((rids[pos[1]],)))
    cur.apply(Reject((rids[pos[3]],), "重复"))
    cur.apply(EditField((rids[pos[4]],), "output", "改过"))  # edited is not reviewed
    q = ReviewQueue.build(rids, np.array(pos, dtype=np.uint32), cur.overlay)
    assert len(q) == rids.len() and q.position(0) == pos[0] and q.rid(0) == rids[pos[0]]
    assert [q.is_decided(i) for i in range(5)] == [False, True, False, True, False]
    assert q.reviewed == 2
    assert q.first_unreviewed(1) == 2 and q.first_unreviewed(0) == 0
    only = ReviewQueue.build(rids, np.array(pos, dtype=np.uint32), cur.overlay, unreviewed_only=True)
    assert len(only) == len(q) - 2 and only.reviewed == 0
    assert rids[pos[1]] not in only.rids and only.index_of(int(rids[pos[4]])) == 2


def test_first_unreviewed_wraps_and_gives_none_when_all_are_decided():
    q = ReviewQueue(np.arange(4), np.arange(10, 14, dtype=np.uint64), np.array([0, 1, 2, 1]))
    assert q.first_unreviewed(2) == 0 and (q.reviewed, q.rejected) == (3, 1)
    q = ReviewQueue(np.arange(3), np.arange(3, dtype=np.uint64), np.ones(3, np.uint8))
    assert q.first_unreviewed(0) is None and q.index_of(99) is None


def test_queue_update_tracks_decisions_undo_and_bulk(cur):
    rids = cur.release.frame["rid"]
    q = ReviewQueue.build(rids, np.arange(rids.len()), cur.overlay)
    q.update(cur.apply(Accept((rids[0],))))
    q.update(cur.apply(Reject((rids[2],), "低质量")))
    assert q.reviewed == 2 and q.rejected == 1 and q.is_decided(0) and q.is_decided(2)
    q.update(cur.undo())
    assert q.reviewed == 1 and q.rejected == 0 and not q.is_decided(2)
    q.update(cur.apply(Accept(tuple(rids.to_list()))))  # bulk: the vectorised path
    assert q.reviewed == len(q)
    q.update(cur.apply(Restore(tuple(rids.to_list()[:5]))))
    assert q.reviewed == len(q) - 5 and q.rejected == 0
    q.update(cur.apply(Reject(tuple(rids.to_list()[:3]), "重复")))
    assert q.reviewed == len(q) - 2 and q.rejected == 3
    fresh = ReviewQueue.build(rids, np.arange(rids.len()), cur.overlay)
    assert (fresh.decided == q.decided).all()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["accept", "reject", "restore", "undo", "redo"]),
                          st.integers(0, 8)), max_size=25))
def test_incremental_queue_equals_a_rebuilt_one(tmp_path_factory, ops):
    tmp = tmp_path_factory.mktemp("q")
    release = load(make_file(tmp / "rel"))
    with Curation.open(release, tmp / "project", author="t") as c:
        rids = c.release.frame["rid"].to_list()
        q = ReviewQueue.build(c.release.frame["rid"], np.arange(len(rids)), c.overlay)
        now = [0.0]
        tally = SessionTally(clock=lambda: now[0])
        for op, i in ops:
            rid = rids[i % len(rids)]
            change = {"accept": lambda: c.apply(Accept((rid,))), "reject": lambda: c.apply(Reject((rid,), "其他")),
                      "restore": lambda: c.apply(Restore((rid,))), "undo": c.undo, "redo": c.redo}[op]()
            q.update(change)
            tally.note(change)
            now[0] += 10.0
        fresh = ReviewQueue.build(c.release.frame["rid"], np.arange(len(rids)), c.overlay)
        s = tally.summary()  # the per-key rate (kept incrementally) agrees with the full tally
        assert tally.rate_per_min() == s.rate_per_min
        assert (fresh.codes == q.codes).all() and (fresh.reviewed, fresh.rejected) == (q.reviewed, q.rejected)


def test_edited_state_is_one_step_and_drops_edits_back_to_the_base(cur):
    frame = cur.release.frame
    rid, base = frame["rid"][1], frame.row(1, named=True)
    old = cur.overlay.get(rid)
    state = edited_state(old, base, {"output": "新的回答", "domain": ["文学", "诗"]}, "accepted")
    assert state.decision == "accepted" and state.fields == {"output": "新的回答", "domain": ("文学", "诗")}
    change = cur.apply(SetStates({rid: state}, "Edit output and accept"))
    assert change.changed and cur.overlay.get(rid).status == "accepted"
    back = edited_state(cur.overlay.get(rid), base, {"output": base["output"]})
    assert back.decision == "accepted" and "output" not in back.fields and "domain" in back.fields
    cur.undo()
    assert cur.overlay.get(rid).is_empty  # one undo takes back the edit and the decision together


def test_tally_is_the_net_effect_of_the_session(cur):
    rids = cur.release.frame["rid"].to_list()
    now = [0.0]
    cur.apply(Accept((rids[5],)))  # before the session: not counted
    tally = SessionTally(clock=lambda: now[0])
    for cmd in [Accept((rids[0],)), Reject((rids[1],), "重复"), Reject((rids[2],), "重复"),
                Reject((rids[3],), "低质量"), Accept((rids[5],))]:
        now[0] += 6.0
        tally.note(cur.apply(cmd))
    base = cur.release.frame.row(4, named=True)
    now[0] += 6.0
    tally.note(cur.apply(SetStates({rids[4]: edited_state(cur.overlay.get(rids[4]), base, {"output": "改"}, "accepted")},
                                   "edit")))
    now[0] += 6.0
    tally.note(cur.undo())  # takes back the edit-and-accept of row 4
    now[0] += 500.0  # a long pause counts as IDLE_CAP_S
    s = tally.summary()
    assert (s.accepted, s.rejected, s.edited) == (1, {"重复": 2, "低质量": 1}, 0)
    assert s.decided == 4 and s.seconds == pytest.approx(542.0) and s.active_seconds == pytest.approx(102.0)
    assert s.rate_per_min == pytest.approx(4 * 60 / 102.0) == tally.rate_per_min()


def test_progress_and_eta():
    p = Progress(reviewed=342, total=1508, rate_per_min=14.2, rejected=12)
    assert p.fraction == pytest.approx(0.2268, abs=1e-4)
    assert format_duration(p.eta_seconds) == "1h 22m"
    assert Progress(5, 5, None, 0).eta_seconds == 0.0 and Progress(1, 5, None, 0).eta_seconds is None
    assert [format_duration(s) for s in (None, 42, 303, 5040)] == ["—", "42s", "5m 03s", "1h 24m"]


def test_session_log_round_trip_and_resume(cur, tmp_path):
    rids = cur.release.frame["rid"]
    pos = np.arange(rids.len())
    log = ReviewLog(cur.project.folder)
    assert log.read() == [] and log.last() is None
    q = ReviewQueue.build(rids, pos, cur.overlay)
    tally = SessionTally()
    for i in (0, 1, 2):
        change = cur.apply(Accept((rids[i],)) if i != 1 else Reject((rids[i],), DEFAULT_REASONS[1]))
        q.update(change)
        tally.note(change)
    rec = SessionRecord(view='{"v":1}', unreviewed_only=False, queue=len(q), reviewed=q.reviewed,
                        summary=tally.summary(), last_rid=q.rid(3), index=3, started=tally.started_at, author="tester")
    log.append(rec)
    log.append({"format": "cqia-review-session/1", "view": "other", "author": "x"})
    with open(log.path, "ab") as f:
        f.write(b'{"torn": ')  # a crash mid-append: skipped, earlier records kept
    assert [r["view"] for r in log.read()] == ['{"v":1}', "other"]
    last = log.last('{"v":1}')
    assert last["accepted"] == 2 and last["rejected"] == {"低质量": 1} and last["last"] == f"{q.rid(3):016x}"
    assert json.loads(log.path.read_bytes().splitlines()[0])["rejected"] == {"低质量": 1}  # Chinese unescaped on disk
    assert "低质量".encode() in log.path.read_bytes()
    cur.close()
    with Curation.open(cur.release, tmp_path / "project", author="tester") as again:  # reopened: resume
        q2 = ReviewQueue.build(rids, pos, again.overlay)
        assert resume_index(q2, ReviewLog(again.project.folder).last('{"v":1}')) == 3
        for i in range(3, rids.len()):
            q2.update(again.apply(Accept((rids[i],))))
        assert resume_index(q2, last) == 3 and resume_index(q2, None) == 0  # all decided: where it stopped


def test_log_append_failure_is_a_save_error(tmp_path):
    with pytest.raises(SaveError) as err:  # the project folder was moved away
        ReviewLog(tmp_path / "gone").append({"format": "cqia-review-session/1", "view": "v"})
    assert err.value.path.name == REVIEWS_FILE and "no longer exists" in err.value.reason


def test_progress_from_queue_and_summary(cur):
    rids = cur.release.frame["rid"]
    q = ReviewQueue.build(rids, np.arange(rids.len()), cur.overlay)
    tally = SessionTally()
    for cmd in (Reject((rids[0],), "其他"), Accept((rids[1],))):
        change = cur.apply(cmd)
        q.update(change)
        tally.note(change)
    p = progress(q, tally)
    assert (p.reviewed, p.total, p.rejected) == (2, rids.len(), 1)
