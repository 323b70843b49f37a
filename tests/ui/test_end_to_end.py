"""The app as a user starts it: `python -m app --self-test`, and one run in a real X
window under Xvfb whose screenshot must show a drawn window, not a blank screen."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

PROJECT = Path(__file__).resolve().parents[2]


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_") and k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CACHE_HOME=str(tmp_path / "cache"), PYTHONPATH=str(PROJECT), **extra)
    return env


def test_self_test_passes_headless(tmp_path, demo_root):
    proc = subprocess.run([sys.executable, "-m", "app", "--self-test"], cwd=PROJECT, env=clean_env(tmp_path),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[-1] == "self-test passed"
    assert any(l.startswith("ok  load: 302 rows") for l in lines), proc.stdout
    assert any(l.startswith("ok  facet click") for l in lines) and any(l.startswith("ok  search") for l in lines)


def test_self_test_fails_on_a_missing_release(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "app", "--self-test", str(tmp_path / "nope")], cwd=PROJECT,
                          env=clean_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "FAIL release not found" in proc.stdout


def free_display() -> int:
    n = 90
    while Path(f"/tmp/.X{n}-lock").exists() or Path(f"/tmp/.X11-unix/X{n}").exists():
        n += 1
    return n


def colours(path: Path) -> tuple[int, float]:
    """(distinct colours on a sample grid, share of the grid unlike the top-left pixel)."""
    image = QImage(str(path))
    assert not image.isNull(), f"cannot read {path}"
    corner = image.pixel(0, 0)
    seen, differ, total = set(), 0, 0
    for y in range(0, image.height(), 7):
        for x in range(0, image.width(), 7):
            p = image.pixel(x, y)
            seen.add(p)
            differ += p != corner
            total += 1
    return len(seen), differ / total


@pytest.mark.skipif(not shutil.which("Xvfb"), reason="Xvfb not installed (apt-get install xvfb)")
@pytest.mark.skipif(not shutil.which("import"), reason="ImageMagick `import` not installed (apt-get install imagemagick)")
def test_real_x_window_shows_the_demo_release(tmp_path, demo_root):
    display = free_display()
    xvfb = subprocess.Popen(["Xvfb", f":{display}", "-screen", "0", "1400x900x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    app = None
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{display}").exists():
            assert xvfb.poll() is None and time.monotonic() < deadline, "Xvfb did not start"
            time.sleep(0.05)
        env = clean_env(tmp_path, DISPLAY=f":{display}", QT_QPA_PLATFORM="xcb")
        app = subprocess.Popen([sys.executable, "-m", "app", str(demo_root)], cwd=PROJECT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        shot = tmp_path / "shot.png"
        # Poll screenshots until the window is drawn with rows (or time runs out).
        deadline = time.monotonic() + 30
        distinct, share = 0, 0.0
        while time.monotonic() < deadline:
            assert app.poll() is None, f"the app exited early: {app.communicate()[0][-2000:]}"
            subprocess.run(["import", "-display", f":{display}", "-window", "root", str(shot)],
                           check=True, capture_output=True, timeout=20)
            distinct, share = colours(shot)
            if distinct > 40 and share > 0.3:
                break
            time.sleep(0.5)
        assert distinct > 40 and share > 0.3, f"screenshot looks blank: {distinct} colours, {share:.0%} drawn"
        assert app.poll() is None, "the app died while being looked at"
    finally:
        if app is not None:
            app.terminate()
            try:
                app.wait(10)
            except subprocess.TimeoutExpired:
                app.kill()
        xvfb.terminate()
        xvfb.wait(10)
