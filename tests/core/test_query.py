"""FilterSpec semantics, text form and search, checked against plain-Python readings."""
from __future__ import annotations

import gc
import json

import polars as pl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.core.query import filters as query
from app.core.query.filters import FacetSel, FilterSpec, RangeSel, SearchSpec, SortSpec
from tests.core.query_reference import make_frame, matching_positions

ROWS = [
    dict(source="exam", subset="law", instruction="法律问题", output="答案A", task_major=["试题"],
         task_minor=["单选", "法律考研"], domain=["法律"], human_verified=True, answer_from="human"),
    dict(source="exam", subset="kaoyan", instruction="考研数学", output="Python code", task_major=["试题"],
         task_minor=["简答题"], domain=["数学", "考研"], human_verified=False, answer_from="llm"),
    dict(source="douban", subset="movie", instruction="推荐电影", input="豆浆", output="PYTHON rocks",
         task_major=["推荐"], task_minor=[], domain=["电影"], human_verified=None, answer_from="human"),
    dict(source="zhihu", subset="zh", instruction="如何做豆浆", output="先泡豆子。\n再磨。", task_major=["问答"],
         task_minor=["生活"], domain=["生活", "法律"], human_verified=True, answer_from="expert"),
    dict(source="douban", subset="book", instruction="", output="", task_major=[], domain=[], human_verified=False),
]


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    return make_frame(ROWS)


def rows(frame: pl.DataFrame, spec: FilterSpec, **kw) -> list[int]:
    return query.apply(frame, spec, **kw).to_list()


# ---- semantics -------------------------------------------------------------------------

def test_or_within_facet_and_across_facets(frame):
    spec = FilterSpec().toggle_include("source", "exam").toggle_include("source", "zhihu")
    assert rows(frame, spec) == [0, 1, 3]
    assert rows(frame, spec.toggle_include("human_verified", "true")) == [0, 3]


def test_exclude_is_not(frame):
    assert rows(frame, FilterSpec().toggle_exclude("source", "douban")) == [0, 1, 3]
    spec = FilterSpec().toggle_include("source", "exam").toggle_exclude("answer_from", "llm")
    assert rows(frame, spec) == [0]


def test_list_columns_match_any_element(frame):
    assert rows(frame, FilterSpec().toggle_include("domain", "法律")) == [0, 3]
    assert rows(frame, FilterSpec().toggle_include("domain", "法律").toggle_include("domain", "电影")) == [0, 2, 3]
    # excluded when ANY element is excluded; an empty list is never excluded
    assert rows(frame, FilterSpec().toggle_exclude("domain", "法律")) == [1, 2, 4]
    assert rows(frame, FilterSpec().toggle_include("task_minor", "法律考研")) == [0]


def test_human_verified_values_are_strings_with_null(frame):
    assert rows(frame, FilterSpec().toggle_include("human_verified", "null")) == [2]
    assert rows(frame, FilterSpec().toggle_include("human_verified", "false")) == [1, 4]
    assert rows(frame, FilterSpec().toggle_exclude("human_verified", "true")) == [1, 2, 4]


def test_status_column_is_just_another_facet():
    f = make_frame(ROWS, extra={"status": pl.String, "reason": pl.String}).with_columns(
        status=pl.Series(["untouched", "rejected", "edited", "rejected", "accepted"]),
        reason=pl.Series([None, "dup", None, "bad", None]))
    assert rows(f, FilterSpec().toggle_include("status", "rejected")) == [1, 3]
    assert rows(f, FilterSpec().toggle_include("reason", "")) == [0, 2, 4]  # missing text reads as ""


def test_ranges_are_inclusive_and_one_sided(frame):
    lens = frame["len_output"].to_list()
    assert rows(frame, FilterSpec().with_range("len_output", RangeSel(3, 11))) == [i for i, n in enumerate(lens) if 3 <= n <= 11]
    assert rows(frame, FilterSpec().with_range("len_output", RangeSel(min=1))) == [0, 1, 2, 3]
    assert rows(frame, FilterSpec().with_range("len_output", RangeSel(max=0))) == [4]
    # any numeric column, e.g. line
    assert rows(frame, FilterSpec().with_range("line", RangeSel(2, 3))) == [1, 2]


def test_rids_restrict(frame):
    assert rows(frame, FilterSpec(rids=(1003, 1001, 99))) == [1, 3]
    assert rows(frame, FilterSpec(rids=())) == []


