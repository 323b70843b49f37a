"""Every command-line failure is one line `error: ...` naming the file, exit 2, never a
traceback: damaged projects (real child processes), unreadable folders (in process: the
tests run as root, where mode 000 does not stop a read), and unexpected errors."""
from __future__ import annotations

import json
import os
import shutil

import pytest

from app.cli import main as cli
from app.core.store.curation import Curation
from app.core.curate.edits import EditField, Reject
from app.core.load.loader import load_release

from .cli_support import isolated_env, one_error_line, run_cli
from .curation_support import make_file

pytestmark = pytest.mark.reliability("check")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """A release with a project beside it: two commands, a saved version, one more command."""
    root = tmp_path_factory.mktemp("pristine")
    path = make_file(root)
    release = load_release(path)
    rids = release.frame["rid"].to_list()
    with Curation.open(release, author="审校员") as c:
        c.apply(EditField([rids[0]], "output", "新的回答"))
        c.apply(Reject([rids[1]], "重复"))
        c.save_version("v1")
        c.apply(Reject([rids[2]], "其他"))
    return root


@pytest.fixture()
def damaged(pristine, tmp_path):
    shutil.copytree(pristine, tmp_path / "r")
    path = tmp_path / "r" / "rel.jsonl"
    return path, tmp_path / "r" / "rel.jsonl.curation"


def _lines(p):
    return p.read_bytes().split(b"\n")


def _set_lines(p, lines):
    p.write_bytes(b"\n".join(lines))


def _journal_entry(project, n, edit):
    """Rewrite the n-th journal entry (1-based) with ``edit(record)``."""
    journal = project / "journal.jsonl"
    lines = _lines(journal)
    rec = json.loads(lines[n - 1])
    edit(rec)
    lines[n - 1] = json.dumps(rec, ensure_ascii=False).encode()
    _set_lines(journal, lines)


def _torn_middle(project):
    journal = project / "journal.jsonl"
    lines = _lines(journal)
    lines[2] = lines[2][:25]
    _set_lines(journal, lines)


def _garbage_middle(project):
    journal = project / "journal.jsonl"
    lines = _lines(journal)
    lines.insert(2, b"\x00\x00garbage\xff")
    _set_lines(journal, lines)


def _number_as_text(project):  # Polars would refuse it later, with a "Hint: ..." paragraph
    _journal_entry(project, 2, lambda r: r["rows"][0][0]["f"].update(output=5))


def _bad_rid(project):
    _journal_entry(project, 3, lambda r: r["rows"][0].__setitem__(1, ["zz89740582cdbc06"]))


def _bad_decision(project):
    _journal_entry(project, 3, lambda r: r["rows"][0][0].update(d="nope"))


def _journal_is_a_folder(project):
    (project / "journal.jsonl").unlink()
    (project / "journal.jsonl").mkdir()


def _versions_is_a_file(project):
    shutil.rmtree(project / "versions")
    (project / "versions").write_text("x")


def _manifest_is_a_list(project):
    (project / "versions" / "v0001.json").write_text("[1]")


def _project_json_garbage(project):
    (project / "project.json").write_bytes(b"\x89PNG garbage")


def _base_not_an_object(project):
    meta = json.loads((project / "project.json").read_text())
    meta["base"] = 5
    (project / "project.json").write_text(json.dumps(meta))


# what the error line says; and whether reading the latest state (export, stats) fails
# too, or only saving (a damaged versions folder does not hide the journal's state)
DAMAGES = {
    "torn journal line in the middle": (_torn_middle, "journal.jsonl line 3: damaged", True),
    "garbage journal line in the middle": (_garbage_middle, "journal.jsonl line 3: damaged", True),
    "journal record without rows": (lambda p: _journal_entry(p, 2, lambda r: r.pop("rows")),
                                    "journal.jsonl line 2: no 'rows' key", True),
    "a number where text belongs": (_number_as_text, "journal.jsonl line 2: output must be a string", True),
    "a row id that is not hex": (_bad_rid, "journal.jsonl line 3:", True),
    "an unknown decision": (_bad_decision, "journal.jsonl line 3: unknown decision 'nope'", True),
    "an undo with nothing to undo": (lambda p: _journal_entry(p, 2, lambda r: r.update(op="undo")),
                                     "journal.jsonl line 2: undo with nothing to undo", True),
    "journal.jsonl is a folder": (_journal_is_a_folder, "journal.jsonl: is a folder, not a file", True),
    "versions is a file": (_versions_is_a_file, "versions", False),
    "project.json garbage": (_project_json_garbage, "project.json", True),
    "project.json base not an object": (_base_not_an_object, "project.json", True),
}


@pytest.mark.reliability("tamper", "a damaged project: export, stats and save give one `error:` line naming the "
                                   "file (and line), exit 2, no traceback; nothing exported")
