"""The filter state as one frozen value object, and how it becomes Polars expressions.

A ``FilterSpec`` holds facet selections, numeric ranges, a text search, a sort order
and an optional row-id restriction. It is hashable (usable as a cache key), always kept
in a canonical form (so equal filters compare equal), and round-trips through compact
JSON text so a curator can copy a view and paste it back.

Semantics: within one facet, included values OR together and excluded values are
removed; facets, ranges, search and rids AND together. A list column (task_major,
task_minor, domain) matches an include set when ANY element is in it, and is excluded
when ANY element is in the exclude set.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Literal, Mapping

import polars as pl

from app.core.load import schema
from app.core.load.framefacts import MEMO

from . import convfacets, curationfacets, turnsearch
from .turnsearch import SEARCH_ROLES, SearchRole

SearchMode = Literal["literal", "regex", "word"]
SEARCH_MODES = ("literal", "regex", "word")
WordMatcher = Callable[[pl.DataFrame, "SearchSpec"], pl.Series]

# Private helper column names; the double underscores keep them clear of data columns.
ROW_INDEX = "__row__"
SEARCH_COLUMN = "__search__"
FORMAT_VERSION = 1


def _str_tuple(values: Any, what: str) -> tuple[str, ...]:
    if isinstance(values, (str, bytes)) or not isinstance(values, (tuple, list, set, frozenset)) \
            or not all(isinstance(v, str) for v in values):
        raise ValueError(f"{what} must be a sequence of strings, got {values!r}")
    return tuple(sorted(set(values)))


@dataclass(frozen=True)
class FacetSel:
    """Selection within one facet: values to include (OR) and values to exclude (NOT)."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        inc, exc = _str_tuple(self.include, "include"), _str_tuple(self.exclude, "exclude")
        if set(inc) & set(exc):
            raise ValueError(f"values both included and excluded: {sorted(set(inc) & set(exc))}")
        object.__setattr__(self, "include", inc)
        object.__setattr__(self, "exclude", exc)

    @property
    def active(self) -> bool:
        return bool(self.include or self.exclude)


def _opt_int(value: Any, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be an integer or null, got {value!r}")
    return value


@dataclass(frozen=True)
class RangeSel:
    """Inclusive bounds on a numeric column; None means unbounded."""

    min: int | None = None
    max: int | None = None

    def __post_init__(self) -> None:
        _opt_int(self.min, "range min")
        _opt_int(self.max, "range max")

    @property
    def active(self) -> bool:
        return self.min is not None or self.max is not None


@dataclass(frozen=True)
class SearchSpec:
    text: str = ""
    fields: tuple[str, ...] = schema.TEXT_FIELDS
    mode: SearchMode = "literal"
    case_sensitive: bool = False
    role: SearchRole = "any"  # whose turns are searched: any, user, assistant, system

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise ValueError(f"search text must be a string, got {self.text!r}")
        if self.mode not in SEARCH_MODES:
            raise ValueError(f"search mode must be one of {SEARCH_MODES}, got {self.mode!r}")
        if self.role not in SEARCH_ROLES:
            raise ValueError(f"search role must be one of {SEARCH_ROLES}, got {self.role!r}")
        if not isinstance(self.case_sensitive, bool):
            raise ValueError(f"case_sensitive must be true or false, got {self.case_sensitive!r}")
        fields = _str_tuple(self.fields, "search fields")
        if not fields:
            raise ValueError("search needs at least one field")
        # Canonical order: the text fields in row order, then any others alphabetically.
        order = {f: i for i, f in enumerate(schema.TEXT_FIELDS)}
        object.__setattr__(self, "fields", tuple(sorted(fields, key=lambda f: (order.get(f, len(order)), f))))

    @property
    def active(self) -> bool:
        return self.text != ""


@dataclass(frozen=True)
class SortSpec:
    column: str | None = None
    descending: bool = False

    def __post_init__(self) -> None:
        if self.column is not None and not isinstance(self.column, str):
            raise ValueError(f"sort column must be a string or null, got {self.column!r}")
        if not isinstance(self.descending, bool):
            raise ValueError(f"sort descending must be true or false, got {self.descending!r}")


def _canonical_pairs(pairs: Any, kind: type, what: str) -> tuple[tuple[str, Any], ...]:
    items = list(pairs.items()) if isinstance(pairs, Mapping) else list(pairs)
    seen: dict[str, Any] = {}
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str) and isinstance(item[1], kind)):
            raise ValueError(f"{what} entries must be (column, {kind.__name__}) pairs, got {item!r}")
        if item[0] in seen:
            raise ValueError(f"{what} column {item[0]!r} given twice")
        seen[item[0]] = item[1]
    return tuple(sorted((c, s) for c, s in seen.items() if s.active))


