"""Files no loader should trust: special files, broken links, unreadable files, odd names,
other encodings, compressed files and old Mac line ends. Each is a skipped file with
its reason (never opened when it is not a regular file), never a traceback or a hang;
through the CLI too, in real subprocesses with a timeout."""
from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from app.core.io import rawfile
from app.core.load.loader import ReleaseError, load_release
from tests.conftest import PROJECT

ROW = json.dumps({"instruction": "天为什么是蓝的？", "output": "因为瑞利散射。", "domain": ["通用"]}, ensure_ascii=False)
TEXT = "\n".join(json.dumps({"instruction": f"问题{i}", "output": "回答" * 30, "task_type": {"major": ["问答"]}},
                            ensure_ascii=False) for i in range(20)) + "\n"
ODD = b"odd\xff\xfename.jsonl"
ODD_SHOWN = "odd\\xff\\xfename.jsonl"
pytestmark = [pytest.mark.skipif(os.name != "posix", reason="FIFOs, sockets and byte file names are POSIX"),
              pytest.mark.reliability("hostile")]


@pytest.fixture(params=["16 MB chunks", "256 B chunks"])
def chunk_size(request, monkeypatch):
    if request.param == "256 B chunks":  # test files of many chunks: read whole from their path
        monkeypatch.setattr(rawfile, "CHUNK_BYTES", 256)
    return request.param


def _zstd_frame(data: bytes) -> bytes:
    """A zstd frame holding ``data`` (under 256 bytes) as one raw block: no zstd module needed."""
    block = len(data) << 3 | 1  # the last block, raw
    return b"\x28\xb5\x2f\xfd\x20" + bytes([len(data)]) + block.to_bytes(3, "little") + data


ENCODED = {
    "utf16le-bom.jsonl": (TEXT.encode("utf-16"), "UTF-16 LE text: convert it to UTF-8 (iconv -f UTF-16 -t UTF-8 FILE > NEW.jsonl)"),
    "utf16be-bom.jsonl": (b"\xfe\xff" + TEXT.encode("utf-16-be"), "UTF-16 BE text: convert it to UTF-8 (iconv -f UTF-16 -t UTF-8 FILE > NEW.jsonl)"),
    "utf16le.jsonl": (TEXT.encode("utf-16-le"), "UTF-16 LE text (no byte-order mark): convert it to UTF-8 (iconv -f UTF-16LE -t UTF-8 FILE > NEW.jsonl)"),
    "utf16be.jsonl": (TEXT.encode("utf-16-be"), "UTF-16 BE text (no byte-order mark): convert it to UTF-8 (iconv -f UTF-16BE -t UTF-8 FILE > NEW.jsonl)"),
    "utf32le-bom.jsonl": (TEXT.encode("utf-32"), "UTF-32 LE text: convert it to UTF-8 (iconv -f UTF-32 -t UTF-8 FILE > NEW.jsonl)"),
    "utf32be.jsonl": (TEXT.encode("utf-32-be"), "UTF-32 BE text (no byte-order mark): convert it to UTF-8 (iconv -f UTF-32BE -t UTF-8 FILE > NEW.jsonl)"),
    "gz.jsonl": (gzip.compress(TEXT.encode()), "gzip-compressed: decompress it first (gunzip -c FILE > NEW.jsonl)"),
    "bz2.jsonl": (bz2.compress(TEXT.encode()), "bzip2-compressed: decompress it first (bunzip2 -c FILE > NEW.jsonl)"),
    "xz.jsonl": (lzma.compress(TEXT.encode()), "xz-compressed: decompress it first (xz -dc FILE > NEW.jsonl)"),
    "zst.jsonl": (_zstd_frame(ROW.encode() + b"\n"), "zstd-compressed: decompress it first (zstd -dc FILE > NEW.jsonl)"),
    "cr.jsonl": (TEXT.replace("\n", "\r").encode(), "lines end with CR only (old Mac line ends): convert them to LF first "
                                                    "(tr '\\r' '\\n' < FILE > NEW.jsonl)"),
}


def _zip(text: str) -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("data.jsonl", text)
    return buf.getvalue()


