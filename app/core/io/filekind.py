"""What a data file holds when it is not UTF-8 JSON lines, told from its first bytes: a
Git LFS pointer, a compressed file, UTF-16 or UTF-32 text, or lines that end with CR
only. Each reason says what the file is and what to do; the loader skips the file.

CR-only files (old Mac line ends) are skipped, not read: every JSONL reader a training
framework uses splits on LF and would see one long line, and the exporter, which copies
the raw lines, would have to split them the same way. Converting the file is one command.
"""
from __future__ import annotations

import codecs
import re

from . import rawfile

HEAD_BYTES = 4096  # what problem() needs to see of a file
_CR_PROBE = 4 << 20  # bytes searched for a CR line end in a file without any LF

_COMPRESSED = (
    (b"\x1f\x8b", "gzip-compressed: decompress it first (gunzip -c FILE > NEW.jsonl)"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed: decompress it first (zstd -dc FILE > NEW.jsonl)"),
    (b"\xfd7zXZ\x00", "xz-compressed: decompress it first (xz -dc FILE > NEW.jsonl)"),
    (b"PK\x03\x04", "a zip archive: extract it first (unzip FILE)"),
    (b"PK\x05\x06", "a zip archive: extract it first (unzip FILE)"),
)
# "BZh", the block size, then the magic of a first block (pi) or of the end of the stream (sqrt(pi)).
_BZIP2 = re.compile(rb"BZh[1-9](?:1AY&SY|\x17rE8P\x90)")
# Byte-order marks, longest first (a UTF-32 LE mark begins like a UTF-16 LE one).
_MARKS = ((b"\x00\x00\xfe\xff", "UTF-32", "BE"), (b"\xff\xfe\x00\x00", "UTF-32", "LE"),
          (b"\xfe\xff", "UTF-16", "BE"), (b"\xff\xfe", "UTF-16", "LE"))
# Two JSON objects with a CR between them: never one valid line (a CR is not allowed raw in
# a string, and between values there would be a comma), so lines end with CR.
_CR_BETWEEN_ROWS = re.compile(rb"\}[ \t]*\r[ \t\r]*\{")


def _convert(encoding: str, order: str, marked: bool) -> str:
    source = encoding if marked else encoding + order  # iconv assumes BE when there is no mark
    mark = "" if marked else " (no byte-order mark)"
    return f"{encoding} {order} text{mark}: convert it to UTF-8 (iconv -f {source} -t UTF-8 FILE > NEW.jsonl)"


def lfs_pointer(head: bytes) -> str | None:
    """The reason for a Git LFS pointer file (a clone made without `git lfs`), else None."""
    if not rawfile.is_lfs_pointer(head[:64]):
        return None
    size = re.search(rb"^size (\d+)", head[:512], re.M)
    note = f" of {int(size.group(1)):,} bytes" if size else ""
    return f"Git LFS pointer{note}, not data: run `git lfs pull`"


def problem(head: bytes) -> str | None:
    """Why a file that begins with ``head`` (its first HEAD_BYTES) is no JSONL to read."""
    for magic, reason in _COMPRESSED:
        if head.startswith(magic):
            return reason
    if _BZIP2.match(head):
        return "bzip2-compressed: decompress it first (bunzip2 -c FILE > NEW.jsonl)"
    for mark, encoding, order in _MARKS:
        if head.startswith(mark):
            return _convert(encoding, order, True)
    wide = _wide_text(head)
    return _convert(*wide, False) if wide else None


def _wide_text(head: bytes) -> tuple[str, str] | None:
    """(encoding, byte order) of UTF-16/32 text without a mark. UTF-8 JSON text holds no
    NUL byte at all; wide text of JSON does (every ASCII character has one), and read in
    its own encoding it is valid, NUL-free and begins with a brace or bracket. Read in any
    other of the four, the first character is out of range, a NUL or not a brace, so the
    first encoding that reads it so is the one (whatever share of ASCII the text holds)."""
    n = len(head) // 4 * 4
    if n < 4 or head.find(0, 0, n) < 0:
        return None
    for guess in (("UTF-32", "LE"), ("UTF-32", "BE"), ("UTF-16", "LE"), ("UTF-16", "BE")):
        try:
            text = codecs.getincrementaldecoder(f"{guess[0].lower()}-{guess[1].lower()}")().decode(head[:n], final=False)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and text.lstrip().startswith(("{", "[")):
            return guess
    return None


def cr_only(fd: int, size: int, head: bytes) -> str | None:
    """The reason for a file whose lines end with CR only: no LF in the whole file, and a
    CR between two rows. (One row with a CR after it is still one row.)"""
    if b"\n" in head or (size <= len(head) and b"\r" not in head):
        return None
    if size > len(head) and rawfile.find_newline(fd, len(head), size) >= 0:
        return None  # (a first line longer than the head: the search ends at its end)
    probe = head if size <= len(head) else rawfile.read_at(fd, 0, min(size, _CR_PROBE))
    if not _CR_BETWEEN_ROWS.search(probe):
        return None
    return "lines end with CR only (old Mac line ends): convert them to LF first (tr '\\r' '\\n' < FILE > NEW.jsonl)"
