"""Team > Team Agreement: how the curators of a shared folder agree (app.core.team.team_agreement,
computed in a worker): Fleiss' kappa overall, Cohen's kappa per pair, per curator items per
hour, reject rate and reasons; "Review Disagreements" opens the rows they decided
differently as review mode's queue."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QHeaderView, QLabel, QPushButton, QTableView,
                               QVBoxLayout, QWidget)

from app.core.store.review_session import format_duration
from app.core.team.team_agreement import TeamAgreement, format_team_agreement
from app.ui.common.text_table import TextTableModel

from .gather_model import side_name


def _k(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _pct(value) -> str:
    return "—" if value is None else f"{value:.0%}"


class PairsModel(TextTableModel):
    CONTEXT = "TeamAgreement"
    HEADERS = (QT_TRANSLATE_NOOP("TeamAgreement", "Curators"), QT_TRANSLATE_NOOP("TeamAgreement", "Both decided"),
               QT_TRANSLATE_NOOP("TeamAgreement", "Agree"), QT_TRANSLATE_NOOP("TeamAgreement", "Kappa"),
               QT_TRANSLATE_NOOP("TeamAgreement", "Same reason"), QT_TRANSLATE_NOOP("TeamAgreement", "Kappa (reasons)"))
    RIGHT = frozenset(range(1, 6))

    def set_result(self, result: TeamAgreement) -> None:
        self.set_rows([(f"{side_name(r['a'])} / {side_name(r['b'])}", f"{r['n']:,}",
                        "—" if r["agreement"] is None else f"{r['agreement']:.1%}", _k(r["kappa"]),
                        f"{r['agree_reasons']:,}", _k(r["kappa_reasons"]))
                       for r in result.pairs.iter_rows(named=True)])


class CuratorsModel(TextTableModel):
    CONTEXT = "TeamAgreement"
    HEADERS = (QT_TRANSLATE_NOOP("TeamAgreement", "Curator"), QT_TRANSLATE_NOOP("TeamAgreement", "Decided"),
               QT_TRANSLATE_NOOP("TeamAgreement", "Time"), QT_TRANSLATE_NOOP("TeamAgreement", "Per hour"),
               QT_TRANSLATE_NOOP("TeamAgreement", "Rejected"), QT_TRANSLATE_NOOP("TeamAgreement", "Reasons"))
    RIGHT = frozenset(range(1, 5))

    def set_result(self, result: TeamAgreement) -> None:
        reasons: dict[str, list[str]] = {}
        for name, reason, n in result.reasons.iter_rows():
            none = QCoreApplication.translate("TeamAgreement", "(no reason)")
            reasons.setdefault(name, []).append(f"{reason or none} {n:,}")
        self.set_rows([(side_name(r["curator"]), f"{r['decided']:,}",
                        format_duration(r["spent_s"]) if r["spent_s"] else "—",
                        f"{r['per_hour']:,.0f}" if r["per_hour"] else "—", _pct(r["reject_rate"]),
                        ", ".join(reasons.get(r["curator"], [])))
                       for r in result.curators.iter_rows(named=True)])


def _plain(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # names and reasons are data, never rich text
    label.setWordWrap(True)
    return label


class TeamAgreementDialog(QDialog):
    reviewRequested = Signal(object)  # FilterSpec: the rows the curators disagree on

    def __init__(self, result: TeamAgreement, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("teamAgreementDialog")
        self.setWindowTitle(self.tr("Team agreement"))
        self.result, self.title = result, title
        self.heading = _plain(title)
        fd, fr = result.fleiss_decision, result.fleiss_reason
        self.fleiss = _plain(
            self.tr("Fleiss' kappa over %1 rows decided by two or more curators: accept/reject %2, reasons %3")
            .replace("%1", f"{fd['items']:,}").replace("%2", _k(fd["kappa"])).replace("%3", _k(fr["kappa"]))
            if fd["items"] else self.tr("No rows were decided by two or more curators."))
        self.fleiss.setObjectName("teamFleiss")
        self.pairs, self.curators = PairsModel(self), CuratorsModel(self)
        self.pairs.set_result(result)
        self.curators.set_result(result)
        self.pairs_view, self.curators_view = QTableView(), QTableView()
        for view, model in ((self.pairs_view, self.pairs), (self.curators_view, self.curators)):
            view.setModel(model)
            view.verticalHeader().hide()
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        n = result.disagreements.height
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.review_button = QPushButton(self.tr("&Review %n Disagreement(s)", "", n))
        self.review_button.setObjectName("reviewDisagreements")
        self.review_button.setEnabled(n > 0)
        self.copy_button = QPushButton(self.tr("&Copy as Text"))
        buttons.addButton(self.review_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.review_button.clicked.connect(self.review)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (self.heading, self.fleiss, _plain(self.tr("Pairs of curators (rows both decided):")), self.pairs_view,
                  _plain(self.tr("Curators:")), self.curators_view, buttons):
            layout.addWidget(w)
        self.resize(900, 560)

    def text(self) -> str:
        return format_team_agreement(self.result, self.title)

    def copy(self) -> None:
        QApplication.clipboard().setText(self.text())

    def review(self) -> None:
        self.reviewRequested.emit(self.result.view())
        self.accept()
