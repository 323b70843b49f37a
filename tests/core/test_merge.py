"""Three-way merge: clean merges, every conflict kind, resolutions, common ancestors
through copies and merges, idempotence, the merge manifest, and the merge CLI."""
from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.io import atomic
from app.core.io.atomic import SaveError
from app.core.store.curation import Curation
from app.core.curate.edits import Accept, EditField, Reject, Restore, SetLabels
from app.core.team.lineage import open_version, version_id
from app.core.team.merge import (STATUS, Decision, MergeError, MergePlan, commit_merge, merge_overlays, parse_labels,
                            plan_merge, resolve, resolve_all)
from app.core.curate.overlay import BaseLookup, Overlay, make_state
from app.core.load.schema import rid_hex

from .curation_support import content, load, make_file, make_tree

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def rel(tmp_path):
    return load(make_tree(tmp_path))


@pytest.fixture()
def rids(rel):
    return rel.frame["rid"].to_list()


@pytest.fixture()
def ann(rel, tmp_path):
    c = Curation.open(rel, tmp_path / "ann", author="ann")
    yield c
    c.close()


@pytest.fixture()
def bob(rel, tmp_path):
    c = Curation.open(rel, tmp_path / "bob", author="bob")
    yield c
    c.close()


def theirs_dir(c: Curation) -> Path:
    return c.project.folder


def manifest(c: Curation, n: int) -> dict:
    return json.loads((c.store.folder / f"v{n:04d}.json").read_text(encoding="utf-8"))


def version_files(c: Curation) -> list[str]:
    return sorted(p.name for p in c.store.folder.iterdir())


def clone(src: Curation, rel, folder: Path, author: str) -> Curation:
    """A second curator starting from a copy of ``src``'s project (same version ids)."""
    (folder / "versions").mkdir(parents=True)
    for p in src.store.folder.iterdir():
        shutil.copy2(p, folder / "versions" / p.name)
    c = Curation.open(rel, folder, author=author)
    c.revert_to_version(c.last_version)
    return c


# ---- clean merges ---------------------------------------------------------------------

def test_different_rows_merge_automatically_and_record_both_parents(ann, bob, rids):
    ann.apply(EditField([rids[0]], "output", "安的回答"))
    ann.save_version("ann 1")
    bob.apply(Reject([rids[3]], "低质量"))
    bob.apply(Accept([rids[4]]))
    bob_v = bob.save_version("bob 1")
    plan = plan_merge(ann, theirs_dir(bob))
    assert plan.conflicts == [] and set(plan.auto) == {rids[3], rids[4]} and plan.base is None
    info = commit_merge(ann, plan)
    assert info.number == 2 and info.parents == (1,)
    assert content(ann.overlay) == {
        rids[0]: (None, None, {"output": "安的回答"}), rids[3]: ("rejected", "低质量", {}), rids[4]: ("accepted", None, {})}
    m = manifest(ann, 2)["merge"]
    assert m["theirs"]["project"] == str(bob.project.folder) and m["theirs"]["author"] == "bob"
    assert m["theirs"]["version"] == bob_v.number and m["theirs"]["id"] == version_id(manifest(bob, 1))
    assert m["mine"] == {"version": 1, "id": version_id(manifest(ann, 1)), "author": "ann"}
    assert m["base"] is None and m["resolutions"] == [] and m["auto"] == 2
    lines = [json.loads(x) for x in (ann.store.folder / "v0002.jsonl").read_text(encoding="utf-8").splitlines()]
    authors = {x["rid"]: x["author"] for x in lines}
    assert authors == {rid_hex(rids[0]): "ann", rid_hex(rids[3]): "bob", rid_hex(rids[4]): "bob"}  # who did what


def test_same_row_different_fields_merge(ann, bob, rel, rids):
    ann.apply(EditField([rids[1]], "output", "安改输出"))
    ann.apply(SetLabels([rids[1]], "task_minor", ["诗"]))
    ann.save_version("a")
    bob.apply(EditField([rids[1]], "input", "主题：冬"))
    bob.apply(SetLabels([rids[1]], "domain", ["诗词"]))
    bob.apply(Accept([rids[1]]))
    bob.save_version("b")
    plan = plan_merge(ann, theirs_dir(bob))
    assert plan.conflicts == []
    commit_merge(ann, plan)
    state = ann.overlay[rids[1]]
    assert state.decision == "accepted"
    assert dict(state.fields) == {"output": "安改输出", "input": "主题：冬", "task_minor": ("诗",), "domain": ("诗词",)}
    assert state.by == "ann"  # a combined row is the merger's
    frame = ann.current_frame().filter(ann.current_frame()["rid"] == rids[1])
    assert frame["input"][0] == "主题：冬" and frame["domain"][0].to_list() == ["诗词"]


