"""Running the real command line in a child process, with its own settings and data folders
(so a curator's remembered project folders never leak into a test, nor a test into them)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def isolated_env(home: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("CQIA_DEBUG", None)
    env["XDG_CONFIG_HOME"] = str(home / "config")
    env["XDG_DATA_HOME"] = str(home / "data")
    env["PYTHONPATH"] = str(PROJECT)
    env.update(extra)
    return env


def run_cli(home: Path, *args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """`python -m app ARGS` in a child; ``home`` holds its config and data folders."""
    return subprocess.run([sys.executable, "-m", "app", *map(str, args)], cwd=PROJECT, capture_output=True, text=True,
                          env=env or isolated_env(home), timeout=timeout)


def one_error_line(result: subprocess.CompletedProcess) -> str:
    """The stderr of a failed command: exactly one line starting with 'error: ', no traceback."""
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


_HOLDER = """
import sys
from app.core.store.curation import Curation
from app.core.load.loader import load_release
c = Curation.open(load_release(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None, author="占用者")
print("ready", c.project.folder, c.read_only, flush=True)
sys.stdin.readline()
c.close()
"""


class HeldProject:
    """A child process that holds a project's lock (as the app does while it is open)
    until ``release()``; the parent waits for its 'ready' line, never for a fixed time."""

    def __init__(self, release: Path, folder: Path | None = None):
        args = [sys.executable, "-c", _HOLDER, str(release)] + ([str(folder)] if folder else [])
        self.proc = subprocess.Popen(args, cwd=PROJECT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     env={**os.environ, "PYTHONPATH": str(PROJECT)})
        line = self.proc.stdout.readline().split()
        assert line[:1] == ["ready"] and line[-1] == "False", line
        self.folder = Path(line[1])

    def release(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.write("\n")
            self.proc.stdin.flush()
            self.proc.wait(60)

    def __enter__(self) -> "HeldProject":
        return self

    def __exit__(self, *exc) -> None:
        self.release()
