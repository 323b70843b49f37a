"""Assigning a release to N curators: the pair schedule, the stratified split (hypothesis:
same inputs -> same split, every row assigned, overlap within rounding, every source
balanced within one), the assignment file and the curators' projects in the shared folder."""
from __future__ import annotations

import itertools
import json
from collections import Counter

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.curate.edits import Reject
from app.core.load.loader import load_release
from app.core.query.filters import FacetSel, FilterSpec
from app.core.store.curation import Curation
from app.core.team.assign import (ASSIGNMENT_FILE, AssignmentError, check_name, make_assignment, project_dir,
                                  read_assignment)
from app.core.team.my_queue import team_curator, team_place
from app.core.team.shared_folder import create_team, start_of
from app.core.team.split import mix, pair_rounds, split

from .curation_support import make_file


def _frame(sizes: dict[str, int], salt: int = 0) -> pl.DataFrame:
    """A frame of rids and sources (rids from a mixer: distinct, spread)."""
    sources = [s for s, n in sizes.items() for _ in range(n)]
    rids = mix(np.arange(len(sources), dtype=np.uint64) + np.uint64(salt * 1_000_003))
    return pl.DataFrame({"rid": pl.Series(rids, dtype=pl.UInt64), "source": sources,
                         "file": [f"{s}/x.jsonl" for s in sources], "line": list(range(1, len(sources) + 1))},
                        schema_overrides={"line": pl.UInt32})


# ---- the pair schedule -------------------------------------------------------------------

@pytest.mark.parametrize("n", range(2, 13))
def test_pair_rounds_cover_every_pair_once_and_stay_balanced_from_any_round(n):
    rounds = pair_rounds(n)
    flat = [p for r in rounds for p in r]
    assert sorted(flat) == sorted(itertools.combinations(range(n), 2))  # every pair exactly once
    for r in rounds:
        assert len(set(Counter(c for p in r for c in p).values())) == 1  # a round: everyone equally often
    for start in range(len(rounds)):  # any prefix from a round start, wrapping around
        seq = [p for r in rounds[start:] + rounds[:start] for p in r] * 2
        load = np.zeros(n, dtype=int)
        for a, b in seq:
            assert a != b
            load[a] += 1
            load[b] += 1
            assert load.max() - load.min() <= 1, (n, start, load)


# ---- the split -----------------------------------------------------------------------------

def _check_split(frame: pl.DataFrame, n: int, overlap: float, parts: pl.DataFrame) -> None:
    total = frame.height
    per_row = parts.group_by("rid").agg(pl.col("curator").n_unique().alias("k"), pl.len().alias("n"),
                                        pl.col("shared").first())
    assert per_row.height == total  # every row assigned
    assert (per_row["k"] == per_row["n"]).all()  # never twice to the same curator
    assert set(per_row["n"].to_list()) <= {1, 2}
    assert (per_row["shared"] == (per_row["n"] == 2)).all()
    shared = int((per_row["n"] == 2).sum())
    assert abs(shared - total * overlap) <= 0.5 + 1e-9  # within rounding of the overlap
    counts = parts.group_by("source", "curator").len()
    for source, sub in counts.group_by("source"):
        size = int((frame["source"] == source[0]).sum())
        got = dict(zip(sub["curator"].to_list(), sub["len"].to_list()))
        values = [got.get(c, 0) for c in range(n)]
        assert max(values) - min(values) <= 1, (source, values)  # balanced within one
        src_shared = parts.filter((pl.col("source") == source[0]) & pl.col("shared"))["rid"].n_unique()
        assert abs(src_shared - size * overlap) < 1  # each source: floor or ceil of its share


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes=st.dictionaries(st.sampled_from(["zhihu", "douban", "exam", "wiki", "xhs", "ruozhiba"]),
                             st.integers(1, 120), min_size=1, max_size=6),
       n=st.integers(2, 10), overlap=st.sampled_from([0.0, 0.05, 0.1, 0.25, 0.5, 0.99, 1.0]),
       seed=st.integers(0, 2**64 - 1), salt=st.integers(0, 50))
