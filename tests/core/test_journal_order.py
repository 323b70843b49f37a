"""The journal knows its project: every line carries the project id and a strictly
increasing sequence number. Duplicated, out-of-order and foreign lines (and lines missing a
key) are never replayed silently: the project opens read-only at the last good line, with
a message naming the line, and ``keep_good_records`` sets the rest aside and goes on."""
from __future__ import annotations

import json

import pytest

from app.core.store.curation import Curation, ReadOnlyError, open_overlay
from app.core.curate.edits import Accept, EditField, Reject
from app.core.store.journal import JournalError
from app.core.store.project import PROJECT_FILE

from tests.reliability import rounds

from .curation_support import content, load, make_tree
from .store_support import open_up, shared_dir, without_root

pytestmark = pytest.mark.reliability("check")


@pytest.fixture()
def rel(tmp_path):
    return load(make_tree(tmp_path))


def journal_lines(folder) -> list[bytes]:
    return (folder / "journal.jsonl").read_bytes().splitlines(keepends=True)


def _foreign_line(rel, folder) -> bytes:
    """The last line of another project's journal, with a sequence number high enough that
    only its project id gives it away."""
    rids = rel.frame["rid"].to_list()
    with Curation.open(rel, folder, author="other") as other:
        for i in range(8):
            other.apply(Reject([rids[3]], f"别处{i}"))
    return journal_lines(folder)[-1]


def _bad_journal(case, rel, tmp_path):
    """(lines of a damaged journal, index of the first bad line, the state of the good lines)."""
    rids = rel.frame["rid"].to_list()
    folder = tmp_path / "p"
    with Curation.open(rel, folder, author="ann") as c:
        c.apply(Reject([rids[0]], "一"))  # line 2 (line 1 is the "begin" line)
        a = content(c.overlay)
        c.apply(EditField([rids[1]], "output", "二"))  # line 3
        ab = content(c.overlay)
        c.apply(Reject([rids[2]], "三"))  # line 4
        abc = content(c.overlay)
        c.undo()  # line 5: ab
    good = journal_lines(folder)
    if case == "duplicated undo":  # replayed, it would undo the acknowledged edit of line 3 too
        return good + [good[4]], 5, ab
    if case == "duplicated apply":  # replayed, it would add a phantom undo step
        return good[:4] + [good[3]], 4, abc
    if case == "out of order":
        return good[:2] + [good[3], good[2]], 3, {**a, rids[2]: abc[rids[2]]}
    if case == "foreign":  # replayed, it would reject a row nobody here rejected
        return good[:4] + [_foreign_line(rel, tmp_path / "q")], 4, abc
    if case == "missing key":
        rec = json.loads(good[2])
        del rec["rows"]
        return good[:2] + [json.dumps(rec).encode() + b"\n"] + good[3:], 2, a
    if case == "damaged line":
        return good[:3] + [b"\x00garbage\n"] + good[3:], 3, ab
    raise AssertionError(case)


CASES = ["duplicated undo", "duplicated apply", "out of order", "foreign", "missing key", "damaged line"]


@pytest.mark.reliability("tamper", "a duplicated, out-of-order, foreign or damaged journal line: read-only at the "
                                   "last good line, named; nothing replayed silently; the rest set aside, never "
                                   "deleted")
@pytest.mark.parametrize("case", CASES)
def test_a_bad_line_opens_the_project_read_only_at_the_last_good_line(rel, tmp_path, case):
    lines, bad, expected = _bad_journal(case, rel, tmp_path)
    path = tmp_path / "p" / "journal.jsonl"
    path.write_bytes(b"".join(lines))
    c = Curation.open(rel, tmp_path / "p", author="ann")
    try:
        assert c.read_only and isinstance(c.journal_problem, JournalError)
        message = str(c.journal_problem)
        assert f"journal.jsonl line {bad + 1}:" in message and "\n" not in message, message
        assert message in c.read_only_reason and message in c.warnings
        assert content(c.overlay) == expected
        with pytest.raises(ReadOnlyError):
            c.apply(Accept(rel.frame["rid"].to_list()[6:7]))
        with pytest.raises(JournalError, match=f"line {bad + 1}"):
            open_overlay(rel, tmp_path / "p")  # the CLI never exports a silently cut state
        assert path.read_bytes() == b"".join(lines)  # nothing cut or rewritten yet
        aside = c.keep_good_records()  # the curator chose to keep the good state
        assert not c.read_only and c.journal_problem is None
        assert aside.parent == path.parent and aside.read_bytes() == b"".join(lines[bad:])
        assert path.read_bytes() == b"".join(lines[:bad])
        c.apply(Accept(rel.frame["rid"].to_list()[6:7]))
        after = content(c.overlay)
    finally:
        c.close()
    with Curation.open(rel, tmp_path / "p") as again:
        assert not again.read_only and content(again.overlay) == after
        assert aside.exists()  # never deleted


