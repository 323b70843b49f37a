"""Commands, the overlay and the current frame."""
from __future__ import annotations

import polars as pl
import pytest

from app.core.curate.edits import Accept, EditField, Reject, Restore, Revert, SetLabels, SetStates, plan_change
from app.core.curate.overlay import EMPTY, BaseLookup, Overlay, make_state
from app.core.load.schema import BASE_SCHEMA

from .curation_support import load, make_tree

NOW = "2026-01-01T00:00:00.000+00:00"


@pytest.fixture()
def rel(tmp_path):
    return load(make_tree(tmp_path))


def run(rel, overlay, cmd):
    change = plan_change(cmd, overlay, BaseLookup(rel.frame), author="tester", now=NOW)
    return overlay.with_states(change.after), change


def test_edit_records_before_after_and_label(rel):
    rid = rel.frame["rid"][1]
    ov, ch = run(rel, Overlay(), EditField([rid], "output", "新的，😀\n第二行"))
    assert ch.changed and ch.rids == (rid,)
    assert ch.fields == {"output", "status"}
    assert ch.before[rid] is EMPTY and ch.after[rid].fields["output"] == "新的，😀\n第二行"
    assert ch.after[rid].by == "tester" and ch.after[rid].at == NOW
    assert ch.label == "Edit output"
    assert ov[rid].status == "edited"


def test_editing_back_to_the_original_is_no_edit(rel):
    rid, original = rel.frame.select("rid", "instruction").row(0)
    ov, _ = run(rel, Overlay(), EditField([rid], "instruction", "changed"))
    ov, ch = run(rel, ov, EditField([rid], "instruction", original))
    assert ch.changed and ch.after[rid] is EMPTY
    assert rid not in ov and len(ov) == 0


def test_noop_says_nothing_changed(rel):
    rids = rel.frame["rid"].to_list()[:3]
    ov, _ = run(rel, Overlay(), Accept(rids))
    ov2, ch = run(rel, ov, Accept(rids))
    assert not ch.changed and ch.rids == () and ov2 == ov
    _, ch = run(rel, ov, EditField([rids[0]], "output", rel.frame["output"][0]))
    assert not ch.changed


def test_bulk_reject_label_and_only_changed_rows(rel):
    rids = rel.frame["rid"].to_list()
    ov, _ = run(rel, Overlay(), Reject(rids[:2], "重复"))
    ov, ch = run(rel, ov, Reject(rids[:5], "重复"))
    assert ch.label == "Reject 5 rows: 重复"
    assert set(ch.rids) == set(rids[2:5])
    assert ov.counts() == {"edited": 0, "accepted": 0, "rejected": 5}
    ov, ch = run(rel, ov, Reject(rids[:1], "低质量"))  # a new reason is a change
    assert ch.fields == {"reason"} and ov[rids[0]].reason == "低质量"


def test_decisions_keep_edits_and_restore_keeps_them(rel):
    rid = rel.frame["rid"][0]
    ov, _ = run(rel, Overlay(), EditField([rid], "output", "edited"))
    ov, _ = run(rel, ov, Reject([rid], "其他"))
    assert ov[rid].status == "rejected" and ov[rid].fields["output"] == "edited"
    ov, ch = run(rel, ov, Restore([rid]))
    assert ov[rid].status == "edited" and ov[rid].reason is None
    assert ch.fields == {"status", "reason"}
    ov, _ = run(rel, ov, Accept([rid]))
    assert ov[rid].status == "accepted" and ov[rid].fields == {"output": "edited"}


def test_labels_set_add_remove(rel):
    rids = rel.frame["rid"].to_list()[:3]  # domains: [通用], [文学], [数学, 算术]
    ov, ch = run(rel, Overlay(), SetLabels(rids, "domain", ["测试", "测试"], mode="add"))
    assert [ov[r].fields["domain"] for r in rids] == [("通用", "测试"), ("文学", "测试"), ("数学", "算术", "测试")]
    assert ch.label == "Add domain 测试 on 3 rows"
    ov, _ = run(rel, ov, SetLabels(rids, "domain", ["测试"], mode="remove"))
    assert len(ov) == 0  # back to the base values: no edit left
    ov, _ = run(rel, ov, SetLabels(rids[:1], "task_minor", []))
    assert ov[rids[0]].fields["task_minor"] == ()


def test_revert_fields_or_whole_rows(rel):
    rid = rel.frame["rid"][0]
    ov, _ = run(rel, Overlay(), EditField([rid], "output", "o"))
    ov, _ = run(rel, ov, EditField([rid], "input", "i"))
    ov, _ = run(rel, ov, Reject([rid], "重复"))
    ov, _ = run(rel, ov, Revert([rid], fields=("output",)))
    assert dict(ov[rid].fields) == {"input": "i"} and ov[rid].status == "rejected"
    ov, ch = run(rel, ov, Revert([rid]))
    assert rid not in ov and ch.after[rid] is EMPTY


