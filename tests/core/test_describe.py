"""The filter in a few words (titles of bulk dialogs)."""
from __future__ import annotations

from app.core.query.describe import describe
from app.core.query.filters import FilterSpec, RangeSel, SearchSpec


def test_describe_names_each_active_part():
    spec = (FilterSpec().toggle_include("source", "zhihu").toggle_exclude("domain", "医学")
            .with_range("len_output", RangeSel(10, None)).with_search(SearchSpec("豆浆")))
    assert describe(spec) == "domain: not 医学 · source: zhihu · len_output 10– · search \u201c豆浆\u201d"
    assert describe(FilterSpec()) == ""


def test_describe_is_cut_to_the_limit():
    spec = FilterSpec().with_search(SearchSpec("长" * 500))
    text = describe(spec, limit=40)
    assert len(text) == 40 and text.endswith("…")
