"""Figures 2 and 3 (issue 3): facet recount after one click, and substring search over
the three text fields, measured in-process after the load, beside the same work done
with bare Polars expressions in the same process; and (issue 23) the search across every
turn of a ShareGPT release (sharegpt.py), beside bare Polars doing the same search.

The tree release is used, so `source` has a value per subset folder to click on.
"""
from __future__ import annotations

import itertools

from . import budgets, sharegpt
from .table import Row, from_result

SEARCH_TERM = "中国"  # a common 2-char word: many matches, the scan is the same for rare ones
RECOUNT = "facet recount after one click"
SEARCH = "substring search, 3 fields"


# ---- child side -----------------------------------------------------------------------

def _click_values(frame) -> list[str]:
    """Two mid-sized source values to toggle between (neither the whole release nor empty)."""
    counts = frame["source"].value_counts(sort=True)["source"].to_list()
    picks = counts[1:3] if len(counts) >= 3 else counts
    return picks * (1 if len(picks) > 1 else 2)


def child_recount(job) -> dict:
    import polars as pl

    from app.core.load.schema import FACET_COLUMNS
    from app.core.query.facets import all_facet_counts
    from app.core.query.filters import FacetSel, FilterSpec

    from .job import best, forget_results

    frame = job.frame
    values = _click_values(frame)
    specs = [FilterSpec(facets=(("source", FacetSel(include=(v,))),)) for v in values]
    turn = itertools.count()
    fresh = [frame]

    def setup() -> None:  # a new frame object and empty memos: no cached result is reused
        forget_results()
        fresh[0] = frame.clone()

    def app() -> None:
        all_facet_counts(fresh[0], specs[next(turn) % len(specs)], FACET_COLUMNS, limit=None)

    lists = {c for c in FACET_COLUMNS if isinstance(frame.schema[c], pl.List)}
    bare_turn = itertools.count()

    def bare() -> None:
        value = values[next(bare_turn) % len(values)]
        lf = frame.lazy()
        picked = lf.filter(pl.col("source") == value)
        plans = []
        for c in FACET_COLUMNS:  # each facet over the filter without its own selection
            src = lf if c == "source" else picked
            if c in lists:
                plans.append(src.select(pl.col(c).list.unique()).explode(c).drop_nulls().group_by(c).len())
            else:
                plans.append(src.group_by(c).len())
        pl.collect_all(plans)

    app(), bare()  # warm-up: thread pool, first-call costs
    reps = max(5, job.repeats * 3)  # cheap: more repeats steady the minimum
    return {"app_s": best(app, reps, setup=setup), "base_s": best(bare, reps), "repeats": reps,
            "note": f"toggle source={'/'.join(dict.fromkeys(values))}, {len(FACET_COLUMNS)} facets, limit=None"}


def child_search(job) -> dict:
    import polars as pl

    from app.core.load.schema import TEXT_FIELDS
    from app.core.query import filters
    from app.core.query.filters import FilterSpec, SearchSpec

    from .job import best, forget_results

    frame = job.frame
    spec = FilterSpec(search=SearchSpec(text=SEARCH_TERM))
    hits: list[int] = []
    fresh = [frame]

    def setup() -> None:  # a cached search mask would time nothing
        forget_results()
        fresh[0] = frame.clone()

    def app() -> None:
        hits.append(filters.count(fresh[0], spec))

    expr = pl.any_horizontal([pl.col(f).str.contains(SEARCH_TERM, literal=True) for f in TEXT_FIELDS]).sum()

    def bare() -> None:
        hits.append(int(frame.select(expr).item()))

    app(), bare()
    reps = max(5, job.repeats * 3)
    app_s, base_s = best(app, reps, setup=setup), best(bare, reps)
    note = f"literal {SEARCH_TERM!r}, {hits[0]:,} hits"
    if len(set(hits)) > 1:
        note += f"; app and bare disagree: {sorted(set(hits))}"
    return {"app_s": app_s, "base_s": base_s, "repeats": reps, "note": note}


TURN_TERM = "医生"  # common in the medical conversations, rare in the tool and DPO demos
TURNS = "search across all turns"


def child_turns(job) -> dict:
    import polars as pl

    from app.core.load.schema import TEXT_FIELDS
    from app.core.query import filters
    from app.core.query.filters import FilterSpec, SearchSpec

    from .job import best, forget_results

    frame = job.frame
    spec = FilterSpec(search=SearchSpec(text=TURN_TERM))
    hits: list[int] = []
    fresh = [frame]

    def setup() -> None:
        forget_results()
        fresh[0] = frame.clone()

    def app() -> None:
        hits.append(filters.count(fresh[0], spec))

    def contains(e):
        return e.str.contains(TURN_TERM, literal=True)

    def bare() -> None:  # the same search: the text columns and system, and every turn laid flat
        lf = frame.lazy().with_row_index("i")
        cols = lf.filter(pl.any_horizontal([contains(pl.col(c)) for c in (*TEXT_FIELDS, "system")])).select("i")
        flat = (lf.select("i", "turns").explode("turns").select("i", pl.col("turns").struct.field("text"))
                .filter(contains(pl.col("text"))).select("i"))
        hits.append(pl.concat([cols, flat]).unique().select(pl.len()).collect().item())

    app(), bare()
    reps = max(5, job.repeats * 3)
    app_s, base_s = best(app, reps, setup=setup), best(bare, reps)
    formats = ", ".join(f"{k} {v:,}" for k, v in sorted(frame["format"].value_counts().iter_rows()))
    turns = int(frame["turns"].list.len().sum())
    note = f"literal {TURN_TERM!r}, {hits[0]:,} hits; {turns:,} turns ({formats})"
    if len(set(hits)) > 1:
        note += f"; app and bare disagree: {sorted(set(hits))}"
    return {"app_s": app_s, "base_s": base_s, "repeats": reps, "note": note}


CHILD = {"recount": child_recount, "search": child_search, "turns": child_turns}


# ---- parent side ----------------------------------------------------------------------

def measure(ctx, rows: int) -> list[Row]:
    release = ctx.release(rows, tree=True)
    res = ctx.child("browse", release, ctx.reps(rows), timeout=120 + rows / 2_000, only="recount,search")
    return [
        from_result(RECOUNT, rows, res.get("recount", res.get("*")), "bare Polars filter + group_by",
                    budgets.sized(budgets.RECOUNT_S, rows, "issue 3")),
        from_result(SEARCH, rows, res.get("search", res.get("*")), "bare any_horizontal(str.contains)",
                    budgets.sized(budgets.SEARCH_S, rows, "issue 3")),
    ]


def turns_budget(rows: int):
    return budgets.sized(budgets.TURN_SEARCH_S, rows, "issue 23")


def measure_turns(ctx, rows: int) -> list[Row]:
    """Search across every turn of a ShareGPT release of ``rows`` rows (built like the
    `sharegpt` load figure's), app and bare Polars in one child."""
    try:
        path = sharegpt.ensure(ctx.cache, rows, ctx.seed, log=ctx.log)
    except RuntimeError as exc:
        return [na(TURNS, rows, str(exc), turns_budget(rows), "bare Polars explode + str.contains")]
    res = ctx.child("browse", path, ctx.reps(rows), timeout=180 + rows / 1_000, only="turns")
    return [from_result(TURNS, rows, res.get("turns", res.get("*")), "bare Polars explode + str.contains",
                        turns_budget(rows))]
