"""sourcefile: a file is mapped only under a read lease, which holds off a program that
truncates it until we are done; without a lease nothing is mapped."""
from __future__ import annotations

import json
import mmap
import os
import subprocess
import sys
import threading
import time

import pytest

from app.core.load import loader
from app.core.io import rawfile, sourcefile
from app.core.load.loader import load_release

leases = pytest.mark.skipif(not sourcefile._LEASES, reason="read leases are Linux-only")


def _wait_for(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.005)


def _rows(path, n: int = 40) -> None:
    path.write_text("".join(json.dumps({"instruction": f"问{i}", "output": "答" * 50}, ensure_ascii=False) + "\n"
                            for i in range(n)), encoding="utf-8")


@leases
def test_a_truncation_waits_for_our_lease_and_we_see_it_coming(tmp_path):
    path = tmp_path / "a.jsonl"
    _rows(path)
    size = path.stat().st_size
    with sourcefile.Source(path) as src:
        assert src.leased and not src.changed()
        with rawfile.mapped_fd(src.fd) as buf:
            cutter = subprocess.Popen([sys.executable, "-c", f"import os; os.truncate({str(path)!r}, 10)"])
            _wait_for(src.changed, "the lease to show the truncation coming")
            assert cutter.poll() is None and path.stat().st_size == size  # it waits for us
            assert bytes(buf[-20:]) == path.read_bytes()[-20:]  # every page still readable: no SIGBUS
    assert cutter.wait(timeout=60) == 0 and path.stat().st_size == 10  # we let go: it went ahead


@leases
def test_no_lease_while_another_program_has_the_file_open_for_writing(tmp_path):
    path = tmp_path / "a.jsonl"
    _rows(path)
    writer = os.open(path, os.O_RDWR)
    try:
        with sourcefile.Source(path) as src:
            assert not src.leased and not src.changed()
            os.ftruncate(writer, 10)
            assert src.changed()
    finally:
        os.close(writer)


def test_without_a_lease_nothing_is_mapped_and_the_rows_are_the_same(tmp_path, monkeypatch):
    path = tmp_path / "a.jsonl"
    _rows(path, 300)
    monkeypatch.setattr(rawfile, "CHUNK_BYTES", 4096)  # many chunks: read whole when leased
    leased = load_release(path).frame
    monkeypatch.setattr(sourcefile, "_take_lease", lambda fd: False)

    def refuse(*a, **k):
        raise AssertionError("a file was mapped without a lease")

    monkeypatch.setattr(mmap, "mmap", refuse)
    unleased = load_release(path)
    assert unleased.frame.equals(leased) and unleased.report.bad_lines == []


@leases
def test_a_read_whole_file_is_read_under_a_lease(tmp_path, monkeypatch):
    path = tmp_path / "a.jsonl"
    _rows(path, 300)
    monkeypatch.setattr(rawfile, "CHUNK_BYTES", 4096)
    seen = []
    real = loader._read_whole
    monkeypatch.setattr(loader, "_read_whole", lambda plan, src, *a: seen.append(src.leased) or real(plan, src, *a))
    assert load_release(path).frame.height == 300 and seen == [True]


def test_the_lease_is_kept_until_a_reader_of_the_file_is_done(tmp_path):
    """A cancelled load returns at once, but Polars may still be reading the file: the
    descriptor (and its lease) goes only when that reader is done."""
    path = tmp_path / "a.jsonl"
    _rows(path)
    go = threading.Event()
    reader = threading.Thread(target=go.wait)
    reader.start()
    src = sourcefile.Source(path)
    fd = src.fd
    src.close_after(reader)
    src.close()
    os.fstat(fd)  # still open
    go.set()
    reader.join()

    inode = path.stat().st_ino

    def closed() -> bool:  # (or the number went to another file meanwhile)
        try:
            return os.fstat(fd).st_ino != inode
        except OSError:
            return True

    _wait_for(closed, "the descriptor to be closed")
