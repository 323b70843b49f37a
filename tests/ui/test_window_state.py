"""What the window remembers and restores: the release it starts on (startup.startup_paths),
splitter sizes and table columns across a close/reopen, the length histogram's log switch,
and the nested facets (task major -> minors, source -> subsets) counting what Polars counts."""
from __future__ import annotations

import math
import shutil

import polars as pl
import pytest
from PySide6.QtCore import QSettings, Qt

from app.core.query.filters import FacetSel
from app.resources import demo_release
from app.ui.shell.startup import build_window, startup_paths
from app.ui.browse.rows_model import COLUMN_INDEX
from app.ui.browse.session import BrowseSession
from app.ui.shell.settings import Settings

from .conftest import wait_idle, write_release


# ---- startup_paths -------------------------------------------------------------------------------

@pytest.fixture()
def own_settings(tmp_path) -> Settings:
    """Settings in a file of this test's own (nothing inherited from other tests)."""
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


def test_startup_paths_without_history_is_the_demo(own_settings):
    assert own_settings.last_release() == []
    paths = startup_paths([], own_settings)
    assert paths == [str(demo_release())]
    assert demo_release().is_dir() and any(demo_release().rglob("*.jsonl"))  # the demo really ships


def test_startup_paths_prefers_given_paths_then_the_last_release(own_settings, tmp_path):
    first = write_release(tmp_path / "first")
    second = write_release(tmp_path / "second")
    assert startup_paths(["x.jsonl", "y.jsonl"], own_settings) == ["x.jsonl", "y.jsonl"]  # PATH arguments win
    own_settings.add_recent([str(first)])
    assert startup_paths([], own_settings) == [str(first.resolve())]
    own_settings.add_recent([str(second / "wiki" / "wiki.jsonl"), str(second / "zhihu")])  # a multi-path release
    assert startup_paths([], own_settings) == [str((second / "wiki" / "wiki.jsonl").resolve()),
                                               str((second / "zhihu").resolve())]
    assert own_settings.recent()[1] == [str(first.resolve())]  # the older one is still in the recent list


def test_startup_paths_falls_back_to_the_demo_when_the_last_release_is_gone(own_settings, tmp_path):
    gone = write_release(tmp_path / "gone")
    own_settings.add_recent([str(gone)])
    assert startup_paths([], own_settings) == [str(gone.resolve())]
    shutil.rmtree(gone)
    assert startup_paths([], own_settings) == [str(demo_release())]
    # One missing file of a multi-path release is enough to fall back too.
    kept = write_release(tmp_path / "kept")
    own_settings.add_recent([str(kept / "wiki"), str(tmp_path / "missing.jsonl")])
    assert startup_paths([], own_settings) == [str(demo_release())]


def test_a_release_opened_in_the_window_is_the_next_startup(qtbot, loaded, small_release):
    assert loaded.settings.last_release() == [str(small_release.resolve())]
    assert startup_paths([], loaded.settings) == [str(small_release.resolve())]


def test_first_launch_opens_the_demo_in_the_window(qtbot, app_env, monkeypatch, tmp_path):
    """What launch.run does with no PATH and empty settings: the demo loads into the window."""
    from app.ui.shell import commands

    monkeypatch.setattr(commands, "config_dir", lambda: tmp_path / "config")
    settings, fonts = app_env
    assert settings.last_release() == []
    session = BrowseSession()
    session.open(startup_paths([], settings))
    win = build_window(settings, fonts, session)
    qtbot.addWidget(win)
    win.show()
    try:
        wait_idle(qtbot, win, 60000)
        release = win.session.release
        assert release.root == demo_release().resolve()
        assert win.model.rowCount() == release.frame.height > 0
        assert win.windowTitle().startswith("demo")
        # ... and the demo is now what the next launch opens.
        assert startup_paths([], settings) == [str(demo_release().resolve())]
    finally:
        win.close()


# ---- layout restored ---------------------------------------------------------------------------------

