"""A merge is one durable step: SIGKILL a real child at random moments of a merge, again
and again. After each kill the project holds either its state before the merge, with no
merge version, or the merged state with the version that records the merge (saved by the
next writable open if the killed process had not saved it), so the next merge finds the
right base and raises no conflict."""
from __future__ import annotations

import random
import shutil
import signal
import time

import pytest

from app.core.store.curation import Curation
from app.core.curate.edits import EditField
from app.core.team.lineage import open_version
from app.core.team.merge import plan_merge

from tests.reliability import scale

from .curation_support import content, content_digest, load, make_tree
from .store_support import child, finish

pytestmark = pytest.mark.reliability("kill")

LONG = "长文本，😀\n" * 30000  # ~200 KB a row: a merge takes long enough to be hit

MERGER = """
    import sys
    sys.path.insert(0, {root!r})
    from app.core.store.curation import Curation
    from app.core.load.loader import load_release
    from app.core.team.merge import commit_merge, plan_merge
    from tests.core.curation_support import content_digest
    rel = load_release({release!r})
    ann = Curation.open(rel, {ann!r}, author="ann")
    plan = plan_merge(ann, {bob!r})
    merged = ann.overlay.with_states(plan.states({{}}))
    print("plan", content_digest(ann.overlay), content_digest(merged), len(plan.conflicts), flush=True)
    info = commit_merge(ann, plan)
    print("merged", info.number, flush=True)
    sys.stdin.read()
"""


def _merge_versions(c: Curation, their_id: str) -> list[int]:
    return [v.number for v in c.versions()
            if ((c.store.manifest(v.number).get("merge") or {}).get("theirs") or {}).get("id") == their_id]


@pytest.mark.reliability("kill", "the state before the merge, or the merged state with its one merge version; "
                                 "an acknowledged merge never lost; the next merge finds the right base")
def test_sigkill_during_a_merge_never_loses_its_version(tmp_path, tally):
    release = make_tree(tmp_path)
    rel = load(release)
    # A harder run repeats the whole scenario on fresh projects: one pair of projects
    # merged hundreds of times would test ever longer replays (500 undo steps of ~2 MB).
    for episode in range(scale()):
        _kill_merges(tmp_path / f"episode{episode}", release, rel, random.Random(7 + episode), tally)
        shutil.rmtree(tmp_path / f"episode{episode}")


def _kill_merges(folder, release, rel, rng, tally) -> None:
    rids = rel.frame["rid"].to_list()
    ann_dir, bob_dir = folder / "ann", folder / "bob"
    with Curation.open(rel, ann_dir, author="ann") as ann:
        ann.apply(EditField(rids[:4], "output", "安：" + LONG))
        ann.save_version("ann 1")
    bob = Curation.open(rel, bob_dir, author="bob")
    in_window = merged_rounds = 0
    try:
        for round_ in range(40):  # until enough kills landed in each place (a loaded machine shifts them)
            if round_ >= 10 and in_window >= 2 and merged_rounds >= 3:
                break
            bob.apply(EditField(rids[4:], "output", f"鲍第{round_}轮：" + LONG))
            theirs = open_version(bob_dir, bob.save_version(f"bob {round_}").number)
            proc = child(MERGER, release=str(release), ann=str(ann_dir), bob=str(bob_dir))
            try:
                plan = proc.stdout.readline().split()
                assert plan and plan[0] == "plan", finish(proc)
                assert plan[3] == "0", f"round {round_}: the merge found an older base and {plan[3]} conflicts"
                time.sleep(rng.uniform(0.0, 0.3))
            finally:
                proc.send_signal(signal.SIGKILL)
                acked = proc.stdout.readline().startswith("merged")
                finish(proc)
            before, merged = plan[1], plan[2]
            tally.add(rounds=1, kills=1, kills_mid_write=not acked, acknowledged=acked)  # killed inside commit_merge
            with Curation.open(rel, ann_dir, read_only=True) as seen:  # as the kill left it
                if content_digest(seen.overlay) == merged and not _merge_versions(seen, theirs.id):
                    in_window += 1  # killed after the merge was journaled, before its version was saved
            with Curation.open(rel, ann_dir, author="ann") as ann:  # the next writer completes it
                now = content_digest(ann.overlay)
                assert now in (before, merged) and (now == merged or not acked), f"round {round_}: lost the merge"
                found = _merge_versions(ann, theirs.id)
                if now == merged:
                    merged_rounds += 1
                    assert found == [ann.last_version] and not ann.dirty, f"round {round_}: merge without version"
                    assert content(ann.load_version(ann.last_version)) == content(ann.overlay)
                    assert plan_merge(ann, bob_dir).up_to_date
                else:
                    assert found == [] and not plan_merge(ann, bob_dir).up_to_date
    finally:
        bob.close()
    assert in_window >= 2, f"only {in_window} kills landed between the merge's journal line and its version"
    assert merged_rounds >= 3


