"""What keeps the GUI thread short (issue: no event-loop stall over 50 ms at 500,000 rows):
cells are rendered from single rows without Polars' thread pool, a painted cell is one
Python call, extra columns are attached without a query, workers run at a lower
priority, and the glyph cache is warmed in small slices."""
from __future__ import annotations

import math
import os
import sys
import threading

import numpy as np
import polars as pl
import pytest
from PySide6.QtCore import QCoreApplication, QModelRoleData, QModelRoleDataSpan, Qt

from app.core.load.loader import load_release
from app.ui.common import workers
from app.ui.common.labels import signal_titles
from app.ui.shell.glyph_warmup import SLICE, GlyphWarmup, common_characters
from app.ui.browse import rows_model
from app.ui.browse.rows_model import ANALYSIS_KEYS, COLUMN_INDEX, RowsModel, status_label
from app.ui.browse.session import materialise, with_extras
from app.ui.common.text_display import first_line, preview


def _curated(frame: pl.DataFrame) -> pl.DataFrame:
    """The release plus what curation and analysis add: status, edited fields, signals, counts."""
    n = frame.height
    return frame.with_columns(
        pl.Series("status", [("rejected", None, "edited", "accepted")[i % 4] for i in range(n)], dtype=pl.String),
        pl.Series("edited_fields", [["instruction", None] if i % 3 == 0 else (None if i % 3 == 1 else [])
                                    for i in range(n)], dtype=pl.List(pl.String)),
        pl.Series("signals", [["url", "html"] if i % 5 == 0 else (None if i % 5 == 1 else []) for i in range(n)],
                  dtype=pl.List(pl.String)),
        pl.Series("tok_output", [i if i % 7 else None for i in range(n)], dtype=pl.UInt32),
        pl.Series("verb", ["写" if i % 2 else None for i in range(n)]),
        pl.Series("note", ["看看\n第二行" if i % 6 == 0 else None for i in range(n)], dtype=pl.String),
        pl.Series("flagged", [i % 4 == 1 for i in range(n)], dtype=pl.Boolean),
    )


def _reference(frame: pl.DataFrame, positions: np.ndarray) -> list[tuple]:
    """The cells as Polars expressions compute them (the rendering before it moved off the pool)."""
    has = set(frame.columns)
    sub = frame[positions].select(
        pl.col("status").fill_null("untouched") if "status" in has else pl.lit("untouched").alias("status"),
        pl.col("source").fill_null(""), pl.col("subset").fill_null(""),
        pl.col("task_major").list.join(", ").fill_null(""), pl.col("task_minor").list.join(", ").fill_null(""),
        pl.col("domain").list.join(", ").fill_null(""),
        pl.col("instruction").str.slice(0, 400).fill_null(""), pl.col("output").str.slice(0, 260).fill_null(""),
        *[pl.col(c).cast(pl.String).fill_null("") for c in ("len_instruction", "len_input", "len_output")],
        pl.col("edited_fields").list.join("\t").fill_null("") if "edited_fields" in has
        else pl.lit("").alias("edited_fields"),
        pl.col("instruction").str.contains("\n", literal=True).fill_null(False).alias("multiline"),
    )
    titles = signal_titles()
    extra = frame[positions].select(
        (pl.col(k).list.eval(pl.element().replace(list(titles), list(titles.values()))).list.join(", ").fill_null("")
         if k == "signals" else pl.col(k).cast(pl.String).fill_null("")) if k in has else pl.lit("").alias(k)
        for k in ANALYSIS_KEYS).rows() if has & set(ANALYSIS_KEYS) else [("",) * len(ANALYSIS_KEYS)] * len(positions)
    rows = frame[positions]
    marks = zip(rows["note"].str.slice(0, 200).fill_null("").to_list() if "note" in has else [""] * rows.height,
                rows["flagged"].fill_null(False).to_list() if "flagged" in has else [False] * rows.height)
    flag = QCoreApplication.translate("RowsModel", "flagged")
    out = []
    for (status, source, subset, major, minor, domain, instr, output, li, lin, lo, edited, multi), more, (note, flagged) \
            in zip(sub.iter_rows(), extra, marks):
        out.append((status_label(status), source, subset, f"{major} / {minor}" if minor else major, domain,
                    first_line(instr), preview(output), li, lin, lo, *more, first_line(note), flag if flagged else "",
                    status,
                    frozenset(v for v in edited.split("\t") if v), multi))
    return out


@pytest.fixture()
def frames(small_release):
    base = load_release([small_release]).frame
    return base, _curated(base)


@pytest.mark.parametrize("order", ["consecutive", "sorted", "every_other", "reversed", "one", "none"])
def test_render_block_matches_the_polars_rendering(frames, order):
    for frame in frames:
        n = frame.height
        positions = {"consecutive": np.arange(5, 5 + 40), "every_other": np.arange(0, n, 2),
                     "sorted": np.argsort(frame["len_output"].to_numpy(), kind="stable")[::-1][:40],
                     "reversed": np.arange(n)[::-1], "one": np.array([n - 1]), "none": np.zeros(0)}[order]
        positions = positions.astype(np.uint32)
        assert rows_model.render_block(frame, positions) == _reference(frame, positions)


