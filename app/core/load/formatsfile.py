"""The curator's per-file formats of a release, kept in its project: ``formats.json``.

    {"format": "cqia-curator-formats/1",
     "files": {"belle/zh_seed_tasks.json": {"format": "other",
                                            "mapping": {"instruction": "instruction",
                                                        "input": "instances[0].input",
                                                        "output": "instances[0].output"}},
               "data/misc.jsonl": {"format": "alpaca"}}}

Keys of ``files`` are paths as the load report shows them (relative to the opened root,
``/``-separated); each value is a formats.Shape's JSON form. A file not listed is read in
the format its records show. The app and the command line find the project by the same
rule (core locate) and hand these to load_release(shapes=...). Written atomically
(io.atomic); a damaged file is an error naming it, never a silent default.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping

from app.core.io.atomic import write_atomic
from .formats import Shape, ShapeError
from .paths import PathError

FORMATS_FILE = "formats.json"
FORMAT_TAG = "cqia-curator-formats/1"


class FormatsFileError(ValueError):
    """formats.json cannot be read; the message names it and says why."""


def read_shapes(project: Path | str | None) -> dict[str, Shape]:
    """The shapes kept in ``project`` (a project folder), {} when it keeps none."""
    if project is None:
        return {}
    path = Path(project) / FORMATS_FILE
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise FormatsFileError(f"{path}: cannot be read: {(exc.strerror or str(exc)).lower()}") from None
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FormatsFileError(f"{path}: not JSON ({exc})") from None
    if not isinstance(obj, dict) or obj.get("format") != FORMAT_TAG or not isinstance(obj.get("files"), dict):
        raise FormatsFileError(f"{path}: not a formats file (an object with \"format\": \"{FORMAT_TAG}\" and \"files\")")
    out = {}
    for rel, value in obj["files"].items():
        try:
            out[rel] = Shape.from_json(value)
        except (ShapeError, PathError) as exc:
            raise FormatsFileError(f"{path}: {rel}: {exc}") from None
    return out


def write_shapes(project: Path | str, shapes: Mapping[str, Shape]) -> None:
    """Keep ``shapes`` in ``project`` (all of them: a file not in it is read by detection)."""
    files = {rel: shapes[rel].to_json() for rel in sorted(shapes)}
    text = json.dumps({"format": FORMAT_TAG, "files": files}, ensure_ascii=False, indent=2) + "\n"
    write_atomic(Path(project) / FORMATS_FILE, text.encode("utf-8"))


def set_shape(project: Path | str, rel: str, shape: Shape | None) -> dict[str, Shape]:
    """Give file ``rel`` the format ``shape`` (None: read it by detection again); the
    shapes now kept."""
    shapes = read_shapes(project)
    if shape is None:
        shapes.pop(rel, None)
    else:
        shapes[rel] = shape
    write_shapes(project, shapes)
    return shapes
