"""Near-duplicate clusters: the threshold (changing it re-clusters the kept MinHash
signatures, nothing is recomputed), the clusters biggest first, and stepping through
them. Choosing a cluster asks for the table to show its rows."""
from __future__ import annotations

import numpy as np
import polars as pl
from PySide6.QtCore import (QAbstractTableModel, QCoreApplication, QEvent, QModelIndex, QPersistentModelIndex, Qt,
                            QT_TRANSLATE_NOOP, QTimer, Signal)
from PySide6.QtWidgets import (QAbstractItemView, QDoubleSpinBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QSlider, QTableView, QVBoxLayout, QWidget)

from app.ui.common.text_display import first_line

RECLUSTER_DELAY_MS = 250  # a dragged slider re-clusters once it rests


class ClustersModel(QAbstractTableModel):
    """One row per cluster of analysis_ctl.cluster_table (cluster, size, mean_jaccard,
    instruction). Cells are read from the table when painted: 500k rows can make 100k+
    clusters, too many to turn into Python objects on the GUI thread."""

    HEADERS = (QT_TRANSLATE_NOOP("ClustersModel", "Cluster"), QT_TRANSLATE_NOOP("ClustersModel", "Rows"),
               QT_TRANSLATE_NOOP("ClustersModel", "Similarity"), QT_TRANSLATE_NOOP("ClustersModel", "First instruction"))

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._clusters = np.zeros(0, dtype=np.int64)
        self._cols: list[pl.Series] = []

    def set_table(self, table: pl.DataFrame | None) -> None:
        self.beginResetModel()
        if table is None:
            self._clusters, self._cols = np.zeros(0, dtype=np.int64), []
        else:
            self._clusters = table["cluster"].cast(pl.Int64).to_numpy()
            self._cols = [table["cluster"], table["size"], table["mean_jaccard"], table["instruction"]]
        self.endResetModel()

    def cluster(self, row: int) -> int | None:
        return int(self._clusters[row]) if 0 <= row < self._clusters.size else None

    def row_of(self, cluster: int) -> int | None:
        hits = np.flatnonzero(self._clusters == cluster)
        return int(hits[0]) if hits.size else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else int(self._clusters.size)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < self._clusters.size:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            value = self._cols[col][index.row()]
            if col == 0:
                return str(value)
            if col == 1:
                return f"{value:,}"
            return f"{value:.2f}" if col == 2 else first_line(value or "")
        if role == Qt.ItemDataRole.TextAlignmentRole and col < 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.HEADERS):
            return QCoreApplication.translate("ClustersModel", self.HEADERS[section])
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


