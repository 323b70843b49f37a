"""Every speed and size budget stated in the issues, in one place.

Absolute budgets are given for the two reference sizes (48,375 rows: the published
release; 500,000 rows). Another size is judged by the budget of the next reference size
at or above it; beyond 500,000 rows absolute budgets no longer apply.
"""
from __future__ import annotations

from .table import NO_BUDGET, Budget

SMALL, LARGE = 48_375, 500_000
DEFAULT_SIZES = (SMALL, LARGE)

# issue 2: load to a ready frame + all facet counts, whole process, vs bare Polars
LOAD_RATIO = Budget("ratio", 1.3, "issue 2")
LOAD_MEMORY_RATIO = Budget("ratio", 1.3, "issue 2")  # at 500,000 rows only
# issue 23: a 48,375-row ShareGPT release to the inner shape, whole process, vs bare read_ndjson
LOAD_SHAREGPT_RATIO = Budget("ratio", 1.3, "issue 23")
# issue 3: interactive browsing
RECOUNT_S = {SMALL: 0.030, LARGE: 0.250}
SEARCH_S = {SMALL: 0.050, LARGE: 0.500}
# issue 23: search across every turn of a conversation release (ShareGPT), 500,000 rows
TURN_SEARCH_S = {LARGE: 0.500}
FIRST_PAINT_S = 2.0  # `python -m app RELEASE` to rows shown, 48,375 rows, warm
GUI_STALL_S = 0.050  # longest event-loop gap while loading / filtering 500,000 rows
# issue 4: curation
SAVE_S = 0.200  # 1,000 edits, 500,000-row release
EXPORT_RATIO = Budget("ratio", 1.5, "issue 4")  # 48,375 rows vs bare write_ndjson
# issue 20: scripted decisions, and a release that changed under its project
APPLY_S = 1.0  # 10,000 decisions on the 500,000-row release, after the load
STALE_EXPORT_RATIO = Budget("ratio", 1.5, "issue 20")  # export listing 1,000 stale vs export of the unchanged release
# issue 27: a team on one release (500,000 rows)
GATHER_S = 3.0  # gather 5 projects of 10,000 decisions each, after the load
DASHBOARD_S = 1.0  # the progress dashboard's computation over 10 projects
# issue 5: review mode
REVIEW_KEY_S = 0.016  # key press to next item painted, 500,000 rows
# issue 6: text analysis on 48,375 rows
TOKENISE_S = 60.0  # first full jieba pass, 2 cores
CACHE_RESTORE_S = 1.0
NEARDUP_S = 30.0
# issue 26: benchmark contamination, 48,375 rows against CMMLU + GAOKAO-Bench, 2 cores
CONTAMINATION_S = 5.0
# issue 7: the frozen app
BUNDLE_MB = 300.0
FROZEN_COLD_START_S = 2.0


def seconds(limit: float, source: str) -> Budget:
    return Budget("abs", limit, source)


def sized(table: dict[int, float], rows: int, source: str) -> Budget:
    """The absolute budget for ``rows``: that of the smallest reference size >= rows."""
    fitting = [size for size in sorted(table) if rows <= size]
    return seconds(table[fitting[0]], source) if fitting else NO_BUDGET


def at_size(budget: Budget, size: int, rows: int) -> Budget:
    """A budget that the issues state for one size only (e.g. memory at 500,000 rows)."""
    return budget if rows == size else NO_BUDGET