@dataclass(frozen=True)
class FilterSpec:
    """The whole filter state: facets, ranges, search, sort and an optional rid set."""

    facets: tuple[tuple[str, FacetSel], ...] = ()
    ranges: tuple[tuple[str, RangeSel], ...] = ()
    search: SearchSpec = field(default_factory=SearchSpec)
    sort: SortSpec = field(default_factory=SortSpec)
    rids: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "facets", _canonical_pairs(self.facets, FacetSel, "facets"))
        object.__setattr__(self, "ranges", _canonical_pairs(self.ranges, RangeSel, "ranges"))
        if not isinstance(self.search, SearchSpec) or not isinstance(self.sort, SortSpec):
            raise ValueError("search must be a SearchSpec and sort a SortSpec")
        if self.rids is not None:
            if any(isinstance(r, bool) or not isinstance(r, int) or not 0 <= r < 2**64 for r in self.rids):
                raise ValueError("rids must be unsigned 64-bit integers")
            object.__setattr__(self, "rids", tuple(sorted(set(self.rids))))

    # ---- reading ---------------------------------------------------------------------
    def facet(self, column: str) -> FacetSel:
        return dict(self.facets).get(column, FacetSel())

    def range(self, column: str) -> RangeSel:
        return dict(self.ranges).get(column, RangeSel())

    def active_count(self) -> int:
        """Active filters for the status bar: one per facet, per range, search, rid set."""
        return len(self.facets) + len(self.ranges) + int(self.search.active) + int(self.rids is not None)

    # ---- immutable updaters ------------------------------------------------------------
    def with_facet(self, column: str, sel: FacetSel) -> FilterSpec:
        rest = tuple((c, s) for c, s in self.facets if c != column)
        return replace(self, facets=rest + ((column, sel),))

    def toggle_include(self, column: str, value: str) -> FilterSpec:
        sel = self.facet(column)
        inc = set(sel.include) ^ {value}
        return self.with_facet(column, FacetSel(tuple(inc), tuple(set(sel.exclude) - {value})))

    def toggle_exclude(self, column: str, value: str) -> FilterSpec:
        sel = self.facet(column)
        exc = set(sel.exclude) ^ {value}
        return self.with_facet(column, FacetSel(tuple(set(sel.include) - {value}), tuple(exc)))

    def clear_facet(self, column: str) -> FilterSpec:
        return self.with_facet(column, FacetSel())

    def clear_all(self) -> FilterSpec:
        """Drop every filter; the sort order and the search field scope are not filters and stay."""
        return FilterSpec(search=replace(self.search, text=""), sort=self.sort)

    def with_range(self, column: str, sel: RangeSel) -> FilterSpec:
        rest = tuple((c, s) for c, s in self.ranges if c != column)
        return replace(self, ranges=rest + ((column, sel),))

    def with_search(self, search: SearchSpec) -> FilterSpec:
        return replace(self, search=search)

    def with_sort(self, sort: SortSpec) -> FilterSpec:
        return replace(self, sort=sort)

    def with_rids(self, rids: tuple[int, ...] | None) -> FilterSpec:
        return replace(self, rids=rids)

    # ---- text form ---------------------------------------------------------------------
    def to_text(self) -> str:
        """Compact JSON; only non-default parts are written, keys in a fixed order."""
        return json.dumps(_to_obj(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_text(cls, text: str) -> FilterSpec:
        try:
            obj = json.loads(text)
        except (TypeError, json.JSONDecodeError) as exc:
            raise ValueError(f"filter text is not valid JSON: {exc}") from None
        return _from_obj(obj)


def _to_obj(spec: FilterSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"v": FORMAT_VERSION}
    if spec.facets:
        out["facets"] = {c: {k: list(getattr(s, k)) for k in ("include", "exclude") if getattr(s, k)} for c, s in spec.facets}
    if spec.ranges:
        out["ranges"] = {c: {k: getattr(r, k) for k in ("min", "max") if getattr(r, k) is not None} for c, r in spec.ranges}
    default = SearchSpec()
    search = {k: getattr(spec.search, k) for k in ("text", "fields", "mode", "case_sensitive", "role")
              if getattr(spec.search, k) != getattr(default, k)}
    if "fields" in search:
        search["fields"] = list(search["fields"])
    if search:
        out["search"] = search
    if spec.sort != SortSpec():
        out["sort"] = {"column": spec.sort.column, "descending": spec.sort.descending}
    if spec.rids is not None:
        out["rids"] = [schema.rid_hex(r) for r in spec.rids]
    return out


def _obj(value: Any, what: str, keys: tuple[str, ...] | None) -> dict[str, Any]:
    """``value`` as a JSON object holding only ``keys`` (any keys when None)."""
    if not isinstance(value, dict):
        raise ValueError(f"{what} must be a JSON object, got {value!r}")
    unknown = set(value) - set(keys) if keys is not None else set()
    if unknown:
        raise ValueError(f"unknown key(s) in {what}: {sorted(unknown)}")
    return value


def _from_obj(obj: Any) -> FilterSpec:
    obj = _obj(obj, "filter", ("v", "facets", "ranges", "search", "sort", "rids"))
    if obj.get("v", FORMAT_VERSION) != FORMAT_VERSION:
        raise ValueError(f"unsupported filter format version {obj.get('v')!r} (this build reads {FORMAT_VERSION})")
    facets = tuple((c, FacetSel(**_obj(s, f"facet {c!r}", ("include", "exclude"))))
                   for c, s in _obj(obj.get("facets", {}), "facets", None).items())
    ranges = tuple((c, RangeSel(**_obj(r, f"range {c!r}", ("min", "max"))))
                   for c, r in _obj(obj.get("ranges", {}), "ranges", None).items())
    search = _obj(obj.get("search", {}), "search", ("text", "fields", "mode", "case_sensitive", "role"))
    if "fields" in search and not isinstance(search["fields"], list):
        raise ValueError("search fields must be a list of strings")
    sort = _obj(obj.get("sort", {}), "sort", ("column", "descending"))
    rids = obj.get("rids")
    if rids is not None:
        if not isinstance(rids, list) or not all(isinstance(r, str) for r in rids):
            raise ValueError("rids must be a list of 16-digit hex strings")
        try:
            rids = tuple(schema.rid_from_hex(r) for r in rids)
        except ValueError:
            raise ValueError("rids must be a list of 16-digit hex strings") from None
    try:
        return FilterSpec(facets=facets, ranges=ranges, search=SearchSpec(**search), sort=SortSpec(**sort), rids=rids)
    except TypeError as exc:  # e.g. an unhashable value where a string belongs
        raise ValueError(f"bad filter text: {exc}") from None


# ---- expressions ---------------------------------------------------------------------

def _dtype(column: str, frame_schema: Mapping[str, pl.DataType] | None) -> pl.DataType:
    if frame_schema is not None and column in frame_schema:
        return frame_schema[column]
    return schema.BASE_SCHEMA.get(column, pl.String)  # curation columns (status, reason) are text


def is_list_column(column: str, frame_schema: Mapping[str, pl.DataType] | None = None) -> bool:
    return isinstance(_dtype(column, frame_schema), pl.List)


def facet_key(column: str, frame_schema: Mapping[str, pl.DataType] | None = None) -> pl.Expr:
    """The facet value of a scalar column as text: booleans and numbers become
    "true"/"false"/"123" with "null" for missing; a missing string is ""."""
    dtype = _dtype(column, frame_schema)
    yes_no = curationfacets.yes_no_key(column, dtype)
    if yes_no is not None:
        return yes_no
    if dtype == pl.String:
        return pl.col(column).fill_null("")
    return pl.col(column).cast(pl.String).fill_null("null")


def facet_list(column: str, frame_schema: Mapping[str, pl.DataType] | None) -> pl.Expr | None:
    """A facet whose values are a list made from other columns, or None. The curation
    status: a row edited and then decided is both "edited" and its decision ("edited"
    means the text changed, whatever was decided after), so it is counted under both
    and found by either."""
    if column != "status" or frame_schema is None or "edited_fields" not in frame_schema \
            or "status" not in frame_schema:
        return None
    status = pl.col("status")
    both = status.is_in(pl.Series(["accepted", "rejected"], dtype=pl.String).implode()) & (pl.col("edited_fields").list.len() > 0)
    return pl.when(both).then(pl.concat_list(status, pl.lit("edited"))).otherwise(pl.concat_list(status))


def _facet_predicate(column: str, sel: FacetSel, frame_schema: Mapping[str, pl.DataType] | None) -> pl.Expr:
    parts = []
    made = facet_list(column, frame_schema)
    if made is not None or is_list_column(column, frame_schema):
        values_expr = made if made is not None else pl.col(column)

        def any_in(values: tuple[str, ...]) -> pl.Expr:
            return values_expr.list.eval(pl.element().is_in(pl.lit(pl.Series(values, dtype=pl.String)).implode())).list.any().fill_null(False)
        if sel.include:
            parts.append(any_in(sel.include))
        if sel.exclude:
            parts.append(~any_in(sel.exclude))
    else:
        key = facet_key(column, frame_schema)
        if sel.include:
            parts.append(key.is_in(pl.Series(sel.include, dtype=pl.String).implode()))
        if sel.exclude:
            parts.append(~key.is_in(pl.Series(sel.exclude, dtype=pl.String).implode()))
    return pl.all_horizontal(parts) if parts else pl.lit(True)


def _range_predicate(column: str, sel: RangeSel) -> pl.Expr:
    expr = pl.lit(True)
    if sel.min is not None:
        expr = expr & (pl.col(column) >= sel.min)
    if sel.max is not None:
        expr = expr & (pl.col(column) <= sel.max)
    return expr.fill_null(False)


def check_regex(pattern: str) -> None:
    """Raise ValueError naming the problem if Polars' (Rust) regex engine rejects ``pattern``."""
    try:
        pl.Series([""], dtype=pl.String).str.contains(pattern)
    except pl.exceptions.PolarsError as exc:
        msg = str(exc).split("\n\nThis error occurred", 1)[0].strip()
        raise ValueError(f"invalid regular expression {pattern!r}: {msg}") from None


def _has_case(text: str) -> bool:
    return text.lower() != text or text.upper() != text


def search_pattern(search: SearchSpec) -> tuple[str, bool]:
    """(pattern, literal) as Polars' str.contains takes them.

    Word mode maps to a literal substring: any whole-word hit is also a substring hit,
    so without a tokeniser the fallback never loses rows (it may add partial words).
    Case-insensitive literal search uses an escaped ``(?i)`` regex: measured at 48k rows
    it runs as fast as the plain literal (~11 ms), while lowercasing every text first
    took ~490 ms. Text with no cased letters (most Chinese) stays a plain literal.
    """
    if search.mode == "regex":
        check_regex(search.text)  # the curator's own pattern, so the message points into it
        return (search.text if search.case_sensitive else f"(?i){search.text}"), False
    if search.case_sensitive or not _has_case(search.text):
        return search.text, True
    return f"(?i){pl.escape_regex(search.text)}", False


def search_expr(search: SearchSpec, columns: list[str] | None = None) -> pl.Expr | None:
    """True for rows where a text of the search's role in its scope matches (turnsearch:
    every turn when all three text fields are in scope); None when the search is empty.
    ``columns``: the frame's (default: the base frame's)."""
    if not search.active:
        return None
    pattern, literal = search_pattern(search)
    return turnsearch.expr(search.fields, search.role, pattern, literal, columns or list(schema.BASE_SCHEMA))


def predicates(spec: FilterSpec, *, frame_schema: Mapping[str, pl.DataType] | None = None,
               search_column: str | None = None) -> dict[tuple[str, str], pl.Expr]:
    """Every active condition of ``spec`` keyed by (kind, name); they AND together.

    ``search_column`` names a boolean column holding a precomputed search mask.
    """
    out: dict[tuple[str, str], pl.Expr] = {}
    for column, sel in spec.facets:
        out[("facet", column)] = _facet_predicate(column, sel, frame_schema)
    for column, sel in spec.ranges:
        out[("range", column)] = _range_predicate(column, sel)
    if spec.search.active:
        out[("search", "")] = pl.col(search_column) if search_column else search_expr(spec.search)
    if spec.rids is not None:
        out[("rids", "")] = pl.col("rid").is_in(pl.Series(spec.rids, dtype=pl.UInt64).implode())
    return out


def filter_expr(spec: FilterSpec, *, skip_facet: str | None = None, skip_range: str | None = None,
                frame_schema: Mapping[str, pl.DataType] | None = None, search_column: str | None = None) -> pl.Expr:
    """One boolean expression for ``spec``, optionally without one facet's or range's own selection."""
    skip = {("facet", skip_facet), ("range", skip_range)}
    parts = [e for k, e in predicates(spec, frame_schema=frame_schema, search_column=search_column).items() if k not in skip]
    return pl.all_horizontal(parts) if parts else pl.lit(True)


# ---- running a spec over a frame -----------------------------------------------------

def search_mask(frame: pl.DataFrame, search: SearchSpec, *, word_matcher: WordMatcher | None = None) -> pl.Series | None:
    """Boolean Series (one per row of ``frame``) of rows the search matches; None when inactive."""
    if not search.active:
        return None
    matcher = word_matcher if search.mode == "word" else None

    def compute() -> pl.Series:
        if matcher is not None:
            mask = matcher(frame, search)
            if not isinstance(mask, pl.Series) or mask.dtype != pl.Boolean or len(mask) != frame.height:
                raise ValueError("word_matcher must return a Boolean Series with one value per row")
            return mask.fill_null(False).alias(SEARCH_COLUMN)
        check_columns(frame, search.fields)
        pattern, literal = search_pattern(search)
        found = turnsearch.mask(frame, search.fields, search.role, pattern, literal)
        noted = curationfacets.note_mask(frame, pattern, literal)
        return (found if noted is None else found | noted).alias(SEARCH_COLUMN)

    return MEMO.get(frame, ("search", search, matcher), compute)


def spec_columns(spec: FilterSpec) -> list[str]:
    cols = [c for c, _ in spec.facets] + [c for c, _ in spec.ranges]
    if spec.search.active:
        cols += list(spec.search.fields)
    if spec.rids is not None:
        cols.append("rid")
    if spec.sort.column:
        cols.append(spec.sort.column)
    return cols


def check_columns(frame: pl.DataFrame, columns: Any) -> None:
    missing = sorted(set(columns) - set(frame.columns))
    if missing:
        raise ValueError(f"filter refers to column(s) not in the frame: {missing}")


def prepare(frame: pl.DataFrame, spec: FilterSpec, *, word_matcher: WordMatcher | None = None,
            mask: pl.Series | None = None, extra: tuple[str, ...] = ()) -> tuple[pl.DataFrame, str | None]:
    """Check the spec against ``frame`` and attach the search mask as a boolean column,
    and the derived facet columns (convfacets: n_turns, roles) the spec or ``extra`` names.

    Returns the frame to filter and the name of its search column (None without search).
    """
    work = curationfacets.attach(convfacets.attach(frame, (*spec_columns(spec), *extra)), (*spec_columns(spec), *extra))
    check_columns(work, spec_columns(spec))
    if mask is None:
        mask = search_mask(frame, spec.search, word_matcher=word_matcher)
    if mask is None:
        return work, None
    return work.with_columns(mask.alias(SEARCH_COLUMN)), SEARCH_COLUMN


def apply(frame: pl.DataFrame, spec: FilterSpec, *, word_matcher: WordMatcher | None = None,
          search_mask: pl.Series | None = None) -> pl.Series:
    """UInt32 positions (indices into ``frame``) of matching rows, in the spec's sort order.

    Sorting is stable: ties keep frame order, nulls go last. List columns sort
    lexicographically, i.e. by their first element first.
    """
    work, scol = prepare(frame, spec, word_matcher=word_matcher, mask=search_mask)
    lf = work.lazy().with_row_index(ROW_INDEX).filter(filter_expr(spec, frame_schema=work.schema, search_column=scol))
    if spec.sort.column is not None:
        # One key with maintain_order: stable, and 4-6x faster than adding the row index as a second key.
        lf = lf.sort(spec.sort.column, descending=spec.sort.descending, nulls_last=True, maintain_order=True)
    return lf.select(ROW_INDEX).collect()[ROW_INDEX].cast(pl.UInt32).alias("row")


def count(frame: pl.DataFrame, spec: FilterSpec, *, word_matcher: WordMatcher | None = None,
          search_mask: pl.Series | None = None) -> int:
    work, scol = prepare(frame, spec, word_matcher=word_matcher, mask=search_mask)
    expr = filter_expr(spec, frame_schema=work.schema, search_column=scol)
    return int(work.lazy().select(expr.sum()).collect().item())


# ---- highlighting --------------------------------------------------------------------

def _unused_chars(text: str, n: int) -> list[str]:
    """``n`` Private Use Area characters absent from ``text`` (marker candidates)."""
    out, cp = [], 0xE000
    while len(out) < n:
        if chr(cp) not in text:
            out.append(chr(cp))
        cp += 1
    return out


def search_spans(text: str, spec: SearchSpec) -> list[tuple[int, int]]:
    """Character spans [start, end) of the non-overlapping matches of ``spec`` in ``text``.

    Regex and case-insensitive matches use the same Rust engine as the filter (Polars
    wraps each match in marker characters), so highlights agree with what was filtered.
    Empty matches are dropped: there is nothing to highlight.
    """
    if not spec.active or not text:
        return []
    pattern, literal = search_pattern(spec)
    if literal:
        spans, start = [], text.find(pattern)
        while start >= 0:
            spans.append((start, start + len(pattern)))
            start = text.find(pattern, start + len(pattern))
        return spans
    open_, close = _unused_chars(text, 2)
    marked = pl.Series([text], dtype=pl.String).str.replace_all(pattern, f"{open_}${{0}}{close}").item()
    pieces = marked.split(open_)
    spans, pos = [], len(pieces[0])
    for piece in pieces[1:]:
        match, rest = piece.split(close, 1)
        if match:
            spans.append((pos, pos + len(match)))
        pos += len(match) + len(rest)
    return spans