def test_literal_search_scopes_fields_and_cases(frame):
    assert rows(frame, FilterSpec().with_search(SearchSpec("豆浆"))) == [2, 3]
    assert rows(frame, FilterSpec().with_search(SearchSpec("豆浆", fields=("instruction",)))) == [3]
    assert rows(frame, FilterSpec().with_search(SearchSpec("python"))) == [1, 2]
    assert rows(frame, FilterSpec().with_search(SearchSpec("Python", case_sensitive=True))) == [1]
    assert rows(frame, FilterSpec().with_search(SearchSpec("a.", case_sensitive=False))) == []  # not a regex


def test_regex_search_and_case(frame):
    assert rows(frame, FilterSpec().with_search(SearchSpec(r"^\p{Han}{4}$", mode="regex", fields=("instruction",)))) == [0, 1, 2]
    assert rows(frame, FilterSpec().with_search(SearchSpec("py.*n", mode="regex"))) == [1, 2]
    assert rows(frame, FilterSpec().with_search(SearchSpec("py.*n", mode="regex", case_sensitive=True))) == []
    assert rows(frame, FilterSpec().with_search(SearchSpec("先.*\n.*磨", mode="regex"))) == [3]


@pytest.mark.parametrize("pattern, problem", [("(豆浆", "unclosed group"), ("a(?=b)", "look-around"), ("[z-a]", "invalid")])
def test_bad_regex_names_the_problem(frame, pattern, problem):
    with pytest.raises(ValueError, match="invalid regular expression") as err:
        query.apply(frame, FilterSpec().with_search(SearchSpec(pattern, mode="regex")))
    assert problem in str(err.value)


def test_word_mode_uses_the_hook_or_falls_back_to_literal(frame):
    spec = FilterSpec().with_search(SearchSpec("豆浆", mode="word"))
    assert rows(frame, spec) == [2, 3]  # no tokeniser: substring
    seen = []

    def only_instruction_hits(f: pl.DataFrame, s: SearchSpec) -> pl.Series:
        seen.append(s)
        return f["instruction"].str.contains(s.text, literal=True)

    assert rows(frame, spec, word_matcher=only_instruction_hits) == [3]
    assert seen == [spec.search]
    with pytest.raises(ValueError, match="Boolean Series"):
        query.apply(frame, spec, word_matcher=lambda f, s: pl.Series([True]))


def test_unknown_column_is_a_clear_error(frame):
    with pytest.raises(ValueError, match="not in the frame: \\['status'\\]"):
        query.apply(frame, FilterSpec().toggle_include("status", "edited"))


def test_filter_expr_can_skip_a_facet(frame):
    spec = FilterSpec().toggle_include("source", "exam").toggle_include("domain", "法律")
    out = frame.with_row_index("i").filter(query.filter_expr(spec, skip_facet="source"))["i"].to_list()
    assert out == [0, 3]
    assert frame.filter(query.filter_expr(FilterSpec())).height == frame.height


def test_count_equals_length_of_apply(frame):
    spec = FilterSpec().toggle_exclude("source", "zhihu").with_search(SearchSpec("a"))
    assert query.count(frame, spec) == len(query.apply(frame, spec)) == len(matching_positions(frame, spec))


# ---- sorting ---------------------------------------------------------------------------

def test_sort_numeric_stable_both_ways(frame):
    out = query.apply(frame, FilterSpec(sort=SortSpec("human_verified")))
    assert out.dtype == pl.UInt32
    assert out.to_list() == [1, 4, 0, 3, 2]  # false < true, ties in frame order, null last
    assert rows(frame, FilterSpec(sort=SortSpec("human_verified", descending=True))) == [0, 3, 1, 4, 2]


def test_sort_list_columns_by_first_element(frame):
    firsts = [r["domain"][0] if r["domain"] else "" for r in ROWS]
    expect = sorted(range(len(ROWS)), key=lambda i: (firsts[i], i))
    assert rows(frame, FilterSpec(sort=SortSpec("domain"))) == expect
    spec = FilterSpec(sort=SortSpec("len_output", descending=True)).toggle_exclude("source", "zhihu")
    lens = frame["len_output"].to_list()
    assert rows(frame, spec) == sorted([0, 1, 2, 4], key=lambda i: -lens[i])


# ---- the value object ------------------------------------------------------------------

