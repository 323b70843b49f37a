"""Issue 25.1: word search before any text pass. What the table, the match count and the
status line show always belongs to the query in the box: while the word index is built
(on demand, with progress and Cancel) the table is empty and the status line says so;
matches are highlighted in the table's cells too."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem

from app.core.query import filters as query
from app.core.text import tokencache, wordpass
from app.ui.browse.rows_model import COLUMN_INDEX
from app.ui.shell.self_test import type_text

from .conftest import settle_all, wait_idle


@pytest.fixture()
def slow_tokeniser(monkeypatch):
    """Every way the app can cut words waits for the gate: a tokeniser as slow as the test wants."""
    gate = threading.Event()
    for module, name in ((tokencache, "ensure"), (wordpass, "tokenise"), (wordpass, "_cut_match")):
        real = getattr(module, name)

        def slow(*args, _real=real, **kwargs):
            assert gate.wait(60), "the test never opened the gate"
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, slow)
    yield gate
    gate.set()


def test_a_word_query_before_the_text_pass_never_shows_another_querys_rows(qtbot, loaded, slow_tokeniser):
    win, bar = loaded, loaded.search_bar
    type_text(bar.edit, "知乎")  # a literal search first: its rows are what a stale view would show
    wait_idle(qtbot, win)
    literal_rows = win.model.rowCount()
    assert literal_rows == 12
    bar.mode.setCurrentIndex(bar.mode.findData("word"))
    bar.edit.selectAll()
    type_text(bar.edit, "豆浆")
    bar.commit()
    # The word index is being built (the gate is closed): nothing of the older query shows.
    qtbot.waitUntil(lambda: win.session.spec.search.text == "豆浆" and win.session.waiting_words)
    assert win.model.rowCount() == 0
    assert "豆浆" in win.status.counts.text() and "word index" in win.status.counts.text()
    assert "知乎" not in win.status.counts.text()
    assert "word index" in bar.count.text() and bar.count.isVisible()
    analysis = win.commands.analysis
    qtbot.waitUntil(lambda: analysis.progress.isVisible() and analysis.progress.cancel.isVisible())
    slow_tokeniser.set()
    qtbot.waitUntil(lambda: not win.session.waiting_words and win.session.rows_spec == win.session.spec)
    settle_all(qtbot, win)
    want = query.count(win.session.frame, win.session.spec, word_matcher=win.session.word_matcher)
    assert want > 0 and win.model.rowCount() == want
    assert bar.count.text() == f"{want} matches" and "word index" not in win.status.counts.text()


def test_cancelling_the_word_index_says_so_and_shows_no_stale_rows(qtbot, loaded, slow_tokeniser):
    win, bar = loaded, loaded.search_bar
    bar.mode.setCurrentIndex(bar.mode.findData("word"))
    type_text(bar.edit, "豆浆")
    bar.commit()
    qtbot.waitUntil(lambda: win.session.waiting_words and win.commands.analysis.progress.cancel.isVisible())
    win.commands.analysis.progress.cancel.click()
    slow_tokeniser.set()
    qtbot.waitUntil(lambda: not win.commands.analysis.ctl.busy("tokens"))
    qtbot.waitUntil(lambda: "cancelled" in win.status.counts.text())
    assert win.model.rowCount() == 0 and win.session.waiting_words


def test_table_cells_highlight_the_matches(qtbot, loaded):
    win = loaded
    type_text(win.search_bar.edit, "豆浆")
    wait_idle(qtbot, win)
    column = COLUMN_INDEX["instruction"]
    delegate = win.table.itemDelegateForColumn(column)
    index = win.model.index(0, column)
    text = win.model.data(index)
    assert "豆浆" in text
    assert delegate.spans(text) == [(text.index("豆浆"), text.index("豆浆") + 2)]
    plain = win.table.itemDelegateForColumn(COLUMN_INDEX["source"])
    assert plain is None or not hasattr(plain, "spans")

    def paint(search: bool) -> QImage:
        image = QImage(400, 30, QImage.Format.Format_ARGB32)
        image.fill(0)
        option = QStyleOptionViewItem()
        option.rect = QRect(0, 0, 400, 30)
        option.font = win.table.font()
        delegate.set_search(win.session.rows_spec.search if search else query.SearchSpec())
        painter = QPainter(image)
        delegate.paint(painter, option, index)
        painter.end()
        return image

    assert paint(True) != paint(False)  # the match is painted differently
    settle_all(qtbot, win)
