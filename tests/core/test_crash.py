"""Never lose work: kill -9 mid-session, a full disk, a read-only folder, a project folder
deleted under the app."""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from app.core.io.atomic import SaveError
from app.core.store.curation import Curation, ReadOnlyError
from app.core.curate.edits import EditField, Reject, SetLabels

from tests.reliability import rounds

from .curation_support import content, content_digest, load, make_tree

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.reliability("fault")

CHILD = textwrap.dedent("""
    import random, sys
    sys.path.insert(0, {root!r})
    from app.core.store.curation import Curation
    from app.core.curate.edits import Accept, EditField, Reject, Restore, SetLabels, plan_change
    from app.core.load.loader import load_release
    from app.core.curate.overlay import BaseLookup
    from tests.core.curation_support import content_digest

    rel = load_release({release!r})
    c = Curation.open(rel, {project!r}, author="crash")
    base = BaseLookup(rel.frame)
    rng = random.Random({seed})
    rids = rel.frame["rid"].to_list()
    print("open", content_digest(c.overlay), flush=True)
    step = 0
    while True:
        step += 1
        if step % 20 == 0:
            print("saving", step, flush=True)
            n = c.save_version(f"step {{step}}").number  # a set-aside number is skipped
            print("saved", n, flush=True)
            continue
        roll = rng.random()
        if roll < 0.12 and c.can_undo:
            will, act = c.overlay.with_states(c.history.peek_undo().before), c.undo
        elif roll < 0.2 and c.can_redo:
            will, act = c.overlay.with_states(c.history.peek_redo().after), c.redo
        else:
            rows = rng.sample(rids, rng.randint(1, 3))
            cmd = rng.choice([
                EditField(rows, "output", "第%d步，😀\\n" % step + "长" * rng.randint(0, 3000)),
                Reject(rows, rng.choice(["重复", "低质量"])),
                Accept(rows), Restore(rows),
                SetLabels(rows, "domain", ["域%d" % rng.randint(0, 5)]),
            ])
            will = c.overlay.with_states(plan_change(cmd, c.overlay, base, author="crash", now="t").after)
            act = lambda cmd=cmd: c.apply(cmd)
        print("will", content_digest(will), flush=True)
        act()
        print("ack", content_digest(c.overlay), flush=True)
""")


def _complete_lines(text: str) -> list[list[str]]:
    """The child's whole output lines, split; a last line cut off by the kill (print may
    reach the pipe in more than one write) is not an acknowledgement and is dropped."""
    lines = text.split("\n")[:-1]  # the part after the last newline is unfinished
    return [line.split() for line in lines if line.strip()]


def _versions_whole(folder: Path) -> list[int]:
    """Every version file parses completely; returns the committed version numbers."""
    numbers = []
    for p in sorted([*folder.glob("v*.json"), *folder.glob("v*.jsonl")]):  # not set-aside *.incomplete files
        text = p.read_text(encoding="utf-8")
        if p.suffix == ".jsonl":
            [json.loads(line) for line in text.splitlines()]
        else:
            numbers.append(json.loads(text)["version"])
    return numbers


@pytest.mark.reliability("kill", "nothing acknowledged lost (replay gives the last acknowledged state or the one "
                                 "being written); every saved version whole")