def test_the_same_change_on_both_sides_is_no_conflict(ann, bob, rids):
    for c in (ann, bob):
        c.apply(EditField([rids[0]], "output", "一样"))
        c.apply(Reject([rids[2]], "重复"))
        c.apply(SetLabels([rids[3]], "domain", ["甲", "乙"]))
        c.save_version("same")
    plan = plan_merge(ann, theirs_dir(bob))
    assert plan.conflicts == [] and plan.auto == {} and plan.nothing_to_merge
    assert commit_merge(ann, plan) is None and version_files(ann) == ["v0001.json", "v0001.jsonl"]


# ---- conflicts ------------------------------------------------------------------------

def _conflict_of(ann, bob, rids, mine_cmds, theirs_cmds):
    for c, cmds in ((ann, mine_cmds), (bob, theirs_cmds)):
        for cmd in cmds:
            c.apply(cmd)
        c.save_version("x")
    plan = plan_merge(ann, theirs_dir(bob))
    assert len(plan.conflicts) == 1, plan.conflicts
    return plan, plan.conflicts[0]


def test_same_field_different_values(ann, bob, rel, rids):
    plan, c = _conflict_of(ann, bob, rids, [EditField([rids[1]], "output", "秋风起兮白云飞")],
                           [EditField([rids[1]], "output", "秋风起兮黄叶飞")])
    assert (c.kind, c.field, c.mine, c.theirs) == ("field", "output", "秋风起兮白云飞", "秋风起兮黄叶飞")
    assert c.base == c.original == rel.frame["output"][1] and (c.file, c.line) == ("alpha/a.jsonl", 2)
    assert c.choices == ("mine", "theirs", "both", "edit")
    assert resolve(c, "both").value == "秋风起兮白云飞\n秋风起兮黄叶飞"
    commit_merge(ann, plan, [resolve(c, "edit", "秋风起兮落叶飞")])
    assert ann.overlay[rids[1]].fields["output"] == "秋风起兮落叶飞"
    res = manifest(ann, 2)["merge"]["resolutions"]
    assert res == [{"rid": rid_hex(rids[1]), "file": "alpha/a.jsonl", "line": 2, "field": "output", "choice": "edit",
                    "value": "秋风起兮落叶飞"}]


def test_mine_reverted_against_their_edit_shows_the_release_value(ann, bob, rel, rids):
    ann.apply(EditField([rids[0]], "output", "v1"))
    ann.save_version("1")
    bob_c = clone(ann, rel, Path(ann.project.folder).parent / "bob2", "bob")
    try:
        ann.apply(EditField([rids[0]], "output", rel.frame["output"][0]))  # back to the release: no edit
        ann.save_version("2")
        bob_c.apply(EditField([rids[0]], "output", "v2"))
        bob_c.save_version("2b")
        plan = plan_merge(ann, bob_c.project.folder)
        (c,) = plan.conflicts
        assert (c.base, c.mine, c.theirs) == ("v1", rel.frame["output"][0], "v2")
        commit_merge(ann, plan, [resolve(c, "mine")])
        assert rids[0] not in ann.overlay  # choosing the release's value leaves no edit
    finally:
        bob_c.close()


@pytest.mark.parametrize("mine_rejects", [True, False])
def test_edit_against_reject(ann, bob, rids, mine_rejects):
    reject, edit = [Reject([rids[2]], "事实错误")], [EditField([rids[2]], "output", "3")]
    plan, c = _conflict_of(ann, bob, rids, reject if mine_rejects else edit, edit if mine_rejects else reject)
    assert (c.kind, c.field) == ("edit_reject", STATUS) and c.choices == ("mine", "theirs")
    rejecting, editing = (c.mine, c.theirs) if mine_rejects else (c.theirs, c.mine)
    assert rejecting == Decision("rejected", "事实错误") and editing == Decision(None, None)
    assert (c.theirs_edits if mine_rejects else c.mine_edits) == ("output",)
    assert "edited output" in c.display("theirs" if mine_rejects else "mine")
    with pytest.raises(ValueError):
        resolve(c, "both")
    with pytest.raises(ValueError):
        resolve(c, "edit", "x")
    commit_merge(ann, plan, resolve_all(plan, "theirs"))
    state = ann.overlay[rids[2]]
    assert state.decision == (None if mine_rejects else "rejected")
    assert state.fields["output"] == "3"  # the edit merges either way; the choice is keep or drop


