"""JSON paths of texts inside a record: ``conversations[3].value``, ``history[0][1]``,
``messages[1].content[0].value``, ``chosen[-1].content``.

A path is a top-level key followed by ``.key`` and ``[index]`` steps; an index may be
negative (``[-1]``: the last item, as a preference record's response among its turns).
Keys are JSON object keys holding no ``.``, ``[`` or ``]`` (the keys of every format we
read; a mapping of an ``other`` file is checked by ``parse``). Loading records a path for
every text it shows; editing (and export) writes a value back at that path.
"""
from __future__ import annotations

from typing import Any

_MISSING = object()


class PathError(ValueError):
    pass


def parse(path: str) -> list[str | int]:
    """``"a.b[2][-1].c"`` -> ``["a", "b", 2, -1, "c"]``."""
    if not isinstance(path, str) or not path:
        raise PathError(f"a JSON path is a key followed by .key and [index] steps, not {path!r}")
    steps: list[str | int] = []
    i, n = 0, len(path)
    expect_key = True
    while i < n:
        if path[i] == "[":
            close = path.find("]", i)
            body = path[i + 1 : close] if close > 0 else ""
            if close < 0 or not body.lstrip("-").isdigit() or (body.startswith("-") and body.count("-") > 1):
                raise PathError(f"bad index in JSON path {path!r} at character {i + 1}")
            steps.append(int(body))
            i, expect_key = close + 1, False
            continue
        if not expect_key:
            if path[i] != ".":
                raise PathError(f"expected . or [ in JSON path {path!r} at character {i + 1}")
            i += 1
        end = min((j for j in (path.find(".", i), path.find("[", i)) if j >= 0), default=n)
        key = path[i:end]
        if not key or "]" in key:
            raise PathError(f"empty or bad key in JSON path {path!r} at character {i + 1}")
        steps.append(key)
        i, expect_key = end, False
    if not steps or not isinstance(steps[0], str):
        raise PathError(f"a JSON path starts with a key, not {path!r}")
    return steps


def value_at(obj: Any, path: str, default: Any = None) -> Any:
    """The value at ``path`` inside ``obj`` (a parsed record), or ``default``."""
    cur = obj
    for step in parse(path):
        if isinstance(step, str):
            cur = cur.get(step, _MISSING) if isinstance(cur, dict) else _MISSING
        elif isinstance(cur, list) and -len(cur) <= step < len(cur):
            cur = cur[step]
        else:
            cur = _MISSING
        if cur is _MISSING:
            return default
    return cur


def key(base: str, name: str) -> str:
    return f"{base}.{name}" if base else name


def item(base: str, index: int) -> str:
    return f"{base}[{index}]"
