"""`python -m app [PATH ...]` opens the window; `python -m app VERB ...` runs a CLI verb."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from app.cli import main as cli  # light: no Qt, no jieba

    if argv and (argv[0] in cli.VERBS or argv[0] in ("-h", "--help", "--version")):
        return cli.main(argv)
    from app.ui.shell.launch import run  # Qt is imported only for the window

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
