"""Crash-safe file writes: a file is either its old bytes or its new bytes, never half.

Temp file in the same folder -> write -> flush -> fsync -> os.replace -> fsync the folder.
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


def write_atomic(path: Path | str, chunks: bytes | Iterable[bytes | memoryview] | Callable[[int], None], *,
                 durable: bool = True) -> None:
    """Replace ``path`` with ``chunks`` atomically; raise SaveError on any failure.

    ``chunks`` may be a callable that writes to the file descriptor it is given.
    ``durable=False`` skips the fsyncs.
    """
    path = Path(path)
    folder = path.parent
    tmp = folder / f".{path.name}.tmp-{os.getpid()}"
    if isinstance(chunks, (bytes, bytearray, memoryview)):
        chunks = (chunks,)
    fd = -1
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        if callable(chunks):
            chunks(fd)
        else:
            for chunk in chunks:
                write_all(fd, chunk)
        if durable:
            os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, path)
        if durable:
            fsync_dir(folder)
    except OSError as exc:
        if fd >= 0:
            os.close(fd)
        _remove_quietly(tmp)
        raise save_error(path, exc) from exc
    except BaseException:
        if fd >= 0:
            os.close(fd)
        _remove_quietly(tmp)
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