@pytest.mark.reliability("check", "keeping the good records needs the lock")
def test_keep_good_records_needs_the_lock(rel, tmp_path):
    lines, bad, expected = _bad_journal("duplicated undo", rel, tmp_path)
    (tmp_path / "p" / "journal.jsonl").write_bytes(b"".join(lines))
    first = Curation.open(rel, tmp_path / "p")
    second = Curation.open(rel, tmp_path / "p")
    try:
        assert second.journal_problem is not None and content(second.overlay) == expected
        with pytest.raises(ReadOnlyError, match="open for writing by"):
            second.keep_good_records()
        assert first.keep_good_records() is not None
    finally:
        second.close()
        first.close()


@pytest.mark.reliability("check", "every journal line carries the project id and the next sequence number")
def test_every_line_carries_the_project_id_and_the_next_sequence_number(rel, tmp_path):
    rids = rel.frame["rid"].to_list()
    with Curation.open(rel, tmp_path / "p") as c:
        c.apply(Reject(rids[:2], "x"))
        c.undo()
        c.redo()
        c.save_version("v1")
        pid = c.project.meta["id"]
    recs = [json.loads(l) for l in journal_lines(tmp_path / "p")]
    assert [r["op"] for r in recs] == ["begin", "apply", "undo", "redo", "version"]
    assert [r["project"] for r in recs] == [pid] * 5 and [r["seq"] for r in recs] == [1, 2, 3, 4, 5]


@pytest.mark.reliability("check", "compaction keeps the id and sequence rules")
def test_compaction_keeps_the_id_and_sequence_rules(rel, tmp_path):
    rids = rel.frame["rid"].to_list()
    with Curation.open(rel, tmp_path / "p") as c:
        for i in range(6):
            c.apply(Reject([rids[i]], f"r{i}"))
        c.undo()
        c.save_version("v1")
        before = max(json.loads(l)["seq"] for l in journal_lines(tmp_path / "p"))
        expect = content(c.overlay)
        c.compact(keep_undo=2)
        c.apply(Accept([rids[7]]))
        expect_after, pid = content(c.overlay), c.project.meta["id"]
    recs = [json.loads(l) for l in journal_lines(tmp_path / "p")]
    seqs = [r["seq"] for r in recs]
    assert all(r["project"] == pid for r in recs)
    assert seqs == sorted(set(seqs)) and seqs[0] > before  # a pre-compaction line can never fit in
    with Curation.open(rel, tmp_path / "p") as again:
        assert again.journal_problem is None and content(again.overlay) == expect_after
        again.undo()
        assert content(again.overlay) == expect


@pytest.mark.reliability("tamper", "an old line without ids after one with an id stops replay there")
def test_an_old_journal_without_ids_is_accepted_before_the_first_line_with_one(rel, tmp_path):
    rids = rel.frame["rid"].to_list()
    with Curation.open(rel, tmp_path / "p") as c:
        c.apply(Reject(rids[:1], "旧"))
        c.apply(EditField([rids[1]], "output", "旧的修改"))
        old_state = content(c.overlay)
    # as the previous release of the app wrote them: no id in project.json or on any line
    meta_path = tmp_path / "p" / PROJECT_FILE
    meta = json.loads(meta_path.read_text())
    del meta["id"]
    meta_path.write_text(json.dumps(meta))
    old = []
    for line in journal_lines(tmp_path / "p"):
        rec = json.loads(line)
        del rec["project"]
        if rec["op"] == "begin":
            del rec["seq"]
        old.append(json.dumps(rec, ensure_ascii=False).encode() + b"\n")
    (tmp_path / "p" / "journal.jsonl").write_bytes(b"".join(old))
    with Curation.open(rel, tmp_path / "p") as c:
        assert c.journal_problem is None and content(c.overlay) == old_state
        c.apply(Accept(rids[2:3]))
        pid = c.project.meta["id"]
        state = content(c.overlay)
    last = json.loads(journal_lines(tmp_path / "p")[-1])
    assert last["project"] == pid and last["seq"] == 4
    with Curation.open(rel, tmp_path / "p") as c:
        assert c.journal_problem is None and content(c.overlay) == state
    # an old line after one with an id: a second, older app still writing, or a stray copy
    with open(tmp_path / "p" / "journal.jsonl", "ab") as fh:
        fh.write(json.dumps({"op": "undo", "seq": 9, "time": "t"}).encode() + b"\n")
    with Curation.open(rel, tmp_path / "p") as c:
        assert c.read_only and "line 5" in str(c.journal_problem) and content(c.overlay) == state


