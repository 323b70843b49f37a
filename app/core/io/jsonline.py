"""One raw JSONL line -> its object, or the reason it is a bad line (the line-by-line
path of the loader, and export's rewrite of an edited row).

Strict: a line is a row only if it is standard JSON (RFC 8259) and an object. Python's
json module also takes NaN, Infinity and -Infinity, which no JSON parser a training
framework uses takes; here they make a bad line.
"""
from __future__ import annotations

import json
import re

# A real (odd-backslash) \uD800-\uDFFF escape. A lone one is silently mangled by
# Polars and kept unencodable by json.loads: such chunks go line by line, with U+FFFD.
_SURROGATE_ESC = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def lone_surrogate_spans(piece: bytes) -> list[tuple[int, int]]:
    """Byte spans of surrogate escapes that are not a high+low pair."""
    found = []
    for prefix in (b"\\ud", b"\\uD"):
        s = piece.find(prefix)
        while s >= 0:
            if _SURROGATE_ESC.match(piece, s):
                j = s
                while j > 0 and piece[j - 1] == 0x5C:
                    j -= 1
                if (s - j) % 2 == 0:  # after an even run of backslashes it is literal text
                    found.append((s, s + 6))
            s = piece.find(prefix, s + 1)
    found.sort()
    lone, i = [], 0
    while i < len(found):
        s, e = found[i]
        high = piece[s + 3 : s + 4].lower() in b"89ab"
        if high and i + 1 < len(found) and found[i + 1][0] == e and piece[e + 3 : e + 4].lower() in b"cdef":
            i += 2
            continue
        lone.append((s, e))
        i += 1
    return lone


def parse_line(line: bytes) -> tuple[dict | None, str | None]:
    """(object, None) for a good line, (None, reason) for a bad one."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"invalid UTF-8 at byte {exc.start + 1}"
    spans = lone_surrogate_spans(line)
    if spans:
        for s, e in reversed(spans):
            line = line[:s] + b"\\ufffd" + line[e:]
        text = line.decode("utf-8")
    try:
        if text.startswith("\ufeff"):  # as json.loads says it (a BOM inside a file)
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        obj = _STRICT.decode(text)
    except _NotJson as exc:
        return None, f"invalid JSON: {exc.args[0]} is not a JSON value at column {_constant_column(text)}"
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) - 1 or "Unterminated string" in exc.msg:
            return None, f"truncated JSON (ends at column {len(text)})"
        return None, f"invalid JSON: {exc.msg} at column {exc.colno}"
    except RecursionError:
        return None, "invalid JSON: nested too deeply"
    if not isinstance(obj, dict):
        return None, f"not a JSON object (a {json_kind(obj)})"
    return obj, None


class _NotJson(ValueError):
    pass


def _refuse(name: str):
    raise _NotJson(name)


# The standard library takes NaN, Infinity and -Infinity, which are not JSON (RFC 8259)
# and which no parser a training framework uses takes: such a line is a bad line.
_STRICT = json.JSONDecoder(parse_constant=_refuse)
# A string, or one of the words outside strings: the first word found is the culprit.
_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


def constant_at(text: str) -> int:
    """Index of the first NaN / Infinity / -Infinity outside a string in ``text`` (0 if none)."""
    found = next((m for m in _CONSTANT.finditer(text) if m.group(1)), None)
    return found.start(1) if found else 0


def _constant_column(text: str) -> int:
    return constant_at(text) + 1


def json_kind(value) -> str:
    """What a parsed JSON value that is not an object is, in words."""
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number"
