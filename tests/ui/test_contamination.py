"""Analyse > Benchmark Contamination in the window, driven by keys: the overlap bins as a
facet, the matching question beside the row with the shared text highlighted (plain text
and QTextCharFormat, never HTML), the bulk reject with the reason 'benchmark
contamination' stating its count; and Edit > Convert to Simplified with its undo."""
from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.core.text.contamination.highlight import shared_spans
from app.ui.common.labels import bin_text

from .conftest import row
from .test_analysis import settle, shown, write_rows

CTRL, ALT, SHIFT = (Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier,
                    Qt.KeyboardModifier.ShiftModifier)
Q_FULL = "下列关于细胞膜结构与功能的叙述，正确的是哪一项？<b>注意</b>"
Q_HALF = "天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳"  # 32 characters
TRAD = "這是一段完整的回答，內容充實。"
SIMPLE = "这是一段完整的回答，内容充实。"


def press(qtbot, widget, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(widget, key, modifiers)


@pytest.fixture()
def case(tmp_path, monkeypatch):
    """A release with one row holding a whole question, one holding half of another, and
    rows with nothing of either; a benchmark folder with both questions."""
    rows = [row("请写一首关于春天的诗", "春风又绿江南岸。"),
            row("选择题：" + Q_FULL.replace("，", ", "), "答案是C。", inp="A. 甲 B. 乙"),
            row("今天的天气怎么样？", "晴。"),
            row("背诵：" + Q_HALF[:24], "……"),
            row("解释一个成语", TRAD)]
    release = write_rows(tmp_path / "rel" / "exam" / "a.jsonl", rows).parent.parent
    bench = tmp_path / "bench"
    bench.mkdir()
    pl.DataFrame({"Question": [Q_FULL, Q_HALF, "无关的题目，和这些行没有任何关系的一道题"]}).write_csv(bench / "q.csv")
    from app.ui.common import dialogs

    monkeypatch.setattr(dialogs, "open_folder", lambda *a, **k: str(bench))
    return release, bench


def run_scan(qtbot, win):
    win.table.setFocus()
    press(qtbot, win.table, Qt.Key.Key_B, CTRL | ALT)  # Analyse > Benchmark Contamination
    ui = win.commands.analysis.contamination
    qtbot.waitUntil(lambda: ui.ctl.matches is not None and not ui.ctl.busy)
    settle(qtbot, win)
    return ui


def test_bins_are_a_facet_and_the_question_shows_beside_the_row(qtbot, window, case):
    release, bench = case
    window.open_paths([str(release)])
    settle(qtbot, window)
    ui = run_scan(qtbot, window)
    panel = window.commands.analysis.dock.contamination
    assert window.commands.analysis.dock.current() == "contamination"
    assert ui.ctl.paths == [str(bench)]
    assert "2 rows" in panel.summary.text() and "3 questions" in panel.summary.text()
    # The facet: one value per overlap bin, counted over the filter.
    facets = window.facets
    full, half = facets.value_item("contamination", ">= 0.9"), facets.value_item("contamination", "0.5-0.9")
    assert full is not None and half is not None and facets.value_item("contamination", "< 0.2") is None
    assert full.text(0) == bin_text(">= 0.9") and (full.text(1), half.text(1)) == ("1", "1")
    clean = facets.value_item("contamination", "")  # the rows that share nothing: a value too
    assert clean.text(0) == "no shared n-gram" and clean.text(1) == "3"
    facets.setFocus()
    facets.setCurrentItem(full)
    press(qtbot, facets, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert window.session.spec.facet("contamination").include == (">= 0.9",)
    assert shown(window, "line")["line"].to_list() == [2]
    # Beside the row: the question, the shared text highlighted on both sides.
    window.table.setFocus()
    window.table.select_row(0)
    qtbot.waitUntil(lambda: panel.question.toPlainText() == Q_FULL)
    assert "q.csv" in panel.question_title.text() and "#0" in panel.question_title.text()
    assert "1.00" in panel.question_title.text()
    frame_row = window.session.frame.row(window.detail_position, named=True)
    want_row, want_q = shared_spans({"instruction": frame_row["instruction"], "input": frame_row["input"]}, Q_FULL, 13)
    got_q = [(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in panel.question.extraSelections()]
    assert got_q == want_q and got_q  # the whole stem, the <b> tag shown as text
    text = panel.row_text.toPlainText()
    assert text == frame_row["instruction"] + "\n" + frame_row["input"]
    got_row = [(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in panel.row_text.extraSelections()]
    assert got_row == [(a, b) for a, b in want_row["instruction"]]
    assert all(s.format.background().color().isValid() for s in panel.question.extraSelections())
    assert panel.question.document().toPlainText() == Q_FULL  # no markup was interpreted
    # The half-copied row: its part of the question, and no more.
    window.session.set_spec(window.session.spec.clear_all().toggle_include("contamination", "0.5-0.9"))
    settle(qtbot, window)
    qtbot.waitUntil(lambda: panel.question.toPlainText() == Q_HALF)
    (span,) = [(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in panel.question.extraSelections()]
    assert span == (0, 24)


def test_bulk_reject_states_the_count_and_undoes_as_one(qtbot, window, case):
    release, _ = case
    window.open_paths([str(release)])
    settle(qtbot, window)
    run_scan(qtbot, window)
    window.table.setFocus()
    press(qtbot, window.table, Qt.Key.Key_B, CTRL | ALT | SHIFT)  # reject the flagged rows of the filter
    box = window.commands.dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "2 rows" in box.text() and "benchmark contamination" in box.text()
    c = window.curation.curation
    assert len(c.overlay) == 0  # nothing before the confirmation
    press(qtbot, box, Qt.Key.Key_Return)
    flagged = window.session.frame.filter(pl.col("contamination").is_not_null())["rid"].to_list()
    assert sorted(c.overlay) == sorted(flagged)
    assert {(c.overlay[r].decision, c.overlay[r].reason) for r in flagged} == {("rejected", "benchmark contamination")}
    assert window.registry["edit.undo"].text() == "&Undo Reject 2 rows: benchmark contamination"
    press(qtbot, window.table, Qt.Key.Key_Z, CTRL)
    assert len(c.overlay) == 0


def test_nothing_flagged_in_the_filter_rejects_nothing(qtbot, window, case):
    release, _ = case
    window.open_paths([str(release)])
    settle(qtbot, window)
    run_scan(qtbot, window)
    window.session.set_spec(window.session.spec.toggle_include("contamination", "< 0.2"))
    settle(qtbot, window)
    window.table.setFocus()
    press(qtbot, window.table, Qt.Key.Key_B, CTRL | ALT | SHIFT)
    assert window.commands.dialog is None or not window.commands.dialog.isVisible()
    assert len(window.curation.curation.overlay) == 0


def test_a_bad_benchmark_is_one_line_in_the_status_bar(qtbot, window, case, tmp_path, monkeypatch):
    release, _ = case
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.json").write_text("{oops", encoding="utf-8")
    from app.ui.common import dialogs

    monkeypatch.setattr(dialogs, "open_folder", lambda *a, **k: str(bad))
    window.open_paths([str(release)])
    settle(qtbot, window)
    window.table.setFocus()
    press(qtbot, window.table, Qt.Key.Key_B, CTRL | ALT)
    ui = window.commands.analysis.contamination
    qtbot.waitUntil(lambda: "x.json line 1: invalid JSON" in window.status.currentMessage())
    assert "\n" not in window.status.currentMessage() and "Traceback" not in window.status.currentMessage()
    assert ui.ctl.matches is None


def test_convert_to_simplified_is_an_edit_with_undo(qtbot, window, case):
    release, _ = case
    window.open_paths([str(release)])
    settle(qtbot, window)
    window.table.setFocus()
    window.table.select_row(4)
    qtbot.waitUntil(lambda: window.detail_position == window.model.position(4))
    rid = window.curation.rid_at(window.detail_position)
    press(qtbot, window.table, Qt.Key.Key_J, CTRL | ALT)  # Edit > Convert to Simplified
    c = window.curation.curation
    assert c.overlay[rid].fields == {"output": SIMPLE}
    assert window.registry["edit.undo"].text() == "&Undo Convert to Simplified"
    settle(qtbot, window)
    assert window.detail.editors["output"].toPlainText() == SIMPLE
    press(qtbot, window.table, Qt.Key.Key_Z, CTRL)
    assert c.overlay.get(rid).is_empty
    settle(qtbot, window)
    assert window.detail.editors["output"].toPlainText() == TRAD


def test_convert_all_in_filter_confirms_the_count(qtbot, window, case):
    release, _ = case
    window.open_paths([str(release)])
    settle(qtbot, window)
    window.table.setFocus()
    press(qtbot, window.table, Qt.Key.Key_J, CTRL | ALT | SHIFT)
    box = window.commands.dialog
    assert isinstance(box, QMessageBox) and "5 rows" in box.text()
    press(qtbot, box, Qt.Key.Key_Return)
    c = window.curation.curation
    assert [s.fields for s in c.overlay.values()] == [{"output": SIMPLE}]  # only the Traditional row changed
    assert window.registry["edit.undo"].text() == "&Undo Convert 5 rows to Simplified"


def test_an_edit_is_matched_again(qtbot, window, case):
    release, _ = case
    window.open_paths([str(release)])
    settle(qtbot, window)
    ui = run_scan(qtbot, window)
    frame = window.session.frame
    rid = frame.filter(pl.col("contamination") == ">= 0.9")["rid"][0]
    from app.core.curate.edits import EditField

    window.curation.apply(EditField((rid,), "instruction", "选择题：一道与基准测试无关的新题目"))
    qtbot.waitUntil(lambda: window.session.frame.filter(pl.col("rid") == rid)["contamination"][0] is None
                    and not ui.ctl.busy)
    assert ui.ctl.index is not None  # the benchmarks were not read again
    window.curation.undo()
    qtbot.waitUntil(lambda: window.session.frame.filter(pl.col("rid") == rid)["contamination"][0] == ">= 0.9")