def test_reject_against_accept(ann, bob, rids):
    plan, c = _conflict_of(ann, bob, rids, [Reject([rids[3]], "低质量")], [Accept([rids[3]])])
    assert (c.kind, c.field, c.mine, c.theirs) == ("decision", STATUS, Decision("rejected", "低质量"), Decision("accepted"))
    assert c.choices == ("mine", "theirs")
    commit_merge(ann, plan, resolve_all(plan, "theirs"))
    assert ann.overlay[rids[3]].decision == "accepted"
    assert manifest(ann, 2)["merge"]["resolutions"][0]["value"] == {"decision": "accepted", "reason": None}


def test_two_rejects_with_different_reasons(ann, bob, rids):
    plan, c = _conflict_of(ann, bob, rids, [Reject([rids[4]], "重复")], [Reject([rids[4]], "低质量")])
    assert c.kind == "decision" and c.choices == ("mine", "theirs", "both")
    assert c.display("mine") == "rejected: 重复"
    commit_merge(ann, plan, [resolve(c, "both")])
    assert (ann.overlay[rids[4]].decision, ann.overlay[rids[4]].reason) == ("rejected", "重复; 低质量")


def test_label_lists_compare_as_lists(ann, bob, rids):
    plan, c = _conflict_of(ann, bob, rids, [SetLabels([rids[0]], "domain", ["翻译", "通用"])],
                           [SetLabels([rids[0]], "domain", ["通用", "翻译"])])  # same labels, other order
    assert (c.kind, c.field, c.mine, c.theirs) == ("labels", "domain", ("翻译", "通用"), ("通用", "翻译"))
    assert c.display("mine") == "翻译、通用"
    assert resolve(c, "both").value == ("翻译", "通用")
    assert resolve(c, "edit", "甲，乙、 甲\n丙").value == ("甲", "乙", "丙")
    commit_merge(ann, plan, [resolve(c, "edit", "甲、乙")])
    assert ann.overlay[rids[0]].fields["domain"] == ("甲", "乙")


def test_several_conflicts_in_one_row_and_partial_keeps_the_rest(ann, bob, rids):
    ann.apply(EditField([rids[1]], "output", "A"))
    ann.apply(EditField([rids[1]], "instruction", "A指令"))
    ann.apply(Reject([rids[1]], "重复"))
    ann.save_version("a")
    bob.apply(EditField([rids[1]], "output", "B"))
    bob.apply(EditField([rids[1]], "input", "B输入"))
    bob.apply(Accept([rids[1]]))
    bob.save_version("b")
    plan = plan_merge(ann, theirs_dir(bob))
    assert [(c.field, c.kind) for c in plan.conflicts] == [(STATUS, "decision"), ("output", "field")]
    with pytest.raises(MergeError, match="not resolved"):
        commit_merge(ann, plan, [resolve(plan.conflicts[0], "mine")])
    assert version_files(ann) == ["v0001.json", "v0001.jsonl"]
    commit_merge(ann, plan, [resolve(plan.conflicts[0], "theirs"), resolve(plan.conflicts[1], "mine")])
    s = ann.overlay[rids[1]]
    assert (s.decision, dict(s.fields)) == ("accepted", {"output": "A", "instruction": "A指令", "input": "B输入"})


# ---- ancestry, merge of a merge, idempotence --------------------------------------------

def test_common_ancestor_of_a_copied_project(ann, rel, rids, tmp_path):
    ann.apply(EditField([rids[0]], "output", "共同"))
    ann.save_version("shared")
    bob = clone(ann, rel, tmp_path / "bob_copy", "bob")
    try:
        ann.apply(EditField([rids[0]], "output", "安的新版"))  # only ann changes row 0 after the copy
        ann.save_version("a2")
        bob.apply(Reject([rids[5]], "重复"))
        bob.save_version("b2")
        plan = plan_merge(ann, bob.project.folder)
        assert plan.base is not None and plan.base.id == version_id(manifest(ann, 1))
        assert plan.conflicts == [] and set(plan.auto) == {rids[5]}  # against the release it would conflict
        commit_merge(ann, plan)
        assert ann.overlay[rids[0]].fields["output"] == "安的新版" and ann.overlay[rids[5]].decision == "rejected"
        assert manifest(ann, 3)["merge"]["base"]["id"] == version_id(manifest(ann, 1))
    finally:
        bob.close()


