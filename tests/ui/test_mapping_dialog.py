"""Edit > Map Fields of This File… with real key events: a file of unknown keys mapped to
instruction / output (and a conversation's keys), kept in the project's formats.json
through the core, the release read again with it; back to detection drops it."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.core.load.fieldkeys import field_keys
from app.core.load.formatsfile import FORMATS_FILE, read_shapes

from .conftest import settle_all
from .test_curate import press, settle

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


@pytest.fixture()
def odd(qtbot, window, tmp_path: Path):
    root = tmp_path / "odd"
    root.mkdir()
    rows = [{"q": f"问题{i}", "a": f"回答{i}", "meta": {"lang": "zh"}} for i in range(5)]
    (root / "qa.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                                   encoding="utf-8")
    chats = [{"dialog": [{"who": "user", "says": f"你好{i}"}, {"who": "assistant", "says": f"您好{i}"}]}
             for i in range(3)]
    (root / "chat.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in chats) + "\n",
                                     encoding="utf-8")
    window.open_paths([str(root)])
    settle_all(qtbot, window)
    settle(qtbot, window)
    window.activateWindow()
    return window


def select_file(qtbot, win, rel: str) -> None:
    frame = win.session.frame
    pos = next(p for p in range(frame.height) if frame["file"][p] == rel)
    row = win.model.row_of_position(pos)
    win.table.setFocus()
    win.table.select_row(row)
    qtbot.waitUntil(lambda: win.detail_position == win.model.position(row))


def reloaded(qtbot, win, before) -> None:
    qtbot.waitUntil(lambda: win.session.release is not None and win.session.release is not before)
    settle_all(qtbot, win)


def column_of(win, rel: str, name: str) -> list:
    f = win.session.frame
    return [f[name][p] for p in range(f.height) if f["file"][p] == rel]


def test_field_keys_offer_keys_nested_paths_and_turn_keys(tmp_path):
    p = tmp_path / "x.json"
    p.write_text(json.dumps([{"instruction": "i", "instances": [{"input": "a", "output": "b"}],
                              "meta": {"src": "s"}}]), encoding="utf-8")
    keys = field_keys(p)
    assert keys.paths == ["instruction", "instances[0].input", "instances[0].output", "meta.src"]
    assert keys.lists == ["instances"] and keys.item_keys == ["input", "output"]


def test_map_a_files_keys_then_back_to_detection(qtbot, odd):
    assert column_of(odd, "qa.jsonl", "instruction") == [""] * 5
    select_file(qtbot, odd, "qa.jsonl")
    press(qtbot, odd.table, Qt.Key.Key_M, CTRL | SHIFT)
    dialog = odd.commands.dialog
    assert dialog.objectName() == "mappingDialog" and dialog.isVisible()
    assert not dialog.fields["instruction"].isEnabled()  # a mapping is for "other" only
    qtbot.keyClicks(dialog.format, "other")
    assert dialog.format.currentData() == "other" and dialog.fields["instruction"].isEnabled()
    assert [dialog.fields["output"].itemText(i) for i in range(dialog.fields["output"].count())] == \
        ["", "q", "a", "meta.lang"]
    qtbot.keyClicks(dialog.fields["instruction"].lineEdit(), "q")
    qtbot.keyClicks(dialog.fields["output"].lineEdit(), "a")
    before = odd.session.release
    qtbot.keyClick(dialog.fields["output"], Qt.Key.Key_Return)
    folder = odd.curation.curation.project.folder
    shapes = read_shapes(folder)
    assert shapes["qa.jsonl"].format == "other" and dict(shapes["qa.jsonl"].mapping) == {"instruction": "q",
                                                                                         "output": "a"}
    reloaded(qtbot, odd, before)
    assert column_of(odd, "qa.jsonl", "instruction") == [f"问题{i}" for i in range(5)]
    assert column_of(odd, "qa.jsonl", "output") == [f"回答{i}" for i in range(5)]
    # the same dialog shows the kept mapping; the first entry reads the file by detection again
    select_file(qtbot, odd, "qa.jsonl")
    press(qtbot, odd.table, Qt.Key.Key_M, CTRL | SHIFT)
    dialog = odd.commands.dialog
    assert dialog.fields["instruction"].currentText() == "q"
    dialog.format.setFocus()
    qtbot.keyClick(dialog.format, Qt.Key.Key_Home)
    before = odd.session.release
    qtbot.keyClick(dialog.format, Qt.Key.Key_Return)
    assert "qa.jsonl" not in read_shapes(folder)
    reloaded(qtbot, odd, before)
    assert column_of(odd, "qa.jsonl", "instruction") == [""] * 5


def test_map_a_conversation_with_its_role_and_text_keys(qtbot, odd):
    select_file(qtbot, odd, "chat.jsonl")
    press(qtbot, odd.table, Qt.Key.Key_M, CTRL | SHIFT)
    dialog = odd.commands.dialog
    qtbot.keyClicks(dialog.format, "other")
    for name, text in (("conversation", "dialog"), ("role", "who"), ("text", "says")):
        qtbot.keyClicks(dialog.fields[name].lineEdit(), text)
    before = odd.session.release
    qtbot.keyClick(dialog.fields["text"], Qt.Key.Key_Return)
    reloaded(qtbot, odd, before)
    assert column_of(odd, "chat.jsonl", "output") == [f"您好{i}" for i in range(3)]
    select_file(qtbot, odd, "chat.jsonl")
    assert list(odd.detail.turns.editors()) == ["dialog[0].says", "dialog[1].says"]
    assert (odd.curation.curation.project.folder / FORMATS_FILE).is_file()


def test_a_mapping_the_core_refuses_is_named_in_the_dialog(qtbot, odd):
    select_file(qtbot, odd, "qa.jsonl")
    press(qtbot, odd.table, Qt.Key.Key_M, CTRL | SHIFT)
    dialog = odd.commands.dialog
    qtbot.keyClicks(dialog.format, "other")
    qtbot.keyClicks(dialog.fields["instruction"].lineEdit(), "q[")
    qtbot.keyClick(dialog.fields["instruction"], Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.error.isVisible() and dialog.error.text()
    assert "qa.jsonl" not in read_shapes(odd.curation.curation.project.folder)
