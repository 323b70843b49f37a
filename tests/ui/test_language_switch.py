"""A live language switch (issue 25, point 10), by its keys (Ctrl+Alt+Z / Ctrl+Alt+E):
every visible string follows (labels, buttons, boxes, tabs, dock titles, table headers,
the table's status values, the status bar, the review header), and at 1366x768 nothing
is cut off in either language (labels, buttons, combo boxes, header sections, dock
titles), in the browse view with its docks open and in review mode."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QApplication, QCheckBox, QComboBox, QDockWidget,
                               QHeaderView, QLabel, QPushButton, QRadioButton, QStyle, QStyleOptionComboBox,
                               QTabBar, QToolButton, QWidget)

from app.ui.browse.rows_model import COLUMN_INDEX

from .test_curate import ALT, CTRL, SHIFT, press, select, settle

TS = Path(__file__).resolve().parents[2] / "resources" / "i18n" / "cqia_zh_CN.ts"


def _sources() -> list[re.Pattern]:
    """English strings that have a Chinese translation different from them (the '&' of a
    mnemonic dropped; %1, %n stand for anything): one of them visible after switching to
    Chinese was not updated."""
    text = TS.read_text(encoding="utf-8")
    out = []
    pairs = re.findall(r"<source>([^<]*)</source>\s*<translation>\s*(?:<numerusform>)?([^<]*)", text)
    for src, tr in pairs:
        src, tr = html.unescape(src).replace("&", ""), html.unescape(tr).replace("&", "")
        words = re.sub(r"%[0-9n]", "", src)
        if re.search("[A-Za-z]{3}", words) and src != tr:
            out.append(re.compile(".*?".join(re.escape(part) for part in re.split(r"%[0-9n]", src)), re.S))
    return out


ENGLISH = _sources()


def visible(win) -> list[QWidget]:
    """Every widget shown in a top-level window of the app (the main window and its docks)."""
    out = []
    for top in QApplication.topLevelWidgets():
        if top.isVisible() and (top is win or top.parent() is win):
            out += [w for w in top.findChildren(QWidget) if w.isVisible() and w.window() is top]
    return out


def texts(win) -> list[tuple[str, str]]:
    """(where, text) of every visible string: widgets, tabs, headers, dock titles, the status column."""
    out = []
    for w in visible(win):
        name = f"{type(w).__name__}#{w.objectName()}"
        if isinstance(w, (QLabel, QAbstractButton)):
            out.append((name, w.text()))
        if isinstance(w, QComboBox):
            out += [(name, w.itemText(i)) for i in range(w.count())]
        if isinstance(w, QTabBar):
            out += [(name, w.tabText(i)) for i in range(w.count())]
        if isinstance(w, QDockWidget):
            out.append((name, w.windowTitle()))
        if isinstance(w, QHeaderView) and w.model() is not None:
            out += [(name, str(w.model().headerData(i, w.orientation()) or "")) for i in range(w.count())
                    if not w.isSectionHidden(i)]
    model = win.model
    col = COLUMN_INDEX["status"]
    out += [("status cell", model.data(model.index(r, col))) for r in range(min(model.rowCount(), 20))]
    out.append(("status bar counts", win.status.counts.text()))
    return out


def untranslated(win) -> list[tuple[str, str]]:
    return [(where, t) for where, t in texts(win) if t and any(p.fullmatch(t.replace("&", "")) for p in ENGLISH)]


def cut_off(win) -> list[str]:
    """Visible texts wider than the room their widget gives them."""
    bad = []
    for w in visible(win):
        name = f"{type(w).__name__}#{w.objectName()} in {type(w.parent()).__name__}#{w.parent().objectName() if w.parent() else ''}"
        fm = w.fontMetrics()
        if isinstance(w, QLabel) and not w.wordWrap() and w.text() and w.pixmap().isNull():
            need = max(fm.horizontalAdvance(line) for line in w.text().split("\n"))
            if need > w.contentsRect().width() + 1:
                bad.append(f"{name}: {w.text()!r} needs {need}px, has {w.contentsRect().width()}")
        elif isinstance(w, (QPushButton, QCheckBox, QRadioButton, QToolButton)) and w.text():
            if w.width() + 1 < w.sizeHint().width():
                bad.append(f"{name}: {w.text()!r} needs {w.sizeHint().width()}px, has {w.width()}")
        elif isinstance(w, QComboBox) and w.currentText():
            opt = QStyleOptionComboBox()
            w.initStyleOption(opt)
            room = w.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, opt,
                                            QStyle.SubControl.SC_ComboBoxEditField, w).width()
            if fm.horizontalAdvance(w.currentText()) > room + 1:
                bad.append(f"{name}: {w.currentText()!r} needs {fm.horizontalAdvance(w.currentText())}px, has {room}")
        elif isinstance(w, QHeaderView) and w.model() is not None and w.orientation() == Qt.Orientation.Horizontal:
            margin = 2 * w.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, w)
            for i in range(w.count()):
                if w.isSectionHidden(i):
                    continue
                text = str(w.model().headerData(i, Qt.Orientation.Horizontal) or "")
                need = fm.horizontalAdvance(text) + margin
                if text and need > w.sectionSize(i) + 1:
                    bad.append(f"{name} section {i}: {text!r} needs {need}px, has {w.sectionSize(i)}")
        elif isinstance(w, QDockWidget) and w.windowTitle():
            need = fm.horizontalAdvance(w.windowTitle()) + 2 * 24  # the close and float buttons
            if need > w.width():
                bad.append(f"{name}: title {w.windowTitle()!r} needs {need}px, has {w.width()}")
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                if fm.horizontalAdvance(w.tabText(i)) > w.tabRect(i).width():
                    bad.append(f"{name}: tab {w.tabText(i)!r} cut off")
    return bad


def _switch(qtbot, win, key) -> None:
    press(qtbot, win.table if win.table.isVisible() else win, key, CTRL | ALT)
    settle(qtbot, win)
    _laid_out()


def _laid_out() -> None:
    """Until the layouts the new texts asked for have run (each pass may ask for the next)."""
    for _ in range(10):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        QApplication.processEvents()


def _prepare(qtbot, win) -> None:
    win.showNormal()
    win.resize(1366, 768)
    settle(qtbot, win)
    select(qtbot, win, 0)
    press(qtbot, win.table, Qt.Key.Key_A, CTRL | SHIFT)  # a status value to translate
    settle(qtbot, win)
    press(qtbot, win.table, Qt.Key.Key_H, CTRL)  # the History dock
    qtbot.waitUntil(lambda: win.curate_ui.dock.isVisible())
    _laid_out()


@pytest.fixture()
def screen(qtbot, loaded):
    _prepare(qtbot, loaded)
    return loaded  # the next test's app_env puts English back


@pytest.fixture()
def chinese_first(qtbot, app_env, tmp_path, monkeypatch, small_release):
    """A window built and shown in Chinese (the curator's language at start), then switched."""
    from app.ui.shell import commands, i18n
    from app.ui.shell.main_window import MainWindow

    from .conftest import settle_all

    monkeypatch.setattr(commands, "config_dir", lambda: tmp_path / "config")
    i18n.install_language("zh_CN")
    settings, fonts = app_env
    win = MainWindow(settings, fonts)
    qtbot.addWidget(win)
    win.show()
    win.open_paths([str(small_release)])
    settle_all(qtbot, win)
    _prepare(qtbot, win)
    yield win
    i18n.install_language("en")
    win.session.shutdown()
    win.close()


def test_a_live_switch_updates_every_visible_string(qtbot, screen):
    win = screen
    assert win.model.data(win.model.index(0, COLUMN_INDEX["status"])) == "accepted"
    _switch(qtbot, win, Qt.Key.Key_Z)
    left = untranslated(win)
    assert not left, "\n".join(map(str, left))
    assert win.model.data(win.model.index(0, COLUMN_INDEX["status"])) == "已通过"
    _switch(qtbot, win, Qt.Key.Key_E)
    assert win.model.data(win.model.index(0, COLUMN_INDEX["status"])) == "accepted"
    assert "行" not in win.status.counts.text()


def test_review_header_follows_a_live_switch(qtbot, screen):
    win = screen
    win.table.setFocus()
    qtbot.keyClick(win.table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: win.commands.review.active)
    QApplication.processEvents()
    _switch(qtbot, win, Qt.Key.Key_Z)
    left = untranslated(win)
    assert not left, "\n".join(map(str, left))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)