def test_merge_of_a_merge_and_idempotence(ann, bob, rids):
    ann.apply(EditField([rids[0]], "output", "安"))
    ann.save_version("a1")
    bob.apply(EditField([rids[0]], "output", "鲍"))
    bob.apply(Reject([rids[6]], "重复"))
    bob.save_version("b1")
    plan = plan_merge(ann, theirs_dir(bob))
    commit_merge(ann, plan, resolve_all(plan, "mine"))  # ann v2 = merge(ann v1, bob v1)
    before = content(ann.overlay)
    # merging the same version again changes nothing and writes nothing
    again = plan_merge(ann, theirs_dir(bob))
    assert again.up_to_date and again.nothing_to_merge and "already part" in again.summary()
    assert commit_merge(ann, again) is None
    assert content(ann.overlay) == before and ann.last_version == 2
    # bob goes on, then merges ann's merge: base is bob v1, so ann's choice simply wins
    bob.apply(Accept([rids[7]]))
    bob.save_version("b2")
    back = plan_merge(bob, ann.project.folder)
    assert back.base.project == bob.project.folder and back.base.number == 1
    assert back.conflicts == [] and set(back.auto) == {rids[0]}
    commit_merge(bob, back)  # bob v3 = merge(bob v2, ann v2)
    assert bob.overlay[rids[0]].fields["output"] == "安" and bob.overlay[rids[0]].by == "ann"
    # ann merges bob's merge of her merge: base is ann v2, only bob's later work comes in
    ann.apply(Reject([rids[8]], "其他"))
    ann.save_version("a3")
    third = plan_merge(ann, theirs_dir(bob))
    assert third.base.project == ann.project.folder and third.base.number == 2
    assert third.conflicts == [] and set(third.auto) == {rids[7]}
    commit_merge(ann, third)
    assert content(ann.overlay) == {**content(bob.overlay), rids[8]: ("rejected", "其他", {})}
    assert plan_merge(ann, theirs_dir(bob)).nothing_to_merge
    assert plan_merge(bob, ann.project.folder).auto == {rids[8]: ann.overlay[rids[8]]}


def test_conflicts_resolved_as_mine_still_record_a_version(ann, bob, rids):
    ann.apply(Reject([rids[1]], "重复"))
    ann.save_version("a")
    bob.apply(Accept([rids[1]]))
    bob.save_version("b")
    plan = plan_merge(ann, theirs_dir(bob))
    before = content(ann.overlay)
    info = commit_merge(ann, plan, resolve_all(plan, "mine"))
    assert info.number == 2 and content(ann.overlay) == before  # content unchanged, decision recorded
    assert plan_merge(ann, theirs_dir(bob)).nothing_to_merge  # and not asked again


def test_fast_forward_and_merge_from_a_version_file(ann, bob, rel, rids, tmp_path):
    ann.apply(EditField([rids[0]], "output", "起点"))
    ann.save_version("1")
    bob = clone(ann, rel, tmp_path / "ff", "bob")
    try:
        bob.apply(Restore([rids[0]]))
        bob.apply(Accept([rids[1]]))
        bob.save_version("2")
        plan = plan_merge(ann, bob.store.folder / "v0002.jsonl")
        assert plan.theirs.number == 2 and plan.base.number == 1 and plan.conflicts == []
        commit_merge(ann, plan)
        assert content(ann.overlay) == content(bob.overlay)
    finally:
        bob.close()


def test_undo_and_reopen_after_a_merge(ann, bob, rel, rids, tmp_path):
    ann.apply(EditField([rids[0]], "output", "安"))
    ann.save_version("a")
    bob.apply(Reject([rids[3]], "低质量"))
    bob.save_version("b")
    commit_merge(ann, plan_merge(ann, theirs_dir(bob)))
    merged = content(ann.overlay)
    ann.close()
    again = Curation.open(rel, tmp_path / "ann", author="ann")
    try:
        assert content(again.overlay) == merged and not again.dirty
        assert again.overlay[rids[3]].by == "bob"  # the journal keeps who did it
        assert again.undo_label.startswith("Merge bob's v0001")
        again.undo()
        assert content(again.overlay) == {rids[0]: (None, None, {"output": "安"})}
    finally:
        again.close()


