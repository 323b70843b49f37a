"""Charts (issue 25, point 9): a distinct, colour-blind-safe colour per source (Tol's
'muted' for the nine biggest sources, grey for the rest, with an "other" legend entry),
the same in every chart whatever the filter; bin labels that never run into each other."""
from __future__ import annotations

import polars as pl
import pytest

pytest.importorskip("pyqtgraph")

from app.ui.analysis import palette  # noqa: E402
from app.ui.analysis.charts import BarChart, thinned_ticks  # noqa: E402
from app.ui.analysis.dashboard_tab import draw  # noqa: E402

from .test_analysis import fruit  # noqa: E402,F401 - a fixture

SOURCES = ["zhihu", "douban", "exam", "segmentfault", "wiki", "xhs", "ruozhiba", "finance", "logi_qa", "wikihow",
           "human_value", "chinese_traditional"]


def _release_sources() -> pl.DataFrame:
    # zhihu the biggest, then in the list's order: 12 sources, 3 past the ninth
    return pl.DataFrame({"source": [s for i, s in enumerate(SOURCES) for _ in range(100 - i)]})


def test_every_coloured_source_has_its_own_colour_and_the_rest_are_other():
    colours = palette.source_colours(_release_sources())
    coloured = [c for c in colours.values() if c != palette.OTHER]
    assert len(coloured) == len(set(coloured)) == len(palette.TOL_MUTED)
    assert colours["exam"] != colours["segmentfault"]
    assert [s for s, c in colours.items() if c == palette.OTHER] == SOURCES[9:]
    entries = palette.legend_entries(colours, SOURCES, "other (%1 sources)")
    assert entries[-1] == ("other (3 sources)", palette.OTHER) and len(entries) == 10


def test_subset_chart_colours_follow_the_release_not_the_filter(qtbot):
    colours = palette.source_colours(_release_sources())
    table = pl.DataFrame({"source": SOURCES, "subset": [s + "_a" for s in SOURCES], "rows": list(range(12, 0, -1))})
    chart = BarChart()
    qtbot.addWidget(chart)
    draw(chart, "rows_by_source", table, colours)
    legend = [(label.text, sample.item.opts["brush"].color().name().upper())
              for sample, label in chart._legend.items]
    assert ("other (3 sources)", palette.OTHER) in legend
    assert ("exam", colours["exam"]) in legend and ("segmentfault", colours["segmentfault"]) in legend
    # a filter with only two sources: the same colours as in the whole release
    draw(chart, "rows_by_source", table.filter(pl.col("source").is_in(["segmentfault", "xhs"])), colours)
    legend = dict((label.text, sample.item.opts["brush"].color().name().upper()) for sample, label in chart._legend.items)
    assert legend == {"segmentfault": colours["segmentfault"], "xhs": colours["xhs"]}


def test_bin_labels_are_thinned_to_fit():
    labels = [f"{lo}-{2 * lo - 1}" for lo in (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192)]
    ticks = thinned_ticks(labels, 300, lambda s: 7 * len(s))
    share = 300 / len(labels)
    step = ticks[1][0] - ticks[0][0]
    assert step * share >= 7 * max(map(len, labels))  # each shown label has room to its next one
    assert thinned_ticks(labels, 5000, lambda s: 7 * len(s)) == list(enumerate(labels))


def test_a_narrow_histogram_shows_labels_that_do_not_overlap(qtbot):
    table = pl.DataFrame({"bin": [f"{lo}-{2 * lo - 1}" for lo in (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048)] + ["4096+"],
                          "rows": list(range(13))})
    chart = BarChart()
    qtbot.addWidget(chart)
    chart.resize(260, 200)
    chart.show()
    draw(chart, "instruction_chars", table)
    qtbot.waitUntil(lambda: chart.plot_width() < 300)
    ticks = chart.getPlotItem().getAxis("bottom")._tickLevels[0]
    width = chart.plot_width() / len(table)
    fm = chart.fontMetrics()
    gaps = [(b[0] - a[0]) * width for a, b in zip(ticks, ticks[1:])]
    assert len(ticks) < len(table) and all(g >= fm.horizontalAdvance(a[1]) for g, a in zip(gaps, ticks))


def test_length_axis_ticks_on_narrow_and_wide_ranges():
    from app.ui.browse.length_facets import length_ticks

    assert length_ticks(0, 0.7, True, 5) == [0]  # every input empty: one label, not '0 0 1 1 1'
    assert length_ticks(0, 3.2, False, 5) == [0, 1, 2, 3]
    assert length_ticks(27, 41, False, 5) == [30, 35, 40]
    assert length_ticks(27, 41, True, 5) == [30, 35, 40]  # no 1-2-5 length in view: evenly spaced
    wide = length_ticks(0, 20000, True, 6)
    assert len(wide) <= 6 and wide == sorted(set(wide)) and wide[0] == 0
    for lo, hi in ((0.0, 0.5), (3.0, 3.4), (100.0, 101.0), (0.0, 1e6)):
        for log in (True, False):
            t = length_ticks(lo, hi, log, 4)
            assert 1 <= len(t) <= 4 and len(set(t)) == len(t) and all(isinstance(v, int) for v in t)


def test_the_length_histogram_axis_labels_each_length_once(qtbot, loaded):
    from .test_curate import settle

    settle(qtbot, loaded)
    qtbot.waitUntil(lambda: loaded.lengths is not None, timeout=60000)
    chart = loaded.lengths.charts["len_input"]  # every input of the small release is empty
    axis = chart._axis
    lo, hi = chart.view.viewRange()[0]
    levels = axis.tickValues(lo, hi, axis.width() or 200)
    labels = [s for _sp, vals in levels for s in axis.tickStrings(vals, 1, 1) if s]
    assert len(levels) == 1 and labels and len(labels) == len(set(labels))


def test_the_diversity_chart_redraws_after_its_click_filters(qtbot, window, fruit):
    """A click filters to the verb's object and the chart, drawn again for the new filter,
    outlines the clicked segment: its pixels change (issue 25.9: it stayed as it was)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from .test_analysis import open_release, settle

    open_release(qtbot, window, fruit)
    ui = window.commands.analysis
    ui.run_text()
    settle(qtbot, window)
    window.registry["analyse.diversity"].trigger()
    settle(qtbot, window)
    chart = ui.dock.diversity
    QApplication.processEvents()
    before = chart.plot.grab().toImage()
    qtbot.mouseClick(chart.plot.viewport(), Qt.MouseButton.LeftButton, pos=chart.point_of("写", "故事"))
    settle(qtbot, window)
    assert window.session.spec.facet("noun").include == ("故事",) and chart._selected == ("写", "故事")
    QApplication.processEvents()
    assert chart.plot.grab().toImage() != before
