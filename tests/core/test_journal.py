"""The write-ahead journal: durable before return, exact replay, torn tails, compaction."""
from __future__ import annotations

import errno
import os
import shutil

import pytest

from app.core.store import journal as journal_mod
from app.core.io.atomic import SaveError
from app.core.store.curation import Curation, ReadOnlyError
from app.core.curate.edits import Accept, EditField, Reject, Restore, SetLabels
from app.core.store.journal import Journal, JournalError

from .curation_support import content, load, make_tree


@pytest.fixture()
def rel(tmp_path):
    return load(make_tree(tmp_path))


def stacks(c: Curation):
    return ([ch.label for ch in c.history.undo_stack], [ch.label for ch in c.history.redo_stack])


def session(c: Curation):
    rids = c.release.frame["rid"].to_list()
    c.apply(EditField([rids[0]], "output", "第一\n\"引号\" 和 \\ 反斜杠 😀"))
    c.apply(Reject(rids[1:5], "重复"))
    c.apply(SetLabels(rids[3:7], "task_minor", ["新类"]))
    c.apply(Accept(rids[:2]))
    c.undo()
    c.undo()
    c.redo()
    c.apply(Restore(rids[2:3]))
    c.apply(EditField(rids[5:8], "input", "新输入"))
    top = content(c.overlay)
    c.undo()
    return top


def test_replay_rebuilds_overlay_and_both_stacks(rel, tmp_path):
    c = Curation.open(rel, tmp_path / "p", author="ann")
    top = session(c)
    expect, expect_stacks = content(c.overlay), stacks(c)
    by_at = {r: (s.by, s.at) for r, s in c.overlay.items()}
    c.close()
    again = Curation.open(rel, tmp_path / "p")
    assert content(again.overlay) == expect and stacks(again) == expect_stacks
    assert {r: (s.by, s.at) for r, s in again.overlay.items()} == by_at
    # the rebuilt stacks work: undo everything, then redo everything
    while again.can_undo:
        again.undo()
    assert len(again.overlay) == 0
    while again.can_redo:
        again.redo()
    assert content(again.overlay) == top
    again.close()


def test_each_action_is_on_disk_when_apply_returns(rel, tmp_path):
    c = Curation.open(rel, tmp_path / "p")
    rids = rel.frame["rid"].to_list()
    for i, rid in enumerate(rids[:4]):
        c.apply(Reject([rid], f"r{i}"))
        text = Journal(tmp_path / "p").read()  # an independent reader
        assert [r["op"] for r in text.records].count("apply") == i + 1 and not text.warnings
    c.undo()
    assert Journal(tmp_path / "p").read().records[-1]["op"] == "undo"
    c.close()


def test_torn_last_line_is_ignored_with_a_warning_and_cut_off(rel, tmp_path):
    c = Curation.open(rel, tmp_path / "p")
    rids = rel.frame["rid"].to_list()
    c.apply(Reject(rids[:2], "重复"))
    expect = content(c.overlay)
    c.close()
    path = tmp_path / "p" / "journal.jsonl"
    good = path.read_bytes()
    with open(path, "ab") as fh:  # a crash in the middle of writing the next line
        fh.write(b'{"op":"apply","seq":2,"rows":{"00000000000000ff":{"d":"rej')
    c = Curation.open(rel, tmp_path / "p")
    assert content(c.overlay) == expect
    assert any("incomplete last entry" in w for w in c.warnings)
    assert path.read_bytes() == good  # cut back before anything new is appended
    c.apply(Accept(rids[2:3]))
    c.close()
    c = Curation.open(rel, tmp_path / "p")
    assert not c.warnings and len(c.overlay) == 3
    c.close()


def test_unparseable_complete_last_line_is_also_torn(rel, tmp_path):
    c = Curation.open(rel, tmp_path / "p")
    c.apply(Reject(rel.frame["rid"].to_list()[:1], "x"))
    c.close()
    with open(tmp_path / "p" / "journal.jsonl", "ab") as fh:
        fh.write(b"\x00\x00\x00\n")  # zero-filled tail after a power cut
    c = Curation.open(rel, tmp_path / "p")
    assert len(c.overlay) == 1 and c.warnings
    c.close()


def test_damage_in_the_middle_stops_the_records_there(rel, tmp_path):
    c = Curation.open(rel, tmp_path / "p")
    rids = rel.frame["rid"].to_list()
    c.apply(Reject(rids[:1], "x"))
    c.apply(Reject(rids[1:2], "y"))
    c.close()
    path = tmp_path / "p" / "journal.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    lines[1] = b"garbage\n"
    path.write_bytes(b"".join(lines))
    text = Journal(tmp_path / "p").read()
    assert isinstance(text.problem, JournalError) and "journal.jsonl line 2: damaged" in str(text.problem)
    assert [r["op"] for r in text.records] == ["begin"] and text.good == len(lines[0])