def _new_window(qtbot, settings, fonts):
    from app.ui.shell.main_window import MainWindow

    win = MainWindow(settings, fonts)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_layout_is_restored_by_a_new_window(qtbot, app_env, small_release, monkeypatch, tmp_path):
    from app.ui.shell import commands

    monkeypatch.setattr(commands, "config_dir", lambda: tmp_path / "config")
    settings, fonts = app_env
    first = _new_window(qtbot, settings, fonts)
    defaults = {name: getattr(first, name).sizes() for name in first._LAYOUT}
    header = first.table.horizontalHeader()
    instr, domain, signals = COLUMN_INDEX["instruction"], COLUMN_INDEX["domain"], COLUMN_INDEX["signals"]
    default_width = header.sectionSize(instr)
    assert header.isSectionHidden(signals) and not header.isSectionHidden(domain)  # the defaults

    first.open_paths([str(small_release)])
    wait_idle(qtbot, first)
    first.resize(760, 770)  # within the offscreen screen (800x800): restoreGeometry keeps windows on screen
    qtbot.waitUntil(lambda: (first.width(), first.height()) == (760, 770))
    first.main_splitter.setSizes([300, 440])
    first.left_splitter.setSizes([200, 350])
    first.right_splitter.setSizes([150, 410])
    first.detail.splitter.setSizes([200, 100, 100])
    header.resizeSection(instr, 333)
    menu = first.table.column_menu()  # the header's column chooser
    next(a for a in menu.actions() if a.data() == domain).trigger()
    next(a for a in menu.actions() if a.data() == signals).trigger()
    header.moveSection(header.visualIndex(COLUMN_INDEX["output"]), 0)  # dragged to the front
    wanted = {name: getattr(first, name).sizes() for name in first._LAYOUT}
    wanted_detail = first.detail.splitter.sizes()
    assert all(wanted[n] != defaults[n] for n in wanted)
    assert wanted_detail[0] > wanted_detail[2]  # the default gives the output the most room
    first.close()  # closeEvent saves the layout into the settings
    assert settings.state("main_splitter") is not None and settings.state("table_header") is not None

    second = _new_window(qtbot, settings, fonts)
    try:
        assert (second.width(), second.height()) == (760, 770)
        got = {name: getattr(second, name).sizes() for name in second._LAYOUT}
        assert got == wanted
        h2 = second.table.horizontalHeader()
        assert h2.sectionSize(instr) == 333 != default_width
        assert h2.isSectionHidden(domain) and not h2.isSectionHidden(signals)
        assert h2.visualIndex(COLUMN_INDEX["output"]) == 0
        # Loading a release (model reset) keeps the restored columns.
        second.open_paths([str(small_release)])
        wait_idle(qtbot, second)
        assert second.model.rowCount() == 60
        assert second.detail.splitter.sizes() == wanted_detail  # same row shown, same room for the texts
        assert h2.sectionSize(instr) == 333 and h2.isSectionHidden(domain) and not h2.isSectionHidden(signals)
        assert h2.visualIndex(COLUMN_INDEX["output"]) == 0
    finally:
        second.close()


def test_empty_settings_give_the_default_layout(qtbot, app_env, monkeypatch, tmp_path):
    """The control for the test above: without saved state nothing is restored."""
    from app.ui.shell import commands

    monkeypatch.setattr(commands, "config_dir", lambda: tmp_path / "config")
    settings, fonts = app_env
    assert settings.state("table_header") is None
    win = _new_window(qtbot, settings, fonts)
    try:
        header = win.table.horizontalHeader()
        assert not header.isSectionHidden(COLUMN_INDEX["domain"]) and header.isSectionHidden(COLUMN_INDEX["signals"])
        assert header.visualIndex(COLUMN_INDEX["output"]) == COLUMN_INDEX["output"]
        assert header.sectionSize(COLUMN_INDEX["instruction"]) != 333
    finally:
        win.close()


# ---- the log-scale switch of the length histograms ------------------------------------------------------

def _expected_histogram(values: list[int], log: bool, bins: int = 40) -> tuple[float, float, list[int]]:
    """(first x, last x, counts) on the chart's axis, computed here from the raw lengths."""
    lo, hi = float(min(values)), float(max(values))
    a, b = (math.log1p(lo), math.log1p(hi)) if log else (lo, hi)
    counts = [0] * bins
    for v in values:
        x = math.log1p(v) if log else float(v)
        counts[min(bins - 1, max(0, int((x - a) / (b - a) * bins)))] += 1
    return a, b, counts


