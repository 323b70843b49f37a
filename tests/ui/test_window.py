"""The main window as a whole: view round trips, themes, zoom, language, sorting,
plain-text data, the load report, cancel, drag and drop."""
from __future__ import annotations

import time

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel

from app.core.query import filters as query
from app.core.query.filters import FacetSel, FilterSpec, RangeSel, SearchSpec, SortSpec
from app.ui.common import dialogs, themes
from app.ui.browse.rows_model import COLUMN_INDEX

from .conftest import HTML_INSTRUCTION, wait_idle


def test_copy_view_then_paste_it_back_restores_the_filter(qtbot, loaded):
    spec = (FilterSpec().toggle_include("source", "zhihu").toggle_exclude("domain", "科技")
            .with_range("len_output", RangeSel(min=5)).with_search(SearchSpec(text="知乎"))
            .with_sort(SortSpec("len_output", True)))
    loaded.session.set_spec(spec)
    wait_idle(qtbot, loaded)
    shown = loaded.model.rowCount()
    assert shown == query.count(loaded.session.frame, spec) > 0
    loaded.registry["filter.copy_view"].trigger()
    text = QGuiApplication.clipboard().text()
    assert FilterSpec.from_text(text) == spec
    loaded.registry["filter.clear_all"].trigger()
    wait_idle(qtbot, loaded)
    assert loaded.model.rowCount() == 60 and loaded.search_bar.edit.text() == ""
    loaded.registry["filter.paste_view"].trigger()
    wait_idle(qtbot, loaded)
    assert loaded.session.spec == spec and loaded.model.rowCount() == shown
    assert loaded.search_bar.edit.text() == "知乎"  # widgets show the pasted state
    assert loaded.facets.value_item("source", "zhihu").text(0).startswith("✓")
    # Garbage on the clipboard changes nothing and says why.
    QGuiApplication.clipboard().setText("not a view")
    loaded.registry["filter.paste_view"].trigger()
    assert loaded.session.spec == spec and "does not hold a view" in loaded.status.currentMessage()


def test_saved_views_by_name(qtbot, loaded, monkeypatch):
    loaded.session.set_spec(FilterSpec().toggle_include("source", "wiki"))
    wait_idle(qtbot, loaded)
    monkeypatch.setattr(dialogs, "get_text", lambda *a, **k: "只看百科")
    loaded.registry["filter.save_view"].trigger()
    loaded.registry["filter.clear_all"].trigger()
    wait_idle(qtbot, loaded)
    offered = []
    monkeypatch.setattr(dialogs, "get_item", lambda parent, title, label, items: offered.append(items) or items[0])
    loaded.registry["filter.open_view"].trigger()
    wait_idle(qtbot, loaded)
    assert offered == [["只看百科"]]
    assert loaded.session.spec.facet("source") == FacetSel(include=("wiki",)) and loaded.model.rowCount() == 15
    loaded.registry["filter.delete_view"].trigger()
    assert loaded.commands._views().names() == []


def test_theme_switch_applies_and_persists(qtbot, loaded):
    app = QApplication.instance()
    act = loaded.registry["view.dark_theme"]
    start = themes.current_theme()
    act.trigger()
    flipped = "light" if start == "dark" else "dark"
    assert themes.current_theme() == flipped and loaded.settings.theme == flipped
    assert app.styleSheet() == themes.stylesheet(flipped)
    assert act.isChecked() == (flipped == "dark")
    bg = "#FAFAFA" if flipped == "light" else "#19232D"
    assert bg.lower() in app.styleSheet().lower()
    act.trigger()
    assert themes.current_theme() == start and loaded.settings.theme == start


