"""Analyse: text statistics, quality signals, near-duplicates and the dashboard (issue 6).

Importing this package is cheap: jieba, pyqtgraph and the charts load only when used."""
