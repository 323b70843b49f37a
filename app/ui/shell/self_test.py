"""``python -m app --self-test``: build the real window headless, load the demo release,
click a facet value, type a search, edit a row, save a version and export, and check
what the window shows (and writes) against the core.

It drives the window with real mouse and key events (QTest), and uses throwaway
settings so it never touches the user's recent files or layout; the curation project
and the export go to a throwaway folder, never beside the release.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

from PySide6.QtCore import QEvent, QEventLoop, QSettings, QStandardPaths, Qt, qInstallMessageHandler
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.core.query import filters
from app.core.query.filters import FacetSel, FilterSpec, SearchSpec
from app.resources import demo_release

TIMEOUT_S = 60.0
EDITED = "自检改写的回答 (self-test edit)\n第二行"


class SelfTestFailure(Exception):
    pass


def wait_until(predicate: Callable[[], bool], what: str, timeout: float = TIMEOUT_S) -> float:
    """Run the event loop until ``predicate`` holds; returns seconds waited."""
    app = QApplication.instance()
    start = time.perf_counter()
    while not predicate():
        if time.perf_counter() - start > timeout:
            raise SelfTestFailure(f"timed out after {timeout:.0f} s waiting for {what}")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.005)
    return time.perf_counter() - start


def quiet(window) -> bool:
    """Nothing is left to land: the rows and counts of the current view, the curation
    frame and the analysis passes (whose columns change the frame and recount it). On a
    busy machine any of them can land late; a check made before reads a stale state."""
    s, ctl, analysis = window.session, window.curation, window.commands.analysis.ctl
    return (not (s.busy or s.loading or window.search_bar.pending)
            and s.facets is not None and s.facets.spec == s.spec == s.rows_spec
            and (ctl.curation is None or (ctl.frame is not None and not ctl.busy and not ctl.frame_pending))
            and analysis.idle())


def settle(window) -> None:
    """Wait until quiet(): every check after it reads a state nothing will still change."""
    wait_until(lambda: quiet(window), "the rows, counts, curation frame and analysis passes to land")


def type_text(widget, text: str) -> None:
    """Type ``text`` as key events. QTest.keyClicks only knows ASCII (it asserts on
    Chinese), so other characters go as key events carrying their text, as an input
    method would deliver them."""
    for ch in text:
        if ch.isascii():
            QTest.keyClick(widget, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def check(ok: bool, message: str) -> None:
    if not ok:
        raise SelfTestFailure(message)


def exercise(window, paths: list[str], log: Callable[[str], None]) -> None:
    t0 = time.perf_counter()
    window.open_paths(paths)
    wait_until(lambda: window.session.release is not None and window.session.facets is not None, "the release to load")
    settle(window)
    frame = window.session.frame  # with the curation and analysis columns: settle waited for them
    log(f"ok  load: {frame.height:,} rows from {window.session.release.report.files} file(s) in "
        f"{time.perf_counter() - t0:.2f} s; report: {window.session.release.report.summary()}")
    check(window.model.rowCount() == frame.height, f"table shows {window.model.rowCount()} rows, frame has {frame.height}")

    # A facet click: the largest value of the first facet, clicked with the mouse.
    facets = window.facets
    column, counts = next((c, fc) for c, fc in window.session.facets.counts.items() if fc.values)
    value, expected = counts.values[0]
    item = facets.value_item(column, value)
    check(item is not None, f"facet value {column}={value!r} is not in the panel")
    facets.scrollToItem(item)
    QTest.mouseClick(facets.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     facets.visualItemRect(item).center())
    settle(window)
    spec = window.session.spec
    check(spec.facet(column) == FacetSel(include=(value,)), f"facet click gave spec {spec.to_text()}")
    check(window.model.rowCount() == expected == filters.count(window.session.frame, spec),
          f"after clicking {column}={value!r}: table {window.model.rowCount()}, facet said {expected}, "
          f"core counts {filters.count(window.session.frame, spec)}")
    log(f"ok  facet click {column}={value!r}: {expected:,} rows, table and core agree")

    # Counts stay consistent: every scalar facet without a selection sums to the rows shown
    # (a list column's are per value). Read on the frame the counts were made from.
    schema = window.session.frame.schema
    for col, fc in window.session.facets.counts.items():
        if col != column and not filters.is_list_column(col, schema):
            total = sum(n for _, n in fc.values)
            check(total == window.model.rowCount(), f"facet {col} sums to {total}, table shows {window.model.rowCount()}")
    log("ok  facet counts sum to the visible rows")

    # A search typed with real key events: two characters of the first row's instruction.
    text = next((t[:2] for t in frame["instruction"].gather(window.model.positions[:50].astype("int64")).to_list()
                 if len(t.strip()) >= 2), "的")
    type_text(window.search_bar.edit, text.strip()[:2])
    settle(window)
    want = FilterSpec(facets=((column, FacetSel(include=(value,))),), search=SearchSpec(text=text.strip()[:2]))
    check(window.session.spec == want, f"search gave spec {window.session.spec.to_text()}, wanted {want.to_text()}")
    n = filters.count(window.session.frame, want)
    check(window.model.rowCount() == n, f"search {text!r}: table {window.model.rowCount()}, core {n}")
    check(window.search_bar.count.text() != "", "the search bar shows no match count")
    check(n == 0 or window.detail.match_count > 0, "the detail view highlights no match")
    log(f"ok  search {text.strip()[:2]!r}: {n:,} rows, {window.detail.match_count} highlight(s) in the detail view")

    # Clearing everything brings every row back.
    window.registry["filter.clear_all"].trigger()
    settle(window)
    check(window.model.rowCount() == window.session.frame.height, "clear all filters did not restore every row")
    log("ok  clear all filters")


def keep_project_in(paths: list[str], folder: Path) -> None:
    """The curation project of ``paths`` lives in ``folder`` (as if the curator had moved
    it there), so the self-test never writes beside the release (read-only when frozen)."""
    from app.ui.curate.curation_ctl import remember_project_dir

    resolved = tuple(Path(p).expanduser().resolve() for p in paths)
    root = resolved[0] if len(resolved) == 1 and resolved[0].is_dir() else resolved[0].parent
    folder.mkdir(parents=True, exist_ok=True)
    remember_project_dir(SimpleNamespace(paths=resolved, root=root), folder)


def _dialog(window, what: str):
    wait_until(lambda: window.commands.dialog is not None and window.commands.dialog.isVisible(), what)
    return window.commands.dialog


def exercise_curation(window, scratch: Path, log: Callable[[str], None]) -> None:
    """Edit the first row's output (Ctrl+E, typed, Ctrl+Enter), save a version (Ctrl+S),
    export (Ctrl+Shift+E) and find the edit in the exported file."""
    ctl = window.curation
    wait_until(lambda: ctl.curation is not None and ctl.frame is not None and not ctl.busy, "the curation project")
    folder = ctl.curation.project.folder
    check(folder.resolve().is_relative_to(scratch.resolve()), f"the curation project is at {folder}, not in {scratch}")
    ctrl = Qt.KeyboardModifier.ControlModifier
    table = window.table
    table.setFocus()
    table.select_row(0)
    wait_until(lambda: window.detail_position == window.model.position(0), "the first row in the detail view")
    rid = ctl.rid_at(window.model.position(0))
    QTest.keyClick(table, Qt.Key.Key_E, ctrl)
    editor = window.detail.editors["output"]
    check(window.detail.editing.active and not editor.isReadOnly(), "Ctrl+E did not start editing")
    editor.selectAll()
    type_text(editor, EDITED.replace("\n", "\r"))  # Return in the editor is a new line
    QTest.keyClick(editor, Qt.Key.Key_Return, ctrl)
    state = ctl.curation.overlay.get(rid)
    check(state.fields.get("output") == EDITED, f"the edit was not applied: {state.fields!r}")
    log(f"ok  edit: row {rid:016x} output edited with key events and journaled")

    QTest.keyClick(window, Qt.Key.Key_S, ctrl)
    dialog = _dialog(window, "the save-version dialog")
    type_text(dialog.message, "self-test")
    QTest.keyClick(dialog.message, Qt.Key.Key_Return)
    wait_until(lambda: ctl.curation.last_version, "the version to be saved")
    info = ctl.curation.versions()[-1]
    check(info.message == "self-test" and ctl.curation.load_version(info.number).get(rid).fields.get("output") == EDITED,
          f"version {info.number} does not hold the edit")
    log(f"ok  save version {info.number}: {info.rows} changed row(s)")

    QTest.keyClick(window, Qt.Key.Key_E, ctrl | Qt.KeyboardModifier.ShiftModifier)
    dialog = _dialog(window, "the export dialog")
    out = scratch / "export" / "curated.jsonl"
    dialog.single.setChecked(True)
    dialog.path.setText(str(out))
    QTest.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: dialog.result is not None or dialog.failure is not None, "the export")
    check(dialog.failure is None, f"export failed: {dialog.failure}")
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    frame = window.session.frame
    check(len(rows) == frame.height, f"export holds {len(rows)} rows, the release {frame.height}")
    check(sum(r.get("output") == EDITED for r in rows) == 1, "the export does not hold the edited output once")
    dialog.close()
    log(f"ok  export: {len(rows):,} rows to {out.name}, the edit included")


def _quiet_offscreen(mode, context, message: str) -> None:
    """The offscreen platform warns about window hints it cannot honour; drop only that."""
    if "propagateSizeHints" not in message:
        sys.stderr.write(message + "\n")


def run_self_test(paths: list[str] | None = None) -> int:
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    qInstallMessageHandler(_quiet_offscreen)
    # Throwaway settings and config dir: the self-test must not touch the user's.
    scratch = tempfile.mkdtemp(prefix="cqia-selftest-")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, scratch)
    QStandardPaths.setTestModeEnabled(True)
    from .startup import build_window, make_app

    app, settings, fonts = make_app()
    targets = paths or [str(demo_release())]
    keep_project_in(targets, Path(scratch) / "project.curation")
    window = build_window(settings, fonts)
    window.show()
    lines: list[str] = []

    def log(line: str) -> None:
        lines.append(line)
        print(line, flush=True)

    status = 0
    try:
        if not all(Path(p).exists() for p in targets):
            raise SelfTestFailure(f"release not found: {', '.join(targets)}")
        exercise(window, targets, log)
        exercise_curation(window, Path(scratch), log)
        check("jieba" not in sys.modules, "jieba was imported by the GUI")
        log("ok  jieba not imported")
    except SelfTestFailure as exc:
        log(f"FAIL {exc}")
        status = 1
    except Exception as exc:  # any crash is a failure with its reason, not a traceback wall
        log(f"FAIL {type(exc).__name__}: {exc}")
        status = 1
    finally:
        window.close()
        app.processEvents()
    log("self-test passed" if status == 0 else "self-test FAILED")
    return status
