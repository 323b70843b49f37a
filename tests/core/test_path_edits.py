"""Edits by JSON path (issue 23 point 4): a turn's text, the system prompt, chosen and
rejected, a deleted turn, chosen and rejected swapped; each an undoable, journaled
command keyed by rid + path, the frame's derived columns following the edit, and an
edit of a conversation's instruction / output kept at its turn's path (never as a key
the record lacks)."""
from __future__ import annotations

import json

import polars as pl
import pytest

from app.core.curate.edits import EditField
from app.core.curate.pathcommands import DeleteTurn, EditPath, SwapPreference
from app.core.curate.overlay import RowState
from app.core.curate.pathedits import PathEditError
from app.core.export.rowedit import rewrite_row
from app.core.load.loader import load_release
from app.core.store.curation import Curation

SHARE = {"conversations": [{"from": "human", "value": "问一"}, {"from": "gpt", "value": "答一"},
                           {"from": "human", "value": "问二"}, {"from": "gpt", "value": "答二"}],
         "system": "你是助手", "id": 7}
OPENAI = {"messages": [{"role": "user", "content": [{"type": "text", "text": "看图"}]},
                       {"role": "assistant", "content": "好的"}]}
FIREFLY = {"conversation": [{"human": "h0", "assistant": "a0"}, {"human": "h1", "assistant": "a1"}]}
ALPACA = {"instruction": "指令", "input": "", "output": "回答", "history": [["旧问", "旧答"]]}
PREF = {"conversations": [{"from": "human", "value": "选哪个"}], "chosen": {"from": "gpt", "value": "好"},
        "rejected": {"from": "gpt", "value": "坏"}}


@pytest.fixture()
def mixed(tmp_path):
    path = tmp_path / "data" / "mixed.jsonl"
    path.parent.mkdir()
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (SHARE, OPENAI, FIREFLY, ALPACA, PREF)),
                    encoding="utf-8")
    release = load_release(path)
    with Curation.open(release, tmp_path / "project", author="t") as c:
        yield release, c


def _rid(release, line):
    return release.frame.filter(line=line)["rid"][0]


def _row(c, line):
    return c.current_frame().filter(line=line).row(0, named=True)


def _texts(row):
    return [(t["path"], t["text"]) for t in row["turns"]]


def test_a_turn_s_text_edited_by_path_shows_in_the_derived_columns(mixed):
    release, c = mixed
    c.apply(EditPath((_rid(release, 1),), "conversations[3].value", "新答二"))
    row = _row(c, 1)
    assert row["output"] == "新答二" and row["len_output"] == 3 and row["instruction"] == "问一"
    assert ("conversations[3].value", "新答二") in _texts(row)
    assert row["edited_fields"] == ["conversations[3].value"] and row["status"] == "edited"
    c.undo()
    assert _row(c, 1)["output"] == "答二"


def test_typed_part_firefly_history_system_chosen_and_rejected_edits(mixed):
    release, c = mixed
    c.apply(EditPath((_rid(release, 2),), "messages[0].content[0].text", "看这张图"))
    c.apply(EditPath((_rid(release, 3),), "conversation[1].assistant", "新a1"))
    c.apply(EditPath((_rid(release, 4),), "history[0][1]", "新旧答"))
    c.apply(EditPath((_rid(release, 1),), "system", "你是医生"))
    c.apply(EditPath((_rid(release, 5),), "rejected.value", "很坏"))
    assert _row(c, 2)["instruction"] == "看这张图"
    assert _row(c, 3)["output"] == "新a1"
    assert ("history[0][1]", "新旧答") in _texts(_row(c, 4)) and _row(c, 4)["output"] == "回答"
    assert _row(c, 1)["system"] == "你是医生"
    assert _row(c, 5)["rejected"] == "很坏" and _row(c, 5)["chosen"] == "好"


def test_a_path_the_row_does_not_have_is_refused(mixed):
    release, c = mixed
    with pytest.raises(PathEditError, match="no text at 'conversations\\[9\\].value'"):
        c.apply(EditPath((_rid(release, 1),), "conversations[9].value", "x"))
    with pytest.raises(PathEditError):
        c.apply(EditPath((_rid(release, 1),), "output", "x"))  # a ShareGPT record has no output key
    assert not c.overlay


def test_editing_a_conversation_s_output_column_keeps_the_edit_at_its_turn(mixed):
    """The bug of issue 23: the edit became an `output` key next to `conversations`."""
    release, c = mixed
    c.apply(EditField((_rid(release, 1),), "output", "改过的答二"))
    state = c.overlay[_rid(release, 1)]
    assert dict(state.fields) == {"conversations[3].value": "改过的答二"}
    line = (release.root / "mixed.jsonl").read_bytes().splitlines()[0]
    out = json.loads(rewrite_row(line, state))
    assert "output" not in out and out["conversations"][3]["value"] == "改过的答二"
    c.apply(EditField((_rid(release, 5),), "output", "更好"))  # a preference record's output is chosen
    assert dict(c.overlay[_rid(release, 5)].fields) == {"chosen.value": "更好"}


