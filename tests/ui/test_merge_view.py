"""The merge review view, driven by real key events; the saved version is checked on disk."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.core.store.curation import Curation
from app.core.curate.edits import Accept, EditField, Reject, SetLabels
from app.core.load.loader import load_release
from app.core.team.merge import plan_merge
from app.core.load.schema import rid_hex
from app.ui.curate.conflicts_model import ConflictsModel
from app.ui.curate import merge_view
from app.ui.curate.merge_view import MergeView, diff_spans, prepare_merge, show_merge_dialog


def _line(i: int, output: str) -> str:
    return json.dumps({"instruction": f"问题 {i}", "input": "", "output": output, "task_type": {"major": ["问答"]},
                       "domain": ["通用"]}, ensure_ascii=False)


@pytest.fixture()
def setup(tmp_path):
    release = tmp_path / "rel.jsonl"
    release.write_text("\n".join(_line(i, f"回答 {i}") for i in range(6)) + "\n", encoding="utf-8")
    rel = load_release(release)
    rids = rel.frame["rid"].to_list()
    with Curation.open(rel, tmp_path / "bob", author="bob") as bob:
        bob.apply(EditField([rids[0]], "output", "秋风起兮黄叶飞"))
        bob.apply(SetLabels([rids[1]], "domain", ["文学"]))
        bob.apply(Reject([rids[2]], "低质量"))
        bob.apply(EditField([rids[3]], "instruction", "鲍的指令"))
        bob.apply(Accept([rids[4]]))  # no conflict: merges by itself
        bob.save_version("bob")
    ann = Curation.open(rel, tmp_path / "ann", author="ann")
    ann.apply(EditField([rids[0]], "output", "秋风起兮白云飞"))
    ann.apply(SetLabels([rids[1]], "domain", ["诗词"]))
    ann.apply(Reject([rids[2]], "重复"))
    ann.apply(EditField([rids[3]], "instruction", "安的指令"))
    ann.save_version("ann")
    yield ann, rids, tmp_path / "bob"
    ann.close()


def selected(view) -> list[str]:
    return [s.cursor.selectedText() for s in view.extraSelections()]


def test_diff_spans_are_character_level():
    assert diff_spans("秋风起兮白云飞", "秋风起兮黄叶飞") == ([(4, 6)], [(4, 6)])
    assert diff_spans("ab", "abc") == ([], [(2, 3)])


def test_resolve_by_keyboard_and_save(qtbot, app_env, setup):
    ann, rids, bob = setup
    view = MergeView(ann, plan_merge(ann, bob))
    qtbot.addWidget(view)
    view.show()
    view.setFocus()
    assert [c.field for c in view.plan.conflicts] == ["output", "domain", "status", "instruction"]
    assert view.progress.text() == "0 / 4 resolved"
    assert selected(view.mine_view) == ["白云"] and selected(view.theirs_view) == ["黄叶"]  # the differing characters
    assert view.mine_view.toPlainText() == "秋风起兮白云飞"  # plain text, never HTML
    qtbot.keyClick(view, Qt.Key.Key_T)  # output: theirs
    assert view.progress.text() == "1 / 4 resolved" and view.current == 1
    qtbot.keyClick(view, Qt.Key.Key_B)  # domain: both lists
    qtbot.keyClick(view, Qt.Key.Key_K)  # back up to check the move keys
    assert view.current == 1
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.current == 2 and view.conflict.field == "status"
    qtbot.keyClick(view, Qt.Key.Key_E)  # decisions cannot be typed
    assert not view.editing and "cannot be typed" in view.message.text()
    qtbot.keyClick(view, Qt.Key.Key_B)  # two rejects: one reject with both reasons
    assert view.current == 3 and view.progress.text() == "3 / 4 resolved"
    qtbot.keyClick(view, Qt.Key.Key_Return)  # not finished: Enter does not save
    assert view.version is None
    qtbot.keyClick(view, Qt.Key.Key_E)
    assert view.editing and view.editor.toPlainText() == "安的指令"
    qtbot.keyClick(view.editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(view.editor, "draft")
    qtbot.keyClick(view.editor, Qt.Key.Key_Escape)  # cancel: nothing chosen
    assert not view.editing and view.progress.text() == "3 / 4 resolved"
    qtbot.keyClick(view, Qt.Key.Key_E)
    qtbot.keyClick(view.editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(view.editor, "merged instruction")
    qtbot.keyClick(view.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(view.editor, "line 2")
    qtbot.keyClick(view.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not view.editing and view.progress.text() == "4 / 4 resolved"
    assert [view.model.index(i, 3).data() for i in range(4)] == ["theirs", "both", "both", "edited"]
    with qtbot.waitSignal(view.saved, timeout=5000):
        qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert view.version.number == 2
    folder = ann.store.folder
    lines = {json.loads(x)["rid"]: json.loads(x) for x in (folder / "v0002.jsonl").read_text("utf-8").splitlines()}
    assert lines[rid_hex(rids[0])]["fields"]["output"]["after"] == "秋风起兮黄叶飞"
    assert lines[rid_hex(rids[0])]["author"] == "bob"
    assert lines[rid_hex(rids[1])]["fields"]["domain"]["after"] == ["诗词", "文学"]
    assert (lines[rid_hex(rids[2])]["op"], lines[rid_hex(rids[2])]["reason"]) == ("reject", "重复; 低质量")
    assert lines[rid_hex(rids[3])]["fields"]["instruction"]["after"] == "merged instruction\nline 2"
    assert lines[rid_hex(rids[4])]["op"] == "accept"
    manifest = json.loads((folder / "v0002.json").read_text("utf-8"))
    assert manifest["parents"] == [1] and manifest["merge"]["theirs"]["author"] == "bob"
    assert [(r["field"], r["choice"]) for r in manifest["merge"]["resolutions"]] == [
        ("output", "theirs"), ("domain", "both"), ("status", "both"), ("instruction", "edit")]


def test_save_refuses_until_all_resolved(qtbot, app_env, setup):
    ann, rids, bob = setup
    view = MergeView(ann, plan_merge(ann, bob))
    qtbot.addWidget(view)
    view.show()
    qtbot.keyClick(view, Qt.Key.Key_M)
    qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert view.version is None and re.search(r"^3 conflicts? still to resolve|^3 conflict\(s\) still", view.message.text())
    assert not (ann.store.folder / "v0002.json").exists()


def test_conflicts_model(qtmodeltester, setup):
    ann, rids, bob = setup
    plan = plan_merge(ann, bob)
    model = ConflictsModel(plan.conflicts, {})
    qtmodeltester.check(model)
    assert model.index(0, 0).data() == "rel.jsonl:1" and model.index(2, 2).data() == "different decisions"


def open_merge_dialog(parent, curation, path) -> bool:
    """What File > Merge Version does: prepare (in a worker, there), then the dialog."""
    return show_merge_dialog(parent, curation, *prepare_merge(curation, path))


def test_open_merge_dialog(qtbot, app_env, setup, monkeypatch):
    ann, rids, bob = setup
    told: list[str] = []
    monkeypatch.setattr(merge_view, "tell", lambda parent, title, text, warning=False: told.append(text))

    def answer(keys):
        def run():
            dialog = QApplication.activeModalWidget()
            for key in keys:
                qtbot.keyClick(dialog.view, key)  # Esc too: the view passes it on to the dialog
        return run

    QTimer.singleShot(0, answer([Qt.Key.Key_Escape]))  # Esc: the whole merge is cancelled
    assert open_merge_dialog(None, ann, bob) is False
    assert ann.last_version == 1
    QTimer.singleShot(0, answer([Qt.Key.Key_M] * 4 + [Qt.Key.Key_Return]))
    assert open_merge_dialog(None, ann, bob) is True
    assert ann.last_version == 2 and ann.overlay[rids[4]].decision == "accepted"
    assert open_merge_dialog(None, ann, bob) is False and "Nothing to merge" in told[-1]
    assert open_merge_dialog(None, ann, Path(bob) / "missing") is False and "not found" in told[-1]


def test_their_author_is_shown_literally(qtbot, app_env, setup, tmp_path):
    """Names come from the other curator's manifest: `<b>x</b>` is shown as typed, never as HTML."""
    ann, rids, _bob = setup
    rel = load_release(tmp_path / "rel.jsonl")
    with Curation.open(rel, tmp_path / "x", author="<b>x</b>") as x:
        x.apply(EditField([rids[0]], "output", "秋风起兮白云飞"))  # what ann has already: nothing to merge
        x.save_version("same as ann")
    with Curation.open(rel, tmp_path / "y", author="<b>x</b>") as y:
        y.apply(EditField([rids[0]], "output", "<i>y</i>"))  # a conflict
        y.save_version("conflict")
    plan = plan_merge(ann, tmp_path / "x")
    assert plan.nothing_to_merge and plan.theirs.author == "<b>x</b>"
    shown: list[tuple] = []

    def look():
        box = QApplication.activeModalWidget()
        shown.append((box.objectName(), box.textFormat(), box.text(), box.windowTitle()))
        qtbot.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(0, look)
    assert open_merge_dialog(None, ann, tmp_path / "x") is False
    assert shown == [("mergeMessage", Qt.TextFormat.PlainText,
                      "Nothing to merge: <b>x</b>'s v0001 has no changes this project lacks", "Merge version")]
    view = MergeView(ann, plan_merge(ann, tmp_path / "y"))
    qtbot.addWidget(view)
    assert view.summary.textFormat() == Qt.TextFormat.PlainText
    assert view.summary.text().startswith("Merging <b>x</b>'s v0001 against the base release: ")
    assert view.summary.text().endswith("1 conflict")  # English plural forms (cqia_en.qm)
    assert view.theirs_caption.textFormat() == Qt.TextFormat.PlainText and "<b>x</b>" in view.theirs_caption.text()


def test_a_turn_deleted_on_one_side_and_edited_on_the_other_is_named_and_not_typed(qtbot, app_env, qtmodeltester):
    from app.core.team.merge import Conflict
    from app.ui.curate.conflicts_model import ConflictsModel

    c = Conflict(7, "chat.jsonl", 3, "conversations[1]", "delete", False, True, False)
    model = ConflictsModel([c], {})
    qtmodeltester.check(model)
    assert model.index(0, 2).data() == "turn deleted vs edited"
    assert c.choices == ("mine", "theirs") and (c.display("mine"), c.display("theirs")) == ("turn deleted", "turn kept")
