"""One colour per source, the same in every chart and every filter (issue 25.9).

Paul Tol's 'muted' scheme: nine colours told apart with every common colour-vision
deficiency, on the dark and the light theme. A release has more sources than that
(COIG-CQIA: 22), so the nine with the most rows in the whole release get a colour and
the rest share the neutral grey ``OTHER``, which has its own legend entry ("other (N
sources)"). Counted over the release, not the filter: a source keeps its colour while
the filter changes. Pure Python on the per-source counts; no Qt.
"""
from __future__ import annotations

import polars as pl

TOL_MUTED = ("#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499")
OTHER = "#BBBBBB"  # Tol's pale grey: every source past the ninth
# Curation statuses: Okabe-Ito colours, the same in every chart that splits by status.
STATUS_COLOURS = {"untouched": "#999999", "edited": "#E69F00", "accepted": "#009E73", "rejected": "#D55E00"}


def source_colours(frame: pl.DataFrame) -> dict[str, str]:
    """source -> colour: the sources with the most rows (ties by name) first."""
    counts = frame.group_by("source").len().sort(["len", "source"], descending=[True, False], nulls_last=True)
    names = [s if s is not None else "" for s in counts["source"].to_list()]
    return {s: TOL_MUTED[i] if i < len(TOL_MUTED) else OTHER for i, s in enumerate(names)}


def legend_entries(colours: dict[str, str], shown: list[str], other_label: str) -> list[tuple[str, str]]:
    """(name, colour) for the sources ``shown`` that have a colour of their own, in the
    map's order, then one entry for the grey ones among them (``other_label`` holds %1
    for how many)."""
    shown_set = set(shown)
    own = [(s, c) for s, c in colours.items() if s in shown_set and c != OTHER]
    grey = sum(1 for s in shown_set if colours.get(s, OTHER) == OTHER)
    return own + ([(other_label.replace("%1", str(grey)), OTHER)] if grey else [])