@pytest.mark.reliability("fault", "an unreadable journal is one clear error; no lock kept")
def test_an_unreadable_journal_is_a_clear_error(rel):
    with shared_dir() as top:
        release = make_tree(top)
        rel = load(release)
        with Curation.open(rel, top / "p") as c:
            c.apply(Reject(rel.frame["rid"].to_list()[:1], "x"))
        open_up(top)
        (top / "p" / "journal.jsonl").chmod(0)
        with without_root():
            with pytest.raises(JournalError, match="journal.jsonl.*permission denied") as info:
                Curation.open(rel, top / "p")
        assert "\n" not in str(info.value)
        assert not (top / "p" / "lock").exists()  # a failed open keeps no lock


# ---- any duplicated, moved or foreign line is caught, where it first shows -------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from app.core.store.journal import replay  # noqa: E402


@pytest.fixture(scope="module")
def journal_records(tmp_path_factory):
    """A real session's journal (applies, undos, redos, a version) and a foreign line."""
    tmp = tmp_path_factory.mktemp("session")
    rel = load(make_tree(tmp))
    rids = rel.frame["rid"].to_list()
    with Curation.open(rel, tmp / "p", author="ann") as c:
        for i in range(12):
            c.apply(Reject([rids[i % 9]], f"r{i}") if i % 3 else EditField([rids[i % 9]], "output", f"改{i}"))
            if i % 4 == 3:
                c.undo()
            if i % 5 == 4 and c.can_redo:
                c.redo()
            if i == 6:
                c.save_version("v1")
        pid = c.project.meta["id"]
    records = [json.loads(line) for line in journal_lines(tmp / "p")]
    foreign = {**records[-1], "project": "0" * 32}
    return records, pid, foreign


@pytest.mark.reliability("tamper", "any duplicated, moved or foreign journal line is caught where the order first "
                                   "breaks (or sooner); the state up to it is exactly the good lines' state")
@settings(max_examples=rounds(300), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_mutation_of_the_journal_is_replayed_silently(journal_records, data, tally):
    records, pid, foreign = journal_records
    tally.add(rounds=1, tamper_cases=1)  # each example is one mutated journal
    n = len(records)
    kind = data.draw(st.sampled_from(["duplicate", "move", "foreign"]))
    i = data.draw(st.integers(0, n - 1))
    if kind == "duplicate":
        j = data.draw(st.integers(i + 1, n))  # the copy lands later in the file
        bad = records[:j] + [records[i]] + records[j:]
        first_bad = j
    elif kind == "move":
        j = data.draw(st.integers(0, n - 1).filter(lambda j: j != i))
        bad = list(records)
        bad.insert(j, bad.pop(i))
        # the first position whose line is no longer the one that belonged there, and is
        # not the next one either, is where the order first breaks
        first_bad = next(k for k in range(n) if bad[k]["seq"] <= max([0] + [r["seq"] for r in bad[:k]]))
    else:
        j = data.draw(st.integers(0, n))
        bad = records[:j] + [foreign] + records[j:]
        first_bad = j
    got = replay(bad, project=pid)
    # caught where the order breaks, or sooner (a moved undo may have nothing to undo)
    assert got.problem is not None and got.count <= first_bad
    assert f"line {got.count + 1}:" in str(got.problem)
    good = replay(bad[:got.count], project=pid)
    assert good.problem is None and good.overlay == got.overlay and good.seq == got.seq
    assert [c.label for c in good.history.undo_stack] == [c.label for c in got.history.undo_stack]
