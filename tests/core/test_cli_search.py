"""`python -m app search RELEASE QUERY` (issue 23): matching rows as file:line, or JSON;
every turn searched, --role, --regex, --word; the project's edits read like the other
verbs (--no-project: the raw release); errors one line, exit 2. Real subprocesses."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.core.cli_support import one_error_line, run_cli

RECORDS = {
    "chat.jsonl": [
        {"conversations": [{"from": "human", "value": "第一问"}, {"from": "gpt", "value": "中间提到长城"},
                           {"from": "human", "value": "追问黄河"}, {"from": "gpt", "value": "最后的回答"}]},
        {"conversations": [{"from": "human", "value": "长城有多长"}, {"from": "gpt", "value": "很长"}],
         "system": "你是导游"},
    ],
    "qa/cqia.jsonl": [
        {"instruction": "介绍苹果树", "input": "", "output": "苹果树开花", "task_type": {"major": ["问答"]}},
        {"instruction": "我爱吃苹果", "input": "", "output": "好的", "task_type": {"major": ["问答"]}},
    ],
}


@pytest.fixture()
def release(tmp_path) -> Path:
    root = tmp_path / "rel"
    for name, rows in RECORDS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return root


def _lines(result) -> list[str]:
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_search_prints_file_line_of_every_matching_row(tmp_path, release):
    assert _lines(run_cli(tmp_path, "search", release, "长城")) == ["chat.jsonl:1", "chat.jsonl:2"]
    assert _lines(run_cli(tmp_path, "search", release, "黄河")) == ["chat.jsonl:1"]  # a middle user turn
    assert _lines(run_cli(tmp_path, "search", release, "没有的词")) == []


def test_role_regex_and_json(tmp_path, release):
    assert _lines(run_cli(tmp_path, "search", release, "长城", "--role", "user")) == ["chat.jsonl:2"]
    assert _lines(run_cli(tmp_path, "search", release, "导游", "--role", "system")) == ["chat.jsonl:2"]
    out = run_cli(tmp_path, "search", release, "^苹果树", "--regex", "--role", "assistant", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"count": 1, "rows": [{"file": "qa/cqia.jsonl", "line": 1}]}


def test_word_search_takes_whole_jieba_words(tmp_path, release):
    # 苹果 is a word of "我爱吃苹果" but only the start of 苹果树
    assert _lines(run_cli(tmp_path, "search", release, "苹果", "--word")) == ["qa/cqia.jsonl:2"]
    assert _lines(run_cli(tmp_path, "search", release, "苹果")) == ["qa/cqia.jsonl:1", "qa/cqia.jsonl:2"]


def test_the_projects_edits_are_searched_unless_no_project(tmp_path, release):
    decisions = tmp_path / "d.jsonl"
    decisions.write_text(json.dumps({"file": "qa/cqia.jsonl", "line": 2, "op": "edit", "fields": {"output": "长城"}},
                                    ensure_ascii=False) + "\n", encoding="utf-8")
    assert run_cli(tmp_path, "apply", release, decisions).returncode == 0
    assert _lines(run_cli(tmp_path, "search", release, "长城")) == ["chat.jsonl:1", "chat.jsonl:2", "qa/cqia.jsonl:2"]
    assert _lines(run_cli(tmp_path, "search", release, "长城", "--no-project")) == ["chat.jsonl:1", "chat.jsonl:2"]


def test_errors_are_one_line(tmp_path, release):
    assert "invalid regular expression" in one_error_line(run_cli(tmp_path, "search", release, "(", "--regex"))
    assert "empty" in one_error_line(run_cli(tmp_path, "search", release, ""))
    one_error_line(run_cli(tmp_path, "search", tmp_path / "missing", "x"))
    one_error_line(run_cli(tmp_path, "search", release, "x", "--role", "narrator"))
    one_error_line(run_cli(tmp_path, "search", release, "x", "--regex", "--word"))
