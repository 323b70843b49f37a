"""Where an export may not write: inside the release, over a release file, inside a
curation project (the ones passed as ``protect``, and any folder holding a project's
project.json), and, for a tree export, which replaces its whole folder, over a folder
that holds any of those."""
from __future__ import annotations

import os
from pathlib import Path

from app.core.io.projectfile import is_project_folder

from .export_jsonl import ExportError


def _real(path: Path) -> Path:
    """Where a path leads, never raising: a skipped file can be a link loop (Path.resolve
    raises on one), a dangling link or an odd name."""
    return Path(os.path.realpath(path))


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_target(release, out: Path, layout: str, targets: list[Path], sources: list[Path],
                 protect: list[Path]) -> None:
    """Raise ExportError naming the reason when ``out`` may not be written."""
    out = out.resolve()
    tree = layout == "tree"
    for p in release.paths:
        p = Path(p).resolve()
        if p.is_dir() and _within(out, p):
            raise ExportError(f"refusing to export into the release folder {p}: choose a folder outside it")
        if tree and _within(p, out):  # the tree export would replace the release along with out
            raise ExportError(f"refusing to replace {out}: it holds the release {p}; choose a folder outside it")
    sources = {_real(s) for s in sources}
    for t in targets:
        if _real(t) in sources:
            raise ExportError(f"refusing to overwrite the release file {t}")
    if tree:
        for s in sources:
            if _within(s, out):
                raise ExportError(f"refusing to replace {out}: it holds the release file {s}; choose a folder outside it")
    for folder in [out, *out.parents]:
        if is_project_folder(folder):
            raise ExportError(f"refusing to export into the curation project {folder}: choose a folder outside it")
    for p in protect:
        p = Path(p).expanduser().resolve()
        what = "curation project" if is_project_folder(p) else "protected folder"
        if _within(out, p):
            raise ExportError(f"refusing to export into the {what} {p}: choose a folder outside it")
        if tree and _within(p, out):
            raise ExportError(f"refusing to replace {out}: it holds the {what} {p}; choose a folder outside it")