def test_nothing_is_cut_off_at_1366x768_in_either_language(qtbot, screen):
    win = screen
    for key in (Qt.Key.Key_Z, Qt.Key.Key_E):
        _switch(qtbot, win, key)
        bad = cut_off(win)
        assert not bad, "\n".join(bad)


def test_started_in_chinese_then_english_nothing_is_cut_off(qtbot, chinese_first):
    win = chinese_first
    bad = cut_off(win)
    assert not bad, "\n".join(bad)
    _switch(qtbot, win, Qt.Key.Key_E)
    assert not untranslated_back(win)
    bad = cut_off(win)
    assert not bad, "\n".join(bad)
    assert win.search_bar.mode.currentText() == "Literal"


def untranslated_back(win) -> list[tuple[str, str]]:
    """After switching to English: no Chinese left but user data (table cells, the detail)."""
    return [(w, t) for w, t in texts(win) if re.search("[\u4e00-\u9fff]", t) and "status" in w]


@pytest.mark.parametrize("keys", [(Qt.Key.Key_D, "dashboard"), (Qt.Key.Key_Q, "signals")], ids=["dashboard", "signals"])
def test_the_analysis_dock_is_not_cut_off_in_either_language(qtbot, chinese_first, keys):
    from .conftest import settle_all

    key, tab = keys
    win = chinese_first
    press(qtbot, win.table, key, CTRL | SHIFT)  # Ctrl+Shift+D / Ctrl+Shift+Q: the analysis dock on that tab
    qtbot.waitUntil(lambda: win.commands.analysis.dock is not None and win.commands.analysis.dock.isVisible())
    settle_all(qtbot, win)
    _laid_out()
    for lang in (Qt.Key.Key_Z, Qt.Key.Key_E):
        _switch(qtbot, win, lang)
        settle_all(qtbot, win)
        _laid_out()
        bad = cut_off(win)
        assert not bad, "\n".join(bad)
    assert not untranslated_back(win)