def test_kill_minus_nine_loses_no_acknowledged_action(tmp_path, tally):
    release = make_tree(tmp_path)
    rel = load(release)
    project = tmp_path / "proj"
    rng = random.Random(4)
    expected_open = None
    acked_total = 0
    for round_ in range(rounds(7)):
        script = CHILD.format(root=str(ROOT), release=str(release), project=str(project), seed=round_)
        child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=str(ROOT))
        try:
            first = child.stdout.readline().split()
            assert first and first[0] == "open", first
            if expected_open is not None:
                assert first[1] == expected_open  # the child replayed what we saw
            seen, acked, wanted = [], 0, rng.randint(8, 40)
            while acked < wanted:  # a number of actions, not a time: a loaded machine only takes longer
                line = child.stdout.readline()
                assert line, "the child died on its own"
                seen.append(line.split())
                acked += seen[-1][0] == "ack"
            time.sleep(rng.uniform(0.0, 0.1))  # then a random moment of the actions and saves that follow
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(10)
        lines = seen + _complete_lines(child.stdout.read())
        child.stdout.close()
        steps = [l[0] for l in lines if l[0] in ("will", "ack", "saving", "saved")]
        acks = [i for i, l in enumerate(lines) if l[0] == "ack"]
        tally.add(rounds=1, kills=1, kills_mid_write=bool(steps) and steps[-1] in ("will", "saving"),
                  acknowledged=len(acks) + steps.count("saved"))
        last_ack = lines[acks[-1]][1] if acks else first[1]
        pending = [l[1] for l in lines[(acks[-1] + 1 if acks else 0):] if l[0] == "will"]
        saved = [int(l[1]) for l in lines if l[0] == "saved"]
        acked_total += len(acks)
        reopened = Curation.open(rel, project, read_only=True)
        got = content_digest(reopened.overlay)
        assert got == last_ack or got in pending, f"round {round_}: lost acknowledged work"
        committed = _versions_whole(project / "versions")
        assert set(saved) <= set(committed)
        for n in committed:
            reopened.load_version(n)  # manifest and data agree
        reopened.close()
        expected_open = got
    assert acked_total > rounds(50)  # the child really worked between kills


# ---- a full disk and a read-only folder (a tiny tmpfs; tests run as root) ----------------

