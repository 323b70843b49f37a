"""A conversation in the detail view and review mode, with real key events: every turn
in order under its role, tools folded, a preference pair side by side with its
differences highlighted, per-turn edits as EditPath (Ctrl+Z undoes), a turn deleted
after a question, chosen and rejected swapped by a shortcut."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from app.core.query.filters import SearchSpec
from app.ui.common.text_diff import CHAR_DIFF_LIMIT, diff_spans

from .conftest import settle_all
from .test_curate import press, settle, type_text

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
TOOLS = json.dumps([{"name": "天气", "parameters": {"city": "string"}}], ensure_ascii=False)
HTML = "<b>粗体</b><script>x</script>"


def chat(i: int) -> dict:
    return {"conversations": [{"from": "human", "value": f"第{i}个问题 {HTML}"},
                              {"from": "function_call", "value": '{"name": "天气"}'},
                              {"from": "observation", "value": "晴"},
                              {"from": "gpt", "value": f"第{i}个回答：豆浆"},
                              {"from": "human", "value": f"追问 {i}"},
                              {"from": "gpt", "value": f"再答 {i}"}],
            "system": "你是助手", "tools": TOOLS}


def pref(i: int) -> dict:
    return {"conversations": [{"from": "human", "value": f"偏好问题 {i}"}],
            "chosen": {"from": "gpt", "value": f"好的回答 {i}：豆浆很好"},
            "rejected": {"from": "gpt", "value": f"差的回答 {i}：豆浆不好"}}


@pytest.fixture()
def conv(qtbot, window, tmp_path: Path):
    root = tmp_path / "conv"
    root.mkdir()
    (root / "chat.jsonl").write_text("\n".join(json.dumps(chat(i), ensure_ascii=False) for i in range(4)) + "\n",
                                     encoding="utf-8")
    (root / "dpo.json").write_text(json.dumps([pref(i) for i in range(3)], ensure_ascii=False), encoding="utf-8")
    (root / "coig.jsonl").write_text(json.dumps({"instruction": "单轮问题", "input": "", "output": "单轮回答",
                                                 "task_type": {"major": ["问答"], "minor": []}, "domain": ["通用"],
                                                 "answer_from": "human", "human_verified": True},
                                                ensure_ascii=False) + "\n", encoding="utf-8")
    window.open_paths([str(root)])
    settle_all(qtbot, window)
    settle(qtbot, window)
    window.activateWindow()
    return window


def select_format(qtbot, win, fmt: str, nth: int = 0) -> int:
    frame = win.session.frame
    rows = [win.model.row_of_position(p) for p in range(frame.height) if frame["format"][p] == fmt]
    row = sorted(r for r in rows if r is not None)[nth]
    win.table.setFocus()
    win.table.select_row(row)
    qtbot.waitUntil(lambda: win.detail_position == win.model.position(row))
    return win.curation.rid_at(win.model.position(row))


def captions(turns) -> list[str]:
    return [b.caption.text().split()[0] for b in turns.shown_boxes()]


def test_a_conversation_shows_every_turn_in_order_under_its_role(qtbot, conv):
    select_format(qtbot, conv, "sharegpt")
    turns = conv.detail.turns
    assert turns.isVisible() and not conv.detail.splitter.isVisible()
    assert captions(turns) == ["System", "User", "Function", "Observation", "Assistant", "User", "Assistant"]
    texts = [e.toPlainText() for e in turns.editors().values()]
    assert texts[0] == "你是助手" and texts[1].endswith(HTML)  # literally: never read as HTML
    assert list(turns.editors())[1] == "conversations[0].value"
    # tools folded; Space on the fold opens it and shows the JSON
    assert turns.tools_button.isVisible() and not turns.tools_text.isVisible()
    turns.tools_button.setFocus()
    qtbot.keyClick(turns.tools_button, Qt.Key.Key_Space)
    assert turns.tools_text.isVisible() and '"天气"' in turns.tools_text.toPlainText()
    # another row reuses the boxes (pooled): no new widgets
    boxes = list(turns.boxes)
    select_format(qtbot, conv, "sharegpt", 1)
    assert turns.boxes == boxes and "第1个问题" in turns.editors()["conversations[0].value"].toPlainText()


def test_roles_are_translated(qtbot, conv):
    from app.ui.shell import i18n

    select_format(qtbot, conv, "sharegpt")
    i18n.install_language("zh_CN")
    try:
        qtbot.waitUntil(lambda: captions(conv.detail.turns)[:2] == ["系统", "用户"])
    finally:
        i18n.install_language("en")


def test_search_highlights_and_f3_walk_the_turns(qtbot, conv):
    select_format(qtbot, conv, "sharegpt")
    conv.detail.set_search(SearchSpec(text="豆浆"))
    assert conv.detail.match_count == 1
    editor = conv.detail.turns.editors()["conversations[3].value"]
    assert len(editor.extraSelections()) == 1
    select_format(qtbot, conv, "preference")
    conv.detail.set_search(SearchSpec(text="回答"))
    assert conv.detail.match_count == 2
    first = conv.detail.current_match
    press(qtbot, conv.table, Qt.Key.Key_F3, Qt.KeyboardModifier.NoModifier)
    assert conv.detail.current_match == (first + 1) % 2


def test_a_preference_pair_sits_side_by_side_with_its_differences(qtbot, conv):
    select_format(qtbot, conv, "preference")
    turns = conv.detail.turns
    assert turns.pair.isVisible()
    assert turns.chosen.text.toPlainText() == "好的回答 0：豆浆很好"
    assert turns.rejected.text.toPlainText() == "差的回答 0：豆浆不好"
    assert turns.chosen.geometry().top() == turns.rejected.geometry().top()  # side by side
    chosen = [(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in turns.chosen.text.extraSelections()]
    rejected = [(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in turns.rejected.text.extraSelections()]
    assert chosen == [(0, 1), (9, 10)] and rejected == [(0, 1), (9, 10)]  # 好/差, 很/不
    assert not turns.pair_note.isVisible()


def test_long_texts_are_compared_by_line():
    a = "\n".join(f"行{i}" * 50 for i in range(60))
    b = a.replace("行7" * 50, "改" * 10)
    spans_a, spans_b, by_line = diff_spans(a, b)
    assert len(a) + len(b) > CHAR_DIFF_LIMIT and by_line
    assert len(spans_a) == 1 and a[spans_a[0][0]:spans_a[0][1]] == "行7" * 50 + "\n"
    assert b[spans_b[0][0]:spans_b[0][1]] == "改" * 10 + "\n"
    assert diff_spans("a😀b", "a😀c")[:2] == ([(3, 4)], [(3, 4)])  # UTF-16 offsets past an emoji


def test_editing_a_turn_is_an_edit_path_and_ctrl_z_undoes_it(qtbot, conv):
    rid = select_format(qtbot, conv, "sharegpt")
    turns = conv.detail.turns
    qtbot.mouseClick(turns.editors()["conversations[4].value"].viewport(), Qt.MouseButton.LeftButton)
    assert turns.current_path == "conversations[4].value"
    conv.table.setFocus()
    press(qtbot, conv.table, Qt.Key.Key_3, CTRL)  # Focus Detail: the turn clicked last
    assert turns.editors()["conversations[4].value"].hasFocus()
    conv.table.setFocus()
    press(qtbot, conv.table, Qt.Key.Key_E, CTRL)
    editor = turns.editors()["conversations[4].value"]
    assert conv.detail.editing.active and not editor.isReadOnly() and editor.hasFocus()
    press(qtbot, editor, Qt.Key.Key_A, CTRL)
    type_text(editor, "新的追问😀")
    press(qtbot, editor, Qt.Key.Key_Return, CTRL)
    c = conv.curation.curation
    assert c.overlay[rid].fields == {"conversations[4].value": "新的追问😀"}
    settle(qtbot, conv)
    assert turns.editors()["conversations[4].value"].toPlainText() == "新的追问😀"
    assert conv.registry["edit.undo"].text() == "&Undo Edit conversations[4].value"
    press(qtbot, conv.table, Qt.Key.Key_Z, CTRL)
    assert c.overlay.get(rid).is_empty
    settle(qtbot, conv)
    assert turns.editors()["conversations[4].value"].toPlainText() == "追问 0"


def test_delete_a_turn_after_a_question_and_swap_a_preference(qtbot, conv):
    rid = select_format(qtbot, conv, "sharegpt")
    turns = conv.detail.turns
    qtbot.mouseClick(turns.editors()["conversations[5].value"].viewport(), Qt.MouseButton.LeftButton)
    press(qtbot, conv.table, Qt.Key.Key_Delete, CTRL | SHIFT)
    box = conv.commands.dialog
    assert isinstance(box, QMessageBox) and "conversations[5]" in box.text()
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # no: nothing changes
    assert conv.curation.curation.overlay.get(rid).is_empty
    qtbot.mouseClick(turns.editors()["conversations[5].value"].viewport(), Qt.MouseButton.LeftButton)
    press(qtbot, conv.table, Qt.Key.Key_Delete, CTRL | SHIFT)
    qtbot.keyClick(conv.commands.dialog, Qt.Key.Key_Return)
    assert conv.curation.curation.overlay[rid].fields == {"conversations[5]": None}
    settle(qtbot, conv)
    assert "conversations[5].value" not in turns.editors() and len(turns.editors()) == 6
    rid = select_format(qtbot, conv, "preference", 1)
    press(qtbot, conv.table, Qt.Key.Key_W, CTRL | SHIFT)
    assert conv.curation.curation.overlay[rid].fields == {"chosen.value": "差的回答 1：豆浆不好",
                                                          "rejected.value": "好的回答 1：豆浆很好"}
    settle(qtbot, conv)
    assert turns.chosen.text.toPlainText() == "差的回答 1：豆浆不好"


def test_review_mode_shows_turns_and_edits_one_by_path(qtbot, conv):
    qtbot.keyClick(conv, Qt.Key.Key_F2)
    mode = conv.commands.review
    view = mode.view
    assert mode.active and QApplication.focusWidget() is view
    qtbot.waitUntil(lambda: view.item is not None)
    while view.item.values.get("format") != "sharegpt":
        qtbot.keyClick(view, Qt.Key.Key_J)
    rid = view.item.rid
    assert view.turns.isVisible() and not view.boxes["output"].isVisible()
    assert captions(view.turns)[:2] == ["System", "User"]
    view.set_search(SearchSpec(text="豆浆"))  # the search's matches, in the turn that has them
    assert [len(e.extraSelections()) for e in view.turns.editors().values()] == [0, 0, 0, 0, 1, 0, 0]
    view.set_search(SearchSpec())
    qtbot.mouseClick(view.turns.editors()["conversations[0].value"].viewport(), Qt.MouseButton.LeftButton)
    assert QApplication.focusWidget() is view  # a click marks the turn, the keys stay with review
    qtbot.keyClick(view, Qt.Key.Key_E)
    editor = view.turns.editors()["conversations[0].value"]
    assert editor.hasFocus() and not editor.isReadOnly()
    press(qtbot, editor, Qt.Key.Key_A, CTRL)
    type_text(editor, "改过的问题")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert view.turns.editors()["conversations[1].value"].hasFocus()
    press(qtbot, view.turns.editors()["conversations[1].value"], Qt.Key.Key_Return, CTRL)
    state = conv.curation.curation.overlay[rid]
    assert state.fields == {"conversations[0].value": "改过的问题"} and state.status == "accepted"
    press(qtbot, view, Qt.Key.Key_Z, CTRL)  # one undo step: the edit and the accept
    assert conv.curation.curation.overlay.get(rid).is_empty
    assert view.item.rid == rid


def test_a_hostile_conversation_shows_literally_and_quickly(qtbot, window, tmp_path):
    """Markup, an RLO, a NUL in turns, the tools and a preference pair; a 5 MB turn and a
    5 MB pair (its head shown, compared by line) selected and left without a hang."""
    import time

    from app.ui.common.text_display import DISPLAY_CHARS, display_text

    big = "长" * 5_000_000
    root = tmp_path / "hostile"
    root.mkdir()
    rows = [{"conversations": [{"from": "human", "value": "<b>粗</b>\u202e反\x00"},
                               {"from": "gpt", "value": "<img src=x>"}], "tools": "<script>t</script>"},
            {"conversations": [{"from": "human", "value": "大"}, {"from": "gpt", "value": big}]},
            {"conversations": [{"from": "human", "value": "对"}], "chosen": {"from": "gpt", "value": big},
             "rejected": {"from": "gpt", "value": big + "尾"}}]
    (root / "h.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    window.open_paths([str(root)])
    settle_all(qtbot, window)
    window.activateWindow()
    turns = window.detail.turns
    for row, check in ((0, lambda: [e.toPlainText() for e in turns.editors().values()]
                        == [display_text("<b>粗</b>\u202e反\x00"), "<img src=x>"]),
                       (1, lambda: len(turns.editors()["conversations[1].value"].toPlainText()) < DISPLAY_CHARS + 200),
                       (2, lambda: turns.pair.isVisible() and turns.pair_note.isVisible())):
        t0 = time.thread_time()
        window.table.setFocus()
        window.table.select_row(row)
        qtbot.waitUntil(lambda r=row: window.detail_position == window.model.position(r))
        assert time.thread_time() - t0 < 3.0
        assert check()
    window.table.select_row(0)
    qtbot.waitUntil(lambda: window.detail_position == window.model.position(0))
    turns.set_tools_open(True)
    assert turns.tools_text.toPlainText() == "<script>t</script>"
    assert turns.tools_button.text() == "Tools (18 characters)"


def test_review_mode_deletes_the_turn_clicked_and_swaps_a_pair(qtbot, conv):
    qtbot.keyClick(conv, Qt.Key.Key_F2)
    mode = conv.commands.review
    view = mode.view
    qtbot.waitUntil(lambda: view.item is not None)
    while view.item.values.get("format") != "sharegpt":
        qtbot.keyClick(view, Qt.Key.Key_J)
    rid = view.item.rid
    qtbot.mouseClick(view.turns.editors()["conversations[4].value"].viewport(), Qt.MouseButton.LeftButton)
    press(qtbot, view, Qt.Key.Key_Delete, CTRL | SHIFT)
    box = conv.commands.dialog
    assert isinstance(box, QMessageBox) and "conversations[4]" in box.text()
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert conv.curation.curation.overlay[rid].fields == {"conversations[4]": None}
    assert view.item.rid == rid and "conversations[4].value" not in view.turns.editors()
    while view.item.values.get("format") != "preference":
        qtbot.keyClick(view, Qt.Key.Key_J)
    rid = view.item.rid
    press(qtbot, view, Qt.Key.Key_W, CTRL | SHIFT)
    assert set(conv.curation.curation.overlay[rid].fields) == {"chosen.value", "rejected.value"}
    assert view.turns.chosen.text.toPlainText().startswith("差的回答")


def test_single_turn_rows_look_as_before_and_an_edit_ends_when_a_conversation_is_selected(qtbot, conv):
    rid = select_format(qtbot, conv, "cqia")
    assert conv.detail.splitter.isVisible() and not conv.detail.turns.isVisible()
    assert conv.detail.editors["output"].toPlainText() == "单轮回答"
    press(qtbot, conv.table, Qt.Key.Key_E, CTRL)
    editor = conv.detail.editors["output"]
    press(qtbot, editor, Qt.Key.Key_A, CTRL)
    type_text(editor, "改过")
    select_format(qtbot, conv, "sharegpt")  # another row: the edit is committed first
    assert conv.curation.curation.overlay[rid].fields == {"output": "改过"}
    assert not conv.detail.editing.active and editor.isReadOnly()
    assert all(e.isReadOnly() for e in conv.detail.turns.editors().values())


def test_turns_past_two_screens_are_filled_just_after_the_paint(qtbot, app_env):
    from app.ui.common.turns_view import TurnsView

    view = TurnsView()
    qtbot.addWidget(view)
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    turns = [{"role": ("user", "assistant")[i % 2], "text": f"第{i}轮 " + "字" * 300, "path": f"conversations[{i}].value"}
             for i in range(40)]
    row = {"format": "sharegpt", "turns": turns, "system": "", "tools": ""}
    view.show_row(row)
    assert 0 < len(view._shown()) < 40  # the first screens now, the rest after the paint
    qtbot.waitUntil(lambda: len(view._shown()) == 40)
    assert view.boxes[39].text.toPlainText().startswith("第39轮")
    view.show_row(row)
    assert len(view._shown()) < 40 and len(view.editors()) == 40  # asked for, they are filled at once
    view.show_row({**row, "turns": turns[:2]})  # a short row before the late fill: nothing late lands
    QApplication.processEvents()
    assert list(view.editors()) == ["conversations[0].value", "conversations[1].value"]
