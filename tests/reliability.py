"""How hard the reliability tests run, and what they saw.

The tests marked ``reliability`` (kills, races, tampered and hostile input) run their
loops ``rounds(n)`` times: n at the default scale, the rounds CI runs, and
n * CQIA_RELIABILITY_SCALE when that is set (a positive integer); a scenario whose
cost grows with its own length (one project merged ever more often) is run ``scale()``
times afresh instead. With
CQIA_RELIABILITY_LOG=FILE each of them appends one JSON line to FILE once it is done:
what it tried (the figures it counted through the ``tally`` fixture, or one case of its
kind), what it checks, and whether that held. ``python -m tests.reliability_run`` sets
both and writes the summary kept in the repo.

Mark a test ``@pytest.mark.reliability(KIND, "what held")`` (or a whole module with
``pytestmark``; the mark closest to the test wins). KIND names the figure a test that
counts nothing adds one to.
"""
from __future__ import annotations

import json
import os

import pytest

SCALE_ENV, LOG_ENV = "CQIA_RELIABILITY_SCALE", "CQIA_RELIABILITY_LOG"
MARK = "reliability"
# What a test can count; the summary adds them up. kills: processes SIGKILLed (or made to
# exit at a chosen step); kills_mid_write: those that landed inside a write (between an
# action or save announced and acknowledged); acknowledged: what killed processes had
# reported done (each found intact after the kill); truncations(_mid_read): files cut
# by another program (while the reader ran).
FIGURES = ("rounds", "kills", "kills_mid_write", "acknowledged", "truncations", "truncations_mid_read", "races",
           "tamper_cases", "hostile_files", "faults")
KINDS = {"kill": "kills", "race": "races", "tamper": "tamper_cases", "hostile": "hostile_files", "fault": "faults",
         "check": None}
_TALLY = pytest.StashKey["Tally"]()
_REPORTS = pytest.StashKey[list]()


def scale() -> int:
    raw = os.environ.get(SCALE_ENV, "").strip() or "1"
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{SCALE_ENV} must be a positive integer, not {raw!r}")
    return int(raw)


def rounds(n: int) -> int:
    """How many times to run a loop CI runs n times."""
    return n * scale()


class Tally:
    """The figures one test counted (only counted: nothing here is asserted)."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def add(self, **counts: int) -> None:
        for name, n in counts.items():
            if name not in FIGURES:
                raise KeyError(f"unknown reliability figure {name!r}; one of {', '.join(FIGURES)}")
            self.counts[name] = self.counts.get(name, 0) + int(n)


def tally_of(item: pytest.Item) -> Tally:
    return item.stash.setdefault(_TALLY, Tally())


def kind_and_checks(item: pytest.Item) -> tuple[str, str]:
    mark = item.get_closest_marker(MARK)
    kind, checks = (list(mark.args) + ["check", ""])[:2]
    if kind not in KINDS:
        raise ValueError(f"{item.nodeid}: reliability kind {kind!r} is not one of {', '.join(KINDS)}")
    return kind, checks


def scale_timeouts(items: list[pytest.Item], default: float) -> None:
    """A test that runs its loops S times as often gets S times its time limit."""
    if scale() == 1 or not default:
        return
    for item in items:
        if item.get_closest_marker(MARK):
            limit = item.get_closest_marker("timeout")
            base = limit.args[0] if limit and limit.args else default
            item.add_marker(pytest.mark.timeout(base * scale()), append=False)


def observe(item: pytest.Item, report: pytest.TestReport) -> None:
    """Called with each phase's report; after the last one, log the test's line."""
    if not item.get_closest_marker(MARK) or not os.environ.get(LOG_ENV):
        return
    reports = item.stash.setdefault(_REPORTS, [])
    reports.append(report)
    if report.when == "teardown":
        with open(os.environ[LOG_ENV], "a", encoding="utf-8") as fh:
            fh.write(json.dumps(line(item, reports), ensure_ascii=False) + "\n")


def line(item: pytest.Item, reports: list[pytest.TestReport]) -> dict:
    kind, checks = kind_and_checks(item)
    counts = dict(item.stash.get(_TALLY, Tally()).counts)
    if not counts and KINDS[kind]:  # counted nothing: it tried one case of its kind
        counts[KINDS[kind]] = 1
    counts.setdefault("rounds", 1)
    if any(r.failed for r in reports):
        outcome = "failed"
    elif any(r.skipped for r in reports):
        outcome = "skipped"
    else:
        outcome = "held"
    entry = {"test": item.nodeid, "kind": kind, "checks": checks, "outcome": outcome,
             "seconds": round(sum(r.duration for r in reports), 2), "scale": scale(), **counts}
    skipped = [r for r in reports if r.skipped]
    if outcome == "skipped" and isinstance(skipped[0].longrepr, tuple):
        entry["reason"] = skipped[0].longrepr[2]
    return entry
