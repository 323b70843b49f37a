"""The longer reliability run kept in the repo (tests/reliability_results.json) is well
formed, covers every test marked ``reliability`` (a new one makes it stale: rerun
`python -m tests.reliability_run`), and is what the README quotes."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import PROJECT
from tests.reliability import FIGURES, KINDS
from tests.reliability_run import FORMAT, RESULTS, area_table, totals

RERUN = "rerun `python -m tests.reliability_run --scale N` and commit tests/reliability_results.json"


@pytest.fixture(scope="module")
def results() -> dict:
    assert RESULTS.is_file(), f"{RESULTS} is missing: {RERUN}"
    return json.loads(RESULTS.read_text(encoding="utf-8"))


def test_the_results_file_is_well_formed(results):
    assert results["format"] == FORMAT
    assert isinstance(results["scale"], int) and results["scale"] >= 1
    assert results["wall_s"] > 0 and isinstance(results["pytest_exit"], int)
    assert {"cpu", "cores", "date", "python", "polars", "loadavg_at_start"} <= set(results["machine"])
    assert isinstance(results["commit"], str) and len(results["commit"]) == 40
    names = [t["test"] for t in results["tests"]]
    assert names and len(names) == len(set(names)), "a test logged twice"
    for t in results["tests"]:
        assert t["kind"] in KINDS and t["outcome"] in ("held", "failed", "skipped"), t
        assert t["checks"].strip(), f"{t['test']}: its reliability mark does not say what it checks"
        assert t["scale"] == results["scale"] and t["seconds"] >= 0, t
        counts = {k: v for k, v in t.items() if k in FIGURES}
        assert all(isinstance(v, int) and v >= 0 for v in counts.values()) and counts["rounds"] >= 1, t
        assert t.get("kills_mid_write", 0) <= t.get("kills", 0), t
        assert t.get("truncations_mid_read", 0) <= t.get("truncations", 0), t
    assert results["totals"] == totals(results["tests"])
    assert results["totals"]["failed"] == 0 or results["pytest_exit"] != 0


def test_every_reliability_test_is_in_the_results(results):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(PROJECT)}
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-o", "addopts=", "-m", "reliability",
                           "-p", "no:cacheprovider", "tests"], cwd=PROJECT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    marked = {line for line in done.stdout.splitlines() if "::" in line}
    assert len(marked) > 50, done.stdout[-2000:]
    missing = sorted(marked - {t["test"] for t in results["tests"]})
    assert not missing, f"{len(missing)} reliability tests are not in {RESULTS.name} ({missing[:5]}): {RERUN}"


def test_the_readme_quotes_the_committed_figures(results):
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert area_table(results) in readme, "README's reliability table is not the committed run's: paste " \
                                          "`python -m tests.reliability_run --table tests/reliability_results.json`"
