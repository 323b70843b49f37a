"""Replace one member's value in the raw text of a JSON object, leaving every other
character as it was.

Re-serialising a row (json.loads + json.dumps) rewrites what the curator never touched:
``1E2`` becomes ``100.0``, ``1e400`` becomes ``Infinity`` (not JSON), long floats lose
digits, escapes and spacing change. Here the object's members are found by the standard
library's own JSON scanner (strings with escapes, nesting, every number spelling), and
only the span of one value is replaced.
"""
from __future__ import annotations

import json
import re
from json.decoder import scanstring
from typing import Any, NamedTuple

# strict=False: a raw control character inside a string is the row's own business (the
# loader may have accepted it); we only need to find where values begin and end.
_scan_value = json.JSONDecoder(strict=False).scan_once
_WS = re.compile(r"[ \t\n\r]*")
# The common key (no escape) with its colon, and what follows a value, in one match each:
# a line's members are found in a few C-level steps apiece (a per-character loop in
# Python would cost more than re-serialising the row).
_PLAIN_KEY = re.compile(r'[ \t\n\r]*"([^"\\]*)"[ \t\n\r]*:[ \t\n\r]*')
_AFTER_VALUE = re.compile(r"[ \t\n\r]*([,}])")
_EMPTY = re.compile(r"[ \t\n\r]*}")


class SpliceError(ValueError):
    """The text is not a JSON object we can splice into (says where and why)."""


class Member(NamedTuple):
    key: str  # decoded: "\u006futput" is "output"
    key_start: int  # the key's opening quote
    key_end: int  # after its closing quote
    value_start: int
    value_end: int
    value: Any  # the value as json.loads reads it


def _skip(text: str, at: int) -> int:
    return _WS.match(text, at).end()


def _fail(text: str, at: int, what: str) -> SpliceError:
    return SpliceError(f"{what} at column {at + 1}")


def _escaped_key(text: str, at: int) -> tuple[str, int, int, int]:
    """(key, its start, its end, where its value starts) for a key with escapes."""
    at = _skip(text, at)
    if text[at : at + 1] != '"':
        raise _fail(text, at, "expected a key")
    try:
        key, key_end = scanstring(text, at + 1, False)
    except ValueError as exc:
        raise _fail(text, at, f"bad key ({exc})") from None
    colon = _skip(text, key_end)
    if text[colon : colon + 1] != ":":
        raise _fail(text, colon, "expected ':'")
    return key, at, key_end, _skip(text, colon + 1)


def members(text: str, start: int = 0) -> tuple[list[tuple], int]:
    """The members of the object whose ``{`` is at ``start`` (as tuples in Member's
    order: a NamedTuple each would cost more than the scan), and where its ``}`` is."""
    if text[start : start + 1] != "{":
        raise _fail(text, start, "expected an object")
    found: list = []
    empty = _EMPTY.match(text, start + 1)
    if empty:
        return found, empty.end() - 1
    at, plain, after, scan = start + 1, _PLAIN_KEY.match, _AFTER_VALUE.match, _scan_value
    while True:
        m = plain(text, at)
        if m:
            key, key_start, key_end, value_start = m.group(1), m.start(1) - 1, m.end(1) + 1, m.end()
        else:
            key, key_start, key_end, value_start = _escaped_key(text, at)
        try:
            value, value_end = scan(text, value_start)
        except StopIteration:
            raise _fail(text, value_start, "expected a value") from None
        except (ValueError, RecursionError) as exc:
            raise _fail(text, value_start, f"bad value ({exc})") from None
        found.append((key, key_start, key_end, value_start, value_end, value))
        a = after(text, value_end)
        if a is None:
            raise _fail(text, _skip(text, value_end), "expected ',' or '}'")
        if a.group(1) == "}":
            return found, a.end() - 1
        at = a.end()


_EMPTY_LIST = re.compile(r"[ \t\n\r]*]")
_AFTER_ITEM = re.compile(r"[ \t\n\r]*([,\]])")


def items(text: str, start: int) -> list[tuple[int, int]]:
    """(start, end) of each item of the list whose ``[`` is at ``start``."""
    if text[start : start + 1] != "[":
        raise _fail(text, start, "expected a list")
    found: list[tuple[int, int]] = []
    if _EMPTY_LIST.match(text, start + 1):
        return found
    at = start + 1
    while True:
        value_start = _skip(text, at)
        try:
            _value, value_end = _scan_value(text, value_start)
        except StopIteration:
            raise _fail(text, value_start, "expected a value") from None
        except (ValueError, RecursionError) as exc:
            raise _fail(text, value_start, f"bad value ({exc})") from None
        found.append((value_start, value_end))
        a = _AFTER_ITEM.match(text, value_end)
        if a is None:
            raise _fail(text, _skip(text, value_end), "expected ',' or ']'")
        if a.group(1) == "]":
            return found
        at = a.end()


def last(found: list[tuple], key: str) -> Member | None:
    """The member json.loads keeps when a key is repeated: the last one."""
    for m in reversed(found):
        if m[0] == key:
            return Member._make(m)
    return None


def dump(value: Any) -> str:
    """A value as we write it: compact JSON, non-ASCII unescaped (a lone surrogate, which
    UTF-8 cannot hold, escaped)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text


def set_member(text: str, key: str, value_text: str, start: int = 0, found: tuple[list[tuple], int] | None = None) -> str:
    """``text`` with the value of ``key`` in the object at ``start`` replaced by
    ``value_text``; a missing key is added after the last member, spaced as the object is."""
    items, _close = found or members(text, start)
    m = last(items, key)
    if m is not None:
        return text[: m.value_start] + value_text + text[m.value_end :]
    if not items:
        return text[: start + 1] + json.dumps(key) + ": " + value_text + text[start + 1 :]
    tail = Member._make(items[-1])
    colon = text[tail.key_end : tail.value_start]  # e.g. ": " or ":" or " : "
    comma = text[Member._make(items[-2]).value_end : tail.key_start] if len(items) > 1 else (", " if " " in colon else ",")
    at = tail.value_end
    return text[:at] + comma + json.dumps(key) + colon + value_text + text[at:]


def whole_object(text: str) -> tuple[int, tuple[list[Member], int]]:
    """(where the object starts, its members()) for a line that must be exactly one object."""
    at = _skip(text, 0)
    found = members(text, at)
    end = _skip(text, found[1] + 1)
    if end != len(text):
        raise _fail(text, end, "text after the object")
    return at, found
