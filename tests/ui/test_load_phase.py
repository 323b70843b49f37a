"""Issue 25.12: a long load never looks hung: the status bar names the load's phase and
counts the seconds, also while the loader reports nothing (a slow fake load)."""
from __future__ import annotations

import re
import threading

from app.core.load.loader import Progress
from app.ui.browse import session as browse_session

from .conftest import settle_all


def elapsed(text: str) -> int | None:
    found = re.search(r"(\d+) s\b", text)
    return int(found.group(1)) if found else None


def test_the_load_shows_its_phase_and_elapsed_seconds(qtbot, window, small_release, monkeypatch):
    gate = threading.Event()
    real = browse_session.load_release

    def slow_load(paths, *, progress=None, cancel=None, **kwargs):  # kwargs: the project's per-file formats
        progress(Progress(50, 100, 0, 1, "a.jsonl", phase="reading"))
        progress(Progress(100, 100, 1, 1, "", phase="row ids"))
        assert gate.wait(60)  # a phase that reports nothing for a while (ids of 500,000 rows)
        return real(paths, progress=progress, cancel=cancel, **kwargs)

    monkeypatch.setattr(browse_session, "load_release", slow_load)
    window.open_paths([str(small_release)])
    bar = window.status.progress
    qtbot.waitUntil(lambda: "row ids" in bar.format())
    first = elapsed(bar.format())
    assert first is not None
    qtbot.waitUntil(lambda: (elapsed(bar.format()) or 0) > first)  # the clock runs with no news from the loader
    assert "row ids" in bar.format()
    gate.set()
    settle_all(qtbot, window)
    assert not bar.isVisible()
