"""Where the curation project of a release is: one rule, used by the app and the command
line, so both open the same folder.

In order, the first that applies:

1. a folder the curator moved the project to (remembered in ``project-dirs.json`` in the
   user's config folder, which the core can read; the app used to keep it in Qt settings),
   while that folder exists;
2. for the demo release shipped inside the app: ``projects/<name>.curation`` in the app's
   data folder (the app's own files may be read-only);
3. ``<release>.curation`` beside the release, if it holds a project;
4. the fallback folder in the user's data folder (where the app keeps the project when
   the release's folder is read-only), if it holds a project;
5. otherwise nothing exists yet: a new project goes beside the release, or to the
   fallback folder when that cannot be created.

Finding a project only reads: it never creates a folder nor takes the lock.
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Sequence

from app.core.io.atomic import write_atomic

from .project import PROJECT_FILE, SUFFIX, default_project_dir, fallback_project_dir

ORG_NAME, APP_NAME = "CQIA", "CQIA Curator"  # as the app names itself to Qt (app/ui/shell/settings.py)
MEMORY_FILE = "project-dirs.json"
MEMORY_FORMAT = "cqia-curator-project-dirs/1"


@dataclass(frozen=True)
class Location:
    """``folder`` holds the project (``exists``) or is where a new one would go; ``how``
    is remembered | bundled | beside | fallback; ``fallback`` is the folder to use
    instead when a new project cannot be created beside the release."""

    folder: Path
    exists: bool
    how: str
    fallback: Path | None = None

    @property
    def looked_in(self) -> str:
        return str(self.folder) + (f" or {self.fallback}" if self.fallback else "")


def release_place(paths: str | Path | Sequence[str | Path]):
    """The ``paths`` and ``root`` a loaded release of ``paths`` would have, without reading
    a byte of it (enough to find its project)."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    resolved = tuple(Path(p).expanduser().resolve() for p in paths)
    if len(resolved) == 1 and resolved[0].is_dir():
        root = resolved[0]
    else:
        root = Path(os.path.commonpath([p if p.is_dir() else p.parent for p in resolved]))
    return SimpleNamespace(paths=resolved, root=root)


def config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "cqia-curator"


def app_config_dir() -> Path:
    """What Qt calls the AppConfigLocation of this app: where the app keeps views.json."""
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / ORG_NAME / APP_NAME
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Preferences" / APP_NAME
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / ORG_NAME / APP_NAME


def app_data_dir() -> Path:
    """What Qt calls the AppDataLocation of this app (Qt is not imported here)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / ORG_NAME / APP_NAME


def _has_project(folder: Path) -> bool:
    return (folder / PROJECT_FILE).is_file()


# ---- the remembered folders ------------------------------------------------------------

def _key(release) -> str:
    return str(default_project_dir(release))


def _memory() -> dict[str, str]:
    try:
        obj = json.loads((config_dir() / MEMORY_FILE).read_bytes())
        projects = obj.get("projects") if isinstance(obj, dict) else None
    except (OSError, ValueError):
        return {}  # no memory (or a damaged one) is no remembered folder, never an error
    return {k: v for k, v in projects.items() if isinstance(v, str)} if isinstance(projects, dict) else {}


def remembered_project_dir(release) -> Path | None:
    """The folder the curator moved this release's project to, if it still exists."""
    value = _memory().get(_key(release))
    return Path(value) if value and Path(value).is_dir() else None


def remember_project_dir(release, folder: Path | str) -> None:
    """Remember that the project of ``release`` lives in ``folder`` (raises SaveError)."""
    projects = _memory()
    projects[_key(release)] = str(Path(folder).expanduser().absolute())
    data = {"format": MEMORY_FORMAT, "projects": dict(sorted(projects.items()))}
    config_dir().mkdir(parents=True, exist_ok=True)
    write_atomic(config_dir() / MEMORY_FILE, json.dumps(data, ensure_ascii=False, indent=2).encode() + b"\n")


# ---- the rule ----------------------------------------------------------------------------

def bundled_project_dir(release, app_data: Path | None = None) -> Path | None:
    """The demo release ships inside the app (read-only when frozen): its project lives in
    the app's data folder, never beside it in ``resources/``."""
    from app.resources import resource_path

    bundled = resource_path().resolve()
    paths = [Path(p).resolve() for p in getattr(release, "paths", ())]
    if not paths or not all(p == bundled or bundled in p.parents for p in paths):
        return None
    return (app_data or app_data_dir()) / "projects" / (paths[0].name + SUFFIX)


def locate_project(release, *, app_data: Path | None = None) -> Location:
    """Where the project of ``release`` (a loaded release or ``release_place``) is, or
    would be made. ``app_data``: the app passes Qt's own AppDataLocation."""
    chosen = remembered_project_dir(release)
    if chosen is not None:
        return Location(chosen, _has_project(chosen), "remembered")
    bundled = bundled_project_dir(release, app_data)
    if bundled is not None:
        return Location(bundled, _has_project(bundled), "bundled")
    beside, spare = default_project_dir(release), fallback_project_dir(release)
    if _has_project(beside):
        return Location(beside, True, "beside")
    if _has_project(spare):
        return Location(spare, True, "fallback")
    return Location(beside, False, "beside", spare)
