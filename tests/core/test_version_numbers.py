"""Version numbers are never reused: a saved version's files are never overwritten, an
unreadable manifest stops the save, a data file a killed save left behind is set aside."""
from __future__ import annotations

import json
import os
import time

import pytest

from app.core.store.curation import Curation
from app.core.curate.edits import EditField, Reject
from app.core.store.versions import VersionError, VersionStore

from tests.reliability import rounds

from .curation_support import load, make_tree
from .store_support import child, finish, open_up, shared_dir, without_root

pytestmark = pytest.mark.reliability("check")


def _two_versions(rel, folder):
    rids = rel.frame["rid"].to_list()
    c = Curation.open(rel, folder, author="ann")
    c.apply(Reject(rids[:1], "一"))
    c.save_version("v1")
    c.apply(EditField([rids[2]], "output", "第二版"))
    c.save_version("v2")
    c.close()
    return rids


def _files(folder):
    return {p.name: p.read_bytes() if p.is_file() else "folder" for p in (folder / "versions").iterdir()}


@pytest.mark.reliability("tamper", "a damaged manifest stops the save with an error naming it; nothing written or "
                                   "overwritten")
@pytest.mark.parametrize("damage", ["garbage", "not an object", "no version key", "a folder"])
def test_a_damaged_manifest_stops_the_save_and_its_data_survives(tmp_path, damage):
    rel = load(make_tree(tmp_path))
    rids = _two_versions(rel, tmp_path / "p")
    manifest = tmp_path / "p" / "versions" / "v0002.json"
    if damage == "garbage":
        manifest.write_bytes(b'{"format": "cqia-curation-version/1", "vers')
    elif damage == "not an object":
        manifest.write_text("[2]")
    elif damage == "no version key":
        manifest.write_text(json.dumps({k: v for k, v in json.loads(manifest.read_text()).items() if k != "version"}))
    else:
        manifest.unlink()
        manifest.mkdir()  # unreadable even for root: reading it fails with EISDIR
    before = _files(tmp_path / "p")
    c = Curation.open(rel, tmp_path / "p")
    assert any("v0002.json" in w for w in c.warnings)  # the curator hears of it at once
    c.apply(Reject(rids[3:4], "三"))
    with pytest.raises(VersionError) as info:
        c.save_version("v3")
    message = str(info.value)
    assert "v0002.json" in message and "\n" not in message
    c.close()
    assert _files(tmp_path / "p") == before  # nothing written, nothing overwritten


@pytest.mark.reliability("fault", "a manifest at mode 000 stops the save, naming it; nothing written")
def test_a_manifest_at_mode_000_stops_the_save(tmp_path):
    with shared_dir() as top:
        rel = load(make_tree(top))
        rids = _two_versions(rel, top / "p")
        open_up(top)
        manifest = top / "p" / "versions" / "v0002.json"
        manifest.chmod(0)
        before = _files(top / "p")
        with without_root():
            c = Curation.open(rel, top / "p")
            try:
                assert not c.read_only, c.read_only_reason
                c.apply(Reject(rids[3:4], "三"))
                with pytest.raises(VersionError, match="v0002.json.*permission denied"):
                    c.save_version("v3")
            finally:
                c.close()
        assert _files(top / "p") == before


@pytest.mark.reliability("fault", "a versions folder at mode 000 is a clear error; nothing lost")
def test_a_versions_folder_at_mode_000_is_a_clear_error(tmp_path):
    with shared_dir() as top:
        rel = load(make_tree(top))
        rids = _two_versions(rel, top / "p")
        open_up(top)
        (top / "p" / "versions").chmod(0)
        with without_root():
            c = Curation.open(rel, top / "p")
            try:
                assert any("versions" in w and "permission denied" in w for w in c.warnings)
                c.apply(Reject(rids[3:4], "三"))
                for call in (lambda: c.save_version("v3"), c.versions, lambda: c.load_version(1)):
                    with pytest.raises(VersionError, match="versions.*permission denied"):
                        call()
            finally:
                c.close()
        (top / "p" / "versions").chmod(0o777)
        assert sorted(os.listdir(top / "p" / "versions")) == ["v0001.json", "v0001.jsonl", "v0002.json",
                                                               "v0002.jsonl"]


@pytest.mark.reliability("tamper", "a data file a killed save left is set aside, never overwritten; its number "
                                   "skipped")
