"""What every command-line verb shares: the one-line error, loading a release, messages
for the user on stderr (stdout stays for results), and turning any failure into one line."""
from __future__ import annotations

import errno
import logging
import os
import sys
import traceback


class CliError(Exception):
    """A one-line error for the user; exit status 2."""


def say(text: str) -> None:
    print(text, file=sys.stderr)


_warned: set[str] = set()


def warn(text: str) -> None:
    """``warning: text`` on stderr, once (the core both logs and returns some warnings)."""
    if text not in _warned:
        _warned.add(text)
        say(f"warning: {text}")


class _Warnings(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        warn(record.getMessage())


def route_warnings() -> None:
    """The core's logged warnings (a torn last journal line, an unreadable version) reach
    the user as ``warning:`` lines instead of Python's bare last-resort output."""
    logger = logging.getLogger("app")
    if not any(isinstance(h, _Warnings) for h in logger.handlers):
        logger.addHandler(_Warnings(logging.WARNING))
        logger.propagate = False


def load_release(path, args=None):
    """The release at ``path``, each file read in the format its project keeps for it
    (formats.json of the project found as the app finds it, or ``--project DIR``; none
    with ``--no-project``)."""
    from app.core.load.loader import ReleaseError, load_release as load

    try:
        return load(path, shapes=_shapes(path, args))
    except ReleaseError as exc:
        raise CliError(str(exc)) from None


def _shapes(path, args) -> dict:
    from pathlib import Path

    from app.core.load.formatsfile import read_shapes
    from app.core.store.locate import locate_project, release_place

    if getattr(args, "no_project", False):
        return {}
    if getattr(args, "project", None):
        return read_shapes(Path(args.project).expanduser().absolute())
    try:
        folder = locate_project(release_place(path)).folder
    except (OSError, RuntimeError, ValueError):  # a missing path, a link loop, a name not UTF-8: the load says so
        return {}
    return read_shapes(folder)


def _one_line(text: str) -> str:
    return " ".join(part.strip() for part in str(text).splitlines() if part.strip())


_OS_REASONS = {errno.EISDIR: "is a folder, not a file", errno.ENOTDIR: "is not a folder (or a parent of it is not)"}


def describe_failure(exc: BaseException) -> str:
    """The one line (after ``error: ``) that stands for ``exc``. The app's own exception
    types carry a message for the user that names the file; an OSError is its path and
    why; anything else is a bug, said as such."""
    if isinstance(exc, OSError):
        from app.core.io.atomic import describe_oserror

        reason = _OS_REASONS.get(exc.errno) or describe_oserror(exc)
        where = [str(p) for p in (exc.filename, exc.filename2) if p is not None]
        return _one_line(f"{' -> '.join(where)}: {reason}" if where else reason)
    if type(exc).__module__.split(".")[0] == "app" and str(exc):
        return _one_line(str(exc))
    return f"internal error: {type(exc).__name__}: {_one_line(str(exc))} (please report)"


def report_failure(exc: BaseException) -> int:
    """Print ``exc`` as one ``error:`` line (the traceback first only with CQIA_DEBUG=1);
    returns the exit status, 2."""
    if os.environ.get("CQIA_DEBUG") and not isinstance(exc, CliError):
        traceback.print_exception(exc, file=sys.stderr)
    say(f"error: {describe_failure(exc)}")
    return 2
