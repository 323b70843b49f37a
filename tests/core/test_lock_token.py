"""A writer re-checks its lock: the lock file holds a random token; before each journal
append and version save the writer checks it still holds it, and having lost it (the lock
broken by hand or by another window's "open anyway") it turns read-only and says so."""
from __future__ import annotations

import json
import re

import pytest

from app.core.store.curation import Curation, ReadOnlyError
from app.core.curate.edits import EditField, Reject
from app.core.store.project import LOCK_FILE, break_lock, read_lock

from .curation_support import content, load, make_tree
from .store_support import child, finish

pytestmark = pytest.mark.reliability("check")


@pytest.fixture()
def rel(tmp_path):
    return load(make_tree(tmp_path))


@pytest.mark.reliability("check", "the lock file holds a random token")
def test_the_lock_file_holds_a_random_token(rel, tmp_path):
    with Curation.open(rel, tmp_path / "a") as a, Curation.open(rel, tmp_path / "b") as b:
        tokens = [json.loads((c.project.folder / LOCK_FILE).read_text())["token"] for c in (a, b)]
        assert all(re.fullmatch(r"[0-9a-f]{32}", t) for t in tokens) and tokens[0] != tokens[1]
        assert read_lock(a.project.folder / LOCK_FILE).token == tokens[0]


@pytest.mark.reliability("tamper", "a writer whose lock was broken refuses every write, turns read-only, names the "
                                   "new holder; nothing changed in memory or on disk")
@pytest.mark.parametrize("how", ["taken", "removed"])
def test_a_writer_that_lost_its_lock_stops_writing_and_says_so(rel, tmp_path, how):
    rids = rel.frame["rid"].to_list()
    first = Curation.open(rel, tmp_path / "p", author="ann")
    first.apply(Reject(rids[:1], "一"))
    first.save_version("v1")
    journal = (tmp_path / "p" / "journal.jsonl").read_bytes()
    break_lock(tmp_path / "p")  # "open anyway" in another window, or by hand
    second = Curation.open(rel, tmp_path / "p", author="bob") if how == "taken" else None
    state, undo = content(first.overlay), first.undo_label
    with pytest.raises(ReadOnlyError, match="lock") as info:
        first.apply(Reject(rids[1:2], "二"))
    assert "\n" not in str(info.value)
    if how == "taken":
        assert "bob" in str(info.value)  # who has it now
    assert first.read_only and "lock" in first.read_only_reason
    for action in (first.undo, lambda: first.save_version("v2"), first.compact,
                   lambda: first.apply(Reject(rids[2:3], "三"))):
        with pytest.raises(ReadOnlyError):
            action()
    assert content(first.overlay) == state and first.undo_label == undo  # nothing changed in memory
    assert (tmp_path / "p" / "journal.jsonl").read_bytes() == journal  # nor on disk
    assert sorted(p.name for p in (tmp_path / "p" / "versions").iterdir()) == ["v0001.json", "v0001.jsonl"]
    first.close()
    if second is not None:
        assert read_lock(tmp_path / "p" / LOCK_FILE).token == second.project.lock.token  # not first's to remove
        second.apply(EditField([rids[3]], "output", "bob 的修改"))
        second.close()


WRITER = """
    import sys
    sys.path.insert(0, {root!r})
    from app.core.store.curation import Curation, ReadOnlyError
    from app.core.curate.edits import Reject
    from app.core.load.loader import load_release
    rel = load_release({release!r})
    rids = rel.frame["rid"].to_list()
    c = Curation.open(rel, {project!r}, author="ann")
    c.apply(Reject(rids[:1], "ann"))
    print("ready", flush=True)
    for line in sys.stdin:
        cmd = line.strip()
        try:
            if cmd == "undo":
                c.undo()
            elif cmd == "edit":
                c.apply(Reject(rids[5:6], "late"))
            else:
                c.save_version("late")
            print("done", cmd, flush=True)
        except ReadOnlyError as exc:
            print("refused", cmd, str(exc).replace(chr(10), " "), flush=True)
"""


@pytest.mark.reliability("race", "two writers (open anyway): the old one's undo, edit and save refused; the new "
                                 "one's edit kept")
def test_an_open_anyway_never_lets_the_old_writer_undo_the_new_ones_edit(rel, tmp_path):
    """The issue's scenario with two real processes: ann writes, bob opens anyway and edits,
    ann presses undo. Ann's undo must be refused, or replay would undo bob's edit."""
    project = tmp_path / "p"
    proc = child(WRITER, release=str(rel.root), project=str(project))
    try:
        assert proc.stdout.readline().split() == ["ready"]
        break_lock(project)
        bob = Curation.open(rel, project, author="bob")
        assert not bob.read_only
        rid = rel.frame["rid"][2]
        bob.apply(EditField([rid], "output", "bob 的修改"))
        acknowledged = content(bob.overlay)
        for cmd in ("undo", "edit", "save"):
            proc.stdin.write(cmd + "\n")
            proc.stdin.flush()
            reply = proc.stdout.readline()
            assert reply.startswith(f"refused {cmd}") and "lock" in reply and "bob" in reply, reply
        bob.close()
    finally:
        finish(proc)
    with Curation.open(rel, project, read_only=True) as again:
        assert content(again.overlay) == acknowledged and again.undo_label.startswith("Edit")
        assert again.versions() == []