def test_errors(ann, bob, rids, tmp_path):
    with pytest.raises(MergeError, match="no saved version"):
        plan_merge(ann, theirs_dir(bob))
    with pytest.raises(MergeError, match="not found"):
        plan_merge(ann, tmp_path / "nowhere")
    bob.apply(Accept([rids[0]]))
    bob.save_version("b")
    with pytest.raises(MergeError, match="not a version file"):
        plan_merge(ann, bob.project.folder / "journal.jsonl")
    plan = plan_merge(ann, theirs_dir(bob))
    ann.apply(Accept([rids[1]]))  # the project changed after the plan was made
    with pytest.raises(MergeError, match="changed since"):
        commit_merge(ann, plan)
    assert ann.versions() == []


def test_a_failed_save_leaves_the_project_as_it_was(ann, bob, rids, monkeypatch):
    ann.apply(EditField([rids[0]], "output", "安"))
    ann.save_version("a")
    bob.apply(Reject([rids[3]], "低质量"))
    bob.save_version("b")
    plan = plan_merge(ann, theirs_dir(bob))
    before, files = content(ann.overlay), version_files(ann)
    real = atomic.write_all

    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic, "write_all", full)
    with pytest.raises(SaveError, match="disk is full"):
        commit_merge(ann, plan)
    assert content(ann.overlay) == before and version_files(ann) == files and ann.last_version == 1
    monkeypatch.setattr(atomic, "write_all", real)
    assert commit_merge(ann, plan).number == 2  # and it can simply be tried again
    assert ann.overlay[rids[3]].decision == "rejected"


def test_another_release_is_refused(ann, tmp_path):
    other = load(make_file(tmp_path / "other"))  # the same rows, but other files
    with Curation.open(other, tmp_path / "eve", author="eve") as eve:
        eve.apply(Accept([other.frame["rid"][0]]))
        eve.save_version("e")
    with pytest.raises(MergeError, match="another release"):
        plan_merge(ann, tmp_path / "eve")


def test_open_version_forms(bob, rids):
    bob.apply(Accept([rids[0]]))
    bob.save_version("1")
    bob.apply(Accept([rids[1]]))
    bob.save_version("2")
    folder = bob.project.folder
    assert open_version(folder).number == 2
    assert open_version(folder / "project.json").number == 2
    assert open_version(folder / "versions").number == 2
    assert open_version(folder / "versions" / "v0001.jsonl").number == 1
    assert open_version(folder / "versions" / "v0001.json").number == 1
    assert open_version(folder, 1).author == "bob"


def test_parse_labels():
    assert parse_labels(" a, b，c、a\n\n d；e ") == ("a", "b", "c", "d", "e")
    assert parse_labels("") == ()


# ---- a property: merging is symmetric, and one-sided changes are taken as they are ----

_STATES = st.builds(
    lambda d, r, out, dom: make_state(d, r if d == "rejected" else None,
                                      {k: v for k, v in (("output", out), ("domain", dom)) if v is not None}),
    st.sampled_from([None, "accepted", "rejected"]), st.sampled_from([None, "重复", "低质量"]),
    st.sampled_from([None, "甲", "乙"]), st.sampled_from([None, ("x",), ("y",), ("x", "y"), ("y", "x")]))


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    rel = load(make_tree(tmp_path_factory.mktemp("prop")))
    return BaseLookup(rel.frame), rel.frame["rid"].to_list()[:3]


