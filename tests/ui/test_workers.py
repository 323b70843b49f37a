"""Single-flight lanes: a newer request supersedes a stale one; results come by signal."""
from __future__ import annotations

import threading
import time

from app.ui.common.workers import Lane, Throttle


def test_newer_request_supersedes_stale_ones(qtbot):
    lane = Lane("test")
    started, results = [], []
    gate = threading.Event()
    lane.result.connect(lambda kind, payload: results.append((kind, payload)))

    def job(name, wait=False):
        def run(ctx):
            started.append(name)
            if wait:
                gate.wait(5)
            if ctx.stale():  # a long job checks between steps and stops
                return
            ctx.emit("done", name)
        return run

    lane.submit(job("first", wait=True))
    qtbot.waitUntil(lambda: started == ["first"])
    lane.submit(job("second"))  # queued behind "first"
    lane.submit(job("third"))  # makes "second" stale before it ever starts
    gate.set()
    qtbot.waitUntil(lambda: not lane.busy, timeout=5000)
    assert started == ["first", "third"]  # "second" never ran
    assert results == [("done", "third")]  # "first" went stale and delivered nothing


def test_failures_are_reported_not_swallowed(qtbot):
    lane = Lane("test")
    with qtbot.waitSignal(lane.failed, timeout=5000) as blocker:
        lane.submit(lambda ctx: 1 / 0)
    assert blocker.args[0].startswith("ZeroDivisionError")
    qtbot.waitUntil(lambda: not lane.busy)


def test_cancel_makes_the_running_job_stale(qtbot):
    lane = Lane("test")
    seen = []
    lane.result.connect(lambda kind, payload: seen.append(kind))
    running = threading.Event()

    def job(ctx):
        running.set()
        while not ctx.stale():
            time.sleep(0.005)
        ctx.emit("late")

    with qtbot.waitSignal(lane.busyChanged, timeout=5000):
        lane.submit(job)
    assert running.wait(5)
    lane.cancel()
    qtbot.waitUntil(lambda: not lane.busy, timeout=5000)
    assert seen == []


def test_throttle_lets_the_final_report_through():
    t = Throttle(interval=10.0)
    assert t.ready() and not t.ready() and t.ready(final=True)
