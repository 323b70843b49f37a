"""A filter in a few words for titles and confirmations ('source: zhihu, not wiki ·
search “豆浆”'): column names and values as they are (data, not UI text)."""
from __future__ import annotations

from .filters import FilterSpec


def describe(spec: FilterSpec, limit: int = 120) -> str:
    """The active parts of ``spec``, shortest first in meaning; '' when nothing filters.
    Longer than ``limit`` characters: cut with an ellipsis (a title must stay readable)."""
    parts = []
    for column, sel in spec.facets:
        values = list(sel.include) + [f"not {v}" for v in sel.exclude]
        parts.append(f"{column}: {', '.join(values)}")
    for column, sel in spec.ranges:
        lo = "" if sel.min is None else f"{sel.min:,}"
        hi = "" if sel.max is None else f"{sel.max:,}"
        parts.append(f"{column} {lo}–{hi}")
    if spec.search.active:
        parts.append(f"search \u201c{spec.search.text}\u201d")
    if spec.rids is not None:
        parts.append(f"{len(spec.rids):,} chosen rows")
    text = " · ".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"
