"""GUI timings the budgets name, measured on the real window:

* ``startup PATH``: seconds from spawning ``python -m app PATH`` to the table's first
  paint with rows (the app's CQIA_EXIT_AFTER_FIRST_PAINT hook), warm.
* ``gaps PATH``: the longest event-loop gap (a 5 ms QTimer records the largest interval
  between its ticks) while loading PATH (until its first paints and every count landed),
  clicking a facet, searching, sorting, scrolling, clearing, analysis results landing
  (quality signals, dashboard), switching theme and language; prints JSON with the gap
  per phase.

    python -m app.ui.probes.gui_bench startup /tmp/rel/r48k.jsonl
    python -m app.ui.probes.gui_bench gaps /tmp/rel/r500k.jsonl
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time

from PySide6.QtCore import QObject, QSettings, QStandardPaths, QTimer
from PySide6.QtWidgets import QApplication


class GapMeter(QObject):
    """Largest interval between ticks of a 5 ms timer: how long the GUI thread was stuck.

    Also keeps the largest GUI-thread CPU time spent between two ticks: on a busy
    machine the wall-clock gap includes time the OS gave to other processes, the CPU
    figure is what our own code cost.
    """

    def __init__(self, interval_ms: int = 5) -> None:
        super().__init__()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._last = self._last_cpu = 0.0
        self.max_gap = self.max_cpu = 0.0
        self.ticks = 0

    def start(self) -> None:
        self.reset()
        self._timer.start()

    def reset(self) -> tuple[float, float]:
        out = (self.max_gap, self.max_cpu)
        self.max_gap = self.max_cpu = 0.0
        self._last, self._last_cpu = time.perf_counter(), time.thread_time()
        return out

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.ticks += 1
        self.max_gap = max(self.max_gap, now - self._last)
        self.max_cpu = max(self.max_cpu, cpu - self._last_cpu)
        self._last, self._last_cpu = now, cpu


def _scratch_settings() -> None:
    scratch = tempfile.mkdtemp(prefix="cqia-bench-")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, scratch)
    QStandardPaths.setTestModeEnabled(True)


def _window():
    from app.ui.shell.startup import build_window, make_app

    _scratch_settings()
    app, settings, fonts = make_app()
    window = build_window(settings, fonts)
    window.show()
    return app, window


def _spin_until(predicate, timeout: float = 300.0) -> None:
    app = QApplication.instance()
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError("gave up waiting")
        app.processEvents()
        time.sleep(0.001)


def gaps(path: str) -> dict:
    """Max event-loop gap (ms) per phase; each phase waits until the worker is idle."""
    from app.ui.shell.self_test import type_text

    app, window = _window()
    meter = GapMeter()
    meter.start()
    out: dict[str, float] = {}

    analysis = window.commands.analysis.ctl

    def idle() -> bool:
        s = window.session
        return s.release is not None and not s.loading and not s.busy and not window.search_bar.pending \
            and s.facets is not None and window.lengths is not None and analysis.idle()

    def phase(name: str, act) -> None:
        meter.reset()
        t, ticks = time.perf_counter(), meter.ticks
        act()
        # a quarter second of events after the action (and a few ticks): what it set off
        # (paints, a restyle, results landing) runs then; the first tick counts the action itself
        _spin_until(lambda: time.perf_counter() - t > 0.25 and meter.ticks > ticks + 3 and idle())
        gap, cpu = meter.reset()
        out[f"{name}_wall_s"] = round(time.perf_counter() - t, 3)
        out[f"{name}_max_gap_ms"] = round(gap * 1000, 1)
        out[f"{name}_max_gui_cpu_ms"] = round(cpu * 1000, 1)

    phase("load", lambda: window.open_paths([path]))
    column, counts = next((c, fc) for c, fc in window.session.facets.counts.items() if len(fc.values) > 1)
    phase("facet_click", lambda: window.facets.includeToggled.emit(column, counts.values[1][0]))
    phase("search", lambda: type_text(window.search_bar.edit, "的"))
    phase("sort", lambda: window.table.sortRequested.emit(window.session.spec.sort.__class__("len_output", True)))
    phase("scroll_to_end", lambda: (window.table.scrollToBottom(), QApplication.instance().processEvents()))
    phase("clear_all", lambda: window.registry["filter.clear_all"].trigger())
    phase("signals", lambda: window.registry["analyse.signals"].trigger())
    phase("dashboard", lambda: window.registry["analyse.dashboard"].trigger())
    dark = window.registry["view.dark_theme"]
    phase("theme", lambda: dark.trigger())  # to the other theme
    phase("theme_back", lambda: dark.trigger())
    phase("language", lambda: window.registry["view.lang_zh"].trigger())
    phase("language_back", lambda: window.registry["view.lang_en"].trigger())
    out["rows"] = window.session.total_rows
    window.close()
    return out


def measure_startup(path: str, runs: int = 3) -> dict:
    """Seconds from spawning ``python -m app PATH`` to its first rows painted, via the
    CQIA_EXIT_AFTER_FIRST_PAINT hook (best of ``runs`` after one warm-up run)."""
    import subprocess

    from app.ui.shell.startup import FIRST_PAINT_HOOK, FIRST_PAINT_LINE

    scratch = tempfile.mkdtemp(prefix="cqia-bench-")
    env = {**os.environ, FIRST_PAINT_HOOK: "1", "XDG_CONFIG_HOME": scratch}
    times = []
    for _ in range(runs + 1):
        start = time.time()
        out = subprocess.run([sys.executable, "-m", "app", path], env=env, capture_output=True, text=True,
                             timeout=120).stdout
        line = next(l for l in out.splitlines() if l.startswith(FIRST_PAINT_LINE))
        times.append(float(line.split()[1]) - start)
    return {"first_rows_painted_s": round(min(times[1:]), 3), "runs_s": [round(t, 3) for t in times[1:]],
            "jieba_imported": "jieba" in line}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("gaps", "startup"):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "startup":
        print(json.dumps(measure_startup(argv[1])), flush=True)
        return 0
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    result = gaps(argv[1])
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
