"""Versions, diffs and merges by path (issue 23 point 4): a version line records each
edit under its path with the release's value before it; `diff` shows per-path changes;
two curators editing different turns of one row merge without a conflict, the same turn
conflicts, and deleting a turn the other edits inside conflicts too. The CLI verbs run
in real processes."""
from __future__ import annotations

import json

import pytest

from app.core.curate.pathcommands import DeleteTurn, EditPath
from app.core.curate.overlay import make_state
from app.core.load.loader import load_release
from app.core.store.curation import Curation
from app.core.store.versions import format_diff
from app.core.team.merge import three_way

from .cli_support import one_error_line, run_cli

RECORDS = [
    {"conversations": [{"from": "human", "value": "问一"}, {"from": "gpt", "value": "答一"},
                       {"from": "human", "value": "问二"}, {"from": "gpt", "value": "答二"}]},
    {"instruction": "旧指令", "output": "旧回答", "domain": ["通用"]},
    {"messages": [{"role": "user", "content": "你好"}, {"role": "assistant", "content": "您好"}],
     "chosen": {"role": "assistant", "content": "好"}, "rejected": {"role": "assistant", "content": "坏"}},
]


@pytest.fixture()
def rel(tmp_path):
    path = tmp_path / "rel" / "chat.jsonl"
    path.parent.mkdir()
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    return path


def _rid(release, line):
    return release.frame.filter(line=line)["rid"][0]


def test_a_version_records_each_edit_under_its_path(rel, tmp_path):
    release = load_release(rel)
    with Curation.open(release, tmp_path / "p", author="ann") as c:
        c.apply(EditPath((_rid(release, 1),), "conversations[3].value", "新答二"))
        c.apply(DeleteTurn((_rid(release, 1),), "conversations[0]"))
        c.apply(EditPath((_rid(release, 3),), "rejected.content", "更坏"))
        info = c.save_version("paths")
        records = [json.loads(x) for x in (tmp_path / "p" / "versions" / f"{info.name}.jsonl").read_text().splitlines()]
        assert records[0]["fields"] == {"conversations[3].value": {"before": "答二", "after": "新答二"},
                                        "conversations[0]": {"before": ["问一"], "after": None}}
        assert records[1]["fields"] == {"rejected.content": {"before": "坏", "after": "更坏"}}
        assert c.load_version(info.number) == c.overlay
        assert c.stale_of(info.number, c.load_version(info.number)) == []
    text = format_diff(tmp_path / "p")
    assert "  conversations[3].value:\n    - \"答二\"\n    + \"新答二\"" in text
    assert "  rejected.content:" in text


def test_an_old_version_without_paths_still_means_coig_fields(rel, tmp_path):
    release = load_release(rel)
    with Curation.open(release, tmp_path / "p", author="ann") as c:
        c.take_states({_rid(release, 2): make_state(None, None, {"output": "新回答"})}, "old style")
        info = c.save_version("")
        line = (tmp_path / "p" / "versions" / f"{info.name}.jsonl").read_text()
        assert '"fields": {"output": {"before": "旧回答", "after": "新回答"}}' in line
        assert c.current_frame().filter(line=2)["output"][0] == "新回答"


def _s(fields):
    return make_state(None, None, fields)


def test_different_turns_merge_the_same_turn_conflicts():
    b = {}
    mine, theirs = {1: _s({"conversations[1].value": "甲"})}, {1: _s({"conversations[3].value": "乙"})}
    auto, partial, raws = three_way(b, mine, theirs)
    assert not raws and dict(auto[1].fields) == {"conversations[1].value": "甲", "conversations[3].value": "乙"}
    theirs = {1: _s({"conversations[1].value": "丙"})}
    auto, partial, raws = three_way(b, mine, theirs)
    assert [(r[1], r[2], r[4], r[5]) for r in raws] == [("conversations[1].value", "field", "甲", "丙")]


def test_deleting_a_turn_the_other_edits_inside_conflicts():
    mine, theirs = {1: _s({"conversations[1]": None})}, {1: _s({"conversations[1].value": "改"})}
    _auto, partial, raws = three_way({}, mine, theirs)
    assert [(r[1], r[2], r[4], r[5]) for r in raws] == [("conversations[1]", "delete", True, False)]
    _auto, _partial, raws = three_way({}, mine, {1: _s({"conversations[3].value": "改"})})
    assert raws == []  # another turn: no conflict


def _curate(home, rel, name, *args):
    r = run_cli(home, *args[:1], rel, *args[1:], "--project", str(rel.parent.parent / f"{name}.curation"),
                "--author", name)
    assert r.returncode == 0, r.stderr
    return r


