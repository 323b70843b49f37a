"""Benchmark contamination off the GUI thread, and the columns it adds to the table.

The curator names benchmark files or folders; the core reads them, indexes their
questions' n-grams and matches every row (app.core.text.contamination). The result
becomes three columns handed to ``session.set_columns`` (so the facet, the sort and the
review queue see them like any other column): ``contamination`` (the overlap bin, null
when the row shares nothing), ``contam_overlap`` and ``contam_question`` (the best
question's place in the index). Edits re-match the rows against the kept index.
"""
from __future__ import annotations

import polars as pl
from PySide6.QtCore import QObject, QTimer, Signal

from app.core.text import contamination as core
from app.ui.common.workers import JobContext, Lane, Throttle

OWNER = "contamination"
REMATCH_DELAY_MS = 1500  # after the last edit, before the rows are matched again
CHECKED = ("instruction", "input")


def job_scan(ctx: JobContext, frame: pl.DataFrame, paths: list[str], ngram: int, index) -> None:
    """Read and index the benchmarks (unless ``index`` is given), then match ``frame``."""
    throttle = Throttle(0.1)

    def progress(done: int, total: int) -> None:
        if throttle.ready(final=done >= total):
            ctx.emit("progress", (done, total))

    if index is None:
        try:
            bench = core.read_benchmarks(paths)
        except core.BenchmarkError as exc:
            ctx.emit("error", str(exc))
            return
        index = core.build_index(bench.questions, ngram)
        if not ctx.emit("index", (bench, index)):
            return
    try:
        found = core.find_matches(frame, index, progress=progress, cancel=ctx.stale)
    except core.Cancelled:
        return
    ctx.emit("matches", (frame, columns(frame, found)))


def columns(frame: pl.DataFrame, found: pl.DataFrame) -> pl.DataFrame:
    """rid + the three contamination columns, in ``frame``'s row order."""
    hits = found.select("rid", pl.col("overlap").round(2).alias("contam_overlap"),
                        pl.col("question").alias("contam_question"))
    out = frame.select("rid").join(hits, on="rid", how="left", maintain_order="left")
    return out.with_columns(core.overlap_bin(pl.col("contam_overlap")).alias("contamination")) \
        .select("rid", "contamination", "contam_overlap", "contam_question")


class ContaminationCtl(QObject):
    progress = Signal(int, int)  # characters matched, of
    running = Signal(bool)
    ready = Signal()  # new matches are in the session's frame
    failed = Signal(str)  # one line: which benchmark file, and why

    def __init__(self, session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.lane = Lane("contamination", self)
        self.lane.result.connect(self._on_result)
        self.lane.failed.connect(lambda message, _detail: self.failed.emit(message))
        self.lane.busyChanged.connect(self.running)
        self.paths: list[str] = []
        self.ngram = core.DEFAULT_NGRAM
        self._rematch = QTimer(self)
        self._rematch.setSingleShot(True)
        self._rematch.setInterval(REMATCH_DELAY_MS)
        self._rematch.timeout.connect(lambda: self.run(self.paths, self.ngram))
        self._reset()
        session.releaseChanged.connect(lambda _r: self._on_release())
        session.frameReplaced.connect(lambda _f, _c: self._on_frame())

    def _reset(self) -> None:
        self.benchmark: core.Benchmark | None = None
        self.index: core.QuestionIndex | None = None
        self.matches: pl.DataFrame | None = None  # rid + columns(), for the frame last matched
        self._matched = None  # the plain frame the matches are for

    @property
    def busy(self) -> bool:
        return self.lane.busy or self._rematch.isActive()

    def run(self, paths: list[str], ngram: int) -> bool:
        """Match the rows against ``paths`` (indexing them again only when they or the
        n-gram length changed)."""
        frame = self.session.plain_frame
        if frame is None or not paths:
            return False
        if list(paths) != self.paths or ngram != self.ngram:
            self.index = None
        self.paths, self.ngram = list(paths), int(ngram)
        paths, ngram, index = list(self.paths), self.ngram, self.index
        self.lane.submit(lambda ctx: job_scan(ctx, frame, paths, ngram, index))
        return True

    def cancel(self) -> None:
        self._rematch.stop()
        self.lane.cancel()

    def shutdown(self) -> None:
        self.cancel()
        self.lane.wait(10000)

    def question(self, number: int) -> dict | None:
        """benchmark_file, question_index, question of the index's question ``number``."""
        if self.index is None or not 0 <= number < self.index.questions.height:
            return None
        return self.index.questions.row(number, named=True)

    def _on_release(self) -> None:
        self.cancel()
        self._reset()
        self.session.set_columns(OWNER, None)

    def _on_frame(self) -> None:
        plain = self.session.plain_frame
        if self.index is None or plain is None or self._matched is None or plain is self._matched:
            return
        same = plain.height == self._matched.height and plain.select("rid", *CHECKED).equals(
            self._matched.select("rid", *CHECKED))
        if same:
            self._matched = plain  # a decision, not an edit of what is checked
        else:
            self._rematch.start()

    def _on_result(self, kind: str, payload) -> None:
        if kind == "progress":
            self.progress.emit(*payload)
        elif kind == "error":
            self.failed.emit(payload)
        elif kind == "index":
            self.benchmark, self.index = payload
        elif kind == "matches":
            frame, cols = payload
            plain = self.session.plain_frame
            if plain is None or plain.height != frame.height:
                return
            self._matched, self.matches = frame, cols
            self.session.set_columns(OWNER, cols)
            self.ready.emit()
