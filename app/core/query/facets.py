"""Facet counts over the current filter, the way Datasette counts them.

Each facet is counted over the rows that match every OTHER condition of the filter
(its own selection skipped), so several values picked in one facet OR together while
facets AND together. A list column counts a row once per distinct value it holds.
The search mask is computed once and shared by every facet as a boolean column.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping

import polars as pl

from app.core.load import schema
from app.core.load.framefacts import MEMO, inner_duplicates

from . import convfacets, curationfacets, filters
from .filters import FilterSpec, WordMatcher

DEFAULT_LIMIT = 30
COUNT = "__n__"


@dataclass(frozen=True)
class FacetCounts:
    column: str
    values: list[tuple[str, int]]  # by count descending, then value
    total_distinct: int  # distinct values with a non-zero count
    truncated: bool  # True when values were cut by the limit ("show all")

    def as_dict(self) -> dict[str, int]:
        return dict(self.values)


def facet_columns(frame: pl.DataFrame) -> tuple[str, ...]:
    """The facet panel's columns: the schema's, plus curation status (and edited, reason,
    curator, noted, flagged: curationfacets) when the overlay added it, plus a conversation's (format, turns per row, roles) when some row stores turns."""
    conversations = ("format", *convfacets.DERIVED) if _stores_turns(frame) else ()
    return (schema.FACET_COLUMNS + conversations + (("status",) if "status" in frame.columns else ())
            + curationfacets.facet_columns(frame))


def _stores_turns(frame: pl.DataFrame) -> bool:
    return "turns" in frame.columns and bool(frame.select(pl.col("turns").list.len().fill_null(0).sum()).item())


def _has_inner_duplicates(frame: pl.DataFrame, column: str) -> bool:
    """Does any row repeat a value inside this list column? (Known per frame: the
    check costs about as much as one count, and real releases have none.)"""
    return inner_duplicates(frame, (column,))[column]


def _count_query(lf: pl.LazyFrame, column: str, frame: pl.DataFrame, made: bool = False) -> pl.LazyFrame:
    """value -> number of rows holding it, for the rows of ``lf`` (``made``: the column
    of ``lf`` is already the facet's list, filters.facet_list, without repeats)."""
    if made:
        return lf.select(column).explode(column).drop_nulls().group_by(column).agg(pl.len().alias(COUNT))
    if filters.is_list_column(column, frame.schema):
        # A row counts once per distinct value; list.unique is only paid for when needed.
        col = pl.col(column).list.unique() if _has_inner_duplicates(frame, column) else pl.col(column)
        return lf.select(col).explode(column).drop_nulls().group_by(column).agg(pl.len().alias(COUNT))
    # Group the raw values, then turn the few keys into facet text (cheaper than
    # casting every row); the second group_by merges keys that map to the same text.
    return (lf.group_by(column).agg(pl.len().alias(COUNT))
            .select(filters.facet_key(column, frame.schema).alias(column), COUNT)
            .group_by(column).agg(pl.col(COUNT).sum()))


def _finish(column: str, counts: pl.DataFrame, limit: int | None, keep: Iterable[str], keep_zero: bool = True) -> FacetCounts:
    """Sort and cap; values in ``keep`` (the selection) always stay, with 0 when absent."""
    counts = counts.sort([COUNT, column], descending=[True, False])
    total = counts.height
    shown = counts if limit is None else counts.head(limit)
    values = list(zip(shown[column].to_list(), shown[COUNT].to_list()))
    missing = set(keep) - {v for v, _ in values}
    if missing:
        found = dict(counts.filter(pl.col(column).is_in(pl.Series(sorted(missing), dtype=pl.String).implode()))
                     .select(column, COUNT).iter_rows())
        values += [(v, found.get(v, 0)) for v in missing if keep_zero or found.get(v, 0)]
        values.sort(key=lambda vc: (-vc[1], vc[0]))
    return FacetCounts(column, values, total, limit is not None and total > limit)