def test_split_is_deterministic_complete_and_balanced(sizes, n, overlap, seed, salt):
    frame = _frame(sizes, salt)
    parts = split(frame, n, overlap, seed)
    _check_split(frame, n, overlap, parts)
    again = split(frame.sample(fraction=1.0, shuffle=True, seed=salt), n, overlap, seed)  # any row order
    key = ["rid", "curator"]
    assert parts.sort(key).equals(again.sort(key))


def test_another_seed_gives_another_split_and_every_pair_shares_rows():
    frame = _frame({"zhihu": 400, "exam": 300, "wiki": 100})
    a, b = split(frame, 4, 0.1, 1), split(frame, 4, 0.1, 2)
    assert not a.sort(["rid", "curator"]).equals(b.sort(["rid", "curator"]))
    pairs = a.filter(pl.col("shared")).group_by("rid").agg(pl.col("curator").sort()).get_column("curator")
    assert {tuple(p) for p in pairs.to_list()} == set(itertools.combinations(range(4), 2))


def test_split_refuses_what_cannot_be_split():
    frame = _frame({"a": 5})
    for n, overlap in ((0, 0.0), (1, 0.1), (3, -0.1), (3, 1.5)):
        with pytest.raises(ValueError):
            split(frame, n, overlap, 0)
    solo = split(frame, 1, 0.0, 0)
    assert solo.height == 5 and set(solo["curator"].to_list()) == {0}


def test_split_of_the_real_release_is_balanced_by_source(sample_root):
    rel = load_release(sample_root)
    parts = split(rel.frame, 7, 0.1, 42)
    _check_split(rel.frame, 7, 0.1, parts)


# ---- the assignment file and the shared folder --------------------------------------------

def _rows(n: int, source: str) -> list[dict]:
    return [{"instruction": f"{source} 问题 {i}", "input": "", "output": f"回答 {i}", "source": source} for i in range(n)]


@pytest.fixture()
def rel(tmp_path):
    return load_release(make_file(tmp_path / "rel", _rows(40, "zhihu") + _rows(20, "wiki") + _rows(9, "exam")))


def test_assignment_round_trips_through_its_file(rel, tmp_path):
    a = make_assignment(rel, ["丙", "ann", "bob"], overlap=0.2, seed=7, author="lead")
    assert a.curators == ("ann", "bob", "丙")  # sorted: the split does not depend on the order given
    assert a.total == rel.frame.height and a.shared_rows == round(rel.frame.height * 0.2)
    setup = create_team(rel, tmp_path / "team", a)
    obj = json.loads(setup.path.read_text(encoding="utf-8"))
    assert obj["format"] == "cqia-assignment/1" and obj["seed"] == 7 and obj["curators"] == ["ann", "bob", "丙"]
    first = obj["queues"]["ann"]["items"][0]
    rid, where = first.split(" ", 1)
    row = rel.frame.filter(pl.col("rid") == int(rid, 16)).row(0, named=True)
    assert where == f"{row['file']}:{row['line']}"  # the row by rid with file:line
    assert sum(q["rows"] for q in obj["queues"].values()) == a.total + a.shared_rows
    back = read_assignment(tmp_path / "team")
    assert back.curators == a.curators and back.seed == 7 and back.id == a.id
    assert back.rows.sort(["curator", "rid"]).equals(a.rows.sort(["curator", "rid"]))
    assert back.sources == a.sources and sum(a.sources["ann"].values()) == a.queue("ann").height
    where = back.locators(back.queue("bob")).join(rel.frame.select("rid", "file", "line"), on="rid", suffix="_r")
    assert where.height == back.queue("bob").height
    assert (where["file"] == where["file_r"]).all() and (where["line"] == where["line_r"]).all()
    assert [p.name for p in setup.created] == ["ann.curation", "bob.curation", "丙.curation"]
    for name in a.curators:
        meta = json.loads((project_dir(tmp_path / "team", name) / "project.json").read_text(encoding="utf-8"))
        assert meta["author"] == name and meta["base"]["hash"] == rel.identity()["hash"]
        assert not (project_dir(tmp_path / "team", name) / "lock").exists()  # closed again


