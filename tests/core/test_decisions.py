"""The decisions file (app/core/curate/decisions.py): parsing, resolving rows by locator or rid,
and the one command it builds, which must do what the app's own commands do."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.curate.decisions import DecisionsError, parse_decisions, read_decisions
from app.core.curate.edits import Accept, EditField, Reject, Restore, SetLabels, plan_change
from app.core.load.loader import load_release
from app.core.curate.overlay import BaseLookup, Overlay
from app.core.load.schema import LIST_FIELDS, TEXT_FIELDS

from .curation_support import content, make_tree


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    return load_release(make_tree(tmp_path_factory.mktemp("dec")))


def _data(objs) -> bytes:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs).encode()


def test_every_bad_line_is_listed_with_its_number():
    data = b'{"rid": "00000000000000ff", "op": "accept"}\n\n{"op": "x", "rid": "00000000000000ff"}\n\xff\n[1]\n'
    with pytest.raises(DecisionsError) as err:
        parse_decisions(data, "d.jsonl")
    assert [n for n, _ in err.value.problems] == [3, 4, 5]
    assert "invalid UTF-8" in err.value.problems[1][1]
    assert str(err.value).startswith("d.jsonl:3: unknown op 'x'")


def test_rows_are_found_by_locator_and_by_rid(release):
    frame = release.frame
    a, b = frame.row(0, named=True), frame.row(frame.height - 1, named=True)
    data = _data([{"file": a["file"], "line": a["line"], "op": "reject", "reason": " 重复 "},
                  {"rid": f"{b['rid']:016x}", "op": "accept"}])
    cmd = read_decisions(data, "d.jsonl", frame)
    assert cmd.rids == (a["rid"], b["rid"])
    change = plan_change(cmd, Overlay(), BaseLookup(frame), author="me", now="t")
    assert change.after[a["rid"]].reason == "重复"  # stripped, as the app's Reject does
    assert change.after[b["rid"]].status == "accepted"
    assert cmd.describe() == {"kind": "ApplyDecisions", "n": 2, "rows": 2, "source": "d.jsonl"}


def test_an_edit_back_to_the_original_is_no_edit(release):
    row = release.frame.row(1, named=True)
    data = _data([{"rid": f"{row['rid']:016x}", "op": "edit", "fields": {"output": "新"}},
                  {"rid": f"{row['rid']:016x}", "op": "edit", "fields": {"output": row["output"], "domain": row["domain"]}}])
    change = plan_change(read_decisions(data, "d", release.frame), Overlay(), BaseLookup(release.frame), author="me", now="t")
    assert not change.changed


_OPS = st.sampled_from(["reject", "accept", "restore", "edit"])
_TEXT = st.sampled_from(["", "改", "新的回答", "Hello"])
_LABELS = st.lists(st.sampled_from(["数学", "通用", "文学"]), max_size=2, unique=True)


@st.composite
def _decision(draw, n_rows):
    i = draw(st.integers(0, n_rows - 1))
    op = draw(_OPS)
    extra = {}
    if op == "reject":
        extra = {"reason": draw(st.sampled_from(["重复", "其他", None]))}
    elif op == "edit":
        names = draw(st.lists(st.sampled_from(TEXT_FIELDS + LIST_FIELDS), min_size=1, max_size=3, unique=True))
        extra = {"fields": {n: draw(_TEXT) if n in TEXT_FIELDS else draw(_LABELS) for n in names}}
    return i, op, extra


def _app_commands(rid, op, extra):
    if op == "reject":
        return [Reject([rid], extra["reason"])]
    if op == "accept":
        return [Accept([rid])]
    if op == "restore":
        return [Restore([rid])]
    return [EditField([rid], n, v) if n in TEXT_FIELDS else SetLabels([rid], n, tuple(v)) for n, v in extra["fields"].items()]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.lists(st.tuples(st.integers(0, 8), _OPS), max_size=6), steps=st.data())
def test_one_command_does_what_the_apps_commands_do_one_by_one(release, start, steps):
    frame = release.frame
    rids = frame["rid"].to_list()
    base = BaseLookup(frame)
    overlay = Overlay()
    for i, op in start:  # some earlier curation to start from
        for cmd in _app_commands(rids[i % len(rids)], op, {"reason": "早", "fields": {"output": "早先"}}):
            overlay = overlay.with_states(plan_change(cmd, overlay, base, author="a", now="t").after)
    decisions = steps.draw(st.lists(_decision(len(rids)), min_size=1, max_size=12))
    by_hand = overlay
    lines = []
    for i, op, extra in decisions:
        for cmd in _app_commands(rids[i], op, extra):
            by_hand = by_hand.with_states(plan_change(cmd, by_hand, base, author="b", now="u").after)
        row = frame.row(i, named=True)
        ref = {"rid": f"{rids[i]:016x}"} if i % 2 else {"file": row["file"], "line": row["line"]}
        lines.append({**ref, "op": op, **{k: v for k, v in extra.items() if v is not None}})
    cmd = read_decisions(_data(lines), "d.jsonl", frame)
    change = plan_change(cmd, overlay, base, author="b", now="u")
    assert content(overlay.with_states(change.after)) == content(by_hand)
    assert all(s.by == "b" for s in change.after.values() if not s.is_empty)
