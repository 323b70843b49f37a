"""The table's model: a thin adapter over the vector of visible row positions.

Rows hold no Python objects: the model keeps the frame and a numpy vector of row
positions (the filter's result, in sort order). Cells are rendered on demand a block
of rows at a time (one Polars gather + a few string expressions) and kept in a small
LRU cache, so scrolling 500,000 rows touches only what is painted.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import polars as pl
from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, QT_TRANSLATE_NOOP
from PySide6.QtGui import QColor, QFont, QGuiApplication

from app.ui import themes
from app.ui.analysis.labels import signal_titles
from app.ui.text_display import first_line, preview

BLOCK = 128  # rows rendered per cache block (about one or two screens)
MAX_BLOCKS = 24  # cached blocks; a few thousand rows of short strings at most


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
)
COLUMN_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}
ANALYSIS_KEYS = ("signals", "tok_instruction", "tok_input", "tok_output", "verb", "noun", "near_cluster")
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
_EDITED_COLOUR = {"dark": QColor("#e5c07b"), "light": QColor("#9a6700")}


def render_block(frame: pl.DataFrame, positions: np.ndarray) -> list[tuple]:
    """Display strings of ``COLUMNS`` for the rows at ``positions`` (a small slice), then
    the row's marks: status key, edited field names, whether the instruction is multi-line."""
    has_status = "status" in frame.columns
    has_edits = "edited_fields" in frame.columns
    cols = ["source", "subset", "instruction", "output", "task_major", "task_minor", "domain",
            "len_instruction", "len_input", "len_output"] + (["status"] if has_status else []) \
        + (["edited_fields"] if has_edits else [])
    sub = frame.select(cols)[positions].select(
        pl.col("status").fill_null("untouched") if has_status else pl.lit("untouched").alias("status"),
        pl.col("source").fill_null(""),
        pl.col("subset").fill_null(""),
        pl.col("task_major").list.join(", ").fill_null(""),
        pl.col("task_minor").list.join(", ").fill_null(""),
        pl.col("domain").list.join(", ").fill_null(""),
        # Cut long texts in Polars so only the visible part crosses into Python.
        pl.col("instruction").str.slice(0, 400).fill_null(""),
        pl.col("output").str.slice(0, 260).fill_null(""),
        pl.col("len_instruction").cast(pl.String).fill_null(""),
        pl.col("len_input").cast(pl.String).fill_null(""),
        pl.col("len_output").cast(pl.String).fill_null(""),
        pl.col("edited_fields").list.join("\t").fill_null("") if has_edits else pl.lit("").alias("edited_fields"),
        pl.col("instruction").str.contains("\n", literal=True).fill_null(False).alias("multiline"),
    )
    out = []
    extra = _analysis_cells(frame, positions)
    for (status, source, subset, major, minor, domain, instr, output, li, lin, lo, edited, multi), more \
            in zip(sub.iter_rows(), extra):
        task = f"{major} / {minor}" if minor else major
        out.append((status_label(status), source, subset, task, domain, first_line(instr), preview(output), li, lin, lo,
                    *more, status, frozenset(edited.split("\t")) if edited else frozenset(), multi))
    return out


def _analysis_cells(frame: pl.DataFrame, positions: np.ndarray) -> list[tuple[str, ...]]:
    """Display strings of the analysis columns (ANALYSIS_KEYS); "" where a pass has not run."""
    present = [k for k in ANALYSIS_KEYS if k in frame.columns]
    if not present:
        return [("",) * len(ANALYSIS_KEYS)] * len(positions)
    titles = signal_titles()
    exprs = []
    for key in ANALYSIS_KEYS:
        if key not in frame.columns:
            exprs.append(pl.lit("").alias(key))
        elif key == "signals":
            names = pl.element().replace(list(titles), list(titles.values()))
            exprs.append(pl.col(key).list.eval(names).list.join(", ").fill_null(""))
        else:
            exprs.append(pl.col(key).cast(pl.String).fill_null(""))
    return frame.select(present)[positions].select(exprs).rows()


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
        # The view asks ~10 roles per painted cell; answer the unused ones first, cheaply.
        if role == Qt.ItemDataRole.DisplayRole:
            row, col = index.row(), index.column()
            if 0 <= row < self._positions.size and 0 <= col < len(COLUMNS) and self._frame is not None:
                return self._block(row // BLOCK)[row % BLOCK][col]
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and 0 <= index.column() < len(COLUMNS) \
                and COLUMNS[index.column()].numeric:
            return _RIGHT
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole):
            return self._mark(index, role)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_value(index)
        return None

    def _mark(self, index, role):
        """Rejected rows dimmed; edited cells in italics and a colour of their own."""
        row, col = index.row(), index.column()
        if self._frame is None or not (0 <= row < self._positions.size and 0 <= col < len(COLUMNS)):
            return None
        cells = self._block(row // BLOCK)[row % BLOCK]
        edited = bool(COLUMN_FIELDS[col] & cells[_EDITED])
        if role == Qt.ItemDataRole.FontRole:
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
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        row, col = index.row(), index.column()
        if self.editable and self._frame is not None and 0 <= col < len(COLUMNS) and COLUMNS[col].key in INLINE_EDIT \
                and 0 <= row < self._positions.size:
            # A multi-line instruction would lose its newlines in a one-line cell editor.
            if COLUMNS[col].key != "instruction" or not self._block(row // BLOCK)[row % BLOCK][_MULTILINE]:
                flags |= Qt.ItemFlag.ItemIsEditable
        return flags

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
