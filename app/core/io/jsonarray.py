"""A JSON array of records (``[{...}, {...}]``, LLaMA-Factory's and Alpaca's ``.json``
files) -> where each record's bytes are, which records are bad and why.

The array is walked with the standard library's own scanner: ``JSONDecoder.raw_decode``
from each record's first byte gives the record's end (never a regex, which cannot know
where a string ends). A record is kept as its byte span ``[start, end)`` in the file:
its raw bytes are its identity (the row id hashes them, as a JSONL line's) and what an
export copies back unchanged. The parsed objects are dropped: the loader reads the
records' bytes again, as it reads lines, with Polars.

Strict as lines are (jsonline): a record that is not an object, holds NaN or Infinity, a
raw control character in a string or bytes that are not UTF-8 is a bad record, reported
with its 1-based number and the reason. Its extent is then found by a lenient decoder
(the same scanner, accepting those), so the records after it are read. An array whose
structure is broken (a missing comma, a truncated file, text after the closing bracket)
cannot be read past that point: the whole file is refused (``ArrayError``, naming line,
column and record), as every training framework's ``json.load`` would refuse it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from .jsonline import constant_at as _constant_at, json_kind

BOM = b"\xef\xbb\xbf"
_WHITE = " \t\r\n"


class ArrayError(ValueError):
    """The file is no readable JSON array; the message is the reason for the load report."""


@dataclass
class ArrayScan:
    starts: list[int] = field(default_factory=list)  # byte offset of each good record
    ends: list[int] = field(default_factory=list)  # exclusive
    numbers: list[int] = field(default_factory=list)  # 1-based record number (bad ones counted)
    bad: list[tuple[int, str]] = field(default_factory=list)  # (record number, reason)
    records: int = 0  # records in the array, good and bad
    spans: list[tuple[int, int]] = field(default_factory=list)  # (start, end) of every record, good and bad


class _NotJson(ValueError):
    pass


def _refuse(name: str):
    raise _NotJson(name)


_STRICT = json.JSONDecoder(parse_constant=_refuse)
_LENIENT = json.JSONDecoder(strict=False)  # NaN and raw control characters accepted: only to find the end


def starts_array(data: bytes) -> bool:
    """Does this text begin (after a BOM and white space) with ``[``?"""
    head = data[3:] if data.startswith(BOM) else data
    return head.lstrip()[:1] == b"["


def scan(data: bytes) -> ArrayScan:
    """The records of the JSON array ``data`` (a whole file). Raises ArrayError."""
    base = 3 if data.startswith(BOM) else 0
    text, invalid = _decode(data, base)
    ascii_only = len(text) == len(data) - base
    out = _Walk(text, base, ascii_only, invalid)
    return out.run()


def _decode(data: bytes, base: int) -> tuple[str, list[int]]:
    """The text, and the file offsets of bytes that are not UTF-8 (kept as lone
    surrogates, so the text still maps onto the bytes one to one)."""
    view = memoryview(data)[base:]
    try:
        return str(view, "utf-8"), []
    except UnicodeDecodeError:
        pass
    invalid, at = [], 0
    while at < len(view):
        try:
            str(view[at:], "utf-8")
            break
        except UnicodeDecodeError as exc:
            invalid.append(base + at + exc.start)
            at += exc.end
    return str(view, "utf-8", "surrogateescape"), invalid


class _Walk:
    def __init__(self, text: str, base: int, ascii_only: bool, invalid: list[int]):
        self.text, self.base, self.ascii_only, self.invalid = text, base, ascii_only, invalid
        self.char_at, self.byte_at = 0, base  # last known (char index, file offset) pair

    def byte(self, i: int) -> int:
        """File offset of char index ``i`` (which only ever grows)."""
        if self.ascii_only:
            return self.base + i
        if i < self.char_at:  # an error position before the walk's point: count from the start
            return self.base + len(self.text[:i].encode("utf-8", "surrogateescape"))
        self.byte_at += len(self.text[self.char_at:i].encode("utf-8", "surrogateescape"))
        self.char_at = i
        return self.byte_at

    def where(self, i: int) -> str:
        line = self.text.count("\n", 0, i) + 1
        return f"line {line} column {i - (self.text.rfind(chr(10), 0, i) + 1) + 1}"

    def skip(self, i: int) -> int:
        text, n = self.text, len(self.text)
        while i < n and text[i] in _WHITE:
            i += 1
        return i

    def run(self) -> ArrayScan:
        text, out = self.text, ArrayScan()
        i = self.skip(0)
        if i == len(text) or text[i] != "[":
            raise ArrayError("not a JSON array")
        i = self.skip(i + 1)
        if i < len(text) and text[i] == "]":
            return self._after(i + 1, out)
        while True:
            if i >= len(text):
                raise ArrayError(f"truncated JSON array: it ends before record {out.records + 1}")
            out.records += 1
            end = self._record(i, out)
            i = self.skip(end)
            if i >= len(text):
                raise ArrayError(f"truncated JSON array: no closing ] after record {out.records}")
            if text[i] == "]":
                return self._after(i + 1, out)
            if text[i] != ",":
                raise ArrayError(f"invalid JSON array: expected , or ] after record {out.records} at {self.where(i)}")
            i = self.skip(i + 1)
            if i < len(text) and text[i] == "]":
                raise ArrayError(f"invalid JSON array: a comma before the closing ] at {self.where(i)} (JSON allows none)")

    def _after(self, i: int, out: ArrayScan) -> ArrayScan:
        i = self.skip(i)
        if i < len(self.text):
            raise ArrayError(f"invalid JSON array: text after its closing ] at {self.where(i)}")
        return out

    def _record(self, i: int, out: ArrayScan) -> int:
        """Read record number out.records starting at char ``i``; its end (char index)."""
        number = out.records
        try:
            value, end = _STRICT.raw_decode(self.text, i)
            reason = None if isinstance(value, dict) else f"not a JSON object (a {json_kind(value)})"
        except (_NotJson, json.JSONDecodeError, RecursionError) as exc:
            end = self._lenient_end(i, number)
            reason = self._why(exc, i, end)
        start_b, end_b = self.byte(i), self.byte(end)
        out.spans.append((start_b, end_b))  # export writes the array back around them
        bad_byte = next((b for b in self.invalid if start_b <= b < end_b), None)
        if bad_byte is not None:
            reason = f"invalid UTF-8 at byte {bad_byte + 1} of the file"
        if reason:
            out.bad.append((number, reason))
        else:
            out.starts.append(start_b)
            out.ends.append(end_b)
            out.numbers.append(number)
        return end

    def _why(self, exc: BaseException, i: int, end: int) -> str:
        """The reason a record the lenient decoder read is bad, at its place in the file."""
        if isinstance(exc, _NotJson):
            return f"invalid JSON: {exc.args[0]} is not a JSON value at {self.where(i + _constant_at(self.text[i:end]))}"
        return f"invalid JSON: {_msg(exc)} at {self.where(exc.pos)}"

    def _lenient_end(self, i: int, number: int) -> int:
        """Where a bad record ends, by a decoder that takes what the strict one refused;
        a record even it cannot read ends the walk (ArrayError)."""
        try:
            return _LENIENT.raw_decode(self.text, i)[1]
        except RecursionError:
            raise ArrayError(f"invalid JSON array: record {number} is nested too deeply ({self.where(i)})") from None
        except json.JSONDecodeError as exc_:
            lenient, pos = exc_, exc_.pos
        if pos >= len(self.text.rstrip()) - 1 or "Unterminated string" in lenient.msg:
            raise ArrayError(f"truncated JSON array: it ends inside record {number} ({self.where(i)})") from None
        raise ArrayError(f"invalid JSON array: {_msg(lenient)} at {self.where(pos)} (record {number})") from None


def _msg(exc: json.JSONDecodeError) -> str:
    return exc.msg.removesuffix(" at")  # "Invalid control character at"