ENCODED["zip.jsonl"] = (_zip(TEXT), "a zip archive: extract it first (unzip FILE)")

SPECIAL = {
    "fifo.jsonl": "a named pipe (FIFO), not a regular file: not opened",
    "socket.jsonl": "a socket, not a regular file: not opened",
    "device.jsonl": "a character device, not a regular file: not opened",
    "dangling.jsonl": "dangling symbolic link (to nowhere/missing.jsonl): the file it points to does not exist",
    "loop.jsonl": "symbolic link loop: it never reaches a file",
    ODD_SHOWN: "file name is not valid UTF-8: rename it to load it",
}


def _hostile_tree(root: Path) -> dict[str, str]:
    """A release with one good file and one of every hostile kind; {file: reason}."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "good.jsonl").write_text(ROW + "\n", encoding="utf-8")
    for name, (data, _) in ENCODED.items():
        (root / name).write_bytes(data)
    os.mkfifo(root / "fifo.jsonl")
    server = socket.socket(socket.AF_UNIX)
    server.bind(os.path.relpath(root / "socket.jsonl"))  # relative: a socket path is at most 108 bytes
    server.close()
    os.symlink("/dev/null", root / "device.jsonl")
    os.symlink("nowhere/missing.jsonl", root / "dangling.jsonl")
    os.symlink("loop.jsonl", root / "loop.jsonl")
    with open(os.path.join(os.fsencode(root), ODD), "wb") as fh:
        fh.write(ROW.encode() + b"\n")
    return {**SPECIAL, **{name: reason for name, (_, reason) in ENCODED.items()}}


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "rel"
    return root, _hostile_tree(root)


def _refuse_to_open(monkeypatch, names: set[str]):
    """Opening any of ``names`` fails the test (a FIFO would block forever)."""
    import builtins

    real_os_open, real_open = os.open, builtins.open

    def check(path):
        if os.path.basename(os.fsdecode(path)) in names:
            raise AssertionError(f"{path} was opened")

    monkeypatch.setattr(os, "open", lambda path, *a, **k: check(path) or real_os_open(path, *a, **k))
    monkeypatch.setattr(builtins, "open", lambda path, *a, **k: check(path) or real_open(path, *a, **k))


@pytest.mark.reliability("hostile", "every hostile file skipped with its reason (FIFO, socket, device never opened); "
                                    "the good row read")
def test_every_hostile_file_is_skipped_with_its_reason(hostile, monkeypatch, chunk_size, tally):
    root, expected = hostile
    tally.add(hostile_files=len(expected))
    _refuse_to_open(monkeypatch, {"fifo.jsonl", "socket.jsonl", "device.jsonl"})
    release = load_release(root)
    assert release.frame["file"].to_list() == ["good.jsonl"]
    assert {s.file: s.reason for s in release.report.skipped_files} == expected
    assert release.report.bad_lines == []
    assert [s.file for s in release.report.skipped_files] == sorted(expected)


@pytest.mark.reliability("hostile", "a CR at the very end only, or as JSON white space, is read, not refused")
def test_a_file_with_a_cr_at_its_end_only_is_not_cr_only(tmp_path, tally):
    tally.add(hostile_files=2)
    path = tmp_path / "one.jsonl"
    path.write_bytes(ROW.encode() + b"\r")
    assert load_release(path).frame.height == 1
    path.write_bytes(b'{"instruction": "a",\r"output": "b"}')  # a CR as JSON white space, no LF at all
    assert load_release(path).frame["output"].to_list() == ["b"]


@pytest.mark.reliability("hostile", "UTF-16 text that is mostly Chinese is named as UTF-16")
def test_utf16_text_that_is_mostly_chinese_is_recognised(tmp_path, tally):
    tally.add(hostile_files=2)
    chinese = "\n".join(json.dumps({"output": "中文" * 500}, ensure_ascii=False) for _ in range(3))
    for encoding, name in (("utf-16-le", "UTF-16 LE"), ("utf-16-be", "UTF-16 BE")):
        path = tmp_path / f"{encoding}.jsonl"
        path.write_bytes(chinese.encode(encoding))
        with pytest.raises(ReleaseError, match=f"{name} text"):
            load_release(path)


@pytest.mark.reliability("hostile", "a hostile file opened alone: one error naming it and why")
@pytest.mark.parametrize("name", ["fifo.jsonl", "dangling.jsonl", "loop.jsonl", "gz.jsonl", "utf16le.jsonl", "cr.jsonl", ODD_SHOWN])
def test_a_hostile_file_opened_alone_says_why_it_has_no_row(hostile, name):
    root, expected = hostile
    path = os.fsdecode(os.path.join(os.fsencode(root), ODD)) if name == ODD_SHOWN else root / name
    with pytest.raises(ReleaseError) as info:
        load_release(path)
    assert name in str(info.value) and expected[name] in str(info.value)


@pytest.mark.reliability("hostile", "an unreadable file and folder are named in the report (permission denied, "
                                    "simulated)")
def test_an_unreadable_file_and_folder_are_reported(tmp_path, monkeypatch, tally):
    """Permission denied, as a user who is not root meets it (root reads anything, so
    the refusal is simulated here; the CLI test below meets the real one)."""
    tally.add(hostile_files=2)
    root = tmp_path / "rel"
    (root / "closed").mkdir(parents=True)
    (root / "good.jsonl").write_text(ROW + "\n", encoding="utf-8")
    (root / "secret.jsonl").write_text(ROW + "\n", encoding="utf-8")
    (root / "closed" / "x.jsonl").write_text(ROW + "\n", encoding="utf-8")
    real_open, real_scandir = os.open, os.scandir

    def os_open(path, *a, **k):
        if os.fspath(path).endswith("secret.jsonl"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, *a, **k)

    def scandir(path="."):
        if os.fspath(path).endswith("closed"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(os, "scandir", scandir)
    release = load_release(root)
    assert release.frame["file"].to_list() == ["good.jsonl"]
    assert {s.file: s.reason for s in release.report.skipped_files} == {
        "closed/": "folder cannot be read: permission denied (check its permissions)",
        "secret.jsonl": "cannot be read: permission denied (check its permissions)",
    }


@pytest.mark.reliability("hostile", "a dangling link and a link loop opened alone: an error naming each")
def test_dangling_link_and_link_loop_opened_alone(tmp_path, tally):
    tally.add(hostile_files=2)
    os.symlink("missing.jsonl", tmp_path / "a.jsonl")
    os.symlink("b.jsonl", tmp_path / "b.jsonl")
    with pytest.raises(ReleaseError, match=r"a\.jsonl.*dangling symbolic link \(to missing\.jsonl\)"):
        load_release(tmp_path / "a.jsonl")
    with pytest.raises(ReleaseError, match=r"b\.jsonl.*symbolic link loop"):
        load_release(tmp_path / "b.jsonl")


# ---- through the CLI, in real subprocesses ----------------------------------------------

def _cli(*args: str, cwd: Path, as_user: bool = False) -> subprocess.CompletedProcess:
    """``python -m app ARGS``; as_user: without root's right to read any file (when run as
    root, in a user namespace of its own, where file permissions apply to it)."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "PYTHONDONTWRITEBYTECODE": "1"}
    prefix = []
    if as_user and os.geteuid() == 0:
        unshare = shutil.which("unshare")
        if not unshare or subprocess.run([unshare, "-U", "true"], capture_output=True).returncode:
            pytest.skip("running as root, and `unshare -U` is not available to give up root's file access")
        prefix = [unshare, "-U"]
    return subprocess.run([*prefix, sys.executable, "-m", "app", *args], cwd=cwd, env=env, capture_output=True, timeout=120)


