"""The analysis passes, off the GUI thread, and the columns they add to the table.

Each pass has its own single-flight lane (a newer run supersedes a stale one):

* quality signals: automatic, shortly after a release loads or its text changes (a few
  seconds at 48k rows, Polars expressions);
* the text pass (jieba word counts, the instruction's verb and object, the words for
  whole-word search): only when the curator asks, or restored from the project's token
  cache when one exists (reading it is cheap and never imports jieba);
* near-duplicates: on request; a new threshold re-clusters the kept signatures.

Whatever has been computed is combined into one table (rid + sig_*, signals, n_signals,
tok_*, verb, noun, near_cluster, near_jaccard) and handed to ``session.set_columns``, so
facets, sorting, the review queue and the dashboard see it like any other column.
"""
from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any

import polars as pl
from PySide6.QtCore import QObject, QTimer, Signal

from app.core.load.schema import TEXT_FIELDS
from app.core.text import neardup, segment, signals, tokencache, wordpass
from app.ui.common.labels import NEAR_DUP
from app.ui.common.workers import JobContext, Lane, Throttle

OWNER = "analysis"
SIGNAL_DELAY_MS = 300  # after the last frame change, before signals are recomputed
UPDATE_DELAY_MS = 1500  # after the last edit, before edited rows are tokenised again
AUTO_TOKEN_ROWS = 2000  # a cache restore tokenises at most this many changed rows unasked
SIGNAL_INPUTS = (*TEXT_FIELDS, "source", "subset", "answer_from", "human_verified")
SIGNAL_GROUP = 4  # signals evaluated per step: a cancelled run stops between steps
TOKEN_COLUMNS = (*wordpass.COUNT_COLUMNS.values(), "verb", "noun")
PASSES = ("signals", "tokens", "near")


# ---- worker jobs (module functions: they touch no widget) -------------------------------------

def _reporter(ctx: JobContext):
    throttle = Throttle(0.1)

    def report(done: int, total: int) -> None:
        if throttle.ready(final=done >= total):
            ctx.emit("progress", (done, total))

    return report


def _same_inputs(a: pl.DataFrame, b: pl.DataFrame) -> bool:
    cols = [c for c in SIGNAL_INPUTS if c in a.columns]
    return a.height == b.height and cols == [c for c in SIGNAL_INPUTS if c in b.columns] \
        and a.select("rid", *cols).equals(b.select("rid", *cols))


def job_signals(ctx: JobContext, frame: pl.DataFrame, previous: pl.DataFrame | None) -> None:
    if previous is not None and _same_inputs(previous, frame):
        return  # e.g. only a status changed: no signal reads it
    names = list(signals.REGISTRY)
    parts = [frame.select("rid")]
    for start in range(0, len(names), SIGNAL_GROUP):
        if ctx.stale():
            return
        parts.append(signals.evaluate(frame, names[start:start + SIGNAL_GROUP]).drop("rid"))
        ctx.emit("progress", (min(start + SIGNAL_GROUP, len(names)), len(names)))
    ctx.emit("signals", (frame, pl.concat(parts, how="horizontal")))


def job_tokens(ctx: JobContext, frame: pl.DataFrame, folder: Path | None, terms: list[str], mode: str,
               previous: pl.DataFrame | None = None) -> None:
    """mode "run" (asked for), "update" (after edits or a dictionary change; with
    ``previous``, the frame last tokenised, only if the text changed since) or "restore"
    (the cache only: a restore that would need many rows cut says so and stops)."""
    if mode == "update" and previous is not None and _same_text(previous, frame):
        return  # e.g. a decision, not an edit
    report = _reporter(ctx)
    if folder is None:  # no project to cache in (none open, or read-only): cut everything here
        if mode != "run":
            return
        result = wordpass.tokenise(frame, terms=terms, progress=report, cancel=ctx.stale)
        ctx.emit("tokens", (frame, result.with_columns(frame.select(wordpass.content_key()).to_series())))
        return
    if mode == "restore":
        have, todo = tokencache.restore(frame, folder, terms=terms, words=True)
        if todo.height > AUTO_TOKEN_ROWS:
            ctx.emit("outdated", todo.height)
            return
        if todo.height == 0:
            result = frame.select("rid").join(have, on="rid", how="left", maintain_order="left")
            ctx.emit("tokens", (frame, result.with_columns(frame.select(wordpass.content_key()).to_series())))
            return
    result = tokencache.ensure(frame, folder, terms=terms, words=True, progress=report, cancel=ctx.stale)
    ctx.emit("tokens", (frame, result))


