"""The Contamination tab: which benchmarks, the n-gram length, Run; what was found; the
current row (instruction + input) beside its best benchmark question, the text they share
highlighted in both (plain text and QTextCharFormat: a question holding <b> shows <b>);
and the bulk reject. It only shows what it is given and reports what was asked."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QSpinBox, QSplitter, QTextEdit,
                               QVBoxLayout, QWidget)

from app.core.text.contamination import DEFAULT_NGRAM
from app.core.text.contamination.grams import MAX_NGRAM
from app.ui.common import themes
from app.ui.common.text_display import OffsetMap, reveal

Spans = list[tuple[int, int]]


def _viewer(name: str, parent: QWidget) -> QPlainTextEdit:
    edit = QPlainTextEdit(parent)
    edit.setObjectName(name)
    edit.setReadOnly(True)
    edit.setTabChangesFocus(True)
    return edit


class ContaminationPanel(QWidget):
    addFolderRequested = Signal()
    addFilesRequested = Signal()
    clearRequested = Signal()
    runRequested = Signal(int)  # n-gram length
    rejectRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("contaminationPanel")
        self.paths: list[str] = []
        self._summary: tuple | None = None  # what summary_text() shows, kept to retranslate
        self._shown: tuple | None = None  # what show_pair() shows, kept to repaint on a theme change
        self.benchmarks = QLabel(self)
        self.benchmarks.setTextFormat(Qt.TextFormat.PlainText)
        self.benchmarks.setWordWrap(True)
        self.add_folder, self.add_files, self.clear = QPushButton(self), QPushButton(self), QPushButton(self)
        self.add_folder.clicked.connect(self.addFolderRequested)
        self.add_files.clicked.connect(self.addFilesRequested)
        self.clear.clicked.connect(self.clearRequested)
        self.ngram_label = QLabel(self)
        self.ngram = QSpinBox(self)
        self.ngram.setObjectName("contaminationNgram")
        self.ngram.setRange(1, MAX_NGRAM)
        self.ngram.setValue(DEFAULT_NGRAM)
        self.ngram_label.setBuddy(self.ngram)
        self.run = QPushButton(self)
        self.run.setObjectName("contaminationRun")
        self.run.clicked.connect(lambda: self.runRequested.emit(self.ngram.value()))
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.row_title, self.question_title = QLabel(self), QLabel(self)
        for label in (self.row_title, self.question_title):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
        self.row_text = _viewer("contaminationRow", self)
        self.question = _viewer("contaminationQuestion", self)
        self.reject = QPushButton(self)
        self.reject.setObjectName("contaminationReject")
        self.reject.clicked.connect(self.rejectRequested)
        top = QHBoxLayout()
        for w in (self.add_folder, self.add_files, self.clear):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.ngram_label)
        top.addWidget(self.ngram)
        top.addWidget(self.run)
        pair = QSplitter(Qt.Orientation.Horizontal, self)
        pair.setObjectName("contaminationPair")
        for title, text in ((self.row_title, self.row_text), (self.question_title, self.question)):
            side = QWidget(pair)
            lay = QVBoxLayout(side)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.addWidget(title)
            lay.addWidget(text, 1)
            pair.addWidget(side)
        lay = QVBoxLayout(self)
        lay.addWidget(self.benchmarks)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addWidget(pair, 1)
        lay.addWidget(self.reject, 0, Qt.AlignmentFlag.AlignLeft)
        self.retranslate()

    # -- what it is given -------------------------------------------------------------------
    def set_paths(self, paths: list[str]) -> None:
        self.paths = list(paths)
        self._render_paths()

    def set_summary(self, state: str, *numbers: int) -> None:
        """state: "none" (no benchmark yet), "running", "failed" (numbers ignored) or
        "done" (flagged rows, rows scanned, questions, questions with an n-gram, n)."""
        self._summary = (state, *numbers)
        self._render_summary()

    def show_pair(self, row: tuple[str, Spans] | None, question: tuple[str, Spans] | None, where: str = "",
                  overlap: float | None = None) -> None:
        """The row's checked text and the question, each with the spans they share (code
        point offsets into the text); None: nothing to show."""
        self._shown = (row, question, where, overlap)
        self._paint(self.row_text, row)
        self._paint(self.question, question)
        self._render_titles()

    def _paint(self, edit: QPlainTextEdit, part: tuple[str, Spans] | None) -> None:
        text, spans = part if part is not None else ("", [])
        shown = reveal(text)
        if edit.toPlainText() != shown:
            edit.setPlainText(shown)
        fmt = QTextCharFormat()
        fmt.setBackground(themes.color("match"))
        omap = OffsetMap(text)
        selections = []
        for start, end in spans:
            sel = QTextEdit.ExtraSelection()
            cursor = QTextCursor(edit.document())
            cursor.setPosition(omap.to_qt(start))
            cursor.setPosition(omap.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
            sel.cursor, sel.format = cursor, fmt
            selections.append(sel)
        edit.setExtraSelections(selections)
        if selections:  # the first shared span in view
            cursor = QTextCursor(edit.document())
            cursor.setPosition(selections[0].cursor.selectionStart())
            edit.setTextCursor(cursor)
            edit.ensureCursorVisible()

    # -- words -------------------------------------------------------------------------------------
    def _render_paths(self) -> None:
        self.benchmarks.setText(self.tr("Benchmarks: %1").replace("%1", "; ".join(self.paths)) if self.paths else
                                self.tr("Benchmarks: none chosen. Add the folders or files of the benchmarks "
                                        "(CSV with a question column, JSON, JSONL, Parquet)."))
        self.run.setEnabled(bool(self.paths))
        self.clear.setEnabled(bool(self.paths))

    def _render_summary(self) -> None:
        state, *n = self._summary or ("none",)
        if state == "running":
            text = self.tr("Checking the rows against the benchmarks…")
        elif state == "failed":
            text = self.tr("The benchmarks could not be read (see the status bar).")
        elif state == "done":
            flagged, rows, questions, seen, ngram = n
            text = (self.tr("%1 rows of %2 share a %3-character n-gram with one of %4 questions "
                            "(%5 of them long enough for one). The Benchmark contamination facet filters them "
                            "by overlap: the share of the question's n-grams the row holds.")
                    .replace("%1", f"{flagged:,}").replace("%2", f"{rows:,}").replace("%3", str(ngram))
                    .replace("%4", f"{questions:,}").replace("%5", f"{seen:,}"))
        else:
            text = self.tr("Add benchmarks, then Run.")
        self.summary.setText(text)
        self.reject.setEnabled(state == "done" and bool(n) and n[0] > 0)

    def _render_titles(self) -> None:
        row, question, where, overlap = self._shown or (None, None, "", None)
        self.row_title.setText(self.tr("This row (instruction + input)"))
        if question is None:
            self.question_title.setText(self.tr("Benchmark question: none shares an n-gram with this row"))
        else:
            self.question_title.setText(self.tr("Benchmark question: %1, overlap %2").replace("%1", where)
                                        .replace("%2", f"{overlap:.2f}"))

    def retranslate(self) -> None:
        self.add_folder.setText(self.tr("Add Folder…"))
        self.add_files.setText(self.tr("Add Files…"))
        self.clear.setText(self.tr("Clear"))
        self.ngram_label.setText(self.tr("&n-gram:"))
        self.ngram.setToolTip(self.tr("Characters per n-gram after normalising (13 by default; shorter questions "
                                      "are not seen, a shorter n-gram also matches common phrases)"))
        self.run.setText(self.tr("Run"))
        self.reject.setText(self.tr("Reject Contaminated Rows in Filter…"))
        self._render_paths()
        self._render_summary()
        self._render_titles()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() in (QEvent.Type.StyleChange, QEvent.Type.PaletteChange) and self._shown is not None:
            row, question, _where, _overlap = self._shown
            self._paint(self.row_text, row)
            self._paint(self.question, question)
