"""`python -m app --self-test` edits a row, saves a version and exports (issue 7), in a
throwaway project folder: nothing is written beside the shipped demo release."""
from __future__ import annotations

import subprocess
import sys

from app.resources import demo_release

from .test_end_to_end import PROJECT, clean_env


def _written_beside(root) -> set[str]:
    return {str(p) for p in root.parent.rglob("*.curation")} | {str(p) for p in root.rglob("*.curation")}


def test_self_test_edits_saves_a_version_and_exports(tmp_path):
    demo = demo_release()
    before = _written_beside(demo)
    proc = subprocess.run([sys.executable, "-m", "app", "--self-test"], cwd=PROJECT,
                          env=clean_env(tmp_path, HOME=str(tmp_path / "home")), capture_output=True, text=True,
                          timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[-1] == "self-test passed"
    for step in ("ok  edit: row ", "ok  save version 1: 1 changed row", "ok  export: 302 rows", "ok  jieba not imported"):
        assert any(line.startswith(step) for line in lines), (step, proc.stdout)
    assert _written_beside(demo) == before  # the project went to the throwaway folder
