"""Project folders, project.json, the writer lock (in-process and across processes)."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from app.core.store.curation import Curation
from app.core.curate.edits import EditField, Reject
from app.core.store.project import (LOCK_FILE, LockInfo, Project, ProjectLocationError, acquire_lock, break_lock,
                              default_project_dir, read_lock)

from .curation_support import load, make_file, make_tree

ROOT = Path(__file__).resolve().parents[2]


def test_default_folders_sit_beside_the_release(tmp_path):
    tree = load(make_tree(tmp_path))
    assert default_project_dir(tree) == tmp_path / "release.curation"
    single = load(make_file(tmp_path / "f"))
    assert default_project_dir(single) == tmp_path / "f" / "rel.jsonl.curation"


def test_project_json_records_the_base(tmp_path):
    rel = load(make_tree(tmp_path))
    c = Curation.open(rel, author="ann")
    meta = json.loads((tmp_path / "release.curation" / "project.json").read_text())
    assert meta["base"] == rel.identity() and meta["author"] == "ann" and meta["created"]
    assert [f["file"] for f in meta["base"]["files"]] == ["alpha/a.jsonl", "beta/b.jsonl"]
    assert c.author == "ann" and not c.read_only and not c.base_changed
    c.close()
    assert not (tmp_path / "release.curation" / LOCK_FILE).exists()  # released on close


def test_a_foreign_non_empty_folder_is_refused(tmp_path):
    rel = load(make_tree(tmp_path))
    (tmp_path / "stuff").mkdir()
    (tmp_path / "stuff" / "notes.txt").write_text("mine")
    with pytest.raises(ProjectLocationError, match="not empty"):
        Curation.open(rel, tmp_path / "stuff")


def test_unusable_default_folder_falls_back_with_a_notice(tmp_path, monkeypatch):
    rel = load(make_tree(tmp_path))
    (tmp_path / "release.curation").write_text("a file where the folder should be")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with pytest.raises(ProjectLocationError) as info:
        Curation.open(rel, fallback=False)
    assert info.value.fallback is not None and str(tmp_path / "data") in str(info.value)
    c = Curation.open(rel)
    assert c.project.folder.is_relative_to(tmp_path / "data") and not c.read_only
    assert any("cannot be used" in n for n in c.notices)
    c.close()


def test_lock_info_liveness():
    me = LockInfo.mine()
    assert me.is_alive()
    assert not LockInfo(me.pid, me.host, me.time, me.user, start="0").is_alive()  # pid reused
    assert LockInfo(1, "some-other-host", "t").is_alive()  # cannot know: assume held
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    assert not LockInfo(int(done.stdout), socket.gethostname(), "t").is_alive()


def _finish(proc: subprocess.Popen) -> None:
    """Kill a helper process and close its pipes."""
    proc.kill()
    proc.wait(10)
    for pipe in (proc.stdin, proc.stdout):
        if pipe:
            pipe.close()


def _write_lock(folder: Path, **info) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / LOCK_FILE).write_text(json.dumps(info))


def test_stale_lock_of_a_dead_process_is_recovered(tmp_path):
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    _write_lock(tmp_path / "p", pid=int(done.stdout), host=socket.gethostname(), time="then")
    ok, holder = acquire_lock(tmp_path / "p")
    assert ok and holder.pid == os.getpid() and read_lock(tmp_path / "p" / LOCK_FILE).pid == os.getpid()


def test_lock_of_another_host_is_respected_until_broken(tmp_path):
    rel = load(make_tree(tmp_path))
    Curation.open(rel, tmp_path / "p").close()
    _write_lock(tmp_path / "p", pid=4242, host="elsewhere", time="2026-01-01", user="bob")
    c = Curation.open(rel, tmp_path / "p")
    assert c.read_only and "bob" in c.read_only_reason and "elsewhere" in c.read_only_reason
    c.close()
    assert read_lock(tmp_path / "p" / LOCK_FILE).host == "elsewhere"  # not ours to remove
    break_lock(tmp_path / "p")
    c = Curation.open(rel, tmp_path / "p")
    assert not c.read_only
    c.close()


def test_empty_lock_is_busy_while_fresh_and_stale_when_old(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / LOCK_FILE).write_bytes(b"")
    assert acquire_lock(folder)[0] is False
    old = time.time() - 60
    os.utime(folder / LOCK_FILE, (old, old))
    assert acquire_lock(folder)[0] is True


HOLDER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from app.core.load.loader import load_release
    from app.core.store.curation import Curation
    c = Curation.open(load_release({release!r}), {project!r}, author="child")
    print("ro" if c.read_only else "rw", flush=True)
    sys.stdin.read()
""")


