"""Agreement of N curators: Cohen's kappa per pair and Fleiss' kappa overall, on
accept/reject and on reasons, checked against a textbook table and against the formulas
written out here independently (hypothesis); per curator rates and reasons; the rows
they disagree on as a review queue; real projects written by separate processes."""
from __future__ import annotations

from collections import Counter

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.load.loader import load_release
from app.core.query.filters import FilterSpec, apply as apply_filter
from app.core.team.agreement import cohen_kappa
from app.core.team.assign import project_dir
from app.core.team.team_agreement import (cohen, fleiss, fleiss_from_counts, format_team_agreement, team_agreement,
                                          team_agreement_of)

from .curation_support import make_file
from .team_support import decide, make_team, queue_rids, rows

# Fleiss (1971) as tabulated on Wikipedia's "Fleiss' kappa" page: 10 items, 14 raters, 5 categories
FLEISS_TABLE = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
                [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]


def test_fleiss_on_the_textbook_table():
    assert fleiss_from_counts(FLEISS_TABLE) == pytest.approx(0.210, abs=5e-4)
    long = pl.DataFrame({"rid": [i for i, r in enumerate(FLEISS_TABLE) for j, n in enumerate(r) for _ in range(n)],
                         "c": [j for r in FLEISS_TABLE for j, n in enumerate(r) for _ in range(n)]})
    got = fleiss(long, "c")
    assert (got["items"], got["ratings"]) == (10, 140)
    assert got["observed"] == pytest.approx(0.378, abs=5e-4) and got["expected"] == pytest.approx(0.213, abs=5e-4)
    assert fleiss_from_counts([[2, 0], [2, 0]]) is None  # one category throughout: undefined


def test_cohen_on_two_categories_is_the_two_by_two_kappa():
    # 20 both accept, 15 both reject, 5 a-accept/b-reject, 10 a-reject/b-accept -> 0.4
    a = ["acc"] * 20 + ["rej"] * 15 + ["acc"] * 5 + ["rej"] * 10
    b = ["acc"] * 20 + ["rej"] * 15 + ["rej"] * 5 + ["acc"] * 10
    n, agree, k = cohen(pl.Series("x", a), pl.Series("y", b))
    assert (n, agree) == (50, 35) and k == pytest.approx(0.4) == pytest.approx(cohen_kappa(20, 15, 5, 10))


def _ref_cohen(a, b):
    n = len(a)
    po = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    pe = sum(ca[c] / n * cb[c] / n for c in set(a) | set(b))
    return None if pe >= 1 else (po - pe) / (1 - pe)


def _ref_fleiss(items):
    """items: lists of the categories the raters of each item chose (two or more each)."""
    items = [i for i in items if len(i) >= 2]
    if not items:
        return None
    p_i = []
    for it in items:
        n = len(it)
        p_i.append((sum(c * c for c in Counter(it).values()) - n) / (n * (n - 1)))
    total = sum(len(i) for i in items)
    share = Counter(c for i in items for c in i)
    pe = sum((v / total) ** 2 for v in share.values())
    return None if pe >= 1 else (sum(p_i) / len(p_i) - pe) / (1 - pe)


_CATS = st.sampled_from(["accepted", "rejected: 重复", "rejected: 低质量", "rejected: "])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_CATS, _CATS), min_size=1, max_size=40),
       st.lists(st.lists(_CATS, min_size=1, max_size=5), min_size=1, max_size=25))
def test_cohen_and_fleiss_match_the_formulas_written_out(pairs, items):
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    got = cohen(pl.Series("a", a), pl.Series("b", b))[2]
    want = _ref_cohen(a, b)
    assert (got is None and want is None) or got == pytest.approx(want)
    long = pl.DataFrame({"rid": [i for i, it in enumerate(items) for _ in it], "c": [c for it in items for c in it]})
    got, want = fleiss(long, "c")["kappa"], _ref_fleiss(items)
    assert (got is None and want is None) or got == pytest.approx(want)


def _decided(d: dict) -> pl.DataFrame:
    return pl.DataFrame({"rid": list(d), "decision": [v[0] for v in d.values()], "reason": [v[1] for v in d.values()]},
                        schema={"rid": pl.UInt64, "decision": pl.String, "reason": pl.String})


