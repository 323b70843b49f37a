"""After a crash (issue 25, point 7): a real app process is driven by keys (a search, a row
moved to, an accept, the History dock), then killed with SIGKILL; the next window on the
same release says "Recovered 1 action since version 0" and shows the same view: filter,
current row, docks. A window closed cleanly starts on the plain view."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import QSettings

from app.core.load.schema import rid_hex
from app.core.query.filters import FilterSpec, SearchSpec
from app.ui.shell.settings import Settings

from .conftest import settle_all, write_release

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent("""
    import os, sys, time
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    sys.path.insert(0, {root!r})
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication
    from app.ui.shell.startup import make_app
    from app.ui.shell.settings import Settings
    from app.ui.shell.main_window import MainWindow
    from app.ui.shell.self_test import quiet

    settings = Settings(QSettings({ini!r}, QSettings.Format.IniFormat))
    app, settings, fonts = make_app(settings)
    win = MainWindow(settings, fonts)
    win.show()

    def wait(cond, what):
        end = time.monotonic() + 120
        while not cond():
            app.processEvents()
            time.sleep(0.005)
            if time.monotonic() > end:
                print("timeout", what, flush=True)
                sys.exit(1)

    win.open_paths([{release!r}])
    wait(lambda: win.session.release is not None and quiet(win), "load")
    win.search_bar.edit.setFocus()
    for ch in "知乎":  # one key event per character, as an input method delivers them
        for kind in (QKeyEvent.Type.KeyPress, QKeyEvent.Type.KeyRelease):
            QApplication.sendEvent(win.search_bar.edit, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))
    wait(lambda: win.session.rows_spec.search.text == "知乎" and quiet(win) and not win.search_bar.pending, "search")
    win.table.setFocus()
    for _ in range(3):
        QTest.keyClick(win.table, Qt.Key.Key_Down)
    wait(lambda: win.table.currentIndex().row() == 3, "row")
    rid = win.curation.rid_at(win.table.current_position())
    QTest.keyClick(win.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    wait(lambda: win.curation.curation.overlay.counts()["accepted"] == 1, "accept")
    QTest.keyClick(win.table, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    wait(lambda: win.curate_ui.dock.isVisible(), "history")
    saves = win.last_view.saves
    wait(lambda: win.last_view.saves > saves and not win.last_view._timer.isActive(), "saved")
    print("ready", format(rid, "016x"), win.session.spec.to_text(), flush=True)
    sys.stdin.read()
""")


def _window(qtbot, settings, fonts):
    from app.ui.shell.main_window import MainWindow

    win = MainWindow(settings, fonts)
    qtbot.addWidget(win)
    win.show()
    return win


def test_a_killed_app_comes_back_with_its_view_and_says_what_it_recovered(qtbot, app_env, tmp_path, monkeypatch):
    from app.ui.shell import commands

    monkeypatch.setattr(commands, "config_dir", lambda: tmp_path / "config")
    release = write_release(tmp_path / "release")
    ini = tmp_path / "settings.ini"
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "xdg"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", CHILD.format(root=str(ROOT), ini=str(ini), release=str(release))],
                             stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True, cwd=str(ROOT), env=env)
    try:
        line = child.stdout.readline().split(" ", 2)
        assert line[0] == "ready", line
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        child.stdout.close()
        child.stdin.close()
    rid, spec = line[1], FilterSpec.from_text(line[2])
    assert spec.search == SearchSpec(text="知乎")

    settings = Settings(QSettings(str(ini), QSettings.Format.IniFormat))
    _, fonts = app_env
    messages = []
    win = _window(qtbot, settings, fonts)
    win.status.messageChanged.connect(messages.append)
    win.open_paths([str(release)])
    qtbot.waitUntil(lambda: win.last_view.restored is not None and win.session.rows_spec == spec, timeout=60000)
    settle_all(qtbot, win)
    assert any("Recovered 1 action since version 0." in m for m in messages), messages
    assert "Recovered 1 action since version 0. The last view" in win.status.notice.text() and win.status.notice.isVisible()
    assert win.session.spec == spec and win.search_bar.edit.text() == "知乎"
    qtbot.waitUntil(lambda: rid_hex(win.curation.rid_at(win.table.current_position())) == rid)
    assert win.table.currentIndex().row() == 3 and win.detail_position == win.table.current_position()
    assert win.curate_ui.dock.isVisible()
    assert win.curation.curation.overlay.counts()["accepted"] == 1
    # closed cleanly, the next window opens the plain view and says nothing was recovered
    win.close()
    messages.clear()
    again = _window(qtbot, settings, fonts)
    again.status.messageChanged.connect(messages.append)
    again.open_paths([str(release)])
    settle_all(qtbot, again)
    assert again.curation.curation.recovered is None and again.last_view.restored is None
    assert again.session.spec == FilterSpec() and not any("Recovered" in m for m in messages)
    again.close()
