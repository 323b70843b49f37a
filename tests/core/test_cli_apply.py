"""`apply` and `save`: scripted decisions as one undoable, journaled command, exactly as
if done in the app; all or nothing; the project lock honoured. Real child processes."""
from __future__ import annotations

import json
import os

import pytest

from app.core.store.curation import Curation
from app.core.curate.edits import Accept, EditField, Reject, Restore, SetLabels
from app.core.load.loader import load_release
from app.core.store.journal import Journal

from .cli_support import HeldProject, isolated_env, one_error_line, run_cli
from .curation_support import content, make_tree


def _write(path, lines):
    path.write_text("".join((l if isinstance(l, str) else json.dumps(l, ensure_ascii=False)) + "\n" for l in lines),
                    encoding="utf-8")
    return path


def _no_display(home):
    env = isolated_env(home)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(name, None)
    return env


@pytest.fixture()
def tree(tmp_path):
    root = make_tree(tmp_path)
    return root, load_release(root)


def test_apply_is_one_undoable_command_as_in_the_app(tmp_path, tree):
    root, release = tree
    frame = release.frame
    rows = frame.select("rid", "file", "line").rows()
    with Curation.open(release, author="审校员") as c:  # the app rejected row 4 earlier
        c.apply(Reject([rows[4][0]], "低质量"))
        before = content(c.overlay)
        folder = c.project.folder
    decisions = _write(tmp_path / "dedup.jsonl", [
        {"file": rows[0][1], "line": rows[0][2], "op": "reject", "reason": "重复"},
        {"rid": f"{rows[1][0]:016x}", "op": "accept"},
        {"rid": f"{rows[2][0]:016X}", "op": "edit", "fields": {"output": "新的回答", "domain": ["数学", "教育"]}},
        "",
        {"file": rows[4][1], "line": rows[4][2], "op": "restore"},
        {"rid": f"{rows[3][0]:016x}", "op": "edit", "fields": {"task_major": []}},
    ])
    journal_lines = len((folder / "journal.jsonl").read_bytes().splitlines())

    done = run_cli(tmp_path, "apply", root, decisions, env=_no_display(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "5 decisions" in done.stdout and str(folder) in done.stdout

    records = Journal(folder).read().records
    assert len(records) == journal_lines + 1 and records[-1]["cmd"]["kind"] == "ApplyDecisions"
    with Curation.open(release, author="审校员") as c:  # what the app sees when it opens
        # the same decisions done with the app's own commands, one by one, in another project
        with Curation.open(release, tmp_path / "by-hand.curation", author="审校员") as hand:
            hand.apply(Reject([rows[4][0]], "低质量"))
            hand.apply(Reject([rows[0][0]], "重复"))
            hand.apply(Accept([rows[1][0]]))
            hand.apply(EditField([rows[2][0]], "output", "新的回答"))
            hand.apply(SetLabels([rows[2][0]], "domain", ("数学", "教育")))
            hand.apply(Restore([rows[4][0]]))
            hand.apply(SetLabels([rows[3][0]], "task_major", ()))
            assert content(c.overlay) == content(hand.overlay)
        assert c.overlay[rows[0][0]].reason == "重复" and rows[4][0] not in c.overlay
        assert c.undo_label.startswith("Apply 5 decisions from dedup.jsonl")
        c.undo()  # Ctrl+Z takes the whole file back in one step
        assert content(c.overlay) == before
        c.redo()
        assert c.overlay[rows[1][0]].status == "accepted"


def test_two_lines_naming_one_row_apply_in_order(tmp_path, tree):
    root, release = tree
    rid = f"{release.frame['rid'][0]:016x}"
    decisions = _write(tmp_path / "d.jsonl", [
        {"rid": rid, "op": "edit", "fields": {"output": "改"}},
        {"rid": rid, "op": "reject", "reason": "事实错误"},
        {"rid": rid, "op": "restore"},
        {"rid": rid, "op": "accept"},
    ])
    assert run_cli(tmp_path, "apply", root, decisions).returncode == 0
    with Curation.open(release, read_only=True) as c:
        state = c.overlay[release.frame["rid"][0]]
    assert (state.decision, state.reason, dict(state.fields)) == ("accepted", None, {"output": "改"})


@pytest.mark.parametrize("bad, why", [
    ('{"rid": "00000000000000ff", "op": "accept"}', "no row with rid 00000000000000ff"),
    ('{"file": "alpha/a.jsonl", "line": 5, "op": "accept"}', "no row at alpha/a.jsonl:5"),  # the loader's bad line
    ('{"file": "nope.jsonl", "line": 1, "op": "accept"}', "no row at nope.jsonl:1"),
    ('{"rid": "12", "op": "accept"}', "rid must be 16 hex digits"),
    ('{"file": "alpha/a.jsonl", "op": "accept"}', "give either"),
    ('{"rid": "00000000000000ff", "file": "alpha/a.jsonl", "line": 1, "op": "accept"}', "give either"),
    ('{"file": "alpha/a.jsonl", "line": 1, "op": "drop"}', "unknown op 'drop'"),
    ('{"file": "alpha/a.jsonl", "line": 1}', "no op"),
    ('{"file": "alpha/a.jsonl", "line": 1, "op": "edit"}', "edit needs fields"),
    ('{"file": "alpha/a.jsonl", "line": 1, "op": "edit", "fields": {"metadata": "x"}}', "'metadata' cannot be edited"),
    ('{"file": "alpha/a.jsonl", "line": 1, "op": "edit", "fields": {"domain": "数学"}}', "domain must be a list"),
    ('{"file": "alpha/a.jsonl", "line": 1, "op": "edit", "fields": {"output": 5}}', "output must be a string"),
    ('{"file": "alpha/a.jsonl", "line": 1, "op": "accept", "reason": "x"}', "reason"),
    ('{"file": "alpha/a.jsonl", "line": 1, "op": "reject", "reasn": "x"}', "unknown key 'reasn'"),
    ('{"file": "alpha/a.jsonl", "line": true, "op": "accept"}', "line must be"),
    ('{"file": "alpha/a.jsonl", "line": 1, "op": "reject"', "invalid JSON"),
    ('["reject"]', "not a JSON object"),
])
def test_a_bad_line_refuses_the_whole_file_naming_the_line(tmp_path, tree, bad, why):
    root, release = tree
    good = {"file": "alpha/a.jsonl", "line": 1, "op": "reject", "reason": "重复"}
    decisions = _write(tmp_path / "d.jsonl", [good, good, bad])
    with Curation.open(release) as c:
        c.apply(Accept([release.frame["rid"][3]]))
        journal = c.journal.path.read_bytes()
    done = run_cli(tmp_path, "apply", root, decisions)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    first = done.stderr.splitlines()[0]
    assert first.startswith("d.jsonl:3: ") and why in first, done.stderr
    assert "nothing was applied" in done.stderr
    assert c.journal.path.read_bytes() == journal


def test_a_refused_file_creates_no_project_and_lists_every_bad_line(tmp_path, tree):
    root, _ = tree
    decisions = _write(tmp_path / "d.jsonl", ['{"op": "accept"}', "{", '{"rid": "00000000000000ff", "op": "accept"}'])
    done = run_cli(tmp_path, "apply", root, decisions)
    assert done.returncode == 1
    assert [l.split(":")[1] for l in done.stderr.splitlines()[:3]] == ["1", "2", "3"]
    assert not (root.parent / "release.curation").exists()


def test_apply_creates_the_project_where_the_app_would(tmp_path, tree):
    root, release = tree
    decisions = _write(tmp_path / "d.jsonl", [{"file": "beta/b.jsonl", "line": 2, "op": "reject", "reason": "其他"}])
    done = run_cli(tmp_path, "apply", root, decisions, "--author", "王五")
    assert done.returncode == 0, done.stderr
    assert "created a new curation project" in done.stderr
    with Curation.open(release, root.parent / "release.curation", read_only=True) as c:
        assert [(s.reason, s.by) for s in c.overlay.values()] == [("其他", "王五")]
    saved = run_cli(tmp_path, "save", root, "--author", "王五")
    assert saved.returncode == 0 and "created" not in saved.stderr
    manifest = json.loads((root.parent / "release.curation" / "versions" / "v0001.json").read_text(encoding="utf-8"))
    assert manifest["author"] == "王五"


def test_apply_and_save_honour_the_lock(tmp_path, tree):
    root, release = tree
    decisions = _write(tmp_path / "d.jsonl", [{"file": "beta/b.jsonl", "line": 1, "op": "accept"}])
    with HeldProject(root) as held:
        journal = (held.folder / "journal.jsonl").read_bytes()
        for args in (["apply", root, decisions], ["save", root, "-m", "x"]):
            line = one_error_line(run_cli(tmp_path, *args))
            assert line.startswith("error: the project is open for writing by "), line
            assert f"(process {held.proc.pid} on " in line
        assert (held.folder / "journal.jsonl").read_bytes() == journal
        assert not (held.folder / "versions").exists()
    assert run_cli(tmp_path, "apply", root, decisions).returncode == 0  # once the app closed it


def test_save_prints_the_new_version_number(tmp_path, tree):
    root, release = tree
    line = one_error_line(run_cli(tmp_path, "save", root))
    assert "no curation project" in line and not (root.parent / "release.curation").exists()

    decisions = _write(tmp_path / "d.jsonl", [{"file": "alpha/a.jsonl", "line": 1, "op": "reject", "reason": "重复"}])
    assert run_cli(tmp_path, "apply", root, decisions).returncode == 0
    first = run_cli(tmp_path, "save", root, "-m", "去重", env=_no_display(tmp_path))
    assert first.returncode == 0, first.stderr
    assert first.stdout == "1\n"
    folder = root.parent / "release.curation"
    manifest = json.loads((folder / "versions" / "v0001.json").read_text(encoding="utf-8"))
    assert manifest["message"] == "去重" and manifest["counts"]["reject"] == 1
    assert run_cli(tmp_path, "save", root, "--project", folder).stdout == "2\n"
    diff = run_cli(tmp_path, "diff", root, "--from", "0", "--to", "1")
    assert diff.returncode == 0 and "reject (重复)" in diff.stdout
    with Curation.open(release, read_only=True) as c:
        assert c.last_version == 2 and not c.dirty


def test_apply_reads_a_decisions_file_it_cannot_open_as_an_error(tmp_path, tree):
    root, _ = tree
    line = one_error_line(run_cli(tmp_path, "apply", root, tmp_path / "missing.jsonl"))
    assert "missing.jsonl" in line
    os.mkdir(tmp_path / "folder.jsonl")
    assert "folder.jsonl" in one_error_line(run_cli(tmp_path, "apply", root, tmp_path / "folder.jsonl"))
