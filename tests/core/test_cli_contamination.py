"""`python -m app contamination RELEASE --benchmark PATH... [--ngram N] [--json]` in a real
child process: the JSON shape the issue states, the text report, one-line errors."""
from __future__ import annotations

import json

import pytest

from ..conftest import write_jsonl
from .cli_support import one_error_line, run_cli

Q1 = "下列关于细胞膜结构与功能的叙述，正确的是哪一项？"
Q2 = "中国的首都是哪座城市"  # a short stem: 10 characters


def _row(instruction: str, input_: str = "", output: str = "答案。") -> str:
    return json.dumps({"instruction": instruction, "input": input_, "output": output}, ensure_ascii=False)


@pytest.fixture()
def case(tmp_path):
    release = tmp_path / "rel"
    write_jsonl(release / "exam" / "a.jsonl", [_row("请写一首诗"), _row("选择题：" + Q1.replace("，", ", "), "A. 甲 B. 乙"),
                                               _row("问题：" + Q2 + "？")])
    write_jsonl(release / "zhihu" / "b.jsonl", [_row(Q1[:16] + "呢"), _row("无关的问题，和考试没有关系的一句话")])
    bench = tmp_path / "bench"
    bench.mkdir()
    (bench / "q.csv").write_text(f",Question,A\n0,{Q2},x\n1,\"{Q1}\",y\n", encoding="utf-8")
    return release, bench


def test_json_shape_is_exactly_the_issues(tmp_path, case):
    release, bench = case
    res = run_cli(tmp_path, "contamination", release, "--benchmark", bench, "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert list(doc) == ["rows_scanned", "questions", "matches"]
    assert doc["rows_scanned"] == 5 and doc["questions"] == 2
    assert doc["matches"] == [
        {"file": "exam/a.jsonl", "line": 2, "overlap": 1.0, "benchmark_file": "bench/q.csv", "question_index": 1},
        {"file": "zhihu/b.jsonl", "line": 1, "overlap": 0.3, "benchmark_file": "bench/q.csv",
         "question_index": 1},
    ]


def test_a_shorter_ngram_sees_the_short_stem(tmp_path, case):
    release, bench = case
    res = run_cli(tmp_path, "contamination", release, "--benchmark", bench / "q.csv", "--ngram", "8", "--json")
    assert res.returncode == 0, res.stderr
    found = {(m["file"], m["line"]): (m["overlap"], m["benchmark_file"], m["question_index"])
             for m in json.loads(res.stdout)["matches"]}
    assert found[("exam/a.jsonl", 3)] == (1.0, "q.csv", 0)


def test_text_report(tmp_path, case):
    release, bench = case
    res = run_cli(tmp_path, "contamination", release, "--benchmark", bench)
    assert res.returncode == 0, res.stderr
    out = res.stdout.splitlines()
    assert out[0] == "scanned 5 rows against 2 questions from 1 file (1 long enough for a 13-gram)"
    assert out[1] == "2 rows share a 13-gram with a question: 1 with overlap >= 0.9, 0 0.5-0.9, 1 0.2-0.5, 0 under 0.2"
    assert out[2].startswith("exam/a.jsonl:2  overlap 1.00  bench/q.csv #1  下列关于细胞膜")
    assert out[3].startswith("zhihu/b.jsonl:1  overlap 0.30  bench/q.csv #1")
    assert res.stderr == ""


@pytest.mark.parametrize("args, message", [
    (["--benchmark", "{tmp}/nope"], r"^error: .*/nope: no such file or folder$"),
    (["--benchmark", "{tmp}/bad.json"], r"^error: .*/bad\.json line 1: invalid JSON: .* \(column \d+\)$"),
    (["--benchmark", "{bench}", "--ngram", "0"], r"^error: argument --ngram: .*"),
    ([], r"^error: the following arguments are required: --benchmark"),
])
def test_errors_are_one_line(tmp_path, case, args, message):
    import re

    release, bench = case
    (tmp_path / "bad.json").write_text("{oops", encoding="utf-8")
    args = [a.format(tmp=tmp_path, bench=bench) for a in args]
    res = run_cli(tmp_path, "contamination", release, *args)
    assert re.match(message, one_error_line(res)), res.stderr


def test_release_without_rows_is_an_error(tmp_path, case):
    _, bench = case
    (tmp_path / "empty.jsonl").write_text("")
    assert one_error_line(run_cli(tmp_path, "contamination", tmp_path / "empty.jsonl", "--benchmark", bench)) \
        .startswith("error: no readable row")


def test_the_real_release_against_the_published_benchmarks(tmp_path, sample_root, benchmarks_root):
    res = run_cli(tmp_path, "contamination", sample_root, "--benchmark", benchmarks_root / "cmmlu",
                  benchmarks_root / "gaokao-bench", "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["rows_scanned"] == 17_971 and doc["questions"] == 14_728
    matches = doc["matches"]
    assert all(0 < m["overlap"] <= 1 for m in matches)
    assert [(m["file"], m["line"]) for m in matches] == sorted((m["file"], m["line"]) for m in matches)
    exam = [m for m in matches if m["file"].startswith("exam/")]
    # the exam subsets are where benchmark items are expected, and where most are
    assert len(exam) > 500 and len(exam) > 0.8 * len(matches)
    assert sum(m["overlap"] >= 0.9 for m in exam) > 150
    # COIG-CQIA's traditional-culture multiple choice reuses CMMLU's elementary Chinese items
    assert any(m["file"].startswith("chinese_traditional/trad-multi-choice") and m["overlap"] == 1.0
               and m["benchmark_file"] == "cmmlu/test/elementary_chinese.csv" for m in matches)
