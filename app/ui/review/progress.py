"""Words for the numbers of app.core.store.review_session: the progress line under the bar and
the session summary shown on leaving. The math is the core's; this only formats.

Every string is a literal ``QCoreApplication.translate("Review", ...)`` call, so
pyside6-lupdate extracts it (a wrapper taking a variable would hide it)."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.core.store.review_session import Progress, Summary, format_duration


def progress_line(p: Progress) -> str:
    """'342 / 1,508 reviewed (22.7%) · 14.2 items/min · ETA 1h 24m · 12 rejected'."""
    rate = "—" if p.rate_per_min is None else f"{p.rate_per_min:.1f}"
    return " · ".join((
        QCoreApplication.translate("Review", "%1 / %2 reviewed (%3%)").replace("%1", f"{p.reviewed:,}")
        .replace("%2", f"{p.total:,}").replace("%3", f"{100.0 * p.fraction:.1f}"),
        QCoreApplication.translate("Review", "%1 items/min").replace("%1", rate),
        QCoreApplication.translate("Review", "ETA %1").replace("%1", format_duration(p.eta_seconds)),
        QCoreApplication.translate("Review", "%1 rejected").replace("%1", f"{p.rejected:,}"),
    ))


def summary_lines(s: Summary, reasons: tuple[str, ...] = ()) -> list[str]:
    """The session summary, one fact a line; reasons in the configured order, then others."""
    lines = [QCoreApplication.translate("Review", "Accepted: %1").replace("%1", f"{s.accepted:,}"),
             QCoreApplication.translate("Review", "Rejected: %1").replace("%1", f"{s.rejected_total:,}")]
    order = [r for r in reasons if r in s.rejected] + sorted(r for r in s.rejected if r not in reasons)
    no_reason = QCoreApplication.translate("Review", "(no reason)")
    for reason in order:
        lines.append(f"    {reason or no_reason}: {s.rejected[reason]:,}")
    rate = "—" if s.rate_per_min is None else f"{s.rate_per_min:.1f}"
    lines += [QCoreApplication.translate("Review", "Edited: %1").replace("%1", f"{s.edited:,}"),
              QCoreApplication.translate("Review", "Time: %1").replace("%1", format_duration(s.seconds)),
              QCoreApplication.translate("Review", "Rate: %1 items/min").replace("%1", rate)]
    return lines
