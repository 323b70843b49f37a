"""What was opened -> the data files of the release, each with the reason it cannot be
read when that is known without opening it (a FIFO, a broken link, a name that is not
UTF-8, a folder that cannot be listed)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from app.core.io import sourcefile

from .report import ReleaseError

DATA_SUFFIXES = (".jsonl",)


@dataclass(frozen=True)
class Found:
    path: Path  # absolute
    rel: str  # relative to the root, "/"-separated, as reports show it
    skip: str | None = None  # why it is not read


@dataclass(frozen=True)
class Opened:
    root: Path  # the folder opened, or the parent folder of the opened file(s)
    paths: tuple[Path, ...]  # what was opened, resolved
    files: list[Found]  # sorted by rel
    single: bool  # one file opened on its own


def discover(paths: str | Path | Sequence[str | Path]) -> Opened:
    if isinstance(paths, (str, Path)):
        paths = [paths]
    resolved = [_resolve(p) for p in paths]
    if not resolved:
        raise ReleaseError("nothing to open")
    if len(resolved) == 1 and resolved[0].is_dir():
        root = resolved[0]
    else:
        parents = [p if p.is_dir() else p.parent for p in resolved]
        root = Path(os.path.commonpath(parents))
    found: dict[str, Found] = {}
    for p in resolved:
        for f in _data_files(p, root) if p.is_dir() else [_file(p, root)]:
            found.setdefault(f.rel, f)
    single = len(resolved) == 1 and not resolved[0].is_dir()
    return Opened(root, tuple(resolved), sorted(found.values(), key=lambda f: f.rel), single)


def _resolve(p: str | Path) -> Path:
    p = Path(p).expanduser()
    try:
        return p.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a link that leads nowhere or to itself
        if not os.path.lexists(p):
            raise ReleaseError(f"path not found: {p.absolute()}") from None
        try:
            return p.parent.resolve() / p.name  # the link itself: the report says why it is skipped
        except (OSError, RuntimeError):
            raise ReleaseError(f"path not found: {p.absolute()}") from None


def shown(rel: str) -> str:
    """A path as reports show it: bytes of a name that are not UTF-8 as \\xNN escapes."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _file(path: Path, root: Path) -> Found:
    rel = path.relative_to(root).as_posix()
    printable = shown(rel)
    if printable != rel:  # os.fsdecode kept undecodable bytes as lone surrogates
        which = "file" if shown(path.name) != path.name else "folder"
        return Found(path, printable, f"{which} name is not valid UTF-8: rename it to load it")
    return Found(path, rel, sourcefile.examine(path))


def _data_files(folder: Path, root: Path) -> list[Found]:
    out: list[Found] = []
    unlisted: list[OSError] = []
    for dirpath, dirnames, names in os.walk(folder, onerror=unlisted.append):
        # Skip hidden folders (.git) and our own curation projects.
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not d.endswith(".curation"))
        out += [_file(Path(dirpath) / name, root) for name in sorted(names) if name.endswith(DATA_SUFFIXES)]
    for exc in unlisted:
        where = Path(exc.filename)
        if where == folder:
            raise ReleaseError(f"cannot read the folder {shown(str(folder))}: {sourcefile.describe(exc).split(': ', 1)[-1]}")
        reason = sourcefile.describe(exc).replace("cannot be read", "folder cannot be read", 1)
        out.append(Found(where, shown(where.relative_to(root).as_posix()) + "/", reason))
    return out
