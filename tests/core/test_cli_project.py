"""The command line finds a release's curation project as the app does (beside the
release, the remembered folder, the fallback folder), reads it without writing or locking,
and says what it applied. Real child processes."""
from __future__ import annotations

import json
import re

import pytest

from app.core.store.curation import Curation
from app.core.curate.edits import Accept, EditField, Reject
from app.core.load.loader import load_release
from app.core.store.project import fallback_project_dir

from .cli_support import HeldProject, isolated_env, one_error_line, run_cli
from .curation_support import make_file, make_tree, tree_digest


def _curate(release, folder=None, *, save: bool = False):
    """Edit row 0's output, reject row 1, accept row 2; returns (project folder, rids)."""
    rids = release.frame["rid"].to_list()
    with Curation.open(release, folder, author="审校员") as c:
        c.apply(EditField([rids[0]], "output", "改过的回答"))
        c.apply(Reject([rids[1]], "重复"))
        c.apply(Accept([rids[2]]))
        if save:
            c.save_version("第一版")
        return c.project.folder, rids


def _rows(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_export_applies_the_project_beside_the_release_and_says_what_it_applied(tmp_path):
    path = make_file(tmp_path / "rel")
    release = load_release(path)
    folder, _ = _curate(release)
    assert folder == path.parent / "rel.jsonl.curation"
    before = tree_digest(folder)

    out = tmp_path / "out.jsonl"
    done = run_cli(tmp_path, "export", path, "--out", out)
    assert done.returncode == 0, done.stderr
    rows = _rows(out)
    assert len(rows) == release.frame.height - 1
    assert rows[0]["output"] == "改过的回答"
    assert str(folder) in done.stderr
    assert re.search(rf"\b{release.frame.height - 1} rows\b", done.stderr), done.stderr
    for part in ("1 edited", "1 rejected (dropped)", "0 stale"):
        assert part in done.stderr, done.stderr
    assert tree_digest(folder) == before  # read without writing, without taking the lock

    kept = run_cli(tmp_path, "export", path, "--out", tmp_path / "kept.jsonl", "--keep-rejected")
    assert kept.returncode == 0 and "1 rejected (kept)" in kept.stderr, kept.stderr
    assert len(_rows(tmp_path / "kept.jsonl")) == release.frame.height

    raw = run_cli(tmp_path, "export", path, "--no-project", "--out", tmp_path / "raw.jsonl")
    assert raw.returncode == 0, raw.stderr
    assert (tmp_path / "raw.jsonl").read_bytes() == path.read_bytes()
    assert "no project" in raw.stderr and "0 edited" in raw.stderr


def test_a_project_in_the_fallback_folder_is_found(tmp_path, monkeypatch):
    """The app keeps the project in the user's data folder when the release's folder is
    read-only; the command line must find it there too."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # as isolated_env gives the child
    path = make_file(tmp_path / "rel")
    release = load_release(path)
    spare = fallback_project_dir(release)
    assert str(spare).startswith(str(tmp_path / "data"))
    _curate(release, spare)

    out = tmp_path / "out.jsonl"
    done = run_cli(tmp_path, "export", path, "--out", out)
    assert done.returncode == 0, done.stderr
    assert len(_rows(out)) == release.frame.height - 1 and str(spare) in done.stderr
    assert not (path.parent / "rel.jsonl.curation").exists()


def test_a_remembered_project_folder_is_found_by_app_and_command_line(tmp_path, monkeypatch):
    """A project the curator moved elsewhere (File > Move project) is remembered in a
    file the core reads, so the command line finds it as the app does."""
    from app.core.store import locate

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    path = make_file(tmp_path / "rel")
    release = load_release(path)
    chosen = tmp_path / "elsewhere" / "mine.curation"
    chosen.mkdir(parents=True)
    locate.remember_project_dir(release, chosen)
    assert locate.locate_project(release).folder == chosen
    _curate(release, chosen)

    stats = run_cli(tmp_path, "stats", path, "--json")
    assert stats.returncode == 0, stats.stderr
    cur = json.loads(stats.stdout)["curation"]
    assert cur["project"] == str(chosen)


def test_stats_adds_curation_counts_and_the_stale_changes(tmp_path):
    root = make_tree(tmp_path)
    release = load_release(root)
    folder, rids = _curate(release, save=True)  # the saved version remembers where row 0 was
    n = release.frame.height
    plain = run_cli(tmp_path, "stats", root, "--json", "--no-project")
    assert plain.returncode == 0 and "curation" not in json.loads(plain.stdout)

    done = run_cli(tmp_path, "stats", root, "--json")
    assert done.returncode == 0, done.stderr
    cur = json.loads(done.stdout)["curation"]
    assert cur["project"] == str(folder)
    assert cur["counts"] == {"untouched": n - 3, "edited": 1, "accepted": 1, "rejected": 1}
    assert cur["stale"] == []

    # The release changes under the project: row 0 (edited) gets new content in place.
    first = release.frame.row(0, named=True)
    target = root / first["file"]
    data = target.read_bytes().split(b"\n")
    data[first["line"] - 1] = data[first["line"] - 1].replace(b"Hello", b"Hi there")
    target.write_bytes(b"\n".join(data))
    again = run_cli(tmp_path, "stats", root, "--json")
    assert again.returncode == 0, again.stderr
    stale = json.loads(again.stdout)["curation"]["stale"]
    assert [(s["rid"], s["file"], s["line"]) for s in stale] == [(f"{rids[0]:016x}", first["file"], first["line"])]
    assert "other content" in stale[0]["reason"]
    text = run_cli(tmp_path, "stats", root)
    assert text.returncode == 0 and "curation" in text.stdout and "1 stale" in text.stdout, text.stdout


def test_diff_and_agreement_need_no_project_option(tmp_path):
    path = make_file(tmp_path / "rel")
    release = load_release(path)
    _curate(release, save=True)
    diff = run_cli(tmp_path, "diff", path)
    assert diff.returncode == 0, diff.stderr
    assert "改过的回答" in diff.stdout and "reject (重复)" in diff.stdout

    theirs = tmp_path / "theirs.curation"
    rids = release.frame["rid"].to_list()
    with Curation.open(release, theirs, author="他") as c:
        c.apply(Reject([rids[1], rids[2]], "重复"))
        c.save_version("theirs")
    agree = run_cli(tmp_path, "agreement", path, "--theirs", theirs, "--json")
    assert agree.returncode == 0, agree.stderr
    overall = json.loads(agree.stdout)[0]
    assert (overall["n"], overall["agree"]) == (2, 1)


def test_reading_never_creates_a_project_nor_takes_the_lock(tmp_path):
    path = make_file(tmp_path / "rel")
    for args in (["export", path, "--out", tmp_path / "o.jsonl"], ["stats", path]):
        assert run_cli(tmp_path, *args).returncode == 0
    for args in (["diff", path], ["agreement", path, "--theirs", tmp_path]):
        line = one_error_line(run_cli(tmp_path, *args))
        assert "no curation project" in line and "rel.jsonl.curation" in line
    assert sorted(p.name for p in path.parent.iterdir()) == ["rel.jsonl"]
    assert not (tmp_path / "data").exists() and not (tmp_path / "config").exists()

    # While the app holds the project, reading verbs still read what it has journaled.
    release = load_release(path)
    folder, _ = _curate(release)
    with HeldProject(path) as held:
        lock = (folder / "lock").read_bytes()
        done = run_cli(tmp_path, "export", path, "--out", tmp_path / "o2.jsonl")
        assert done.returncode == 0, done.stderr
        assert len(_rows(tmp_path / "o2.jsonl")) == release.frame.height - 1
        assert (folder / "lock").read_bytes() == lock and held.proc.poll() is None


def test_version_without_a_project_is_an_error(tmp_path):
    path = make_file(tmp_path / "rel")
    line = one_error_line(run_cli(tmp_path, "export", path, "--version", "1", "--out", tmp_path / "o.jsonl"))
    assert "--version" in line and "no curation project" in line
    both = run_cli(tmp_path, "export", path, "--no-project", "--project", tmp_path, "--out", tmp_path / "o.jsonl")
    assert both.returncode == 2 and "Traceback" not in both.stderr


@pytest.mark.parametrize("verb", ["export", "stats"])
def test_an_explicit_project_that_is_not_one_is_an_error(tmp_path, verb):
    path = make_file(tmp_path / "rel")
    (tmp_path / "empty").mkdir()
    args = [verb, path, "--project", tmp_path / "empty"] + (["--out", tmp_path / "o.jsonl"] if verb == "export" else [])
    line = one_error_line(run_cli(tmp_path, *args, env=isolated_env(tmp_path)))
    assert "not a curation project" in line and not (tmp_path / "empty" / "project.json").exists()
