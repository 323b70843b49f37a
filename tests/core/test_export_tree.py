"""A tree export is atomic as a whole: a kill -9 at any moment leaves the previous tree or
the new one, never files of two exports side by side; the next export of the same target
removes what killed ones left behind (staging folders, an old tree, temp files)."""
from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.core.export import export_tree
from app.core.io.atomic import SaveError
from app.core.curate.edits import EditField
from app.core.export.exporter import ExportCancelled, ExportError, export_release
from app.core.load.loader import load_release
from app.core.curate.overlay import Overlay

from tests.reliability import rounds

from .curation_support import load, make_tree, tree_digest
from .export_support import make_big_tree, tagged_overlay
from .test_crash import tmpfs  # noqa: F401 - a fixture
from .test_edits import run

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.reliability("check")


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture()
def rel(tmp_path):
    return load(make_tree(tmp_path))


@pytest.mark.reliability("check", "a tree export replaces the whole folder")
def test_a_tree_export_replaces_the_whole_folder(rel, tmp_path):
    out = tmp_path / "out" / "tree"
    export_release(rel, None, out, layout="tree", fmt="parquet")
    res = export_release(rel, None, out, layout="tree")
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == ["alpha/a.jsonl", "beta/b.jsonl"]
    assert sorted(os.listdir(tmp_path / "out")) == ["tree"] and len(res.files) == 2


@pytest.mark.reliability("check", "a folder holding anything but an earlier export is never replaced")
def test_a_folder_holding_anything_else_is_not_replaced(rel, tmp_path):
    mine = tmp_path / "mine"
    (mine / "notes").mkdir(parents=True)
    (mine / "notes" / "todo.txt").write_text("mine")
    with pytest.raises(ExportError, match="todo.txt"):
        export_release(rel, None, mine, layout="tree")
    other = tmp_path / "datasets"
    (other / "alpha").mkdir(parents=True)
    (other / "alpha" / "other.jsonl").write_text("{}\n")  # JSONL, but no file of this release
    with pytest.raises(ExportError, match="other.jsonl"):
        export_release(rel, None, other, layout="tree")
    (other / "proj.curation").mkdir()
    (other / "alpha" / "other.jsonl").unlink()
    (other / "proj.curation" / "project.json").write_text('{"format": "cqia-curation-project/1"}')
    with pytest.raises(ExportError, match="curation project"):
        export_release(rel, None, other, layout="tree")
    assert (mine / "notes" / "todo.txt").read_text() == "mine" and (other / "proj.curation" / "project.json").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    export_release(rel, None, empty, layout="tree")  # an empty folder is fine


@pytest.mark.reliability("tamper", "leftovers of dead exports removed, a live one's kept")
def test_leftovers_of_dead_exports_are_removed_and_live_ones_kept(rel, tmp_path):
    out_dir = tmp_path / "out"
    export_release(rel, None, out_dir / "tree", layout="tree")
    dead, alive = dead_pid(), os.getppid()
    for name in (f".tree.export-{dead}-ab12", f".tree.aside-{dead}-cd34", f".tree.export-{alive}-ef56"):
        (out_dir / name / "alpha").mkdir(parents=True)
        (out_dir / name / "alpha" / "a.jsonl").write_bytes(b"{}\n")
    (out_dir / f".all.jsonl.tmp-{dead}").write_bytes(b"half")
    (out_dir / f".other.jsonl.tmp-{dead}").write_bytes(b"not this target's")
    export_release(rel, None, out_dir / "tree", layout="tree")
    assert sorted(os.listdir(out_dir)) == sorted([f".all.jsonl.tmp-{dead}", f".other.jsonl.tmp-{dead}",
                                                  f".tree.export-{alive}-ef56", "tree"])
    export_release(rel, None, out_dir / "all.jsonl")
    assert sorted(os.listdir(out_dir)) == sorted([f".other.jsonl.tmp-{dead}", f".tree.export-{alive}-ef56",
                                                  "all.jsonl", "tree"])


@pytest.mark.reliability("tamper", "an old tree a killed swap left aside is put back")
def test_an_old_tree_left_aside_is_put_back(rel, tmp_path):
    """The fallback swap (no RENAME_EXCHANGE) killed between its two renames: no out, the
    old tree aside, the new one staged. The next run puts the old tree back first."""
    out = tmp_path / "out" / "tree"
    export_release(rel, None, out, layout="tree")
    old = tree_digest(out)
    dead = dead_pid()
    os.rename(out, out.parent / f".tree.aside-{dead}-0a0a")
    (out.parent / f".tree.export-{dead}-0a0a" / "alpha").mkdir(parents=True)
    export_tree.sweep(out)
    assert tree_digest(out) == old and sorted(os.listdir(out.parent)) == ["tree"]


@pytest.mark.parametrize("layout", ["single", "tree"])
@pytest.mark.reliability("fault", "a cancelled export leaves the old export, nothing else")
def test_a_failed_or_cancelled_export_leaves_the_old_export(rel, tmp_path, layout):
    out = tmp_path / "out" / ("all.jsonl" if layout == "single" else "tree")
    export_release(rel, None, out, layout=layout)
    before = tree_digest(out.parent)
    calls = []
    with pytest.raises(ExportCancelled):
        export_release(rel, None, out, layout=layout, cancel=lambda: calls.append(1) or len(calls) > 2)
    assert tree_digest(out.parent) == before and sorted(os.listdir(out.parent)) == [out.name]


