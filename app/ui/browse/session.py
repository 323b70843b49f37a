"""The browse state the widgets share: the loaded release, the FilterSpec, and the
latest results for it (row positions, facet counts, histograms), kept current by
background jobs. Decisions (what matches, how it counts) are the core's; this class
only routes a spec to the worker and results back to whoever listens.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from PySide6.QtCore import QObject, Signal

from app.core.load.loader import Progress, Release, load_release
from app.core.load.schema import TEXT_FIELDS
from app.core.query import facets as core_facets
from app.core.query import filters
from app.core.query.facets import FacetCounts
from app.core.query.filters import FilterSpec
from app.ui.common.workers import JobContext, Lane, Throttle

# Parent facet -> child facet shown nested under each parent value.
CHILD_FACETS = {"source": "subset", "task_major": "task_minor"}
LENGTH_FIELDS = tuple(f"len_{f}" for f in TEXT_FIELDS)
WORD_FIELDS = tuple(f"tok_{f}" for f in TEXT_FIELDS)  # jieba word counts, once the text pass ran (app/ui/analysis)
# facets of the analysis columns (set_columns), when present; contamination: overlap bins (app/ui/analysis)
ANALYSIS_FACETS = ("signals", "contamination", "verb", "noun")
HISTOGRAM_BINS = 40
DEFAULT_LOG = True  # lengths are heavy-tailed: a linear axis squeezes most rows into one bar


@dataclass(frozen=True)
class FacetsResult:
    spec: FilterSpec
    counts: dict[str, FacetCounts]
    subs: dict[tuple[str, str], FacetCounts] = field(default_factory=dict)


def top_facet_columns(frame: pl.DataFrame) -> tuple[str, ...]:
    """The panel's top-level facets: the core's list minus the nested children."""
    children = set(CHILD_FACETS.values())
    return tuple(c for c in core_facets.facet_columns(frame) if c not in children) \
        + tuple(c for c in ANALYSIS_FACETS if c in frame.columns)


def histogram_columns(frame: pl.DataFrame) -> tuple[str, ...]:
    """Length histograms: characters always, jieba words once the frame has them."""
    return LENGTH_FIELDS + tuple(c for c in WORD_FIELDS if c in frame.columns)


def with_extras(frame: pl.DataFrame, extras: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """``frame`` plus every extra's columns (rid + columns). Extras computed from a frame
    with the same rows in the same order are attached as they are (no copy); otherwise
    they are joined on rid, and rows they lack get nulls.

    This runs on the GUI thread (replace_frame), so the common case only regroups the
    columns: ``with_columns`` would queue on Polars' thread pool behind whatever query a
    worker is running (a second, at times)."""
    for cols in extras.values():
        if cols.height != frame.height or not (cols.get_column("rid") == frame.get_column("rid")).all():
            cols = frame.select("rid").join(cols, on="rid", how="left", maintain_order="left")
        merged = {s.name: s for s in frame.get_columns()}  # a same-named column is replaced in place
        merged.update((s.name, s) for s in cols.get_columns() if s.name != "rid")
        frame = pl.DataFrame(list(merged.values()))
    return frame


def run_query(ctx: JobContext, frame: pl.DataFrame, spec: FilterSpec, parts: frozenset[str],
              expanded: tuple[tuple[str, str], ...], log: dict[str, bool], word_matcher=None) -> None:
    """The query job: rows first (what the curator waits for), then counts, then charts."""
    mask = filters.search_mask(frame, spec.search, word_matcher=word_matcher)
    if "rows" in parts:
        rows = filters.apply(frame, spec, search_mask=mask).to_numpy()
        if not ctx.emit("rows", (spec, rows)):
            return
    if "facets" in parts or "subs" in parts:
        counts = core_facets.all_facet_counts(frame, spec, top_facet_columns(frame), limit=None,
                                              search_mask=mask) if "facets" in parts else {}
        subs = {(p, v): core_facets.sub_counts(frame, spec, p, v, CHILD_FACETS[p], search_mask=mask)
                for p, v in expanded if p in frame.columns and CHILD_FACETS[p] in frame.columns}
        if not ctx.emit("facets", FacetsResult(spec, counts, subs)):
            return
    for column in histogram_columns(frame):
        if "histograms" in parts and not ctx.stale():
            on = log.get(column, DEFAULT_LOG)
            edges, counts = core_facets.length_histogram(frame, spec, column, bins=HISTOGRAM_BINS, log=on,
                                                         search_mask=mask)
            ctx.emit("histogram", (spec, column, edges, counts, on))


def materialise(frame: pl.DataFrame) -> pl.DataFrame:
    """Polars keeps a column holding one value per file (file, source) compact until it is
    first read, then builds the full column (~10 ms at 500,000 rows). Read them here, in
    the worker, so the GUI thread's first paint of the rows does not pay for it."""
    for name in frame.columns:
        frame.get_column(name)  # (get_columns() builds them but does not keep them)
    return frame


