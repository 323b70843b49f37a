"""Figure 6 (issue 6) on the 48,375-row release: the first full jieba pass (app.core.text.wordpass,
process pool over the cores), restoring it from the token cache (app.core.text.tokencache),
and the near-duplicate pass (app.core.text.neardup). Each group runs in its own fresh child, so the pool and jieba's
dictionary start cold as they would in the app.

Baselines: jieba.lcut(HMM=False) in one process over the same distinct texts the app
cuts (the app segments without the HMM too); datasketch MinHash + LSH insert of the
same rows' text in one process (no candidate verification or clustering). All of it takes minutes and has absolute budgets only, so --quick skips it.
"""
from __future__ import annotations

import time

from . import budgets
from .table import Row, from_result, na

TOKENISE = "tokenising pass (jieba, all cores)"
RESTORE = "token cache restore"
NEARDUP = "near-duplicate pass"
TEXT_FIELDS = ("instruction", "input", "output")


# ---- child side -----------------------------------------------------------------------

def _distinct_texts(frame) -> list[str]:
    texts: list[str] = []
    for f in TEXT_FIELDS:
        texts += [t for t in frame.get_column(f).fill_null("").unique(maintain_order=True).to_list()]
    return texts


def child_tokenise(job) -> dict:
    if why := _missing("app.core.text.wordpass", "jieba"):
        return {"tokenise": {"na": why}, "restore": {"na": why}}
    from app.core.text import wordpass

    frame = job.frame
    start = time.perf_counter()
    tokens = wordpass.tokenise(frame)
    app_s = time.perf_counter() - start
    chars = sum(len(t) for t in _distinct_texts(frame))
    out = {"tokenise": {"app_s": app_s, "repeats": 1, "note": f"{chars / 1e6:.1f} M distinct chars"}}
    out["restore"] = _restore(job, tokens)
    return out


def child_jieba(job) -> dict:
    import jieba

    texts = _distinct_texts(job.frame)
    start = time.perf_counter()
    jieba.initialize()
    for t in texts:
        jieba.lcut(t, HMM=False)
    return {"base_s": time.perf_counter() - start}


def _restore(job, tokens) -> dict:
    """Save the pass to the token cache of a scratch project (untimed), then time what a
    reopening app does: tokencache.ensure, which finds every row cached."""
    if why := _missing("app.core.text.tokencache"):
        return {"na": why}
    from app.core.text import tokencache

    from .job import best

    project = job.work / "project"
    project.mkdir(parents=True, exist_ok=True)
    tokencache.save(job.frame, project, tokens)
    got = []
    reps = max(3, job.repeats)
    app_s = best(lambda: got.append(tokencache.ensure(job.frame, project)), reps)
    missing_rows = int(got[-1].get_column(got[-1].columns[1]).is_null().sum())
    note = "tokencache.ensure, all rows cached" + (f"; {missing_rows:,} rows without a result" if missing_rows else "")
    return {"app_s": app_s, "repeats": reps, "note": note}


def child_neardup(job) -> dict:
    if why := _missing("app.core.text.neardup", "datasketch"):
        return {"na": why}
    from app.core.text import neardup

    find = getattr(neardup, "find_near_duplicates", None)
    if not callable(find):
        return {"na": "app.core.text.neardup has no find_near_duplicates()"}
    start = time.perf_counter()
    clusters = find(job.frame)
    app_s = time.perf_counter() - start
    count = getattr(clusters, "count", None)
    note = f"{count:,} clusters at the default threshold" if isinstance(count, int) else ""
    return {"app_s": app_s, "repeats": 1, "note": note}