def test_a_data_file_without_manifest_is_set_aside_never_overwritten(tmp_path):
    """What a save killed between its two files leaves: v0002.jsonl and no v0002.json."""
    rel = load(make_tree(tmp_path))
    rids = _two_versions(rel, tmp_path / "p")
    versions = tmp_path / "p" / "versions"
    orphan = (versions / "v0002.jsonl").read_bytes()
    (versions / "v0002.json").unlink()
    c = Curation.open(rel, tmp_path / "p")
    assert c.last_version == 1
    assert any("v0002.jsonl" in n for n in c.notices + c.warnings)
    kept = [p for p in versions.iterdir() if p.name.startswith("v0002.") and p.read_bytes() == orphan]
    assert kept and kept[0].name != "v0002.jsonl"  # set aside under another name, same bytes
    c.apply(Reject(rids[3:4], "三"))
    info = c.save_version("v3")
    assert info.number == 3 and info.parents == (1,)
    assert kept[0].read_bytes() == orphan
    c.close()


@pytest.mark.reliability("tamper", "version numbers go past every file of a number")
def test_numbers_go_past_every_file_of_a_number(tmp_path):
    rel = load(make_tree(tmp_path))
    versions = tmp_path / "p" / "versions"
    versions.mkdir(parents=True)
    (versions / "v0007.jsonl.incomplete").write_bytes(b"left by someone\n")
    with Curation.open(rel, tmp_path / "p") as c:
        c.apply(Reject(rel.frame["rid"].to_list()[:1], "x"))
        assert c.save_version("first here").number == 8
    assert (versions / "v0007.jsonl.incomplete").read_bytes() == b"left by someone\n"


SAVER = """
    import sys, time
    sys.path.insert(0, {root!r})
    from app.core.load.loader import load_release
    from app.core.curate.overlay import BaseLookup, Overlay, make_state
    from app.core.store.versions import VersionStore
    rel = load_release({release!r})
    base = BaseLookup(rel.frame)
    store = VersionStore({versions!r})
    rids = rel.frame["rid"].to_list()
    print("ready", flush=True)
    start = float(sys.stdin.readline())  # the same moment for both savers
    while time.time() < start:
        time.sleep(0.001)
    for i in range({n}):
        state = make_state("rejected", "{who}-%d" % i, {{}})
        info = store.save(Overlay({{rids[i % len(rids)]: state}}), base, message="{who} %d" % i, author="{who}",
                          time="t", identity={{}})
        print(info.number, flush=True)
"""


@pytest.mark.reliability("race", "two processes saving into one versions folder at once: no number shared, no "
                                 "version replaced, each manifest matches its data")
def test_concurrent_savers_never_share_a_number(tmp_path, tally):
    """Two processes saving into one versions folder at once (only possible when the lock
    was broken): each number is taken by exclusive create, so no version replaces another."""
    release = make_tree(tmp_path)
    versions = tmp_path / "p" / "versions"
    versions.mkdir(parents=True)
    n = rounds(25)
    procs = [child(SAVER, release=str(release), versions=str(versions), n=n, who=who) for who in ("ann", "bob")]
    ready = [p.stdout.readline().strip() for p in procs]  # both loaded: no guessed delay
    assert ready == ["ready", "ready"], [finish(p) for p in procs]
    start = time.time() + 0.05
    for p in procs:
        p.stdin.write(f"{start!r}\n")
        p.stdin.flush()
    outs = {}
    for who, proc in zip(("ann", "bob"), procs):
        out, err = proc.communicate(timeout=rounds(120))
        assert proc.returncode == 0, err
        outs[who] = [int(x) for x in out.split()]
    numbers = outs["ann"] + outs["bob"]
    tally.add(rounds=n, races=len(numbers))
    assert len(set(numbers)) == 2 * n  # every save got its own number
    store = VersionStore(versions)
    for who, got in outs.items():
        for i, number in enumerate(got):
            assert store.info(number).message == f"{who} {i}"
            [rec] = store.records(number)  # data and manifest of one save (the xxh3 check)
            assert rec["reason"] == f"{who}-{i}"


@pytest.mark.reliability("check", "moving into another project never overwrites it")
def test_moving_into_another_project_never_overwrites_it(tmp_path):
    from app.core.store.project import ProjectLocationError

    rel = load(make_tree(tmp_path))
    _two_versions(rel, tmp_path / "other")
    before = _files(tmp_path / "other")
    journal = (tmp_path / "other" / "journal.jsonl").read_bytes()
    with Curation.open(rel, tmp_path / "p") as c:
        c.apply(Reject(rel.frame["rid"].to_list()[5:6], "mine"))
        c.save_version("mine")
        with pytest.raises(ProjectLocationError, match="already holds"):
            c.move_to(tmp_path / "other")
        assert not c.read_only and c.project.folder == tmp_path / "p"  # still writing where it was
    assert _files(tmp_path / "other") == before
    assert (tmp_path / "other" / "journal.jsonl").read_bytes() == journal
