"""A release file truncated by another program while `validate` or `export` reads it.

A mapped file that shrinks kills its reader with SIGBUS (Python cannot catch it). Here
another process truncates a large file at a random moment (while it loads, or while the
export writes), 20 times per verb (times CQIA_RELIABILITY_SCALE), in two ways: by path (a program that had not opened
the file: it waits while the reader holds a lease) and through a descriptor it held
open for writing before the reader started (no lease can be had: the reader copies
with pread). Every run ends with a one-line error naming the file (exit 2) or a
complete result (the truncation came after the reading, or just before it: then the
result is that of the shorter file); never a signal or a traceback.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PROJECT
from tests.reliability import rounds

RUNS = rounds(20)
ROWS = 30_000
pytestmark = [pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc to see when the file is open"),
              pytest.mark.timeout(1800),
              pytest.mark.reliability("race", "a file truncated by another program while it is read: a complete result "
                                              "(of the whole file or a prefix) or one `error:` line naming it, exit 2; "
                                              "never a signal or a traceback")]


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """About 48 MB: several of the loader's 16 MB chunks, so it is read whole."""
    path = tmp_path_factory.mktemp("big") / "original.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(ROWS):
            fh.write(json.dumps({"instruction": f"问题{i}：请解释。", "input": "", "output": f"回答{i}" + "详细的说明。" * 80,
                                 "task_type": {"major": ["问答"], "minor": ["百科"]}, "domain": ["通用", f"d{i % 7}"],
                                 "human_verified": bool(i % 2)}, ensure_ascii=False) + "\n")
    return path


def _open_in(pid: int, target: str) -> bool:
    try:
        names = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in names:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                return True
        except OSError:
            continue
    return False


def _run(verb: str, big: Path, folder: Path, rng: random.Random, by_path: bool,
         exporting: bool = False) -> tuple[subprocess.CompletedProcess, bool]:
    """One run: (the child's result, whether the truncation came while it was running).
    ``exporting``: the random moment comes once the export writes its output, not while
    the release loads."""
    path = folder / "data.jsonl"
    shutil.copyfile(big, path)
    writer = None if by_path else os.open(path, os.O_RDWR)
    args = [verb, str(path)] + (["--out", str(folder / "out.jsonl")] if verb == "export" else [])
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    child = subprocess.Popen([sys.executable, "-m", "app", *args], cwd=folder, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        target = str(path.resolve())
        deadline = time.monotonic() + 120
        started = (lambda: any(folder.glob(".out.jsonl.tmp-*"))) if exporting else (lambda: _open_in(child.pid, target))
        while not started() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)  # polls for the moment the child opens the file (or its output)
        time.sleep(rng.uniform(0, 0.15 if exporting else 0.4))  # not a wait for anything: the random moment itself
        during = child.poll() is None
        size = rng.randrange(0, big.stat().st_size)
        if by_path:
            os.truncate(path, size)  # waits while the child holds a lease on the file
        else:
            os.ftruncate(writer, size)
        out, err = child.communicate(timeout=300)
    finally:
        if writer is not None:
            os.close(writer)
        if child.poll() is None:
            child.kill()
            child.wait()
    return subprocess.CompletedProcess(child.args, child.returncode, out, err), during


@pytest.mark.parametrize("verb", ["validate", "export"])
def test_a_file_truncated_at_a_random_moment_never_kills_the_process(big, tmp_path, verb, tally):
    rng = random.Random(f"shrink-{verb}")
    original = big.read_bytes()
    during = 0
    for run in range(RUNS):
        folder = tmp_path / f"run{run}"
        folder.mkdir()
        result, was_running = _run(verb, big, folder, rng, by_path=run % 2 == 0, exporting=verb == "export" and run % 4 >= 2)
        during += was_running
        tally.add(rounds=1, truncations=1, truncations_mid_read=was_running)
        err = result.stderr.decode("utf-8", "replace")
        assert result.returncode >= 0, f"run {run}: killed by signal {-result.returncode} ({err[-300:]})"
        assert "Traceback" not in err, f"run {run}: {err}"
        if result.returncode == 2:
            assert err.startswith("error: ") and err.count("\n") == 1 and "data.jsonl" in err, f"run {run}: {err}"
            assert "changed on disk" in err, f"run {run}: {err}"
        else:
            # The truncation came after the reading (the whole file's result) or just
            # before it (the result of what was left: a prefix of the file).
            said = [line for line in err.splitlines() if not line.startswith(("no project:", "exported "))]
            assert result.returncode == 0 and not said, f"run {run}: {result.returncode} {err}"  # export says what it wrote
            if verb == "export":
                assert original.startswith((folder / "out.jsonl").read_bytes()), f"run {run}"
            else:
                rows = int(result.stdout.decode().split(" rows in 1 files")[0].replace(",", ""))
                assert rows <= ROWS, f"run {run}"
        shutil.rmtree(folder)
    assert during >= RUNS // 2, f"only {during} of {RUNS} truncations came while the child was reading"