def _skipping(preds: dict[tuple[str, str], pl.Expr], *skip: tuple[str, str]) -> pl.Expr | None:
    parts = [e for k, e in preds.items() if k not in skip]
    return pl.all_horizontal(parts) if parts else None


def all_facet_counts(frame: pl.DataFrame, spec: FilterSpec, columns: Iterable[str] | None = None, *,
                     limit: int | None = DEFAULT_LIMIT, word_matcher: WordMatcher | None = None,
                     search_mask: pl.Series | None = None) -> dict[str, FacetCounts]:
    """Counts for every facet column, each over the filter without its own selection."""
    columns = tuple(facet_columns(frame) if columns is None else columns)
    work, scol = filters.prepare(frame, spec, word_matcher=word_matcher, mask=search_mask, extra=columns)
    filters.check_columns(work, columns)
    preds = filters.predicates(spec, frame_schema=work.schema, search_column=scol)
    # Each condition is evaluated once into a bool column; every facet's mask is then an
    # AND of those columns, shared by all columns without a selection of their own.
    names = {k: f"__p{i}__" for i, k in enumerate(preds)}
    masks: dict[str, pl.Expr] = {}
    mask_of: dict[str, str | None] = {}
    for column in columns:
        parts = [pl.col(names[k]) for k in preds if k != ("facet", column)]
        if not parts:
            mask_of[column] = None
            continue
        name = f"__m_{column}__" if ("facet", column) in preds else "__m_all__"
        masks.setdefault(name, pl.all_horizontal(parts))
        mask_of[column] = name
    lf = work.lazy()
    if masks:  # evaluated eagerly, once, rather than trusting each plan to share them
        lf = lf.with_columns(**{names[k]: e for k, e in preds.items()}).with_columns(**masks)
    made = {c: e for c in columns if (e := filters.facet_list(c, work.schema)) is not None}
    lf = lf.select(*(made[c].alias(c) if c in made else c for c in dict.fromkeys(columns)), *masks).collect().lazy()
    # Counts over the whole frame never change for a frame: memoise them (first load,
    # "clear all", and the clicked facet itself when it is the only condition).
    results: dict[str, pl.DataFrame] = {}
    for c in columns:
        if mask_of[c] is None:
            found, value = MEMO.lookup(frame, ("facet-counts", c))
            if found:
                results[c] = value
    todo = [c for c in dict.fromkeys(columns) if c not in results]
    inner_duplicates(frame, [c for c in todo if c in frame.columns])  # before the plans: they ask each column
    # the derived roles list holds no repeats, as a made list
    plans = [_count_query(lf if mask_of[c] is None else lf.filter(pl.col(mask_of[c])), c, frame,
                          c in made or c == "roles") for c in todo]
    for c, counts in zip(todo, pl.collect_all(plans)):
        results[c] = counts
        if mask_of[c] is None:
            MEMO.store(frame, ("facet-counts", c), counts)
    return {c: _finish(c, results[c], limit, spec.facet(c).include + spec.facet(c).exclude) for c in columns}


def facet_counts(frame: pl.DataFrame, spec: FilterSpec, column: str, *, limit: int | None = DEFAULT_LIMIT,
                 word_matcher: WordMatcher | None = None, search_mask: pl.Series | None = None) -> FacetCounts:
    return all_facet_counts(frame, spec, (column,), limit=limit, word_matcher=word_matcher, search_mask=search_mask)[column]


def sub_counts(frame: pl.DataFrame, spec: FilterSpec, parent_column: str, parent_value: str, child_column: str, *,
               limit: int | None = None, word_matcher: WordMatcher | None = None,
               search_mask: pl.Series | None = None) -> FacetCounts:
    """Counts of ``child_column`` among rows whose ``parent_column`` holds ``parent_value``
    (source -> subset, task_major -> task_minor), skipping both facets' own selections so
    the children add up to the parent's count. List columns are not paired element by
    element: a row with major A counts all of its minors under A."""
    filters.check_columns(frame, (parent_column, child_column))
    work, scol = filters.prepare(frame, spec, word_matcher=word_matcher, mask=search_mask)
    preds = filters.predicates(spec, frame_schema=work.schema, search_column=scol)
    preds[("parent", parent_column)] = filters.filter_expr(
        FilterSpec(facets=((parent_column, filters.FacetSel(include=(parent_value,))),)), frame_schema=frame.schema)
    expr = _skipping(preds, ("facet", parent_column), ("facet", child_column))
    lf = work.lazy() if expr is None else work.lazy().filter(expr)
    counts = _count_query(lf, child_column, frame).collect()
    sel = spec.facet(child_column)
    return _finish(child_column, counts, limit, sel.include + sel.exclude, keep_zero=False)


