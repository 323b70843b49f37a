"""Conversation figures (issue 23 point 5): format, turns per row (bins), roles present and
turn lengths per role, for any format, checked against a plain reading of all_turns();
the facets that filter by them."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.figures import dashboard, stats, turnstats
from app.core.load import schema
from app.core.load.loader import load_release
from app.core.query import facets, filters
from app.core.query.filters import FacetSel, FilterSpec
from tests.core.format_records import ANY


def _release(folder: Path, records: list[dict]) -> pl.DataFrame:
    folder.mkdir(exist_ok=True)
    for i, rec in enumerate(records):
        (folder / f"r{i:03d}.jsonl").write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    return load_release(folder).frame.sort("file")


def _plain(frame: pl.DataFrame) -> list[list[dict]]:
    return frame.select(schema.all_turns())["turns"].to_list()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(records=st.lists(ANY, min_size=1, max_size=8))
def test_turn_figures_match_a_plain_reading_of_all_turns(tmp_path_factory, records):
    frame = _release(tmp_path_factory.mktemp("t"), records)
    turns = _plain(frame)
    got = turnstats.role_turns(frame)
    want = sorted((i, t["role"], len(t["text"] or "")) for i, row in enumerate(turns) for t in row)
    assert sorted(got.select("row", "role", "chars").iter_rows()) == want
    roles = Counter(r for row in turns for r in {t["role"] for t in row})
    assert dict(turnstats.roles_present(frame).select("role", "rows").iter_rows()) == dict(roles)
    assert turnstats.role_column(frame).to_list() == [sorted({t["role"] for t in row}) for row in turns]


def test_tables_on_a_mixed_release(tmp_path):
    frame = _release(tmp_path / "rel", [
        {"conversations": [{"from": "human", "value": "问" * 3}, {"from": "gpt", "value": "答" * 30},
                           {"from": "human", "value": "再问"}, {"from": "gpt", "value": "答" * 300}], "system": "系统"},
        {"instruction": "指令", "input": "", "output": "输出" * 10, "task_type": {"major": ["问答"]}},
        {"messages": [{"role": "user", "content": "你好"}, {"role": "assistant", "content": "您好"}]},
    ])
    assert dict(turnstats.formats(frame).select("format", "rows").iter_rows()) == {"sharegpt": 1, "cqia": 1, "openai": 1}
    per_row = turnstats.turns_per_row(frame)
    assert dict(per_row.select("bin", "rows").iter_rows())["2"] == 2 and dict(per_row.select("bin", "rows").iter_rows())["3-4"] == 1
    assistant = dict(turnstats.role_length_bins(frame, "assistant").select("bin", "rows").iter_rows())
    assert assistant["20-49"] == 2 and assistant["200-499"] == 1 and assistant["0-9"] == 1  # 答*30, 输出*10, 答*300, 您好
    tables = dashboard.all_tables(frame)
    assert {"formats", "turns_per_row", "roles", "user_chars", "assistant_chars", "system_chars"} <= set(tables)
    out = stats.release_stats(frame)
    assert out["facets"]["format"] == {"sharegpt": 1, "cqia": 1, "openai": 1}
    assert out["facets"]["roles"] == {"user": 3, "assistant": 3, "system": 1}
    assert out["facets"]["n_turns"] == {"2": 2, "3-4": 1}
    assert out["turn_length"]["assistant"]["max"] == 300


def test_facets_filter_by_format_turns_and_roles(tmp_path):
    frame = _release(tmp_path / "rel", [
        {"conversations": [{"from": "human", "value": "a"}, {"from": "gpt", "value": "b"},
                           {"from": "human", "value": "c"}, {"from": "gpt", "value": "d"}], "system": "s"},
        {"instruction": "i", "input": "", "output": "o", "task_type": {"major": ["问答"]}},
        {"messages": [{"role": "user", "content": "x"}, {"role": "tool", "content": "y"}]},
    ])
    counts = facets.all_facet_counts(frame, FilterSpec(), ("format", "n_turns", "roles"), limit=None)
    assert counts["n_turns"].as_dict() == {"2": 2, "3-4": 1}
    assert counts["roles"].as_dict() == {"user": 3, "assistant": 2, "system": 1, "tool": 1}
    spec = FilterSpec(facets=(("roles", FacetSel(include=("tool",))),))
    assert frame["file"].gather(filters.apply(frame, spec)).to_list() == ["r002.jsonl"]
    spec = FilterSpec(facets=(("n_turns", FacetSel(exclude=("2",))),))
    assert filters.count(frame, spec) == 1
    assert "format" in facets.facet_columns(frame) and "roles" in facets.facet_columns(frame)


def test_a_coig_release_gets_no_conversation_tables_nor_facets(tmp_path):
    frame = _release(tmp_path / "rel", [{"instruction": "i", "input": "", "output": "o", "task_type": {"major": ["问答"]}}] * 2)
    assert not {"formats", "turns_per_row", "roles", "user_chars"} & set(dashboard.all_tables(frame))
    assert "roles" not in facets.facet_columns(frame) and "format" not in facets.facet_columns(frame)
