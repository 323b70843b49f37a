"""The one place that knows where ``resources/`` lives: in the source tree, or inside a
PyInstaller bundle (``sys._MEIPASS``). Everything else asks here instead of building paths
from ``__file__``, so a frozen build finds its demo release, translations and styles.
"""
from __future__ import annotations

import sys
from pathlib import Path

_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def base_dir() -> Path:
    """The folder that holds ``resources/`` (the bundle's unpack dir when frozen)."""
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else _SOURCE_ROOT


def resource_path(*parts: str) -> Path:
    """Path of a file or folder under ``resources/``; it may not exist (callers check)."""
    return base_dir().joinpath("resources", *parts)


def demo_release() -> Path:
    return resource_path("demo")


def i18n_dir() -> Path:
    return resource_path("i18n")


def qss_dir() -> Path:
    return resource_path("qss")


def icon_path() -> Path | None:
    """The application icon, if one ships (PNG preferred, SVG accepted)."""
    for name in ("cqia-curator.png", "cqia-curator.svg", "app.png", "app.svg"):
        p = resource_path("icons", name)
        if p.is_file():
            return p
    return None
