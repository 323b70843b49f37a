"""The last view of each release (filter, current row, docks), kept in the settings as the
curator works, not only on a clean close, and brought back when a project is opened after
the app stopped without closing (issue 25.7: a crash, a kill -9, a power cut).

Saved a moment after each change (debounced) and synced to disk at once: a crash loses at
most that moment. Keyed by the release's paths, so another release never gets this view.
"""
from __future__ import annotations

import hashlib
import json

import numpy as np
from PySide6.QtCore import QByteArray, QEvent, QObject, QTimer
from PySide6.QtWidgets import QDockWidget

from app.core.load.schema import rid_hex
from app.core.query.filters import FilterSpec

SAVE_AFTER_MS = 300  # a burst of key presses is one write


def release_key(release) -> str:
    paths = sorted(str(p) for p in getattr(release, "paths", ()) or [release.root])
    return "lastview/" + hashlib.sha1("\n".join(paths).encode("utf-8")).hexdigest()[:16]


class LastView(QObject):
    """Watches the window's view and writes it; restores it after an unclean stop."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.w = window
        self._key: str | None = None  # the open release's key, once saving is armed
        self._pending_rid: int | None = None  # a restored current row, selected once its rows arrive
        self._pending_spec: FilterSpec | None = None
        self.restored: dict | None = None  # the view brought back (for the status line and tests)
        self.saves = 0  # writes so far (tests wait for one)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_AFTER_MS)
        self._timer.timeout.connect(self.save)
        s = window.session
        s.specChanged.connect(lambda _spec: self._changed())
        s.rowsReady.connect(self._on_rows)
        window.table.currentPositionChanged.connect(lambda _p: self._changed())
        window.curation.opened.connect(self._on_opened)
        window.installEventFilter(self)  # docks added later (made on demand) are watched too
        for dock in window.docks():
            self.watch_dock(dock)

    # -- saving --------------------------------------------------------------------------------
    def watch_dock(self, dock) -> None:
        """A dock shown, hidden or moved is part of the view."""
        dock.installEventFilter(self)
        dock.dockLocationChanged.connect(lambda _a: self._changed())

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if obj is self.w:
            if kind == QEvent.Type.ChildAdded and isinstance(event.child(), QDockWidget):
                self.watch_dock(event.child())
        elif kind in (QEvent.Type.Show, QEvent.Type.Hide):
            self._changed()
        return False

    def _changed(self) -> None:
        if self._key is not None and self._pending_spec is None:
            self._timer.start()

    def state(self) -> dict:
        w = self.w
        rid = w.curation.rid_at(w.table.current_position())
        docks = [d.objectName() for d in w.docks() if d.isVisible()]
        return {"spec": w.session.spec.to_text(), "rid": None if rid is None else rid_hex(rid),
                "docks": docks, "layout": bytes(w.saveState().toBase64()).decode("ascii")}

    def save(self) -> None:
        if self._key is None or self.w.session.release is None:
            return
        self.w.settings.set_last_view(self._key, json.dumps(self.state()))
        self.w.settings.sync()  # on disk now: the point is surviving a crash
        self.saves += 1

    # -- opening and restoring -------------------------------------------------------------------
    def _on_opened(self, curation) -> None:
        """A release's project is open (CurationCtl opens it as the release arrives, before
        the session shows its first view): read the view saved for it; after an unclean
        stop bring it back, else start saving this release's view from here on."""
        self._timer.stop()
        release = self.w.session.release
        if release is None:
            return
        self._key, self.restored, self._pending_spec = None, None, None
        key = release_key(release)
        try:
            stored = json.loads(self.w.settings.last_view(key) or "null")
        except (TypeError, ValueError):
            stored = None
        if curation is not None and curation.recovered is not None and isinstance(stored, dict):
            # after set_release has finished (it is still emitting): then the view comes back
            QTimer.singleShot(0, lambda: self._restore(key, stored))
        else:
            self._key = key

    def _restore(self, key: str, stored: dict) -> None:
        w = self.w
        try:
            spec = FilterSpec.from_text(stored.get("spec") or "{}")
        except ValueError:
            spec = FilterSpec()
        layout = stored.get("layout")
        if isinstance(layout, str):
            for name in stored.get("docks") or ():
                w.open_dock(name)  # a dock made on demand must exist before the layout names it
            w.restoreState(QByteArray.fromBase64(layout.encode("ascii")))
        rid = stored.get("rid")
        self._pending_rid = int(rid, 16) if isinstance(rid, str) else None
        self._pending_spec = spec
        self.restored = stored
        self._key = key
        if w.session.spec == spec and w.session.rows_spec == spec:
            self._on_rows(w.session.positions)
        else:
            w.session.set_spec(spec)

    def _on_rows(self, positions) -> None:
        """The restored view's rows are in: its current row becomes current again."""
        w = self.w
        if self._pending_spec is None or w.session.rows_spec != self._pending_spec:
            return
        rid, self._pending_spec, self._pending_rid = self._pending_rid, None, None
        if rid is not None and w.session.frame is not None:
            hits = np.flatnonzero(w.session.frame.get_column("rid").to_numpy() == np.uint64(rid))
            if len(hits):
                w.table.select_position(int(hits[0]))
        if w.curation.recovered_text():  # beside the status messages, so the row's own cannot hide it
            w.status.set_notice(lambda: self.tr("%1 The last view (filter, current row, docks) is restored.")
                                .replace("%1", w.curation.recovered_text()))
        self._changed()
