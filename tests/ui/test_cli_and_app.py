"""The app and the command line work on one project: the app opens the project the
command line finds (one rule, app/core/store/locate.py), and shows what `apply` did as one
undoable step."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QStandardPaths

from app.core.store import locate
from app.core.store.curation import Curation
from app.core.curate.edits import Reject
from app.core.load.loader import load_release
from app.core.store.project import fallback_project_dir
from app.ui.curate.curation_ctl import CurationCtl, app_project_dir, remember_project_dir


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


def test_a_damaged_journal_opens_read_only_at_the_last_good_line_and_can_be_kept(app_env, tmp_path):
    release = _release(tmp_path)
    with Curation.open(release) as c:
        c.apply(Reject([release.frame["rid"][0]], "重复"))
        c.apply(Reject([release.frame["rid"][1]], "低质量"))
        journal = c.journal.path
    lines = journal.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b'"rows"', b'"rowz"')  # the second reject's line
    journal.write_bytes(b"\n".join(lines))
    ctl = CurationCtl(None, follow_session=False)
    said = []
    ctl.notice.connect(said.append)
    try:
        c = ctl.open(release)
        assert c is not None and ctl.read_only and c.journal_problem is not None
        assert any("journal.jsonl line 3: no 'rows' key" in text for text in said)  # said in words, not raised
        assert list(c.overlay) == [release.frame["rid"][0]]  # the state before the bad line
        assert ctl.keep_good_records() and not ctl.read_only
        assert ctl.apply(Reject([release.frame["rid"][1]], "其他")) is not None
    finally:
        ctl.close()
    assert list(journal.parent.glob("journal.set-aside-*.jsonl"))  # the damaged part kept beside it


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


def test_the_window_offers_to_keep_the_state_before_a_damaged_journal_line(qtbot, app_env, tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from app.ui.shell.main_window import MainWindow

    from .test_curate import settle

    release = _release(tmp_path)
    with Curation.open(release) as c:
        c.apply(Reject([release.frame["rid"][0]], "重复"))
        c.apply(Reject([release.frame["rid"][1]], "低质量"))
        journal = c.journal.path
    lines = journal.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b'"seq":3,', b'"seq":2,')  # a repeated number: never replayed silently
    journal.write_bytes(b"\n".join(lines))
    settings, fonts = app_env
    win = MainWindow(settings, fonts)
    qtbot.addWidget(win)
    win.show()
    win.open_paths([str(release.paths[0])])
    settle(qtbot, win)
    qtbot.waitUntil(lambda: win.curate_ui.journal_box is not None and win.curate_ui.journal_box.isVisible(), timeout=20000)
    box = win.curate_ui.journal_box
    assert "journal.jsonl line 3" in box.text() and win.curation.read_only
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not win.curation.read_only, timeout=10000)
    assert len(win.curation.curation.overlay) == 1
    win.session.shutdown()
    win.curation.shutdown()
