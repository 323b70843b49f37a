"""Background work with single-flight lanes: a newer request supersedes a stale one.

Each ``Lane`` owns a one-thread pool. Submitting bumps the lane's generation; a queued
job whose generation is no longer current never starts, a running one sees ``stale()``
turn True (and can stop between steps), and anything it still emits is dropped on the
GUI side. Results travel by queued signals, so slots run on the GUI thread, which only
paints. Polars releases the GIL while it computes, so the GUI thread keeps its ticks.

On a machine with few cores the workers (and Polars' thread pool, which they start) would
still take the CPU from the GUI thread for tens of milliseconds at a time; on Linux they
run at a lower priority (``BACKGROUND_NICE``), so the GUI thread gets a core the moment it
has something to paint. They lose nothing when the GUI is idle.
"""
from __future__ import annotations

import gc
import os
import sys
import threading
import time
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


BACKGROUND_NICE = 10  # added to a worker thread's nice value (Linux only)
_pool_started = False


def background_priority() -> bool:
    """Lower the calling thread's CPU priority to BACKGROUND_NICE; threads and processes it
    starts afterwards inherit it. Linux only: there a thread id names one thread (elsewhere
    it would name a process). Returns whether the thread now runs at that priority."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        tid = threading.get_native_id()
        if os.getpriority(os.PRIO_PROCESS, tid) < BACKGROUND_NICE:
            os.setpriority(os.PRIO_PROCESS, tid, BACKGROUND_NICE)
        return True
    except (OSError, AttributeError):  # a sandbox may forbid it: run at normal priority
        return False


def start_polars_pool() -> None:
    """Make Polars build its thread pool now, from a background-priority thread, so that
    its threads (which do the heavy work of every job) inherit that priority. Polars
    builds the pool on first use; if that already happened, this changes nothing."""
    global _pool_started
    if _pool_started:
        return
    _pool_started = True

    def start() -> None:
        if background_priority():
            import polars as pl

            pl.thread_pool_size()

    thread = threading.Thread(target=start, name="polars-pool-start", daemon=True)
    thread.start()
    thread.join()


class JobContext:
    """What a job sees: its generation, whether it went stale, and how to report."""

    def __init__(self, lane: "Lane", generation: int) -> None:
        self._lane = lane
        self.generation = generation

    def stale(self) -> bool:
        return self._lane.generation != self.generation

    def emit(self, kind: str, payload: Any = None) -> bool:
        """Send a partial or final result; returns False (and sends nothing) when stale."""
        if self.stale():
            return False
        self._lane._bridge.result.emit(self.generation, kind, payload)
        return True


class _Bridge(QObject):
    """Lives in the GUI thread; worker threads emit through it (queued connections)."""

    result = Signal(int, str, object)
    failed = Signal(int, str, str)
    done = Signal(int)


class _Job(QRunnable):
    def __init__(self, lane: "Lane", generation: int, fn: Callable[[JobContext], None]) -> None:
        super().__init__()
        self._lane, self._generation, self._fn = lane, generation, fn

    def run(self) -> None:
        ctx = JobContext(self._lane, self._generation)
        background_priority()
        try:
            if not ctx.stale():  # superseded while queued: never start
                self._fn(ctx)
        except Exception as exc:  # reported to the GUI, never swallowed
            detail = traceback.format_exc()
            if not ctx.stale():
                self._lane._bridge.failed.emit(self._generation, f"{type(exc).__name__}: {exc}", detail)
        finally:
            self._lane._bridge.done.emit(self._generation)


class Lane(QObject):
    """One kind of background work (load, query); at most one job runs at a time."""

    result = Signal(str, object)  # kind, payload -- current generation only
    failed = Signal(str, str)  # message, traceback
    busyChanged = Signal(bool)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        start_polars_pool()
        self.generation = 0
        self._pending = 0
        self._lock = threading.Lock()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._bridge = _Bridge(self)
        self._bridge.result.connect(self._on_result)
        self._bridge.failed.connect(self._on_failed)
        self._bridge.done.connect(self._on_done)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def submit(self, fn: Callable[[JobContext], None]) -> int:
        """Run ``fn(ctx)`` in the lane's thread; every earlier job becomes stale."""
        with self._lock:
            self.generation += 1
            generation = self.generation
        self._pending += 1
        if self._pending == 1:
            self.busyChanged.emit(True)
        self._pool.start(_Job(self, generation, fn))
        return generation

    def cancel(self) -> None:
        """Make every submitted job stale; a running one stops at its next check."""
        with self._lock:
            self.generation += 1

    def wait(self, msecs: int = -1) -> bool:
        """Block until the lane is idle (tests and shutdown only)."""
        return self._pool.waitForDone(msecs)

    def _on_result(self, generation: int, kind: str, payload: Any) -> None:
        if generation == self.generation:
            self.result.emit(kind, payload)

    def _on_failed(self, generation: int, message: str, detail: str) -> None:
        if generation == self.generation:
            self.failed.emit(message, detail)

    def _on_done(self, _generation: int) -> None:
        self._pending -= 1
        if self._pending == 0:
            self.busyChanged.emit(False)


class Throttle:
    """Lets a progress callback through at most every ``interval`` seconds (plus the last)."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self._last = 0.0

    def ready(self, final: bool = False) -> bool:
        now = time.monotonic()
        if final or now - self._last >= self.interval:
            self._last = now
            return True
        return False


def freeze_heap() -> None:
    """Move every object alive now (modules, classes, widgets: they live as long as the app)
    out of the cyclic collector's sight. A full collection, which any thread's allocations
    can trigger and which holds the GIL throughout, then walks only what was made since,
    instead of stalling the GUI for tens of milliseconds mid-load."""
    gc.freeze()