def job_near(ctx: JobContext, frame: pl.DataFrame, threshold: float, sigs: neardup.Signatures | None) -> None:
    if sigs is None:
        sigs = neardup.signatures(frame, progress=_reporter(ctx), cancel=ctx.stale)
        if not ctx.emit("sigs", sigs):
            return
    clusters = neardup.cluster(sigs, threshold)
    ctx.emit("clusters", (clusters, cluster_table(clusters, frame)))


def cluster_table(clusters: neardup.Clusters, frame: pl.DataFrame) -> pl.DataFrame:
    """cluster, size, mean_jaccard, rid (first row), instruction (first row's, shortened):
    one line per cluster, biggest first, for the cluster list."""
    top = clusters.top(max(clusters.count, 1)).with_columns(pl.col("rid").list.first())
    firsts = frame.select("rid", pl.col("instruction").fill_null("").str.slice(0, 120))
    return top.join(firsts, on="rid", how="left", maintain_order="left")


def compose(rids: pl.Series, sig: pl.DataFrame | None, tokens: pl.DataFrame | None,
            near: pl.DataFrame | None) -> pl.DataFrame:
    """One table of every analysis column, in ``rids`` order (rows a part lacks: null)."""
    cols = pl.DataFrame({"rid": rids})

    def attach(cols: pl.DataFrame, part: pl.DataFrame) -> pl.DataFrame:
        if part.height != cols.height or not (part.get_column("rid") == cols.get_column("rid")).all():
            part = cols.select("rid").join(part, on="rid", how="left", maintain_order="left")
        return cols.with_columns(part.drop("rid").get_columns())

    flags: list[tuple[str, str]] = []
    if sig is not None:
        cols = attach(cols, sig)
        flags += [(s.name, s.column) for s in signals.REGISTRY.values() if s.column in sig.columns]
    if near is not None:
        cols = attach(cols, near.select("rid", "near_cluster", "near_jaccard"))
        cols = cols.with_columns(pl.col("near_cluster").is_not_null().alias(f"sig_{NEAR_DUP}"))
        flags.append((NEAR_DUP, f"sig_{NEAR_DUP}"))
    if flags:
        cols = cols.with_columns(*[pl.col(c).fill_null(False) for _, c in flags])
        names = pl.concat_list([pl.when(pl.col(c)).then(pl.lit(n)).otherwise(pl.lit(None, pl.String)) for n, c in flags])
        cols = cols.with_columns(names.list.drop_nulls().alias("signals"),
                                 pl.sum_horizontal([pl.col(c).cast(pl.UInt8) for _, c in flags]).alias("n_signals"))
    if tokens is not None:
        cols = attach(cols, tokens.select("rid", *TOKEN_COLUMNS))
    return cols


def job_compose(ctx: JobContext, rids: pl.Series, sig, tokens, near) -> None:
    ctx.emit("columns", compose(rids, sig, tokens, near))


def match_words(frame: pl.DataFrame, spec: Any, *, words: pl.DataFrame | None, terms: tuple[str, ...]) -> pl.Series:
    """wordpass.word_matcher with the project's dictionary: rows the cache does not cover are
    cut here, and a jieba loaded for them must know the curator's words first."""
    loaded = "jieba" in sys.modules
    if loaded and terms:
        segment.load(terms)
    mask = wordpass.word_matcher(frame, spec, words=words)
    if not loaded and terms and "jieba" in sys.modules:  # jieba was loaded just now, without them
        segment.load(terms)
        mask = wordpass.word_matcher(frame, spec, words=words)
    return mask


# ---- the controller ------------------------------------------------------------------------------

