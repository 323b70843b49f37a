"""A ShareGPT release of N rows, resampled from real ShareGPT files, as make_release.py
does for COIG-CQIA: MedicalGPT's ``sharegpt_zh_1K_format.jsonl`` (multi-turn
conversations) and LLaMA-Factory's ShareGPT demos (``glaive_toolcall_zh_demo.json``:
function_call / observation turns and a ``tools`` string; ``dpo_zh_demo.json``:
``chosen`` / ``rejected`` turn objects), in that order, one JSONL file.

The first copy of every distinct real record is kept as it is (a JSON array's record re-written
as one compact line); a later copy k gets its last turn's paragraphs rotated and an
``id`` of ``copy-K``, so no two lines are the same. The real files are read from
$CQIA_FORMATS or ../shared/data/formats; without them there is no figure.
"""
from __future__ import annotations

import json
import os
import random
from pathlib import Path

from .proc import PROJECT_ROOT

SOURCES = ("medicalgpt/sharegpt_zh_1K_format.jsonl", "llamafactory/glaive_toolcall_zh_demo.json",
           "llamafactory/dpo_zh_demo.json")


def formats_dir() -> Path | None:
    env = os.environ.get("CQIA_FORMATS")
    for c in ([Path(env)] if env else []) + [PROJECT_ROOT.parent / "shared" / "data" / "formats"]:
        if all((c / s).is_file() for s in SOURCES):
            return c
    return None


def real_records(root: Path) -> list[str]:
    """Every record of the sources as one JSON line, in source order."""
    out = []
    for rel in SOURCES:
        text = (root / rel).read_text(encoding="utf-8")
        if rel.endswith(".jsonl"):
            out += [line.strip() for line in text.splitlines() if line.strip()]
        else:
            out += [json.dumps(r, ensure_ascii=False) for r in json.loads(text)]
    return out


def _variant(line: str, k: int, rng: random.Random) -> str:
    if k == 0:
        return line
    row = json.loads(line)
    last = row["chosen"] if isinstance(row.get("chosen"), dict) else (row.get("conversations") or [{}])[-1]
    paras = str(last.get("value", "")).split("\n")
    if len(paras) > 1:
        cut = rng.randrange(1, len(paras))
        last["value"] = "\n".join(paras[cut:] + paras[:cut])
    return json.dumps({"id": f"copy-{k}", **row}, ensure_ascii=False)


def make(rows: int, out: Path, *, seed: int = 0, root: Path | None = None) -> None:
    root = root or formats_dir()
    if root is None:
        raise RuntimeError(f"the real ShareGPT files are not there ({', '.join(SOURCES)}): set CQIA_FORMATS")
    pool = real_records(root)
    rng = random.Random(seed)
    picks = [i % len(pool) for i in range(rows)]
    rng.shuffle(picks)
    picks.sort()  # source order, as a release made of those files would be
    seen: dict[str, int] = {}  # by content: the real files repeat a few records
    lines = []
    for i in picks:
        k = seen.get(pool[i], 0)
        seen[pool[i]] = k + 1
        lines.append(_variant(pool[i], k, rng))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def ensure(cache: Path, rows: int, seed: int = 0, *, log=print) -> Path:
    """Path of the ShareGPT release of ``rows`` rows, built on first use (atomically)."""
    out = cache / "releases" / f"sharegpt_r{rows}_s{seed}.jsonl"
    if out.exists():
        return out
    part = out.with_name(out.name + ".part")
    log(f"building ShareGPT release of {rows:,} rows (seed {seed}) -> {out}")
    make(rows, part, seed=seed)
    part.rename(out)
    return out