class NearDupView(QWidget):
    runRequested = Signal(bool)  # recompute signatures?
    thresholdChanged = Signal(float)
    clusterChosen = Signal(object)  # cluster id, or None for "no cluster"
    allRequested = Signal()  # show every row that has a near duplicate

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("nearDupView")
        self.threshold_label = QLabel(self)
        self.spin = QDoubleSpinBox(self)
        self.spin.setObjectName("nearThreshold")
        self.spin.setRange(0.30, 0.95)
        self.spin.setSingleStep(0.05)
        self.spin.setDecimals(2)
        self.spin.setValue(0.70)
        self.spin.setKeyboardTracking(False)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setRange(30, 95)
        self.slider.setValue(70)
        self.run_button = QPushButton(self)
        self.run_button.setObjectName("nearRun")
        self.all_button = QPushButton(self)
        self.prev_button, self.next_button = QPushButton(self), QPushButton(self)
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.model = ClustersModel(self)
        self.list = QTableView(self)
        self.list.setObjectName("nearClusters")
        self.list.setModel(self.model)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.verticalHeader().hide()
        self.list.setWordWrap(False)
        self.list.horizontalHeader().setStretchLastSection(True)
        self.list.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.list.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._chosen(cur.row()))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RECLUSTER_DELAY_MS)
        self._timer.timeout.connect(lambda: self.thresholdChanged.emit(round(self.spin.value(), 2)))
        self.spin.valueChanged.connect(self._on_spin)
        self.slider.valueChanged.connect(lambda v: self.spin.setValue(v / 100))
        self.run_button.clicked.connect(lambda: self.runRequested.emit(self.model.rowCount() > 0))
        self.all_button.clicked.connect(self.allRequested)
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        top = QHBoxLayout()
        top.addWidget(self.threshold_label)
        top.addWidget(self.spin)
        top.addWidget(self.slider, 1)
        top.addWidget(self.run_button)
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.next_button)
        nav.addWidget(self.all_button)
        nav.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addLayout(nav)
        lay.addWidget(self.list, 1)
        self._rows: int | None = None
        self._busy = False
        self.retranslate()

    # -- in ------------------------------------------------------------------------------------------
    def set_clusters(self, table: pl.DataFrame | None, rows: int | None, threshold: float) -> None:
        """The cluster list (analysis_ctl.cluster_table) at ``threshold``; ``rows`` in clusters
        (None: not computed)."""
        self.model.set_table(table)
        self._rows = rows
        self.spin.blockSignals(True)
        self.spin.setValue(threshold)
        self.spin.blockSignals(False)
        self.slider.blockSignals(True)
        self.slider.setValue(round(threshold * 100))
        self.slider.blockSignals(False)
        self.retranslate()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.retranslate()

    def select_cluster(self, cluster: int | None) -> None:
        """Mark ``cluster`` in the list (the filter chose it elsewhere) without asking again."""
        row = self.model.row_of(cluster) if cluster is not None else None
        sm = self.list.selectionModel()
        sm.blockSignals(True)
        if row is None:
            sm.clear()
        else:
            index = self.model.index(row, 0)
            sm.setCurrentIndex(index, sm.SelectionFlag.ClearAndSelect | sm.SelectionFlag.Rows)
            self.list.scrollTo(index)
        sm.blockSignals(False)

    # -- out -----------------------------------------------------------------------------------------
    def step(self, delta: int) -> int | None:
        """Next (+1) or previous (-1) cluster; returns the cluster chosen."""
        n = self.model.rowCount()
        if not n:
            return None
        cur = self.list.currentIndex().row()
        row = (0 if delta > 0 else n - 1) if cur < 0 else min(max(cur + delta, 0), n - 1)
        self.list.setCurrentIndex(self.model.index(row, 0))  # emits through _chosen
        return self.model.cluster(row)

    def _chosen(self, row: int) -> None:
        self.clusterChosen.emit(self.model.cluster(row))

    def _on_spin(self, value: float) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(round(value * 100))
        self.slider.blockSignals(False)
        self._timer.start()

    def retranslate(self) -> None:
        self.threshold_label.setText(self.tr("Similarity threshold"))
        self.spin.setToolTip(self.tr("Estimated Jaccard similarity of character 4-grams two rows must reach"))
        has = self.model.rowCount() > 0 or self._rows is not None
        self.run_button.setText(self.tr("Recompute") if has else self.tr("Find near duplicates"))
        self.all_button.setText(self.tr("All near duplicates"))
        self.prev_button.setText(self.tr("◀ Previous cluster"))
        self.next_button.setText(self.tr("Next cluster ▶"))
        if self._busy:
            self.summary.setText(self.tr("Computing MinHash signatures and clusters…"))
        elif self._rows is None:
            self.summary.setText(self.tr("Not computed yet (about 30 s for 50,000 rows, in the background)."))
        else:
            self.summary.setText(self.tr("%1 clusters holding %2 rows at threshold %3.")
                                 .replace("%1", f"{self.model.rowCount():,}").replace("%2", f"{self._rows:,}")
                                 .replace("%3", f"{self.spin.value():.2f}"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(ClustersModel.HEADERS) - 1)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
