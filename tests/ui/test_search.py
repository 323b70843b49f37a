"""Search typed with real key events; the resulting rows and highlights."""
from __future__ import annotations

from PySide6.QtCore import Qt

from app.core.query import filters as query
from app.core.query.filters import SearchSpec
from app.ui.shell.self_test import type_text

from .conftest import TROUBLE_OUTPUT, wait_idle


def test_typing_a_chinese_search_filters_rows_after_the_debounce(qtbot, loaded):
    bar = loaded.search_bar
    bar.edit.setFocus()
    requests = []
    loaded.session.specChanged.connect(lambda spec: requests.append(spec.search.text))
    type_text(bar.edit, "豆浆")
    assert loaded.model.rowCount() == 60  # nothing sent while typing (debounced)
    wait_idle(qtbot, loaded)
    assert requests == ["豆浆"]  # one request for the two key presses
    assert loaded.session.spec.search == SearchSpec(text="豆浆")
    # 12 instructions mention it, and one output (the troublemaker row)
    assert loaded.model.rowCount() == 13 == query.count(loaded.session.frame, loaded.session.spec)
    assert bar.count.text() == "13 matches"
    assert loaded.status.counts.text() == "13 of 60 rows · search: 豆浆"


def test_field_scope_mode_and_case(qtbot, loaded):
    bar = loaded.search_bar
    type_text(bar.edit, "豆浆")
    wait_idle(qtbot, loaded)
    bar.field_actions["output"].trigger()  # uncheck: instruction + input only
    wait_idle(qtbot, loaded)
    assert loaded.session.spec.search.fields == ("instruction", "input")
    assert loaded.model.rowCount() == 12
    bar.edit.clear()
    qtbot.keyClicks(bar.edit, "zhihu english")
    wait_idle(qtbot, loaded)
    assert loaded.model.rowCount() == 13  # case-insensitive by default
    qtbot.mouseClick(bar.case, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, loaded)
    assert loaded.session.spec.search.case_sensitive and loaded.model.rowCount() == 0
    bar.case.setChecked(False)
    bar.edit.clear()
    bar.mode.setCurrentIndex(bar.mode.findData("regex"))
    qtbot.keyClicks(bar.edit, r"question 1\d")
    wait_idle(qtbot, loaded)
    assert loaded.session.spec.search.mode == "regex" and loaded.model.rowCount() == 3  # 10, 11, 12


def test_an_invalid_regex_is_flagged_and_not_sent(qtbot, loaded):
    bar = loaded.search_bar
    bar.mode.setCurrentIndex(bar.mode.findData("regex"))
    qtbot.keyClicks(bar.edit, "(unclosed")
    wait_idle(qtbot, loaded)
    assert bar.edit.property("invalid") is True and "regular expression" in bar.edit.toolTip()
    assert not loaded.session.spec.search.active and loaded.model.rowCount() == 60
    qtbot.keyClick(bar.edit, Qt.Key.Key_Backspace)  # still invalid
    qtbot.keyClicks(bar.edit, ")")
    wait_idle(qtbot, loaded)
    assert bar.edit.property("invalid") is False and loaded.session.spec.search.text == "(unclose)"


def test_detail_highlights_matches_and_f3_walks_them(qtbot, loaded):
    type_text(loaded.search_bar.edit, "豆浆")
    wait_idle(qtbot, loaded)
    # The troublemaker row: its output holds the match after an RLO, a NUL and an emoji.
    row = next(r for r in range(loaded.model.rowCount())
               if loaded.session.frame["output"][loaded.model.position(r)] == TROUBLE_OUTPUT)
    loaded.table.select_row(row)
    detail = loaded.detail
    assert detail.match_count == 1
    out = detail.editors["output"]
    selections = out.extraSelections()
    assert selections[0].cursor.selectedText() == "豆浆"  # highlighted characters are exactly the match
    assert "⟨U+202E⟩" in out.toPlainText() and "\x00" not in out.toPlainText()
    # A row matching in the instruction: F3 / Shift+F3 move through the matches.
    loaded.table.select_row(0)
    loaded.table.setFocus()
    assert detail.match_count >= 1 and detail.current_match == 0
    loaded.search_bar.edit.clear()
    qtbot.keyClicks(loaded.search_bar.edit, "e")
    wait_idle(qtbot, loaded)
    # "Zhihu English question N" / "answer N": E, e (question) and e (answer), across two fields
    loaded.table.select_row(next(r for r in range(loaded.model.rowCount())
                                 if loaded.session.frame["instruction"][loaded.model.position(r)].startswith("Zhihu")))
    total = detail.match_count
    assert total == 3
    loaded.table.setFocus()
    qtbot.keyClick(loaded.table, Qt.Key.Key_F3)
    assert detail.current_match == 1
    qtbot.keyClick(loaded.table, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(loaded.table, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert detail.current_match == total - 1  # wrapped around backwards


def test_ctrl_f_focuses_the_search_box(qtbot, loaded):
    loaded.table.setFocus()
    qtbot.keyClick(loaded.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert loaded.search_bar.edit.hasFocus()


def test_the_role_choice_scopes_the_search_and_round_trips(qtbot, loaded):
    bar = loaded.search_bar
    type_text(bar.edit, "豆浆")
    wait_idle(qtbot, loaded)
    assert loaded.model.rowCount() == 13
    bar.role.setCurrentIndex(bar.role.findData("assistant"))  # the outputs only
    wait_idle(qtbot, loaded)
    assert loaded.session.spec.search.role == "assistant"
    assert loaded.model.rowCount() == 1 == query.count(loaded.session.frame, loaded.session.spec)
    bar.role.setCurrentIndex(bar.role.findData("user"))
    wait_idle(qtbot, loaded)
    assert loaded.model.rowCount() == 12
    # a pasted view shows its role without sending it back
    sent = []
    bar.searchChanged.connect(sent.append)
    bar.set_spec(SearchSpec(text="豆浆", role="system"))
    assert bar.role.currentData() == "system" and sent == []
    assert [bar.role.itemText(i) for i in range(bar.role.count())] == ["Any role", "User", "Assistant", "System"]
