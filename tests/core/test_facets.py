"""Facet counts, sub-counts and length histograms against plain-Python counts."""
from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.query import facets, filters as query
from app.core.query.facets import FacetCounts
from app.core.query.filters import FacetSel, FilterSpec, RangeSel, SearchSpec
from tests.core.query_reference import facet_counter, make_frame, matching_positions, row_matches

ROWS = [
    dict(source="exam", subset="law", domain=["法律"], task_major=["试题"], task_minor=["单选"], human_verified=True, output="豆浆"),
    dict(source="exam", subset="law", domain=["法律", "考研"], task_major=["试题"], task_minor=["多选"], human_verified=False),
    dict(source="exam", subset="kaoyan", domain=["数学", "考研"], task_major=["试题"], task_minor=["单选"], human_verified=None),
    dict(source="douban", subset="movie", domain=["电影"], task_major=["推荐"], task_minor=[], output="豆浆机"),
    dict(source="zhihu", subset="zh", domain=["生活", "生活"], task_major=["问答", "试题"], task_minor=["生活"], human_verified=True),
    dict(source="zhihu", subset="zh", domain=[], task_major=[], human_verified=False, output="x" * 50),
]


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    return make_frame(ROWS)


def test_counts_skip_their_own_selection(frame):
    spec = FilterSpec().toggle_include("source", "exam").toggle_include("domain", "考研")
    out = facets.all_facet_counts(frame, spec)
    # source ignores its own pick: the other exam values stay countable (OR within a facet)
    assert out["source"].as_dict() == {"exam": 2}
    assert out["domain"].as_dict() == {"法律": 2, "考研": 2, "数学": 1}
    assert out["subset"].as_dict() == {"law": 1, "kaoyan": 1}
    assert out["human_verified"].as_dict() == {"false": 1, "null": 1}
    assert set(out) == set(facets.facet_columns(frame))


def test_list_rows_count_once_per_distinct_value(frame):
    out = facets.all_facet_counts(frame, FilterSpec(), ["domain", "task_major"])
    assert out["domain"].as_dict()["生活"] == 1  # ["生活", "生活"] is one row
    assert out["domain"].total_distinct == 5
    assert out["task_major"].values == [("试题", 4), ("推荐", 1), ("问答", 1)]


def test_values_sorted_by_count_then_value(frame):
    assert facets.facet_counts(frame, FilterSpec(), "source").values == [("exam", 3), ("zhihu", 2), ("douban", 1)]


def test_limit_truncates_but_selection_always_shows(frame):
    capped = facets.facet_counts(frame, FilterSpec(), "domain", limit=2)
    assert capped.values == [("法律", 2), ("考研", 2)]  # ties by value (code point order)
    assert capped.truncated and capped.total_distinct == 5
    spec = FilterSpec().toggle_include("domain", "电影").toggle_exclude("domain", "数学").toggle_include("domain", "无此值")
    out = facets.facet_counts(frame, spec, "domain", limit=1)
    assert out.as_dict() == {"法律": 2, "电影": 1, "数学": 1, "无此值": 0}
    assert [v for v, _ in out.values] == ["法律", "数学", "电影", "无此值"]
    # a selected value pushed to zero by another facet still shows
    zero = facets.facet_counts(frame, spec.toggle_include("source", "douban").toggle_include("domain", "法律"), "domain", limit=None)
    assert zero.as_dict() == {"电影": 1, "法律": 0, "数学": 0, "无此值": 0}
    assert not facets.facet_counts(frame, FilterSpec(), "domain", limit=None).truncated


def test_status_counts_when_present_and_search_is_applied():
    f = make_frame(ROWS, extra={"status": pl.String}).with_columns(
        status=pl.Series(["edited", "rejected", "untouched", "rejected", "untouched", "accepted"]))
    assert "status" in facets.facet_columns(f)
    spec = FilterSpec().with_search(SearchSpec("豆浆")).toggle_include("status", "rejected")
    out = facets.all_facet_counts(f, spec)
    assert out["status"].as_dict() == {"edited": 1, "rejected": 1}
    assert out["source"].as_dict() == {"douban": 1}