def _final(lookup, b, m, t, prefer):
    auto, partial, conflicts = merge_overlays(b, m, t, lookup)
    plan = MergePlan(None, None, None, m, auto, partial, conflicts)
    return content(m.with_states(plan.states(resolve_all(plan, prefer) if conflicts else []))), conflicts


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(_STATES, _STATES, _STATES), min_size=3, max_size=3))
def test_merge_properties(small, triples):
    lookup, rids = small
    b, m, t = (Overlay({rid: tri[k] for rid, tri in zip(rids, triples)}) for k in range(3))
    mine_wins, conflicts = _final(lookup, b, m, t, "mine")
    theirs_wins, swapped = _final(lookup, b, t, m, "theirs")
    assert mine_wins == theirs_wins  # merge(b, m, t) prefer mine == merge(b, t, m) prefer theirs
    assert sorted(c.key for c in conflicts) == sorted(c.key for c in swapped)
    for side in (m, t):
        other = t if side is m else m
        one_sided, none = _final(lookup, b, b if side is t else side, b if side is m else side, "mine")
        assert none == [] and one_sided == content(side)
    same, none = _final(lookup, b, m, m, "theirs")
    assert none == [] and same == content(m)
    if not conflicts:  # every merged aspect is one a side actually has
        for rid in rids:
            got = mine_wins.get(rid, (None, None, {}))
            assert got[:2] in {content(x).get(rid, (None, None, {}))[:2] for x in (b, m, t)}


# ---- the CLI --------------------------------------------------------------------------

def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=PROJECT, capture_output=True, text=True)


@pytest.fixture()
def cli_inproc(capsys):
    """The same verbs in this process (a fresh `python -m app` costs over a second)."""
    from app.cli import main as cli_module

    def run(*args: str) -> subprocess.CompletedProcess:
        code = cli_module.main(list(args))
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)
    return run


def test_cli_merge_exit_codes_prefer_and_out(rel, rids, tmp_path, cli_inproc):
    release = str(tmp_path / "release")
    with Curation.open(rel, tmp_path / "ann", author="ann") as ann:
        ann.apply(EditField([rids[1]], "output", "安：秋"))
        ann.apply(Accept([rids[2]]))
        ann.save_version("a")
    with Curation.open(rel, tmp_path / "bob", author="bob") as bob:
        bob.apply(EditField([rids[1]], "output", "鲍：秋"))
        bob.apply(Reject([rids[3]], "重复"))
        bob.save_version("b")
    mine, theirs = str(tmp_path / "ann"), str(tmp_path / "bob")
    before = sorted(p.name for p in (tmp_path / "ann" / "versions").iterdir())
    r = cli("merge", release, "--project", mine, "--theirs", theirs)
    assert r.returncode == 1, r.stderr
    assert f"alpha/a.jsonl:2  {rid_hex(rids[1])}  output" in r.stdout
    assert 'mine:   "安：秋"' in r.stdout and 'theirs: "鲍：秋"' in r.stdout and "nothing was written" in r.stdout
    assert sorted(p.name for p in (tmp_path / "ann" / "versions").iterdir()) == before
    out = tmp_path / "merged"
    r = cli_inproc("merge", release, "--project", mine, "--theirs", theirs, "--out", str(out), "--prefer", "theirs")
    assert r.returncode == 0, r.stderr
    assert "saved v0002" in r.stdout
    assert sorted(p.name for p in (tmp_path / "ann" / "versions").iterdir()) == before  # MINE untouched
    m = json.loads((out / "versions" / "v0002.json").read_text(encoding="utf-8"))
    assert m["merge"]["resolutions"][0]["choice"] == "theirs" and m["merge"]["theirs"]["author"] == "bob"
    with Curation.open(rel, out, read_only=True) as merged:
        assert content(merged.overlay) == content(merged.load_version(2))
        assert content(merged.overlay) == {rids[1]: (None, None, {"output": "鲍：秋"}), rids[2]: ("accepted", None, {}),
                                           rids[3]: ("rejected", "重复", {})}
    r = cli_inproc("merge", release, "--project", mine, "--theirs", theirs, "--prefer", "mine")
    assert r.returncode == 0 and "saved v0002" in r.stdout, r.stdout + r.stderr
    r = cli_inproc("merge", release, "--project", mine, "--theirs", theirs)
    assert r.returncode == 0 and "Nothing to merge" in r.stdout, r.stdout + r.stderr
    assert sorted(p.name for p in (tmp_path / "ann" / "versions").iterdir())[-1] == "v0002.jsonl"
    r = cli_inproc("merge", release, "--project", mine, "--theirs", str(tmp_path / "nope"))
    assert r.returncode == 2 and r.stderr.startswith("error: ") and len(r.stderr.strip().splitlines()) == 1
    r = cli_inproc("merge", release, "--project", str(tmp_path / "release"), "--theirs", theirs)
    assert r.returncode == 2 and "not a curation project" in r.stderr
