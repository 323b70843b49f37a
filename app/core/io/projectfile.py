"""How a curation project's folder is told apart on disk: its project.json, whose
``format`` starts with ``cqia-curation-project/``. Here, below both the project (which
writes that file) and the export (which must never write into such a folder)."""
from __future__ import annotations

import json
from pathlib import Path

PROJECT_FILE = "project.json"
FORMAT_PREFIX = "cqia-curation-project/"


def is_project_folder(folder: Path) -> bool:
    """Whether ``folder`` holds a curation project's project.json (a *.curation folder,
    or a project kept anywhere else)."""
    meta_path = folder / PROJECT_FILE
    try:
        if not meta_path.is_file() or meta_path.stat().st_size > 1 << 20:
            return False
        meta = json.loads(meta_path.read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and str(meta.get("format", "")).startswith(FORMAT_PREFIX)
