"""Which rows an export writes and how it keeps their provenance, decided before any
writer runs: the rows of a view (the app's filter value), accepted rows only, the layout
a release calls for, and the locator spliced into each row when asked.

The writers only take the result: ``rows`` (the rids to write; the others are left out
like rejected rows, counted as not chosen) and ``with_locator``.
"""
from __future__ import annotations

from pathlib import Path

import polars as pl

from app.core.curate.overlay import Overlay
from app.core.query import filters
from app.core.query.filters import FilterSpec
from app.core.query.views import ViewStore



def chosen_rids(release, overlay: Overlay | None, spec: FilterSpec | None, *, accepted_only: bool = False,
                word_matcher=None) -> pl.Series:
    """The rids the export writes: the rows of ``spec`` (None: every row) over the curated
    state (edits applied, status known), only the accepted ones with ``accepted_only``."""
    frame = (overlay or Overlay()).current_frame(release.frame)
    if spec is not None:
        frame = frame[filters.apply(frame, spec, word_matcher=word_matcher)]
    if accepted_only:
        frame = frame.filter(pl.col("status") == "accepted")
    return frame.get_column("rid")


def default_layout(release) -> str:
    """A release of several files (a folder of subsets) exports as its tree: re-opened, each
    row's source and subset are what they were. One file exports as one file."""
    files = [f.rel for f in release.report.file_infos] or release.frame.get_column("file").unique().to_list()
    return "tree" if len(files) > 1 or "/" in (files[0] if files else "") else "single"


def view_from_text(text: str, views: Path | str | None) -> FilterSpec:
    """A view as the CLI takes it: the filter text the app copies (Ctrl+Shift+C), or the
    name of a view saved in the app (``views``: its views.json)."""
    text = text.strip()
    if text.startswith("{"):
        return FilterSpec.from_text(text)
    store = ViewStore(views) if views is not None else None
    if store is None or text not in store:
        raise ValueError(f"no saved view named {text!r} (give a saved view's name or the filter text "
                         f"the app copies with Ctrl+Shift+C)")
    return store.get(text)


def locator(release) -> dict[str, dict[int, dict]]:
    """Per file, per line: the ``_source`` object of the row there."""
    out: dict[str, dict[int, dict]] = {}
    for file, line, subset, source in release.frame.select("file", "line", "subset", "source").iter_rows():
        out.setdefault(file, {})[line] = {"file": file, "line": line, "subset": subset, "source": source}
    return out


def left_out(release, rows: pl.Series | None) -> dict[str, set[int]]:
    """Per file, the lines of the rows not among ``rows`` (None: none left out)."""
    if rows is None:
        return {}
    gone = release.frame.select("rid", "file", "line").join(rows.to_frame("rid").unique(), on="rid", how="anti")
    out: dict[str, set[int]] = {}
    for file, lines in gone.group_by("file").agg("line").iter_rows():
        out[file] = set(lines)
    return out
