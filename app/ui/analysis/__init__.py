"""Analyse: text statistics, quality signals, near-duplicates and the dashboard, cheap to import (jieba, pyqtgraph and the charts load only when used); uses browse, common and core."""
