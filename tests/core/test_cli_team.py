"""The team's verbs in real processes: `assign` into a temporary shared folder, curators
deciding and saving in their own processes, `progress`, `agreement` with several
curators, `merge` with several `--theirs` (a gather); the `--json` shapes; one-line errors."""
from __future__ import annotations

import json

import pytest

from app.core.load.loader import load_release
from app.core.team.assign import read_assignment

from .cli_support import one_error_line, run_cli
from .curation_support import make_file
from .team_support import decide, rows

CURATORS = ("ann", "bob", "cy")


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    """A release, a shared folder assigned by `assign`, and three curators who each decided
    their queue (ann and cy accept, bob rejects) and saved a version, each in their process."""
    tmp = tmp_path_factory.mktemp("team")
    release = make_file(tmp / "rel", rows(30, "zhihu") + rows(15, "wiki"))
    shared, home = tmp / "shared", tmp / "home"
    r = run_cli(home, "assign", release, "--curators", *CURATORS, "--shared", shared, "--overlap", "0.2",
                "--seed", "9", "--author", "lead", "--json")
    assert r.returncode == 0, r.stderr
    assignment = read_assignment(shared)
    for name in CURATORS:
        queue = assignment.queue(name)["rid"].to_list()
        op = {"ann": "accept", "bob": "reject", "cy": "accept"}[name]
        decide(home, release, shared, name, [{"rid": x, "op": op, **({"reason": "低质量"} if op == "reject" else {})}
                                             for x in queue])
        s = run_cli(home, "save", release, "--project", shared / f"{name}.curation", "--author", name, "-m", "done")
        assert s.returncode == 0, s.stderr
    return release, shared, home, json.loads(r.stdout), assignment


def test_assign_prints_the_split_and_is_the_same_in_another_process(team, tmp_path):
    release, shared, home, printed, assignment = team
    assert set(printed) == {"assignment", "id", "seed", "overlap", "rows", "shared", "curators"}
    assert printed["rows"] == 45 and printed["shared"] == 9 and printed["seed"] == 9
    assert set(printed["curators"]) == set(CURATORS)
    ann = printed["curators"]["ann"]
    assert set(ann) == {"project", "rows", "shared", "sources"} and ann["project"] == str(shared / "ann.curation")
    assert sum(c["rows"] for c in printed["curators"].values()) == 45 + 9
    again = tmp_path / "again"
    r = run_cli(home, "assign", release, "--curators", "cy", "bob", "ann", "--shared", again, "--overlap", "0.2",
                "--seed", "9")
    assert r.returncode == 0 and "assigned 45 rows to 3 curators" in r.stdout, r.stderr
    other = read_assignment(again)
    assert other.rows.sort(["curator", "rid"]).equals(assignment.rows.sort(["curator", "rid"]))
    err = one_error_line(run_cli(home, "assign", release, "--curators", "ann", "--shared", again))
    assert "already exists" in err
    err = one_error_line(run_cli(home, "assign", release, "--curators", "a/b", "c", "--shared", tmp_path / "x"))
    assert "cannot be a curator's name" in err
    err = one_error_line(run_cli(home, "assign", release, "--curators", "a", "b", "--shared", tmp_path / "y",
                                 "--view", "{nope"))
    assert err.startswith("error: --view: filter text is not valid JSON")


def test_progress_json_and_text(team):
    release, shared, home, _, assignment = team
    r = run_cli(home, "progress", shared, "--json")
    assert r.returncode == 0, r.stderr
    board = json.loads(r.stdout)
    assert set(board) == {"folder", "assignment", "rows"} and board["folder"] == str(shared)
    assert set(board["assignment"]) == {"id", "seed", "overlap", "curators", "rows", "shared", "created"}
    by = {row["queue"]: row for row in board["rows"]}
    assert list(by) == [*CURATORS, "(shared)", "(all)"]
    assert set(by["ann"]) == {"queue", "curator", "total", "reviewed", "accepted", "rejected", "fraction",
                              "reject_rate", "spent_s", "per_hour", "eta_s", "last_action", "saved_version",
                              "project", "problem"}
    for name in CURATORS:
        total = assignment.queue(name).height
        assert by[name]["reviewed"] == by[name]["total"] == total and by[name]["saved_version"] == 1
        assert by[name]["eta_s"] == 0.0
    assert by["bob"]["rejected"] == by["bob"]["total"] and by["(all)"]["reviewed"] == 45
    assert by["(shared)"]["reviewed"] == by["(shared)"]["total"] == 9
    text = run_cli(home, "progress", shared)
    assert text.returncode == 0 and text.stdout.startswith(f"{shared}: assignment of 45 rows to 3 curators")
    assert one_error_line(run_cli(home, "progress", shared / "nope")).endswith("is not a folder")


