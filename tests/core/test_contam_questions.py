"""Reading benchmark questions: CSV (a column named question, any case), JSON (question
fields wherever they sit), JSONL, Parquet; folders searched; one-line errors."""
from __future__ import annotations

import json
import polars as pl
import pytest

from app.core.text.contamination.questions import BenchmarkError, read_benchmarks


def _questions(paths) -> list[tuple[str, int, str]]:
    bench = read_benchmarks(paths)
    return list(bench.questions.select("benchmark_file", "question_index", "question").iter_rows())


def test_csv_column_named_question_in_any_case(tmp_path):
    (tmp_path / "a.csv").write_text(",Question,A,B\n0,第一题的题干,甲,乙\n1,\"带逗号，和\"\"引号\"\"的题干\",丙,丁\n",
                                    encoding="utf-8")
    (tmp_path / "b.csv").write_text("id,QUESTION\n7,另一题\n", encoding="utf-8")
    assert _questions([tmp_path / "a.csv", tmp_path / "b.csv"]) == [
        ("a.csv", 0, "第一题的题干"), ("a.csv", 1, "带逗号，和\"引号\"的题干"), ("b.csv", 0, "另一题")]


def test_csv_with_bom_and_crlf(tmp_path):
    (tmp_path / "c.csv").write_bytes("\ufeffquestion,answer\r\n题一,A\r\n题二,B\r\n".encode())
    assert [q for _, _, q in _questions([tmp_path / "c.csv"])] == ["题一", "题二"]


def test_json_question_fields_wherever_they_sit(tmp_path):
    doc = {"keywords": "x", "example": [{"question": "甲题", "answer": ["A"], "index": 0},
                                        {"question": "乙题", "sub": {"Question": "嵌套的题"}}],
           "meta": {"question_count": 3, "question": ["not", "a", "string"]}}
    (tmp_path / "g.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    # only a string is a question; a list or object under the key is searched further
    assert [q for _, _, q in _questions([tmp_path / "g.json"])] == ["甲题", "乙题", "嵌套的题"]


def test_jsonl_and_parquet(tmp_path):
    (tmp_path / "q.jsonl").write_text('{"question": "一"}\n\n{"id": 2, "question": "二"}\n', encoding="utf-8")
    pl.DataFrame({"Question": ["三", None, "五"], "answer": ["A", "B", "C"]}).write_parquet(tmp_path / "q.parquet")
    got = _questions([tmp_path / "q.jsonl", tmp_path / "q.parquet"])
    assert got == [("q.jsonl", 0, "一"), ("q.jsonl", 1, "二"), ("q.parquet", 0, "三"), ("q.parquet", 2, "五")]


def test_folders_are_searched_and_named_from_the_folder_given(tmp_path):
    bench = tmp_path / "bench"
    (bench / "test").mkdir(parents=True)
    (bench / "test" / "b.csv").write_text("question\n乙\n", encoding="utf-8")
    (bench / "a.json").write_text('{"question": "甲"}', encoding="utf-8")
    (bench / "README.md").write_text("not a question file")
    (bench / ".hidden.csv").write_text("question\n藏\n")
    got = read_benchmarks([bench])
    assert got.files == ("bench/a.json", "bench/test/b.csv")
    assert got.questions["benchmark_file"].to_list() == ["bench/a.json", "bench/test/b.csv"]


def test_folder_file_without_questions_is_skipped_with_a_warning(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "q.csv").write_text("question\n题\n", encoding="utf-8")
    (tmp_path / "b" / "results.csv").write_text("model,score\nx,1\n", encoding="utf-8")
    got = read_benchmarks([tmp_path / "b"])
    assert got.questions.height == 1
    assert got.warnings == ("b/results.csv: no column named question (columns: model, score): skipped",)


@pytest.mark.parametrize("name, content, message", [
    ("x.csv", "model,score\n1,2\n", r"x\.csv: no column named question \(columns: model, score\)$"),
    ("x.json", '{"a": 1}', r"x\.json: no question field$"),
    ("x.json", '{"question": "a",\n  oops}', r"x\.json line 2: invalid JSON: .* \(column 3\)$"),
    ("x.jsonl", '{"question": "a"}\n{bad\n', r"x\.jsonl line 2: invalid JSON: .* \(column 2\)$"),
    ("x.csv", b"question\n\xff\xfe\n", r"x\.csv: not UTF-8 text"),
    ("x.parquet", b"PAR1 not really", r"x\.parquet: cannot be read as Parquet"),
    ("x.txt", "question\n", r"x\.txt: not a benchmark file \(\.csv, \.json, \.jsonl or \.parquet\)$"),
])
def test_bad_files_are_one_line_errors(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(BenchmarkError, match=message) as err:
        read_benchmarks([path])
    assert "\n" not in str(err.value)


def test_missing_path_and_empty_folder(tmp_path):
    with pytest.raises(BenchmarkError, match=r"nope: no such file or folder$"):
        read_benchmarks([tmp_path / "nope"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(BenchmarkError, match=r"empty: no benchmark file \(\.csv, \.json, \.jsonl or \.parquet\) in this folder$"):
        read_benchmarks([tmp_path / "empty"])


def test_the_published_benchmarks_read_as_provenance_says(benchmarks_root):
    root = benchmarks_root
    cmmlu = read_benchmarks([root / "cmmlu"])
    gaokao = read_benchmarks([root / "gaokao-bench"])
    assert cmmlu.questions.height == 11_917 and len(cmmlu.files) == 134
    assert gaokao.questions.height == 2_811 and len(gaokao.files) == 32
    first = cmmlu.questions.filter(pl.col("benchmark_file") == "cmmlu/test/agronomy.csv").row(0, named=True)
    assert first["question_index"] == 0 and first["question"].startswith("在农业生产中被当作极其重要的劳动对象")
    # GAOKAO-Bench's question index is its record's position in the example list (its own 'index')
    sample = gaokao.questions.filter(pl.col("benchmark_file").str.ends_with("2010-2022_Math_I_MCQs.json"))
    records = json.loads((root / "gaokao-bench/objective/2010-2022_Math_I_MCQs.json").read_text("utf-8"))["example"]
    assert sample["question_index"].to_list() == [r["index"] for r in records]
    assert sample["question"].to_list() == [r["question"] for r in records]
