"""The table's model: a thin adapter over the vector of visible row positions.

Rows hold no Python objects: the model keeps the frame and a numpy vector of row
positions (the filter's result, in sort order). Cells are rendered on demand a block
of rows at a time and kept in a small LRU cache, so scrolling 500,000 rows touches only
what is painted. Rendering runs on the GUI thread, so it reads single rows (or one
slice) and never waits on Polars' thread pool, which the workers keep busy; a painted
cell costs one Python call (multiData), not one per role.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import polars as pl
from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, QT_TRANSLATE_NOOP
from PySide6.QtGui import QColor, QFont, QGuiApplication

from app.ui.common import themes
from app.ui.common.labels import signal_titles
from app.ui.common.text_display import first_line, preview

BLOCK = 64  # rows rendered per cache block (a few screens; a paint spans at most two blocks)
MAX_BLOCKS = 48  # cached blocks; a few thousand rows of short strings at most


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # source text; translated in headerData
    sort: str | None  # frame column the header click sorts by
    width: int  # default width in average characters
    numeric: bool = False


COLUMNS = (
    Column("status", QT_TRANSLATE_NOOP("RowsModel", "Status"), "status", 6),
    Column("source", QT_TRANSLATE_NOOP("RowsModel", "Source"), "source", 8),
    Column("subset", QT_TRANSLATE_NOOP("RowsModel", "Subset"), "subset", 10),
    Column("task", QT_TRANSLATE_NOOP("RowsModel", "Task"), "task_major", 11),
    Column("domain", QT_TRANSLATE_NOOP("RowsModel", "Domain"), "domain", 8),
    Column("instruction", QT_TRANSLATE_NOOP("RowsModel", "Instruction"), "instruction", 26),
    Column("output", QT_TRANSLATE_NOOP("RowsModel", "Output"), "output", 30),
    Column("len_instruction", QT_TRANSLATE_NOOP("RowsModel", "Len instr."), "len_instruction", 6, True),
    Column("len_input", QT_TRANSLATE_NOOP("RowsModel", "Len input"), "len_input", 6, True),
    Column("len_output", QT_TRANSLATE_NOOP("RowsModel", "Len output"), "len_output", 6, True),
    # Analysis columns (app/ui/analysis): hidden until chosen, empty until their pass ran.
    Column("signals", QT_TRANSLATE_NOOP("RowsModel", "Signals"), "n_signals", 16),
    Column("tok_instruction", QT_TRANSLATE_NOOP("RowsModel", "Words instr."), "tok_instruction", 6, True),
    Column("tok_input", QT_TRANSLATE_NOOP("RowsModel", "Words input"), "tok_input", 6, True),
    Column("tok_output", QT_TRANSLATE_NOOP("RowsModel", "Words output"), "tok_output", 6, True),
    Column("verb", QT_TRANSLATE_NOOP("RowsModel", "Verb"), "verb", 5),
    Column("noun", QT_TRANSLATE_NOOP("RowsModel", "Object"), "noun", 5),
    Column("near_cluster", QT_TRANSLATE_NOOP("RowsModel", "Near-dup cluster"), "near_cluster", 6, True),
    Column("contam_overlap", QT_TRANSLATE_NOOP("RowsModel", "Benchmark overlap"), "contam_overlap", 6, True),
    # the curator's note and "come back later" flag (issue 25.3)
    Column("note", QT_TRANSLATE_NOOP("RowsModel", "Note"), "note", 16),
    Column("flagged", QT_TRANSLATE_NOOP("RowsModel", "Flagged"), "flagged", 5),
)
COLUMN_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}
ANALYSIS_KEYS = ("signals", "tok_instruction", "tok_input", "tok_output", "verb", "noun", "near_cluster",
                 "contam_overlap")
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

# Curation status words shown translated (the column itself holds these keys).
STATUS_LABELS = {
    "untouched": QT_TRANSLATE_NOOP("Status", "untouched"),
    "edited": QT_TRANSLATE_NOOP("Status", "edited"),
    "accepted": QT_TRANSLATE_NOOP("Status", "accepted"),
    "rejected": QT_TRANSLATE_NOOP("Status", "rejected"),
}


def status_label(value: str | None) -> str:
    value = value or "untouched"
    return QCoreApplication.translate("Status", STATUS_LABELS[value]) if value in STATUS_LABELS else value


# Curation marks: which frame fields each column shows (an edited field marks the cell).
_SHOWS = {"task": ("task_major", "task_minor"), "domain": ("domain",), "instruction": ("instruction",),
          "output": ("output",), "len_instruction": ("instruction",), "len_input": ("input",),
          "len_output": ("output",), "tok_instruction": ("instruction",), "tok_input": ("input",),
          "tok_output": ("output",)}
COLUMN_FIELDS = tuple(frozenset(_SHOWS.get(c.key, ())) for c in COLUMNS)
INLINE_EDIT = ("instruction", "domain")  # short enough to edit in the cell; the rest in the detail view
_STATUS, _EDITED, _MULTILINE = len(COLUMNS), len(COLUMNS) + 1, len(COLUMNS) + 2  # marks after the cells
_DIM = QColor(128, 128, 128)
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
_EDIT_FLAGS = _FLAGS | Qt.ItemFlag.ItemIsEditable
_INLINE_COLUMNS = frozenset(i for i, c in enumerate(COLUMNS) if c.key in INLINE_EDIT)
_DISPLAY_ROLE, _ALIGN_ROLE, _EDIT_ROLE = int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.TextAlignmentRole), \
    int(Qt.ItemDataRole.EditRole)
_FONT_ROLE, _FOREGROUND_ROLE = int(Qt.ItemDataRole.FontRole), int(Qt.ItemDataRole.ForegroundRole)
_CELL_ROLES = frozenset((_DISPLAY_ROLE, _ALIGN_ROLE, _FONT_ROLE, _FOREGROUND_ROLE))
_EDITED_COLOUR = {"dark": QColor("#e5c07b"), "light": QColor("#9a6700")}


_SHOWN = ("status", "source", "subset", "task_major", "task_minor", "domain", "instruction", "output",
          "len_instruction", "len_input", "len_output", "edited_fields") + ANALYSIS_KEYS + ("note", "flagged")


def _read_rows(frame: pl.DataFrame, positions: np.ndarray) -> tuple[dict[str, int], list[tuple]]:
    """The values of the shown columns at ``positions``: (column -> index in a row, rows).

    This runs on the GUI thread while workers may keep Polars' thread pool busy, so it
    never enters that pool (a ``select`` or a gather would queue behind the worker's
    query, for a second at times): the columns are regrouped into a narrow frame (no
    copy), then read a row at a time, or as one slice when the positions are consecutive
    (the unsorted view). O(len(positions)), never O(rows)."""
    names = [c for c in _SHOWN if c in frame.columns]
    narrow = pl.DataFrame([frame.get_column(c) for c in names])
    if positions.size and bool((np.diff(positions.astype(np.int64)) == 1).all()):
        rows = narrow.slice(int(positions[0]), int(positions.size)).rows()
    else:
        rows = [narrow.row(p) for p in positions.tolist()]
    return {c: i for i, c in enumerate(names)}, rows


def _join(labels: list | None, sep: str) -> str:
    """A list cell joined like Polars' list.join: nulls skipped, null list -> ""."""
    return "" if labels is None else sep.join(v for v in labels if v is not None)