def test_word_matcher_feeds_the_counts(frame):
    spec = FilterSpec().with_search(SearchSpec("豆浆", mode="word"))
    whole_words = lambda f, s: f["output"] == s.text  # noqa: E731 - a stand-in tokeniser
    assert facets.facet_counts(frame, spec, "source").as_dict() == {"exam": 1, "douban": 1}
    assert facets.facet_counts(frame, spec, "source", word_matcher=whole_words).as_dict() == {"exam": 1}


def test_sub_counts_expand_a_parent(frame):
    spec = FilterSpec().toggle_include("source", "zhihu").toggle_include("subset", "zh")
    subs = facets.sub_counts(frame, spec, "source", "exam", "subset")
    assert subs == FacetCounts("subset", [("law", 2), ("kaoyan", 1)], 2, False)
    minors = facets.sub_counts(frame, FilterSpec().toggle_exclude("human_verified", "null"), "task_major", "试题", "task_minor")
    assert minors.as_dict() == {"单选": 1, "多选": 1, "生活": 1}
    # children add up to the parent's count for a scalar parent
    parent = facets.facet_counts(frame, spec, "source").as_dict()
    for src in parent:
        assert sum(n for _, n in facets.sub_counts(frame, spec, "source", src, "subset").values) == parent[src]


def test_length_histogram_counts_every_row(frame):
    edges, counts = facets.length_histogram(frame, FilterSpec(), "len_output", bins=5)
    assert len(edges) == 6 and len(counts) == 5 and sum(counts) == frame.height
    assert edges[0] == 0 and edges[-1] == 50 and counts[-1] == 1 and counts[0] == 5
    log_edges, log_counts = facets.length_histogram(frame, FilterSpec(), "len_output", bins=4, log=True)
    assert sum(log_counts) == frame.height and log_counts[0] >= 3  # zeros count, in the first bin
    assert log_edges == sorted(log_edges) and log_edges[0] == 0 and log_edges[-1] == 50
    assert log_edges[1] - log_edges[0] < log_edges[-1] - log_edges[-2]


def test_histogram_range_handling(frame):
    spec = FilterSpec().with_range("len_output", RangeSel(min=1))
    assert sum(facets.length_histogram(frame, spec, "len_output")[1]) == frame.height  # own range skipped
    assert sum(facets.length_histogram(frame, spec, "len_output", skip_own_range=False)[1]) == 3
    edges, counts = facets.length_histogram(frame, FilterSpec().toggle_include("source", "无"), "len_output", bins=3)
    assert counts == [0, 0, 0] and len(edges) == 4
    with pytest.raises(ValueError, match="bins"):
        facets.length_histogram(frame, FilterSpec(), "len_output", bins=0)


def test_several_histograms_at_once_match_one_at_a_time(frame):
    spec = (FilterSpec().with_range("len_output", RangeSel(min=1)).with_range("len_instruction", RangeSel(max=0))
            .toggle_exclude("source", "douban"))
    both = facets.length_histograms(frame, spec, ["len_output", "len_instruction"], bins=4, log={"len_output": True})
    assert both["len_output"] == facets.length_histogram(frame, spec, "len_output", bins=4, log=True)
    assert both["len_instruction"] == facets.length_histogram(frame, spec, "len_instruction", bins=4)
    assert sum(both["len_output"][1]) == 5  # every instruction is empty; douban excluded; own range skipped
    assert sum(both["len_instruction"][1]) == 2  # len_output >= 1 and not douban


# ---- property: counts equal a plain-Python count ------------------------------------------

rows_st = st.lists(st.fixed_dictionaries({
    "source": st.sampled_from(["a", "b", "c"]),
    "answer_from": st.sampled_from(["human", "llm", ""]),
    "domain": st.lists(st.sampled_from(["x", "y", "z"]), max_size=3),
    "task_major": st.lists(st.sampled_from(["T", "U"]), max_size=2),
    "human_verified": st.sampled_from([True, False, None]),
    "output": st.text(alphabet="ab豆A", max_size=5),
}), min_size=0, max_size=25)
sel_st = st.builds(lambda inc, exc: FacetSel(tuple(inc), tuple(set(exc) - set(inc))),
                   st.lists(st.sampled_from(["a", "b", "x", "y", "T", "true", "null", "llm", "q"]), max_size=2),
                   st.lists(st.sampled_from(["a", "c", "z", "U", "false", "human"]), max_size=2))
