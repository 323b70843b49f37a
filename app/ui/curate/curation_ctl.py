"""The bridge between the window and the core ``Curation`` of the loaded release.

It opens the project when a release loads, turns every user intent into a core call,
and says what happened by signals. The core decides; this class only routes:

* ``apply`` / ``undo`` / ``redo`` / ``save_version`` run the core call on the GUI thread
  (each is one small fsync'd append) and return its result, or None after emitting
  ``error`` in words -- a failed write changes nothing in memory or on disk.
* ``changed(Change)`` is emitted after the journal fsync returned, ``stateChanged()``
  whenever undo/redo/dirty/versions may differ.
* The current frame (base + edits + status/reason/edited_fields) is computed in a worker
  lane from an overlay snapshot, never on the GUI thread; a newer change supersedes a
  stale computation. The result goes into the session (``replace_frame``: counts and
  facets refresh lazily) and out as ``frameChanged(frame)``; ``updated_positions`` then
  holds the frame positions of the rows changed since the previous frame (None: all).
* While review mode is on (``set_deferred_frames(True)``) the frame after a change waits
  until FRAME_DELAY_MS after the last one, so a 500k-row recount does not compete with
  the next key; turning it off (leaving review mode) computes it at once.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import polars as pl
from PySide6.QtCore import QObject, QSettings, QStandardPaths, QTimer, Signal

from app.core.curate.edits import Change, Command
from app.core.curate.overlay import Overlay
from app.core.io.atomic import SaveError
from app.core.store import locate
from app.core.store.curation import Curation, ReadOnlyError
from app.core.store.journal import JournalError
from app.core.store.project import ProjectError, copy_side_files, default_project_dir
from app.core.store.versions import VersionError, VersionInfo
from app.ui.browse.session import materialise
from app.ui.common.workers import JobContext, Lane

from .curate_settings import author as current_author

BACKGROUND_ROWS = 20_000  # bulk commands at least this big are applied off the GUI thread
FRAME_DELAY_MS = 1000  # in review mode: the frame is recomputed this long after the last change


def _run_write(ctx: JobContext, curation: Curation, command: Command) -> None:
    ctx.emit("applied", curation.apply(command))


def _app_data() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


def bundled_project_dir(release) -> Path | None:
    """The demo release ships inside the app: its project lives in the app's data folder."""
    return locate.bundled_project_dir(release, _app_data())


def _project_key(release) -> str:
    return "projects/" + hashlib.sha1(str(default_project_dir(release)).encode()).hexdigest()[:16]


def chosen_project_dir(release) -> Path | None:
    """The folder the curator moved this release's project to, if any (and it still exists).
    Remembered by the core, where the command line reads it too; a choice older versions
    kept in the Qt settings is moved there the first time it is read."""
    found = locate.remembered_project_dir(release)
    if found is not None:
        return found
    value = QSettings().value(_project_key(release), "")
    if not value or not Path(value).is_dir():
        return None
    try:
        locate.remember_project_dir(release, Path(value))
        QSettings().remove(_project_key(release))
    except (SaveError, OSError):
        pass  # still found here next time
    return Path(value)


def remember_project_dir(release, folder: Path) -> None:
    locate.remember_project_dir(release, folder)


def app_project_dir(release) -> Path | None:
    """The project folder to open for ``release``: the core's rule (app/core/store/locate.py),
    which the command line follows too; None lets Curation.open make a new project beside
    the release (or in the fallback folder when it cannot)."""
    chosen = chosen_project_dir(release)
    if chosen is not None:
        return chosen
    where = locate.locate_project(release, app_data=_app_data())
    return where.folder if where.exists or where.how != "beside" else None


