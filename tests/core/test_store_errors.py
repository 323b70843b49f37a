"""Every project-level failure is a ProjectError / VersionError / JournalError whose
one-line message names the file (and line), never a raw KeyError or PermissionError: the
CLI prints it as one `error: ...` line, the app as one message."""
from __future__ import annotations

import json

import pytest
import xxhash

from app.core.store.curation import Curation, open_overlay
from app.core.curate.edits import Reject
from app.core.store.journal import JournalError
from app.core.team.lineage import open_version
from app.core.store.project import ProjectError
from app.core.store.versions import VersionError, format_diff

from .curation_support import load, make_tree
from .store_support import open_up, shared_dir, without_root

pytestmark = pytest.mark.reliability("check")


def _one_line(exc: BaseException, *names: str) -> str:
    text = str(exc)
    assert "\n" not in text and all(n in text for n in names), text
    return text


@pytest.fixture()
def project():
    """A project with one version, in a folder an ordinary user can reach."""
    with shared_dir() as top:
        rel = load(make_tree(top))
        with Curation.open(rel, top / "p") as c:
            c.apply(Reject(rel.frame["rid"].to_list()[:2], "x"))
            c.save_version("v1")
        open_up(top)
        yield rel, top / "p"


@pytest.mark.reliability("fault", "an unreadable project folder, project.json or journal: one-line error naming "
                                  "it; no lock kept")
@pytest.mark.parametrize("what, error", [("", ProjectError), ("project.json", ProjectError),
                                         ("journal.jsonl", JournalError)])
def test_unreadable_project_files(project, what, error):
    rel, folder = project
    (folder / what).chmod(0)
    with without_root():
        for call in (lambda: Curation.open(rel, folder), lambda: open_overlay(rel, folder)):
            with pytest.raises(error) as info:
                call()
            _one_line(info.value, str(folder / what).rstrip("/"), "permission denied")
    assert not (folder / "lock").exists()


@pytest.mark.reliability("fault", "an unreadable versions folder: one-line error for diff, merge and export")
def test_unreadable_versions_for_diff_and_merge(project):
    rel, folder = project
    (folder / "versions").chmod(0)
    with without_root():
        for call in (lambda: format_diff(folder), lambda: open_version(folder), lambda: open_version(folder / "versions"),
                     lambda: open_overlay(rel, folder, 1)):
            with pytest.raises(VersionError) as info:
                call()
            _one_line(info.value, "versions", "permission denied")


@pytest.mark.reliability("tamper", "a version line missing a key (hand edit with a matching checksum): one-line "
                                   "error naming the file; the project still opens, with a warning")
@pytest.mark.parametrize("key", ["rid", "op", "fields"])
def test_a_version_line_missing_a_key(project, key):
    rel, folder = project
    data_path, manifest_path = folder / "versions" / "v0001.jsonl", folder / "versions" / "v0001.json"
    lines = data_path.read_text(encoding="utf-8").splitlines()
    rec = json.loads(lines[1])
    if key == "fields":
        rec["op"], rec["fields"] = "edit", {"output": {"before": "a"}}  # no "after"
    else:
        del rec[key]
    lines[1] = json.dumps(rec, ensure_ascii=False)
    data = ("\n".join(lines) + "\n").encode()
    data_path.write_bytes(data)
    manifest = json.loads(manifest_path.read_text())
    manifest["xxh3"] = xxhash.xxh3_64_hexdigest(data)  # a consistent, but wrong, hand edit
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(VersionError) as info:
        open_overlay(rel, folder, 1)
    _one_line(info.value, str(data_path))
    with Curation.open(rel, folder) as c:  # opening still works; the problem is a warning
        assert any(str(data_path) in w for w in c.warnings)
