"""After a crash (issue 25, point 7): a project opened after its writer was killed says
how many actions it recovered since which version; a cleanly closed one says nothing."""
from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from app.core.curate.edits import Accept, Reject
from app.core.store.curation import Curation

from .curation_support import load, make_tree

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {root!r})
    from app.core.load.loader import load_release
    from app.core.store.curation import Curation
    from app.core.curate.edits import Accept, Reject
    rel = load_release({release!r})
    c = Curation.open(rel, {project!r}, author="k")
    rids = rel.frame["rid"].to_list()
    c.apply(Accept([rids[0]]))
    c.save_version("one")
    c.apply(Reject([rids[1]], "重复"))
    c.apply(Accept([rids[2]]))
    c.undo()
    c.apply(Accept([rids[3]]))
    print("ready", flush=True)
    sys.stdin.read()  # killed here, the project still open
""")


def test_a_killed_writer_is_said_recovered_with_its_count_and_version(tmp_path):
    release = make_tree(tmp_path)
    project = tmp_path / "proj"
    child = subprocess.Popen([sys.executable, "-c", CHILD.format(root=str(ROOT), release=str(release),
                                                                  project=str(project))],
                             stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True, cwd=str(ROOT))
    try:
        assert child.stdout.readline().split() == ["ready"]
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        child.stdout.close()
        child.stdin.close()
    rel = load(release)
    with Curation.open(rel, project, author="k") as c:
        # reject, accept, undo, accept: four actions journaled after version 1
        assert c.recovered == (4, 1)
    with Curation.open(rel, project, author="k") as c:  # closed cleanly the time before
        assert c.recovered is None


def test_a_clean_close_recovers_nothing(tmp_path):
    rel = load(make_tree(tmp_path))
    with Curation.open(rel, tmp_path / "p", author="k") as c:
        c.apply(Accept([rel.frame["rid"][0]]))
        c.apply(Reject([rel.frame["rid"][1]], "重复"))
    with Curation.open(rel, tmp_path / "p", author="k") as c:
        assert c.recovered is None and c.overlay.counts()["accepted"] == 1
