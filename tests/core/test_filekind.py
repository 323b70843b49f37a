"""filekind: a UTF-8 JSONL file is never taken for anything else; the same rows in
another encoding, compressed or with CR line ends are named for what they are."""
from __future__ import annotations

import gzip
import json

import pytest
from hypothesis import example, HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.io import filekind

_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30) \
    | st.text(alphabet=st.sampled_from("中文问答数据集。，、\u0100\u4e00\u2028 \t\r\n\\\"{}[]ab1"), max_size=300)
_rows = st.lists(st.dictionaries(st.sampled_from(["instruction", "input", "output", "domain", "metadata"]), _text,
                                 min_size=1, max_size=4), min_size=1, max_size=8)


def _jsonl(rows, ascii_: bool, end: str, blank_first: bool) -> str:
    return ("\n" if blank_first else "") + end.join(json.dumps(r, ensure_ascii=ascii_) for r in rows) + end


def _verdict(tmp_path, data: bytes) -> str | None:
    path = tmp_path / "f.jsonl"
    path.write_bytes(data)
    head = data[: filekind.HEAD_BYTES]
    with open(path, "rb") as fh:
        return filekind.lfs_pointer(head) or filekind.problem(head) or filekind.cr_only(fh.fileno(), len(data), head)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_rows, st.booleans(), st.sampled_from(["\n", "\r\n"]), st.booleans(), st.booleans())
def test_utf8_jsonl_is_never_taken_for_anything_else(tmp_path, rows, ascii_, end, blank_first, bom):
    data = (b"\xef\xbb\xbf" if bom else b"") + _jsonl(rows, ascii_, end, blank_first).encode("utf-8")
    assert _verdict(tmp_path, data) is None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_rows, st.booleans(), st.booleans(),
       st.sampled_from([("utf-16-le", "UTF-16 LE"), ("utf-16-be", "UTF-16 BE"), ("utf-32-le", "UTF-32 LE"), ("utf-32-be", "UTF-32 BE")]),
       st.booleans())
# Few ASCII characters and many with a zero low byte (U+0100, a surrogate pair): NULs on
# both sides, which a count of where the NULs fall took for no wide text (found in CI).
@example(rows=[{"instruction": "\u0100\U00010000"}], ascii_=False, blank_first=False,
         encoding=("utf-16-le", "UTF-16 LE"), mark=False)
def test_the_same_rows_in_utf16_or_utf32_are_named_with_or_without_a_mark(tmp_path, rows, ascii_, blank_first, encoding, mark):
    codec, name = encoding
    data = ("\ufeff" if mark else "").encode(codec) + _jsonl(rows, ascii_, "\n", blank_first).encode(codec)
    verdict = _verdict(tmp_path, data)
    assert verdict is not None and verdict.startswith(f"{name} text")
    assert ("(no byte-order mark)" in verdict) != mark
    assert f"iconv -f {name.split()[0] if mark else name.replace(' ', '')} -t UTF-8" in verdict


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_rows.filter(lambda r: len(r) >= 2), st.booleans())
def test_rows_ending_with_cr_only_are_named_and_one_row_with_a_cr_is_not(tmp_path, rows, ascii_):
    text = _jsonl(rows, ascii_, "\r", False).encode("utf-8")
    if b"\n" in text:  # a raw LF inside a value (ensure_ascii=False keeps U+2028, never a raw LF)
        return
    assert _verdict(tmp_path, text).startswith("lines end with CR only")
    assert _verdict(tmp_path, json.dumps(rows[0]).encode() + b"\r") is None


def test_a_cr_only_file_with_a_first_line_longer_than_the_head(tmp_path):
    row = json.dumps({"output": "长" * 5000}, ensure_ascii=False).encode()
    assert _verdict(tmp_path, row + b"\r" + row + b"\r").startswith("lines end with CR only")
    assert _verdict(tmp_path, row + b"\r" + row + b"\n") is None  # one LF: a (bad) JSONL file, not CR-only


@pytest.mark.parametrize("data, start", [
    (gzip.compress(b'{"a": 1}\n'), "gzip-compressed"),
    (b"BZh91AY&SY" + bytes(20), "bzip2-compressed"),
    (b"\xfd7zXZ\x00" + bytes(20), "xz-compressed"),
    (b"\x28\xb5\x2f\xfd" + bytes(20), "zstd-compressed"),
    (b"PK\x03\x04" + bytes(20), "a zip archive"),
    (b"version https://git-lfs.github.com/spec/v1\noid sha256:ab\nsize 1234\n", "Git LFS pointer of 1,234 bytes"),
], ids=["gzip", "bzip2", "xz", "zstd", "zip", "lfs"])
def test_compressed_files_and_lfs_pointers_by_their_magic(tmp_path, data, start):
    assert _verdict(tmp_path, data).startswith(start)


def test_a_file_of_nul_bytes_or_a_few_nuls_in_text_is_not_utf16(tmp_path):
    """A file zero-filled by a crash, or stray NULs: bad lines to report, not an encoding."""
    assert _verdict(tmp_path, bytes(8192)) is None
    assert _verdict(tmp_path, b'{"a": "x\x00y"}\n{"b": "\x00"}\n') is None
