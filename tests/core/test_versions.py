"""Saved versions: file format, manifests, parents, restore lines, diffs, atomic failure."""
from __future__ import annotations

import errno
import json
import os

import pytest

from app.core.io import atomic
from app.core.io.atomic import SaveError
from app.core.store.curation import Curation
from app.core.curate.edits import Accept, EditField, Reject, Restore, SetLabels
from app.core.load.schema import rid_hex
from app.core.store.versions import VersionError, format_diff

from .curation_support import content, load, make_tree


@pytest.fixture()
def cur(tmp_path):
    c = Curation.open(load(make_tree(tmp_path)), tmp_path / "p", author="ann")
    yield c
    c.close()


def lines_of(c: Curation, n: int) -> list[dict]:
    return [json.loads(l) for l in (c.store.folder / f"v{n:04d}.jsonl").read_text(encoding="utf-8").splitlines()]


def test_version_file_format(cur):
    f = cur.release.frame
    rids = f["rid"].to_list()
    cur.apply(Reject([rids[8]], "重复"))  # beta/b.jsonl line 2
    cur.apply(EditField([rids[1]], "output", "新，\n“引号”😀"))
    cur.apply(SetLabels([rids[0]], "domain", ["领域"]))
    cur.apply(Accept([rids[2]]))
    info = cur.save_version("第一版", author="ann")
    assert info.number == 1 and info.parents == () and info.message == "第一版"
    assert dict(info.counts) == {"edit": 2, "reject": 1, "accept": 1, "restore": 0} and info.rows == 4
    raw = (cur.store.folder / "v0001.jsonl").read_bytes()
    assert "重复".encode() in raw and b"\\u" not in raw  # Chinese unescaped
    recs = lines_of(cur, 1)
    assert [(r["file"], r["line"]) for r in recs] == [("alpha/a.jsonl", 1), ("alpha/a.jsonl", 2), ("alpha/a.jsonl", 3),
                                                      ("beta/b.jsonl", 2)]
    assert list(recs[0]) == ["rid", "file", "line", "op", "fields", "reason", "author", "time", "anchor"]
    cid, file, line, *lengths = recs[0]["anchor"]  # what lets the version follow its row
    assert len(cid) == 16 and (file, line) == ("alpha/a.jsonl", 1)
    assert lengths == [f["len_instruction"][0], f["len_input"][0], f["len_output"][0]]
    assert recs[0]["rid"] == rid_hex(rids[0]) and len(recs[0]["rid"]) == 16
    assert recs[0]["fields"] == {"domain": {"before": ["通用"], "after": ["领域"]}}
    assert recs[1]["fields"]["output"] == {"before": f["output"][1], "after": "新，\n“引号”😀"}
    assert recs[2]["op"] == "accept" and recs[2]["fields"] == {}
    assert recs[3]["op"] == "reject" and recs[3]["reason"] == "重复" and recs[3]["author"] == "ann"
    manifest = json.loads((cur.store.folder / "v0001.json").read_text(encoding="utf-8"))
    assert manifest["version"] == 1 and manifest["parents"] == [] and manifest["parent"] is None
    assert manifest["base"] == cur.release.identity() and manifest["message"] == "第一版"
    assert manifest["counts"] == dict(info.counts) and manifest["author"] == "ann" and manifest["time"]
    assert not cur.dirty