def run_load(ctx: JobContext, paths: list[str]) -> None:
    throttle = Throttle(0.05)

    def progress(p: Progress) -> None:
        if throttle.ready(final=p.bytes_done >= p.bytes_total):
            ctx.emit("progress", p)

    from PySide6.QtCore import QStandardPaths

    from app.core.store.release_formats import project_shapes

    # each file in the format its project keeps for it (Edit > Map Fields of This File…),
    # the project found as the curation finds it (Qt's app data folder: the demo's)
    app_data = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    release = load_release(paths, progress=progress, cancel=ctx.stale, shapes=project_shapes(paths, app_data))
    size = sum(f.size for f in release.report.file_infos)
    ctx.emit("progress", Progress(size, size, len(release.report.file_infos), len(release.report.file_infos), "",
                                  phase="preparing"))
    materialise(release.frame)
    ctx.emit("loaded", release)


class BrowseSession(QObject):
    releaseChanged = Signal(object)  # Release
    frameReplaced = Signal(object, object)  # frame, changed positions (numpy) or None
    loadProgress = Signal(object)  # Progress
    loadFinished = Signal(bool, str)  # ok, message ("" when ok)
    specChanged = Signal(object)  # FilterSpec
    rowsReady = Signal(object)  # numpy uint32 positions in sort order
    facetsReady = Signal(object)  # FacetsResult
    histogramReady = Signal(str, object, object, bool)  # column, edges, counts, log
    busyChanged = Signal(bool)
    error = Signal(str)
    # A word search waits for the word index (the text pass): the spec that waits, or None
    # once it can run. The rows shown meanwhile are none, never an older query's.
    wordsNeeded = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.release: Release | None = None
        self.frame: pl.DataFrame | None = None
        self.spec = FilterSpec()
        self._good_spec = self.spec  # the last spec whose rows arrived
        self.positions = np.zeros(0, dtype=np.uint32)
        self.facets: FacetsResult | None = None
        self.expanded: set[tuple[str, str]] = set()
        self.log_scale: dict[str, bool] = {}
        self._plain: pl.DataFrame | None = None  # the frame as given, before the extra columns
        self._extras: dict[str, pl.DataFrame] = {}  # owner -> rid + columns (see set_columns)
        self.word_matcher = None  # filters.WordMatcher for the search's word mode (the analysis installs it)
        self.waiting_words = False  # a word search waits for the matcher (wordsNeeded)
        self.loading_paths: list[str] = []
        self._pending: set[str] = set()
        self._load = Lane("load", self)
        self._query = Lane("query", self)
        self._load.result.connect(self._on_load_result)
        self._load.failed.connect(self._on_load_failed)
        self._query.result.connect(self._on_query_result)
        self._query.failed.connect(self._on_query_failed)
        self._query.busyChanged.connect(self.busyChanged)

    # -- loading ----------------------------------------------------------------------
    @property
    def loading(self) -> bool:
        return bool(self.loading_paths)

    def open(self, paths: list[str | Path]) -> None:
        self.loading_paths = [str(p) for p in paths]
        self._load.submit(lambda ctx, p=list(self.loading_paths): run_load(ctx, p))

    def cancel_load(self) -> bool:
        if not self.loading:
            return False
        self._load.cancel()
        self.loading_paths = []
        self.loadFinished.emit(False, self.tr("Loading cancelled."))
        return True

    def _on_load_result(self, kind: str, payload: Any) -> None:
        if kind == "progress":
            self.loadProgress.emit(payload)
        elif kind == "loaded":
            self.loading_paths = []
            self.set_release(payload)
            self.loadFinished.emit(True, "")

    def _on_load_failed(self, message: str, _detail: str) -> None:
        self.loading_paths = []
        self.loadFinished.emit(False, message)

    def set_release(self, release: Release) -> None:
        """Show a loaded release: every row at once, counts follow from the worker."""
        self._query.cancel()
        self.release, self.frame = release, release.frame
        self._plain = release.frame
        self._extras.clear()
        self.expanded.clear()
        self.facets = None
        sort = self.spec.sort if self.spec.sort.column in release.frame.columns else filters.SortSpec()
        self.spec = self._good_spec = FilterSpec(search=replace(self.spec.search, text=""), sort=sort)
        self.releaseChanged.emit(release)
        self.specChanged.emit(self.spec)
        if sort.column is None:
            # The unfiltered, unsorted view is just 0..n-1: paint it now, no worker needed.
            self.positions = np.arange(self.frame.height, dtype=np.uint32)
            self.rowsReady.emit(self.positions)
            self._request({"facets", "histograms"})
        else:
            self._request({"rows", "facets", "histograms"})

    def replace_frame(self, frame: pl.DataFrame, changed=None) -> None:
        """Swap in a frame with the same rows in the same order (e.g. with curation columns
        or edits applied) and recount in the background. ``changed`` holds the frame
        positions whose cells changed (None: any may have)."""
        self._plain = frame
        if self._extras:
            frame = with_extras(frame, self._extras)
        self.frame = frame
        self.frameReplaced.emit(frame, changed)
        self._request({"rows", "facets", "histograms"})

    @property
    def plain_frame(self) -> pl.DataFrame | None:
        """The frame as last given (release or curation), without the extra columns."""
        return self._plain

    def set_columns(self, owner: str, columns: pl.DataFrame | None) -> None:
        """Show ``owner``'s extra columns (rid + columns, e.g. quality signals, word counts)
        in every frame from now on, replacing its earlier ones; None removes them."""
        if columns is None and owner not in self._extras:
            return
        if columns is None:
            del self._extras[owner]
        else:
            self._extras[owner] = columns
        if self._plain is not None:
            self.replace_frame(self._plain)

    def set_word_matcher(self, matcher) -> None:
        """The whole-word matcher the word search mode uses (filters.WordMatcher); None
        until the word index is built: a word search then waits for it (wordsNeeded)."""
        self.word_matcher = matcher
        if self.spec.search.active and self.spec.search.mode == "word":
            self._request({"rows", "facets", "histograms"})

    def _needs_words(self, spec: FilterSpec) -> bool:
        return spec.search.active and spec.search.mode == "word" and self.word_matcher is None

    # -- filtering --------------------------------------------------------------------
    @property
    def rows_spec(self) -> FilterSpec:
        """The spec ``positions`` answer (``spec`` may be newer, its rows still coming)."""
        return self._good_spec

    @property
    def total_rows(self) -> int:
        return 0 if self.frame is None else self.frame.height

    def set_spec(self, spec: FilterSpec) -> None:
        if spec == self.spec:
            return
        sort_only = replace(spec, sort=self.spec.sort) == self.spec
        self.spec = spec
        self.specChanged.emit(spec)
        self._request({"rows"} if sort_only else {"rows", "facets", "histograms"})

    def expand(self, column: str, value: str, expanded: bool = True) -> None:
        key = (column, value)
        if expanded and key not in self.expanded:
            self.expanded.add(key)
            self._request({"subs"})
        elif not expanded:
            self.expanded.discard(key)

    def set_log_scale(self, column: str, log: bool) -> None:
        if self.log_scale.get(column, DEFAULT_LOG) != log:
            self.log_scale[column] = log
            self._request({"histograms"})

    def _request(self, parts: set[str]) -> None:
        # Parts a superseded job had not delivered yet ride along with the new one.
        self._pending |= parts
        if self.frame is None:
            return
        if self._needs_words(self.spec):
            # Cutting words on the fly would leave an older query's rows on screen for
            # seconds: show none for this query and have the index built (with progress
            # and Cancel); it runs once the matcher is installed.
            self._query.cancel()
            self.waiting_words = True
            self._good_spec = self.spec
            self.positions = np.zeros(0, dtype=np.uint32)
            self.rowsReady.emit(self.positions)
            self.wordsNeeded.emit(self.spec)
            return
        if self.waiting_words:
            self.waiting_words = False
            self.wordsNeeded.emit(None)
        frame, spec, pending = self.frame, self.spec, frozenset(self._pending)
        expanded, log, matcher = tuple(sorted(self.expanded)), dict(self.log_scale), self.word_matcher
        self._query.submit(lambda ctx: run_query(ctx, frame, spec, pending, expanded, log, matcher))

    def _on_query_result(self, kind: str, payload: Any) -> None:
        if kind == "rows":
            self._pending.discard("rows")
            self._good_spec = payload[0]
            self.positions = payload[1]
            self.rowsReady.emit(self.positions)
        elif kind == "facets":
            self._pending -= {"facets", "subs"}
            if not payload.counts and self.facets is not None:  # subs only: keep the counts we have
                payload = FacetsResult(payload.spec, self.facets.counts, {**self.facets.subs, **payload.subs})
            self.facets = payload
            self.facetsReady.emit(payload)
        elif kind == "histogram":
            _spec, column, edges, counts, log = payload
            if column == histogram_columns(self.frame)[-1]:
                self._pending.discard("histograms")
            self.histogramReady.emit(column, edges, counts, log)

    def _on_query_failed(self, message: str, _detail: str) -> None:
        """A spec the frame cannot run (e.g. a pasted view naming a column this release
        lacks): say why and go back to the last spec that ran."""
        self._pending.clear()
        self.error.emit(message)
        if self.spec != self._good_spec:
            self.spec = self._good_spec
            self.specChanged.emit(self.spec)
            self._request({"rows", "facets", "histograms"})

    # -- tests and shutdown -------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._query.busy or self._load.busy

    def wait_idle(self, msecs: int = 30000) -> bool:
        return self._load.wait(msecs) and self._query.wait(msecs)

    def shutdown(self) -> None:
        self._load.cancel()
        self._query.cancel()
        self.wait_idle(5000)
