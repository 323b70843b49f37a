"""Issue 25.11: "edited" means the row's text (or labels) changed, whatever was decided
after: the same in the save dialog's counts, the status facet and the history."""
from __future__ import annotations

import pytest

from app.core.curate.edits import Accept, EditField, Reject
from app.core.query import facets
from app.core.query.filters import FilterSpec, apply
from app.core.store.curation import Curation

from .curation_support import load, make_tree


@pytest.fixture()
def cur(tmp_path):
    c = Curation.open(load(make_tree(tmp_path)), tmp_path / "p", author="ann")
    rids = c.release.frame["rid"].to_list()
    for i in range(4):  # four rows with edited text ...
        c.apply(EditField([rids[i]], "output", f"改过 {i}"))
    c.apply(Accept([rids[2], rids[4]]))  # ... two of them then accepted (and one row only accepted)
    c.apply(Reject([rids[3], rids[5]], "重复"))  # one edited row then rejected (and one only rejected)
    yield c, rids
    c.close()


def test_tally_counts_every_row_whose_text_changed(cur):
    c, _rids = cur
    assert c.overlay.tally() == {"edited": 4, "accepted": 2, "rejected": 2}


def test_the_status_facet_counts_and_filters_edited_rows_whatever_their_decision(cur):
    c, rids = cur
    frame = c.current_frame()
    counts = facets.facet_counts(frame, FilterSpec(), "status").as_dict()
    assert counts["edited"] == 4 and counts["accepted"] == 2 and counts["rejected"] == 2
    assert counts["untouched"] == frame.height - 6
    edited = apply(frame, FilterSpec().toggle_include("status", "edited"))
    assert sorted(frame["rid"].gather(edited).to_list()) == sorted(rids[:4])
    both = apply(frame, FilterSpec().toggle_include("status", "edited").toggle_exclude("status", "accepted"))
    assert sorted(frame["rid"].gather(both).to_list()) == sorted([rids[0], rids[1], rids[3]])


def test_a_version_records_how_many_rows_were_edited(cur):
    c, _rids = cur
    info = c.save_version("v1")
    assert info.edited == 4
    assert dict(info.counts) == {"edit": 2, "reject": 2, "accept": 2, "restore": 0}  # ops, as before


def test_status_counts_of_the_cli_count_edited_rows_whatever_their_decision(cur):
    from app.core.curate.overlay import status_counts

    c, _rids = cur
    frame = c.current_frame()
    assert status_counts(frame) == {"untouched": frame.height - 6, "edited": 4, "accepted": 2, "rejected": 2}


def test_the_cli_save_line_says_edited_rows_whatever_their_decision(tmp_path):
    """`save` prints what the version holds in the same words as the app."""
    from app.core.load.loader import load_release

    from .cli_support import run_cli

    root = make_tree(tmp_path)
    rids = load_release(root).frame["rid"].to_list()
    lines = [{"rid": f"{rids[0]:016x}", "op": "edit", "fields": {"output": "新"}},
             {"rid": f"{rids[0]:016x}", "op": "accept"},
             {"rid": f"{rids[1]:016x}", "op": "reject", "reason": "重复"}]
    decisions = tmp_path / "d.jsonl"
    decisions.write_text("".join(__import__("json").dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    applied = run_cli(tmp_path, "apply", root, decisions)
    assert applied.returncode == 0, applied.stderr
    saved = run_cli(tmp_path, "save", root, "-m", "v1")
    assert saved.returncode == 0, saved.stderr
    assert "1 edited, 1 accepted, 1 rejected" in saved.stderr