def test_parents_restore_lines_and_loading(cur):
    rids = cur.release.frame["rid"].to_list()
    cur.apply(Reject(rids[:2], "低质量"))
    cur.apply(EditField([rids[3]], "input", "补充"))
    v1 = content(cur.overlay)
    cur.save_version("v1")
    cur.author = "restorer"  # another curator clears the reject: the restore line is theirs
    cur.apply(Restore([rids[0]]))
    cur.apply(EditField([rids[4]], "output", "改"))
    assert cur.dirty
    info = cur.save_version("v2")
    assert info.parents == (1,) and info.counts["restore"] == 1
    restore = [r for r in lines_of(cur, 2) if r["op"] == "restore"]
    assert [r["rid"] for r in restore] == [rid_hex(rids[0])]
    assert restore[0]["author"] == "restorer" and restore[0]["time"] == info.time
    diff = {d.rid: d for d in cur.diff_versions(1, 2)}
    assert diff[rids[0]].new is None and diff[rids[0]].author == "restorer"
    cur.apply(Accept([rids[5]]))
    cur.save_version("v3")
    assert all(r["op"] != "restore" for r in lines_of(cur, 3))  # v2 did not reject it
    assert content(cur.load_version(1)) == v1
    assert content(cur.load_version(3)) == content(cur.overlay)
    assert len(cur.load_version(0)) == 0
    assert [v.number for v in cur.versions()] == [1, 2, 3]


def test_revert_to_version_is_an_undoable_command(cur):
    rids = cur.release.frame["rid"].to_list()
    cur.apply(Reject(rids[:2], "x"))
    cur.save_version("v1")
    cur.apply(EditField([rids[2]], "output", "later"))
    cur.apply(Restore([rids[0]]))
    now = content(cur.overlay)
    change = cur.revert_to_version(1)
    assert change.label == "Go back to version 1" and set(change.rids) == {rids[0], rids[2]}
    assert content(cur.overlay) == content(cur.load_version(1))
    cur.undo()
    assert content(cur.overlay) == now


def test_diff_and_format_diff(cur):
    rids = cur.release.frame["rid"].to_list()
    cur.apply(EditField([rids[0]], "output", "甲"))
    cur.apply(Reject([rids[1]], "重复"))
    cur.save_version("one")
    cur.apply(EditField([rids[0]], "output", "乙"))
    cur.apply(Restore([rids[1]]))
    cur.apply(Accept([rids[7]]))
    cur.save_version("two")
    diffs = cur.diff_versions(1, 2)
    assert [d.rid for d in diffs] == [rids[0], rids[1], rids[7]]
    assert diffs[0].fields == ["output"] and diffs[0].value("old", "output") == "甲" and diffs[0].value("new", "output") == "乙"
    assert diffs[1].new is None and diffs[1].old["op"] == "reject"
    text = format_diff(cur.project, 1, 2)
    assert text.startswith("v0001 -> v0002: 3 rows changed")
    assert "alpha/a.jsonl:1" in text and '- "甲"' in text and '+ "乙"' in text
    assert "reject (重复) -> untouched" in text and "beta/b.jsonl:1" in text and "untouched -> accept" in text
    full = format_diff(cur.project.folder)  # base -> latest
    assert full.startswith("base -> v0002: 2 rows changed") and "Hello" in full
    assert format_diff(cur.project.folder, 2, 2).startswith("v0002 -> v0002: 0 rows changed")


def test_format_diff_without_versions(cur):
    assert format_diff(cur.project) == "No versions saved yet.\n"


def test_tampered_version_is_detected(cur):
    cur.apply(Reject(cur.release.frame["rid"].to_list()[:1], "x"))
    cur.save_version("v1")
    path = cur.store.folder / "v0001.jsonl"
    path.write_bytes(path.read_bytes().replace(b'"x"', b'"y"'))
    with pytest.raises(VersionError, match="does not match"):
        cur.load_version(1)


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "disk is full"), (errno.EACCES, "permission denied"),
                                         (errno.EROFS, "read-only")])