def child_datasketch(job) -> dict:
    """datasketch MinHash (update_batch per row) + MinHashLSH insert, one process, with the
    app's n-gram size, permutation count, threshold and compared text."""
    from datasketch import MinHash, MinHashLSH

    from app.core.text import neardup

    n = int(getattr(neardup, "DEFAULT_NGRAM", 4))
    perms = int(getattr(neardup, "DEFAULT_PERM", 128))
    threshold = float(getattr(neardup, "DEFAULT_THRESHOLD", 0.7))
    frame = job.frame
    expr = neardup.normalised_text(frame) if hasattr(neardup, "normalised_text") else None
    texts = frame.select(expr).to_series().to_list() if expr is not None else frame["output"].fill_null("").to_list()
    start = time.perf_counter()
    template = MinHash(num_perm=perms)
    lsh = MinHashLSH(threshold=threshold, num_perm=perms)
    with lsh.insertion_session() as session:
        for i, t in enumerate(texts):
            m = MinHash(num_perm=perms, permutations=template.permutations, scheme=template.scheme)
            m.update_batch([t[j:j + n].encode("utf-8") for j in range(max(1, len(t) - n + 1))])
            session.insert(i, m, check_duplication=False)
    return {"base_s": time.perf_counter() - start,
            "baseline": f"datasketch MinHash+LSH insert ({n}-grams, {perms} perms), 1 process"}


def _missing(*modules: str) -> str | None:
    from .job import missing

    return missing(*modules)


CHILD_TOKENISE = {"tokenise": child_tokenise}
CHILD_NEARDUP = {"neardup": child_neardup}
CHILD_BASELINES = {"jieba": child_jieba, "datasketch": child_datasketch}


# ---- parent side ----------------------------------------------------------------------

def measure(ctx, rows: int) -> list[Row]:
    small = rows <= budgets.SMALL
    if ctx.quick:  # minutes of work, absolute budgets only: nothing for the CI gate
        reason = "skipped in --quick: absolute budgets, measured by the full run"
        return [na(TOKENISE, rows, reason, budgets.seconds(budgets.TOKENISE_S, "issue 6")),
                na(RESTORE, rows, reason, budgets.seconds(budgets.CACHE_RESTORE_S, "issue 6")),
                na(NEARDUP, rows, reason, budgets.seconds(budgets.NEARDUP_S, "issue 6"))]
    release = ctx.release(rows, tree=True)
    # The app's figures first; the slow single-process baselines then get what time is left.
    res = ctx.child("tokenise", release, 1, timeout=400)
    got = res.get("tokenise", res.get("*", {}))
    if "tokenise" not in got:
        got = {"tokenise": got, "restore": got}
    res = ctx.child("neardup", release, 1, timeout=300)
    near = res.get("neardup", res.get("*", {}))
    _add_baseline(ctx, release, got["tokenise"], "jieba", factor=2.5)
    _add_baseline(ctx, release, near, "datasketch", factor=8.0)
    budget = (lambda limit: budgets.seconds(limit, "issue 6") if small else budgets.NO_BUDGET)
    return [
        from_result(TOKENISE, rows, got["tokenise"], "jieba.lcut, 1 process", budget(budgets.TOKENISE_S)),
        from_result(RESTORE, rows, got["restore"], "", budget(budgets.CACHE_RESTORE_S)),
        from_result(NEARDUP, rows, near, "datasketch MinHash+LSH insert, 1 process", budget(budgets.NEARDUP_S)),
    ]


def _add_baseline(ctx, release, result: dict, name: str, *, factor: float) -> None:
    """Run baseline ``name`` in its own cold child, only when the app's figure exists and
    the run's time budget has room for it (expected: ``factor`` x the app's time, as
    measured on this machine: jieba ~2.5x the 2-core pass, datasketch ~7x the numpy pass).
    Its failure is a note on the row, never the loss of the app's number."""
    if result.get("app_s") is None:
        return
    if ctx.time_left() < factor * result["app_s"] + 30:
        result["note"] = (result.get("note", "") + "; baseline skipped to keep the run under its time budget").lstrip("; ")
        return
    res = ctx.child("baselines", release, 1, timeout=300, only=name)
    base = res.get(name, res.get("*", {}))
    if base.get("base_s") is not None:
        result["base_s"] = base["base_s"]
        if base.get("baseline"):
            result["baseline"] = base["baseline"]
    else:
        result["note"] = (result.get("note", "") + f"; baseline failed: {base.get('error', 'no result')}").lstrip("; ")
