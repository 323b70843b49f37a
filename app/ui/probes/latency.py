"""Key press -> next review item painted, measured in the real window (issue 5's budget:
<= 16 ms at 500,000 rows).

Each key event is *posted* (queued like a real key press, so any GUI-thread work still
pending delays it and is counted) at t0; the controller paints the next item
synchronously (ReviewView's widgets stamp a PaintClock at the end of their paint
events) and the sample is the end of that paint minus t0. Keys are sent at a curator's
pace with the event loop running between them, so the background refresh a decision
triggers (current frame, counts) competes with the next key as it would for real.

    python -m app.ui.probes.latency /tmp/rel/r500k.jsonl [--count 200] [--keys j a x2]

The benchmark calls ``measure_review_latency(path, count=...)`` (in a child process:
it builds a QApplication).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

KEYS = {"j": "J", "k": "K", "a": "A", "x2": "2", "space": " "}  # key name -> text of the key event


def _qkey(name: str):
    from PySide6.QtCore import Qt

    return {"j": Qt.Key.Key_J, "k": Qt.Key.Key_K, "a": Qt.Key.Key_A, "x2": Qt.Key.Key_2,
            "space": Qt.Key.Key_Space}[name]


def _stats(samples_ns: list[int]) -> dict:
    ms = sorted(s / 1e6 for s in samples_ns)
    if not ms:
        return {"n": 0}
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 3), "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 3),
            "max_ms": round(ms[-1], 3), "mean_ms": round(statistics.fmean(ms), 3)}


def _app():
    """The QApplication (made here, with throwaway settings, when the caller has none)."""
    from PySide6.QtCore import QSettings, QStandardPaths
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("QT_QPA_PLATFORM"):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        scratch = tempfile.mkdtemp(prefix="cqia-review-latency-")
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, scratch)
        QStandardPaths.setTestModeEnabled(True)
    from app.ui.shell.startup import make_app

    return make_app()


def pump(app, seconds: float = 0.0, until=None, timeout: float = 600.0) -> None:
    """Run the event loop for ``seconds``, or until ``until()`` holds."""
    end = time.monotonic() + (timeout if until is not None else seconds)
    while True:
        app.processEvents()
        if until is not None and until():
            return
        if time.monotonic() >= end:
            if until is not None:
                raise TimeoutError("the window did not get there in time")
            return
        time.sleep(0.001)


def press(app, view, name: str) -> tuple[int, int, int]:
    """Post one key press + release to the review view. Returns, in ns, from posting to
    the end of the paint of the item it brought up: (wall time, wall time from the key
    handler's start (no queue wait), GUI-thread CPU time)."""
    from PySide6.QtCore import QCoreApplication, QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    c = view.controller
    before = c.paints
    cpu0, t0 = time.thread_time_ns(), time.perf_counter_ns()
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QCoreApplication.postEvent(view, QKeyEvent(kind, _qkey(name), Qt.KeyboardModifier.NoModifier, KEYS[name]))
    pump(app, until=lambda: c.paints > before, timeout=30)
    return c.painted_ns - t0, c.painted_ns - c.key_ns, c.painted_cpu_ns - cpu0


def measure_in_window(window, keys=("j", "a"), count: int = 100, interval_ms: float = 150.0) -> dict:
    """Samples in an open main window whose release is loaded: enters review mode, presses
    ``keys`` in turn ``count`` times each, ``interval_ms`` apart."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    mode = window.commands.review
    if not mode.active and not mode.enter():
        raise RuntimeError("review mode could not start (no release or project)")
    pump(app, 0.5)
    samples: dict[str, list[tuple[int, int, int]]] = {k: [] for k in keys}
    for _ in range(count):
        for name in keys:
            pump(app, interval_ms / 1000.0)
            if mode.controller.index >= len(mode.controller.queue) - 2:
                mode.controller.go(0)
                pump(app, interval_ms / 1000.0)
            samples[name].append(press(app, mode.view, name))
    every = [s for v in samples.values() for s in v]
    out = {"rows": window.session.total_rows, "interval_ms": interval_ms, "platform": app.platformName(),
           "keys": {k: _stats([s[0] for s in v]) for k, v in samples.items()},
           "all": _stats([s[0] for s in every]),
           "all_from_handler": _stats([s[1] for s in every]),
           "all_gui_cpu": _stats([s[2] for s in every])}
    return out


def use_project_dir(release: str | Path, folder: Path) -> None:
    """Keep the curation project of ``release`` (one file or folder) in ``folder``, not beside
    the release (as if the curator had chosen it): measurements never touch shared data."""
    from types import SimpleNamespace

    from app.ui.curate.curation_ctl import remember_project_dir

    path = Path(release).expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    remember_project_dir(SimpleNamespace(paths=(path,), root=path if path.is_dir() else path.parent), folder)


def measure_review_latency(release: str | Path, *, keys=("j", "a"), count: int = 100, interval_ms: float = 150.0,
                           project_dir: str | Path | None = None) -> dict:
    """Open ``release`` in a real main window (offscreen without a display), with a
    throwaway curation project unless ``project_dir``, and measure. Returns JSON-able
    stats per key: n, p50_ms, p95_ms, max_ms, mean_ms."""
    from app.ui.shell.startup import build_window

    app, settings, fonts = _app()
    window = build_window(settings, fonts)
    folder = Path(project_dir) if project_dir else Path(tempfile.mkdtemp(prefix="cqia-review-"))
    use_project_dir(release, folder)
    window.resize(1400, 900)
    window.show()
    t = time.monotonic()
    window.open_paths([str(release)])
    pump(app, until=lambda: window.curation.curation is not None and window.session.frame is not None
         and not window.session.busy and not window.curation.busy)
    loaded = time.monotonic() - t
    if window.curation.curation.project.folder.resolve() != folder.resolve():
        window.close()
        raise RuntimeError(f"the project did not open in {folder}; not measuring beside the release")
    try:
        result = measure_in_window(window, keys, count, interval_ms)
    finally:
        window.close()
    result["load_s"] = round(loaded, 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.ui.probes.latency", description=__doc__.split("\n\n")[0])
    parser.add_argument("release")
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--keys", nargs="+", default=["j", "a"], choices=sorted(KEYS))
    parser.add_argument("--interval", type=float, default=150.0, help="ms between keys (default 150)")
    opts = parser.parse_args(argv)
    result = measure_review_latency(opts.release, keys=tuple(opts.keys), count=opts.count, interval_ms=opts.interval)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
