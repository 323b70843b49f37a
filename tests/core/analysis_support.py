"""Frames for the analysis tests: rows written as dicts, shaped exactly like BASE_SCHEMA,
and a few hundred real rows from the sample."""
from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from app.core.load import schema


def make_frame(rows: list[dict], *, source: str = "src", subset: str = "sub") -> pl.DataFrame:
    """A BASE_SCHEMA frame from partial rows; ids come from the row's JSON, as the loader's do."""
    full = []
    for i, r in enumerate(rows):
        row = {
            "file": r.get("file", f"{subset}.jsonl"),
            "line": i + 1,
            "source": r.get("source", source),
            "subset": r.get("subset", subset),
            "instruction": r.get("instruction", ""),
            "input": r.get("input", ""),
            "output": r.get("output", ""),
            "task_major": r.get("task_major", []),
            "task_minor": r.get("task_minor", []),
            "domain": r.get("domain", []),
            "metadata": r.get("metadata", ""),
            "answer_from": r.get("answer_from", "human"),
            "human_verified": r.get("human_verified", True),
            "copyright": r.get("copyright", ""),
        }
        full.append(row)
    hashes = pl.Series([schema.line_hash(json.dumps(r, ensure_ascii=False).encode() + str(i).encode()) for i, r in enumerate(full)], dtype=pl.UInt64)
    body = pl.DataFrame(full, schema={k: v for k, v in schema.BASE_SCHEMA.items() if k not in ("rid", *schema.LENGTH_COLUMNS.values())})
    body = body.with_columns(
        pl.col(f).str.len_chars().cast(pl.UInt32).alias(schema.LENGTH_COLUMNS[f]) for f in schema.TEXT_FIELDS
    )
    return body.insert_column(0, schema.row_ids(hashes)).select(schema.BASE_SCHEMA.names())


def sample_frame(sample_root: Path, n: int = 300, *, min_chars: int = 0, seed: int = 7) -> pl.DataFrame:
    """``n`` real rows from the sample, drawn reproducibly, optionally only rows whose
    instruction + input + output has at least ``min_chars`` characters."""
    from app.core.load.loader import load_release

    frame = load_release(sample_root).frame
    if min_chars:
        frame = frame.filter((pl.col("len_instruction") + pl.col("len_input") + pl.col("len_output")) >= min_chars)
    return frame.sample(n=min(n, frame.height), seed=seed)
