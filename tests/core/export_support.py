"""A release big enough for kill tests of export, and overlays that tell two exports apart
(shared by the test and the child process it kills)."""
from __future__ import annotations

import json
from pathlib import Path

from app.core.curate.edits import EditField, plan_change
from app.core.curate.overlay import BaseLookup, Overlay


def make_big_tree(root: Path, files: int = 4, rows: int = 1500) -> Path:
    """``files`` subset files of ``rows`` rows of ~1.3 KB each (about 2 MB a file)."""
    for f in range(files):
        path = root / f"subset{f}" / f"part{f}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [json.dumps({"instruction": f"第{f}组第{i}题", "input": "", "output": "长" * 400 + str(i),
                             "task_type": {"major": ["问答"], "minor": []}, "domain": ["通用"]}, ensure_ascii=False)
                 for i in range(rows)]
        path.write_bytes("\n".join(lines).encode() + b"\n")
    return root


def tagged_overlay(release, tag: str, every: int = 50) -> Overlay:
    """Every ``every``-th row's output set to ``tag``."""
    rids = release.frame["rid"].to_list()[::every]
    change = plan_change(EditField(rids, "output", tag), Overlay(), BaseLookup(release.frame), author="k", now="t")
    return Overlay().with_states(change.after)
