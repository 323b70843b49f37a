"""The reliability knob and log (tests/reliability.py), run on a small suite of their own
in a real pytest child: the scale multiplies the loops and the time limits, each marked
test logs one line of what it tried and whether it held, and nothing changes by default."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests import reliability
from tests.conftest import PROJECT

SUITE = '''
import pytest
from tests.reliability import rounds

@pytest.mark.reliability("kill", "nothing acknowledged lost")
@pytest.mark.timeout(7)
def test_kills(tally, request):
    for _ in range(rounds(4)):
        tally.add(kills=1, kills_mid_write=1)
    tally.add(rounds=rounds(4))
    print("limit", request.node.get_closest_marker("timeout").args[0])

pytestmark = pytest.mark.reliability("tamper", "one error line")

@pytest.mark.parametrize("case", ["a", "b"])
def test_tampered(case):
    pass

def test_broken():
    assert rounds(1) == 0

def test_skipped():
    pytest.skip("no tmpfs here")

@pytest.mark.reliability("check")
def test_plain(request):
    print("limit", request.node.get_closest_marker("timeout"))
'''


def _run(tmp_path: Path, *args: str, **env: str) -> tuple[subprocess.CompletedProcess, list[dict]]:
    suite = tmp_path / "suite"
    suite.mkdir(exist_ok=True)
    (suite / "conftest.py").write_text("from tests.conftest import *  # noqa: F401,F403 - the hooks and fixtures\n")
    (suite / "test_suite.py").write_text(SUITE)
    (suite / "test_other.py").write_text("def test_unmarked():\n    pass\n")
    log = tmp_path / "log.jsonl"
    full_env = {k: v for k, v in os.environ.items() if k not in (reliability.SCALE_ENV, reliability.LOG_ENV)}
    full_env.update(PYTHONPATH=str(PROJECT), **env)
    done = subprocess.run([sys.executable, "-m", "pytest", str(suite), "-p", "no:cacheprovider", "-s",
                           "-o", "timeout=11", "--rootdir", str(suite),
                           "-W", "ignore::pytest.PytestUnknownMarkWarning", *args],
                          cwd=tmp_path, env=full_env, capture_output=True, text=True, timeout=300)
    lines = [json.loads(x) for x in log.read_text().splitlines()] if log.exists() else []
    return done, lines


def test_default_scale_is_the_ci_rounds_and_nothing_is_logged(tmp_path, monkeypatch):
    monkeypatch.delenv(reliability.SCALE_ENV, raising=False)
    assert reliability.scale() == 1 and reliability.rounds(7) == 7
    done, lines = _run(tmp_path)
    assert "limit 7" in done.stdout and "limit Mark(name='timeout', args=(7" not in done.stdout
    assert lines == [] and not (tmp_path / "log.jsonl").exists()
    assert "1 failed, 5 passed, 1 skipped" in done.stdout, done.stdout


def test_the_scale_multiplies_loops_and_time_limits_and_each_test_logs_a_line(tmp_path):
    done, lines = _run(tmp_path, "-m", "reliability", CQIA_RELIABILITY_SCALE="3",
                       CQIA_RELIABILITY_LOG=str(tmp_path / "log.jsonl"))
    assert "limit 21" in done.stdout, done.stdout  # 7 s at scale 1
    assert "limit Mark(name='timeout', args=(33.0,)" in done.stdout  # the ini's 11 s, scaled too
    assert "1 deselected" in done.stdout  # -m reliability leaves the unmarked test out
    by_name = {line["test"].split("::")[1]: line for line in lines}
    assert sorted(by_name) == ["test_broken", "test_kills", "test_plain", "test_skipped",
                               "test_tampered[a]", "test_tampered[b]"]
    kills = by_name["test_kills"]
    assert (kills["kind"], kills["checks"], kills["outcome"], kills["scale"]) == ("kill", "nothing acknowledged lost",
                                                                                  "held", 3)
    assert (kills["rounds"], kills["kills"], kills["kills_mid_write"]) == (12, 12, 12)
    tampered = by_name["test_tampered[a]"]
    assert (tampered["kind"], tampered["checks"], tampered["rounds"], tampered["tamper_cases"]) == (
        "tamper", "one error line", 1, 1)  # counted nothing: one case of its kind
    assert by_name["test_broken"]["outcome"] == "failed"
    assert by_name["test_skipped"]["outcome"] == "skipped" and by_name["test_skipped"]["reason"].endswith("no tmpfs here")
    assert by_name["test_plain"]["kind"] == "check" and "tamper_cases" not in by_name["test_plain"]
    assert all(line["seconds"] >= 0 for line in lines)


@pytest.mark.parametrize("bad", ["0", "-2", "1.5", "many"])
def test_a_bad_scale_is_refused(monkeypatch, bad):
    monkeypatch.setenv(reliability.SCALE_ENV, bad)
    with pytest.raises(ValueError, match=reliability.SCALE_ENV):
        reliability.rounds(3)


def test_an_unknown_figure_is_refused():
    with pytest.raises(KeyError, match="kils"):
        reliability.Tally().add(kils=1)