def _one_error_line(result: subprocess.CompletedProcess, *names: str) -> str:
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, err
    assert "Traceback" not in err and err.count("\n") == 1 and err.startswith("error: "), err
    for name in names:
        assert name in err, err
    return err


@pytest.mark.reliability("hostile", "validate, stats and export of a release holding every hostile file: exit 0, "
                                    "each named with its reason, only the good row exported")
@pytest.mark.timeout(600)
def test_cli_validate_stats_export_on_a_release_with_every_hostile_file(hostile, tmp_path, tally):
    root, expected = hostile
    tally.add(hostile_files=len(expected))
    result = _cli("validate", str(root), "--json", cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == b"", result.stderr
    report = json.loads(result.stdout)
    assert report["rows"] == 1 and {s["file"]: s["reason"] for s in report["skipped_files"]} == expected
    text = _cli("validate", str(root), cwd=tmp_path)
    assert text.returncode == 0 and text.stderr == b""
    lines = text.stdout.decode().splitlines()
    assert lines[0] == f"1 rows in 1 files, {len(expected)} skipped files"
    assert sorted(lines[1:]) == sorted(f"  {f}: skipped: {r}" for f, r in expected.items())
    stats = _cli("stats", str(root), "--json", cwd=tmp_path)
    assert stats.returncode == 0 and stats.stderr == b"" and json.loads(stats.stdout)["rows"] == 1
    out = tmp_path / "out.jsonl"
    export = _cli("export", str(root), "--out", str(out), cwd=tmp_path)
    said = [line for line in export.stderr.decode().splitlines() if not line.startswith(("no project:", "exported "))]
    assert export.returncode == 0 and not said, export.stderr  # only what it wrote
    assert out.read_bytes() == ROW.encode() + b"\n"


@pytest.mark.reliability("hostile", "each hostile file alone: one `error:` line naming it and why, exit 2, no "
                                    "traceback, no hang")
@pytest.mark.timeout(900)
@pytest.mark.parametrize("verb", ["validate", "stats", "export"])
def test_cli_on_each_hostile_file_alone_is_one_error_line(hostile, tmp_path, verb, tally):
    root, expected = hostile
    tally.add(hostile_files=len(expected))
    for name, reason in expected.items():
        path = os.path.join(os.fsencode(root), ODD) if name == ODD_SHOWN else os.fsencode(root / name)
        extra = ["--out", str(tmp_path / "out.jsonl")] if verb == "export" else []
        result = subprocess.run([sys.executable, "-m", "app", verb, path, *extra], cwd=tmp_path, capture_output=True,
                                timeout=120, env={**os.environ, "PYTHONPATH": str(PROJECT)})
        # A link opened on its own is followed (the release is where it leads): /dev/null.
        _one_error_line(result, *(["/dev (null: "] if name == "device.jsonl" else [name]), reason)
        assert result.stdout == b""


@pytest.mark.reliability("hostile", "a file and a folder at mode 000, as an ordinary user: named and skipped; alone, "
                                    "one error line")
@pytest.mark.timeout(600)
def test_cli_on_an_unreadable_file_and_folder(tmp_path, tally):
    """Mode 000, as an ordinary user meets it."""
    tally.add(hostile_files=2)
    root = tmp_path / "rel"
    (root / "closed").mkdir(parents=True)
    (root / "good.jsonl").write_text(ROW + "\n", encoding="utf-8")
    (root / "secret.jsonl").write_text(ROW + "\n", encoding="utf-8")
    (root / "closed" / "x.jsonl").write_text(ROW + "\n", encoding="utf-8")
    os.chmod(root / "secret.jsonl", 0)
    os.chmod(root / "closed", 0)
    try:
        result = _cli("validate", str(root), "--json", cwd=tmp_path, as_user=True)
        assert result.returncode == 0 and result.stderr == b"", result.stderr
        assert {s["file"]: s["reason"] for s in json.loads(result.stdout)["skipped_files"]} == {
            "closed/": "folder cannot be read: permission denied (check its permissions)",
            "secret.jsonl": "cannot be read: permission denied (check its permissions)",
        }
        for verb, extra in (("validate", []), ("stats", []), ("export", ["--out", str(tmp_path / "o.jsonl")])):
            result = _cli(verb, str(root / "secret.jsonl"), *extra, cwd=tmp_path, as_user=True)
            _one_error_line(result, "secret.jsonl", "permission denied")
        _one_error_line(_cli("validate", str(root / "closed"), cwd=tmp_path, as_user=True), "closed", "permission denied")
    finally:
        os.chmod(root / "closed", 0o700)
        os.chmod(root / "secret.jsonl", 0o600)
