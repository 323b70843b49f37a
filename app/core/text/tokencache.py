"""The tokenising pass's results, cached in the curation project.

One Parquet file, ``<project>/cache/tokens.parquet``: per row its rid, a content key
(a hash of instruction, input, output, system text and turns as they are now, so an
edited row no longer matches) and wordpass.RESULT_SCHEMA's columns. The user dictionary it was computed with is
kept in the file's metadata; when the project's terms change, exactly the rows whose
text contains an added or removed term are recomputed (a dictionary word can only
change how text containing it is cut). Written atomically; a missing, unreadable or
foreign file is treated as empty.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import polars as pl

from app.core.load.schema import TEXT_FIELDS

from . import wordpass
from .wordpass import content_key
from .workpool import Cancel, Progress, atomic_write

CACHE_DIR = "cache"
CACHE_NAME = "tokens.parquet"
META_KEY = "cqia.tokens"
FORMAT = 2  # 2: the pass reads every turn (tok_ / words_conversation; the key hashes the turns)
BASE_COLUMNS = ["rid", "key", *wordpass.COUNT_COLUMNS.values(), *wordpass.PAIR_COLUMNS]
WORD_COLUMNS = list(wordpass.WORD_COLUMNS.values())


def cache_path(project_dir: str | Path) -> Path:
    return Path(project_dir) / CACHE_DIR / CACHE_NAME


def read_meta(project_dir: str | Path) -> dict | None:
    path = cache_path(project_dir)
    if not path.is_file():
        return None
    try:
        meta = json.loads(pl.read_parquet_metadata(path).get(META_KEY, "null"))
    except Exception:  # a torn or foreign file is just an empty cache
        return None
    return meta if isinstance(meta, dict) and meta.get("format") == FORMAT else None


def restore(
    frame: pl.DataFrame, project_dir: str | Path, *, terms: Sequence[str] = (), words: bool = False
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(cached results for rows of ``frame`` that are still valid, the rows of ``frame``
    that need the pass). Cached results carry BASE_COLUMNS minus key (plus the words
    columns if ``words``), in no particular order."""
    keys = frame.select("rid", content_key())
    empty = pl.DataFrame(schema=_result_schema(words))
    meta = read_meta(project_dir)
    if meta is None:
        return empty, frame
    try:
        cached = pl.read_parquet(cache_path(project_dir), columns=BASE_COLUMNS + (WORD_COLUMNS if words else []))
    except Exception:
        return empty, frame
    fresh = cached.join(keys, on=["rid", "key"], how="semi")
    changed = sorted(set(meta.get("terms", [])) ^ set(terms))
    if changed and fresh.height:
        texts = frame.join(fresh.select("rid"), on="rid", how="semi")
        read = [pl.col(f).fill_null("") for f in TEXT_FIELDS] + [wordpass.conversation_text()]
        hit = texts.filter(pl.any_horizontal(t.str.contains_any(changed) for t in read))
        fresh = fresh.join(hit.select("rid"), on="rid", how="anti")
    todo = frame.join(fresh.select("rid"), on="rid", how="anti")
    return fresh.drop("key").cast(_result_schema(words)), todo  # type: ignore[arg-type]


def save(frame: pl.DataFrame, project_dir: str | Path, results: pl.DataFrame, *, terms: Sequence[str] = ()) -> None:
    """Replace the cache with ``results`` (RESULT_SCHEMA, words included) for the rows of
    ``frame``; rows no longer in the frame are dropped, so the file never outgrows it."""
    table = (
        frame.select("rid", content_key())
        .join(results.select(wordpass.RESULT_SCHEMA.names()), on="rid", how="inner", maintain_order="left")
        .select(BASE_COLUMNS + WORD_COLUMNS)
    )
    meta = json.dumps({"format": FORMAT, "terms": list(terms), "rows": table.height}, ensure_ascii=False)
    atomic_write(cache_path(project_dir), lambda tmp: table.write_parquet(tmp, metadata={META_KEY: meta}))


def ensure(
    frame: pl.DataFrame,
    project_dir: str | Path,
    *,
    terms: Sequence[str] | None = None,
    words: bool = False,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    processes: int | None = None,
) -> pl.DataFrame:
    """Token results for every row of ``frame`` (same order): restored from the cache where
    still valid, the rest computed (wordpass.tokenise) and the cache rewritten. ``terms``
    defaults to the project's user dictionary. With ``words``, the words_<field> columns
    and the rows' content ``key`` come too (for wordpass.word_matcher). Raises
    workpool.Cancelled on cancel."""
    terms = wordpass.user_terms(project_dir) if terms is None else list(terms)
    have, todo = restore(frame, project_dir, terms=terms, words=words)
    if todo.height:
        if not words:  # the rewritten file keeps every row's words
            have, todo = restore(frame, project_dir, terms=terms, words=True)
        computed = wordpass.tokenise(todo, terms=terms, progress=progress, cancel=cancel, processes=processes)
        have = pl.concat([have, computed.cast(_result_schema(True))])  # type: ignore[arg-type]
        save(frame, project_dir, have, terms=terms)
        if not words:
            have = have.drop(WORD_COLUMNS)
    elif progress:
        progress(1, 1)
    out = frame.select("rid").join(have, on="rid", how="left", maintain_order="left")
    return out.with_columns(frame.select(content_key()).to_series()) if words else out


def _result_schema(words: bool) -> pl.Schema:
    cols = {n: t for n, t in wordpass.RESULT_SCHEMA.items() if words or n not in WORD_COLUMNS}
    return pl.Schema(cols)
