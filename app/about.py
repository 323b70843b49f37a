"""What this build is: the app's version and those of its main libraries, one line (the
CLI's --version and Help > About). Stdlib and Polars only: it imports neither Qt nor jieba."""
from __future__ import annotations

import sys

from app import __version__


def versions() -> str:
    """'CQIA Curator 0.1.0, Polars 1.x, Qt (PySide6) 6.x, jieba 0.42.1' (--version, Help > About).
    Read from package metadata, so neither Qt nor jieba is imported here."""
    import polars
    from importlib.metadata import version

    parts = [f"CQIA Curator {__version__}", f"Polars {polars.__version__}"]
    for label, dist, module in (("Qt (PySide6)", "PySide6-Essentials", "PySide6"), ("jieba", "jieba", "jieba")):
        try:  # each on its own: one missing must not drop the other
            parts.append(f"{label} {version(dist)}")
        except Exception:  # noqa: BLE001 - frozen builds may lack metadata
            loaded = sys.modules.get(module)  # already imported (the GUI's Qt): its own version, importing nothing
            if getattr(loaded, "__version__", None):
                parts.append(f"{label} {loaded.__version__}")
    return ", ".join(parts)
