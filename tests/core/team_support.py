"""A team in a temporary shared folder: an assignment, and curators who decide rows of their
queues in their own processes (`python -m app apply`), as separate curators would."""
from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from app.core.load.schema import rid_hex
from app.core.team.assign import make_assignment, project_dir
from app.core.team.shared_folder import create_team

from .cli_support import isolated_env, run_cli


def rows(n: int, source: str) -> list[dict]:
    return [{"instruction": f"{source} 问题 {i}", "input": "", "output": f"回答 {i}", "source": source} for i in range(n)]


def make_team(rel, shared: Path, curators, *, overlap: float = 0.2, seed: int = 5):
    assignment = make_assignment(rel, curators, overlap=overlap, seed=seed, author="lead")
    create_team(rel, shared, assignment)
    return assignment


def decide(home: Path, release: Path, shared: Path, curator: str, decisions: list[dict], *, project: Path | None = None):
    """Apply ``decisions`` ({"rid": int, "op": ..., ...}) as ``curator`` in a child process."""
    path = home / f"{curator}-{len(list(home.glob(f'{curator}-*.jsonl')))}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({**d, "rid": rid_hex(d["rid"])}, ensure_ascii=False) for d in decisions]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    folder = project or project_dir(shared, curator)
    r = run_cli(home, "apply", release, path, "--project", folder, "--author", curator, env=isolated_env(home))
    assert r.returncode == 0, r.stderr
    return r


def queue_rids(assignment, curator: str, shared_only: bool | None = None) -> list[int]:
    q = assignment.queue(curator)
    if shared_only is not None:
        q = q.filter(pl.col("shared") == shared_only)
    return q["rid"].to_list()
