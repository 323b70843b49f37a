"""A decision lands on the row the curator sees: after every way of moving through the
table (keys, clicks, sort, filter, search, undo, the row leaving the filter) the table's
current row, its highlight and the detail view show ONE row, and Ctrl+Del journals
exactly that row's id. Multi-row commands act on the visible selection and state the
count first. Real key and mouse events; the journal on disk says which row changed."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox

from app.core.query.filters import FilterSpec, SearchSpec, SortSpec
from app.core.load.schema import rid_from_hex
from app.ui.browse.rows_model import COLUMN_INDEX

from .test_curate import CTRL, SHIFT, cur, dialog, journal_lines, press, select, settle  # noqa: F401

NONE = Qt.KeyboardModifier.NoModifier


def shown_rid(win) -> int | None:
    row = win.detail._row
    return None if row is None else int(row["rid"])


def selected_rows(win) -> list[int]:
    rows = set()
    for rng in win.table.selectionModel().selection():
        rows.update(range(rng.top(), rng.bottom() + 1))
    return sorted(rows)


def agree(win) -> int:
    """The one row: current in the table, the only one highlighted, shown in the detail view."""
    index = win.table.currentIndex()
    assert index.isValid(), "no current row"
    position = win.model.position(index.row())
    assert win.detail_position == position, (win.detail_position, position)
    assert shown_rid(win) == win.curation.rid_at(position)
    assert selected_rows(win) == [index.row()], (selected_rows(win), index.row())
    return shown_rid(win)


def journaled_rids(record: dict) -> set[int]:
    return {rid_from_hex(h) for _state, hexes in record["rows"] for h in hexes}


def reject_shown(qtbot, win) -> int:
    """Ctrl+Del on the table, reason 1: exactly the detail view's row is journaled, with no
    confirmation (one row)."""
    rid = agree(win)
    before = len(journal_lines(win))
    win.table.setFocus()
    press(qtbot, win.table, Qt.Key.Key_Delete, CTRL)
    reasons = dialog(win)
    assert "1 row" in reasons.heading.text()
    qtbot.keyClick(reasons.list, Qt.Key.Key_1)
    lines = journal_lines(win)
    assert len(lines) == before + 1 and lines[-1]["op"] == "apply"
    assert journaled_rids(lines[-1]) == {rid}
    return rid


def rid_at_row(win, row: int) -> int:
    return win.curation.rid_at(win.model.position(row))


@pytest.fixture()
def at5(qtbot, cur):
    select(qtbot, cur, 5)
    cur.table.setFocus()
    agree(cur)
    return cur


# -- keys ----------------------------------------------------------------------------------------

KEYS = [
    ("Down", Qt.Key.Key_Down, NONE, 6),
    ("Up", Qt.Key.Key_Up, NONE, 4),
    ("PageDown", Qt.Key.Key_PageDown, NONE, None),
    ("PageUp", Qt.Key.Key_PageUp, NONE, 0),
    ("Home", Qt.Key.Key_Home, NONE, 5),  # first column of the same row
    ("End", Qt.Key.Key_End, NONE, 5),
    ("Ctrl+Home", Qt.Key.Key_Home, CTRL, 0),
    ("Ctrl+End", Qt.Key.Key_End, CTRL, 59),
    ("Ctrl+Down", Qt.Key.Key_Down, CTRL, 6),
    ("Ctrl+Up", Qt.Key.Key_Up, CTRL, 4),
    ("Ctrl+PageDown", Qt.Key.Key_PageDown, CTRL, None),
    ("Ctrl+PageUp", Qt.Key.Key_PageUp, CTRL, 0),
]


@pytest.mark.parametrize("name,key,mods,row", KEYS, ids=[k[0] for k in KEYS])
def test_every_navigation_key_moves_highlight_and_detail_and_the_decision_with_it(qtbot, at5, name, key, mods, row):
    win = at5
    press(qtbot, win.table, key, mods)
    current = win.table.currentIndex().row()
    if row is None:
        assert current > 6  # a page further down
    else:
        assert current == row
    assert reject_shown(qtbot, win) == rid_at_row(win, current)


def test_ctrl_home_then_reject_never_touches_the_row_left_behind(qtbot, at5):
    """The reported case: Ctrl+Home, then Ctrl+Del."""
    win = at5
    left = rid_at_row(win, 5)
    press(qtbot, win.table, Qt.Key.Key_Home, CTRL)
    rid = reject_shown(qtbot, win)
    assert rid == rid_at_row(win, 0) != left
    assert win.curation.curation.overlay.get(left).is_empty


# -- the mouse ---------------------------------------------------------------------------------------

def click_row(qtbot, win, row: int, mods=NONE) -> None:
    table = win.table
    table.scrollTo(win.model.index(row, 0))
    rect = table.visualRect(win.model.index(row, COLUMN_INDEX["instruction"]))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, mods, rect.center())


def test_a_click_makes_the_row_current_highlighted_and_shown(qtbot, at5):
    click_row(qtbot, at5, 9)
    assert at5.table.currentIndex().row() == 9
    assert reject_shown(qtbot, at5) == rid_at_row(at5, 9)


def test_ctrl_click_builds_a_selection_the_reject_states_and_acts_on(qtbot, at5):
    win = at5
    click_row(qtbot, win, 9, CTRL)
    assert selected_rows(win) == [5, 9]
    assert shown_rid(win) == rid_at_row(win, 9)  # the row clicked last is shown
    want = {rid_at_row(win, 5), rid_at_row(win, 9)}
    press(qtbot, win.table, Qt.Key.Key_Delete, CTRL)
    reasons = dialog(win)
    assert "2 rows" in reasons.heading.text()
    qtbot.keyClick(reasons.list, Qt.Key.Key_1)
    box = dialog(win)
    assert isinstance(box, QMessageBox) and "Reject 2 rows" in box.text()  # the count, before anything changes
    assert len(win.curation.curation.overlay) == 0
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert journaled_rids(journal_lines(win)[-1]) == want


def test_ctrl_click_leaving_one_highlighted_row_shows_that_row(qtbot, at5):
    """Ctrl+click takes row 9 out of a two-row selection: row 5 is the one highlighted
    row, so it is the one shown and the one a decision acts on."""
    win = at5
    click_row(qtbot, win, 9, CTRL)
    click_row(qtbot, win, 9, CTRL)
    assert reject_shown(qtbot, win) == rid_at_row(win, 5)


def test_ctrl_click_on_the_only_highlighted_row_keeps_it(qtbot, at5):
    click_row(qtbot, at5, 5, CTRL)
    assert reject_shown(qtbot, at5) == rid_at_row(at5, 5)


# -- the rows changing under the current one ---------------------------------------------------------------

def test_sorting_keeps_the_shown_row_current_and_highlighted(qtbot, at5):
    win = at5
    rid = shown_rid(win)
    header = win.table.horizontalHeader()
    x = header.sectionViewportPosition(COLUMN_INDEX["len_output"]) + header.sectionSize(COLUMN_INDEX["len_output"]) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, NONE, QPoint(x, header.height() // 2))
    settle(qtbot, win)
    assert win.session.spec.sort == SortSpec("len_output", False)
    assert win.table.currentIndex().row() != 5  # it moved with its row
    assert reject_shown(qtbot, win) == rid


def test_rows_arriving_while_ctrl_is_held_do_not_toggle_the_highlight(qtbot, at5):
    """A recount lands while the curator still holds Ctrl (after Ctrl+Z, Ctrl+]...): the
    table re-selects the shown row as a plain move, never as a Ctrl+click."""
    win = at5
    rid = shown_rid(win)
    qtbot.keyPress(win.table, Qt.Key.Key_Control)
    try:
        win.session.set_spec(win.session.spec.with_sort(SortSpec("len_output", True)))
        settle(qtbot, win)
        agree(win)
    finally:
        qtbot.keyRelease(win.table, Qt.Key.Key_Control)
    assert reject_shown(qtbot, win) == rid


def test_a_filter_that_drops_the_shown_row_shows_the_first_row_of_the_new_result(qtbot, at5):
    win = at5
    source = win.session.frame.row(win.detail_position, named=True)["source"]
    other = next(s for s in ("zhihu", "wiki", "ruozhiba") if s != source)
    win.session.set_spec(FilterSpec().toggle_include("source", other))
    settle(qtbot, win)
    assert win.table.currentIndex().row() == 0
    assert win.session.frame.row(win.detail_position, named=True)["source"] == other
    assert reject_shown(qtbot, win) == rid_at_row(win, 0)


def test_a_filter_that_keeps_the_shown_row_keeps_it(qtbot, at5):
    win = at5
    rid = shown_rid(win)
    source = win.session.frame.row(win.detail_position, named=True)["source"]
    win.session.set_spec(FilterSpec().toggle_include("source", source))
    settle(qtbot, win)
    assert reject_shown(qtbot, win) == rid


def test_a_search_typed_in_the_bar_moves_detail_and_decision_together(qtbot, at5):
    from app.ui.shell.self_test import type_text

    win = at5
    win.search_bar.focus()
    type_text(win.search_bar.edit, "百科")
    settle(qtbot, win)
    assert win.session.spec.search == SearchSpec(text="百科") and win.model.rowCount() == 15
    assert "百科" in win.detail.editors["instruction"].toPlainText()
    assert reject_shown(qtbot, win) == rid_at_row(win, win.table.currentIndex().row())


def test_undo_keeps_the_shown_row(qtbot, at5):
    win = at5
    first = rid_at_row(win, 5)
    press(qtbot, win.table, Qt.Key.Key_A, CTRL | SHIFT)
    press(qtbot, win.table, Qt.Key.Key_Down, CTRL)
    press(qtbot, win.table, Qt.Key.Key_Down, CTRL)
    shown = shown_rid(win)
    press(qtbot, win.table, Qt.Key.Key_Z, CTRL)
    assert win.curation.curation.overlay.get(first).is_empty
    settle(qtbot, win)
    assert shown_rid(win) == shown
    assert reject_shown(qtbot, win) == shown


def test_the_rejected_row_leaving_the_filter_hands_over_to_the_next_row(qtbot, cur):
    """Under "status is not rejected", a reject makes the row leave the table: the row
    that slides into its place is current, highlighted and shown; never the stale row."""
    win = cur
    win.session.set_spec(FilterSpec().toggle_exclude("status", "rejected"))
    settle(qtbot, win)
    rid = select(qtbot, win, 5)
    following = rid_at_row(win, 6)
    assert reject_shown(qtbot, win) == rid
    settle(qtbot, win)
    assert win.model.rowCount() == 59 and win.model.row_of_position(win.detail_position) == 5
    assert shown_rid(win) == following
    assert reject_shown(qtbot, win) == following
    settle(qtbot, win)
    # The last row leaving: its predecessor takes over.
    press(qtbot, win.table, Qt.Key.Key_End, CTRL)
    last, before_last = rid_at_row(win, 57), rid_at_row(win, 56)
    assert reject_shown(qtbot, win) == last
    settle(qtbot, win)
    assert shown_rid(win) == before_last and agree(win) == before_last


def test_the_last_row_leaving_the_filter_empties_the_detail_view(qtbot, cur):
    win = cur
    win.session.set_spec(FilterSpec().with_search(SearchSpec(text="百科 3")).toggle_exclude("status", "rejected"))
    settle(qtbot, win)
    assert win.model.rowCount() == 1
    select(qtbot, win, 0)
    reject_shown(qtbot, win)
    settle(qtbot, win)
    assert win.model.rowCount() == 0
    assert win.detail_position is None and shown_rid(win) is None
    assert win.detail.editors["instruction"].toPlainText() == ""


def test_labels_dialog_shows_the_labels_of_the_row_it_changes(qtbot, at5):
    """Ctrl+L on one row fills the dialog with that row's labels (the shown row)."""
    win = at5
    press(qtbot, win.table, Qt.Key.Key_Home, CTRL)
    want = win.session.frame.row(win.detail_position, named=True)["domain"]
    press(qtbot, win.table, Qt.Key.Key_L, CTRL)
    d = dialog(win)
    assert d._current.get("domain") == list(want)
    d.reject()
