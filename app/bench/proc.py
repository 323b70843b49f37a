"""Fresh child processes: every figure that is about a whole process (interpreter start,
imports, work) or that must not share caches with an earlier run is measured in one.

A child reports its result as one JSON line after MARKER on stdout, including its own
peak resident memory (ru_maxrss of RUSAGE_SELF, the child alone, not its parent).
"""
from __future__ import annotations

import compileall
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

MARKER = "@@CQIA_BENCH@@"
PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Appended to every `python -c` script: report peak memory and the payload, then exit.
REPORT_TAIL = f"""
import json as _j, resource as _r, sys as _s
_out = dict(globals().get('RESULT', {{}}))
_out['rss_mb'] = _r.getrusage(_r.RUSAGE_SELF).ru_maxrss / 1024
_s.stdout.write('\\n{MARKER}' + _j.dumps(_out) + '\\n')
"""


@dataclass
class ChildRun:
    wall_s: float | None  # parent-side wall time: spawn to exit
    payload: dict
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def compile_project() -> None:
    """Byte-compile the app once, as installing it does (pip compiles what it installs,
    and the packaged app ships bytecode): with PYTHONDONTWRITEBYTECODE set, every child
    would otherwise compile each of our modules on start, ~12 ms that Polars, compiled
    at its install, never pays. A no-op when the bytecode is current."""
    compileall.compile_dir(PROJECT_ROOT / "app", quiet=1)


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    # The project must be importable from any cwd; nothing else is added to the path.
    env["PYTHONPATH"] = str(PROJECT_ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("PYTHONHASHSEED", "0")
    env.update(extra or {})
    return env


def parse_payload(stdout: str) -> dict | None:
    for line in reversed(stdout.splitlines()):
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER):])
    return None


def run(argv: list[str], *, timeout: float, env: dict[str, str] | None = None, cwd: Path | None = None) -> ChildRun:
    """Run ``argv`` (a full command line) and parse its MARKER line."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                              env=child_env(env), cwd=str(cwd or PROJECT_ROOT))
    except subprocess.TimeoutExpired:
        return ChildRun(None, {}, f"timed out after {timeout:.0f} s")
    wall = time.perf_counter() - start
    payload = parse_payload(proc.stdout)
    if proc.returncode != 0 or payload is None:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1][:160]
        return ChildRun(wall, payload or {}, f"exit {proc.returncode}: {tail}")
    if payload.get("error"):
        return ChildRun(wall, payload, str(payload["error"]))
    return ChildRun(wall, payload)


def run_script(code: str, args: list[str], *, timeout: float, env: dict[str, str] | None = None) -> ChildRun:
    """``python -c code ARGS`` with the report tail; ``code`` reads sys.argv[1:] and may set a dict RESULT."""
    return run([sys.executable, "-c", code + REPORT_TAIL, *args], timeout=timeout, env=env)


def run_module(module: str, args: list[str], *, timeout: float, env: dict[str, str] | None = None) -> ChildRun:
    return run([sys.executable, "-m", module, *args], timeout=timeout, env=env)


def best_of(runs: list[ChildRun], key: str | None = None) -> float | None:
    """Minimum wall time (or payload[key]) over the successful runs: the least disturbed one."""
    values = [(r.payload.get(key) if key else r.wall_s) for r in runs if r.ok]
    values = [v for v in values if v is not None]
    return min(values) if values else None


def first_error(runs: list[ChildRun]) -> str | None:
    return next((r.error for r in runs if not r.ok), None)
