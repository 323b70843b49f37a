"""The review-session log is one of the project's own files: a folder holding it is still
a project folder, and it goes along when the project moves."""
from __future__ import annotations

from app.core.store import review_session
from app.core.store.curation import Curation
from app.core.curate.edits import Accept
from app.core.store.project import REVIEWS_FILE, copy_side_files

from .curation_support import load, make_tree

F = review_session.RECORD_FORMAT
LOG = (f'{{"format": "{F}", "view": "", "accepted": 3}}\n'
       f'{{"format": "{F}", "view": "search: x", "accepted": 1}}\n').encode()


def test_the_log_name_is_the_one_review_sessions_write():
    assert REVIEWS_FILE == review_session.REVIEWS_FILE == "reviews.jsonl"


def test_a_folder_with_only_project_files_and_the_log_is_not_foreign(tmp_path):
    rel = load(make_tree(tmp_path))
    folder = tmp_path / "p.curation"
    folder.mkdir()
    (folder / REVIEWS_FILE).write_bytes(LOG)  # project.json lost, the log survived
    (folder / "journal.jsonl").write_bytes(b"")
    with Curation.open(rel, folder) as c:
        assert not c.read_only and (folder / "project.json").is_file()
    assert (folder / REVIEWS_FILE).read_bytes() == LOG


def test_copy_side_files_copies_the_log_and_skips_what_is_missing(tmp_path):
    src, dst, empty = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for d in (src, dst, empty):
        d.mkdir()
    (src / REVIEWS_FILE).write_bytes(LOG)
    (dst / REVIEWS_FILE).write_bytes(b"old\n")
    assert copy_side_files(src, dst) == [REVIEWS_FILE]
    assert (dst / REVIEWS_FILE).read_bytes() == LOG and (src / REVIEWS_FILE).read_bytes() == LOG
    assert copy_side_files(empty, tmp_path / "d") == [] and not (tmp_path / "d").exists()


def test_moved_project_keeps_its_review_log(tmp_path):
    rel = load(make_tree(tmp_path))
    old, new = tmp_path / "old.curation", tmp_path / "new.curation"
    with Curation.open(rel, old) as c:
        c.apply(Accept((int(rel.frame["rid"][0]),)))
        (old / REVIEWS_FILE).write_bytes(LOG)
        c.move_to(new)
        copy_side_files(old, c.project.folder)
        assert c.project.folder == new
    assert (new / REVIEWS_FILE).read_bytes() == LOG
    assert review_session.ReviewLog(new).last()["view"] == "search: x"
