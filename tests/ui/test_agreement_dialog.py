"""Analyse > Curator Agreement: computed in a worker from this project's decisions and
another curator's version, shown per source as plain text, copyable as the CLI's text."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from app.core.team.agreement import agreement, format_agreement
from app.core.store.curation import Curation
from app.core.curate.edits import Accept, Reject
from app.ui.common import dialogs
from app.ui.curate.agreement_dialog import AgreementDialog, AgreementModel

from .test_curate import settle


def test_agreement_with_another_curator_per_source(qtbot, qtmodeltester, loaded, tmp_path, monkeypatch):
    settle(qtbot, loaded)
    ctl = loaded.curation
    frame = ctl.curation.release.frame
    rids = frame["rid"].to_list()
    # mine: accept 0-3, reject 4-5 (in the window, as the curator would)
    assert ctl.apply(Accept(tuple(rids[:4]))) and ctl.apply(Reject(tuple(rids[4:6]), "重复"))
    settle(qtbot, loaded)
    # theirs: <b>chen</b> agrees on 0, 1 and 4, disagrees on 2 and 5, never saw 3
    with Curation.open(ctl.curation.release, tmp_path / "chen", author="<b>chen</b>") as chen:
        chen.apply(Accept(rids[:2]))
        chen.apply(Reject([rids[2], rids[4]], "低质量"))
        chen.apply(Accept([rids[5]]))
        chen.save_version("chen's pass")
    monkeypatch.setattr(dialogs, "choose_merge_source", lambda *a, **k: str(tmp_path / "chen"))
    loaded.registry["analyse.agreement"].trigger()
    qtbot.waitUntil(lambda: isinstance(loaded.commands.dialog, AgreementDialog), timeout=20000)
    dialog = loaded.commands.dialog
    qtbot.addWidget(dialog)
    want = agreement(frame, ctl.curation.overlay, Curation.open(ctl.curation.release, tmp_path / "chen",
                                                                read_only=True).load_version(1))
    assert want["n"][0] == 5 and want["agree"][0] == 3
    assert dialog.table.equals(want)
    model = dialog.model
    qtmodeltester.check(model)
    assert model.rowCount() == want.height >= 2
    texts = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]
    assert texts[0][:4] == ["(all sources)", "5", "3", "60.0%"]
    kappa = want["kappa"][0]
    assert texts[0][4] == ("n/a" if kappa is None else f"{kappa:.3f}")
    per_source = {row[0]: int(row[1]) for row in texts[1:]}
    assert sum(per_source.values()) == 5 and set(per_source) == set(want["source"].to_list()[1:])
    # the other curator's name is shown literally, never as rich text
    assert dialog.heading.textFormat() == Qt.TextFormat.PlainText and "<b>chen</b>" in dialog.heading.text()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == format_agreement(want, dialog.title)
    assert loaded.registry["analyse.agreement"].shortcut() == QKeySequence("Ctrl+Alt+G")


def test_no_shared_decisions_says_so(qtbot, app_env):
    import polars as pl

    from app.core.team.agreement import SCHEMA

    empty = pl.DataFrame({"source": ["(all)"], "n": [0], "agree": [0], "agreement": [None], "kappa": [None],
                          "both_accept": [0], "both_reject": [0], "mine_accept_theirs_reject": [0],
                          "mine_reject_theirs_accept": [0]}).cast(dict(SCHEMA))
    dialog = AgreementDialog(empty, "mine vs theirs")
    qtbot.addWidget(dialog)
    assert not dialog.empty.isHidden()
    assert AgreementModel(empty).index(0, 3).data() == "n/a"
