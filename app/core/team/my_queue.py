"""Which team queue a curation project is: a project folder ``<name>.curation`` in a shared
folder that holds an assignment naming ``<name>`` is that curator's queue. Review mode's
"my queue" keeps the current view's rows that are in it. On a changed release the queue's
rows are followed into it (queue_follow.py) and the ones not found are named.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from app.core.store.project import SUFFIX
from .assign import Assignment, is_team_folder, read_assignment
from .queue_follow import Followed, follow_queue


@dataclass(frozen=True)
class TeamPlace:
    shared: Path  # the shared folder
    curator: str  # whose queue the project is
    assignment: Assignment
    moved: "Followed | None" = None  # the release changed since the assignment: where the rows are now

    @property
    def changed(self) -> bool:
        return self.moved is not None

    @property
    def followed(self) -> int:
        return self.moved.followed if self.moved is not None else 0

    @property
    def lost(self) -> pl.DataFrame:
        """Queue rows not in the release any more (rid, item with the old locator)."""
        return self.moved.lost if self.moved is not None else pl.DataFrame(
            schema={"rid": pl.UInt64, "item": pl.String})

    @property
    def rids(self) -> np.ndarray:
        """The curator's rows (uint64 row ids, sorted)."""
        if self.moved is not None:
            return self.moved.rids
        return np.sort(self.assignment.queue(self.curator)["rid"].to_numpy())

    def summary(self) -> str:
        """What following the queue into a changed release did, in words ("" if it did not change)."""
        if self.moved is None:
            return ""
        lost = self.lost
        text = (f"the release changed since {self.curator}'s queue was assigned: {len(self.rids):,} of its rows "
                f"found ({self.followed:,} by content at a new place)")
        if lost.height:
            where = ", ".join(lost["item"].str.slice(17).head(5).to_list())
            more = f" and {lost.height - 5:,} more" if lost.height > 5 else ""
            text += (f"; {lost.height:,} row{'s' if lost.height != 1 else ''} changed upstream or removed "
                     f"({where}{more}): ask the lead to re-assign them")
        return text

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


def team_place(project_folder: Path | str, release_hash: str | None = None,
               frame: pl.DataFrame | None = None) -> TeamPlace | None:
    """The team queue ``project_folder`` is, or None (not in a shared folder, or a name the
    assignment does not list, or an assignment of another release). With the release's
    ``frame``, a release whose hash differs from the assignment's is a changed state of it
    when some of the queue's rows are found in it (they are followed); with none found, or
    without a frame, it is another release. AssignmentError when the assignment cannot be read."""
    found = team_curator(project_folder)
    if found is None:
        return None
    shared, curator = found
    assignment = read_assignment(shared)
    if curator not in assignment.curators:
        return None
    if release_hash is not None and assignment.release.get("hash") not in (None, release_hash):
        if frame is None:
            return None
        moved = follow_queue(assignment.queue(curator), frame, assignment.key_scheme)
        if len(moved.rids) == 0:
            return None
        return TeamPlace(shared, curator, assignment, moved)
    return TeamPlace(shared, curator, assignment)
