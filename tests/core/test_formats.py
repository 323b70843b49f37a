"""Formats: which keys decide a record's format, the reference (standard library) reading
of every format into turns with paths, and the JSON paths themselves."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.load import paths as jp
from app.core.load.formats import Shape, ShapeError, file_format, record_format, rejected_path, role_of
from app.core.load.records import BadRecord, own_values
from tests.core.format_records import BY_FORMAT

ROLES = {"system", "user", "assistant", "function_call", "observation", "tool"}


@pytest.mark.parametrize("record, fmt", [
    ({"instruction": "a", "input": "", "output": "b", "task_type": {"major": ["问答"]}, "domain": ["通用"]}, "cqia"),
    ({"output": "b", "domain": "通用"}, "cqia"),
    ({"instruction": "a", "input": "", "output": "b"}, "alpaca"),
    ({"instruction": "a", "output": "b", "history": [["q", "a"]], "system": "s"}, "alpaca"),
    ({"conversations": [{"from": "human", "value": "q"}]}, "sharegpt"),
    ({"messages": [{"role": "user", "content": "q"}]}, "openai"),
    ({"conversation": [{"human": "q", "assistant": "a"}]}, "firefly"),
    ({"conversations": [], "chosen": {"from": "gpt", "value": "a"}, "rejected": {"from": "gpt", "value": "b"}}, "preference"),
    ({"prompt": "q", "chosen": "a", "rejected": "b"}, "preference"),
    ({"instruction": "a", "instances": [{"input": "", "output": "b"}]}, "other"),
    ({"conversations": "not a list", "text": "x"}, "other"),
    ({"chosen": "a", "rejected": None, "instruction": "q", "output": "o"}, "alpaca"),  # a null key does not count
    ({"instruction": "q", "output": "o", "conversations": [{"from": "human", "value": "q"}]}, "sharegpt"),
])
def test_the_keys_decide_a_records_format(record, fmt):
    assert record_format(record) == fmt


def test_a_files_format_is_its_most_common_ties_to_the_earlier():
    share, alp = {"conversations": []}, {"instruction": "a", "output": "b"}
    assert file_format([alp, share, share]) == "sharegpt"
    assert file_format([alp, alp, share]) == "alpaca"
    assert file_format([alp, share]) == "sharegpt"  # sharegpt comes before alpaca
    assert file_format([]) == "other"


def test_roles_are_normalised_and_unknown_names_alternate():
    assert [role_of(n, i) for i, n in enumerate(["human", "gpt", "GPT ", "function_call", "observation", "tool"])] == \
        ["user", "assistant", "assistant", "function_call", "observation", "tool"]
    assert [role_of(n, i) for i, n in enumerate(["narrator", "narrator", None, 7])] == ["user", "assistant", "user", "assistant"]
    assert role_of("客服", 0, {"客服": "assistant"}) == "assistant"


@pytest.mark.parametrize("fmt", sorted(BY_FORMAT))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_turn_text_is_the_value_at_its_path(fmt, data):
    record = data.draw(BY_FORMAT[fmt])
    raw = json.dumps(record, ensure_ascii=False)
    values = own_values(json.loads(raw))
    assert values["format"] == fmt
    obj = json.loads(raw)
    for turn in values["turns"]:
        assert turn["role"] in ROLES
        at = jp.value_at(obj, turn["path"])
        assert turn["text"] == (at if isinstance(at, str) else "" if at is None else json.dumps(at, ensure_ascii=False))
    users = [t["text"] for t in values["turns"] if t["role"] == "user"]
    helpers = [t["text"] for t in values["turns"] if t["role"] == "assistant"]
    if fmt in ("cqia", "alpaca"):  # their own keys, history or not
        assert (values["instruction"], values["output"]) == (obj["instruction"], obj["output"])
    elif values["turns"]:
        assert values["instruction"] == (users[0] if users else "")
        assert values["output"] == (helpers[-1] if helpers else "")
    if fmt == "preference":
        last = values["turns"][-1]
        assert last["path"].startswith("chosen") and last["text"] == values["chosen"] == values["output"]
        at = jp.value_at(obj, rejected_path(last["path"]))
        assert values["rejected"] == (at if isinstance(at, str) else json.dumps(at, ensure_ascii=False))
    if fmt in ("cqia", "alpaca") and not obj.get("history"):
        assert values["turns"] == []  # single-turn: made when asked (schema.all_turns)


def test_hand_checked_turns_of_each_format():
    share = own_values({"conversations": [{"from": "system", "value": "s"}, {"from": "human", "value": "q1"},
                                          {"from": "gpt", "value": "a1"}, {"from": "human", "value": "q2"},
                                          {"from": "gpt", "value": "a2"}], "tools": [{"name": "f"}]})
    assert [(t["role"], t["path"]) for t in share["turns"]] == [
        ("system", "conversations[0].value"), ("user", "conversations[1].value"), ("assistant", "conversations[2].value"),
        ("user", "conversations[3].value"), ("assistant", "conversations[4].value")]
    assert (share["instruction"], share["output"], share["tools"]) == ("q1", "a2", '[{"name": "f"}]')
    alp = own_values({"instruction": "i", "input": "x", "output": "o", "system": "s", "history": [["h1", "g1"]]})
    assert [(t["role"], t["text"], t["path"]) for t in alp["turns"]] == [
        ("user", "h1", "history[0][0]"), ("assistant", "g1", "history[0][1]"), ("user", "i", "instruction"),
        ("user", "x", "input"), ("assistant", "o", "output")]
    assert alp["system"] == "s" and alp["input"] == "x"
    oa = own_values({"messages": [{"role": "user", "content": [{"type": "text", "value": "hi"}, {"type": "image_url"}]},
                                  {"role": "assistant", "content": None, "tool_calls": [{"id": "1"}]},
                                  {"role": "tool", "content": "42"}, {"role": "assistant", "content": "done"}]})
    assert [(t["role"], t["text"], t["path"]) for t in oa["turns"]] == [
        ("user", "hi", "messages[0].content[0].value"), ("function_call", '[{"id": "1"}]', "messages[1].tool_calls"),
        ("tool", "42", "messages[2].content"), ("assistant", "done", "messages[3].content")]
    pref = own_values({"prompt": "p", "chosen": [{"role": "user", "content": "p"}, {"role": "assistant", "content": "good"}],
                       "rejected": [{"role": "user", "content": "p"}, {"role": "assistant", "content": "bad"}]})
    assert [(t["role"], t["path"]) for t in pref["turns"]] == [("user", "prompt"), ("assistant", "chosen[1].content")]
    assert (pref["chosen"], pref["rejected"], rejected_path("chosen[1].content")) == ("good", "bad", "rejected[-1].content")


def test_chosen_and_rejected_held_differently_is_a_bad_record():
    with pytest.raises(BadRecord, match="'chosen' is a string but 'rejected' is a turn object with 'value'"):
        own_values({"prompt": "p", "chosen": "a", "rejected": {"from": "gpt", "value": "b"}})


def test_a_mapping_reads_an_other_file():
    shape = Shape("other", {"instruction": "instruction", "input": "instances[0].input", "output": "instances[0].output"})
    rec = {"instruction": "给出同义词", "instances": [{"input": "惊人地", "output": "令人惊奇地"}]}
    got = own_values(rec, shape)
    assert (got["format"], got["instruction"], got["input"], got["output"]) == ("other", "给出同义词", "惊人地", "令人惊奇地")
    assert [t["path"] for t in got["turns"]] == ["instruction", "instances[0].input", "instances[0].output"]
    talk = Shape("other", {"conversation": "dialog", "role": "speaker", "text": "utterance", "roles": {"客服": "assistant"}})
    got = own_values({"dialog": [{"speaker": "顾客", "utterance": "在吗"}, {"speaker": "客服", "utterance": "在的"}]}, talk)
    assert [(t["role"], t["path"]) for t in got["turns"]] == [("user", "dialog[0].utterance"), ("assistant", "dialog[1].utterance")]
    assert (got["instruction"], got["output"]) == ("在吗", "在的")


@pytest.mark.parametrize("bad, message", [
    ({"format": "csv"}, "unknown format 'csv'"),
    ({"format": "sharegpt", "mapping": {}}, "only a file read as 'other' takes a mapping"),
    ({"format": "other", "mapping": {"answer": "a"}}, "unknown mapping key"),
    ({"format": "other", "mapping": {"output": "a[x]"}}, "bad index in JSON path"),
    ({"format": "other", "mapping": {"roles": {"a": "narrator"}}}, "mapping 'roles'"),
])
def test_bad_shapes_are_refused_with_a_reason(bad, message):
    with pytest.raises(ValueError, match=message):
        Shape.from_json(bad)


def test_paths_parse_and_read():
    assert jp.parse("messages[1].content[0].value") == ["messages", 1, "content", 0, "value"]
    assert jp.parse("history[0][1]") == ["history", 0, 1]
    assert jp.value_at({"c": [{"v": 1}, {"v": 2}]}, "c[-1].v") == 2
    assert jp.value_at({"c": []}, "c[0].v", "none") == "none"
    for bad in ("", "[0]", "a..b", "a[", "a[1", "a]b"):
        with pytest.raises(ValueError):
            jp.parse(bad)
    assert Shape("sharegpt").paths()["turns"] == "conversations" and Shape("cqia").paths()["output"] == "output"
    with pytest.raises(ShapeError):
        Shape("other", {"conversation": "d", "role": ""})