class AnalysisCtl(QObject):
    progress = Signal(str, int, int)  # pass (PASSES), done, total
    running = Signal(str, bool)  # pass, running?
    signalsReady = Signal()
    tokensReady = Signal()
    clustersReady = Signal()
    columnsChanged = Signal()  # the session's frame now carries the newest analysis columns
    notice = Signal(str)

    def __init__(self, session, curation, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session, self.curation = session, curation
        self.lanes = {name: Lane(f"analysis-{name}", self) for name in (*PASSES, "compose")}
        for name in PASSES:
            lane = self.lanes[name]
            lane.result.connect(lambda kind, payload, n=name: self._on_result(n, kind, payload))
            lane.failed.connect(lambda message, _d, n=name: self._on_failed(n, message))
            lane.busyChanged.connect(lambda busy, n=name: self.running.emit(n, busy))
        self.lanes["compose"].result.connect(self._on_columns)
        self.threshold = neardup.DEFAULT_THRESHOLD
        self._restore_pending = False  # a project just opened: look for its token cache
        self._reset()
        self._signal_timer = self._timer(SIGNAL_DELAY_MS, self._run_signals)
        self._update_timer = self._timer(UPDATE_DELAY_MS, lambda: self._run_tokens("update"))
        session.releaseChanged.connect(self._on_release)
        session.frameReplaced.connect(lambda _frame, _changed: self._on_frame())
        curation.opened.connect(self._on_project)
        self._install_matcher()

    def _timer(self, msecs: int, slot) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(msecs)
        timer.timeout.connect(slot)
        return timer

    def _reset(self) -> None:
        self.sig: pl.DataFrame | None = None  # rid + sig_* of the frame they were computed on
        self._sig_frame: pl.DataFrame | None = None
        self.tokens: pl.DataFrame | None = None  # rid + tok_*, verb, noun
        self.words: pl.DataFrame | None = None  # rid + key + words_* (whole-word search)
        self._token_frame: pl.DataFrame | None = None
        self.sigs: neardup.Signatures | None = None
        self.clusters: neardup.Clusters | None = None
        self.cluster_list: pl.DataFrame | None = None  # cluster_table(): one line per cluster
        self._seen: pl.DataFrame | None = None  # the last plain frame looked at

    # -- state ---------------------------------------------------------------------------------------
    @property
    def project_dir(self) -> Path | None:
        c = self.curation.curation
        return None if c is None or c.read_only else Path(c.project.folder)

    def terms(self) -> list[str]:
        folder = self.project_dir
        return wordpass.user_terms(folder) if folder is not None else []

    def busy(self, name: str | None = None) -> bool:
        return any(self.lanes[n].busy for n in ([name] if name else self.lanes))

    def idle(self) -> bool:
        """No pass running or about to start (tests and shutdown)."""
        return not self.busy() and not self._signal_timer.isActive() and not self._update_timer.isActive()

    # -- following the session -------------------------------------------------------------------------
    def _on_release(self, _release) -> None:
        for lane in self.lanes.values():
            lane.cancel()
        self._reset()
        self._install_matcher()
        self._signal_timer.start()

    def _on_project(self, curation) -> None:
        # (This runs before _on_release: the curation follows the session first.)
        self._restore_pending = curation is not None

    def _on_frame(self) -> None:
        plain = self.session.plain_frame
        if plain is None or plain is self._seen:
            return  # our own columns arrived, nothing else changed
        self._seen = plain
        self._signal_timer.start()
        if self._restore_pending and plain is self.curation.frame:
            # The cache keys rows by their text as edited: restore once the project's frame is in.
            self._restore_pending = False
            folder = self.project_dir
            if folder is not None and tokencache.read_meta(folder) is not None:
                self._run_tokens("restore")
        elif self.tokens is not None and not self.lanes["tokens"].busy:
            self._update_timer.start()

    # -- passes ------------------------------------------------------------------------------------------
    def _run_signals(self) -> None:
        frame = self.session.plain_frame
        if frame is not None:
            previous = self._sig_frame
            self.lanes["signals"].submit(lambda ctx: job_signals(ctx, frame, previous))

    def run_text(self) -> bool:
        """Analyse > Run Text Analysis: tokenise what the cache lacks (everything, the first time)."""
        return self._run_tokens("run")

    def _run_tokens(self, mode: str, force: bool = False) -> bool:
        frame = self.session.plain_frame
        if frame is None:
            return False
        folder, terms = self.project_dir, self.terms()
        previous = None if force else self._token_frame
        self.lanes["tokens"].submit(lambda ctx: job_tokens(ctx, frame, folder, terms, mode, previous))
        return True

    def run_near(self, threshold: float | None = None, recompute: bool = False) -> bool:
        """Find near-duplicates (signatures once, then clustering at ``threshold``)."""
        frame = self.session.plain_frame
        if frame is None:
            return False
        if threshold is not None:
            self.threshold = float(threshold)
        if recompute:
            self.sigs = None
        sigs, t = self.sigs, self.threshold
        self.lanes["near"].submit(lambda ctx: job_near(ctx, frame, t, sigs))
        return True

    def set_threshold(self, threshold: float) -> None:
        """Re-cluster at a new threshold (the signatures are kept; nothing is recomputed)."""
        if abs(threshold - self.threshold) > 1e-9:
            self.threshold = float(threshold)
            if self.sigs is not None:
                self.run_near()

    def cancel(self) -> None:
        """Stop the text pass and the near-duplicate pass (signals are short and automatic)."""
        for name in ("tokens", "near"):
            self.lanes[name].cancel()

    def dictionary_changed(self) -> None:
        """After the user dictionary changed: recompute the rows it affects (the token cache
        knows which) and search with the new words."""
        self._install_matcher()
        if self.tokens is not None:
            self._run_tokens("update", force=True)

    def shutdown(self) -> None:
        self._signal_timer.stop()
        self._update_timer.stop()
        for lane in self.lanes.values():
            lane.cancel()
        for lane in self.lanes.values():
            lane.wait(10000)

    # -- results -------------------------------------------------------------------------------------------
    def _current(self, frame: pl.DataFrame) -> bool:
        """Was ``frame`` taken from the release still shown?"""
        plain = self.session.plain_frame
        return plain is not None and plain.height == frame.height and self.session.release is not None

    def _on_result(self, name: str, kind: str, payload) -> None:
        if kind == "progress":
            self.progress.emit(name, *payload)
        elif kind == "signals":
            frame, sig = payload
            if self._current(frame):
                self._sig_frame, self.sig = frame, sig
                self._compose()
                self.signalsReady.emit()
        elif kind == "tokens":
            frame, result = payload
            if self._current(frame):
                self._token_frame = frame
                self.tokens = result.select("rid", *TOKEN_COLUMNS)
                self.words = result.select("rid", "key", *wordpass.WORD_COLUMNS.values())
                self._install_matcher()
                self._compose()
                self.tokensReady.emit()
                if frame is not self.session.plain_frame:
                    self._update_timer.start()  # edited while we worked
        elif kind == "outdated":
            self.notice.emit(self.tr("The text analysis cache is out of date for %1 rows: "
                                     "run Analyse > Run Text Analysis to update it.").replace("%1", f"{payload:,}"))
        elif kind == "sigs":
            self.sigs = payload
        elif kind == "clusters":
            self.clusters, self.cluster_list = payload
            self._compose()
            self.clustersReady.emit()

    def _on_failed(self, name: str, message: str) -> None:
        self.notice.emit(self.tr("Analysis failed (%1): %2").replace("%1", name).replace("%2", message))

    def _compose(self) -> None:
        frame = self.session.plain_frame
        if frame is None:
            return
        rids, sig, tokens = frame.get_column("rid"), self.sig, self.tokens
        near = self.clusters.rows if self.clusters is not None else None
        self.lanes["compose"].submit(lambda ctx: job_compose(ctx, rids, sig, tokens, near))

    def _on_columns(self, _kind: str, columns: pl.DataFrame) -> None:
        if self.session.release is None:
            return
        self.session.set_columns(OWNER, columns)
        self._seen = self.session.plain_frame
        self.columnsChanged.emit()

    def _install_matcher(self) -> None:
        words = self.words
        terms = tuple(self.terms())
        self.session.set_word_matcher(functools.partial(match_words, words=words, terms=terms))


def _same_text(a: pl.DataFrame, b: pl.DataFrame) -> bool:
    return a.height == b.height and a.select("rid", *TEXT_FIELDS).equals(b.select("rid", *TEXT_FIELDS))