def test_three_curators_pairs_fleiss_rates_and_the_disagreement_queue(tmp_path):
    rel = load_release(make_file(tmp_path / "rel", rows(12, "zhihu")))
    r = rel.frame["rid"].to_list()
    A, R1, R2 = ("accepted", None), ("rejected", "重复"), ("rejected", "低质量")
    ann = {r[0]: A, r[1]: A, r[2]: R1, r[3]: R1, r[4]: A, r[9]: A}
    bob = {r[0]: A, r[1]: R1, r[2]: R2, r[3]: R1, r[5]: R2}
    cy = {r[0]: A, r[4]: R2, r[5]: R2, r[6]: A}
    t = team_agreement({"ann": _decided(ann), "bob": _decided(bob), "cy": _decided(cy)}, rel.frame,
                       {"ann": 1800.0, "bob": 0.0})
    pairs = {(p["a"], p["b"]): p for p in t.pairs.iter_rows(named=True)}
    names = {"ann": ann, "bob": bob, "cy": cy}
    for (x, y), p in pairs.items():
        common = sorted(set(names[x]) & set(names[y]))
        dec = lambda d, k: d[k][0]  # noqa: E731
        cat = lambda d, k: "accepted" if d[k][0] == "accepted" else f"rejected: {d[k][1] or ''}"  # noqa: E731
        assert p["n"] == len(common)
        assert p["agree"] == sum(dec(names[x], k) == dec(names[y], k) for k in common)
        for got, f in ((p["kappa"], dec), (p["kappa_reasons"], cat)):
            want = _ref_cohen([f(names[x], k) for k in common], [f(names[y], k) for k in common])
            assert (got is None and want is None) or got == pytest.approx(want)
    multi = [k for k in r if sum(k in d for d in names.values()) >= 2]
    want = _ref_fleiss([[d[k][0] for d in names.values() if k in d] for k in multi])
    assert t.fleiss_decision["items"] == len(multi) == 6 and t.fleiss_decision["kappa"] == pytest.approx(want)
    want_r = _ref_fleiss([["accepted" if d[k][0] == "accepted" else "rejected: " + d[k][1] for d in names.values()
                           if k in d] for k in multi])
    assert t.fleiss_reason["kappa"] == pytest.approx(want_r)
    cur = {c["curator"]: c for c in t.curators.iter_rows(named=True)}
    assert (cur["ann"]["decided"], cur["ann"]["rejected"], cur["ann"]["per_hour"]) == (6, 2, pytest.approx(12.0))
    assert cur["bob"]["per_hour"] is None and cur["cy"]["spent_s"] is None and cur["ann"]["shared"] == 5
    assert t.reasons.filter(pl.col("curator") == "bob").rows() == [("bob", "低质量", 2), ("bob", "重复", 2)]
    # disagreements: r1 (A vs R1), r2 (R1 vs R2: same decision, other reason), r4 (A vs R2); not r0, r3, r5
    assert t.disagreements["rid"].to_list() == [r[1], r[2], r[4]]
    assert t.disagreements.row(0, named=True)["decisions"] == "ann: accepted; bob: rejected: 重复"
    view = FilterSpec.from_text(t.view().to_text())
    assert rel.frame["rid"].gather(apply_filter(rel.frame, view)).to_list() == [r[1], r[2], r[4]]
    text = format_team_agreement(t, "team")
    assert "Fleiss' kappa over 6 rows" in text and "ann / bob" in text and "3 rows with different decisions" in text
    js = t.to_json()
    assert js["curators"][1]["reasons"] == {"低质量": 2, "重复": 2} and js["disagreements"]["rows"] == 3


def test_agreement_of_a_team_of_real_projects(tmp_path):
    release = make_file(tmp_path / "rel", rows(24, "zhihu") + rows(16, "wiki"))
    rel = load_release(release)
    shared = tmp_path / "team"
    a = make_team(rel, shared, ["ann", "bob", "cy"], overlap=0.5, seed=3)
    home = tmp_path / "home"
    for name, op in (("ann", "accept"), ("bob", "reject"), ("cy", "accept")):
        decide(home, release, shared, name, [{"rid": x, "op": op} for x in queue_rids(a, name)])
    t = team_agreement_of(rel, shared)
    assert t.fleiss_decision["items"] == a.shared_rows and t.fleiss_decision["ratings"] == 2 * a.shared_rows
    pairs = {(p["a"], p["b"]): p for p in t.pairs.iter_rows(named=True)}
    assert pairs[("ann", "cy")]["agree"] == pairs[("ann", "cy")]["n"] > 0  # both accept all: agree, kappa undefined
    assert pairs[("ann", "cy")]["kappa"] is None and pairs[("ann", "bob")]["agree"] == 0
    bob_shared = set(queue_rids(a, "bob", shared_only=True))
    assert set(t.disagreements["rid"].to_list()) == bob_shared  # bob rejects what the others accept
    assert all(project_dir(shared, n).is_dir() for n in a.curators)
