"""Issue 25.4: the filters curators asked for: edited (whatever was decided after), reject
reason, curator (author), noted and flagged; as facets, in FilterSpec's text form; and
the search box finding notes."""
from __future__ import annotations

import pytest

from app.core.curate.edits import Accept, EditField, Flag, Note, Reject
from app.core.query import facets
from app.core.query.filters import FilterSpec, SearchSpec, apply

from app.core.store.curation import Curation

from .curation_support import load, make_tree


@pytest.fixture()
def cur(tmp_path):
    c = Curation.open(load(make_tree(tmp_path)), tmp_path / "p", author="ann")
    rids = c.release.frame["rid"].to_list()
    c.apply(EditField([rids[0]], "output", "改过"))
    c.apply(Accept([rids[0]]))  # edited then accepted: still edited
    c.apply(Reject([rids[1]], "重复"))
    c.apply(Reject([rids[2]], "不安全"))
    c.apply(Note([rids[3]], "问一下出处 source?"))
    c.author = "bob"
    c.apply(Flag([rids[2], rids[4]], True))
    yield c, rids
    c.close()


def _rids(frame, spec):
    return sorted(frame["rid"].gather(apply(frame, spec)).to_list())


def test_the_new_facets_are_offered_and_counted(cur):
    c, rids = cur
    frame = c.current_frame()
    cols = facets.facet_columns(frame)
    for name in ("edited", "reason", "curator", "noted", "flagged"):
        assert name in cols
    counts = facets.all_facet_counts(frame, FilterSpec(), ("edited", "reason", "curator", "noted", "flagged"))
    n = frame.height
    assert counts["edited"].as_dict() == {"yes": 1, "no": n - 1}
    assert counts["noted"].as_dict() == {"yes": 1, "no": n - 1}
    assert counts["flagged"].as_dict() == {"yes": 2, "no": n - 2}
    reasons = counts["reason"].as_dict()
    assert reasons["重复"] == 1 and reasons["不安全"] == 1
    curators = counts["curator"].as_dict()
    assert curators["ann"] == 3 and curators["bob"] == 2


def test_the_new_facets_filter_and_round_trip_as_text(cur):
    c, rids = cur
    frame = c.current_frame()
    assert _rids(frame, FilterSpec().toggle_include("edited", "yes")) == [rids[0]]
    assert _rids(frame, FilterSpec().toggle_include("reason", "重复")) == [rids[1]]
    assert _rids(frame, FilterSpec().toggle_include("noted", "yes")) == [rids[3]]
    spec = FilterSpec().toggle_include("flagged", "yes").toggle_include("curator", "bob")
    again = FilterSpec.from_text(spec.to_text())
    assert again == spec and _rids(frame, again) == sorted([rids[2], rids[4]])


@pytest.mark.parametrize("mode,text", [("literal", "问一下出处"), ("literal", "SOURCE?"), ("regex", "出处\\s+so")])
def test_the_search_box_finds_note_text(cur, mode, text):
    c, rids = cur
    frame = c.current_frame()
    assert rids[3] in _rids(frame, FilterSpec(search=SearchSpec(text=text, mode=mode)))