def test_same_inputs_same_file_content_and_no_silent_replace(rel, tmp_path):
    a = make_assignment(rel, ["ann", "bob"], overlap=0.1, seed=3)
    b = make_assignment(rel, ["bob", "ann"], overlap=0.1, seed=3)
    assert a.to_json()["queues"] == b.to_json()["queues"]
    create_team(rel, tmp_path / "t", a)
    with Curation.open(rel, project_dir(tmp_path / "t", "ann"), author="ann") as c:
        c.apply(Reject([rel.frame["rid"][0]], "重复"))
    with pytest.raises(AssignmentError, match="already exists"):
        create_team(rel, tmp_path / "t", b)
    again = create_team(rel, tmp_path / "t", b, replace=True)
    assert len(again.kept) == 2 and not again.created  # the curators' work is never touched
    with Curation.open(rel, project_dir(tmp_path / "t", "ann"), read_only=True) as c:
        assert len(c.overlay) == 1


def test_a_view_assigns_only_its_rows(rel):
    view = FilterSpec().with_facet("source", FacetSel(("wiki",)))
    a = make_assignment(rel, ["ann", "bob"], overlap=0.0, seed=1, view=view)
    assert a.total == 20 and {s for q in a.sources.values() for s in q} == {"wiki"}
    assert FilterSpec.from_text(a.view) == view
    with pytest.raises(AssignmentError, match="cannot be applied to the release"):
        make_assignment(rel, ["ann"], view=FilterSpec().with_facet("status", FacetSel(("rejected",))))
    with pytest.raises(AssignmentError, match="empty"):
        make_assignment(rel, ["ann"], view=FilterSpec().with_facet("source", FacetSel(("nope",))))


@pytest.mark.parametrize("names, why", [(["ann", "ann"], "named twice"), (["a/b"], "cannot be"), ([".x"], "cannot be"),
                                        ([""], "non-empty"), (["ann"], "two need at least two")])
def test_bad_curator_lists_are_refused_in_words(rel, names, why):
    with pytest.raises(AssignmentError, match=why):
        make_assignment(rel, names, overlap=0.1)


def test_damaged_assignment_files_are_named(tmp_path):
    (tmp_path / ASSIGNMENT_FILE).write_text('{"format": "cqia-assignment/1", "seed": 1}')
    with pytest.raises(AssignmentError, match=r"assignment.json is damaged \(no 'curators' key\)"):
        read_assignment(tmp_path)
    (tmp_path / ASSIGNMENT_FILE).write_text("{")
    good = {"format": "cqia-assignment/1", "seed": 1, "overlap": 0, "curators": ["ann"], "release": {},
            "queues": {"ann": {"items": ["00000000000000zz a.jsonl:1"]}}}
    (tmp_path / ASSIGNMENT_FILE).write_text(json.dumps(good))
    with pytest.raises(AssignmentError, match="is not '<16 hex digits> <file>:<line>'"):
        read_assignment(tmp_path)
    (tmp_path / ASSIGNMENT_FILE).write_text("{")
    with pytest.raises(AssignmentError, match="not JSON"):
        read_assignment(tmp_path)
    with pytest.raises(AssignmentError, match="is missing"):
        read_assignment(tmp_path / "nowhere")
    assert check_name(" 审校员 ") == "审校员"


def test_a_starting_version_is_every_curators_first_state(rel, tmp_path):
    rids = rel.frame["rid"].to_list()
    with Curation.open(rel, tmp_path / "lead.curation", author="lead") as lead:
        lead.apply(Reject(rids[:3], "重复"))
        lead.save_version("start")
    start = start_of(tmp_path / "lead.curation")
    a = make_assignment(rel, ["ann", "bob"], seed=1, start=start)
    create_team(rel, tmp_path / "team", a)
    assert read_assignment(tmp_path / "team").start["version"] == 1
    for name in a.curators:
        with Curation.open(rel, project_dir(tmp_path / "team", name), read_only=True) as c:
            assert sorted(c.overlay) == sorted(rids[:3]) and c.last_version == 1
    with pytest.raises(AssignmentError, match="no saved version"):
        start_of(tmp_path / "team" / "ann.curation" / "nothing")