@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_project_is_one_error_line_naming_the_file(damaged, tmp_path, damage):
    path, project = damaged
    make, says, reads_fail = DAMAGES[damage]
    make(project)
    for args in (["export", path, "--out", tmp_path / "out.jsonl"], ["stats", path], ["save", path]):
        done = run_cli(tmp_path, *args)
        if args[0] != "save" and not reads_fail:  # said as a warning, and the state is read
            assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
            assert any(line.startswith("warning: ") and says in line for line in done.stderr.splitlines())
            continue
        line = one_error_line(done)
        assert says in line, (args[0], line)
        assert "Hint" not in line and "Traceback" not in line
    assert reads_fail != (tmp_path / "out.jsonl").exists()


@pytest.mark.reliability("tamper", "a damaged version manifest: one warning naming it, the state still exported")
def test_a_damaged_version_manifest_is_a_warning_naming_it(damaged, tmp_path):
    """A version whose manifest is damaged is left out, with a warning (the journal still
    holds the current state), as the app does."""
    path, project = damaged
    _manifest_is_a_list(project)
    done = run_cli(tmp_path, "export", path, "--out", tmp_path / "out.jsonl")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    warnings = [l for l in done.stderr.splitlines() if l.startswith("warning: ")]
    assert len(warnings) == 1 and "v0001.json is damaged (not a version manifest)" in warnings[0]


@pytest.mark.reliability("fault", "an unreadable journal or versions folder: one line naming it")
def test_unreadable_journal_and_versions_are_one_line(pristine, tmp_path, monkeypatch, capsys):
    """Mode 000 as a non-root user: the read raises PermissionError (simulated: root reads anyway)."""
    from app.core.store import journal, versions

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    path = pristine / "rel.jsonl"

    def no_read(self, *a, **k):
        raise PermissionError(13, "Permission denied", str(self.path))

    monkeypatch.setattr(journal.Journal, "read", no_read)
    assert cli.main(["export", str(path), "--out", str(tmp_path / "o.jsonl")]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {pristine / 'rel.jsonl.curation' / 'journal.jsonl'}: permission denied\n"
    monkeypatch.undo()

    real_listdir = os.listdir

    def no_list(folder):
        if str(folder).endswith("versions"):
            raise PermissionError(13, "Permission denied", str(folder))
        return real_listdir(folder)

    monkeypatch.setattr(versions.os, "listdir", no_list)
    assert cli.main(["stats", str(path)]) == 0  # the journal's state is still read, and the folder named
    assert f"warning: cannot read the versions folder {pristine / 'rel.jsonl.curation' / 'versions'}: permission denied" \
        in capsys.readouterr().err
    assert cli.main(["save", str(path), "--project", str(pristine / "rel.jsonl.curation")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "versions" in err and "permission denied" in err


@pytest.mark.reliability("fault", "an unexpected error: one `error: internal error` line; the traceback only with "
                                  "CQIA_DEBUG=1")
def test_an_unexpected_error_is_one_line_and_a_traceback_only_when_asked(pristine, tmp_path, monkeypatch, capsys):
    from app.core.export import exporter as export

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("CQIA_DEBUG", raising=False)

    def broken(*a, **k):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(export, "export_release", broken)
    args = ["export", str(pristine / "rel.jsonl"), "--out", str(tmp_path / "o.jsonl")]
    assert cli.main(args) == 2
    assert capsys.readouterr().err == "error: internal error: RuntimeError: boom second line (please report)\n"
    monkeypatch.setenv("CQIA_DEBUG", "1")
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("Traceback") and "RuntimeError: boom" in err
    assert err.rstrip("\n").splitlines()[-1] == "error: internal error: RuntimeError: boom second line (please report)"


@pytest.mark.reliability("check", "a usage mistake: one `error:` line")
@pytest.mark.parametrize("args", [["export"], ["export", "x.jsonl"], ["apply", "x.jsonl"], ["stats", "--nope", "x"],
                                  ["export", "x", "--out", "o", "--version", "one"], ["export", "x", "--no-project",
                                                                                       "--project", "p", "--out", "o"]])
def test_usage_errors_are_one_line_too(tmp_path, args):
    line = one_error_line(run_cli(tmp_path, *args, env=isolated_env(tmp_path)))
    assert "cqia-curator" in line or "--help" in line


@pytest.mark.reliability("check", "a missing or wrong path: one `error:` line")
def test_bad_input_paths_are_one_line(tmp_path):
    rel = make_file(tmp_path / "r")
    decisions = tmp_path / "d.jsonl"
    decisions.write_text('{"file": "rel.jsonl", "line": 1, "op": "accept"}\n')
    for args in (["export", tmp_path / "missing", "--out", tmp_path / "o.jsonl"],
                 ["export", rel, "--out", rel / "o.jsonl"],  # a file where a folder must be
                 ["apply", rel, decisions, "--project", rel],
                 ["diff", rel, "--project", tmp_path / "nope"],
                 ["merge", rel, "--theirs", tmp_path / "nope"]):
        one_error_line(run_cli(tmp_path, *args))
