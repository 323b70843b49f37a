"""A conversation release in the window (issue 23): the facet panel lists format, turns
per row and roles, a role value filters the table, and the role search finds a middle turn."""
from __future__ import annotations

import json

from app.core.query.filters import SearchSpec

from .conftest import settle_all, wait_idle

RECORDS = [
    {"conversations": [{"from": "human", "value": "第一问"}, {"from": "gpt", "value": "中间提到长城"},
                       {"from": "human", "value": "再问"}, {"from": "gpt", "value": "结尾"}], "system": "导游"},
    {"messages": [{"role": "user", "content": "你好"}, {"role": "tool", "content": "42"},
                  {"role": "assistant", "content": "好的"}]},
    {"instruction": "介绍长城", "input": "", "output": "很长", "task_type": {"major": ["问答"]}},
]


def test_conversation_facets_and_role_search(qtbot, window, tmp_path):
    root = tmp_path / "chat"
    root.mkdir()
    for i, rec in enumerate(RECORDS):
        (root / f"r{i}.jsonl").write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    window.open_paths([str(root)])
    settle_all(qtbot, window)
    counts = window.session.facets.counts
    assert counts["format"].as_dict() == {"sharegpt": 1, "openai": 1, "cqia": 1}
    assert counts["n_turns"].as_dict() == {"3-4": 2, "2": 1}  # 4 turns, 3 (a tool turn counts), 2
    assert counts["roles"].as_dict() == {"user": 3, "assistant": 3, "system": 1, "tool": 1}
    titles = [window.facets.topLevelItem(i).text(0) for i in range(window.facets.topLevelItemCount())]
    assert {"Format", "Turns", "Roles"} <= set(titles)
    window.facets.includeToggled.emit("roles", "tool")
    wait_idle(qtbot, window)
    assert window.model.rowCount() == 1
    window.facets.facetCleared.emit("")
    wait_idle(qtbot, window)
    window.search_bar.set_spec(SearchSpec())
    window.search_bar.edit.setText("长城")
    window.search_bar.commit()
    wait_idle(qtbot, window)
    assert window.model.rowCount() == 2  # the middle assistant turn and the instruction
    window.search_bar.role.setCurrentIndex(window.search_bar.role.findData("user"))
    wait_idle(qtbot, window)
    assert window.model.rowCount() == 1