def test_a_project_in_the_shared_folder_is_its_curators_queue(rel, tmp_path):
    a = make_assignment(rel, ["ann", "bob"], overlap=0.3, seed=2)
    create_team(rel, tmp_path / "team", a)
    place = team_place(project_dir(tmp_path / "team", "bob"), rel.identity()["hash"])
    assert place is not None and place.curator == "bob" and place.shared == (tmp_path / "team").absolute()
    frame_rids = rel.frame["rid"].to_numpy()
    positions = np.arange(rel.frame.height)[::-1]  # a view in another order: kept in that order
    kept = place.keep(frame_rids, positions)
    assert set(frame_rids[kept].tolist()) == set(a.rids("bob")) and list(kept) == sorted(kept, reverse=True)
    assert team_place(project_dir(tmp_path / "team", "bob"), "another release") is None
    assert team_curator(tmp_path / "team" / "dan.curation") == ((tmp_path / "team").absolute(), "dan")
    assert team_place(tmp_path / "team" / "dan.curation") is None  # not in the assignment
    assert team_place(tmp_path / "elsewhere.curation") is None


def test_my_queue_follows_its_rows_into_a_changed_release(tmp_path):
    """The release was re-issued after the assignment: re-serialised (every row id changes),
    one row edited upstream, one deleted, one added. The queue keeps its rows by content;
    the edited and deleted ones are named, never re-targeted on a guess; a queue of which no
    row is found is another release's."""
    rows = _rows(30, "zhihu") + _rows(12, "wiki")
    first = load_release(make_file(tmp_path / "rel", rows))
    a = make_assignment(first, ["ann", "bob"], overlap=0.2, seed=3)
    create_team(first, tmp_path / "team", a)
    bob = {first.frame.row(i, named=True)["instruction"]: i for i in range(first.frame.height)
           if first.frame["rid"][i] in set(a.rids("bob"))}
    texts = sorted(bob)
    edited, deleted = texts[0], texts[1]
    again = [dict(r, output=r["output"] + "（修订）") if r["instruction"] == edited else r
             for r in rows if r["instruction"] != deleted] + [{"instruction": "新增的问题", "input": "", "output": "新",
                                                               "source": "wiki"}]
    path = tmp_path / "rel2" / "rel.jsonl"
    path.parent.mkdir()
    path.write_text("\n".join(json.dumps(r, ensure_ascii=True, separators=(",", ":"))
                              for r in again) + "\n", encoding="utf-8")  # other spacing: every rid changes
    second = load_release(path)
    assert not set(second.frame["rid"].to_list()) & set(first.frame["rid"].to_list())
    place = team_place(project_dir(tmp_path / "team", "bob"), second.identity()["hash"], second.frame)
    assert place is not None and place.changed
    got = set(second.frame.filter(pl.col("rid").is_in(place.rids.tolist()))["instruction"].to_list())
    assert got == set(texts) - {edited, deleted}
    assert place.followed == len(texts) - 2
    assert sorted(place.lost["item"].str.slice(17).to_list()) == sorted(
        f"rel.jsonl:{bob[t] + 1}" for t in (edited, deleted))
    assert "2 rows" in place.summary() and "changed upstream or removed" in place.summary()
    other = load_release(make_file(tmp_path / "other", _rows(5, "exam")))
    assert team_place(project_dir(tmp_path / "team", "bob"), other.identity()["hash"], other.frame) is None
    # an assignment written before content keys: rows are followed by row id only
    obj = json.loads((tmp_path / "team" / ASSIGNMENT_FILE).read_text(encoding="utf-8"))
    obj.pop("content_keys")
    for q in obj["queues"].values():
        q.pop("keys")
    (tmp_path / "team" / ASSIGNMENT_FILE).write_text(json.dumps(obj), encoding="utf-8")
    assert team_place(project_dir(tmp_path / "team", "bob"), second.identity()["hash"], second.frame) is None
    same = team_place(project_dir(tmp_path / "team", "bob"), first.identity()["hash"], first.frame)
    assert same is not None and not same.changed and set(same.rids.tolist()) == set(a.rids("bob"))