def test_specs_are_canonical_and_hashable():
    a = FilterSpec(facets=(("source", FacetSel(("b", "a"))), ("domain", FacetSel(exclude=("x",)))),
                   search=SearchSpec("q", fields=("output", "instruction")), rids=(3, 1, 3))
    b = FilterSpec(facets={"domain": FacetSel(exclude=("x",)), "source": FacetSel(("a", "b", "a"))},
                   search=SearchSpec("q", fields=("instruction", "output")), rids=(1, 3))
    assert a == b and hash(a) == hash(b) and a.to_text() == b.to_text()
    assert FilterSpec().with_facet("source", FacetSel()) == FilterSpec()  # empty selections vanish
    with pytest.raises(ValueError, match="both included and excluded"):
        FacetSel(("a",), ("a",))
    with pytest.raises(ValueError, match="given twice"):
        FilterSpec(facets=(("s", FacetSel(("a",))), ("s", FacetSel(("b",)))))


def test_toggles_clear_and_active_count():
    s = FilterSpec().toggle_include("source", "a").toggle_include("source", "b")
    assert s.facet("source") == FacetSel(("a", "b"))
    s = s.toggle_exclude("source", "a")  # moving a value from include to exclude
    assert s.facet("source") == FacetSel(("b",), ("a",))
    assert s.toggle_include("source", "b").toggle_exclude("source", "a") == FilterSpec()
    s = s.toggle_include("domain", "x").with_range("len_input", RangeSel(1, 5)).with_search(SearchSpec("q", mode="regex"))
    s = s.with_sort(SortSpec("len_input")).with_rids((1,))
    assert s.active_count() == 5
    assert s.clear_facet("domain").active_count() == 4
    cleared = s.clear_all()
    assert cleared.active_count() == 0 and cleared.sort == SortSpec("len_input")
    assert cleared.search == SearchSpec("", mode="regex")  # scope options stay, the text goes


# ---- text form -------------------------------------------------------------------------

def test_text_form_is_compact_chinese_and_ordered():
    spec = FilterSpec().toggle_include("domain", "法律").with_search(SearchSpec("豆浆")).with_sort(SortSpec("len_output", True))
    text = spec.with_rids((255,)).to_text()
    assert text == ('{"v":1,"facets":{"domain":{"include":["法律"]}},"search":{"text":"豆浆"},'
                    '"sort":{"column":"len_output","descending":true},"rids":["00000000000000ff"]}')
    assert FilterSpec().to_text() == '{"v":1}'
    assert FilterSpec.from_text(text) == spec.with_rids((255,))


@pytest.mark.parametrize("text, msg", [
    ("{", "not valid JSON"), ("[]", "must be a JSON object"), ('{"v":2}', "unsupported filter format version"),
    ('{"facet":{}}', "unknown key"), ('{"facets":{"a":{"include":"x"}}}', "sequence of strings"),
    ('{"facets":{"a":{"include":[1]}}}', "sequence of strings"), ('{"facets":{"a":{"only":["x"]}}}', "unknown key"),
    ('{"ranges":{"len_input":{"min":"3"}}}', "integer"), ('{"ranges":{"len_input":{"min":true}}}', "integer"),
    ('{"search":{"mode":"fuzzy"}}', "search mode"), ('{"search":{"fields":[]}}', "at least one field"),
    ('{"search":{"fields":"output"}}', "list of strings"), ('{"sort":{"descending":1}}', "descending"),
    ('{"rids":["zz"]}', "hex"), ('{"rids":[12]}', "hex"), ('{"facets":[]}', "JSON object"),
])
def test_bad_text_is_a_clear_value_error(text, msg):
    with pytest.raises(ValueError, match=msg):
        FilterSpec.from_text(text)


values = st.text(alphabet="ab法律 \"\\\n\u200b", max_size=4)
facet_sels = st.builds(lambda inc, exc: FacetSel(tuple(inc), tuple(set(exc) - set(inc))),
                       st.lists(values, max_size=3), st.lists(values, max_size=3))
range_sels = st.builds(RangeSel, st.none() | st.integers(-10, 10**12), st.none() | st.integers(-10, 10**12))
columns = st.sampled_from(["source", "domain", "task_minor", "human_verified", "status", "列"])
specs = st.builds(
    FilterSpec,
    facets=st.dictionaries(columns, facet_sels, max_size=4),
    ranges=st.dictionaries(st.sampled_from(["len_input", "len_output", "tokens"]), range_sels, max_size=2),
    search=st.builds(SearchSpec, st.text(max_size=6), st.sets(st.sampled_from(["instruction", "input", "output", "metadata"]), min_size=1).map(tuple),
                     st.sampled_from(["literal", "regex", "word"]), st.booleans()),
    sort=st.builds(SortSpec, st.none() | columns, st.booleans()),
    rids=st.none() | st.lists(st.integers(0, 2**64 - 1), max_size=4).map(tuple),
)


