"""An overlay is shared between the GUI thread and workers (export, save, the current
frame): its lazily built frame must be the same whichever thread builds it first."""
from __future__ import annotations

import sys
import threading

import pytest

from app.core.curate.overlay import Overlay, make_state


@pytest.fixture
def tiny_switch_interval():
    # Switch threads as often as CPython can, so an unguarded build interleaves.
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(old)


def test_frames_built_by_racing_threads_hold_every_change(tiny_switch_interval):
    base = Overlay({rid: make_state("accepted", None, {}) for rid in range(1, 2001)})
    base.overlay_frame()  # the parent's frame exists, so children patch it
    wrong = []
    for k in range(300):
        rid = 10_000 + k
        child = base.with_states({rid: make_state(None, None, {"output": f"edit {k}"})})
        results: list = [None, None]
        start = threading.Barrier(2)

        def build(i: int) -> None:
            start.wait()
            results[i] = child.overlay_frame()

        threads = [threading.Thread(target=build, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for frame in (*results, child.overlay_frame()):
            if rid not in set(frame["rid"]) or frame.height != 2001:
                wrong.append(k)
    assert wrong == []
