"""Crash-safe file writes: a file is either its old bytes or its new bytes, never half.

Temp file in the same folder -> write -> flush -> fsync -> os.replace -> fsync the folder.
``write_new`` creates a file that must not exist yet (a version's files): the temp file
is hard-linked into place, which fails rather than replace anything.
Every OSError becomes a SaveError that names the path and says why in plain words, and
the temp file is removed, so a failed save leaves the disk as it was.
"""
from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Callable, Iterable

_REASONS = {
    errno.ENOSPC: "the disk is full (no space left on device)",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "the file system is read-only",
    errno.ENOENT: "the folder no longer exists (was it moved or deleted?)",
    errno.ENOTDIR: "a parent of the path is not a folder",
    errno.EISDIR: "is a folder, not a file",
    errno.EIO: "an input/output error occurred (failing disk or unplugged drive?)",
}


class SaveError(Exception):
    """A write failed. ``path`` is what we tried to write, ``reason`` is why, in words."""

    def __init__(self, path: Path | str, reason: str, errno_: int | None = None):
        self.path = Path(path)
        self.reason = reason
        self.errno = errno_
        super().__init__(f"Could not write {self.path}: {reason}")


def describe_oserror(exc: OSError) -> str:
    return _REASONS.get(exc.errno, exc.strerror or str(exc))


def save_error(path: Path | str, exc: OSError) -> SaveError:
    return SaveError(path, describe_oserror(exc), exc.errno)


def write_all(fd: int, data: bytes | memoryview) -> None:
    """os.write until every byte is down (a regular file may take fewer at once)."""
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_temp(tmp: Path, chunks, durable: bool) -> None:
    """Write ``chunks`` (bytes, an iterable of them, or a callable given the fd) to ``tmp``."""
    if isinstance(chunks, (bytes, bytearray, memoryview)):
        chunks = (chunks,)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        if callable(chunks):
            chunks(fd)
        else:
            for chunk in chunks:
                write_all(fd, chunk)
        if durable:
            os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path | str, chunks: bytes | Iterable[bytes | memoryview] | Callable[[int], None], *,
                 durable: bool = True) -> None:
    """Replace ``path`` with ``chunks`` atomically; raise SaveError on any failure.

    ``chunks`` may be a callable that writes to the file descriptor it is given.
    ``durable=False`` skips the fsyncs.
    """
    path = Path(path)
    folder = path.parent
    tmp = folder / f".{path.name}.tmp-{os.getpid()}"
    try:
        _write_temp(tmp, chunks, durable)
        os.replace(tmp, path)
        if durable:
            fsync_dir(folder)
    except OSError as exc:
        _remove_quietly(tmp)
        raise save_error(path, exc) from exc
    except BaseException:
        _remove_quietly(tmp)
        raise


# file systems without hard links (FAT, some network mounts) say so with one of these
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EMLINK}


def write_new(path: Path | str, chunks: bytes | Iterable[bytes | memoryview] | Callable[[int], None], *,
              durable: bool = True) -> None:
    """Create ``path`` holding ``chunks``, exclusively and atomically: FileExistsError (and
    nothing written) when a file of that name exists, SaveError on any other failure.

    The bytes go to a temp file that is hard-linked to ``path`` (link never replaces), so
    ``path`` appears complete or not at all. Without hard links, ``path`` is reserved by
    an exclusive create and the temp file renamed over it (a crash between leaves it empty).
    """
    path = Path(path)
    folder = path.parent
    tmp = folder / f".{path.name}.tmp-{os.getpid()}"
    created = False
    try:
        _write_temp(tmp, chunks, durable)
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError as exc:
            if exc.errno not in _NO_LINKS:
                raise
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            created = True
            os.replace(tmp, path)
        created = True
        _remove_quietly(tmp)
        if durable:
            fsync_dir(folder)
    except BaseException as exc:
        _remove_quietly(tmp)
        if created:
            _remove_quietly(path)  # ours: a failed create leaves no file of that name behind
        if isinstance(exc, OSError) and not isinstance(exc, FileExistsError):
            raise save_error(path, exc) from exc
        raise


def _remove_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def remove_stale_temps(folder: Path) -> int:
    """Delete temp files left by writers that died mid-write (their pid is gone)."""
    removed = 0
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    for name in names:
        head, sep, pid = name.rpartition(".tmp-")
        if not (sep and name.startswith(".") and pid.isdigit()) or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
            continue  # still alive: its write may be in progress
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        _remove_quietly(folder / name)
        removed += 1
    return removed