def test_zoom_changes_font_and_row_height_and_persists(qtbot, loaded):
    before = QApplication.font().pointSizeF()
    height = loaded.table.verticalHeader().defaultSectionSize()
    qtbot.keyClick(loaded.table, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(loaded.table, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.font().pointSizeF() == before + 2 and loaded.settings.zoom == 2
    qtbot.waitUntil(lambda: loaded.table.verticalHeader().defaultSectionSize() > height)
    qtbot.keyClick(loaded.table, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert loaded.settings.zoom == 1
    qtbot.keyClick(loaded.table, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.font().pointSizeF() == before and loaded.settings.zoom == 0


def test_language_switch_retitles_menus_and_widgets_without_restart(qtbot, loaded):
    loaded.registry["view.lang_zh"].trigger()
    try:
        qtbot.waitUntil(lambda: loaded.registry.menus["file"].title() == "文件(&F)")
        assert loaded.registry["filter.clear_all"].text() == "清除全部筛选(&A)"
        assert loaded.model.headerData(COLUMN_INDEX["source"], Qt.Orientation.Horizontal) == "来源"
        assert loaded.status.counts.text() == "60 / 60 行"
        assert loaded.facets.topLevelItem(0).text(0) == "来源"
        assert loaded.settings.language == "zh_CN"
    finally:
        loaded.registry["view.lang_en"].trigger()
    qtbot.waitUntil(lambda: loaded.registry.menus["file"].title() == "&File")
    assert loaded.status.counts.text() == "60 of 60 rows"


def test_header_click_sorts_in_the_worker(qtbot, loaded):
    header = loaded.table.horizontalHeader()
    section = COLUMN_INDEX["len_output"]
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    loaded.table.select_row(3)
    selected = loaded.table.current_position()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    wait_idle(qtbot, loaded)
    assert loaded.session.spec.sort == SortSpec("len_output", False)
    lengths = [int(loaded.model.data(loaded.model.index(r, section))) for r in range(60)]
    assert lengths == sorted(lengths)
    assert loaded.table.current_position() == selected  # the selection follows its row
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    wait_idle(qtbot, loaded)
    assert loaded.session.spec.sort == SortSpec("len_output", True)
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    wait_idle(qtbot, loaded)
    assert loaded.session.spec.sort == SortSpec()
    assert loaded.model.positions.tolist() == list(range(60))


def test_column_chooser_hides_and_shows_columns(loaded):
    menu = loaded.table.column_menu()
    act = next(a for a in menu.actions() if a.data() == COLUMN_INDEX["domain"])
    act.trigger()
    assert loaded.table.horizontalHeader().isSectionHidden(COLUMN_INDEX["domain"])
    loaded.save_layout()
    assert loaded.settings.state("table_header") is not None
    act.trigger()
    assert not loaded.table.horizontalHeader().isSectionHidden(COLUMN_INDEX["domain"])


def test_data_widgets_never_interpret_html(qtbot, loaded):
    row = next(r for r in range(60) if loaded.session.frame["instruction"][loaded.model.position(r)] == HTML_INSTRUCTION)
    loaded.table.select_row(row)
    detail = loaded.detail
    assert detail.editors["instruction"].toPlainText() == HTML_INSTRUCTION
    assert loaded.model.data(loaded.model.index(row, COLUMN_INDEX["instruction"])) == HTML_INSTRUCTION
    for label in detail.findChildren(QLabel) + loaded.status.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
    # The status bar shows a search for markup literally too.
    loaded.session.set_spec(loaded.session.spec.with_search(SearchSpec(text="<b>x</b>")))
    wait_idle(qtbot, loaded)
    assert loaded.status.counts.text().endswith("search: <b>x</b>") and loaded.model.rowCount() == 1


def test_load_report_is_one_click_away(qtbot, loaded):
    button = loaded.status.report_button
    assert button.isVisible() and button.text() == "1 bad line, 1 LFS pointer"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = loaded.commands.dialog
    qtbot.waitUntil(dialog.isVisible)
    model = dialog.table.model()
    rows = {(model.data(model.index(r, 0)), model.data(model.index(r, 1))) for r in range(model.rowCount())}
    assert rows == {("wiki/lfs.jsonl", ""), ("zhihu/zhihu_b.jsonl", "14")}
    dialog.close()


def test_escape_cancels_a_load_and_keeps_the_current_release(qtbot, loaded, tmp_path, monkeypatch):
    from app.ui.browse import session as session_mod

    started = []

    def slow_load(ctx, paths):  # stands in for a big file: waits until cancelled
        started.append(paths)
        while not ctx.stale():
            time.sleep(0.005)

    monkeypatch.setattr(session_mod, "run_load", slow_load)
    loaded.open_paths([str(tmp_path)])
    qtbot.waitUntil(lambda: started != [])
    assert loaded.status.progress.isVisible() and loaded.registry["file.cancel_load"].isEnabled()
    qtbot.keyClick(loaded.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not loaded.session.loading)
    assert not loaded.status.progress.isVisible() and "cancelled" in loaded.status.currentMessage()
    assert loaded.model.rowCount() == 60  # what was shown stays


def test_a_broken_path_reports_the_error(qtbot, loaded, tmp_path):
    loaded.open_paths([str(tmp_path / "missing.jsonl")])
    qtbot.waitUntil(lambda: not loaded.session.loading, timeout=10000)
    assert "not found" in loaded.status.currentMessage() and loaded.model.rowCount() == 60


def test_drop_a_file_opens_it_and_it_becomes_recent(qtbot, loaded, small_release):
    one = small_release / "wiki" / "wiki.jsonl"
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(one))])
    event = QDropEvent(loaded.rect().center().toPointF(), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    loaded.dropEvent(event)
    qtbot.waitUntil(lambda: loaded.session.release is not None and loaded.session.total_rows == 15, timeout=10000)
    wait_idle(qtbot, loaded)
    assert loaded.model.rowCount() == 15 and loaded.windowTitle().startswith("wiki.jsonl")
    assert loaded.settings.last_release() == [str(one.resolve())]
    menu = loaded.registry.menus["file/recent"]
    menu.aboutToShow.emit()
    assert menu.actions()[0].text() == str(one.resolve())


def test_a_curated_frame_plugs_in_without_a_reset(qtbot, loaded):
    """What curation will do: same rows, a status column added, changed rows named."""
    import polars as pl

    frame = loaded.session.frame
    status = pl.when(pl.col("source") == "wiki").then(pl.lit("rejected")).otherwise(pl.lit("untouched"))
    curated = frame.with_columns(status.alias("status"), pl.lit(None, pl.String).alias("reason"))
    loaded.table.select_row(2)
    selected = loaded.table.current_position()
    resets, changed_rows = [], []
    loaded.model.modelReset.connect(lambda: resets.append(1))
    loaded.model.dataChanged.connect(lambda a, b: changed_rows.append(a.row()))
    wiki = (frame["source"] == "wiki").arg_true().to_numpy()
    loaded.session.replace_frame(curated, wiki)
    wait_idle(qtbot, loaded)
    assert resets == [] and sorted(changed_rows) == sorted(wiki.tolist())
    assert loaded.table.current_position() == selected
    col = COLUMN_INDEX["status"]
    shown = {loaded.model.data(loaded.model.index(r, col)) for r in range(60)
             if loaded.session.frame["source"][loaded.model.position(r)] == "wiki"}
    assert shown == {"rejected"}
    assert loaded.facets.value_item("status", "rejected").text(1) == "15"  # status became a facet
    loaded.facets.includeToggled.emit("status", "rejected")
    wait_idle(qtbot, loaded)
    assert loaded.model.rowCount() == 15
    # sorting by status is possible now that the column exists
    assert loaded.model.sort_column(col) == "status"


def test_a_view_this_release_cannot_run_is_refused_and_the_last_one_kept(qtbot, loaded):
    loaded.session.set_spec(FilterSpec().toggle_include("source", "wiki"))
    wait_idle(qtbot, loaded)
    QGuiApplication.clipboard().setText('{"v":1,"facets":{"colour":{"include":["red"]}}}')  # no such column
    loaded.registry["filter.paste_view"].trigger()
    wait_idle(qtbot, loaded)
    assert "colour" in loaded.status.currentMessage()
    assert loaded.session.spec == FilterSpec().toggle_include("source", "wiki") and loaded.model.rowCount() == 15