def test_agreement_of_the_team_json_text_and_saved_view(team):
    release, shared, home, _, assignment = team
    r = run_cli(home, "agreement", release, "--team", shared, "--json", "--save-view", "分歧")
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    assert set(got) == {"pairs", "fleiss", "curators", "disagreements"}
    assert set(got["fleiss"]) == {"decision", "reason"} and got["fleiss"]["decision"]["items"] == 9
    assert set(got["pairs"][0]) == {"a", "b", "n", "agree", "agreement", "kappa", "agree_reasons", "kappa_reasons"}
    pairs = {(p["a"], p["b"]): p for p in got["pairs"]}
    assert pairs[("ann", "cy")]["agree"] == pairs[("ann", "cy")]["n"] and pairs[("ann", "bob")]["agree"] == 0
    assert set(got["curators"][0]) == {"curator", "decided", "accepted", "rejected", "reject_rate", "spent_s",
                                       "per_hour", "shared", "reasons"}
    assert got["curators"][1]["reasons"] == {"低质量": assignment.queue("bob").height}
    dis = got["disagreements"]
    bob_shared = set(assignment.queue("bob").filter(assignment.queue("bob")["shared"])["rid"].to_list())
    assert {int(i["rid"], 16) for i in dis["items"]} == bob_shared and dis["rows"] == len(bob_shared)
    assert set(dis["items"][0]) == {"rid", "file", "line", "decisions"} and dis["view"].startswith('{"v":1')
    views = json.loads((shared / "views.json").read_text(encoding="utf-8"))
    assert json.loads(views["views"]["分歧"])["rids"] == sorted(i["rid"] for i in dis["items"])
    assert "saved the" in r.stderr
    text = run_cli(home, "agreement", release, "--team", shared)
    assert text.returncode == 0 and "Fleiss' kappa over 9 rows" in text.stdout and "ann / bob" in text.stdout
    err = one_error_line(run_cli(home, "agreement", release, "--theirs", shared / "ann.curation", "--save-view", "x"))
    assert "--save-view needs --team" in err


def test_agreement_with_several_theirs(team):
    release, shared, home, _, _ = team
    r = run_cli(home, "agreement", release, "--project", shared / "ann.curation", "--theirs", shared / "bob.curation",
                "--theirs", shared / "cy.curation", "--json")
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    assert [c["curator"] for c in got["curators"]] == ["ann", "bob", "cy"]
    two = run_cli(home, "agreement", release, "--project", shared / "ann.curation", "--theirs", shared / "bob.curation",
                  "--json")
    assert two.returncode == 0 and json.loads(two.stdout)[0]["source"] == "(all)"  # two curators: the two-way table


def test_merge_gathers_the_team_in_one_version(team, tmp_path):
    release, shared, home, _, assignment = team
    lead = tmp_path / "lead.curation"
    r = run_cli(home, "merge", release, "--project", lead, "--team", shared)
    assert r.returncode == 1, r.stderr
    assert "conflict" in r.stdout and "nothing was written" in r.stdout and "  bob:" in r.stdout
    assert not (lead / "versions").exists() or not any((lead / "versions").iterdir())
    err = one_error_line(run_cli(home, "merge", release, "--project", lead, "--team", shared, "--prefer", "dan"))
    assert "not one of the sides" in err
    r = run_cli(home, "merge", release, "--project", lead, "--theirs", shared / "ann.curation", "--theirs",
                shared / "bob.curation", "--theirs", shared / "cy.curation", "--prefer", "bob,theirs", "--author", "lead")
    assert r.returncode == 0 and "saved v0001" in r.stdout, r.stdout + r.stderr
    manifest = json.loads((lead / "versions" / "v0001.json").read_text(encoding="utf-8"))
    assert [c["name"] for c in manifest["merge"]["contributors"]] == list(CURATORS)
    assert manifest["merge"]["resolutions"] and {x["choice"] for x in manifest["merge"]["resolutions"]} == {"bob"}
    with_release = load_release(release)
    from app.core.store.curation import Curation

    with Curation.open(with_release, lead, read_only=True) as c:
        assert len(c.overlay) == 45 and c.overlay.counts()["rejected"] == assignment.queue("bob").height
    again = run_cli(home, "merge", release, "--project", lead, "--team", shared)
    assert again.returncode == 0 and "Nothing to gather" in again.stdout
    assert one_error_line(run_cli(home, "merge", release, "--project", lead)).startswith("error: name their project")


def test_a_curator_gathers_the_team_into_their_own_project(team, tmp_path):
    import shutil

    release, shared, home, _, assignment = team
    copy = tmp_path / "copy"
    shutil.copytree(shared, copy)
    r = run_cli(home, "merge", release, "--project", copy / "ann.curation", "--team", copy, "--prefer", "mine,theirs",
                "--author", "ann")
    assert r.returncode == 0 and "saved v0002" in r.stdout, r.stdout + r.stderr  # ann's own side is "mine"
    manifest = json.loads((copy / "ann.curation" / "versions" / "v0002.json").read_text(encoding="utf-8"))
    assert [c["name"] for c in manifest["merge"]["contributors"]] == ["bob", "cy"]
    assert manifest["merge"]["mine"]["version"] == 1
    for res in manifest["merge"]["resolutions"]:  # the first side of the order that has a value: mine, then bob, cy
        assert res["choice"] == ("mine" if "mine" in res["sides"] else res["sides"][0])
