"""Facet clicks with real mouse and key events, and the counts the panel shows after."""
from __future__ import annotations

from PySide6.QtCore import Qt

from app.core.query import filters as query
from app.core.query.filters import FacetSel, RangeSel

from .conftest import wait_idle


def click(qtbot, panel, item, modifier=Qt.KeyboardModifier.NoModifier):
    panel.scrollToItem(item)
    qtbot.mouseClick(panel.viewport(), Qt.MouseButton.LeftButton, modifier, panel.visualItemRect(item).center())


def count_of(panel, column, value) -> int:
    return int(panel.value_item(column, value).text(1).replace(",", ""))


def test_first_counts_cover_the_whole_release(loaded):
    panel = loaded.facets
    assert count_of(panel, "source", "zhihu") == 25
    assert count_of(panel, "source", "ruozhiba") == 20
    assert count_of(panel, "source", "wiki") == 15
    assert count_of(panel, "answer_from", "human") == 34 and count_of(panel, "answer_from", "llm") == 26
    assert count_of(panel, "human_verified", "false") == 5
    assert loaded.model.rowCount() == 60
    assert loaded.status.counts.text() == "60 of 60 rows"


def test_click_includes_values_or_within_a_facet_and_in_across(qtbot, loaded):
    panel, frame = loaded.facets, loaded.session.frame
    click(qtbot, panel, panel.value_item("source", "zhihu"))
    wait_idle(qtbot, loaded)
    assert loaded.session.spec.facet("source") == FacetSel(include=("zhihu",))
    assert loaded.model.rowCount() == 25
    # The source facet ignores its own selection: the other sources keep their counts.
    assert count_of(panel, "source", "wiki") == 15
    # Other facets count within the selection.
    assert count_of(panel, "answer_from", "human") == 19 and count_of(panel, "answer_from", "llm") == 6
    assert panel.value_item("source", "zhihu").text(0).startswith("✓")
    # A second value in the same facet ORs.
    click(qtbot, panel, panel.value_item("source", "wiki"))
    wait_idle(qtbot, loaded)
    assert loaded.model.rowCount() == 40
    # A value in another facet ANDs.
    click(qtbot, panel, panel.value_item("answer_from", "llm"))
    wait_idle(qtbot, loaded)
    assert loaded.model.rowCount() == 6 == query.count(frame, loaded.session.spec)
    assert loaded.status.counts.text() == "6 of 60 rows · 2 filters"


def test_ctrl_click_and_minus_key_exclude(qtbot, loaded):
    panel = loaded.facets
    click(qtbot, panel, panel.value_item("source", "ruozhiba"), Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, loaded)
    assert loaded.session.spec.facet("source") == FacetSel(exclude=("ruozhiba",))
    assert loaded.model.rowCount() == 40
    assert panel.value_item("source", "ruozhiba").text(0).startswith("⊘")
    # The keyboard: Minus on a list-valued facet (domain) excludes rows holding it.
    panel.setFocus()
    panel.setCurrentItem(panel.value_item("domain", "科技"))
    qtbot.keyClick(panel, Qt.Key.Key_Minus)
    wait_idle(qtbot, loaded)
    assert loaded.session.spec.facet("domain") == FacetSel(exclude=("科技",))
    assert loaded.model.rowCount() == 27  # zhihu_b's 13 rows hold 科技
    # Space includes; pressing it on an excluded value switches it to included.
    panel.setCurrentItem(panel.value_item("domain", "科技"))
    qtbot.keyClick(panel, Qt.Key.Key_Space)
    wait_idle(qtbot, loaded)
    assert loaded.session.spec.facet("domain") == FacetSel(include=("科技",))
    assert loaded.model.rowCount() == 13
    # Backspace clears that facet.
    qtbot.keyClick(panel, Qt.Key.Key_Backspace)
    wait_idle(qtbot, loaded)
    assert not loaded.session.spec.facet("domain").active and loaded.model.rowCount() == 40


def test_source_expands_to_subsets_whose_counts_add_up(qtbot, loaded):
    panel = loaded.facets
    item = panel.value_item("source", "zhihu")
    panel.scrollToItem(item)
    panel.expandItem(item)
    qtbot.waitUntil(lambda: panel.value_item("subset", "zhihu_b") is not None, timeout=10000)
    assert count_of(panel, "subset", "zhihu_a") == 12 and count_of(panel, "subset", "zhihu_b") == 13
    click(qtbot, panel, panel.value_item("subset", "zhihu_b"))
    wait_idle(qtbot, loaded)
    assert loaded.session.spec.facet("subset") == FacetSel(include=("zhihu_b",))
    assert loaded.model.rowCount() == 13
    assert panel.value_item("subset", "zhihu_b").text(0).startswith("✓")  # still shown, parent stays open
    # Clearing the parent facet clears its children too.
    loaded.facets.facetCleared.emit("source")
    wait_idle(qtbot, loaded)
    assert not loaded.session.spec.facets and loaded.model.rowCount() == 60


def test_long_lists_are_capped_with_show_all(qtbot, loaded):
    from app.ui.browse import facet_panel

    panel = loaded.facets
    facet_panel.CAP, old = 2, facet_panel.CAP
    try:
        panel._rebuild()
        assert panel.value_item("source", "wiki") is None  # third by count: hidden
        more = next(it for it in panel._walk() if it.data(0, facet_panel.ROLE) == ("more", "source"))
        assert more.text(0) == "Show all (1 more)"
        click(qtbot, panel, more)
        assert panel.value_item("source", "wiki") is not None
        assert loaded.session.spec.facet("source") == FacetSel()  # showing more is not a filter
    finally:
        facet_panel.CAP = old


def test_length_range_boxes_filter_rows(qtbot, loaded):
    qtbot.waitUntil(lambda: loaded.lengths is not None, timeout=20000)
    chart = loaded.lengths.charts["len_output"]
    frame = loaded.session.frame
    qtbot.waitUntil(lambda: sum(chart.bars.opts["height"]) == 60, timeout=10000)
    chart.min_box.setValue(100)
    chart.min_box.editingFinished.emit()
    wait_idle(qtbot, loaded)
    assert loaded.session.spec.range("len_output") == RangeSel(min=100)
    assert loaded.model.rowCount() == query.count(frame, loaded.session.spec) == int((frame["len_output"] >= 100).sum())
    # Dragging the region to the data's ends means "no bound" again.
    lo, hi = chart.region.getRegion()
    bounds = chart.region.lines[0].maxRange
    chart.region.setRegion((bounds[0], bounds[1]))
    chart._on_region()
    wait_idle(qtbot, loaded)
    assert not loaded.session.spec.range("len_output").active and loaded.model.rowCount() == 60