DIES = """
    import os, sys
    sys.path.insert(0, {root!r})
    from app.core.store import curation, versions
    from app.core.load.loader import load_release
    from app.core.team.merge import commit_merge, plan_merge
    rel = load_release({release!r})
    ann = curation.Curation.open(rel, {ann!r}, author="ann")
    plan = plan_merge(ann, {bob!r})
    if {where!r} == "before the version":
        versions.VersionStore.save = lambda *a, **k: os._exit(9)
    else:  # the version is on disk, the journal line noting it is not
        curation.Curation._note_version = lambda *a, **k: os._exit(9)
    commit_merge(ann, plan, message="合并")
"""


def _two_curators(tmp_path):
    release = make_tree(tmp_path)
    rel = load(release)
    rids = rel.frame["rid"].to_list()
    with Curation.open(rel, tmp_path / "ann", author="ann") as ann:
        ann.apply(EditField(rids[:2], "output", "安"))
        ann.save_version("ann 1")
        mine = content(ann.overlay)
    with Curation.open(rel, tmp_path / "bob", author="bob") as bob:
        bob.apply(EditField(rids[5:], "output", "鲍"))
        theirs = open_version(tmp_path / "bob", bob.save_version("bob 1").number)
        merged = {**mine, **content(bob.overlay)}
    return release, rel, theirs, merged


@pytest.mark.reliability("kill", "a merge whose process dies (os._exit) before its version, or before the journal "
                                 "notes it, is completed once on the next open")
def test_a_merge_killed_at_each_step_is_completed_once_on_the_next_open(tmp_path, tally):
    for where in ("before the version", "before the journal notes the version"):
        folder = tmp_path / where.replace(" ", "-")
        release, rel, theirs, merged = _two_curators(folder)
        proc = child(DIES, release=str(release), ann=str(folder / "ann"), bob=str(folder / "bob"), where=where)
        proc.wait(120)
        tally.add(rounds=1, kills=1, kills_mid_write=1)
        assert proc.returncode == 9, finish(proc)
        finish(proc)
        with Curation.open(rel, folder / "ann") as ann:
            assert content(ann.overlay) == merged and not ann.dirty
            assert _merge_versions(ann, theirs.id) == [2] and ann.last_version == 2  # saved once, not twice
            manifest = ann.store.manifest(2)
            assert manifest["message"] == "合并" and manifest["parents"] == [1] and manifest["merge"]["auto"] == 4
            assert ann.undo_label.startswith("Merge bob's")
        with Curation.open(rel, folder / "ann") as again:  # nothing left pending
            assert again.last_version == 2 and not again.notices and not again.warnings


@pytest.mark.reliability("check", "a merge that compacts the journal keeps its version")
def test_a_merge_that_fills_the_journal_past_compaction_keeps_its_version(tmp_path, monkeypatch):
    from app.core.store import curation

    monkeypatch.setattr(curation, "COMPACT_BYTES", 0)  # every noted version compacts the journal
    release, rel, theirs, merged = _two_curators(tmp_path)
    from app.core.team.merge import commit_merge

    with Curation.open(rel, tmp_path / "ann") as ann:
        info = commit_merge(ann, plan_merge(ann, tmp_path / "bob"))
        assert info.number == 2 and content(ann.overlay) == merged
    with Curation.open(rel, tmp_path / "ann") as again:
        assert again.last_version == 2 and content(again.overlay) == merged and not again.dirty
        assert again.journal_problem is None and _merge_versions(again, theirs.id) == [2]