@pytest.fixture()
def tmpfs(tmp_path):
    point = tmp_path / f"mnt-{uuid.uuid4().hex[:6]}"
    point.mkdir()
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(point)], capture_output=True)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {res.stderr.decode().strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


@pytest.mark.reliability("fault", "a full disk: the failed edit and save change nothing in memory or on disk; the "
                                  "journal holds exactly the acknowledged work")
def test_disk_full_keeps_memory_and_disk_consistent(tmp_path, tmpfs):
    rel = load(make_tree(tmp_path))
    rids = rel.frame["rid"].to_list()
    c = Curation.open(rel, tmpfs / "proj")
    c.apply(Reject(rids[:2], "重复"))
    c.save_version("small")
    with pytest.raises(SaveError, match="disk is full"):
        for i in range(200):  # each edit journals ~30 KB: the 256 KB disk fills up
            state = content(c.overlay)
            c.apply(EditField([rids[i % 9]], "output", f"{i}" + "满" * 10000))
    assert content(c.overlay) == state  # the failed edit never happened
    with pytest.raises(SaveError, match="disk is full"):
        c.save_version("too big")
    assert c.last_version == 1 and sorted(os.listdir(tmpfs / "proj" / "versions")) == ["v0001.json", "v0001.jsonl"]
    on_disk = Curation.open(rel, tmpfs / "proj", read_only=True)
    assert content(on_disk.overlay) == state  # the journal holds exactly the acknowledged work
    on_disk.close()
    c.move_to(tmp_path / "elsewhere")  # the curator saves elsewhere: nothing lost
    info = c.save_version("moved")
    assert info.number == 2 and content(c.load_version(2)) == state
    c.close()


@pytest.mark.reliability("fault", "a read-only disk: the project opens read-only with its state; a new one falls "
                                  "back to the data folder")
def test_read_only_folders(tmp_path, tmpfs, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    release = make_tree(tmpfs)
    rel = load(release)
    c = Curation.open(rel, tmpfs / "proj")
    c.apply(Reject(rel.frame["rid"].to_list()[:1], "x"))
    c.close()
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    # an existing project on a read-only disk opens read-only, with the state and a reason
    c = Curation.open(rel, tmpfs / "proj")
    assert c.read_only and "read-only" in c.read_only_reason and len(c.overlay) == 1
    with pytest.raises(ReadOnlyError):
        c.apply(Reject(rel.frame["rid"].to_list()[1:2], "y"))
    c.move_to(tmp_path / "writable")
    assert not c.read_only
    c.apply(Reject(rel.frame["rid"].to_list()[1:2], "y"))
    c.close()
    # a release on a read-only disk without a project: the default folder falls back
    shutil.rmtree(tmp_path / "writable")
    c = Curation.open(rel)
    assert not c.read_only and c.project.folder.is_relative_to(tmp_path / "data")
    assert any("read-only" in n for n in c.notices)
    c.close()


@pytest.mark.reliability("fault", "the project folder deleted under the app: writes refused, nothing lost in memory, "
                                  "saved elsewhere with its undo history")
def test_project_folder_deleted_under_the_app(tmp_path):
    rel = load(make_tree(tmp_path))
    rids = rel.frame["rid"].to_list()
    c = Curation.open(rel, tmp_path / "proj")
    c.apply(EditField([rids[0]], "output", "保存前"))
    c.save_version("v1")
    c.apply(SetLabels([rids[1]], "domain", ["甲"]))
    state, undo = content(c.overlay), c.undo_label
    shutil.rmtree(tmp_path / "proj")
    with pytest.raises(SaveError):
        c.apply(Reject(rids[2:3], "x"))
    with pytest.raises(SaveError) as info:
        c.save_version("v2")
    assert "proj" in str(info.value.path)
    assert content(c.overlay) == state and c.undo_label == undo and c.dirty
    c.move_to(tmp_path / "rescued")
    assert c.save_version("v2").number == 1  # the old versions went with the folder
    c.apply(Reject(rids[2:3], "x"))
    c.close()
    again = Curation.open(rel, tmp_path / "rescued")
    assert again.undo_label == "Reject 1 row: x" and len(again.overlay) == 3
    again.undo()
    assert content(again.overlay) == state and again.undo_label == undo
    again.close()


SAVER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from app.core.store.curation import Curation
    from app.core.curate.edits import EditField
    from app.core.load.loader import load_release

    rel = load_release({release!r})
    c = Curation.open(rel, {project!r}, author="crash")
    rids = rel.frame["rid"].to_list()
    step = 0
    print("open", c.last_version or 0, flush=True)
    while True:  # every version rewrites every row's long output: saves take a while
        step += 1
        c.apply(EditField(rids, "output", "第%d版：" % step + "长文本，😀\\n" * 40000))
        print("saving", step, flush=True)
        n = c.save_version("step %d" % step).number  # a set-aside number is skipped
        print("saved", n, flush=True)
""")


@pytest.mark.reliability("kill", "every version on disk whole, every acknowledged one there; the project reopens")
def test_kill_minus_nine_mid_save_never_leaves_a_half_version(tmp_path, tally):
    """SIGKILL a few milliseconds into save_version, again and again: every version on
    disk is whole (manifest last), every acknowledged one is there, and the project reopens."""
    release = make_tree(tmp_path)
    rel = load(release)
    project = tmp_path / "proj"
    rng = random.Random(11)
    mid_save, kills = 0, rounds(8)
    for round_ in range(kills):
        script = SAVER.format(root=str(ROOT), release=str(release), project=str(project))
        child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=str(ROOT))
        try:
            lines = [child.stdout.readline().split()]
            assert lines[0] and lines[0][0] == "open", lines
            while not lines[-1] or lines[-1][0] != "saving":
                lines.append(child.stdout.readline().split())
            time.sleep(rng.uniform(0.0, 0.03))
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(10)
        lines += _complete_lines(child.stdout.read())
        child.stdout.close()
        saving = [int(l[1]) for l in lines if l and l[0] == "saving"]
        saved = [int(l[1]) for l in lines if l and l[0] == "saved"]
        if len(saving) > len(saved):
            mid_save += 1
        tally.add(rounds=1, kills=1, kills_mid_write=len(saving) > len(saved), acknowledged=len(saved))
        committed = _versions_whole(project / "versions")
        assert set(saved) <= set(committed), f"round {round_}: an acknowledged version is missing"
        leftovers = [p.name for p in (project / "versions").iterdir() if p.suffix not in (".json", ".jsonl")]
        set_aside = [n for n in leftovers if n.endswith(".jsonl.incomplete")]  # a data file whose save was killed
        assert all(n.startswith(".") and ".tmp-" in n for n in leftovers if n not in set_aside), leftovers
        assert not {int(n[1:5]) for n in set_aside} & set(committed)  # its number was never taken again
        reopened = Curation.open(rel, project, read_only=True)
        assert reopened.last_version == (max(committed) if committed else None)
        for n in committed:
            reopened.load_version(n)  # manifest and data agree (the xxh3 check)
        reopened.close()
    writer = Curation.open(rel, project)  # the next writer sweeps the dead one's temp files
    assert not [p for p in (project / "versions").iterdir() if ".tmp-" in p.name]
    writer.close()
    assert mid_save >= rounds(3), f"only {mid_save} of {kills} kills landed inside a save: the test did not test"
