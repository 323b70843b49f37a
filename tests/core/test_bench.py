"""The benchmark harness (app.bench): a smoke run on a tiny release checks the table and
JSON shapes and that ratios are computed from the measured times; the pure parts
(budgets, verdicts, the quick gate, release building) are checked directly. No timing
value is asserted: they depend on the machine.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.bench import budgets, child, job, measures_browse, measures_load, measures_ui, releases, runner, table
from app.bench.context import Ctx
from app.bench.table import Budget, Row

PROJECT = Path(__file__).resolve().parents[2]
TINY = 240


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    """One real run: load (app + three peers), browse, save and export on a 240-row release."""
    if releases.make_release_script() is None and not releases._demo_rows(PROJECT / "resources" / "demo"):
        pytest.skip("no make_release.py and no resources/demo rows to build a release from")
    out = tmp_path_factory.mktemp("bench")
    printed: list[str] = []
    status, rows, doc = runner.run([TINY], repeats=1, out_dir=out, json_path=out / "bench.json",
                                   only=["load", "browse", "save", "export"], echo=printed.append)
    return status, rows, doc, "\n".join(printed), out


def test_smoke_table_has_every_column_and_figure(smoke):
    _, rows, _, printed, _ = smoke
    lines = [l for l in printed.splitlines() if l.startswith("|")]
    assert lines[0] == "| " + " | ".join(table.COLUMNS) + " |"
    body = lines[2:]
    assert len(body) == len(rows)
    for line in body:  # every data line has exactly the header's cells (escaped pipes aside)
        assert len(line.replace("\\|", "").strip("|").split("|")) == len(table.COLUMNS)
    figures = {r.figure for r in rows}
    assert {"load + all facet counts (whole process)", "peak memory, load + counts (ru_maxrss)",
            "facet recount after one click", "substring search, 3 fields"} <= figures
    assert any(f.startswith("export JSONL, no edits") for f in figures)
    assert f"save a {TINY}-edit version" in figures
    assert "Machine:" in printed and "Polars" in printed


def test_smoke_measures_and_computes_ratios(smoke):
    _, rows, _, _, _ = smoke
    baselines = {r.baseline for r in rows if r.figure.startswith("load +")}
    assert baselines == {label for _, label, _, _ in measures_load.CONTENDERS[1:]}
    for r in rows:
        assert r.measured, f"{r.figure}: {r.note}"
        assert r.base_s is not None and r.base_s > 0
        assert r.ratio == pytest.approx(r.app_s / r.base_s)
    load = next(r for r in rows if r.baseline.startswith("bare Polars read_ndjson"))
    assert load.budget == budgets.LOAD_RATIO and load.passed == (load.ratio <= 1.3)
    search = next(r for r in rows if r.figure.startswith("substring search"))
    assert "disagree" not in search.note  # app and bare Polars counted the same rows
    export = next(r for r in rows if r.figure == "export JSONL, no edits")
    assert export.note.startswith("byte-identical")


def test_smoke_json_matches_table(smoke):
    status, rows, doc, _, out = smoke
    written = json.loads((out / "bench.json").read_text(encoding="utf-8"))
    assert written == json.loads(json.dumps(doc))
    assert written["mode"] == "full" and written["exit_status"] == status == 0
    assert {"cpu", "cores", "ram_gb", "python", "polars", "date"} <= set(written["machine"])
    assert [r["figure"] for r in written["rows"]] == [r.figure for r in rows]
    for r in written["rows"]:
        assert {"figure", "rows", "app_s", "baseline", "base_s", "ratio", "budget", "passed", "note"} <= set(r)
        assert r["ratio"] == pytest.approx(r["app_s"] / r["base_s"])
        assert r["budget"]["kind"] in ("ratio", "abs", "none")
    assert not list(out.glob("work-*")), "scratch output is removed after the run"


def test_verdicts_and_quick_gate():
    ratio = Budget("ratio", 1.3)
    assert Row("x", 10, 1.2, "b", 1.0, ratio).passed is True
    slow = Row("x", 10, 2.0, "b", 1.0, ratio)
    assert slow.passed is False and not slow.gate_failed  # 2.0x: over budget, under twice it
    awful = Row("x", 10, 2.7, "b", 1.0, ratio)
    assert awful.gate_failed
    absolute = Row("y", 10, 0.5, "b", 0.001, Budget("abs", 0.05))
    assert absolute.passed is False and not absolute.gate_failed  # absolute times never gate
    assert table.exit_status([slow, absolute], quick=True) == 0
    assert table.exit_status([awful], quick=True) == 1
    assert table.exit_status([awful], quick=False) == 0  # the full run reports, never fails
    missing = table.na("z", 10, "module missing: app.core.nothing", ratio)
    assert missing.passed is None and missing.ratio is None and not missing.gate_failed
    assert "n/a (module missing" in table.markdown([missing])
    crashed = table.na("z", 10, "error: RuntimeError: boom", ratio)
    assert crashed.passed is None and crashed.gate_failed and table.exit_status([crashed], quick=True) == 1
    assert table.na("z", 10, "error: boom", Budget("abs", 1.0)).gate_failed  # a crash is not a noisy time


def test_from_result_turns_na_and_errors_into_rows_without_numbers():
    for result in ({"na": "module missing: x"}, {"error": "boom"}, None):
        row = table.from_result("f", 5, result, "base", Budget("ratio", 1.5))
        assert row.app_s is None and row.ratio is None and row.note.startswith("n/a (")
    row = table.from_result("f", 5, {"app_s": 3.0, "base_s": 2.0, "note": "n"}, "base")
    assert row.ratio == pytest.approx(1.5) and row.note == "n"


def test_sized_budgets_follow_the_issues():
    assert budgets.sized(budgets.RECOUNT_S, 48_375, "i").limit == 0.030
    assert budgets.sized(budgets.RECOUNT_S, 1_000, "i").limit == 0.030
    assert budgets.sized(budgets.SEARCH_S, 500_000, "i").limit == 0.500
    assert budgets.sized(budgets.SEARCH_S, 600_000, "i").kind == "none"
    assert budgets.at_size(budgets.LOAD_MEMORY_RATIO, budgets.LARGE, 48_375).kind == "none"


def test_plan_picks_sizes_per_figure():
    plan = runner.plan([48_375, 500_000], None)
    assert ("load", 48_375) in plan and ("load", 500_000) in plan
    assert ("save", 500_000) in plan and ("save", 48_375) not in plan
    assert ("export", 48_375) in plan and ("export", 500_000) not in plan
    assert ("bundle", 0) in plan
    assert ("review", 48_375) in plan and ("review", 500_000) in plan
    assert ("team", 500_000) in plan and ("team", 48_375) not in plan
    assert runner.plan([1000], ["load"]) == [("load", 1000)]
    with pytest.raises(ValueError, match="unknown figure"):
        runner.plan([1000], ["nonsense"])


def test_bundle_comes_from_cqia_bundle_and_reports_size_and_frozen_launch(tmp_path, monkeypatch):
    fake = tmp_path / "onedir"
    (fake / "_internal").mkdir(parents=True)
    (fake / "_internal" / "blob").write_bytes(b"x" * 2**20)  # 1 MB, and no executable
    monkeypatch.setenv(measures_ui.BUNDLE_ENV, str(fake))
    assert measures_ui.bundle_dir() == fake
    size, launch = measures_ui.measure_bundle(Ctx(cache=tmp_path, work=tmp_path / "w"), 0)
    assert size.app_s == pytest.approx(1.0) and size.unit == "MB" and size.note == str(fake)
    assert launch.figure == measures_ui.FROZEN_PAINT and not launch.measured
    assert "no executable cqia-curator" in launch.note and launch.budget.limit == budgets.FROZEN_COLD_START_S
    monkeypatch.setenv(measures_ui.BUNDLE_ENV, str(tmp_path / "absent"))
    rows = measures_ui.measure_bundle(Ctx(cache=tmp_path, work=tmp_path / "w"), 0)
    assert [r.measured for r in rows] == [False, False] and "is not a folder" in rows[0].note


def test_review_budget_is_16_ms_up_to_500k_rows(monkeypatch, tmp_path):
    """A failing probe is an n/a row that still names the budget it would be judged by."""
    monkeypatch.setattr(measures_ui.proc, "run_script", lambda *a, **k: measures_ui.proc.ChildRun(1.0, {}, "exit 1: boom"))
    ctx = Ctx(cache=tmp_path, work=tmp_path / "w")
    monkeypatch.setattr(ctx, "release", lambda rows: tmp_path / "r.jsonl")
    if measures_ui.qt_env() is None:
        pytest.skip("PySide6 not installed")
    for rows in (48_375, 500_000):
        (row,) = measures_ui.measure_review(ctx, rows)
        assert row.budget.limit == budgets.REVIEW_KEY_S and not row.measured and "boom" in row.note
    assert measures_ui.measure_review(ctx, 600_000)[0].budget.kind == "none"
    payload = {"all": {"n": 200, "p50_ms": 6.0, "p95_ms": 14.0, "max_ms": 24.0}, "all_gui_cpu": {"p95_ms": 8.0}}
    monkeypatch.setattr(measures_ui.proc, "run_script", lambda *a, **k: measures_ui.proc.ChildRun(1.0, payload))
    (row,) = measures_ui.measure_review(ctx, 48_375)
    assert row.app_s == pytest.approx(0.014) and row.passed is True and row.repeats == 200
    assert "p50 6 ms" in row.note and "GUI CPU p95 8 ms" in row.note


def test_child_reports_missing_modules_and_contains_failures(monkeypatch, tmp_path):
    assert job.missing("app.core.no_such_module") == "module missing: app.core.no_such_module"
    assert job.missing("app.no_such_package.sub") == "module missing: app.no_such_package.sub"
    assert job.missing("json") is None

    def broken(job):
        raise RuntimeError("kaput")

    monkeypatch.setattr(child, "groups", lambda: {"g": {"ok": lambda job: {"app_s": 1.0}, "bad": broken}})
    out = child.run_group("g", child.Job(tmp_path / "nothing.jsonl", tmp_path, 1))
    assert out["ok"] == {"app_s": 1.0}
    assert "RuntimeError: kaput" in out["bad"]["error"]


def test_resample_demo_is_deterministic_and_distinct(tmp_path):
    demo = tmp_path / "demo"
    (demo / "a").mkdir(parents=True)
    rows = [json.dumps({"instruction": f"问题{i}", "output": f"回答{i}", "metadata": ""}, ensure_ascii=False) for i in range(5)]
    (demo / "a" / "a.jsonl").write_text("\n".join(rows) + "\n{broken\n", encoding="utf-8")
    (demo / "lfs.jsonl").write_text("version https://git-lfs.github.com/spec/v1\n", encoding="utf-8")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    releases.resample_demo(12, one, seed=3, demo=demo)
    releases.resample_demo(12, two, seed=3, demo=demo)
    assert one.read_bytes() == two.read_bytes()
    lines = one.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 12 and len(set(lines)) == 12  # copies differ (copy:K), so ids differ
    assert sum("copy:" in json.loads(l)["metadata"] for l in lines) == 7
    releases.resample_demo(7, tmp_path / "tree", seed=0, tree=True, demo=demo)
    assert len((tmp_path / "tree" / "a" / "a.jsonl").read_text(encoding="utf-8").splitlines()) == 7


def test_ensure_release_builds_once(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(releases, "make_release_script", lambda: None)

    def fake(rows, out, *, seed=0, tree=False):
        calls.append(rows)
        Path(out).write_text("{}\n" * rows)

    monkeypatch.setattr(releases, "resample_demo", fake)
    first = releases.ensure_release(tmp_path, 9, 1, log=lambda m: None)
    again = releases.ensure_release(tmp_path, 9, 1, log=lambda m: None)
    assert first == again and calls == [9] and first.name == "r9_s1.jsonl"
    assert not list(first.parent.glob("*.part"))


def test_cli_rejects_an_unknown_figure():
    done = subprocess.run([sys.executable, "-m", "app", "bench", "--only", "nonsense"], capture_output=True,
                          text=True, cwd=PROJECT, timeout=60)
    assert done.returncode == 2
    assert "unknown figure" in done.stderr and "Traceback" not in done.stderr


def test_slow_baselines_yield_to_the_run_budget(tmp_path, monkeypatch):
    import time

    from app.bench import measures_text
    from app.bench.context import Ctx

    ctx = Ctx(cache=tmp_path, work=tmp_path / "w", deadline=time.perf_counter() + 60)
    spawned = []
    monkeypatch.setattr(Ctx, "child", lambda self, *a, **k: spawned.append(a) or {"jieba": {"base_s": 9.0}})
    late = {"app_s": 40.0, "note": "x"}  # 2.5 x 40 s + 30 s does not fit in 60 s
    measures_text._add_baseline(ctx, tmp_path, late, "jieba", factor=2.5)
    assert not spawned and "base_s" not in late and "baseline skipped" in late["note"]
    early = {"app_s": 5.0}
    measures_text._add_baseline(ctx, tmp_path, early, "jieba", factor=2.5)
    assert len(spawned) == 1 and early["base_s"] == 9.0


def test_children_start_from_bytecode_as_an_installed_app_does():
    """PYTHONDONTWRITEBYTECODE must not make every timed child compile our modules."""
    import importlib.util
    import os

    from app.bench import proc

    source = PROJECT / "app" / "core" / "load" / "loader.py"
    cached = Path(importlib.util.cache_from_source(str(source)))
    cached.unlink(missing_ok=True)
    proc.compile_project()
    assert cached.is_file() and os.stat(cached).st_mtime >= os.stat(source).st_mtime


def test_the_only_option_names_every_figure():
    """`bench --help` lists what --only accepts: every figure the runner measures."""
    out = subprocess.run([sys.executable, "-m", "app", "bench", "--help"], capture_output=True, text=True,
                         check=True).stdout
    listed = set(" ".join(out.split()).split("measure only these:", 1)[1].split("(")[0].replace(",", " ").split())
    assert set(runner.FIGURES) <= listed, sorted(set(runner.FIGURES) - listed)


def test_the_demo_resample_is_readable_by_the_bare_baselines(tmp_path):
    """Without make_release.py the bench resamples resources/demo: the demo's rows of odd
    shapes (FLAWS.md) stay out, or bare Polars (the baseline) cannot read the release."""
    import polars as pl

    out = tmp_path / "r.jsonl"
    releases.resample_demo(2_000, out, seed=0)
    assert pl.read_ndjson(out).height == 2_000


def test_the_sharegpt_release_and_its_load_figure(tmp_path, monkeypatch, formats_root):
    """Issue 23's figure: a ShareGPT release resampled from the real files (distinct
    lines, ShareGPT and DPO records), loaded by the app beside bare read_ndjson."""
    from app.bench import sharegpt
    from app.core.load.loader import load_release

    path = tmp_path / "sg.jsonl"
    sharegpt.make(2000, path, root=formats_root)  # more than the 1,600 real records: every source
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(set(lines)) == 2000
    release = load_release(path)
    assert release.report.bad_lines == [] and set(release.frame["format"]) == {"sharegpt", "preference"}
    monkeypatch.setenv("CQIA_FORMATS", str(formats_root))
    ctx = Ctx(cache=tmp_path / "cache", work=tmp_path / "work", repeats=1, log=lambda _: None)
    [row] = measures_load.measure_sharegpt(ctx, 2000)
    assert row.measured, row.note
    assert row.budget == budgets.LOAD_SHAREGPT_RATIO and row.ratio == pytest.approx(row.app_s / row.base_s)
    assert "preference" in row.note and "sharegpt" in row.note
    assert ("sharegpt", 48_375) in runner.plan([48_375, 500_000], None)


def test_team_figures_gather_and_dashboard_on_a_tiny_release(tmp_path):
    """Issue 27's two figures run end to end (5 curators gathered, a dashboard over 10
    projects); their budgets apply at 500,000 rows only."""
    if releases.make_release_script() is None and not releases._demo_rows(PROJECT / "resources" / "demo"):
        pytest.skip("no make_release.py and no resources/demo rows to build a release from")
    status, rows, _ = runner.run([TINY], repeats=1, out_dir=tmp_path, only=["team"], echo=lambda _: None)
    assert status == 0 and [r.figure for r in rows] == ["gather 5 projects of 10,000 decisions",
                                                      "progress dashboard over 10 projects"]
    for r in rows:
        assert r.measured and r.base_s > 0 and r.ratio == pytest.approx(r.app_s / r.base_s), r.note
        assert r.budget.kind == "none"  # stated for the 500,000-row release
    assert "conflicts resolved in order" in rows[0].note and "refresh after one more decision" in rows[1].note
    assert budgets.GATHER_S == 3.0 and budgets.DASHBOARD_S == 1.0


def test_the_search_across_turns_figure(tmp_path, monkeypatch, formats_root):
    """Issue 23's search budget: every turn of a ShareGPT release searched by the app
    beside bare Polars doing the same search in the same child; both count the same rows,
    and the 500 ms budget is stated for 500,000 rows."""
    monkeypatch.setenv("CQIA_FORMATS", str(formats_root))
    ctx = Ctx(cache=tmp_path / "cache", work=tmp_path / "work", repeats=1, log=lambda _: None)
    [row] = measures_browse.measure_turns(ctx, 2000)
    assert row.measured and row.base_s > 0, row.note
    assert "hits" in row.note and "disagree" not in row.note, row.note
    assert measures_browse.turns_budget(500_000) == budgets.seconds(0.5, "issue 23")
    assert ("turns", 500_000) in runner.plan([48_375, 500_000], None)
