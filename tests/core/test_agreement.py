"""Agreement rate and Cohen's kappa between two curators, against hand-computed tables."""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.team.agreement import ALL, SCHEMA, agreement, cohen_kappa, format_agreement
from app.core.store.curation import Curation
from app.core.curate.edits import Accept, EditField, Reject
from app.core.curate.overlay import Overlay, make_state

from .curation_support import load, make_file

PROJECT = Path(__file__).resolve().parents[2]
ACC, REJ = make_state("accepted", None, {}), make_state("rejected", "低质量", {})


def _rows(n: int, source: str) -> list[dict]:
    return [{"instruction": f"{source} 问题 {i}", "input": "", "output": f"回答 {i}", "source": source} for i in range(n)]


@pytest.fixture(scope="module")
def rel(tmp_path_factory):
    return load(make_file(tmp_path_factory.mktemp("agree"), _rows(60, "zhihu") + _rows(30, "wiki")))


def _fill(rids, cells):
    """Overlays for a 2x2 table: (mine, theirs) decisions in counts, in order."""
    mine, theirs, i = {}, {}, 0
    for (m, t), n in cells:
        for rid in rids[i:i + n]:
            mine[rid], theirs[rid] = m, t
        i += n
    return mine, theirs, i


def test_kappa_formula_on_textbook_tables():
    # p_o = 35/50 = .7; mine accepts 25/50, theirs 30/50; p_e = .5*.6 + .5*.4 = .5 -> (.7-.5)/.5
    assert cohen_kappa(20, 15, 5, 10) == pytest.approx(0.4)
    assert cohen_kappa(10, 10, 0, 0) == pytest.approx(1.0)
    assert cohen_kappa(0, 0, 10, 10) == pytest.approx(-1.0)
    assert cohen_kappa(25, 0, 0, 0) is None  # both accept everything: kappa undefined
    assert cohen_kappa(0, 0, 0, 0) is None


def test_agreement_overall_and_per_source(rel):
    frame = rel.frame
    zhihu = frame.filter(frame["source"] == "zhihu")["rid"].to_list()
    wiki = frame.filter(frame["source"] == "wiki")["rid"].to_list()
    # zhihu: 20 both accept, 15 both reject, 5 mine-accept/theirs-reject, 10 mine-reject/theirs-accept -> kappa .4
    zm, zt, used = _fill(zhihu, [((ACC, ACC), 20), ((REJ, REJ), 15), ((ACC, REJ), 5), ((REJ, ACC), 10)])
    # wiki: 8/8/2/2 -> p_o .8, both accept half -> p_e .5 -> kappa .6
    wm, wt, _ = _fill(wiki, [((ACC, ACC), 8), ((REJ, REJ), 8), ((ACC, REJ), 2), ((REJ, ACC), 2)])
    mine, theirs = {**zm, **wm}, {**zt, **wt}
    # rows only one decided, or only edited, do not count
    left = zhihu[used:]
    mine[left[0]] = ACC
    theirs[left[1]] = REJ
    mine[left[2]], theirs[left[2]] = make_state(None, None, {"output": "改"}), ACC
    table = agreement(frame, Overlay(mine), Overlay(theirs))
    assert table.schema == SCHEMA
    rows = {r["source"]: r for r in table.iter_rows(named=True)}
    assert table["source"].to_list() == [ALL, "wiki", "zhihu"]
    z, w, a = rows["zhihu"], rows["wiki"], rows[ALL]
    assert (z["n"], z["agree"], z["both_accept"], z["both_reject"]) == (50, 35, 20, 15)
    assert (z["mine_accept_theirs_reject"], z["mine_reject_theirs_accept"]) == (5, 10)
    assert z["agreement"] == pytest.approx(0.7) and z["kappa"] == pytest.approx(0.4)
    assert w["n"] == 20 and w["agreement"] == pytest.approx(0.8) and w["kappa"] == pytest.approx(0.6)
    # overall 28/23/7/12 of 70: p_o = 51/70, both accept rates .5 and 40/70 -> p_e = .5 -> kappa = 32/70
    assert a["n"] == 70 and a["agree"] == 51 and a["kappa"] == pytest.approx(32 / 70)
    assert a["kappa"] == pytest.approx(cohen_kappa(28, 23, 7, 12))
    text = format_agreement(table, "ann vs bob")
    assert text.splitlines()[0] == "ann vs bob" and "zhihu" in text and "0.400" in text and "70.0%" in text


def test_undefined_kappa_and_no_shared_rows(rel):
    rids = rel.frame["rid"].to_list()[:5]
    table = agreement(rel.frame, Overlay(dict.fromkeys(rids, ACC)), Overlay(dict.fromkeys(rids, ACC)))
    first = table.row(0, named=True)
    assert first["agreement"] == 1.0 and first["kappa"] is None
    assert "n/a" in format_agreement(table)
    empty = agreement(rel.frame, Overlay({rids[0]: ACC}), Overlay({rids[1]: REJ}))
    assert empty.height == 1 and empty["n"][0] == 0 and empty["kappa"][0] is None
    assert "no rows were decided by both" in format_agreement(empty)
    assert math.isfinite(cohen_kappa(1, 1, 1, 0))


def test_agreement_cli(tmp_path):
    release = make_file(tmp_path, _rows(10, "zhihu"))
    rel = load(release)
    rids = rel.frame["rid"].to_list()
    with Curation.open(rel, tmp_path / "ann", author="ann") as ann:
        ann.apply(Accept(rids[:6]))
        ann.apply(Reject(rids[6:], "重复"))
        ann.apply(EditField([rids[0]], "output", "改"))  # an edited accept still counts as accept
    with Curation.open(rel, tmp_path / "bob", author="bob") as bob:
        bob.apply(Accept(rids[:4] + rids[6:8]))
        bob.apply(Reject(rids[4:6] + rids[8:], "低质量"))
        bob.save_version("b")
    r = subprocess.run([sys.executable, "-m", "app", "agreement", str(release), "--project", str(tmp_path / "ann"),
                        "--theirs", str(tmp_path / "bob"), "--json"], cwd=PROJECT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    # 4 both accept, 2 both reject, 2 mine-accept/theirs-reject, 2 mine-reject/theirs-accept
    assert rows[0]["source"] == ALL and rows[0]["n"] == 10 and rows[0]["agree"] == 6
    assert rows[0]["kappa"] == pytest.approx(cohen_kappa(4, 2, 2, 2))
    assert [r["source"] for r in rows] == [ALL, "zhihu"]
