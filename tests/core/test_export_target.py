"""Where export refuses to write: inside the release, inside a curation project (the one
passed in, or any folder holding a project's project.json), and over a folder whose
whole content a tree export would replace."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.core.store.curation import Curation
from app.core.curate.edits import EditField
from app.core.export.exporter import ExportError, export_release

from .curation_support import load, make_tree, tree_digest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def session(tmp_path):
    release = make_tree(tmp_path)
    rel = load(release)
    c = Curation.open(rel, tmp_path / "release.curation", author="t")
    c.apply(EditField([rel.frame["rid"][0]], "output", "改"))
    c.save_version("v1")
    yield c
    c.close()


def project_targets(folder: Path) -> list[tuple[Path, str]]:
    return [(folder / "journal.jsonl", "single"), (folder / "project.json", "single"),
            (folder / "versions" / "v0001.jsonl", "single"), (folder / "new" / "x.jsonl", "single"),
            (folder, "tree"), (folder / "versions", "tree"), (folder / "sub", "tree")]


def test_curation_export_refuses_its_own_project_folder(session):
    folder = session.project.folder
    before = tree_digest(folder)
    for out, layout in project_targets(folder):
        with pytest.raises(ExportError, match="curation project"):
            session.export(out, layout=layout)
    assert tree_digest(folder) == before
    session.close()
    assert len(Curation.open(session.release, folder, read_only=True).overlay) == 1  # the project still opens


def test_any_curation_project_is_refused_even_when_not_passed(session, tmp_path):
    folder = session.project.folder
    before = tree_digest(folder)
    for out, layout in project_targets(folder):
        with pytest.raises(ExportError, match="curation project"):
            export_release(session.release, session.overlay, out, layout=layout)
    assert tree_digest(folder) == before


def test_passed_folders_are_protected(session, tmp_path):
    keep = tmp_path / "outer" / "keep"
    keep.mkdir(parents=True)
    for out, layout in [(keep / "x.jsonl", "single"), (keep, "tree"), (keep / "a" / "b", "tree"),
                        (tmp_path / "outer", "tree")]:  # the last would replace keep along with its parent
        with pytest.raises(ExportError, match="protected"):
            export_release(session.release, None, out, layout=layout, protect=[keep])
    assert list((tmp_path / "outer").iterdir()) == [keep] and list(keep.iterdir()) == []


def test_a_tree_export_never_replaces_a_folder_holding_the_release(session, tmp_path):
    before = tree_digest(tmp_path / "release")
    with pytest.raises(ExportError, match="holds the release"):
        export_release(session.release, None, tmp_path, layout="tree")
    single = load(tmp_path / "release" / "beta" / "b.jsonl")
    with pytest.raises(ExportError, match="holds the release"):
        export_release(single, None, tmp_path / "release" / "beta", layout="tree")
    assert tree_digest(tmp_path / "release") == before


def test_the_cli_refuses_the_project_s_files(session, tmp_path):
    folder = session.project.folder
    session.close()
    before = tree_digest(folder)
    for name in ("journal.jsonl", "project.json"):
        done = subprocess.run([sys.executable, "-m", "app", "export", str(session.release.root), "--project", str(folder),
                               "--out", str(folder / name)], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 2 and done.stderr.startswith("error:") and "curation project" in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    assert tree_digest(folder) == before
