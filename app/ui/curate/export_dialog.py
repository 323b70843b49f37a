"""File > Export curated release: where, which layout (the tree for a tree release) and
format, which rows (all, the current filter's; accepted only), whether rejected rows stay
(marked), whether rows carry their locator, and which state (the current one or a saved
version). The export runs
in a worker lane with a progress bar and a cancel button; errors are shown in words."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton, QRadioButton, QVBoxLayout,
                               QWidget)

from app.core.export.export_choice import chosen_rids, default_layout
from app.core.export.exporter import ExportProgress, ExportResult, export_release
from app.ui.common.workers import JobContext, Lane, Throttle


def default_target(release, layout: str, fmt: str) -> Path:
    """Beside the release (never inside its folder): '<name>.curated.jsonl' or a folder."""
    root = Path(release.root)
    paths = [Path(p) for p in getattr(release, "paths", ())]
    stem = paths[0].stem if len(paths) == 1 and paths[0].is_file() else root.name
    parent = paths[0].parent if len(paths) == 1 and paths[0].is_file() else root.parent
    name = f"{stem}.curated" + ("" if layout == "tree" else (".parquet" if fmt == "parquet" else ".jsonl"))
    return parent / name


def run_export(ctx: JobContext, release, overlay, out: str, options: dict, choice: dict | None = None) -> None:
    """``choice``: {spec, accepted_only, word_matcher} of the rows to write (None: all),
    chosen here in the worker (a filter over 500,000 rows is no work for the GUI thread)."""
    throttle = Throttle(0.1)
    if choice is not None:
        options = {**options, "rows": chosen_rids(release, overlay, choice["spec"], accepted_only=choice["accepted_only"],
                                                  word_matcher=choice["word_matcher"])}

    def progress(p: ExportProgress) -> None:
        if throttle.ready(final=p.rows_done >= p.rows_total):
            ctx.emit("progress", p)

    result = export_release(release, overlay, out, progress=progress, cancel=ctx.stale, **options)
    ctx.emit("done", result)


class ExportDialog(QDialog):
    finishedExport = Signal(object)  # ExportResult

    def __init__(self, ctl, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(self.tr("Export curated release"))
        self.ctl = ctl
        self.release = ctl.curation.release
        self.result: ExportResult | None = None
        self._active = False  # see running
        self.failure: str | None = None
        self._lane = Lane("export", self)
        self._lane.result.connect(self._on_result)
        self._lane.failed.connect(self._on_failed)
        self.path = QLineEdit(self)
        self.path.setObjectName("exportPath")
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        self.single = QRadioButton(self.tr("One file"), self)
        self.single.setObjectName("exportSingle")
        self.tree = QRadioButton(self.tr("The input's folder tree"), self)
        self.tree.setObjectName("exportTree")
        (self.tree if default_layout(self.release) == "tree" else self.single).setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.single)
        group.addButton(self.tree)
        self.format = QComboBox(self)
        self.format.setObjectName("exportFormat")
        self.format.addItem("JSONL", "jsonl")
        self.format.addItem("Parquet", "parquet")
        self.keep = QCheckBox(self.tr("Keep rejected rows, marked with \"_curation\""), self)
        self.keep.setObjectName("exportKeepRejected")
        self.rows = QComboBox(self)
        self.rows.setObjectName("exportRows")
        self.rows.addItem(self.tr("All rows"), "all")
        shown = len(ctl.session.positions)
        self.rows.addItem(self.tr("Rows of the current filter (%1)").replace("%1", f"{shown:,}"), "filter")
        self.accepted_only = QCheckBox(self.tr("Accepted rows only"), self)
        self.accepted_only.setObjectName("exportAcceptedOnly")
        self.locator = QCheckBox(self.tr("Add where each row came from (\"_source\": file, line, subset, source)"), self)
        self.locator.setObjectName("exportLocator")
        self.notes = QCheckBox(self.tr("Add notes and flags (\"_curation\": note, flagged)"), self)
        self.notes.setObjectName("exportWithNotes")
        self.source = QComboBox(self)
        self.source.setObjectName("exportSource")
        self.source.addItem(self.tr("Current state"), None)
        for v in reversed(ctl.curation.versions()):
            self.source.addItem(self.tr("Version %1: %2").replace("%1", str(v.number)).replace("%2", v.message), v.number)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("exportProgress")
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.message = QLabel(self)
        self.message.setObjectName("exportMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = self.buttons.addButton(self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("exportRun")
        self.export_button.setDefault(True)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.cancel)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        layout_row = QHBoxLayout()
        layout_row.addWidget(self.single)
        layout_row.addWidget(self.tree)
        form = QFormLayout()
        form.addRow(self.tr("Export:"), self.source)
        form.addRow(self.tr("To:"), where)
        form.addRow(self.tr("Layout:"), layout_row)
        form.addRow(self.tr("Format:"), self.format)
        form.addRow(self.tr("Rows:"), self.rows)
        form.addRow("", self.accepted_only)
        form.addRow("", self.keep)
        form.addRow("", self.locator)
        form.addRow("", self.notes)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.progress)
        lay.addWidget(self.message)
        lay.addWidget(self.buttons)
        self.single.toggled.connect(lambda _on: self._suggest())
        self.format.currentIndexChanged.connect(lambda _i: self._suggest())
        self._suggested = ""
        self._suggest()
        self.resize(620, self.sizeHint().height())

    # -- choices ---------------------------------------------------------------------------
    def layout_key(self) -> str:
        return "single" if self.single.isChecked() else "tree"

    def _suggest(self) -> None:
        """Follow layout/format changes unless the curator typed a path of their own."""
        if self.path.text() in ("", self._suggested):
            self._suggested = str(default_target(self.release, self.layout_key(), self.format.currentData()))
            self.path.setText(self._suggested)

    def _browse(self) -> None:
        if self.layout_key() == "tree":
            path = QFileDialog.getExistingDirectory(self, self.tr("Export into folder"), self.path.text())
        else:
            path, _f = QFileDialog.getSaveFileName(self, self.tr("Export to file"), self.path.text())
        if path:
            self.path.setText(path)

    # -- running -----------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """An export is under way: from Export until its result or failure lands (the lane
        reports idle a moment after the result, and Export pressed then must run)."""
        return self._active

    def start(self) -> None:
        if self.running:
            return
        out = self.path.text().strip()
        if not out:
            self.message.setText(self.tr("Choose where to export to."))
            return
        version = self.source.currentData()
        c = self.ctl.curation
        try:
            overlay = c.overlay if version is None else c.load_version(version)
        except Exception as exc:  # noqa: BLE001 - a damaged version file, shown in words
            self._on_failed(str(exc), "")
            return
        options = {"layout": self.layout_key(), "fmt": self.format.currentData(), "keep_rejected": self.keep.isChecked(),
                   "protect": [c.project.folder], "with_locator": self.locator.isChecked(),
                   "with_notes": self.notes.isChecked()}
        choice = self.choice()
        self.result, self.failure = None, None
        self._active = True
        self.export_button.setEnabled(False)
        self.progress.setValue(0)
        self.message.setText(self.tr("Exporting…"))
        release = self.release
        self._lane.submit(lambda ctx: run_export(ctx, release, overlay, out, options, choice))

    def choice(self) -> dict | None:
        """The rows to write: None for all, else the current filter's and/or accepted ones."""
        by_filter = self.rows.currentData() == "filter"
        if not by_filter and not self.accepted_only.isChecked():
            return None
        session = self.ctl.session
        return {"spec": session.rows_spec if by_filter else None, "accepted_only": self.accepted_only.isChecked(),
                "word_matcher": session.word_matcher}

    def cancel(self) -> None:
        """While exporting: stop it (nothing half-written is left); otherwise close."""
        if self.running:
            self._lane.cancel()
            self._lane.wait(10000)
            self._active = False
            self.export_button.setEnabled(True)
            self.progress.setValue(0)
            self.message.setText(self.tr("Export cancelled."))
            return
        self.reject()

    def _on_result(self, kind: str, payload) -> None:
        if kind == "progress":
            frac = payload.rows_done / payload.rows_total if payload.rows_total else 1.0
            self.progress.setValue(int(frac * 1000))
            return
        self.result = payload
        self._active = False
        self.progress.setValue(1000)
        self.export_button.setEnabled(True)
        r = payload
        text = (self.tr("Exported %1 rows (%2 edited, %3 rejected left out, %4 kept marked) to %5")
                .replace("%1", f"{r.rows:,}").replace("%2", f"{r.edited:,}")
                .replace("%3", f"{r.rejected_dropped:,}").replace("%4", f"{r.rejected_kept:,}").replace("%5", str(r.out)))
        if r.left_out:
            text += " " + self.tr("(%1 rows not chosen left out)").replace("%1", f"{r.left_out:,}")
        self.message.setText(text)
        self.finishedExport.emit(payload)

    def _on_failed(self, message: str, _detail: str) -> None:
        self.failure = message
        self._active = False
        self.export_button.setEnabled(True)
        self.progress.setValue(0)
        # Lane messages read "ExportError: ..." -- the words after the class name are for people.
        self.message.setText(self.tr("Export failed: %1").replace("%1", message.split(": ", 1)[-1]))

    def done(self, code: int) -> None:
        if self.running:
            self._lane.cancel()
            self._lane.wait(10000)
        super().done(code)
