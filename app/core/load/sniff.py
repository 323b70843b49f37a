"""What a text data file is, from its first bytes and first records: JSON lines, a JSON
array, Parquet, or no data at all; and the records its format is told from.

- ``.parquet`` (or Parquet's magic ``PAR1``): Parquet.
- text whose first character (after a BOM and white space) is ``[``: a JSON array,
  except in a ``.jsonl`` file, which is always JSON lines (a line holding a list is then
  a bad line, as ever);
- otherwise JSON lines. A ``.json`` file (or a file opened on its own under another name)
  that holds ONE JSON object, on one line or over several (``dataset_infos.json``,
  LLaMA-Factory's ``dataset_info.json``), is metadata, not records: it is named with
  that reason. So is one that begins with anything but ``{`` or ``[``.

The first records (formats.SNIFF_RECORDS, within SNIFF_BYTES unless the first line is
longer) and a few taken across the rest of the file decide the file's format
(formats.file_format) and the variant its reader reads (a DPO part at the end of a
ShareGPT file is then read in the same pass).
"""
from __future__ import annotations

import json

from app.core.io import rawfile
from app.core.io.jsonline import parse_line
from .formats import SNIFF_RECORDS

SNIFF_BYTES = 1 << 20
_FIRST_LINE_MAX = 64 << 20  # a longer first line is looked at no further
ONE_OBJECT = "one JSON object, not records (dataset metadata?): neither a JSON array nor JSON lines"
PARQUET_MAGIC = b"PAR1"


def kind_of(name: str, head: bytes, tail: bytes = b"") -> str | None:
    """``parquet``, ``array``, ``jsonl``, or None for a non-``.jsonl`` file that begins
    with neither ``{`` nor ``[``. By content a file is Parquet when it begins and ends
    with Parquet's magic (``tail``: its last bytes): a text file whose first line happens
    to read ``PAR1`` stays text."""
    lower = name.lower()
    if lower.endswith(".parquet") or (head.startswith(PARQUET_MAGIC) and tail.endswith(PARQUET_MAGIC)):
        return "parquet"
    first = head[3:] if head.startswith(rawfile.BOM) else head
    first = first.lstrip()[:1]
    if lower.endswith(".jsonl") or not first or first == b"{":
        return "jsonl"
    return "array" if first == b"[" else None


def not_records(head: bytes) -> str:
    first = (head[3:] if head.startswith(rawfile.BOM) else head).lstrip()[:1]
    shown = first.decode("utf-8", "replace") or "?"
    return f"neither a JSON array nor JSON lines (it begins with {shown!r})"


SPREAD = 16  # records taken across the rest of a file, besides its first ones
_WINDOW = 64 << 10


def records_of(lines, more: list[bytes] = ()) -> list[dict]:
    """The good objects among the first SNIFF_RECORDS lines or records, SPREAD more
    evenly spaced after them, and ``more`` (lines from further on in the file)."""
    chosen = list(lines[:SNIFF_RECORDS])
    rest = len(lines) - SNIFF_RECORDS
    if rest > 0:
        chosen += [lines[SNIFF_RECORDS + rest * k // SPREAD] for k in range(SPREAD) if rest * k // SPREAD < rest]
    chosen += more
    out = []
    for line in chosen:
        obj, _ = parse_line(line)
        if obj is not None:
            out.append(obj)
    return out


def _spread_lines(fd: int, size: int, start: int) -> list[bytes]:
    """A whole line or two from each of SPREAD windows across [start, size) of a file."""
    out = []
    for k in range(SPREAD):
        lo = start + (size - start) * k // SPREAD
        window = rawfile.read_at(fd, lo, min(size, lo + _WINDOW))
        first = window.find(b"\n")
        last = window.rfind(b"\n")
        if 0 <= first < last:
            out += [line for line in window[first + 1:last].split(b"\n")[:2] if line.strip()]
    return out


def sniff_lines(fd: int, size: int, name: str) -> tuple[list[dict], str | None]:
    """(the first records of a JSON-lines file, or the reason it holds no records)."""
    end = min(size, SNIFF_BYTES)
    head = rawfile.read_at(fd, 0, end)
    if end < size and b"\n" not in head:  # a first line longer than the sniff: read to its end
        cut = rawfile.find_newline(fd, end, min(size, _FIRST_LINE_MAX))
        end = size if cut < 0 and size <= _FIRST_LINE_MAX else (cut + 1 if cut >= 0 else end)
        head = rawfile.read_at(fd, 0, end)
    whole = end == size
    if not whole:
        head = head[: head.rfind(b"\n") + 1]
    _, lines, _ = rawfile.split_lines(head)
    further = _spread_lines(fd, size, end) if size - end > _WINDOW else []
    if name.lower().endswith(".jsonl"):
        return records_of(lines, further), None
    if whole and len(lines) == 1 and parse_line(lines[0])[0] is not None:
        return [], ONE_OBJECT
    if lines and parse_line(lines[0])[1] and size <= _FIRST_LINE_MAX:
        data = head if whole else rawfile.read_at(fd, 0, size)
        try:  # an object over several lines
            if isinstance(json.loads(data.decode("utf-8-sig")), dict):
                return [], ONE_OBJECT
        except ValueError:
            pass  # JSON lines with a bad first line: reported line by line
    return records_of(lines, further), None
