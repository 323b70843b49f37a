"""A tree export is atomic as a whole: the new tree is built in a staging folder beside
``out`` (same file system), made durable, then swapped in with one rename, so a kill
at any moment leaves the previous tree or the new one, never a mix.

The swap is renameat2(RENAME_EXCHANGE) where the system has it (Linux). Elsewhere the
old tree is renamed aside, then the new one in; a kill between the two renames leaves
no ``out`` and an "aside" folder, which the next export of the same target puts back.

Leftovers are named after the target and their writer's pid, so the next export of
the same target recognises them and removes those whose writer is dead:
``.NAME.export-PID-TOKEN`` (a staging folder, or the old tree after an exchange),
``.NAME.aside-PID-TOKEN`` (an old tree moved aside) and ``.NAME.tmp-PID`` (the temp file
of a single-file export).
"""
from __future__ import annotations

import ctypes
import errno
import os
import re
import secrets
import shutil
import sys
from pathlib import Path
from typing import Callable

from app.core.io.atomic import fsync_dir, save_error
from app.core.io.projectfile import is_project_folder

from .export_jsonl import ExportError

_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<kind>export|aside|tmp)-(?P<pid>\d+)(?:-[0-9a-f]+)?$")
_OLD_STAGE = re.compile(r"^\.export-\d+$")  # an earlier version staged inside ``out`` itself
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    except OSError:
        return True
    return True


def _leftovers(out: Path) -> list[tuple[str, Path]]:
    """(kind, path) of the dead writers' leftovers of this target, beside it."""
    try:
        names = os.listdir(out.parent)
    except OSError:
        return []
    found = []
    for name in names:
        m = _LEFTOVER.match(name)
        if m and m["name"] == out.name and not _alive(int(m["pid"])):
            found.append((m["kind"], out.parent / name))
    return found


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            path.unlink()
        except OSError:
            pass


def sweep(out: Path) -> None:
    """Recover from a killed export of ``out`` and remove what it left behind. An old
    tree moved aside while ``out`` is missing is put back first: it is the last
    complete export."""
    found = _leftovers(out)
    if not os.path.lexists(out):
        asides = sorted((p for kind, p in found if kind == "aside"), key=lambda p: p.stat().st_mtime_ns)
        if asides:
            os.rename(asides[-1], out)
            fsync_dir(out.parent)
            found = [(k, p) for k, p in found if p != asides[-1]]
    for _, path in found:
        _remove(path)


def check_replaceable(out: Path, allowed: set[str]) -> None:
    """A tree export replaces ``out`` whole: refuse unless all it holds is files an
    export of this release writes (``allowed``: relative paths), i.e. an earlier export."""
    if not os.path.lexists(out):
        return
    if out.is_symlink() or not out.is_dir():
        raise ExportError(f"{out} is not a folder: give a folder for a tree export")
    for dirpath, dirnames, filenames in os.walk(out):
        here = Path(dirpath)
        if is_project_folder(here):
            raise ExportError(f"refusing to replace {out}: it holds the curation project {here}")
        if here == out:
            dirnames[:] = [d for d in dirnames if not _OLD_STAGE.match(d)]  # dropped along with the old tree
        for name in [*dirnames, *filenames]:
            path = here / name
            if name in dirnames and not path.is_symlink():
                continue
            rel = path.relative_to(out).as_posix()
            if not path.is_symlink() and (rel in allowed or _LEFTOVER.match(name)):
                continue
            raise ExportError(f"refusing to replace {out}: it holds {path}, which an export of this release does not "
                              "write (a tree export replaces the whole folder); choose a new or empty folder")


def _renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a libc without it (glibc < 2.28, musl)
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


_RENAMEAT2 = _renameat2()


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step; False where the system or file system cannot."""
    if _RENAMEAT2 is None:
        return False
    if _RENAMEAT2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _fsync_path(path: Path) -> None:
    if os.name == "nt" and path.is_dir():  # Windows opens no folder for fsync (NTFS journals names)
        return
    fd = os.open(path, os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if path.is_dir() else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_tree(out: Path, targets: list[Path], write: Callable[[int, Path], None], replaceable: set[str]) -> list[Path]:
    """Build the tree (``write(i, path)`` writes targets[i] at its staged path, without
    fsync), then swap it in for ``out``, which may hold only ``replaceable`` files (paths
    relative to it). A failure or cancel leaves ``out`` as it was."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        sweep(out)
    except OSError as exc:
        raise save_error(out, exc) from exc
    check_replaceable(out, replaceable)
    token = secrets.token_hex(4)
    stage = out.parent / f".{out.name}.export-{os.getpid()}-{token}"
    aside = out.parent / f".{out.name}.aside-{os.getpid()}-{token}"
    try:
        stage.mkdir()
        staged = [stage / t.relative_to(out) for t in targets]
        folders = {stage}
        for i, path in enumerate(staged):
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.update(p for p in path.parents if p == stage or stage in p.parents)
            write(i, path)
        for path in [*staged, *sorted(folders, key=lambda p: -len(p.parts))]:  # data first, then names
            _fsync_path(path)
        if not os.path.lexists(out):
            os.rename(stage, out)
        elif not exchange(stage, out):  # stage now holds the old tree, removed below
            os.rename(out, aside)
            os.rename(stage, out)
        fsync_dir(out.parent)
    except OSError as exc:
        raise save_error(out, exc) from exc
    finally:
        for leftover in (stage, aside):
            if os.path.lexists(leftover):
                shutil.rmtree(leftover, ignore_errors=True)
    return targets