@pytest.mark.parametrize("keep", [None, 2])
def test_compaction_keeps_state_and_kept_undo_steps(rel, tmp_path, keep):
    c = Curation.open(rel, tmp_path / "p")
    session(c)
    c.save_version("v1")
    expect, (undo, redo) = content(c.overlay), stacks(c)
    c.compact(keep_undo=keep)
    assert content(c.overlay) == expect
    c.close()
    kept = undo if keep is None else undo[-keep:]
    assert len((tmp_path / "p" / "journal.jsonl").read_bytes().splitlines()) == 2 + len(kept) + 2 * len(redo)
    again = Curation.open(rel, tmp_path / "p")
    assert content(again.overlay) == expect and stacks(again) == (kept, redo)
    assert again.last_version == 1 and not again.dirty
    for _ in kept:
        again.undo()
    assert not again.can_undo
    again.close()


def test_failed_append_changes_nothing(rel, tmp_path, monkeypatch):
    c = Curation.open(rel, tmp_path / "p")
    rids = rel.frame["rid"].to_list()
    c.apply(Reject(rids[:1], "x"))
    before, size = content(c.overlay), c.journal.path.stat().st_size
    real = journal_mod.write_all

    def half_then_full(fd, data):
        real(fd, bytes(data)[: len(data) // 2])  # part of the line reaches the file
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(journal_mod, "write_all", half_then_full)
    with pytest.raises(SaveError, match="disk is full") as info:
        c.apply(Accept(rids[1:3]))
    assert info.value.path == c.journal.path
    assert content(c.overlay) == before and c.undo_label == "Reject 1 row: x"
    assert c.journal.path.stat().st_size == size  # the partial line was cut off
    monkeypatch.setattr(journal_mod, "write_all", real)
    c.apply(Accept(rids[1:3]))
    c.close()
    again = Curation.open(rel, tmp_path / "p")
    assert len(again.overlay) == 3 and not again.warnings
    again.close()


def test_deleted_project_folder_is_noticed(rel, tmp_path):
    c = Curation.open(rel, tmp_path / "p")
    rids = rel.frame["rid"].to_list()
    c.apply(Reject(rids[:1], "x"))
    before = content(c.overlay)
    shutil.rmtree(tmp_path / "p")
    with pytest.raises(SaveError, match="deleted"):
        c.apply(Accept(rids[1:2]))
    assert content(c.overlay) == before
    c.close()


def test_second_opener_is_read_only_but_sees_the_state(rel, tmp_path):
    first = Curation.open(rel, tmp_path / "p", author="ann")
    first.apply(Reject(rel.frame["rid"].to_list()[:2], "重复"))
    second = Curation.open(rel, tmp_path / "p", author="bob")
    assert second.read_only and "process" in second.read_only_reason
    assert second.lock_holder.pid == os.getpid() and first.lock_holder is None
    assert content(second.overlay) == content(first.overlay)
    with pytest.raises(ReadOnlyError):
        second.apply(Accept(rel.frame["rid"].to_list()[3:4]))
    with pytest.raises(ReadOnlyError):
        second.save_version("nope")
    second.close()
    first.close()


def test_a_line_that_could_not_be_cut_back_stops_appending(rel, tmp_path, monkeypatch):
    """A failed write whose partial line cannot be cut off: appending after it would put
    a line with the same sequence number behind it, so the journal stops taking lines."""
    c = Curation.open(rel, tmp_path / "p")
    rids = rel.frame["rid"].to_list()
    c.apply(Reject(rids[:1], "x"))
    real_write, real_truncate = journal_mod.write_all, journal_mod.os.ftruncate

    def half(fd, data):
        real_write(fd, bytes(data)[: len(data) // 2])
        raise OSError(errno.EIO, "Input/output error")

    def no_truncate(fd, size):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(journal_mod, "write_all", half)
    monkeypatch.setattr(journal_mod.os, "ftruncate", no_truncate)
    with pytest.raises(SaveError, match="input/output"):
        c.apply(Accept(rids[1:2]))
    monkeypatch.setattr(journal_mod, "write_all", real_write)
    monkeypatch.setattr(journal_mod.os, "ftruncate", real_truncate)
    with pytest.raises(SaveError, match="not open for writing"):
        c.apply(Accept(rids[2:3]))
    assert len(c.overlay) == 1
    c.close()
    again = Curation.open(rel, tmp_path / "p")  # the half line is a torn tail, cut off
    assert len(again.overlay) == 1 and again.journal_problem is None and any("incomplete" in w for w in again.warnings)
    again.apply(Accept(rids[2:3]))
    again.close()