def test_render_block_never_queries_the_frame(frames, monkeypatch):
    # A select, gather or collect would queue on Polars' thread pool behind a worker's query
    # (a second, at times): rendering reads single rows, or one slice of consecutive rows.
    def refuse(*_a, **_k):
        raise AssertionError("a Polars query on the GUI thread")

    for name in ("select", "with_columns", "filter", "__getitem__", "lazy", "to_dicts", "iter_rows"):
        monkeypatch.setattr(pl.DataFrame, name, refuse)
    monkeypatch.setattr(pl.Series, "gather", refuse)
    monkeypatch.setattr(pl.LazyFrame, "collect", refuse)
    real_slice, sliced = pl.DataFrame.slice, []
    monkeypatch.setattr(pl.DataFrame, "slice", lambda self, o, n=None: sliced.append(n) or real_slice(self, o, n))
    _base, frame = frames
    assert len(rows_model.render_block(frame, np.arange(3, 20, dtype=np.uint32))) == 17
    assert sliced == [17]  # only the rows asked for cross into Python
    assert len(rows_model.render_block(frame, np.array([9, 2, 40], dtype=np.uint32))) == 3


def test_multidata_answers_every_role_in_one_call(frames):
    _base, frame = frames
    model = RowsModel()
    model.set_frame(frame)
    model.editable = True
    roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ForegroundRole,
             Qt.ItemDataRole.FontRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.DecorationRole,
             Qt.ItemDataRole.CheckStateRole, Qt.ItemDataRole.BackgroundRole]
    for row in (0, 1, 3, frame.height - 1):
        for key in ("status", "instruction", "domain", "len_output", "signals"):
            index = model.index(row, COLUMN_INDEX[key])
            for role in roles:
                item = QModelRoleData(role)
                model.multiData(index, QModelRoleDataSpan(item))
                expected = model.data(index, role)
                if role == Qt.ItemDataRole.FontRole and expected is not None:
                    assert item.data().italic() == expected.italic()
                else:
                    assert item.data() == expected, (row, key, role)
    assert model.data(model.index(0, COLUMN_INDEX["len_output"]), Qt.ItemDataRole.TextAlignmentRole)
    assert model.data(model.index(0, COLUMN_INDEX["status"]), Qt.ItemDataRole.ForegroundRole) is not None  # rejected


def test_extra_columns_are_attached_without_a_query(frames, monkeypatch):
    base, _frame = frames
    extra = base.select("rid", (pl.col("len_output") * 2).alias("tok_output"), pl.lit("x").alias("verb"))
    expected = base.with_columns(extra.drop("rid").get_columns())
    replaced = base.with_columns(pl.lit("old").alias("verb"))  # a column of the same name is replaced in place
    expected_replaced = replaced.with_columns(extra.drop("rid").get_columns())
    monkeypatch.setattr(pl.DataFrame, "with_columns", lambda *_a, **_k: pytest.fail("a query on the GUI thread"))
    assert with_extras(base, {"analysis": extra}).equals(expected)
    got = with_extras(replaced, {"analysis": extra})
    assert got.columns == expected_replaced.columns and got.equals(expected_replaced)
    assert materialise(base) is base


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priority is Linux only")
def test_workers_run_below_the_gui_threads_priority(qtbot):
    gui = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    lane = workers.Lane("test")
    seen = []
    lane.submit(lambda ctx: seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
    qtbot.waitUntil(lambda: not lane.busy, timeout=5000)
    assert seen == [max(gui, workers.BACKGROUND_NICE)]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == gui  # the GUI thread is left alone


def test_glyphs_are_warmed_in_small_slices(qtbot, app_env):
    text = common_characters()
    assert len(text) > 6763 and "的" in text and "豆" in text  # all of GB2312's hanzi, most frequent first
    warm = GlyphWarmup(text="汉字的预热" * 30)
    steps = []
    real = warm.step
    warm.step = lambda: steps.append(1) or real()  # (the timer calls the bound method it was given)
    warm._timer.timeout.disconnect()
    warm._timer.timeout.connect(warm.step)
    warm.start()
    assert warm.running
    qtbot.waitUntil(lambda: warm.done, timeout=5000)
    assert len(steps) == math.ceil(150 / SLICE) + 1  # one slice per step, then one that stops the timer
    warm.start()  # the same font again: nothing left to do
    assert warm.done


def test_length_charts_take_new_data_one_per_step(qtbot):
    """Three charts redrawn in the turn that also repaints the table stalled the GUI:
    new histograms reach the charts one per CHART_STEP_MS, the newest data winning."""
    from app.ui.browse import length_facets
    from app.ui.browse.length_facets import LengthFacets

    facets = LengthFacets()
    qtbot.addWidget(facets)
    assert facets._step.interval() == length_facets.CHART_STEP_MS
    ticks = []  # one entry per step of the timer (connected after the facets' own slot)
    facets._step.timeout.connect(lambda: ticks.append(1))
    shown: list[tuple[str, int, list[int]]] = []  # (column, steps before it was drawn, data)
    for column, chart in facets.charts.items():
        chart.set_histogram = lambda e, c, log, column=column: shown.append((column, len(ticks), c))
    edges = [0.0, 1.0, 2.0]
    for column in facets.charts:
        facets.set_histogram(column, edges, [1, 2], False)
    facets.set_histogram("len_output", edges, [3, 4], True)  # newer data for a chart still waiting
    assert shown == []  # nothing drawn in the caller's turn
    qtbot.waitUntil(lambda: not facets._step.isActive())  # it stops on the first step with nothing due
    assert [c for c, _, _ in shown] == list(facets.charts)
    assert next(data for column, _, data in shown if column == "len_output") == [3, 4]
    # One chart per step (not wall-clock gaps: a busy machine fires late steps back to back).
    assert [steps for _c, steps, _d in shown] == [0, 1, 2] and len(ticks) == 4


def test_glyph_warmup_starts_as_a_load_starts(qtbot, window, small_release):
    """The GUI thread is idle while a release loads: the glyph cache warms then, not after
    the rows (a short load used to end before the warm-up began)."""
    assert not window.glyphs.running
    window.open_paths([str(small_release)])
    assert window.session.loading and window.session.release is None
    assert window.glyphs.running
