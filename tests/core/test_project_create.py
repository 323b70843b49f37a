"""Creating a project is atomic and recoverable: a crash's leftovers never turn
``<release>.curation`` into "not a curation project", two processes creating it at once
end with one project (one writes, the other reads), and every project has an id."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest

from app.core.store.curation import Curation
from app.core.curate.edits import Reject
from app.core.store.project import PROJECT_FILE

from tests.reliability import rounds as scaled

from .curation_support import load, make_tree
from .store_support import child, finish

pytestmark = pytest.mark.reliability("check")


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


@pytest.mark.reliability("tamper", "a creator's crash leftover (a temp file, no project.json) never diverts the "
                                   "project")
def test_a_crash_while_creating_leaves_nothing_that_diverts_the_project(tmp_path, monkeypatch):
    """What a creator killed mid-write leaves: the folder and its temp file, no project.json."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    rel = load(make_tree(tmp_path))
    folder = tmp_path / "release.curation"
    folder.mkdir()
    (folder / f".{PROJECT_FILE}.tmp-{_dead_pid()}").write_bytes(b'{"format": "cqia-cura')
    c = Curation.open(rel)
    try:
        assert c.project.folder == folder and not c.notices and not c.read_only
        assert json.loads((folder / PROJECT_FILE).read_text())["base"] == rel.identity()
        assert not (tmp_path / "data").exists()  # no fallback project
        c.apply(Reject(rel.frame["rid"].to_list()[:1], "x"))
    finally:
        c.close()
    assert [p.name for p in folder.iterdir() if ".tmp-" in p.name] == []  # the writer swept it


@pytest.mark.reliability("check", "every project gets an id; an old one on its first writable open")
def test_every_project_gets_an_id_and_an_old_one_gets_it_on_its_first_writable_open(tmp_path):
    rel = load(make_tree(tmp_path))
    with Curation.open(rel, tmp_path / "a") as a, Curation.open(rel, tmp_path / "b") as b:
        ids = a.project.meta["id"], b.project.meta["id"]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids) and ids[0] != ids[1]
    assert json.loads((tmp_path / "a" / PROJECT_FILE).read_text())["id"] == ids[0]
    # a project made before ids existed
    meta = json.loads((tmp_path / "a" / PROJECT_FILE).read_text())
    del meta["id"]
    (tmp_path / "a" / PROJECT_FILE).write_text(json.dumps(meta))
    with Curation.open(rel, tmp_path / "a", read_only=True) as ro:
        assert "id" not in json.loads((tmp_path / "a" / PROJECT_FILE).read_text())  # readers never write
    with Curation.open(rel, tmp_path / "a") as rw:
        new = json.loads((tmp_path / "a" / PROJECT_FILE).read_text())
        assert re.fullmatch(r"[0-9a-f]{32}", new["id"]) and rw.project.meta["id"] == new["id"]
        assert {k: v for k, v in new.items() if k != "id"} == meta  # the rest is as it was
    with Curation.open(rel, tmp_path / "a") as again:
        assert again.project.meta["id"] == new["id"]


CREATOR = """
    import sys, time
    sys.path.insert(0, {root!r})
    from app.core.store.curation import Curation
    from app.core.load.loader import load_release
    releases = [load_release(p) for p in {releases!r}]
    print("ready", flush=True)
    for i, rel in enumerate(releases):
        start = float(sys.stdin.readline())  # the same moment for both creators
        while time.time() < start:
            time.sleep(0.0005)
        c = Curation.open(rel, author="{who}")
        print(i, "ro" if c.read_only else "rw", c.project.meta["id"], c.project.folder, flush=True)
        sys.stdin.readline()  # kept open until the other process has opened it too: it must find the lock taken
        c.close()
"""


def _tell(procs, text: str) -> None:
    for p in procs:
        p.stdin.write(text + "\n")
        p.stdin.flush()


@pytest.mark.reliability("race", "two processes creating one project at once: one project, one writer, one reader, "
                                 "the same id; no fallback project")
def test_two_processes_creating_at_once_share_one_project(tmp_path, tally):
    rounds = scaled(30)
    releases = [str(make_tree(tmp_path / f"r{i}")) for i in range(rounds)]
    env = {"XDG_DATA_HOME": str(tmp_path / "data")}
    procs = [child(CREATOR, env=env, releases=releases, who=who) for who in ("ann", "bob")]
    seen = [[], []]
    try:
        ready = [p.stdout.readline().strip() for p in procs]  # both loaded: no guessed delay
        assert ready == ["ready", "ready"], [finish(p) for p in procs]
        for i in range(rounds):
            _tell(procs, repr(time.time() + 0.05))
            for k, p in enumerate(procs):
                seen[k].append(p.stdout.readline().strip().split(maxsplit=3))
            if not (seen[0][-1] and seen[1][-1]):
                break  # a child died: its stderr says why, below
            _tell(procs, "close")
            tally.add(rounds=1, races=1)
    finally:
        errs = [finish(p) for p in procs]
    assert all(len(line) == 4 for lines in seen for line in lines), errs
    for i in range(rounds):
        (ia, ma, ida, fa), (ib, mb, idb, fb) = seen[0][i], seen[1][i]
        assert int(ia) == int(ib) == i
        assert fa == fb == str(tmp_path / f"r{i}" / "release.curation"), f"round {i}: {fa} / {fb}"
        assert sorted([ma, mb]) == ["ro", "rw"] and ida == idb, f"round {i}"
    assert not (tmp_path / "data").exists()