def compute_frame(ctx: JobContext, base: pl.DataFrame, overlay: Overlay, rids: tuple[int, ...] | None) -> None:
    """Worker job: the current frame and where the changed rows sit in it."""
    frame = materialise(overlay.current_frame(base))
    if ctx.stale():
        return
    positions = None
    if rids is not None:
        keys = pl.Series("rid", rids, dtype=pl.UInt64)
        positions = frame.select(pl.arg_where(pl.col("rid").is_in(keys.implode()))).to_series().to_numpy()
    ctx.emit("frame", (overlay, frame, positions))


class CurationCtl(QObject):
    opened = Signal(object)  # the Curation just opened, or None after close()
    notice = Signal(str)  # something to tell the curator once (fallback folder, base changed, ...)
    readOnlyChanged = Signal(bool, str)  # read-only?, why (names the lock holder)
    changed = Signal(object)  # core Change, after the journal fsync returned
    stateChanged = Signal()  # undo/redo labels, dirty, versions
    frameChanged = Signal(object)  # pl.DataFrame: the new current frame (also in session.frame)
    busyChanged = Signal(bool)
    error = Signal(str)  # a failure in words; nothing was changed by the failed call

    def __init__(self, session, parent: QObject | None = None, *, follow_session: bool = True) -> None:
        super().__init__(parent)
        self.session = session
        self._curation: Curation | None = None
        self._release = None
        self._pending: set[int] | None = set()  # rids changed since the last delivered frame; None: all
        self.frame: pl.DataFrame | None = None
        self.updated_positions: np.ndarray | None = None
        self.viewing: int | None = None  # version shown read-only (0: the release), None: current state
        self._viewed: Overlay | None = None
        self._lane = Lane("curation-frame", self)
        self._defer_frames = False
        self._frame_timer = QTimer(self)  # running: a frame request is waiting (review mode)
        self._frame_timer.setSingleShot(True)
        self._frame_timer.setInterval(FRAME_DELAY_MS)
        self._frame_timer.timeout.connect(self._submit_frame)
        self._lane.result.connect(self._on_frame)
        self._lane.failed.connect(lambda message, _detail: self.error.emit(message))
        self._lane.busyChanged.connect(self.busyChanged)
        # Big bulk commands (a whole 500k filter) are planned and journaled in this lane;
        # it is never cancelled and takes one job at a time (other writes wait, see _busy_writing).
        self._writer = Lane("curation-write", self)
        self._writer.result.connect(lambda _kind, change: self._after(change))
        self._writer.failed.connect(lambda message, _d: self.error.emit(
            self.tr("The action failed: %1. Nothing was changed.").replace("%1", message.split(": ", 1)[-1])))
        self._writer.busyChanged.connect(self._on_writing)
        if follow_session:
            session.releaseChanged.connect(self.open)

    # -- state ------------------------------------------------------------------------------
    @property
    def curation(self) -> Curation | None:
        return self._curation

    @property
    def read_only(self) -> bool:
        """True when no project is open, another process holds its lock, or an older
        version is being viewed: editing actions are then disabled."""
        return self._curation is None or self._curation.read_only or self.viewing is not None

    @property
    def read_only_reason(self) -> str:
        if self._curation is None:
            return self.tr("no release is open")
        if self.viewing is not None:
            return self.tr("showing version %1; go back to the current state to edit").replace("%1", str(self.viewing))
        return self._curation.read_only_reason or ""

    @property
    def can_undo(self) -> bool:
        return not self.read_only and self._curation.can_undo

    @property
    def can_redo(self) -> bool:
        return not self.read_only and self._curation.can_redo

    @property
    def undo_label(self) -> str | None:
        return self._curation.undo_label if self._curation is not None else None

    @property
    def redo_label(self) -> str | None:
        return self._curation.redo_label if self._curation is not None else None

    @property
    def dirty(self) -> bool:
        return self._curation is not None and self._curation.dirty

    @property
    def busy(self) -> bool:
        return self._lane.busy or self._writer.busy

    @property
    def writing(self) -> bool:
        """A bulk command is being applied in the background."""
        return self._writer.busy

    @property
    def frame_pending(self) -> bool:
        """A change is waiting out FRAME_DELAY_MS before its frame is computed."""
        return self._frame_timer.isActive()

    def set_deferred_frames(self, on: bool) -> None:
        """Review mode on: coalesce the frame refresh after changes. Off: flush it now."""
        self._defer_frames = bool(on)
        if not on:
            self.flush_frame()

    def flush_frame(self) -> None:
        """Compute a deferred frame now (no-op when none is waiting)."""
        if self._frame_timer.isActive():
            self._frame_timer.stop()
            self._submit_frame()

    def _on_writing(self, writing: bool) -> None:
        self.busyChanged.emit(writing or self._lane.busy)
        self.stateChanged.emit()

    def _busy_writing(self) -> bool:
        if self._writer.busy:
            self.error.emit(self.tr("Still applying the previous bulk action; try again in a moment."))
            return True
        return False

    # -- opening and closing -------------------------------------------------------------------
    def recovered_text(self) -> str:
        """After an unclean stop: what the journal brought back (else "")."""
        c = self._curation
        if c is None or c.recovered is None:
            return ""
        n, version = c.recovered
        return self.tr("Recovered %n action(s) since version %1.", "", n).replace(
            "%1", str(version))

    def open(self, release, project_dir: Path | str | None = None) -> Curation | None:
        """Open (or create) the project of ``release``; None (and ``error``) if it cannot be."""
        self.close()
        self._release = release
        folder = project_dir if project_dir is not None else app_project_dir(release)
        try:
            self._curation = Curation.open(release, folder, author=current_author())
        except (ProjectError, JournalError, VersionError, SaveError, OSError, ValueError) as exc:
            self._curation = None
            self.error.emit(self.tr("The curation project could not be opened: %1").replace("%1", str(exc)))
            self.opened.emit(None)
            self.stateChanged.emit()
            return None
        c = self._curation
        self.opened.emit(c)
        self.readOnlyChanged.emit(c.read_only, c.read_only_reason or "")
        for text in c.notices + c.warnings:
            self.notice.emit(text)
        if c.recovered is not None:
            self.notice.emit(self.recovered_text())
        self._request_frame(None)
        self.stateChanged.emit()
        return c

    def close(self) -> None:
        """Release the project (and its lock); the session keeps showing its frame."""
        self._writer.wait(60000)  # never close under a bulk command being journaled
        self._lane.cancel()
        self._frame_timer.stop()
        if self._curation is not None:
            self._curation.close()
            self._curation = None
            self.opened.emit(None)
            self.stateChanged.emit()
        self._release, self.frame, self._pending = None, None, set()
        self.viewing, self._viewed = None, None

    def move_to(self, folder: Path | str) -> bool:
        """Keep the current project in another folder (e.g. the release folder is read-only)."""
        if self._curation is None:
            return False
        old = self._curation.project.folder
        try:
            self._curation.move_to(folder)
        except (ProjectError, SaveError, OSError) as exc:
            self.error.emit(self.tr("The project could not be moved: %1").replace("%1", str(exc)))
            return False
        c = self._curation
        try:
            copy_side_files(old, c.project.folder)  # the review-session log goes along
        except (SaveError, OSError) as exc:
            self.notice.emit(self.tr("The review-session log could not be copied: %1").replace("%1", str(exc)))
        try:
            remember_project_dir(c.release, c.project.folder)
        except (SaveError, OSError) as exc:  # the core's words name the memory file that could not be written
            self.notice.emit(str(exc))
        self.readOnlyChanged.emit(c.read_only, c.read_only_reason or "")
        for text in c.notices[-1:]:
            self.notice.emit(text)
        self.stateChanged.emit()
        return True

    # -- commands ----------------------------------------------------------------------------------
    def apply(self, command: Command) -> Change | None:
        """Apply a core command. Returns the Change (empty for a no-op), or None on failure."""
        return self._run(lambda c: c.apply(command))

    def apply_bulk(self, command: Command) -> Change | None:
        """Like apply; a command over BACKGROUND_ROWS rows or more runs in a worker instead
        (returns None at once; ``changed`` follows once it is journaled, or ``error``)."""
        if len(command.rids) < BACKGROUND_ROWS:
            return self.apply(command)
        c = self._curation
        if c is None or self.viewing is not None or c.read_only:
            return self.apply(command)  # says why it cannot, in words
        if self._busy_writing():
            return None
        self._writer.submit(lambda ctx: _run_write(ctx, c, command))
        self.stateChanged.emit()
        return None

    def undo(self) -> Change | None:
        return self._run(lambda c: c.undo())

    def redo(self) -> Change | None:
        return self._run(lambda c: c.redo())

    def revert_rows(self, rids: Iterable[int], to_version: int = 0) -> Change | None:
        return self._run(lambda c: c.revert_rows(list(rids), to_version))

    def keep_good_records(self) -> bool:
        """After a damaged journal: keep the state before the bad line and go on writing
        (the rest is set aside beside the journal, never deleted). False, with ``error``,
        when it cannot be done."""
        c = self._curation
        if c is None or c.journal_problem is None:
            return False
        try:
            c.keep_good_records()
        except (ProjectError, SaveError, OSError) as exc:
            self.error.emit(self.tr("The damaged part of the journal could not be set aside: %1").replace("%1", str(exc)))
            return False
        for text in c.notices[-1:]:
            self.notice.emit(text)
        self.readOnlyChanged.emit(c.read_only, c.read_only_reason or "")
        self._request_frame(None)
        self.stateChanged.emit()
        return True

    def reapply_stale(self, rids) -> Change | None:
        """Stale decisions onto the rows now at their old places (one undoable step)."""
        return self._run(lambda c: c.reapply_stale(list(rids)))

    def discard_stale(self, rids) -> Change | None:
        return self._run(lambda c: c.discard_stale(list(rids)))

    def revert_to_version(self, n: int) -> Change | None:
        return self._run(lambda c: c.revert_to_version(n))

    def take_states(self, states, label: str) -> Change | None:
        return self._run(lambda c: c.take_states(states, label))

    def refresh(self) -> None:
        """After someone called the core directly (e.g. a merge): recompute the frame and
        re-read undo/redo/versions."""
        self._request_frame(None)
        self.stateChanged.emit()

    def view_version(self, n: int) -> bool:
        """Show the release as of version ``n`` (0: unchanged), read-only, until view_current()."""
        c = self._curation
        if c is None:
            return False
        try:
            self._viewed = c.load_version(n)
        except (VersionError, OSError) as exc:
            self.error.emit(self.tr("Version %1 cannot be shown: %2").replace("%1", str(n)).replace("%2", str(exc)))
            return False
        self.viewing = n
        self._request_frame(None)
        self.readOnlyChanged.emit(True, self.read_only_reason)
        self.stateChanged.emit()
        return True

    def view_current(self) -> None:
        if self.viewing is None:
            return
        self.viewing, self._viewed = None, None
        self._request_frame(None)
        c = self._curation
        self.readOnlyChanged.emit(self.read_only, c.read_only_reason or "" if c is not None else "")
        self.stateChanged.emit()

    def _run(self, call) -> Change | None:
        c = self._curation
        if c is None:
            self.error.emit(self.tr("Open a release first."))
            return None
        if self.viewing is not None:
            self.error.emit(self.tr("Read-only: %1").replace("%1", self.read_only_reason))
            return None
        if self._busy_writing():
            return None
        try:
            change = call(c)
        except ReadOnlyError:
            self.error.emit(self.tr("Read-only: %1").replace("%1", c.read_only_reason or ""))
            return None
        except SaveError as exc:
            self.error.emit(self.tr("Could not write %1: %2. Nothing was changed; your earlier work is safe.")
                            .replace("%1", str(exc.path)).replace("%2", exc.reason))
            return None
        except (ProjectError, VersionError, KeyError, ValueError, OSError) as exc:
            self.error.emit(self.tr("The action failed: %1").replace("%1", str(exc)))
            return None
        return self._after(change)

    def _after(self, change: Change) -> Change:
        if change.changed:
            self.changed.emit(change)
            self._request_frame(change.rids, defer=True)
        self.stateChanged.emit()
        return change

    def save_version(self, message: str) -> VersionInfo | None:
        """Write the next version; None (and ``error``) on failure, memory and disk untouched."""
        c = self._curation
        if c is None:
            self.error.emit(self.tr("Open a release first."))
            return None
        if self.viewing is not None:
            self.error.emit(self.tr("Read-only: %1").replace("%1", self.read_only_reason))
            return None
        if self._busy_writing():
            return None
        try:
            info = c.save_version(message)
        except ReadOnlyError:
            self.error.emit(self.tr("Read-only: %1").replace("%1", c.read_only_reason or ""))
            return None
        except SaveError as exc:
            self.error.emit(self.tr("Could not save the version to %1: %2. Nothing was lost: every change is "
                                    "still in the journal and in memory.").replace("%1", str(exc.path))
                            .replace("%2", exc.reason))
            return None
        except (ProjectError, VersionError, OSError) as exc:
            self.error.emit(self.tr("Could not save the version: %1").replace("%1", str(exc)))
            return None
        for text in c.warnings:
            if text.startswith(f"version {info.number} saved"):
                self.notice.emit(text)
        self.stateChanged.emit()
        return info

    # -- rows ------------------------------------------------------------------------------------------
    def rids_at(self, positions: Iterable[int] | Any) -> list[int]:
        """Row ids of frame positions (the table's and the review queue's currency)."""
        frame = self.session.frame
        if frame is None:
            return []
        idx = np.asarray(positions if not isinstance(positions, (list, tuple)) else list(positions), dtype=np.int64)
        if idx.size == 0:
            return []
        return frame.get_column("rid").gather(pl.Series(idx)).to_list()

    def rid_at(self, position: int | None) -> int | None:
        if position is None or self.session.frame is None:
            return None
        return int(self.session.frame.get_column("rid")[int(position)])

    # -- the current frame (worker) ---------------------------------------------------------------
    def _request_frame(self, rids: Iterable[int] | None, defer: bool = False) -> None:
        c = self._curation
        if c is None:
            return
        if rids is None or self._pending is None:
            self._pending = None
        else:
            self._pending.update(rids)
        if defer and self._defer_frames:
            self._frame_timer.start()  # (re)started: FRAME_DELAY_MS after the last change
            return
        self._frame_timer.stop()
        self._submit_frame()

    def _submit_frame(self) -> None:
        c = self._curation
        if c is None:
            return
        base, overlay = c.release.frame, c.overlay if self._viewed is None else self._viewed
        wanted = None if self._pending is None else tuple(self._pending)
        self._lane.submit(lambda ctx: compute_frame(ctx, base, overlay, wanted))

    def _on_frame(self, _kind: str, payload) -> None:
        overlay, frame, positions = payload
        c = self._curation
        if c is None or c.release is not self.session.release:
            return
        if not self._frame_timer.isActive():  # else later changes wait in _pending for the next frame
            self._pending = set()
        self.frame, self.updated_positions = frame, positions
        self.session.replace_frame(frame)
        self.frameChanged.emit(frame)

    def wait_idle(self, msecs: int = 30000) -> bool:
        """Block until the workers are idle (tests and shutdown only); a deferred frame is
        computed first."""
        self.flush_frame()
        return self._writer.wait(msecs) and self._lane.wait(msecs)

    def shutdown(self) -> None:
        self._writer.wait(60000)  # a bulk command being journaled finishes: its fsync is the user's work
        self._lane.cancel()
        self._lane.wait(5000)
        self.close()
