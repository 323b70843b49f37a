"""The per-file formats a release's project keeps (formatsfile), found by the same rule
as the project itself (locate): what the app and the command line hand to
load_release(shapes=...), and where the mapping dialog saves a file's format."""
from __future__ import annotations

from pathlib import Path

from app.core.load.formats import Shape
from app.core.load.formatsfile import read_shapes, set_shape

from .locate import locate_project, release_place


def project_folder(paths, app_data: Path | None = None) -> Path | None:
    """The project folder of the release of ``paths`` (it may not exist yet)."""
    try:
        return locate_project(release_place(paths), app_data=app_data).folder
    except (OSError, RuntimeError, ValueError):  # a missing path, a link loop: the load says so
        return None


def project_shapes(paths, app_data: Path | None = None) -> dict[str, Shape]:
    """The formats kept for the files of the release of ``paths`` ({} when none)."""
    folder = project_folder(paths, app_data)
    return read_shapes(folder) if folder is not None else {}


def keep_shape(folder: Path, rel: str, shape: Shape | None) -> dict[str, Shape]:
    """Give file ``rel`` the format ``shape`` (None: detected again) in the project at
    ``folder`` (made if need be); the shapes now kept."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    return set_shape(folder, rel, shape)
