"""The contamination figure of the bench: the app's scan beside a plain-Python baseline in
the same run (which must find the same rows), and the memory rows for a benchmark of
synthetic questions. Timing values are not asserted."""
from __future__ import annotations

import json

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.bench import budgets, measures_contam, releases, runner
from app.core.text.contamination import build_index, find_matches

from .analysis_support import make_frame

TINY = 240


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.tuples(st.text(alphabet="甲乙丙丁，a", max_size=25), st.text(alphabet="甲乙丙", max_size=8)),
                     max_size=6),
       qs=st.lists(st.text(alphabet="甲乙丙丁，a ", min_size=1, max_size=20), max_size=5), n=st.integers(2, 5))
def test_the_plain_python_baseline_computes_what_the_app_computes(rows, qs, n):
    frame = make_frame([{"instruction": i, "input": x} for i, x in rows])
    questions = pl.DataFrame({"benchmark_file": ["q"] * len(qs), "question_index": list(range(len(qs))),
                              "question": qs}, schema={"benchmark_file": pl.String, "question_index": pl.UInt32,
                                                       "question": pl.String})
    found = find_matches(frame, build_index(questions, n))
    positions = {rid: i for i, rid in enumerate(frame["rid"].to_list())}
    app = {positions[r["rid"]]: (round(r["overlap"], 9), r["question"]) for r in found.iter_rows(named=True)}
    plain = {r: (round(o, 9), q) for r, (o, q) in measures_contam.plain_python(rows, qs, n).items()}
    assert app == plain


def test_synthetic_questions_follow_the_lengths_given():
    frame = measures_contam.synthetic_questions(25_000, [3, 10], seed=1)
    assert frame.height == 25_000 and frame["question_index"].max() == 9_999
    assert set(frame["question"].str.len_chars().unique().to_list()) == {3, 10}
    assert frame["benchmark_file"].n_unique() == 3


@pytest.fixture()
def tiny_benchmarks(tmp_path, monkeypatch):
    """A release of 240 rows and benchmarks holding some of its instructions as questions."""
    if releases.make_release_script() is None and not releases._demo_rows(runner.Path(__file__).parents[2] / "resources" / "demo"):
        pytest.skip("no make_release.py and no resources/demo rows to build a release from")
    release = releases.ensure_release(tmp_path / "cache", TINY, log=lambda m: None)
    rows = [json.loads(line) for line in release.read_text("utf-8").splitlines() if line.strip()]
    stems = [r["instruction"] for r in rows if len(r.get("instruction", "")) > 20][:12]
    root = tmp_path / "benchmarks"
    (root / "cmmlu" / "test").mkdir(parents=True)
    (root / "gaokao-bench").mkdir()
    pl.DataFrame({"Question": stems[:6]}).write_csv(root / "cmmlu" / "test" / "a.csv")
    (root / "gaokao-bench" / "b.json").write_text(json.dumps({"example": [{"question": s} for s in stems[6:]]},
                                                             ensure_ascii=False), "utf-8")
    monkeypatch.setenv("CQIA_BENCHMARKS", str(root))
    monkeypatch.setattr(measures_contam, "MEMORY_SIZES", (3_000,))
    return tmp_path / "cache"


def test_the_figure_measures_app_and_baseline_in_one_run(tiny_benchmarks):
    printed: list[str] = []
    status, rows, doc = runner.run([TINY], repeats=1, out_dir=tiny_benchmarks, only=["contam"], echo=printed.append)
    scan = next(r for r in rows if r.figure == measures_contam.SCAN)
    assert scan.measured and scan.base_s and scan.ratio == pytest.approx(scan.app_s / scan.base_s)
    assert scan.budget == budgets.seconds(budgets.CONTAMINATION_S, "issue 26")
    assert "the baseline finds the same rows and questions" in scan.note, scan.note
    assert "12 questions" in scan.note
    memory = next(r for r in rows if r.figure == measures_contam.MEMORY.format(n=3_000))
    assert memory.measured and memory.unit == "MB" and "gram pairs" in memory.note, memory.note
    assert status == 0


def test_quick_mode_skips_the_baseline_and_the_memory_rows(tiny_benchmarks):
    _, rows, _ = runner.run([TINY], quick=True, repeats=1, out_dir=tiny_benchmarks, only=["contam"], echo=lambda _: None)
    assert [r.figure for r in rows] == [measures_contam.SCAN]
    assert rows[0].measured and rows[0].base_s is None and "skipped in --quick" in rows[0].note


def test_without_benchmarks_the_figure_says_why(tmp_path, monkeypatch):
    monkeypatch.setattr(measures_contam, "benchmarks_dir", lambda: None)
    rows = measures_contam.measure(None, TINY)
    assert not rows[0].measured and "benchmarks not found" in rows[0].note
