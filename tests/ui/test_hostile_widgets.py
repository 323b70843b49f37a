"""A hostile release in every widget that shows data: markup (<b>, <script>, <img>), a
right-to-left override, a NUL (written as the JSON escape \\u0000), 500 newlines and a
5 MB output. Each widget must show the text literally (never interpret it as rich text),
and selecting the huge rows must not hang the GUI."""
from __future__ import annotations

import json
import time
from pathlib import Path

import polars as pl
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent, QTextDocument
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QStyledItemDelegate, QToolTip

from app.core.store.curation import Curation
from app.core.curate.edits import EditField, Reject
from app.core.load.loader import load_release
from app.core.team.merge import plan_merge
from app.ui.browse.rows_model import COLUMN_INDEX
from app.ui.common.text_display import display_text, first_line, preview, reveal
from app.ui.curate.merge_view import MergeView

from .conftest import wait_idle

B, S, I = "<b>bold</b>", "<script>alert(1)</script>", "<img src=x>"
RLO, NUL = "\u202e", "\x00"
BIG_CHARS = 5_000_000
IMG_FILE = f"{I}.jsonl"  # a file name is data too (legal on Linux and macOS)

# The hostile rows, by a short name: (instruction, output, major, minor, domain, source)
ROWS = {
    "markup": (f"{B} 指令 {S}", f"{S} 回答 {I}", [B], [S], [I, "通用"], B),
    "bidi": (f"RTL {RLO}olleh {I}", f"NUL{NUL}here {B}", [f"{RLO}任务"], [], [f"{NUL}域"], S),
    "lines": ("多行" + "\n" * 500 + S, "\n" * 500 + B, ["问答"], [], ["通用"], I),
    "big": (f"big {B}", (S + "豆浆很长的回答" + I) * (BIG_CHARS // 43 + 1), ["生成"], [], ["通用"], B),
}
NEAR = "这是一段很长的回答，用来测试近似重复的检测是否可靠，里面有足够多的汉字可以构成很多个四字片段。" + S


def _line(instruction, output, major=("问答",), minor=(), domain=("通用",), source=None) -> str:
    obj = {"instruction": instruction, "input": "", "output": output,
           "task_type": {"major": list(major), "minor": list(minor)}, "domain": list(domain),
           "answer_from": "human", "human_verified": True}
    if source is not None:
        obj["source"] = source
    return json.dumps(obj, ensure_ascii=False)


def write_hostile(root: Path) -> Path:
    (root / "hostile").mkdir(parents=True)
    lines = [_line(*v) for v in ROWS.values()]
    lines += [_line(f"普通问题 {i}", f"普通回答 {i}") for i in range(6)]
    lines += [_line(f"{S} 近似问题", NEAR), _line(f"{S} 近似问题", NEAR.replace("可靠", "稳妥"))]
    (root / "hostile" / "hostile.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    img = [_line(f"文件 {i} {I}", f"文件回答 {i}") for i in range(2)]
    (root / "hostile" / IMG_FILE).write_text("\n".join(img) + "\n", encoding="utf-8")
    raw = (root / "hostile" / "hostile.jsonl").read_text(encoding="utf-8")
    assert "\\u0000" in raw and "\x00" not in raw  # the NUL is the JSON escape in the file
    assert max(len(x) for x in raw.splitlines()) > BIG_CHARS
    return root


@pytest.fixture()
def hostile(tmp_path) -> Path:
    return write_hostile(tmp_path / "release")


def settle(qtbot, win, timeout: int = 60000) -> None:
    a = win.commands.analysis
    wait_idle(qtbot, win, timeout)
    qtbot.waitUntil(lambda: win.curation.frame is not None and not win.curation.busy and not win.session.busy
                    and not win.curation.frame_pending and win.session.frame is not None
                    and win.session.frame.height == win.curation.frame.height and a.idle(), timeout=timeout)


@pytest.fixture()
def hw(qtbot, window, hostile):
    window.open_paths([str(hostile)])
    settle(qtbot, window)
    assert window.session.frame.height == 14
    return window


def shown_text(text: str, fmt: Qt.TextFormat) -> str:
    """What a QLabel / tool tip with this text and format shows: rich text is parsed as HTML."""
    rich = fmt == Qt.TextFormat.RichText or (fmt == Qt.TextFormat.AutoText and Qt.mightBeRichText(text))
    if not rich:
        return text
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()


def position_of(win, name: str) -> int:
    frame = win.session.frame
    instruction = ROWS[name][0] if name in ROWS else name
    return int(frame.select(pl.arg_where(pl.col("instruction") == instruction)).to_series()[0])


def select(qtbot, win, position: int) -> float:
    """Select the row at frame ``position``; seconds of GUI-thread CPU until the detail view
    shows it. (CPU, not wall time: a machine busy elsewhere stretches the wall clock, while
    laying out a 5 MB line is CPU this thread spends, which is what would freeze the window.)"""
    t0 = time.thread_time()
    assert win.table.select_position(position)
    qtbot.waitUntil(lambda: win.detail_position == position, timeout=10000)
    QApplication.processEvents()
    return time.thread_time() - t0


def assert_plain_labels(widget, data_labels=None) -> None:
    """Every label of ``widget`` shows its text literally; ``data_labels`` (default: all of
    them), the ones that show data, are plain text whatever they hold."""
    labels = widget.findChildren(QLabel)
    assert labels
    for label in labels:
        assert shown_text(label.text(), label.textFormat()) == label.text(), (label.objectName(), label.text()[:80])
    for label in labels if data_labels is None else data_labels:
        assert label.textFormat() == Qt.TextFormat.PlainText, (label.objectName(), label.text()[:80])


def assert_plain_item_view(view) -> None:
    """The default delegate (which draws DisplayRole as plain text), none per column or row."""
    assert type(view.itemDelegate()) is QStyledItemDelegate
    model = view.model()
    for c in range(model.columnCount()):
        assert view.itemDelegateForColumn(c) is None
    for r in range(model.rowCount()):
        assert view.itemDelegateForRow(r) is None


def tooltip_of(view: QAbstractItemView, index) -> QLabel | None:
    """Hover ``index``: the tool tip label Qt shows for it (None: no tool tip)."""
    QToolTip.hideText()
    QApplication.processEvents()
    view.scrollTo(index)
    pos = view.visualRect(index).center()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    return next((w for w in QApplication.topLevelWidgets()
                 if w.objectName() == "qtooltip_label" and w.isVisible() and isinstance(w, QLabel)), None)


def assert_tooltip_literal(view, index, literal: str) -> None:
    """Hovering ``index`` shows a tool tip that reads exactly ``literal`` (the data, with
    its markup as characters), however the tool tip text is encoded."""
    label = tooltip_of(view, index)
    try:
        assert label is not None and label.text() == index.data(Qt.ItemDataRole.ToolTipRole)
        shown = shown_text(label.text(), label.textFormat())
        assert shown == literal, f"tool tip for {literal!r} shows {shown!r}"
    finally:
        QToolTip.hideText()


# ---- the table ------------------------------------------------------------------------------------

def test_table_cells_hold_the_literal_text_and_no_delegate_renders_html(qtbot, hw):
    model, table = hw.model, hw.table
    assert_plain_item_view(table)
    frame = hw.session.frame
    for name, (instruction, output, major, minor, domain, source) in ROWS.items():
        row = model.row_of_position(position_of(hw, name))
        cell = lambda key: model.data(model.index(row, COLUMN_INDEX[key]))  # noqa: E731
        assert cell("instruction") == first_line(instruction)
        assert cell("output") == preview(output)
        assert cell("source") == source
        assert cell("domain") == ", ".join(domain)
        assert cell("task") == ", ".join(major) + (" / " + ", ".join(minor) if minor else "")
        for key in COLUMN_INDEX:
            assert model.data(model.index(row, COLUMN_INDEX[key]), Qt.ItemDataRole.ToolTipRole) is None
    row = model.row_of_position(position_of(hw, "markup"))
    assert model.data(model.index(row, COLUMN_INDEX["instruction"])) == f"{B} 指令 {S}"  # the raw string
    assert model.data(model.index(row, COLUMN_INDEX["output"])) == f"{S} 回答 {I}"
    assert model.data(model.index(row, COLUMN_INDEX["task"])) == f"{B} / {S}"
    row = model.row_of_position(position_of(hw, "bidi"))
    assert model.data(model.index(row, COLUMN_INDEX["output"])) == f"NUL⟨U+0000⟩here {B}"  # the NUL made visible
    assert model.data(model.index(row, COLUMN_INDEX["instruction"])) == f"RTL ⟨U+202E⟩olleh {I}"
    row = model.row_of_position(position_of(hw, "lines"))
    assert model.data(model.index(row, COLUMN_INDEX["instruction"])) == "多行"
    assert model.data(model.index(row, COLUMN_INDEX["len_output"])) == str(500 + len(B))
    row = model.row_of_position(position_of(hw, "big"))
    assert len(model.data(model.index(row, COLUMN_INDEX["output"]))) == 200  # a preview, not 5 MB
    assert model.data(model.index(row, COLUMN_INDEX["len_output"])) == str(len(ROWS["big"][1]))
    img = frame.filter(pl.col("file") == f"hostile/{IMG_FILE}")
    assert img.height == 2 and set(img["subset"]) == {I}
    row = model.row_of_position(position_of(hw, f"文件 0 {I}"))
    assert model.data(model.index(row, COLUMN_INDEX["subset"])) == I


def test_detail_view_shows_every_field_literally(qtbot, hw):
    detail = hw.detail
    assert_plain_labels(detail)
    for name, (instruction, output, major, minor, domain, source) in ROWS.items():
        select(qtbot, hw, position_of(hw, name))
        assert detail.editors["instruction"].toPlainText() == display_text(instruction)
        assert detail.editors["output"].toPlainText() == display_text(output)  # the 5 MB one: its head
        values = detail._values
        assert shown_text(values["source"].text(), values["source"].textFormat()) == f"{source} / hostile"
        task = ", ".join(major) + (" / " + ", ".join(minor) if minor else "")
        assert shown_text(values["task"].text(), values["task"].textFormat()) == reveal(task)
        assert shown_text(values["domain"].text(), values["domain"].textFormat()) == reveal(", ".join(domain))
    select(qtbot, hw, position_of(hw, "markup"))
    assert S in detail.editors["instruction"].toPlainText() and I in detail.editors["output"].toPlainText()
    assert detail._values["source"].text() == f"{B} / hostile"
    select(qtbot, hw, position_of(hw, "bidi"))
    assert RLO not in detail.editors["instruction"].toPlainText()  # the override is shown, not obeyed
    assert detail.editors["output"].toPlainText() == f"NUL⟨U+0000⟩here {B}"
    select(qtbot, hw, position_of(hw, f"文件 1 {I}"))
    locator = detail._values["locator"]
    assert shown_text(locator.text(), locator.textFormat()) == f"hostile/{IMG_FILE}:2"
    assert detail._values["source"].text() == f"hostile / {I}"


def test_selecting_the_huge_rows_and_back_does_not_hang(qtbot, hw):
    plain, big, lines = position_of(hw, "普通问题 0"), position_of(hw, "big"), position_of(hw, "lines")
    select(qtbot, hw, plain)
    took = select(qtbot, hw, lines)
    assert took < 2.0, f"selecting the 500-line row took {took:.2f} s"
    assert hw.detail.editors["instruction"].blockCount() == 501
    assert hw.detail.editors["output"].toPlainText() == "\n" * 500 + B
    took = select(qtbot, hw, plain)
    assert took < 2.0 and hw.detail.editors["instruction"].toPlainText() == "普通问题 0"
    took = select(qtbot, hw, big)
    assert took < 2.0, f"selecting the 5 MB row took {took:.2f} s"
    took = select(qtbot, hw, plain)
    assert took < 2.0, f"leaving the 5 MB row took {took:.2f} s"
    assert hw.detail.editors["output"].toPlainText() == "普通回答 0"
    # The table still answers: moving with the keyboard is quick (GUI-thread CPU again).
    hw.table.setFocus()
    t0 = time.thread_time()
    for _ in range(3):
        qtbot.keyClick(hw.table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: hw.detail_position == hw.model.position(hw.model.row_of_position(plain) + 3))
    assert time.thread_time() - t0 < 2.0


def test_the_5mb_row_shows_its_head_quickly_and_edits_in_full(qtbot, hw):
    from app.ui.common.text_display import DISPLAY_CHARS

    select(qtbot, hw, position_of(hw, "普通问题 0"))
    took = select(qtbot, hw, position_of(hw, "big"))
    assert took < 2.0, f"selecting the 5 MB row took {took:.2f} s"
    big = ROWS["big"][1]
    shown = hw.detail.editors["output"].toPlainText()
    assert shown.startswith(big[:DISPLAY_CHARS]) and len(shown) < DISPLAY_CHARS + 200
    assert f"{len(big) - DISPLAY_CHARS:,} more characters not shown" in shown
    # editing (what the curator asks for explicitly) holds the whole text, and Esc goes back
    qtbot.waitUntil(lambda: hw.detail.editing.allowed, timeout=20000)  # the curation project is open
    assert hw.detail.editing.begin("output")
    assert hw.detail.editors["output"].toPlainText() == big
    hw.detail.editing.cancel()
    assert hw.detail.editors["output"].toPlainText() == shown


# ---- the facet panel ---------------------------------------------------------------------------------

def test_facet_values_are_plain_text(qtbot, hw):
    panel = hw.facets
    assert_plain_item_view(panel)
    expect = {("source", B): B, ("source", S): S, ("source", I): I, ("subset", I): None,
              ("task_major", B): B, ("task_major", f"{RLO}任务"): "⟨U+202E⟩任务",
              ("domain", I): I, ("domain", f"{NUL}域"): "⟨U+0000⟩域"}
    item = panel.value_item("source", "hostile")  # rows without a source field: the folder name
    assert item is not None and int(item.text(1)) == 10
    src = panel.value_item("source", B)
    assert src is not None and int(src.text(1)) == 2  # the markup row and the 5 MB row
    panel.scrollToItem(src)
    panel.expandItem(src)
    qtbot.waitUntil(lambda: panel.value_item("subset", "hostile") is not None, timeout=10000)
    major = panel.value_item("task_major", B)
    panel.scrollToItem(major)
    panel.expandItem(major)
    qtbot.waitUntil(lambda: panel.value_item("task_minor", S) is not None, timeout=10000)
    expect[("task_minor", S)] = S
    panel.expandItem(panel.value_item("source", "hostile"))
    qtbot.waitUntil(lambda: panel.value_item("subset", I) is not None, timeout=10000)
    expect[("subset", I)] = I
    for (column, value), text in expect.items():
        item = panel.value_item(column, value)
        assert item is not None, (column, value)
        assert item.text(0) == text and item.toolTip(0) == "" and item.toolTip(1) == ""
    assert int(panel.value_item("subset", I).text(1)) == 2


# ---- review mode --------------------------------------------------------------------------------------

def test_review_view_shows_items_literally_and_quickly(qtbot, hw):
    hw.activateWindow()
    qtbot.keyClick(hw, Qt.Key.Key_F2)
    mode = hw.commands.review
    assert mode.active
    view, c = mode.view, mode.controller
    try:
        assert_plain_labels(view)
        rid_at = lambda name: hw.session.frame["rid"][position_of(hw, name)]  # noqa: E731
        for name, (instruction, output, major, minor, domain, source) in ROWS.items():
            t0 = time.thread_time()
            c.go(c.queue.index_of(rid_at(name)))
            QApplication.processEvents()
            took = time.thread_time() - t0
            assert took < 2.0, f"showing {name} in review mode took {took:.2f} s of GUI-thread CPU"
            assert view.panes["instruction"].toPlainText() == display_text(instruction)
            assert view.panes["output"].toPlainText() == display_text(output)  # the 5 MB one: its head
            assert shown_text(view.source.text(), view.source.textFormat()) == f"{source} / hostile"
            task = ", ".join(major) + (" / " + ", ".join(minor) if minor else "")
            labels = shown_text(view.labels.text(), view.labels.textFormat())
            assert f"Task: {reveal(task)}" in labels and f"Domain: {reveal(', '.join(domain))}" in labels
        c.go(c.queue.index_of(rid_at("markup")))
        assert S in view.panes["instruction"].toPlainText() and I in view.panes["output"].toPlainText()
        assert view.source.text() == f"{B} / hostile"
        c.go(c.queue.index_of(rid_at(f"文件 0 {I}")))
        assert shown_text(view.locator.text(), view.locator.textFormat()) == f"hostile/{IMG_FILE}:1"
        # J leaves the 5 MB item at once.
        c.go(c.queue.index_of(rid_at("big")))
        t0 = time.thread_time()
        qtbot.keyClick(view, Qt.Key.Key_J)
        QApplication.processEvents()
        assert c.current_rid() != rid_at("big") and time.thread_time() - t0 < 2.0
        assert len(view.panes["output"].toPlainText()) < 1000
    finally:
        mode.leave(quiet=True)


# ---- history ------------------------------------------------------------------------------------------

AUTHOR = "<b>ann</b>"
MESSAGE = f"{S} v1"


def _history_with_a_version(qtbot, hw):
    ctl = hw.curation
    ctl.curation.author = AUTHOR
    frame = hw.session.frame
    markup = frame["rid"][position_of(hw, "markup")]
    img = frame["rid"][position_of(hw, f"文件 0 {I}")]
    assert ctl.apply(EditField((markup,), "output", f"{I} 改过 {B}"))
    assert ctl.apply(Reject((img,), "重复"))
    assert ctl.save_version(MESSAGE) is not None
    settle(qtbot, hw)
    hw.curate_ui.show_history()
    panel = hw.curate_ui.history
    assert panel.versions.rowCount() == 1
    # Every diff read asked for so far is shown (the save may have asked for the same one twice).
    qtbot.waitUntil(lambda: not panel.busy and panel.changes.rowCount() == 2)
    return panel


def test_history_panel_shows_data_literally(qtbot, hw):
    panel = _history_with_a_version(qtbot, hw)
    assert_plain_item_view(panel.version_view)
    assert_plain_item_view(panel.change_view)
    assert_plain_labels(panel, [panel.note])
    v = panel.versions
    assert v.data(v.index(0, 1)) == MESSAGE and v.data(v.index(0, 2)) == AUTHOR
    ch = panel.changes
    rows = {ch.data(ch.index(r, 0)): [ch.data(ch.index(r, c)) for c in range(1, 5)] for r in range(2)}
    assert rows[f"hostile/{IMG_FILE}:1"] == ["untouched", "rejected (重复)", "", AUTHOR]
    markup_line = f"hostile/hostile.jsonl:{1}"
    assert rows[markup_line] == ["untouched", "edited", "output", AUTHOR]
    panel.change_view.setCurrentIndex(ch.index(list(rows).index(markup_line), 0))  # as a click does
    assert [panel.field.itemData(i) for i in range(panel.field.count())] == ["__decision__", "output"]
    panel.field.setCurrentIndex(panel.field.findData("output"))
    assert panel.old_view.toPlainText() == f"{S} 回答 {I}"  # literal <script>, plain text
    assert panel.new_view.toPlainText() == f"{I} 改过 {B}"


def test_history_tool_tips_are_plain_text(qtbot, hw):
    panel = _history_with_a_version(qtbot, hw)
    v, ch = panel.versions, panel.changes
    img_row = next(r for r in range(ch.rowCount()) if ch.data(ch.index(r, 0)) == f"hostile/{IMG_FILE}:1")
    for view, index in ((panel.version_view, v.index(0, 1)), (panel.version_view, v.index(0, 2)),
                        (panel.change_view, ch.index(img_row, 0)), (panel.change_view, ch.index(img_row, 4))):
        assert_tooltip_literal(view, index, index.data())


# ---- analysis: near duplicates, signals -------------------------------------------------------------------

def test_near_duplicate_clusters_and_signals_show_plain_text(qtbot, hw):
    hw.registry["analyse.near_dups"].trigger()
    settle(qtbot, hw, 120000)
    ui = hw.commands.analysis
    view = ui.dock.near
    assert_plain_item_view(view.list)
    assert_plain_labels(view, [view.summary])
    assert view.model.rowCount() == 1 and ui.ctl.clusters.members.height == 2
    assert view.model.data(view.model.index(0, 3)) == f"{S} 近似问题"  # literal first instruction
    assert view.model.data(view.model.index(0, 3), Qt.ItemDataRole.ToolTipRole) is None
    ui.show_signals()
    panel = ui.dock.signals
    qtbot.waitUntil(lambda: panel.counts is not None, timeout=20000)
    assert_plain_labels(panel, [panel.note, panel.description])
    from app.ui.common.labels import signal_title

    titles = {signal_title(n) for n in panel.names()}
    for i in range(panel.tree.topLevelItemCount()):
        text = panel.tree.topLevelItem(i).text(0).removeprefix("✓ ")
        assert text in titles  # signal names only, no row data
    assert panel.counts.get("near_dup", 0) == 2


# ---- the merge view -----------------------------------------------------------------------------------

@pytest.fixture()
def merge_setup(tmp_path):
    rel = load_release(write_hostile(tmp_path / "merge_release"))
    frame = rel.frame
    rid = lambda instruction: frame.filter(pl.col("instruction") == instruction)["rid"][0]  # noqa: E731
    markup, img = rid(ROWS["markup"][0]), rid(f"文件 0 {I}")
    with Curation.open(rel, tmp_path / "bob", author=B) as bob:
        bob.apply(EditField([markup], "output", f"{I} 鲍 {S}"))
        bob.apply(EditField([img], "instruction", f"{RLO}鲍的指令"))
        bob.save_version(f"{S} bob")
    ann = Curation.open(rel, tmp_path / "ann", author=S)
    ann.apply(EditField([markup], "output", f"{B} 安 {S}"))
    ann.apply(Reject([img], f"{I}"))
    ann.save_version("ann")
    yield ann, tmp_path / "bob"
    ann.close()


def _merge_view(qtbot, ann, bob) -> MergeView:
    view = MergeView(ann, plan_merge(ann, bob))
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    # Conflicts in file order: "hostile/<img src=x>.jsonl" sorts before "hostile/hostile.jsonl".
    assert [(c.locator, c.field) for c in view.plan.conflicts] == [
        (f"hostile/{IMG_FILE}:1", "status"), ("hostile/hostile.jsonl:1", "output")]
    return view


def test_merge_view_shows_values_authors_and_locators_literally(qtbot, app_env, merge_setup):
    ann, bob = merge_setup
    view = _merge_view(qtbot, ann, bob)
    assert_plain_item_view(view.queue)
    labels = (view.where, view.summary, view.mine_caption, view.theirs_caption, view.progress, view.message)
    assert_plain_labels(view, labels)
    assert view.where.text().startswith(f"1 / 2 · hostile/{IMG_FILE}:1 · status")
    assert view.model.data(view.model.index(0, 0)) == f"hostile/{IMG_FILE}:1"
    assert view.mine_caption.text() == f"Mine ({S})" and view.theirs_caption.text().startswith(f"Theirs ({B}, ")
    assert f"{B}'s" in view.summary.text()
    qtbot.keyClick(view, Qt.Key.Key_J)
    assert view.current == 1 and view.conflict.field == "output"
    assert view.mine_view.toPlainText() == f"{B} 安 {S}" and view.theirs_view.toPlainText() == f"{I} 鲍 {S}"
    assert view.base_view.toPlainText() == f"{S} 回答 {I}"
    assert [s.cursor.selectedText() for s in view.mine_view.extraSelections()]  # differences marked by formats
    for label in labels:
        assert shown_text(label.text(), label.textFormat()) == label.text()


def test_merge_queue_tool_tip_is_plain_text(qtbot, app_env, merge_setup):
    ann, bob = merge_setup
    view = _merge_view(qtbot, ann, bob)
    conflict = view.model.index(0, 0)
    assert_tooltip_literal(view.queue, conflict, f"{conflict.data()}  {view.plan.conflicts[0].rid:016x}")

