"""Review mode end to end in a real X window: `python -m app resources/demo` under Xvfb,
a session typed with xdotool (decisions, an edit, undo, a saved version, leaving, quit),
then the project on disk is read back by the core and must hold exactly that session.

Keys are queued by the X server and handled in order, so they need no pauses between
them; where a key opens or closes a dialog (its own X window), the next keys wait until
that window has the keyboard focus."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.core.store.curation import Curation
from app.core.load.loader import load_release
from app.core.store.review_session import ReviewLog

from .test_end_to_end import PROJECT, clean_env, colours, free_display

pytestmark = [
    pytest.mark.skipif(not shutil.which("Xvfb"), reason="Xvfb not installed (apt-get install xvfb)"),
    pytest.mark.skipif(not shutil.which("xdotool"), reason="xdotool not installed (apt-get install xdotool)"),
]


def _wait(predicate, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.1)


def _xdotool(display: str, *args: str) -> str:
    out = subprocess.run(["xdotool", *args], env={"DISPLAY": display, "PATH": "/usr/bin:/bin"},
                         capture_output=True, text=True, timeout=30)
    return out.stdout.strip()


def _focus(display: str) -> tuple[str, str]:
    """(id, title) of the X window holding the keyboard focus."""
    wid = _xdotool(display, "getwindowfocus")
    return wid, (_xdotool(display, "getwindowname", wid) if wid else "")


def test_typed_review_session_lands_on_disk(tmp_path, demo_root):
    n = free_display()
    display = f":{n}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1500x950x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    app = None
    try:
        _wait(lambda: Path(f"/tmp/.X11-unix/X{n}").exists() or xvfb.poll() is not None, 10, "Xvfb")
        assert xvfb.poll() is None, "Xvfb did not start"
        env = clean_env(tmp_path, DISPLAY=display, QT_QPA_PLATFORM="xcb", HOME=str(tmp_path / "home"))
        (tmp_path / "home").mkdir()
        app = subprocess.Popen([sys.executable, "-m", "app", str(demo_root)], cwd=PROJECT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        data = tmp_path / "data"
        # The demo ships with the app: its project lives in the (temporary) user data folder.
        _wait(lambda: any(data.rglob("demo.curation/journal.jsonl")) or app.poll() is not None, 60, "the project")
        assert app.poll() is None, app.stdout.read()
        project = next(data.rglob("demo.curation/journal.jsonl")).parent
        wid = ""
        end = time.monotonic() + 30
        while not wid and time.monotonic() < end:
            wid = _xdotool(display, "search", "--onlyvisible", "--pid", str(app.pid)).splitlines()[-1:] or ""
            wid = wid[0] if wid else ""
            time.sleep(0.2)
        assert wid, "no window"
        _xdotool(display, "windowfocus", "--sync", wid)  # the project is open (its journal exists): F2 works

        def keys(*names: str) -> None:
            for name in names:
                _xdotool(display, "key", "--clearmodifiers", name)

        def focus_on(title: str | None, what: str) -> None:
            """Until the window whose title starts with ``title`` (None: the main window) has the keyboard."""
            _wait(lambda: _focus(display)[1].startswith(title) if title else _focus(display)[0] == wid, 60, what)

        keys("F2", "a", "a", "2", "x", "1", "j")  # accept, accept, reject 低质量, reject 重复, skip one
        keys("e", "ctrl+a")
        _xdotool(display, "type", "--delay", "40", "fixed by xdotool")
        keys("ctrl+Return")  # saves the edit, accepts, goes on
        keys("a", "u")  # accept item 7, then undo it: back on item 7, undecided
        shot = tmp_path / "review.png"
        if shutil.which("import"):
            subprocess.run(["import", "-display", display, "-window", "root", str(shot)], timeout=30)
        keys("ctrl+s")
        focus_on("Save version", "the version message dialog")
        keys("ctrl+a")
        _xdotool(display, "type", "--delay", "40", "e2e review")
        keys("Return")
        focus_on(None, "the review view after the dialog")
        keys("Escape")  # leave: the summary dialog
        focus_on("Review session", "the session summary")
        keys("Return")
        focus_on(None, "the table after the summary")
        keys("ctrl+q")
        app.wait(timeout=60)
        log = app.stdout.read()
        assert app.returncode == 0, log
    finally:
        if app is not None and app.poll() is None:
            app.kill()
            app.wait(10)
        xvfb.terminate()
        xvfb.wait(10)

    release = load_release(demo_root)
    rids = release.frame["rid"].to_list()  # the default view: release order
    with Curation.open(release, project, read_only=True) as cur:
        got = {rid: (s.decision, s.reason, dict(s.fields)) for rid, s in cur.overlay.items()}
        assert got == {
            rids[0]: ("accepted", None, {}),
            rids[1]: ("accepted", None, {}),
            rids[2]: ("rejected", "低质量", {}),
            rids[3]: ("rejected", "重复", {}),
            rids[5]: ("accepted", None, {"output": "fixed by xdotool"}),
        }, log
        versions = cur.versions()
        assert [(v.number, v.message) for v in versions] == [(1, "e2e review")]
        assert cur.load_version(1) == cur.overlay
    record = ReviewLog(project).last()
    assert (record["accepted"], record["rejected"], record["edited"]) == (3, {"低质量": 1, "重复": 1}, 1)
    assert record["index"] == 6 and record["reviewed"] == 5 and record["queue"] == len(rids)
    lines = (project / "versions").glob("*.jsonl")
    assert any("fixed by xdotool" in p.read_text(encoding="utf-8") for p in lines)
    if shot.exists():
        distinct, differ = colours(shot)
        assert distinct > 50 and differ > 0.1, "the review window looks blank"  # dark theme: mostly background
    json.dumps(record)  # the record is plain JSON