def _text(value) -> str:
    """A cell shown as text, like a Polars cast to String (null -> "")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def render_block(frame: pl.DataFrame, positions: np.ndarray) -> list[tuple]:
    """Display strings of ``COLUMNS`` for the rows at ``positions`` (a small slice), then
    the row's marks: status key, edited field names, whether the instruction is multi-line."""
    at, rows = _read_rows(frame, positions)
    none = len(at)  # index of the None every row gets appended: a missing column reads as null
    (status_i, source_i, subset_i, major_i, minor_i, domain_i, instr_i, output_i, li_i, lin_i, lo_i,
     edited_i) = (at.get(c, none) for c in _SHOWN[:12])
    analysis = [(key, at.get(key, none)) for key in ANALYSIS_KEYS]
    note_i, flagged_i = at.get("note", none), at.get("flagged", none)
    flag_text = QCoreApplication.translate("RowsModel", "flagged")
    titles = signal_titles() if any(i != none for _k, i in analysis) else {}
    out = []
    for row in rows:
        row = (*row, None)
        status = row[status_i] or "untouched"
        major, minor = _join(row[major_i], ", "), _join(row[minor_i], ", ")
        instr, output, edited = row[instr_i] or "", row[output_i] or "", row[edited_i]
        more = tuple(("" if row[i] is None else ", ".join(titles.get(v, v) for v in row[i] if v is not None))
                     if key == "signals" else _text(row[i]) for key, i in analysis)
        task = f"{major} / {minor}" if minor else major
        out.append((status_label(status), row[source_i] or "", row[subset_i] or "", task,
                    _join(row[domain_i], ", "), first_line(instr[:400]), preview(output[:260]),
                    _text(row[li_i]), _text(row[lin_i]), _text(row[lo_i]), *more,
                    first_line((row[note_i] or "")[:200]), flag_text if row[flagged_i] else "",
                    status, frozenset(v for v in edited if v) if edited else frozenset(), "\n" in instr))
    return out


class RowsModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._frame: pl.DataFrame | None = None
        self._positions = np.zeros(0, dtype=np.uint32)
        self._cache: OrderedDict[int, list[tuple]] = OrderedDict()
        self.editable = False  # inline edits allowed (the window turns it off while read-only)
        self.edit_handler = None  # (frame position, column key, text) -> bool; the curation turns it into a command

    # -- data in ----------------------------------------------------------------------
    @property
    def frame(self) -> pl.DataFrame | None:
        return self._frame

    @property
    def positions(self) -> np.ndarray:
        return self._positions

    def set_frame(self, frame: pl.DataFrame | None, positions: np.ndarray | None = None) -> None:
        """A new release (or a new frame over the same rows): reset everything."""
        self.beginResetModel()
        self._frame = frame
        self._positions = _as_positions(positions if positions is not None else
                                        np.arange(0 if frame is None else frame.height, dtype=np.uint32))
        self._cache.clear()
        self.endResetModel()

    def replace_frame(self, frame: pl.DataFrame, changed: np.ndarray | None = None) -> None:
        """The same rows with new cell values (curation edits): targeted dataChanged, no reset."""
        self._frame = frame
        self.refresh(changed)

    def set_positions(self, positions: np.ndarray) -> None:
        """Show a new filter result. A pure re-order keeps persistent indexes (selection)."""
        positions = _as_positions(positions)
        if positions.size == self._positions.size and np.array_equal(positions, self._positions):
            return
        if positions.size != self._positions.size:
            self.beginResetModel()
            self._positions = positions
            self._cache.clear()
            self.endResetModel()
            return
        self.layoutAboutToBeChanged.emit()
        old = self._positions
        self._positions = positions
        self._cache.clear()
        persistent = self.persistentIndexList()
        moved = []
        for idx in persistent:
            new_row = self.row_of_position(int(old[idx.row()])) if 0 <= idx.row() < old.size else None
            moved.append(QModelIndex() if new_row is None else self.index(new_row, idx.column()))
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def retranslate(self) -> None:
        """After a language switch: the status words and the headers again (cells are cached)."""
        self.refresh()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)

    def refresh(self, positions: np.ndarray | None = None) -> None:
        """Cells changed in place (e.g. a curation edit): repaint, no reset.

        With ``positions`` only the rows showing those frame positions are signalled.
        """
        self._cache.clear()
        if not self._positions.size:
            return
        last_col = len(COLUMNS) - 1
        if positions is None:
            self.dataChanged.emit(self.index(0, 0), self.index(self._positions.size - 1, last_col))
            return
        rows = np.flatnonzero(np.isin(self._positions, np.asarray(positions)))
        if rows.size > 256:  # a bulk change: one signal over the span beats thousands of them
            self.dataChanged.emit(self.index(int(rows[0]), 0), self.index(int(rows[-1]), last_col))
            return
        for row in rows:
            self.dataChanged.emit(self.index(int(row), 0), self.index(int(row), last_col))

    # -- lookups ----------------------------------------------------------------------
    def position(self, row: int) -> int | None:
        return int(self._positions[row]) if 0 <= row < self._positions.size else None

    def row_of_position(self, position: int) -> int | None:
        hits = np.flatnonzero(self._positions == position)
        return int(hits[0]) if hits.size else None

    def sort_column(self, section: int) -> str | None:
        """The frame column a header click sorts by (None when the frame lacks it)."""
        if not 0 <= section < len(COLUMNS) or self._frame is None:
            return None
        key = COLUMNS[section].sort
        return key if key in self._frame.columns else None

    # -- Qt model API ---------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else int(self._positions.size)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if role == _EDIT_ROLE:
            return self._edit_value(index)
        if role not in _CELL_ROLES:  # the view asks ~7 roles per painted cell; most are unused
            return None
        return self._role(self._cells(index.row(), index.column()), index.column(), role)

    def multiData(self, index: QModelIndex | QPersistentModelIndex, roleDataSpan) -> None:  # noqa: N802, N803
        """Every role the delegate wants for one cell in one call (Qt asks this per painted
        cell): a Python call costs a GIL round trip, and while a worker runs Python each one
        may wait for it; ~4 calls fewer per cell keeps a repaint near its CPU cost."""
        col = index.column()
        cells = self._cells(index.row(), col)
        for i in range(len(roleDataSpan)):
            item = roleDataSpan[i]
            role = item.role()
            value = self._role(cells, col, role) if role in _CELL_ROLES else \
                self._edit_value(index) if role == _EDIT_ROLE else None
            if value is None:
                item.clearData()
            else:
                item.setData(value)

    def _cells(self, row: int, col: int) -> tuple | None:
        """The rendered row (cells, then marks) behind a valid index, else None."""
        if self._frame is None or not (0 <= row < self._positions.size and 0 <= col < len(COLUMNS)):
            return None
        return self._block(row // BLOCK)[row % BLOCK]

    def _role(self, cells: tuple | None, col: int, role: int):
        """Display text, alignment, and the marks: rejected rows dimmed; edited cells in
        italics and a colour of their own."""
        if cells is None:
            return None
        if role == _DISPLAY_ROLE:
            return cells[col]
        if role == _ALIGN_ROLE:
            return _RIGHT if COLUMNS[col].numeric else None
        edited = bool(COLUMN_FIELDS[col] & cells[_EDITED])
        if role == _FONT_ROLE:
            if not edited:
                return None
            font = QFont(QGuiApplication.font())
            font.setItalic(True)
            return font
        if cells[_STATUS] == "rejected":
            return _DIM
        return _EDITED_COLOUR[themes.current_theme()] if edited else None

    def _edit_value(self, index) -> str | None:
        position = self.position(index.row())
        if position is None or self._frame is None or not 0 <= index.column() < len(COLUMNS):
            return None
        key = COLUMNS[index.column()].key
        if key == "instruction":
            return self._frame.get_column("instruction")[position] or ""
        if key == "domain":
            labels = self._frame.get_column("domain")[position]  # a Series: one row's list
            return ", ".join(labels.drop_nulls().to_list()) if labels is not None else ""
        return self.data(index)

    def setData(self, index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """An inline edit goes to ``edit_handler`` (a core command); the new frame comes back
        through replace_frame, so nothing is stored here."""
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable) \
                or self.edit_handler is None:
            return False
        if value == self._edit_value(index):
            return False
        return bool(self.edit_handler(self.position(index.row()), COLUMNS[index.column()].key, str(value)))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return QCoreApplication.translate("RowsModel", COLUMNS[section].title)
            if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[section].numeric:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < self._positions.size:
            return str(section + 1)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        # Asked once per painted cell: constant flags, no enum arithmetic per call.
        if not index.isValid():
            return _NO_FLAGS
        row, col = index.row(), index.column()
        if self.editable and col in _INLINE_COLUMNS and self._frame is not None and 0 <= row < self._positions.size:
            # A multi-line instruction would lose its newlines in a one-line cell editor.
            if COLUMNS[col].key != "instruction" or not self._block(row // BLOCK)[row % BLOCK][_MULTILINE]:
                return _EDIT_FLAGS
        return _FLAGS

    def _block(self, block: int) -> list[tuple[str, ...]]:
        cached = self._cache.get(block)
        if cached is not None:
            self._cache.move_to_end(block)
            return cached
        start = block * BLOCK
        rows = render_block(self._frame, self._positions[start:start + BLOCK])
        self._cache[block] = rows
        if len(self._cache) > MAX_BLOCKS:
            self._cache.popitem(last=False)
        return rows


def _as_positions(positions: np.ndarray) -> np.ndarray:
    arr = np.asarray(positions)
    return arr if arr.dtype == np.uint32 else arr.astype(np.uint32)