def test_merge_by_path_in_real_processes(rel, tmp_path):
    home = tmp_path / "home"
    _curate(home, rel, "ann", "edit", "--file", "chat.jsonl", "--line", "1", "--path", "conversations[1].value",
            "--value", "安的答一")
    _curate(home, rel, "bob", "edit", "--file", "chat.jsonl", "--line", "1", "--path", "conversations[3].value",
            "--value", "鲍的答二")
    _curate(home, rel, "bob", "swap-preference", "--file", "chat.jsonl", "--line", "3")
    for name in ("ann", "bob"):
        _curate(home, rel, name, "save", "-m", name)
    ann, bob = tmp_path / "ann.curation", tmp_path / "bob.curation"
    r = run_cli(home, "merge", rel, "--project", ann, "--theirs", bob, "--author", "ann")
    assert r.returncode == 0, r.stderr
    release = load_release(rel)
    with Curation.open(release, ann, read_only=True) as c:
        row = c.current_frame().filter(line=1).row(0, named=True)
        assert [t["text"] for t in row["turns"]] == ["问一", "安的答一", "问二", "鲍的答二"]
        assert c.current_frame().filter(line=3)["chosen"][0] == "坏"
    out = tmp_path / "out.jsonl"
    assert run_cli(home, "export", rel, "--project", ann, "--out", out).returncode == 0
    exported = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [t["value"] for t in exported[0]["conversations"]] == ["问一", "安的答一", "问二", "鲍的答二"]
    assert "output" not in exported[0]
    assert (exported[2]["chosen"]["content"], exported[2]["rejected"]["content"]) == ("坏", "好")
    # the same turn edited by both: a conflict, nothing written
    _curate(home, rel, "bob", "edit", "--file", "chat.jsonl", "--line", "1", "--path", "conversations[1].value",
            "--value", "鲍的答一")
    _curate(home, rel, "bob", "save", "-m", "again")
    r = run_cli(home, "merge", rel, "--project", ann, "--theirs", bob, "--author", "ann")
    assert r.returncode == 1 and "conversations[1].value" in r.stdout + r.stderr


def test_edit_verb_errors_are_one_line(rel, tmp_path):
    home = tmp_path / "home"
    err = one_error_line(run_cli(home, "edit", rel, "--file", "chat.jsonl", "--line", "1", "--path",
                                 "conversations[7].value", "--value", "x"))
    assert "no text at 'conversations[7].value' in this sharegpt record" in err
    err = one_error_line(run_cli(home, "edit", rel, "--file", "chat.jsonl", "--line", "9", "--field", "output",
                                 "--value", "x"))
    assert err == "error: no row at chat.jsonl:9"
    err = one_error_line(run_cli(home, "swap-preference", rel, "--file", "chat.jsonl", "--line", "2"))
    assert "has no chosen and rejected responses" in err
    err = one_error_line(run_cli(home, "edit", rel, "--file", "chat.jsonl", "--line", "1", "--path", "system",
                                 "--delete"))
    assert "only such a turn can be deleted" in err


def test_a_gather_merges_different_turns_and_names_the_deletion_clash():
    from app.core.team.gather import n_way

    sides = [{1: _s({"conversations[1].value": "甲"})}, {1: _s({"conversations[3].value": "乙"})},
             {2: _s({"conversations[0]": None})}, {2: _s({"conversations[0].value": "丁"})}]
    result, partial, raws = n_way({}, sides, ["ann", "bob", "cy", "dan"])
    assert dict(result[1].fields) == {"conversations[1].value": "甲", "conversations[3].value": "乙"}
    assert [(r[0], r[1], r[2], r[4]) for r in raws] == [(2, "conversations[0]", "delete", (("cy", True), ("dan", False)))]


def test_resolving_a_deletion_clash_deletes_or_keeps_the_turn(rel):
    from app.core.curate.overlay import BaseLookup, Overlay
    from app.core.team.merge import MergePlan, merge_overlays, resolve

    release = load_release(rel)
    rid = _rid(release, 1)
    mine, theirs = {rid: _s({"conversations[1]": None})}, {rid: _s({"conversations[1].value": "改"})}
    auto, partial, conflicts = merge_overlays({}, mine, theirs, BaseLookup(release.frame))
    (c,) = conflicts
    assert (c.field, c.kind, c.choices, c.display("mine"), c.display("theirs")) == (
        "conversations[1]", "delete", ("mine", "theirs"), "turn deleted", "turn kept")
    plan = MergePlan(None, None, None, Overlay(mine), auto, partial, conflicts)
    kept = plan.states([resolve(c, "theirs")])[rid]
    assert dict(kept.fields) == {"conversations[1].value": "改"}
    gone = plan.states([resolve(c, "mine")])[rid]
    assert gone.fields.get("conversations[1]", 0) is None
