"""The frame cache from the command line (real child processes): a second `stats` is
taken from the cache with the same output; a project keeps it in ``cache/frames``, a
release without one in the user's cache folder, never beside the release; --no-cache and
CQIA_NO_CACHE=1 bypass it; export splices the same bytes from a cached frame."""
from __future__ import annotations

import json
from pathlib import Path

from app.core.load import framecache
from app.core.load.loader import load_release
from app.core.store.curation import Curation
from app.core.curate.edits import EditField, Reject

from .cli_support import isolated_env, run_cli
from .curation_support import make_tree


def manifests(folder: Path) -> list[Path]:
    return sorted(folder.rglob(framecache.MANIFEST)) if folder.exists() else []


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_stats_twice_same_output_from_the_cache_in_the_users_cache_folder(tmp_path):
    root = make_tree(tmp_path / "rel")
    before = listing(tmp_path / "rel")
    first = run_cli(tmp_path, "stats", root, "--json")
    assert first.returncode == 0, first.stderr
    found = manifests(tmp_path / "cache" / "cqia-curator" / "frames")
    assert len(found) == 1  # written by the first run, before its process exited
    files = json.loads(found[0].read_text())["body"]["files"]
    assert {f["rel"] for f in files} == {f.rel for f in load_release(root).report.file_infos}
    second = run_cli(tmp_path, "stats", root, "--json")
    assert second.returncode == 0 and second.stdout == first.stdout and "Traceback" not in second.stderr
    assert listing(tmp_path / "rel") == before  # nothing beside or inside the release
    assert not list((tmp_path / "rel").glob("*.curation"))


def test_a_project_keeps_the_cache_in_its_cache_folder(tmp_path):
    root = make_tree(tmp_path / "rel")
    with Curation.open(load_release(root), author="a") as c:
        folder = c.project.folder
    done = run_cli(tmp_path, "stats", root, "--json")
    assert done.returncode == 0, done.stderr
    assert manifests(folder / "cache" / "frames")
    assert not manifests(tmp_path / "cache")


def test_no_cache_option_and_environment_bypass_it(tmp_path):
    root = make_tree(tmp_path / "rel")
    done = run_cli(tmp_path, "stats", root, "--no-cache")
    assert done.returncode == 0, done.stderr
    env = isolated_env(tmp_path, CQIA_NO_CACHE="1")
    done = run_cli(tmp_path, "stats", root, env=env)
    assert done.returncode == 0, done.stderr
    assert not manifests(tmp_path / "cache")


def test_a_garbage_cache_is_rebuilt_without_a_traceback(tmp_path):
    root = make_tree(tmp_path / "rel")
    first = run_cli(tmp_path, "stats", root, "--json")
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_file():
            path.write_bytes(b"\xff\x00 garbage")
    again = run_cli(tmp_path, "stats", root, "--json")
    assert again.returncode == 0 and again.stdout == first.stdout and again.stderr == ""
    files = json.loads(manifests(tmp_path / "cache")[0].read_text())["body"]["files"]
    assert files  # written anew


def test_export_from_a_cached_frame_splices_the_same_bytes(tmp_path):
    root = make_tree(tmp_path / "rel")
    release = load_release(root)
    rows = release.frame.select("rid").to_series().to_list()
    with Curation.open(release, author="a") as c:
        c.apply(Reject([rows[1]], "重复"))
        c.apply(EditField((rows[2],), "output", "改过的回答"))
    outs = []
    for k, extra in enumerate([["--no-cache"], [], [], []]):  # parsed; cold; twice from the cache
        out = tmp_path / f"out{k}.jsonl"
        done = run_cli(tmp_path, "export", root, "--out", out, *extra)
        assert done.returncode == 0, done.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] == outs[2] == outs[3]
    assert "改过的回答".encode() in outs[0]
    project = root.parent / (root.name + ".curation")
    assert manifests(project / "cache" / "frames")
