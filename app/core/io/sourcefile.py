"""A release file opened for reading: what it is, whether it may be mapped, and whether
another program changed it meanwhile.

Only regular files are opened: a FIFO would block the reader forever, a device never
ends. They, broken links and unreadable files are reasons (``Unreadable``) for the load
report, found with stat() before anything is opened.

A mapped file that another program truncates kills the reader with SIGBUS as soon as it
touches a page past the new end, and Python cannot catch that. So a file is mapped (by
us, or by Polars reading it from its path) only under a read lease (Linux F_SETLEASE,
for files we own or with CAP_LEASE): a program that then opens the file for writing or
truncates it is held by the kernel until the lease is given back (for at most
/proc/sys/fs/lease-break-time seconds, 45 by default), and ``changed()`` then tells
that the file is about to change. The lease-break signal is routed to SIGURG, which is
ignored unless a handler is installed (SIGIO, the default, would end the process).
Where no lease can be had (another program has the file open for writing, we do not
own it, another system, a network file system) the file is read with pread, copies
only: a file that shrinks then ends early (``rawfile.FileShrank``), a clear error.
"""
from __future__ import annotations

import errno
import os
import signal
import stat
import threading

try:
    import fcntl
except ImportError:  # Windows: no leases, reads are copies
    fcntl = None

_KINDS = {stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
          stat.S_IFBLK: "a block device", stat.S_IFDIR: "a folder"}
_LEASES = fcntl is not None and hasattr(fcntl, "F_SETLEASE")
_BREAK_SIGNAL = getattr(signal, "SIGURG", None)  # ignored by default: a lease break must not kill us


class Unreadable(Exception):
    """The file cannot be read; the message is the reason, as the load report gives it."""


class Changed(Exception):
    """Another program changed the file, or waits to, while it was being read."""


def describe(exc: OSError) -> str:
    """An OSError as the reason a file cannot be read."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read: permission denied (check its permissions)"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop: it never reaches a file"
    return f"cannot be read: {(exc.strerror or str(exc)).lower()}"


def _not_regular(mode: int) -> str:
    kind = _KINDS.get(stat.S_IFMT(mode), "a special file")
    return f"{kind}, not a regular file: not opened"


def examine(path: str | os.PathLike) -> str | None:
    """Why ``path`` cannot be read as a data file, found without opening it; None if it may."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            return f"dangling symbolic link (to {os.readlink(path)}): the file it points to does not exist"
        return "cannot be read: it no longer exists"
    except OSError as exc:
        return describe(exc)
    return None if stat.S_ISREG(st.st_mode) else _not_regular(st.st_mode)


class Source:
    """A regular file opened read-only, under a read lease where one can be had."""

    def __init__(self, path: str | os.PathLike):
        reason = examine(path)
        if reason:
            raise Unreadable(reason)
        flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
        try:  # non-blocking (no effect on a regular file): a FIFO put there since examine() must not block
            self.fd = os.open(path, flags | getattr(os, "O_NONBLOCK", 0))
        except BlockingIOError:  # a file server holds a write lease on it: wait for it, as any reader does
            self.fd = self._open(path, flags)
        except OSError as exc:
            raise Unreadable(describe(exc)) from None
        try:
            self.leased = _take_lease(self.fd)
            # After the lease: a truncation before it is in what we read, one after it waits.
            st = os.fstat(self.fd)
            if not stat.S_ISREG(st.st_mode):
                raise Unreadable(_not_regular(st.st_mode))
        except BaseException:
            os.close(self.fd)
            raise
        self.size, self.mtime_ns, self._identity = st.st_size, st.st_mtime_ns, _identity(st)

    @staticmethod
    def _open(path, flags: int) -> int:
        try:
            return os.open(path, flags)
        except OSError as exc:
            raise Unreadable(describe(exc)) from None

    def changed(self) -> bool:
        """Has another program changed the file since it was opened, or begun to (it waits
        for our lease)? Then what was read may not be what the file holds."""
        if self.leased and fcntl.fcntl(self.fd, fcntl.F_GETLEASE) != fcntl.F_RDLCK:
            return True
        return _identity(os.fstat(self.fd)) != self._identity

    def close_after(self, reader: threading.Thread) -> None:
        """Give the lease back only once ``reader`` (which maps the file) is done with it,
        on a thread of its own: the caller need not wait (a cancelled load returns at once)."""
        if reader.is_alive() and self.fd >= 0:
            fd, self.fd = self.fd, -1
            threading.Thread(target=_close_when_done, args=(reader, fd), name="cqia-lease", daemon=True).start()

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # gives the lease back
            self.fd = -1

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _close_when_done(reader: threading.Thread, fd: int) -> None:
    reader.join()
    os.close(fd)


def _identity(st: os.stat_result) -> tuple:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _take_lease(fd: int) -> bool:
    """A read lease on ``fd``; False where none can be had (then nothing is mapped)."""
    if not _LEASES or _BREAK_SIGNAL is None:
        return False
    try:
        fcntl.fcntl(fd, fcntl.F_SETSIG, _BREAK_SIGNAL)
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_RDLCK)
    except OSError:  # EAGAIN: open for writing somewhere; EACCES: not ours; EINVAL: file system
        return False
    return True