def _bars(chart) -> tuple[list[float], list[float], list[int]]:
    opts = chart.bars.opts
    return list(opts["x0"]), list(opts["x1"]), [int(h) for h in opts["height"]]


def test_log_switch_changes_the_histogram_axis_and_back(qtbot, loaded):
    qtbot.waitUntil(lambda: loaded.lengths is not None, timeout=20000)
    chart = loaded.lengths.charts["len_output"]
    values = loaded.session.frame["len_output"].to_list()
    assert len(values) == 60 and max(values) > 100  # heavy-tailed: log and linear bins differ
    qtbot.waitUntil(lambda: sum(chart.bars.opts["height"]) == 60 and chart.log_box.isVisible(), timeout=10000)

    def check(log: bool) -> None:
        a, b, counts = _expected_histogram(values, log)
        x0, x1, heights = _bars(chart)
        assert chart.log_box.isChecked() is log and chart._axis.log is log
        assert len(x0) == 40 and x0[0] == pytest.approx(a) and x1[-1] == pytest.approx(b)
        widths = [r - l for l, r in zip(x0, x1)]
        assert widths == pytest.approx([(b - a) / 40] * 40)  # evenly spaced on this axis
        assert heights == counts and sum(heights) == 60
        # The bottom axis labels real lengths either way: a tick at the max reads the max.
        tick = math.log1p(max(values)) if log else float(max(values))
        from app.ui.browse.length_facets import compact

        assert chart._axis.tickStrings([tick], 1.0, 1.0) == [compact(max(values))]

    check(True)  # lengths are heavy-tailed: log is the default
    assert loaded.session.log_scale.get("len_output", True) is True
    qtbot.mouseClick(chart.log_box, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: chart._axis.log is False, timeout=10000)
    wait_idle(qtbot, loaded)
    assert loaded.session.log_scale["len_output"] is False
    check(False)
    # The other charts keep their own scale.
    assert loaded.lengths.charts["len_instruction"].log_box.isChecked()
    assert loaded.lengths.charts["len_instruction"]._axis.log is True
    qtbot.mouseClick(chart.log_box, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: chart._axis.log is True, timeout=10000)
    wait_idle(qtbot, loaded)
    assert loaded.session.log_scale["len_output"] is True
    check(True)


def test_log_scale_survives_a_filter_change(qtbot, loaded):
    qtbot.waitUntil(lambda: loaded.lengths is not None, timeout=20000)
    chart = loaded.lengths.charts["len_output"]
    qtbot.waitUntil(lambda: sum(chart.bars.opts["height"]) == 60 and chart.log_box.isVisible(), timeout=10000)
    qtbot.mouseClick(chart.log_box, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: chart._axis.log is False, timeout=10000)
    loaded.session.set_spec(loaded.session.spec.toggle_include("source", "zhihu"))
    wait_idle(qtbot, loaded)
    frame = loaded.session.frame
    values = frame.filter(pl.col("source") == "zhihu")["len_output"].to_list()
    qtbot.waitUntil(lambda: sum(chart.bars.opts["height"]) == 25, timeout=10000)
    a, b, counts = _expected_histogram(values, log=False)
    x0, x1, heights = _bars(chart)
    assert not chart.log_box.isChecked() and x0[0] == pytest.approx(a) and x1[-1] == pytest.approx(b)
    assert heights == counts


# ---- nested facets ---------------------------------------------------------------------------------------

def _count(panel, column, value) -> int:
    return int(panel.value_item(column, value).text(1).replace(",", ""))


def _children(panel, column, value) -> dict[str, int]:
    item = panel.value_item(column, value)
    return {item.child(i).data(0, Qt.ItemDataRole.UserRole)[2]: int(item.child(i).text(1).replace(",", ""))
            for i in range(item.childCount())}


def _minors_by_polars(frame: pl.DataFrame, major: str) -> dict[str, int]:
    rows = frame.filter(pl.col("task_major").list.contains(major))
    counts = (rows.select(pl.col("task_minor").list.unique()).explode("task_minor").drop_nulls()
              .group_by("task_minor").len())
    return dict(counts.iter_rows())


