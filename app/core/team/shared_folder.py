"""Making a team's shared folder: the assignment and each curator's project beside it.

A curator's project is created empty (project.json only, naming the release it curates)
so that every curator finds theirs in the shared folder at once; with a starting
project, each begins with a copy of its versions and its latest version's state, which
is then the common ancestor a later gather merges against. An existing project is never
touched: re-assigning keeps every curator's work.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from app.core.store.curation import Curation
from app.core.store.project import ProjectError
from app.core.store.versions import VersionError, VersionStore
from .assign import Assignment, AssignmentError, has_project, project_dir, write_assignment
from .lineage import VersionRef


@dataclass
class TeamSetup:
    assignment: Assignment
    path: Path  # the assignment file
    created: list[Path] = field(default_factory=list)  # curators' projects made now
    kept: list[Path] = field(default_factory=list)  # curators' projects that existed already


def start_of(project: Path | str) -> dict:
    """What an assignment records of its starting version: a project's latest version."""
    folder = Path(project).expanduser().absolute()
    store = VersionStore(folder / "versions")
    try:
        latest = store.latest()
        if latest is None:
            raise AssignmentError(f"{folder} holds no saved version to start from")
        ref = VersionRef.of(store, latest)
    except VersionError as exc:
        raise AssignmentError(str(exc)) from None
    return {"project": str(folder), "version": ref.number, "id": ref.id, "author": ref.author}


def create_team(release, shared: Path | str, assignment: Assignment, *, replace: bool = False) -> TeamSetup:
    """Write the assignment into ``shared`` and make each curator's project there."""
    shared = Path(shared).expanduser().absolute()
    path = write_assignment(shared, assignment, replace=replace)
    setup = TeamSetup(assignment, path)
    start = assignment.start
    for name in assignment.curators:
        folder = project_dir(shared, name)
        if has_project(folder):
            setup.kept.append(folder)
            continue
        if start:
            _copy_versions(Path(start["project"]) / "versions", folder / "versions")
        try:
            with Curation.open(release, folder, author=name, fallback=False) as cur:
                if cur.read_only:
                    raise AssignmentError(f"cannot create {folder}: {cur.read_only_reason}")
                if start:
                    cur.revert_to_version(int(start["version"]))
        except (ProjectError, VersionError) as exc:
            raise AssignmentError(str(exc)) from None
        setup.created.append(folder)
    return setup


def _copy_versions(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for p in sorted(source.iterdir()):
        if p.suffix in (".json", ".jsonl") and not p.name.startswith("."):
            shutil.copy2(p, target / p.name)
