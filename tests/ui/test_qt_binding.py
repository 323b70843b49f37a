"""Guard against a Qt binding that corrupts reference counts.

PySide6 6.12.0 drops a reference to True (or None) on every Python-side emit() and
QAction.trigger(); on Python 3.11, where those objects are not immortal, the app then
dies with "bool_dealloc" after a few thousand signals. pyproject excludes that release;
this test fails loudly if such a build is installed anyway.
"""
from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction


class _Emitter(QObject):
    fired = Signal(bool)


def test_emit_and_trigger_keep_reference_counts(qapp):
    emitter, action = _Emitter(), QAction()
    emitter.fired.connect(lambda _on: None)
    action.triggered.connect(lambda _checked=False: None)
    true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(200):
        emitter.fired.emit(True)
        action.trigger()
    assert abs(sys.getrefcount(True) - true_before) < 20
    assert abs(sys.getrefcount(None) - none_before) < 20