@pytest.mark.reliability("check", "the fallback swap gives the same tree")
def test_the_fallback_swap_gives_the_same_tree(rel, tmp_path, monkeypatch):
    export_release(rel, None, tmp_path / "a", layout="tree")
    monkeypatch.setattr(export_tree, "exchange", lambda a, b: False)
    export_release(rel, None, tmp_path / "b", layout="tree", fmt="parquet")
    export_release(rel, None, tmp_path / "b", layout="tree")
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b") and sorted(os.listdir(tmp_path)) == [
        "a", "b", "release"]


# ---- kill -9 at random moments ---------------------------------------------------------------

CHILD = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from app.core.export import export_tree
    from app.core.export.exporter import export_release
    from app.core.load.loader import load_release
    from tests.core.export_support import tagged_overlay

    if {fallback!r}:
        export_tree.exchange = lambda a, b: False
    rel = load_release({release!r})
    overlays = [tagged_overlay(rel, "甲"), tagged_overlay(rel, "乙")]
    n = {first}
    while True:
        print("start", n % 2, flush=True)
        export_release(rel, overlays[n % 2], {tree!r}, layout="tree")
        export_release(rel, overlays[n % 2], {single!r})
        print("done", n % 2, flush=True)
        n += 1
""")


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.reliability("kill", "the old tree or the new one, never files of both; the single file old or new; "
                                 "leftovers swept by the next export")
@pytest.mark.parametrize("fallback", [False, True], ids=["exchange", "rename-aside"])
def test_kill_minus_nine_leaves_the_old_tree_or_the_new_one(tmp_path, fallback, tally):
    release = make_big_tree(tmp_path / "release")
    rel = load_release(release)
    out = tmp_path / "out"
    tree, single = out / "tree", out / "all.jsonl"
    expected_tree, expected_single = [], []
    for k, tag in enumerate(["甲", "乙"]):  # the two exports the child alternates between
        export_release(rel, tagged_overlay(rel, tag), tmp_path / f"ref{k}", layout="tree")
        export_release(rel, tagged_overlay(rel, tag), tmp_path / f"ref{k}.jsonl")
        expected_tree.append(tree_digest(tmp_path / f"ref{k}"))
        expected_single.append(_file_digest(tmp_path / f"ref{k}.jsonl"))
    assert expected_tree[0] != expected_tree[1]
    export_release(rel, tagged_overlay(rel, "甲"), tree, layout="tree")  # the tree before the first kill
    export_release(rel, tagged_overlay(rel, "甲"), single)
    rng = random.Random(7 + fallback)
    mid_export, kills = 0, rounds(6)
    for round_ in range(kills):
        script = CHILD.format(root=str(ROOT), release=str(release), tree=str(tree), single=str(single),
                              fallback=fallback, first=round_)
        errors = tmp_path / f"child{round_}.err"
        with open(errors, "w") as err:
            child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=err, text=True,
                                     cwd=str(ROOT))
        try:
            starts, wanted = 0, rng.randint(1, 2)
            while starts < wanted:  # let it get going, then kill it a little later
                line = child.stdout.readline()
                assert line, f"the child died on its own: {errors.read_text()[-2000:]}"
                starts += line.startswith("start")
            sig_at = rng.uniform(0.0, 0.12)
            try:
                child.wait(sig_at)
            except subprocess.TimeoutExpired:
                pass
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(10)
        tail = child.stdout.read().split("\n")[:-1]
        child.stdout.close()
        mid_export += not (tail and tail[-1].startswith("done"))
        tally.add(rounds=1, kills=1, kills_mid_write=not (tail and tail[-1].startswith("done")))
        if fallback:  # the one moment without a tree: the next export's first step puts the old one back
            export_tree.sweep(tree)
        assert tree_digest(tree) in expected_tree, f"round {round_}: the tree mixes two exports"
        assert _file_digest(single) in expected_single, f"round {round_}: the single file is half written"
    export_release(rel, None, tree, layout="tree")
    export_release(rel, None, single)
    assert sorted(os.listdir(out)) == ["all.jsonl", "tree"], "leftovers of killed exports remain"
    assert not [p for p in tree.rglob("*") if p.name.startswith(".")]
    assert mid_export >= rounds(3), f"only {mid_export} of {kills} kills landed inside an export: the test did not test"


@pytest.mark.reliability("fault", "a full disk leaves the previous tree, nothing else")
def test_a_full_disk_leaves_the_previous_tree(rel, tmp_path, tmpfs):
    """The new tree does not fit: the previous one stays, and nothing else."""
    export_release(rel, None, tmpfs / "tree", layout="tree")
    before = tree_digest(tmpfs)
    huge, _ = run(rel, Overlay(), EditField([rel.frame["rid"][0]], "output", "满" * 100_000))  # 300 KB > the disk
    with pytest.raises(SaveError, match="disk is full"):
        export_release(rel, huge, tmpfs / "tree", layout="tree")
    assert tree_digest(tmpfs) == before and os.listdir(tmpfs) == ["tree"]
