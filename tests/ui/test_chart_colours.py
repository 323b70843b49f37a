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