def length_histograms(frame: pl.DataFrame, spec: FilterSpec, fields: Iterable[str], *, bins: int = 40,
                      log: bool | Mapping[str, bool] = False, skip_own_range: bool = True,
                      word_matcher: WordMatcher | None = None,
                      search_mask: pl.Series | None = None) -> dict[str, tuple[list[float], list[int]]]:
    """``length_histogram`` for several fields, evaluating the filter's conditions once."""
    if bins < 1:
        raise ValueError("bins must be at least 1")
    fields = tuple(dict.fromkeys(fields))
    filters.check_columns(frame, fields)
    work, scol = filters.prepare(frame, spec, word_matcher=word_matcher, mask=search_mask)
    preds = filters.predicates(spec, frame_schema=work.schema, search_column=scol)
    names = {k: f"__p{i}__" for i, k in enumerate(preds)}
    base = work.lazy().select(*fields, **{names[k]: e for k, e in preds.items()}).collect()
    out = {}
    for field in fields:
        parts = [pl.col(names[k]) for k in preds if not (skip_own_range and k == ("range", field))]
        rows = base.filter(pl.all_horizontal(parts)) if parts else base
        on_log = log.get(field, False) if isinstance(log, Mapping) else log
        out[field] = _histogram(rows[field].cast(pl.Float64).drop_nulls(), field, bins, on_log)
    return out


def length_histogram(frame: pl.DataFrame, spec: FilterSpec, field: str, *, bins: int = 40, log: bool = False,
                     skip_own_range: bool = True, word_matcher: WordMatcher | None = None,
                     search_mask: pl.Series | None = None) -> tuple[list[float], list[int]]:
    """Histogram of a numeric column over the filtered rows: ``bins + 1`` edges, ``bins`` counts.

    The last bin is closed on both sides, so every matching row lands in one bin and the
    counts sum to the number of rows. ``log=True`` spaces edges evenly in log(1 + x), so
    zero-length values still count (in the first bin). Skipping the field's own range
    keeps the axis still while the curator drags that range.
    """
    return length_histograms(frame, spec, (field,), bins=bins, log=log, skip_own_range=skip_own_range,
                             word_matcher=word_matcher, search_mask=search_mask)[field]


def _histogram(values: pl.Series, field: str, bins: int, log: bool) -> tuple[list[float], list[int]]:
    lo, hi = (float(values.min()), float(values.max())) if len(values) else (0.0, 1.0)
    if hi == lo:
        hi = lo + 1.0
    if log and lo < 0:
        raise ValueError(f"log histogram needs non-negative values; {field} has {lo:g}")
    if log:
        a, b = math.log1p(lo), math.log1p(hi)
        edges = [math.expm1(a + (b - a) * i / bins) for i in range(bins + 1)]
        pos = values.log1p()
    else:
        a, b = lo, hi
        edges = [lo + (hi - lo) * i / bins for i in range(bins + 1)]
        pos = values
    edges[0], edges[-1] = lo, hi
    idx = ((pos - a) / (b - a) * bins).floor().clip(0, bins - 1).cast(pl.Int64)
    counts = [0] * bins
    for i, n in idx.value_counts().iter_rows():
        counts[i] = n
    return edges, counts


__all__ = ["DEFAULT_LIMIT", "FacetCounts", "all_facet_counts", "facet_columns", "facet_counts",
           "length_histogram", "length_histograms", "sub_counts"]