@pytest.mark.parametrize("fail_on", [1, 2])  # the data file, or the manifest after it
def test_failed_save_leaves_memory_and_disk_untouched(cur, monkeypatch, code, words, fail_on):
    rids = cur.release.frame["rid"].to_list()
    cur.apply(Reject(rids[:1], "x"))
    cur.save_version("v1")
    cur.apply(EditField([rids[2]], "output", "未保存"))
    state, listing = content(cur.overlay), sorted(os.listdir(cur.store.folder))
    real, calls = atomic.write_all, []

    def failing(fd, data):
        calls.append(1)
        if len(calls) == fail_on:
            raise OSError(code, os.strerror(code))
        real(fd, data)

    monkeypatch.setattr(atomic, "write_all", failing)
    with pytest.raises(SaveError, match=words) as info:
        cur.save_version("v2")
    assert info.value.path.parent == cur.store.folder and words in str(info.value)
    assert content(cur.overlay) == state and cur.dirty and cur.last_version == 1
    assert sorted(os.listdir(cur.store.folder)) == listing  # no v0002 files, no temp files
    monkeypatch.setattr(atomic, "write_all", real)
    assert cur.save_version("v2").number == 2
    assert content(cur.load_version(2)) == state


def test_rows_the_base_lost_keep_their_locator(tmp_path):
    release = make_tree(tmp_path)
    rel = load(release)
    rid0 = rel.frame["rid"][0]
    c = Curation.open(rel, tmp_path / "p")
    c.apply(EditField([rid0], "output", "改"))
    c.save_version("v1")
    c.close()
    a = release / "alpha" / "a.jsonl"
    a.write_bytes(a.read_bytes().replace(b"Hello", b"Hallo", 1))
    c = Curation.open(load(release), tmp_path / "p")
    c.apply(Accept([c.release.frame["rid"][3]]))
    c.save_version("v2")  # the lost row's edit is kept, with its old place and before-value
    lost = [r for r in lines_of(c, 2) if r["rid"] == rid_hex(rid0)][0]
    assert (lost["file"], lost["line"]) == ("alpha/a.jsonl", 1)
    assert lost["fields"]["output"] == {"before": "Hello", "after": "改"}
    c.close()


def test_open_overlay_for_the_cli(tmp_path):
    from app.core.store.curation import open_overlay

    rel = load(make_tree(tmp_path))
    rids = rel.frame["rid"].to_list()
    with Curation.open(rel, tmp_path / "p") as c:
        c.apply(Reject(rids[:1], "x"))
        c.save_version("v1")
        c.apply(Accept(rids[1:2]))
        now, v1 = content(c.overlay), content(c.load_version(1))
        assert content(open_overlay(rel, tmp_path / "p")) == now  # while the writer holds the lock
    assert content(open_overlay(rel, tmp_path / "p", 1)) == v1
    assert len(open_overlay(rel, tmp_path / "p", 0)) == 0
    with pytest.raises(VersionError):
        open_overlay(rel, tmp_path / "p", 7)


def test_revert_one_change_to_the_version_before(cur):
    rids = cur.release.frame["rid"].to_list()
    cur.apply(EditField([rids[0]], "output", "v1 文本"))
    cur.save_version("v1")
    cur.apply(EditField([rids[0]], "output", "v2 文本"))
    cur.apply(Reject([rids[1]], "重复"))
    cur.save_version("v2")
    change = cur.revert_rows([rids[0]], to_version=1)  # undo v2's change to this row only
    assert change.label == "Revert 1 row to version 1"
    assert cur.overlay[rids[0]].fields["output"] == "v1 文本" and cur.overlay[rids[1]].status == "rejected"
    cur.revert_rows([rids[0], rids[1]])  # to the release
    assert len(cur.overlay) == 0
    cur.undo()
    assert cur.overlay[rids[0]].fields["output"] == "v1 文本"


def test_char_diff_marks_characters():
    from app.core.store.versions import char_diff

    ops = char_diff("今天天气很好。", "今天天气不好！")
    assert ops == [("equal", "今天天气"), ("delete", "很"), ("insert", "不"), ("equal", "好"), ("delete", "。"),
                   ("insert", "！")]
    assert "".join(t for op, t in ops if op != "insert") == "今天天气很好。"
    assert char_diff("", "新") == [("insert", "新")]
