"""The app and the command line work on one project: the app opens the project the
command line finds (one rule, app/core/locate.py), and shows what `apply` did as one
undoable step."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QStandardPaths

from app.core import locate
from app.core.curation import Curation
from app.core.edits import Reject
from app.core.loader import load_release
from app.core.project import fallback_project_dir
from app.ui.curation_ctl import CurationCtl, app_project_dir, remember_project_dir


def test_the_core_knows_the_app_data_folder_qt_uses(app_env):
    """The demo release's project lives in Qt's AppDataLocation; the core computes the same
    folder without Qt (outside Qt's test mode, which redirects it)."""
    QStandardPaths.setTestModeEnabled(False)
    try:
        qt = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    finally:
        QStandardPaths.setTestModeEnabled(True)
    assert qt == locate.app_data_dir()


def _release(tmp_path: Path):
    path = tmp_path / "rel" / "r.jsonl"
    path.parent.mkdir()
    path.write_text('{"instruction": "问", "output": "答"}\n{"instruction": "问2", "output": "答2"}\n', encoding="utf-8")
    return load_release(path)


def test_the_app_opens_an_existing_fallback_project_as_the_command_line_finds_it(app_env, tmp_path):
    release = _release(tmp_path)
    spare = fallback_project_dir(release)
    with Curation.open(release, spare) as c:
        c.apply(Reject([release.frame["rid"][0]], "重复"))
    assert locate.locate_project(release).folder == spare
    assert app_project_dir(release) == spare
    ctl = CurationCtl(None, follow_session=False)
    try:
        opened = ctl.open(release)
        assert opened is not None and opened.project.folder == spare and len(opened.overlay) == 1
    finally:
        ctl.close()
    assert not (release.paths[0].parent / "r.jsonl.curation").exists()


def test_a_folder_the_app_remembers_is_where_the_core_looks(app_env, tmp_path):
    release = _release(tmp_path)
    chosen = tmp_path / "moved.curation"
    chosen.mkdir()
    remember_project_dir(release, chosen)
    assert locate.locate_project(release).folder == chosen == app_project_dir(release)


def test_a_damaged_journal_is_said_in_words_not_raised(app_env, tmp_path):
    release = _release(tmp_path)
    with Curation.open(release) as c:
        c.apply(Reject([release.frame["rid"][0]], "重复"))
        journal = c.journal.path
    lines = journal.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b'"rows"', b'"rowz"')
    journal.write_bytes(b"\n".join(lines))
    ctl = CurationCtl(None, follow_session=False)
    said = []
    ctl.error.connect(said.append)
    try:
        assert ctl.open(release) is None
    finally:
        ctl.close()
    assert len(said) == 1 and "journal.jsonl: entry 2 is damaged: no 'rows'" in said[0]


def test_what_apply_did_is_one_step_the_app_shows_and_undoes(app_env, tmp_path):
    release = _release(tmp_path)
    rids = release.frame["rid"].to_list()
    decisions = tmp_path / "d.jsonl"
    decisions.write_text(json.dumps({"file": "r.jsonl", "line": 1, "op": "reject", "reason": "重复"}) + "\n"
                         + json.dumps({"rid": f"{rids[1]:016x}", "op": "edit", "fields": {"output": "新"}}) + "\n",
                         encoding="utf-8")
    project = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(project)}  # the same config and data folders as this app
    done = subprocess.run([sys.executable, "-m", "app", "apply", str(release.paths[0]), str(decisions)], cwd=project,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    ctl = CurationCtl(None, follow_session=False)
    try:
        c = ctl.open(release)
        assert c is not None and c.project.folder == release.paths[0].parent / "r.jsonl.curation"
        assert c.overlay[rids[0]].reason == "重复" and dict(c.overlay[rids[1]].fields) == {"output": "新"}
        assert c.undo_label == "Apply 2 decisions from d.jsonl"
        assert ctl.undo() is not None and len(c.overlay) == 0
    finally:
        ctl.close()
