"""Helpers for the project-store tests: a place a non-root user can reach, acting as that
user (mode 000 means nothing to root, and these tests run as root), real child processes."""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOBODY = 65534


@contextlib.contextmanager
def shared_dir():
    """A temp folder every user may enter and write (pytest's own tmp_path is root's 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="cqia-store-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def open_up(folder: Path) -> None:
    """Let anyone read and write everything under ``folder`` (before acting as nobody)."""
    for dirpath, dirs, files in os.walk(folder):
        os.chmod(dirpath, 0o777)
        for name in files:
            os.chmod(os.path.join(dirpath, name), 0o666)


@contextlib.contextmanager
def without_root():
    """Run the block as an ordinary user, so permission bits apply (a no-op when the tests
    already run as one)."""
    if os.geteuid() != 0:
        yield
        return
    try:
        os.setegid(NOBODY)
        os.seteuid(NOBODY)
    except OSError as exc:  # pragma: no cover - a container that forbids it
        pytest.skip(f"cannot act as an ordinary user here: {exc}")
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def child(script: str, env: dict | None = None, **fmt) -> subprocess.Popen:
    """A real Python child running ``script`` (formatted with ``fmt`` and ``root``);
    ``env`` adds environment variables."""
    code = textwrap.dedent(script).format(root=str(ROOT), **fmt)
    return subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=str(ROOT), env={**os.environ, **(env or {})})


def finish(proc: subprocess.Popen) -> str:
    """Kill a child (if still running), close its pipes, return what it wrote to stderr."""
    if proc.poll() is None:
        proc.kill()
    proc.wait(30)
    err = proc.stderr.read() if proc.stderr and not proc.stderr.closed else ""
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe and not pipe.closed:
            pipe.close()
    return err
