"""Synthetic releases of N rows, built once and cached by (rows, seed, layout).

The shared generator (../shared/bench/make_release.py, or $CQIA_MAKE_RELEASE) resamples
the real COIG-CQIA sample. Without it we resample the project's own demo release the
same way, so the benchmark still runs on a fresh clone. Builds go to a temporary name
and are renamed when complete, so an interrupted build is never taken for a cached one.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .proc import PROJECT_ROOT


def default_cache_dir() -> Path:
    return Path(os.environ.get("CQIA_BENCH_DIR") or Path(tempfile.gettempdir()) / "cqia-bench")


def make_release_script() -> Path | None:
    env = os.environ.get("CQIA_MAKE_RELEASE")
    candidates = [Path(env)] if env else []
    candidates.append(PROJECT_ROOT.parent / "shared" / "bench" / "make_release.py")
    return next((c for c in candidates if c.is_file()), None)


def release_path(cache: Path, rows: int, seed: int = 0, tree: bool = False) -> Path:
    return cache / "releases" / (f"r{rows}_s{seed}_tree" if tree else f"r{rows}_s{seed}.jsonl")


def ensure_release(cache: Path, rows: int, seed: int = 0, tree: bool = False, *, log=print) -> Path:
    """Path of a release of ``rows`` rows, building it on first use."""
    out = release_path(cache, rows, seed, tree)
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(out.name + ".part")
    if part.is_dir():
        shutil.rmtree(part)
    elif part.exists():
        part.unlink()
    script = make_release_script()
    log(f"building {'tree' if tree else 'file'} release of {rows:,} rows (seed {seed}) -> {out}")
    if script is not None:
        argv = [sys.executable, str(script), "--rows", str(rows), "--seed", str(seed), "--out", str(part)]
        subprocess.run(argv + (["--tree"] if tree else []), check=True, capture_output=True)
    else:
        resample_demo(rows, part, seed=seed, tree=tree)
    part.rename(out)
    return out


def _demo_rows(root: Path) -> list[tuple[str, str]]:
    """(relative file, raw line) of every JSON-object line under ``root`` (LFS pointers skipped)."""
    rows = []
    for path in sorted(root.rglob("*.jsonl")):
        rel = path.relative_to(root).as_posix()
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            line = line.strip()
            if line.startswith("{"):
                try:
                    obj = json.loads(line)
                except ValueError:
                    continue  # the demo's deliberately broken lines stay out of the pool
                if _plain(obj):  # and its rows of odd shapes (FLAWS.md), which the bare baselines cannot read
                    rows.append((rel, line))
    return rows


def _plain(obj) -> bool:
    """A row in the shape of the real release: texts as strings, labels as lists of
    strings, human_verified a boolean."""
    texts = ("instruction", "input", "output", "metadata", "answer_from", "copyright")
    task = obj.get("task_type", {}) if isinstance(obj, dict) else None
    return (isinstance(obj, dict) and all(isinstance(obj.get(k, ""), str) for k in texts)
            and isinstance(obj.get("human_verified", False), bool) and _strings(obj.get("domain", []))
            and isinstance(task, dict) and _strings(task.get("major", [])) and _strings(task.get("minor", [])))


def _strings(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def resample_demo(rows: int, out: Path, *, seed: int = 0, tree: bool = False, demo: Path | None = None) -> None:
    """The generator's method on resources/demo: copies beyond the first of a row get a
    'copy:K' metadata tag (so ids differ), rows stay grouped by file."""
    pool = _demo_rows(demo or PROJECT_ROOT / "resources" / "demo")
    if not pool:
        raise RuntimeError("no make_release.py and no rows in resources/demo: cannot build a release")
    rng = random.Random(seed)
    picks = [i % len(pool) for i in range(rows)]
    rng.shuffle(picks)
    picks.sort(key=lambda i: pool[i][0])
    seen: dict[int, int] = {}
    by_file: dict[str, list[str]] = {}
    for i in picks:
        k = seen.get(i, 0)
        seen[i] = k + 1
        rel, line = pool[i]
        if k:
            obj = json.loads(line)
            obj["metadata"] = f"{obj.get('metadata') or ''} copy:{k}".strip()
            line = json.dumps(obj, ensure_ascii=False)
        by_file.setdefault(rel, []).append(line)
    if tree:
        for rel, lines in by_file.items():
            path = out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "w", encoding="utf-8") as fh:
            for lines in by_file.values():
                fh.write("\n".join(lines) + "\n")