def test_deleting_a_turn_and_a_firefly_pair(mixed):
    release, c = mixed
    c.apply(DeleteTurn((_rid(release, 1),), "conversations[2].value"))
    row = _row(c, 1)
    assert [p for p, _ in _texts(row)] == ["conversations[0].value", "conversations[1].value", "conversations[3].value"]
    assert dict(c.overlay[_rid(release, 1)].fields) == {"conversations[2]": None}
    c.apply(DeleteTurn((_rid(release, 3),), "conversation[1].human"))  # a pair goes whole
    assert _texts(_row(c, 3)) == [("conversation[0].human", "h0"), ("conversation[0].assistant", "a0")]
    assert _row(c, 3)["output"] == "a0"
    with pytest.raises(PathEditError, match="only such a turn can be deleted"):
        DeleteTurn((_rid(release, 5),), "chosen.value")
    c.undo()
    assert len(_row(c, 3)["turns"]) == 4


def test_swapping_chosen_and_rejected_twice_is_no_edit(mixed):
    release, c = mixed
    rid = _rid(release, 5)
    c.apply(SwapPreference((rid,)))
    row = _row(c, 5)
    assert (row["chosen"], row["rejected"], row["output"]) == ("坏", "好", "坏")
    assert dict(c.overlay[rid].fields) == {"chosen.value": "坏", "rejected.value": "好"}
    change = c.apply(SwapPreference((rid,)))
    assert change.changed and rid not in c.overlay
    with pytest.raises(PathEditError, match="no chosen and rejected"):
        c.apply(SwapPreference((_rid(release, 1),)))


def test_path_edits_are_journaled_and_survive_reopening(mixed, tmp_path):
    release, c = mixed
    c.apply(EditPath((_rid(release, 1),), "conversations[1].value", "持久"))
    c.apply(DeleteTurn((_rid(release, 2),), "messages[1]"))
    c.close()
    with Curation.open(release, tmp_path / "project", author="t") as again:
        assert dict(again.overlay[_rid(release, 1)].fields) == {"conversations[1].value": "持久"}
        assert dict(again.overlay[_rid(release, 2)].fields) == {"messages[1]": None}
        assert again.current_frame().filter(line=2)["output"][0] == ""


def test_row_state_refuses_what_is_neither_a_field_nor_a_path():
    with pytest.raises(ValueError):
        RowState.from_json({"f": {"conversations[x]": "a"}})
    with pytest.raises(ValueError):
        RowState.from_json({"f": {"output": None}})  # only a turn path may be deleted
    assert RowState.from_json({"f": {"conversations[1]": None}}).fields == {"conversations[1]": None}


def test_the_frame_keeps_its_schema_with_path_edits(mixed):
    release, c = mixed
    c.apply(EditPath((_rid(release, 1),), "conversations[0].value", "x"))
    frame = c.current_frame()
    assert frame.schema == pl.Schema({**release.frame.schema, **{k: frame.schema[k] for k in frame.columns
                                                                  if k not in release.frame.columns}})


def test_convert_to_simplified_and_review_edits_keep_conversation_edits_at_paths(mixed):
    """Two more ways to edit a conversation's texts, neither adding a key to the record."""
    from app.core.curate.convert import ToSimplified
    from app.core.store.review_session import edited_state

    release, c = mixed
    rid = _rid(release, 1)
    c.apply(EditPath((rid,), "conversations[1].value", "這個"))
    c.apply(ToSimplified((rid,)))
    assert dict(c.overlay[rid].fields) == {"conversations[1].value": "这个"}
    base = release.frame.filter(line=3).row(0, named=True)
    state = edited_state(c.overlay.get(_rid(release, 3)), base, {"output": "新a1", "instruction": "h0"})
    assert dict(state.fields) == {"conversation[1].assistant": "新a1"}


def test_a_decisions_file_edits_by_path_and_names_a_missing_one(mixed):
    from app.core.curate.decisions import DecisionsError, read_decisions

    release, c = mixed
    good = ('{"file": "mixed.jsonl", "line": 1, "op": "edit", "fields": {"conversations[1].value": "新答一"}}\n'
            '{"file": "mixed.jsonl", "line": 3, "op": "edit", "fields": {"output": "新a1"}}\n').encode()
    c.apply(read_decisions(good, "d.jsonl", release.frame))
    assert dict(c.overlay[_rid(release, 1)].fields) == {"conversations[1].value": "新答一"}
    assert dict(c.overlay[_rid(release, 3)].fields) == {"conversation[1].assistant": "新a1"}
    bad = b'{"file": "mixed.jsonl", "line": 2, "op": "edit", "fields": {"messages[5].content": "x"}}\n'
    with pytest.raises(DecisionsError, match=r"d.jsonl:1: no text at 'messages\[5\].content' in this openai record"):
        read_decisions(bad, "d.jsonl", release.frame)
