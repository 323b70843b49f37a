"""Gathering N curators' versions at once: automatic merges, conflicts with one value per
curator, resolutions, every contributor in the manifest, the assignment's starting
version as the common ancestor, idempotence, and agreement with the three-way merge
when there are two sides (hypothesis)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.curate.edits import Accept, EditField, Reject, SetLabels
from app.core.curate.overlay import EMPTY, Overlay, make_state
from app.core.load.schema import rid_hex
from app.core.store.curation import Curation
from app.core.team.gather import ALL, EDIT, MINE, n_way, resolve_gather, resolve_in_order
from app.core.team.gather_projects import commit_gather, gather_projects, plan_gather
from app.core.team.lineage import version_id
from app.core.team.merge import STATUS, Decision, MergeError, three_way

from .curation_support import content, load, make_tree


@pytest.fixture()
def rel(tmp_path):
    return load(make_tree(tmp_path))


@pytest.fixture()
def rids(rel):
    return rel.frame["rid"].to_list()


def _curator(rel, tmp_path: Path, name: str, *commands) -> Path:
    folder = tmp_path / f"{name}.curation"
    with Curation.open(rel, folder, author=name) as c:
        for cmd in commands:
            c.apply(cmd)
        c.save_version(f"{name}'s work")
    return folder


def _manifest(folder: Path, n: int) -> dict:
    return json.loads((folder / "versions" / f"v{n:04d}.json").read_text(encoding="utf-8"))


def test_three_curators_disjoint_rows_gather_into_a_new_project(rel, rids, tmp_path):
    ann = _curator(rel, tmp_path, "ann", Reject([rids[0]], "重复"), EditField([rids[1]], "output", "安"))
    bob = _curator(rel, tmp_path, "bob", Accept([rids[2]]))
    cy = _curator(rel, tmp_path, "cy", SetLabels([rids[3]], "domain", ["数学"]))
    with Curation.open(rel, tmp_path / "lead.curation", author="lead") as lead:
        plan = plan_gather(lead, [ann, bob, cy])
        assert [s.name for s in plan.sides] == ["ann", "bob", "cy"]  # an empty new project adds nothing
        assert plan.conflicts == [] and plan.base is None and len(plan.auto) == 4
        info = commit_gather(lead, plan)
        assert content(lead.overlay) == {rids[0]: ("rejected", "重复", {}), rids[1]: (None, None, {"output": "安"}),
                                         rids[2]: ("accepted", None, {}), rids[3]: (None, None, {"domain": ("数学",)})}
        assert {r: s.by for r, s in lead.overlay.items()} == {rids[0]: "ann", rids[1]: "ann", rids[2]: "bob",
                                                              rids[3]: "cy"}
    m = _manifest(tmp_path / "lead.curation", info.number)["merge"]
    assert [(c["name"], c["author"], c["version"]) for c in m["contributors"]] == [("ann", "ann", 1), ("bob", "bob", 1),
                                                                                    ("cy", "cy", 1)]
    assert m["contributors"][1]["id"] == version_id(_manifest(bob, 1))
    assert m["contributors"][2]["project"] == str(cy) and m["auto"] == 4 and m["resolutions"] == []
    with Curation.open(rel, tmp_path / "lead.curation", author="lead") as lead:  # twice: nothing to do
        again = plan_gather(lead, [ann, bob, cy])
        assert again.nothing_to_merge and len(again.merged_already) == 3
        assert commit_gather(lead, again) is None and lead.last_version == info.number


def test_conflicts_hold_one_value_per_curator(rel, rids, tmp_path):
    ann = _curator(rel, tmp_path, "ann", EditField([rids[1]], "output", "甲"), Reject([rids[2]], "重复"))
    bob = _curator(rel, tmp_path, "bob", EditField([rids[1]], "output", "乙"), Reject([rids[2]], "低质量"))
    cy = _curator(rel, tmp_path, "cy", EditField([rids[1]], "output", "甲"), Accept([rids[2]]),
                  SetLabels([rids[4]], "domain", ["丙"]))
    with Curation.open(rel, tmp_path / "lead.curation", author="lead") as lead:
        plan = plan_gather(lead, [ann, bob, cy])
        by_row = {c.rid: c for c in plan.conflicts}
        out, dec = by_row[rids[1]], by_row[rids[2]]
        assert (out.field, out.kind, out.sides) == ("output", "field", (("ann", "甲"), ("bob", "乙"), ("cy", "甲")))
        assert out.base == out.original == rel.frame["output"][1] and (out.file, out.line) == ("alpha/a.jsonl", 2)
        assert out.choices == ("ann", "bob", "cy", ALL, EDIT)
        assert resolve_gather(out, ALL).value == "甲\n乙"  # every distinct text once
        assert (dec.field, dec.kind) == (STATUS, "decision")
        assert dec.value("cy") == Decision("accepted") and dec.choices == ("ann", "bob", "cy")  # not all rejects
        assert set(plan.auto) == {rids[4]}
        with pytest.raises(MergeError, match="not resolved"):
            commit_gather(lead, plan, [resolve_gather(out, "bob")])
        info = commit_gather(lead, plan, [resolve_gather(out, "bob"), resolve_gather(dec, "cy")])
        assert lead.overlay[rids[1]].fields["output"] == "乙" and lead.overlay[rids[1]].by == "bob"
        assert lead.overlay[rids[2]].decision == "accepted"
    res = _manifest(tmp_path / "lead.curation", info.number)["merge"]["resolutions"]
    assert res[0] == {"rid": rid_hex(rids[1]), "file": "alpha/a.jsonl", "line": 2, "field": "output", "choice": "bob",
                      "value": "乙", "sides": ["ann", "bob", "cy"]}
    assert res[1]["choice"] == "cy" and res[1]["value"] == {"decision": "accepted", "reason": None}


def test_reject_reasons_together_and_edit_against_reject(rel, rids, tmp_path):
    ann = _curator(rel, tmp_path, "ann", Reject([rids[0]], "重复"), Reject([rids[3]], "格式错误"))
    bob = _curator(rel, tmp_path, "bob", Reject([rids[0]], "低质量"), EditField([rids[3]], "output", "修好了"))
    cy = _curator(rel, tmp_path, "cy", Reject([rids[0]], "重复"))
    with Curation.open(rel, tmp_path / "lead.curation", author="lead") as lead:
        plan = plan_gather(lead, [ann, bob, cy])
        reasons, er = sorted(plan.conflicts, key=lambda c: c.rid == rids[3])
        assert reasons.choices == ("ann", "bob", "cy", ALL)
        assert resolve_gather(reasons, ALL).value == Decision("rejected", "重复; 低质量")
        assert (er.kind, er.names) == ("edit_reject", ("ann", "bob")) and dict(er.edits)["bob"] == ("output",)
        assert "edited output" in er.display("bob")
        commit_gather(lead, plan, resolve_in_order(plan.conflicts, ["bob", "ann"]))
        assert lead.overlay[rids[0]].reason == "低质量"
        assert lead.overlay[rids[3]].decision is None and lead.overlay[rids[3]].fields["output"] == "修好了"


def test_the_starting_version_is_the_base_and_later_gathers_take_only_what_is_new(rel, rids, tmp_path):
    lead_dir = tmp_path / "lead.curation"
    with Curation.open(rel, lead_dir, author="lead") as lead:
        lead.apply(Reject(rids[:2], "重复"))
        lead.save_version("start")
    folders = {}
    for name in ("ann", "bob"):  # each curator starts from a copy of the lead's version (as `assign --start` does)
        folder = folders[name] = tmp_path / f"{name}.curation"
        (folder / "versions").mkdir(parents=True)
        for p in (lead_dir / "versions").iterdir():
            (folder / "versions" / p.name).write_bytes(p.read_bytes())
        with Curation.open(rel, folder, author=name) as c:
            c.revert_to_version(1)
    with Curation.open(rel, folders["ann"], author="ann") as c:
        c.apply(Accept([rids[0]]))  # ann overturns a starting decision: no conflict against the start
        c.save_version("a1")
    with Curation.open(rel, folders["bob"], author="bob") as c:
        c.apply(Accept([rids[4]]))
        c.save_version("b1")
    with Curation.open(rel, lead_dir, author="lead") as lead:
        plan = plan_gather(lead, folders.values())
        assert plan.base is not None and plan.base.number == 1 and plan.base.author == "lead"
        assert plan.conflicts == [] and [s.name for s in plan.sides] == [MINE, "ann", "bob"]
        commit_gather(lead, plan)
        assert lead.overlay[rids[0]].decision == "accepted" and lead.overlay[rids[1]].reason == "重复"
    with Curation.open(rel, folders["ann"], author="ann") as c:
        c.apply(EditField([rids[5]], "output", "新"))
        c.save_version("a2")
    with Curation.open(rel, lead_dir, author="lead") as lead:
        plan = plan_gather(lead, folders.values())
        assert [s.name for s in plan.sides] == [MINE, "ann"] and [r.author for r in plan.merged_already] == ["bob"]
        assert plan.base.author == "ann" and set(plan.auto) == {rids[5]}  # against ann's a1, already gathered


def test_errors_are_plain(rel, rids, tmp_path):
    ann = _curator(rel, tmp_path, "ann", Accept([rids[0]]))
    with Curation.open(rel, tmp_path / "lead.curation", author="lead") as lead:
        with pytest.raises(MergeError, match="given twice"):
            plan_gather(lead, [ann, ann / "versions" / "v0001.jsonl"])
        with pytest.raises(MergeError, match="not found"):
            plan_gather(lead, [tmp_path / "nobody"])
        lead.save_version("x")
        with pytest.raises(MergeError, match="goes into"):
            plan_gather(lead, [ann, tmp_path / "lead.curation"])
    other = load(make_tree(tmp_path / "other"))
    with Curation.open(other, tmp_path / "o.curation", author="o") as o:
        o.apply(Reject([other.frame["rid"][1]], "重复"))
        o.save_version("o")
    (tmp_path / "other" / "release" / "alpha" / "a.jsonl").write_text('{"instruction": "另一个"}\n', encoding="utf-8")
    changed = load(tmp_path / "other" / "release")
    with Curation.open(changed, tmp_path / "c.curation", author="c") as c:
        c.apply(Accept([changed.frame["rid"][0]]))
        c.save_version("c")
    with Curation.open(rel, tmp_path / "lead2.curation", author="lead") as lead:
        with pytest.raises(MergeError, match="curates another release"):
            plan_gather(lead, [ann, tmp_path / "c.curation"])


def test_gather_projects_stops_at_conflicts_unless_an_order_is_given(rel, rids, tmp_path):
    ann = _curator(rel, tmp_path, "ann", EditField([rids[1]], "output", "甲"))
    bob = _curator(rel, tmp_path, "bob", EditField([rids[1]], "output", "乙"), Accept([rids[2]]))
    lead = tmp_path / "lead.curation"
    blocked = gather_projects(rel, lead, [ann, bob])
    assert blocked.blocked and blocked.version is None and "ann:" in blocked.report() and "\"乙\"" in blocked.report()
    assert not (lead / "versions").exists() or not any((lead / "versions").iterdir())
    with pytest.raises(MergeError, match="not one of the sides"):
        gather_projects(rel, lead, [ann, bob], prefer="dan")
    done = gather_projects(rel, lead, [ann, bob], prefer="theirs")  # every curator in the order given: ann first
    assert done.version is not None and "resolved in the order ann, bob" in done.report()
    with Curation.open(rel, lead, read_only=True) as c:
        assert c.overlay[rids[1]].fields["output"] == "甲" and c.overlay[rids[2]].decision == "accepted"
    copy = gather_projects(rel, lead, [ann, bob], out=tmp_path / "copy.curation")
    assert copy.plan.nothing_to_merge and copy.version is None


# ---- a property: with two sides, the gather is the three-way merge ----------------------

_STATES = st.builds(
    lambda d, r, out, dom: make_state(d, r if d == "rejected" else None,
                                      {k: v for k, v in (("output", out), ("domain", dom)) if v is not None}),
    st.sampled_from([None, "accepted", "rejected"]), st.sampled_from([None, "重复", "低质量"]),
    st.sampled_from([None, "甲", "乙"]), st.sampled_from([None, ("x",), ("y",), ("x", "y")]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(_STATES, _STATES, _STATES, _STATES), min_size=3, max_size=3))
def test_two_sides_agree_with_the_three_way_merge_and_order_does_not_matter(rids, rows):
    rids = rids[:3]
    b, m, t, u = (Overlay({rid: row[k] for rid, row in zip(rids, rows)}) for k in range(4))
    auto, partial, raws = three_way(b, m, t)
    result, n_partial, n_raws = n_way(b, [m, t], ["m", "t"])
    assert set(n_partial) == set(partial)
    assert sorted((r[0], r[1], r[2]) for r in raws) == sorted((r[0], r[1], r[2]) for r in n_raws)
    for rid in rids:
        if rid not in partial:
            assert result.get(rid, EMPTY) == auto.get(rid, m.get(rid))
    # three sides in any order: the same rows merge, the same (row, field)s conflict
    one = n_way(b, [m, t, u], ["m", "t", "u"])
    two = n_way(b, [u, m, t], ["u", "m", "t"])
    assert {r: s for r, s in one[0].items()} == {r: s for r, s in two[0].items()}
    assert sorted((r[0], r[1]) for r in one[2]) == sorted((r[0], r[1]) for r in two[2])
    # a side that changed nothing abstains
    alone, _, none = n_way(b, [m, b], ["m", "b"])
    assert none == [] and all(alone.get(r, EMPTY) == m.get(r, EMPTY) for r in rids)


# ---- durable like a two-way merge -------------------------------------------------------

DIES = """
    import os, sys
    sys.path.insert(0, {root!r})
    from app.core.store import curation, versions
    from app.core.load.loader import load_release
    from app.core.team.gather_projects import commit_gather, plan_gather
    rel = load_release({release!r})
    lead = curation.Curation.open(rel, {lead!r}, author="lead")
    plan = plan_gather(lead, {theirs!r})
    if {where!r} == "before the version":
        versions.VersionStore.save = lambda *a, **k: os._exit(9)
    else:  # the version is on disk, the journal line noting it is not
        curation.Curation._note_version = lambda *a, **k: os._exit(9)
    commit_gather(lead, plan, message="汇总")
"""


@pytest.mark.parametrize("where", ["before the version", "before the journal notes the version"])
def test_a_gather_killed_at_each_step_is_completed_once_on_the_next_open(rel, rids, tmp_path, where):
    from .store_support import child, finish

    theirs = [str(_curator(rel, tmp_path, n, Reject([rids[i]], "重复"))) for i, n in enumerate(("ann", "bob", "cy"))]
    lead = tmp_path / "lead.curation"
    proc = child(DIES, release=str(tmp_path / "release"), lead=str(lead), theirs=theirs, where=where)
    proc.wait(120)
    assert proc.returncode == 9, finish(proc)
    finish(proc)
    with Curation.open(rel, lead, author="lead") as c:  # the next writer saves (or adopts) the version once
        assert sorted(c.overlay) == sorted(rids[:3]) and not c.dirty and c.last_version == 1
        m = c.store.manifest(1)
        assert m["message"] == "汇总" and [x["name"] for x in m["merge"]["contributors"]] == ["ann", "bob", "cy"]
        assert plan_gather(c, theirs).nothing_to_merge
