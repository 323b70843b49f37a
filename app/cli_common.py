"""What every command-line verb shares: the one-line error, loading a release, and
messages for the user on stderr (stdout stays for results)."""
from __future__ import annotations

import sys


class CliError(Exception):
    """A one-line error for the user; exit status 2."""


def say(text: str) -> None:
    print(text, file=sys.stderr)


def load_release(path):
    from .core.loader import ReleaseError, load_release as load

    try:
        return load(path)
    except ReleaseError as exc:
        raise CliError(str(exc)) from None
