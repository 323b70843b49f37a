"""Words for the numbers of app.core.review_session: the progress line under the bar and
the session summary shown on leaving. The math is the core's; this only formats."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.core.review_session import Progress, Summary, format_duration


def _tr(text: str) -> str:
    return QCoreApplication.translate("Review", text)


def progress_line(p: Progress) -> str:
    """'342 / 1,508 reviewed (22.7%) · 14.2 items/min · ETA 1h 24m · 12 rejected'."""
    rate = "—" if p.rate_per_min is None else f"{p.rate_per_min:.1f}"
    return " · ".join((
        _tr("%1 / %2 reviewed (%3%)").replace("%1", f"{p.reviewed:,}").replace("%2", f"{p.total:,}")
        .replace("%3", f"{100.0 * p.fraction:.1f}"),
        _tr("%1 items/min").replace("%1", rate),
        _tr("ETA %1").replace("%1", format_duration(p.eta_seconds)),
        _tr("%1 rejected").replace("%1", f"{p.rejected:,}"),
    ))


def summary_lines(s: Summary, reasons: tuple[str, ...] = ()) -> list[str]:
    """The session summary, one fact a line; reasons in the configured order, then others."""
    lines = [_tr("Accepted: %1").replace("%1", f"{s.accepted:,}"),
             _tr("Rejected: %1").replace("%1", f"{s.rejected_total:,}")]
    order = [r for r in reasons if r in s.rejected] + sorted(r for r in s.rejected if r not in reasons)
    for reason in order:
        lines.append(f"    {reason or _tr('(no reason)')}: {s.rejected[reason]:,}")
    rate = "—" if s.rate_per_min is None else f"{s.rate_per_min:.1f}"
    lines += [_tr("Edited: %1").replace("%1", f"{s.edited:,}"),
              _tr("Time: %1").replace("%1", format_duration(s.seconds)),
              _tr("Rate: %1 items/min").replace("%1", rate)]
    return lines