spec_st = st.builds(
    FilterSpec,
    facets=st.dictionaries(st.sampled_from(["source", "answer_from", "domain", "task_major", "human_verified"]), sel_st, max_size=3),
    ranges=st.dictionaries(st.just("len_output"), st.builds(RangeSel, st.none() | st.integers(0, 5), st.none() | st.integers(0, 5)), max_size=1),
    search=st.builds(SearchSpec, st.sampled_from(["", "a", "A", "豆"]), st.just(("output",)), st.just("literal"), st.booleans()),
)
COLUMNS = ["source", "answer_from", "domain", "task_major", "human_verified"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows_st, spec_st)
def test_counts_equal_plain_python(rows, spec):
    f = make_frame(rows)
    out = facets.all_facet_counts(f, spec, COLUMNS, limit=None)
    for column in COLUMNS:
        expected = {v: n for v, n in facet_counter(f, spec, column).items()}
        selected = spec.facet(column).include + spec.facet(column).exclude
        assert out[column].as_dict() == expected | {v: expected.get(v, 0) for v in selected}
        assert out[column].total_distinct == len(expected)
    assert query.apply(f, spec).to_list() == matching_positions(f, spec)
    edges, counts = facets.length_histogram(f, spec, "len_output", bins=3, log=True)
    assert sum(counts) == sum(row_matches(r, spec, skip_range="len_output") for r in f.iter_rows(named=True))


# ---- the real sample -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample(sample_root) -> pl.DataFrame:
    from app.core.load.loader import load_release
    return load_release(sample_root).frame


@pytest.mark.parametrize("spec", [
    FilterSpec(),
    FilterSpec().toggle_include("source", "exam").toggle_include("source", "wiki").toggle_include("domain", "法律")
    .toggle_exclude("human_verified", "false"),
    FilterSpec().with_search(SearchSpec("豆浆")).with_range("len_output", RangeSel(10, 800)).toggle_exclude("task_minor", "单项选择题"),
])
def test_real_sample_counts_equal_plain_python(sample, spec):
    out = facets.all_facet_counts(sample, spec, limit=None)
    for column in facets.facet_columns(sample):
        expected = dict(facet_counter(sample, spec, column))
        selected = spec.facet(column).include + spec.facet(column).exclude
        assert out[column].as_dict() == expected | {v: expected.get(v, 0) for v in selected}, column
    edges, counts = facets.length_histogram(sample, spec, "len_output", log=True)
    assert sum(counts) == sum(row_matches(r, spec, skip_range="len_output") for r in sample.iter_rows(named=True))
    capped = facets.all_facet_counts(sample, spec, limit=5)
    assert all(len(c.values) <= 5 + len(spec.facet(c.column).include + spec.facet(c.column).exclude) for c in capped.values())
    assert capped["domain"].truncated == (out["domain"].total_distinct > 5)


def test_unfiltered_counts_are_memoised_per_frame_object():
    first = make_frame(ROWS)
    assert facets.facet_counts(first, FilterSpec(), "source").as_dict() == {"exam": 3, "zhihu": 2, "douban": 1}
    assert query.MEMO.lookup(first, ("facet-counts", "source"))[0]
    # the clicked facet reuses the whole-frame counts; other facets are counted afresh
    clicked = facets.all_facet_counts(first, FilterSpec().toggle_include("source", "douban"), ["source", "subset"])
    assert clicked["source"].as_dict() == {"exam": 3, "zhihu": 2, "douban": 1} and clicked["subset"].as_dict() == {"movie": 1}
    del first
    other = make_frame(ROWS[:2])  # a new frame never sees the old one's counts
    assert facets.facet_counts(other, FilterSpec(), "source").as_dict() == {"exam": 2}