def test_two_processes_one_writer_and_stale_recovery(tmp_path):
    release = make_tree(tmp_path)
    rel = load(release)
    script = HOLDER.format(root=str(ROOT), release=str(release), project=str(tmp_path / "p"))
    child = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "rw"
        mine = Curation.open(rel, tmp_path / "p")
        assert mine.read_only and mine.lock_holder.pid == child.pid
        assert f"process {child.pid}" in mine.read_only_reason
        mine.close()
        child.send_signal(signal.SIGKILL)  # dies holding the lock
        child.wait(10)
        assert read_lock(tmp_path / "p" / LOCK_FILE).pid == child.pid
        mine = Curation.open(rel, tmp_path / "p")
        assert not mine.read_only
        mine.apply(Reject(rel.frame["rid"].to_list()[:1], "x"))
        second = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True)
        assert second.stdout.readline().strip() == "ro"  # now we hold it
        _finish(second)
        mine.close()
    finally:
        _finish(child)


RACER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from pathlib import Path
    from app.core.store.project import acquire_lock
    while time.time() < {start}:
        time.sleep(0.001)
    ok, _ = acquire_lock(Path({folder!r}))
    print("won" if ok else "lost", flush=True)
    sys.stdin.read()
""")


def test_racing_recoveries_of_one_stale_lock_have_one_winner(tmp_path):
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    _write_lock(tmp_path / "p", pid=int(done.stdout), host=socket.gethostname(), time="then")
    script = RACER.format(root=str(ROOT), folder=str(tmp_path / "p"), start=time.time() + 1.5)
    procs = [subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
             for _ in range(4)]
    try:
        results = [p.stdout.readline().strip() for p in procs]
        assert sorted(results) == ["lost", "lost", "lost", "won"]
    finally:
        for p in procs:
            _finish(p)


def test_changed_base_is_reported_row_by_row(tmp_path):
    release = make_tree(tmp_path)
    rel = load(release)
    rids = rel.frame["rid"].to_list()
    c = Curation.open(rel, tmp_path / "p")
    c.apply(EditField([rids[0]], "output", "改"))
    c.apply(Reject([rids[1]], "重复"))
    c.save_version("v1")
    c.close()
    # a new release: the first row's text changed, the rest is the same
    a = release / "alpha" / "a.jsonl"
    a.write_bytes(a.read_bytes().replace("Hello".encode(), "Hi there".encode(), 1))
    new = load(release)
    c = Curation.open(new, tmp_path / "p")
    assert c.base_changed and any("release changed" in n for n in c.notices)
    assert c.base_check.matching == [rids[1]]
    assert [(s[0], s[1], s[2]) for s in c.base_check.stale] == [(rids[0], "alpha/a.jsonl", 1)]
    assert "other content" in c.base_check.stale[0][3]
    check = c.check_against_base(1)
    assert check.matching == [rids[1]] and len(check.stale) == 1
    # the stale edit is not laid on the new row; the matching reject still is
    frame = c.current_frame()
    assert frame["output"][0] == "Hi there" and frame["status"][1] == "rejected"
    c.close()


def test_read_only_open_needs_an_existing_project(tmp_path):
    rel = load(make_tree(tmp_path))
    with pytest.raises(Exception, match="not a curation project"):
        Project.open(tmp_path / "nothing", rel.identity(), read_only=True)
