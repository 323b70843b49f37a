"""Which team queue a curation project is: a project folder ``<name>.curation`` in a shared
folder that holds an assignment naming ``<name>`` is that curator's queue. Review mode's
"my queue" keeps the current view's rows that are in it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.core.store.project import SUFFIX
from .assign import Assignment, is_team_folder, read_assignment


@dataclass(frozen=True)
class TeamPlace:
    shared: Path  # the shared folder
    curator: str  # whose queue the project is
    assignment: Assignment

    @property
    def rids(self) -> np.ndarray:
        """The curator's rows (uint64 row ids, sorted)."""
        return np.sort(self.assignment.queue(self.curator)["rid"].to_numpy())

    def keep(self, frame_rids: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Of ``positions`` (into the frame whose rid column is ``frame_rids``), those in the queue, in order."""
        positions = np.asarray(positions)
        return positions[np.isin(np.asarray(frame_rids)[positions], self.rids)]


def team_curator(project_folder: Path | str) -> tuple[Path, str] | None:
    """(shared folder, curator) when the folder's place makes it a team queue (no file read
    but the test for the assignment's presence)."""
    folder = Path(project_folder).absolute()
    if not folder.name.endswith(SUFFIX) or not is_team_folder(folder.parent):
        return None
    return folder.parent, folder.name[:-len(SUFFIX)]


def team_place(project_folder: Path | str, release_hash: str | None = None) -> TeamPlace | None:
    """The team queue ``project_folder`` is, or None (not in a shared folder, or a name the
    assignment does not list, or an assignment of another release). AssignmentError when
    the assignment cannot be read."""
    found = team_curator(project_folder)
    if found is None:
        return None
    shared, curator = found
    assignment = read_assignment(shared)
    if curator not in assignment.curators:
        return None
    if release_hash is not None and assignment.release.get("hash") not in (None, release_hash):
        return None
    return TeamPlace(shared, curator, assignment)
