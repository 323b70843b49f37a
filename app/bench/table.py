"""Benchmark results: one Row per figure, the budgets they are judged by, and the
markdown table / JSON document they are printed as.

A row's ratio is always app time / baseline time, computed here from the two times,
never typed in. Budgets are either a ratio to the bare baseline ("ratio") or an
absolute time in seconds ("abs"); only ratio budgets gate the quick (CI) run, because
absolute times on a shared 2-core machine are too noisy to fail a build on.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

BudgetKind = Literal["ratio", "abs", "none"]
QUICK_GATE_FACTOR = 2.0  # --quick fails only when a ratio exceeds twice its budget


@dataclass(frozen=True)
class Budget:
    kind: BudgetKind
    limit: float | None = None  # a ratio, or an absolute value in ``unit``
    source: str = ""  # which issue states it
    unit: Literal["s", "MB"] = "s"

    def text(self) -> str:
        if self.kind == "ratio":
            return f"<= {self.limit:g}x"
        if self.kind == "abs":
            return f"<= {fmt_value(self.limit, self.unit)}"
        return "-"


NO_BUDGET = Budget("none")


@dataclass
class Row:
    figure: str
    rows: int
    app_s: float | None = None  # seconds (for memory rows: megabytes, see unit)
    baseline: str = ""
    base_s: float | None = None
    budget: Budget = NO_BUDGET
    unit: Literal["s", "MB"] = "s"
    note: str = ""  # why a cell is n/a, or what was measured exactly
    repeats: int = 0
    broken: bool = False  # the app side crashed or failed: not a number, but a fault
    ratio: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.app_s is not None and self.base_s:
            self.ratio = self.app_s / self.base_s

    @property
    def measured(self) -> bool:
        return self.app_s is not None

    @property
    def passed(self) -> bool | None:
        """True / False against the budget; None when there is nothing to judge."""
        if not self.measured or self.budget.kind == "none":
            return None
        if self.budget.kind == "ratio":
            return None if self.ratio is None else self.ratio <= self.budget.limit
        return self.app_s <= self.budget.limit

    @property
    def gate_failed(self) -> bool:
        """The quick-mode gate: a ratio budget exceeded more than QUICK_GATE_FACTOR times,
        or any figure not measured because the app side broke (a crash is not a noisy
        time, and must not pass as n/a)."""
        if self.broken:
            return True
        return (self.budget.kind == "ratio" and self.ratio is not None
                and self.ratio > self.budget.limit * QUICK_GATE_FACTOR)

    def to_json(self) -> dict:
        out = asdict(self)
        out["budget"] = {**asdict(self.budget), "text": self.budget.text()}
        out["ratio"] = self.ratio
        out["passed"] = self.passed
        return out


def na(figure: str, rows: int, reason: str, budget: Budget = NO_BUDGET, baseline: str = "") -> Row:
    """A row that could not be measured: it says why, and carries no number."""
    broken = reason.startswith(("error", "app failed"))
    return Row(figure, rows, baseline=baseline, budget=budget, note=f"n/a ({reason})", broken=broken)


def from_result(figure: str, rows: int, result: dict | None, baseline: str, budget: Budget = NO_BUDGET,
                repeats: int = 0) -> Row:
    """A Row from a child's result {app_s, base_s, note} or {na} or {error}."""
    if result is None:
        return na(figure, rows, "not measured", budget, baseline)
    if result.get("na") or result.get("error"):
        reason = result.get("na") or f"error: {result['error']}"
        return na(figure, rows, reason, budget, baseline)
    return Row(figure, rows, result.get("app_s"), result.get("baseline", baseline), result.get("base_s"), budget,
               note=result.get("note", ""), repeats=result.get("repeats", repeats))


def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "n/a"
    if value < 1:
        return f"{value * 1000:.1f} ms" if value < 0.1 else f"{value * 1000:.0f} ms"
    return f"{value:.2f} s"


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.0f} MB" if unit == "MB" else fmt_seconds(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _verdict(row: Row) -> str:
    p = row.passed
    if p is None:
        return "-" if row.measured else "n/a"
    return "pass" if p else "FAIL"


COLUMNS = ("figure", "rows", "app", "baseline", "ratio", "budget", "result", "note")


def markdown(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join("---" for _ in COLUMNS) + "|"]
    for r in rows:
        base = f"{r.baseline} {fmt_value(r.base_s, r.unit)}" if r.baseline and r.base_s is not None else (r.baseline or "-")
        cells = [r.figure, f"{r.rows:,}" if r.rows else "-", fmt_value(r.app_s, r.unit) if r.measured else "n/a", base,
                 f"{r.ratio:.2f}x" if r.ratio is not None else "-", r.budget.text(), _verdict(r), r.note]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def machine_text(machine: dict) -> str:
    return (f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram_gb']:.1f} GB RAM; "
            f"Python {machine['python']}, Polars {machine['polars']}; {machine['date']}")


def document(rows: list[Row], machine: dict, *, mode: str, wall_s: float, exit_status: int) -> dict:
    """The JSON form written by --json: the same rows as the table, plus the machine."""
    return {"machine": machine, "mode": mode, "wall_s": round(wall_s, 2), "exit_status": exit_status,
            "quick_gate_factor": QUICK_GATE_FACTOR, "rows": [r.to_json() for r in rows]}


def exit_status(rows: list[Row], quick: bool) -> int:
    """Quick (CI) mode fails on a ratio more than twice its budget or a broken figure; full mode never fails."""
    return 1 if quick and any(r.gate_failed for r in rows) else 0
