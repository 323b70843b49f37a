"""RowsModel and ReportModel under qtmodeltester, plus what the cells say."""
from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from PySide6.QtCore import QModelIndex, Qt

from app.core.load.loader import load_release
from app.core.query.filters import FilterSpec, SortSpec, apply
from app.ui.browse import rows_model
from app.ui.browse.report_model import ReportModel, problem_summary
from app.ui.browse.rows_model import COLUMN_INDEX, COLUMNS, RowsModel

from .conftest import HTML_INSTRUCTION


@pytest.fixture()
def frame(small_release):
    return load_release([small_release]).frame


def cell(model: RowsModel, row: int, key: str, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, COLUMN_INDEX[key]), role)


@pytest.mark.parametrize("state", ["all", "filtered", "reversed", "empty"])
def test_rows_model_passes_modeltester(qtmodeltester, frame, state):
    model = RowsModel()
    model.set_frame(frame)
    # The tester stays connected: later changes are checked signal by signal as well.
    qtmodeltester.check(model, force_py=True)
    if state in ("filtered", "reversed"):
        model.set_positions(apply(frame, FilterSpec().toggle_include("source", "zhihu")).to_numpy())
        assert model.rowCount() == 25
    if state == "reversed":
        model.set_positions(model.positions[::-1].copy())
    if state == "empty":
        model.set_positions(np.zeros(0, dtype=np.uint32))
        assert model.rowCount() == 0
    model.refresh()
    assert model.data(model.index(model.rowCount(), 0)) is None  # out of range is None, not an error


def test_cells_read_the_frame_at_the_visible_positions(frame):
    model = RowsModel()
    positions = apply(frame, FilterSpec(sort=SortSpec("len_output", True))).to_numpy()
    model.set_frame(frame, positions)
    assert model.rowCount() == frame.height and model.columnCount() == len(COLUMNS)
    for row in (0, 7, frame.height - 1):
        src = frame.row(int(positions[row]), named=True)
        assert cell(model, row, "source") == src["source"]
        assert cell(model, row, "subset") == src["subset"]
        assert cell(model, row, "len_output") == str(src["len_output"])
        assert cell(model, row, "status") == "untouched"
        assert cell(model, row, "instruction") == src["instruction"].split("\n")[0].strip()[:200]
        assert "\n" not in cell(model, row, "output")
    # sorted by output length, descending, as the worker delivered it
    lengths = [int(cell(model, r, "len_output")) for r in range(model.rowCount())]
    assert lengths == sorted(lengths, reverse=True)
    assert cell(model, 0, "len_output", Qt.ItemDataRole.TextAlignmentRole) & int(Qt.AlignmentFlag.AlignRight)


def test_status_column_reads_a_real_status_column_when_present(frame):
    status = pl.Series("status", ["rejected" if i % 2 else None for i in range(frame.height)], dtype=pl.String)
    model = RowsModel()
    model.set_frame(frame.with_columns(status))
    assert cell(model, 1, "status") == "rejected"
    assert cell(model, 0, "status") == "untouched"
    assert model.sort_column(COLUMN_INDEX["status"]) == "status"
    plain = RowsModel()
    plain.set_frame(frame)
    assert plain.sort_column(COLUMN_INDEX["status"]) is None  # nothing to sort by yet


def test_html_in_data_is_plain_display_text(frame):
    model = RowsModel()
    model.set_frame(frame)
    row = next(i for i in range(frame.height) if frame["instruction"][i] == HTML_INSTRUCTION)
    assert cell(model, row, "instruction") == HTML_INSTRUCTION  # the string itself, never markup
    # Troublemakers in the output preview show as markers, not raw control characters.
    out = cell(model, row, "output")
    assert "⟨U+202E⟩" in out and "⟨U+0000⟩" in out and "⟨U+200B⟩" in out and "\x00" not in out


def test_cells_are_rendered_in_blocks_and_the_cache_stays_small(frame, monkeypatch):
    big = pl.concat([frame] * 40)  # 2,400 rows
    model = RowsModel()
    model.set_frame(big)
    calls = []
    real = rows_model.render_block
    monkeypatch.setattr(rows_model, "render_block", lambda f, p: calls.append(len(p)) or real(f, p))
    for row in range(0, 300):
        cell(model, row, "source")
    assert calls == [rows_model.BLOCK] * -(-300 // rows_model.BLOCK)  # 300 rows read block by block
    for row in range(0, big.height, rows_model.BLOCK):
        cell(model, row, "source")
    assert len(model._cache) <= rows_model.MAX_BLOCKS


def test_reorder_keeps_the_selected_row_through_persistent_indexes(frame):
    model = RowsModel()
    model.set_frame(frame)
    from PySide6.QtCore import QPersistentModelIndex

    keep = QPersistentModelIndex(model.index(5, 2))
    model.set_positions(model.positions[::-1].copy())
    assert keep.isValid() and keep.row() == frame.height - 1 - 5 and keep.column() == 2
    assert model.position(keep.row()) == 5


def test_refresh_signals_only_the_changed_rows(qtbot, frame):
    model = RowsModel()
    model.set_frame(frame)
    seen = []
    model.dataChanged.connect(lambda a, b: seen.append((a.row(), b.row())))
    model.refresh(np.array([3, 10]))
    assert sorted(seen) == [(3, 3), (10, 10)]


def test_report_model_lists_skipped_files_and_bad_lines(qtmodeltester, app_env, small_release):
    report = load_release([small_release]).report
    model = ReportModel(report)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == len(report.skipped_files) + len(report.bad_lines) == 2
    texts = [[model.data(model.index(r, c)) for c in range(3)] for r in range(model.rowCount())]
    assert texts[0][0] == "wiki/lfs.jsonl" and texts[0][1] == "" and "LFS" in texts[0][2]
    assert texts[1][:2] == ["zhihu/zhihu_b.jsonl", "14"]
    assert problem_summary(report) == "1 bad line, 1 LFS pointer"
    assert model.rowCount(model.index(0, 0)) == 0 and not model.flags(QModelIndex())
