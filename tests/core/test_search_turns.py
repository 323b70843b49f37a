"""Search across every turn (issue 23 point 5): conversation rows are searched in all their
turns (and their system text), single-turn rows in instruction / input / output, with a
role filter, through the inner shape; checked against a plain reading of all_turns()."""
from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.load import schema
from app.core.load.loader import load_release
from app.core.query import filters
from app.core.query.filters import FilterSpec, SearchSpec
from tests.core.format_records import ANY

RECORDS = [
    {"conversations": [{"from": "human", "value": "第一问"}, {"from": "gpt", "value": "中间的回答提到长城"},
                       {"from": "human", "value": "追问黄河"}, {"from": "gpt", "value": "最后的回答"}],
     "system": "你是导游"},
    {"messages": [{"role": "system", "content": "扮演医生"}, {"role": "user", "content": "头疼"},
                  {"role": "assistant", "content": "多喝水"}]},
    {"instruction": "介绍长城", "input": "简短", "output": "长城很长", "task_type": {"major": ["问答"]}, "domain": ["通用"]},
    {"conversation": [{"human": "你好", "assistant": "您好"}, {"human": "讲个笑话", "assistant": "黄河笑话"}]},
    {"conversations": [{"from": "human", "value": "选哪个"}], "chosen": {"from": "gpt", "value": "好答案"},
     "rejected": {"from": "gpt", "value": "坏答案长城"}},
]


def _release(tmp_path: Path, records: list[dict]) -> pl.DataFrame:
    folder = tmp_path / "rel"
    folder.mkdir(exist_ok=True)
    by_file: dict[str, list[str]] = {}
    for i, rec in enumerate(records):  # one file per record keeps each in its own format
        by_file[f"r{i:03d}.jsonl"] = [json.dumps(rec, ensure_ascii=False)]
    for name, lines in by_file.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_release(folder).frame


def _hits(frame: pl.DataFrame, **kw) -> list[int]:
    rows = filters.apply(frame, FilterSpec(search=SearchSpec(**kw)))
    return sorted(int(name[1:4]) for name in frame["file"].gather(rows).to_list())  # rNNN.jsonl


@pytest.fixture(scope="module")
def frame(tmp_path_factory):
    return _release(tmp_path_factory.mktemp("turns"), RECORDS)


def test_a_middle_turn_of_a_conversation_is_searched(frame):
    # 长城 is in record 0's middle assistant turn (neither its instruction nor its output),
    # record 2's instruction and output, and record 4's rejected response (not a turn)
    assert _hits(frame, text="长城") == [0, 2]
    assert _hits(frame, text="黄河") == [0, 3]  # a later user turn; firefly's second pair


def test_the_role_filter_picks_the_turns(frame):
    assert _hits(frame, text="长城", role="assistant") == [0, 2]
    assert _hits(frame, text="长城", role="user") == [2]
    assert _hits(frame, text="黄河", role="user") == [0]
    assert _hits(frame, text="简短", role="user") == [2]  # input is the user's
    assert _hits(frame, text="简短", role="assistant") == []


def test_system_text_is_searched_as_the_system_role(frame):
    assert _hits(frame, text="导游") == [0]  # the top-level system field
    assert _hits(frame, text="医生", role="system") == [1]  # a system message inside the conversation
    assert _hits(frame, text="导游", role="user") == []


def test_regex_and_case_across_turns(frame):
    assert _hits(frame, text="追问.河", mode="regex") == [0]
    assert _hits(frame, text="^最后", mode="regex", role="assistant") == [0]
    assert _hits(frame, text="^最后", mode="regex", role="user") == []


def test_a_narrower_field_scope_keeps_to_those_fields(frame):
    # instruction only: a conversation's first user turn, not its other turns
    assert _hits(frame, text="黄河", fields=("instruction",)) == []
    assert _hits(frame, text="第一问", fields=("instruction",)) == [0]


def test_role_round_trips_through_the_view_text():
    spec = FilterSpec(search=SearchSpec(text="x", role="assistant"))
    assert FilterSpec.from_text(spec.to_text()) == spec
    assert "role" not in FilterSpec(search=SearchSpec(text="x")).to_text()
    with pytest.raises(ValueError, match="role"):
        SearchSpec(text="x", role="narrator")


def _reference(frame: pl.DataFrame, spec: SearchSpec) -> list[bool]:
    """Plain Python over all_turns(): a row matches when a turn of the role matches."""
    turns = frame.select(schema.all_turns())["turns"].to_list()
    flags = 0 if spec.case_sensitive else re.IGNORECASE
    out = []
    for row in turns:
        out.append(any((spec.role == "any" or t["role"] == spec.role)
                       and re.search(re.escape(spec.text), t["text"] or "", flags) is not None for t in row))
    return out


WORDS = st.sampled_from(["你好", "1", "a", "A", "文本", "多行\n", "null", "[1"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(records=st.lists(ANY, min_size=1, max_size=6), term=WORDS,
       role=st.sampled_from(["any", "user", "assistant", "system"]), case=st.booleans())
def test_search_matches_a_plain_reading_of_all_turns(tmp_path_factory, records, term, role, case):
    frame = _release(tmp_path_factory.mktemp("h"), records)
    spec = SearchSpec(text=term, role=role, case_sensitive=case)
    want = _reference(frame, spec)
    mask = filters.search_mask(frame, spec)
    assert mask.to_list() == want
    # the pure expression (for lazy use) agrees with the mask
    assert frame.select(filters.search_expr(spec)).to_series().to_list() == want