def test_set_states_and_validation(rel):
    rids = rel.frame["rid"].to_list()
    state = make_state("rejected", "重复", {"output": "x"})
    ov, ch = run(rel, Overlay(), SetStates({rids[0]: state, rids[1]: EMPTY}, "Go back"))
    assert ch.rids == (rids[0],) and ov[rids[0]] == state
    with pytest.raises(KeyError):
        run(rel, Overlay(), Reject([12345], "x"))
    with pytest.raises(ValueError):
        EditField([rids[0]], "domain", "x")
    with pytest.raises(ValueError):
        SetLabels([rids[0]], "output", ["x"])
    with pytest.raises(TypeError):
        SetLabels([rids[0]], "domain", "单个字符串")


def test_commands_accept_a_polars_series(rel):
    ov, ch = run(rel, Overlay(), Accept(rel.frame["rid"].head(4)))
    assert len(ch.rids) == 4 and ch.label == "Accept 4 rows"


def test_current_frame_patches_edits_and_adds_columns(rel):
    base = rel.frame
    before = base.clone()
    rids = base["rid"].to_list()
    ov, _ = run(rel, Overlay(), EditField([rids[1]], "output", "短"))
    ov, _ = run(rel, ov, SetLabels([rids[2]], "task_major", ["改"]))
    ov, _ = run(rel, ov, Reject([rids[3]], "不安全"))
    ov, _ = run(rel, ov, Accept([rids[1]]))
    cur = ov.current_frame(base)
    assert cur.columns == [*BASE_SCHEMA.names(), "status", "reason", "edited_fields", "curator", "note", "flagged"]
    assert cur.schema["edited_fields"] == pl.List(pl.String)
    assert cur["output"][1] == "短" and cur["len_output"][1] == 1
    assert cur["task_major"][2].to_list() == ["改"]
    assert cur["status"].to_list()[:5] == ["untouched", "accepted", "edited", "rejected", "untouched"]
    assert cur["reason"][3] == "不安全" and cur["reason"][0] is None
    assert cur["edited_fields"].to_list()[:4] == [[], ["output"], ["task_major"], []]
    assert cur["curator"].to_list()[:5] == [None, "tester", "tester", "tester", None]
    # untouched columns and rows are the base's, and the base itself is unchanged
    assert cur.select(BASE_SCHEMA.names()).filter(pl.col("rid") != rids[1]).filter(pl.col("rid") != rids[2]).equals(
        base.filter(pl.col("rid") != rids[1]).filter(pl.col("rid") != rids[2]))
    assert base.equals(before)


def test_current_frame_without_overlay(rel):
    cur = Overlay().current_frame(rel.frame)
    assert cur.height == rel.frame.height
    assert set(cur["status"].to_list()) == {"untouched"} and cur["reason"].null_count() == cur.height
    assert cur["edited_fields"].to_list() == [[]] * cur.height
    assert cur.schema["curator"] == pl.String and cur["curator"].null_count() == cur.height


def test_overlay_frame_patch_path_equals_rebuild(rel):
    rids = rel.frame["rid"].to_list()
    ov = Overlay()
    ov.overlay_frame()
    steps = [Reject(rids[:4], "重复"), EditField([rids[0]], "output", "a"), Restore(rids[1:2]),
             SetLabels(rids[2:6], "domain", ["x"]), Revert(rids[:3])]
    for cmd in steps:
        ov, _ = run(rel, ov, cmd)
        patched = ov.overlay_frame()  # built from the parent's frame
        fresh = Overlay(dict(ov.items())).overlay_frame()
        assert patched.sort("rid").equals(fresh.sort("rid"))



def test_curator_is_who_changed_each_row_last(rel):
    rids = rel.frame["rid"].to_list()
    base = BaseLookup(rel.frame)
    ov = Overlay()
    ov.overlay_frame()  # later frames take the patch path
    for cmd, author in [(Accept(rids[:3]), "王"), (Reject([rids[1]], "错"), "李"), (Revert([rids[2]]), "李")]:
        ov = ov.with_states(plan_change(cmd, ov, base, author=author, now=NOW).after)
    cur = ov.current_frame(rel.frame)
    assert cur["curator"].to_list()[:4] == ["王", "李", None, None]


def test_state_json_round_trip():
    s = make_state("rejected", "重复", {"domain": ["a", "b"], "output": "x"}, by="me", at=NOW)
    assert s.fields["domain"] == ("a", "b")
    back = type(s).from_json(s.to_json())
    assert back == s and back.by == "me" and back.at == NOW
    with pytest.raises(ValueError):
        make_state("maybe", None, {})