@settings(max_examples=200, deadline=None)
@given(specs)
def test_text_round_trip_is_exact(spec):
    text = spec.to_text()
    back = FilterSpec.from_text(text)
    assert back == spec and hash(back) == hash(spec)
    assert back.to_text() == text
    json.loads(text)  # plain JSON


# ---- search spans ----------------------------------------------------------------------

def test_search_spans_on_chinese_text():
    text = "豆浆很好喝。豆浆ABC，abc豆浆"
    assert query.search_spans(text, SearchSpec("豆浆")) == [(0, 2), (6, 8), (15, 17)]
    assert query.search_spans(text, SearchSpec("abc")) == [(8, 11), (12, 15)]
    assert query.search_spans(text, SearchSpec("abc", case_sensitive=True)) == [(12, 15)]
    assert query.search_spans(text, SearchSpec(r"\p{Han}+", mode="regex")) == [(0, 5), (6, 8), (15, 17)]  # 。 and ， are not Han
    assert query.search_spans(text, SearchSpec("x*", mode="regex")) == []  # empty matches: nothing to mark
    assert query.search_spans(text, SearchSpec("")) == []
    assert query.search_spans("aaaa", SearchSpec("aa")) == [(0, 2), (2, 4)]  # non-overlapping, like the filter
    marker = "\ue000豆\ue001"  # text already holding the marker characters
    assert query.search_spans(marker, SearchSpec("豆", mode="regex")) == [(1, 2)]
    with pytest.raises(ValueError, match="invalid regular expression"):
        query.search_spans(text, SearchSpec("(", mode="regex"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="abAB豆浆\n ", max_size=12), st.text(alphabet="abAB豆浆.*", min_size=1, max_size=3),
       st.sampled_from(["literal", "regex"]), st.booleans())
def test_spans_agree_with_the_filter(text, needle, mode, case_sensitive):
    search = SearchSpec(needle, fields=("output",), mode=mode, case_sensitive=case_sensitive)
    try:
        query.search_pattern(search)
    except ValueError:
        assume(False)  # not a regex at all; covered by test_bad_regex_names_the_problem
    spans = query.search_spans(text, search)
    hit = query.count(make_frame([{"output": text}]), FilterSpec(search=search)) == 1
    matched_empty = mode == "regex" and not spans and hit  # e.g. "a*" matches the empty string
    assert bool(spans) == hit or matched_empty
    for start, end in spans:
        piece = text[start:end]
        assert query.count(make_frame([{"output": piece}]), FilterSpec(search=search)) == 1
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


# ---- memo --------------------------------------------------------------------------------

def test_search_mask_is_reused_per_frame_and_released(frame):
    search = SearchSpec("豆浆")
    first = query.search_mask(frame, search)
    assert query.search_mask(frame, search) is first
    other = make_frame(ROWS)
    assert query.search_mask(other, search) is not first
    ref_count = len(query.MEMO._items)
    del other
    gc.collect()
    query.search_mask(frame, SearchSpec("x"))  # any access prunes dead frames
    assert len(query.MEMO._items) <= ref_count


# ---- the real sample -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample(sample_root) -> pl.DataFrame:
    from app.core.load.loader import load_release
    return load_release(sample_root).frame


@pytest.mark.parametrize("spec", [
    FilterSpec().toggle_include("domain", "法律").toggle_include("domain", "通用").toggle_exclude("source", "zhihu"),
    FilterSpec().toggle_include("task_major", "试题").toggle_include("human_verified", "true").with_range("len_output", RangeSel(20, 400)),
    FilterSpec().with_search(SearchSpec("豆浆")).toggle_exclude("answer_from", "llm"),
    FilterSpec().with_search(SearchSpec("python", fields=("instruction", "output"))),
    FilterSpec().with_search(SearchSpec(r"第[一二三]章", mode="regex")),
])
def test_real_sample_matches_plain_python(sample, spec):
    assert query.apply(sample, spec).to_list() == matching_positions(sample, spec)
