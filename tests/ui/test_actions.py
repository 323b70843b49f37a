"""The one action table: every action exists, has keys, and triggers without error."""
from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from app.ui.common import dialogs
from app.ui.shell.actions import ACTIONS, MENUS

from .conftest import settle_all, wait_idle


def test_table_is_complete_and_keys_are_unique(loaded):
    assert set(loaded.registry.actions) == {a.id for a in ACTIONS}
    seen = {}
    for defn in ACTIONS:
        assert defn.keys, f"{defn.id} has no shortcut"
        act = loaded.registry[defn.id]
        assert act.shortcuts() == [QKeySequence(k) for k in defn.keys]
        assert act.text() and act in loaded.registry.menus[defn.menu].actions()
        for key in defn.keys:
            norm = QKeySequence(key).toString()
            assert norm not in seen, f"{key} bound to {seen.get(norm)} and {defn.id}"
            seen[norm] = defn.id
    assert {m for m, _ in MENUS} == set(loaded.registry.menus)
    ids = [b[0] for b in loaded.registry.bindings()]
    assert ids == [a.id for a in ACTIONS]  # the shortcut list is generated from the table


def test_every_action_triggers_without_error(qtbot, loaded, monkeypatch, small_release):
    # Answer every question a handler may ask: open the small release, name views, pick the first.
    monkeypatch.setattr(dialogs, "open_files", lambda *a, **k: [str(small_release / "wiki" / "wiki.jsonl")])
    monkeypatch.setattr(dialogs, "open_folder", lambda *a, **k: str(small_release))
    monkeypatch.setattr(dialogs, "get_text", lambda *a, **k: "view")
    monkeypatch.setattr(dialogs, "choose_merge_source", lambda *a, **k: None)  # Merge Version: cancelled
    monkeypatch.setattr(dialogs, "get_item", lambda parent, title, label, items: items[0] if items else None)
    errors = []
    loaded.session.error.connect(errors.append)
    for defn in ACTIONS:
        if defn.id == "file.quit":
            continue
        act = loaded.registry[defn.id]
        act.setEnabled(True)
        act.trigger()
        if defn.id.startswith("file.open") or defn.id == "file.reload":
            qtbot.waitUntil(lambda: not loaded.session.loading)
            wait_idle(qtbot, loaded)
        if loaded.commands.dialog is not None:
            loaded.commands.dialog.close()
            loaded.commands.dialog = None
        QApplication.processEvents()  # what a handler posted runs before the next action
    settle_all(qtbot, loaded)  # errors of the work the actions started come in by then
    assert errors == []
    assert loaded.session.release is not None  # the last open (folder, demo or reload) left a release shown
    loaded.registry["view.lang_en"].trigger()
    loaded.registry["file.quit"].trigger()
    qtbot.waitUntil(lambda: not loaded.isVisible())