def _expand(qtbot, panel, column, value, child_column, expected: int) -> None:
    item = panel.value_item(column, value)
    assert item.childIndicatorPolicy() == item.ChildIndicatorPolicy.ShowIndicator
    panel.scrollToItem(item)
    panel.expandItem(item)
    qtbot.waitUntil(lambda: panel.value_item(column, value) is not None
                    and len(_children(panel, column, value)) == expected, timeout=10000)
    assert all(panel.value_item(column, value).child(i).data(0, Qt.ItemDataRole.UserRole)[1] == child_column
               for i in range(expected))


def test_task_major_expands_to_minors_counted_like_polars(qtbot, loaded):
    panel, frame = loaded.facets, loaded.session.frame
    assert _count(panel, "task_major", "问答") == 33 and _count(panel, "task_major", "生成") == 25
    want = _minors_by_polars(frame, "问答")
    assert want == {"常识": 33}
    _expand(qtbot, panel, "task_major", "问答", "task_minor", len(want))
    assert _children(panel, "task_major", "问答") == want
    want = _minors_by_polars(frame, "生成")
    assert want == {"写作": 12, "常识": 13}
    _expand(qtbot, panel, "task_major", "生成", "task_minor", len(want))
    assert _children(panel, "task_major", "生成") == want
    assert _children(panel, "task_major", "问答") == {"常识": 33}  # the first stays open and right
    assert loaded.session.expanded == {("task_major", "问答"), ("task_major", "生成")}
    # Under a filter the minors count the filtered rows.
    loaded.session.set_spec(loaded.session.spec.toggle_include("answer_from", "human"))
    wait_idle(qtbot, loaded)
    filtered = frame.filter(pl.col("answer_from") == "human")
    want = _minors_by_polars(filtered, "生成")
    assert sum(want.values()) < 25
    qtbot.waitUntil(lambda: _children(panel, "task_major", "生成") == want, timeout=10000)
    assert _children(panel, "task_major", "问答") == _minors_by_polars(filtered, "问答")
    # Clicking a minor filters the table to the rows holding it.
    minor = panel.value_item("task_minor", "写作")
    panel.scrollToItem(minor)
    qtbot.mouseClick(panel.viewport(), Qt.MouseButton.LeftButton, pos=panel.visualItemRect(minor).center())
    wait_idle(qtbot, loaded)
    assert loaded.session.spec.facet("task_minor") == FacetSel(include=("写作",))
    assert loaded.model.rowCount() == filtered.filter(pl.col("task_minor").list.contains("写作")).height == want["写作"]
    # Collapsing drops the request and the child rows.
    panel.collapseItem(panel.value_item("task_major", "生成"))
    qtbot.waitUntil(lambda: ("task_major", "生成") not in loaded.session.expanded)
    wait_idle(qtbot, loaded)
    assert ("task_major", "问答") in loaded.session.expanded


def test_source_expands_to_subsets_counted_like_polars(qtbot, loaded):
    panel, frame = loaded.facets, loaded.session.frame
    for source in ("zhihu", "ruozhiba", "wiki"):
        want = dict(frame.filter(pl.col("source") == source).group_by("subset").len().iter_rows())
        _expand(qtbot, panel, "source", source, "subset", len(want))
        assert _children(panel, "source", source) == want
        assert sum(want.values()) == _count(panel, "source", source)
    assert _children(panel, "source", "zhihu") == {"zhihu_a": 12, "zhihu_b": 13}
    assert _children(panel, "source", "wiki") == {"wiki": 15}  # the LFS pointer file holds no rows
    # A filter in another facet changes the subset counts to the filtered rows.
    loaded.session.set_spec(loaded.session.spec.toggle_include("answer_from", "llm"))
    wait_idle(qtbot, loaded)
    llm = frame.filter((pl.col("answer_from") == "llm") & (pl.col("source") == "zhihu"))
    want = dict(llm.group_by("subset").len().iter_rows())
    qtbot.waitUntil(lambda: _children(panel, "source", "zhihu") == want, timeout=10000)
    assert want == {"zhihu_a": 6}  # zhihu_b has no llm rows: not listed
