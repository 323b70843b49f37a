"""Exact bytes: an export without changes reproduces each file byte for byte (BOM, CRLF,
blank lines, padding, a missing final newline); an edited line keeps its line end; a
single file made of several says exactly how they are joined; bad lines are left out
and counted (or kept with keep_bad_lines)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.io import rawfile

from app.core.curate.edits import EditField, Reject
from app.core.export.exporter import export_release
from app.core.export.export_jsonl import locate
from app.core.load.loader import load_release
from app.core.curate.overlay import Overlay

from .test_edits import run

ROOT = Path(__file__).resolve().parents[2]
BOM = b"\xef\xbb\xbf"

FILES = {
    # no BOM, LF, a bad line (5) and a blank line at the end
    "alpha/a.jsonl": b'{"instruction": "a1", "output": 1E2}\n{"instruction":"a2","output":"x"}\n\n'
                     b'{"instruction": "a4"}\n{"instruction": "broken\n{"instruction": "a6"}\n\n',
    # BOM, CRLF throughout
    "beta/b.jsonl": BOM + b'{"instruction": "b1", "output": "\\u4e2d"}\r\n{"instruction": "b2"}\r\n',
    # BOM, a padded line, CRLF, a blank line, no final newline
    "charlie/c.jsonl": BOM + b'  {"instruction": "c1", "output": 1e400}\t\r\n\n{"instruction": "c3"}',
    # bad lines only
    "delta/d.jsonl": b"not json\n[1, 2]\n",
}


@pytest.fixture()
def release(tmp_path):
    root = tmp_path / "release"
    for rel, data in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return load_release(root)


def row(release, file: str, line: int) -> int:
    f = release.frame.filter((pl.col("file") == file) & (pl.col("line") == line))
    assert f.height == 1
    return f["rid"][0]


def test_tree_export_without_changes_is_byte_exact_per_file(release, tmp_path):
    res = export_release(release, None, tmp_path / "tree", layout="tree", keep_bad_lines=True)
    assert {p.relative_to(tmp_path / "tree").as_posix(): p.read_bytes() for p in res.files} == FILES
    assert res.bad_lines_kept == 3 and res.bad_lines_dropped == 0 and res.rows == release.frame.height


def test_bad_lines_are_left_out_and_counted_by_default(release, tmp_path):
    res = export_release(release, None, tmp_path / "tree", layout="tree")
    assert res.bad_lines_dropped == 3 and res.bad_lines_kept == 0
    got = {p.relative_to(tmp_path / "tree").as_posix(): p.read_bytes() for p in res.files}
    assert got["alpha/a.jsonl"] == FILES["alpha/a.jsonl"].replace(b'{"instruction": "broken\n', b"")
    assert got["delta/d.jsonl"] == b""  # the file is there, its bad lines are not
    assert got["beta/b.jsonl"] == FILES["beta/b.jsonl"] and got["charlie/c.jsonl"] == FILES["charlie/c.jsonl"]


@pytest.mark.parametrize("name", ["alpha/a.jsonl", "beta/b.jsonl", "charlie/c.jsonl"])
def test_single_export_of_one_file_is_that_file(release, tmp_path, name):
    one = load_release(release.root / name)
    export_release(one, None, tmp_path / "one.jsonl", keep_bad_lines=True)
    assert (tmp_path / "one.jsonl").read_bytes() == FILES[name]


def test_several_files_in_one(release, tmp_path):
    """Each file's bytes in order; a BOM only at the very start (the first file's);
    a file without a final newline gets its own line end before the next file."""
    export_release(release, None, tmp_path / "all.jsonl", keep_bad_lines=True)
    expected = (FILES["alpha/a.jsonl"] + FILES["beta/b.jsonl"][3:] + FILES["charlie/c.jsonl"][3:] + b"\r\n"
                + FILES["delta/d.jsonl"])
    assert (tmp_path / "all.jsonl").read_bytes() == expected
    # a first file with a BOM keeps it, at the start only
    both = tmp_path / "bom"
    (both / "x").mkdir(parents=True)
    (both / "x" / "1.jsonl").write_bytes(BOM + b'{"instruction": "1"}')
    (both / "x" / "2.jsonl").write_bytes(BOM + b'{"instruction": "2"}\n')
    export_release(load_release(both), None, tmp_path / "bom.jsonl")
    assert (tmp_path / "bom.jsonl").read_bytes() == BOM + b'{"instruction": "1"}\n{"instruction": "2"}\n'
    # a last file without a final newline ends the export without one
    export_release(load_release([release.root / "alpha/a.jsonl", release.root / "charlie/c.jsonl"]), None,
                   tmp_path / "ac.jsonl")
    assert (tmp_path / "ac.jsonl").read_bytes().endswith(b'{"instruction": "c3"}')


def test_edited_and_dropped_lines_keep_the_file_s_bytes(release, tmp_path):
    ov, _ = run(release, Overlay(), EditField([row(release, "beta/b.jsonl", 1)], "output", "新"))
    ov, _ = run(release, ov, EditField([row(release, "charlie/c.jsonl", 1)], "instruction", "改"))
    ov, _ = run(release, ov, Reject([row(release, "beta/b.jsonl", 2), row(release, "charlie/c.jsonl", 3),
                                     row(release, "alpha/a.jsonl", 1)], "重复"))
    res = export_release(release, ov, tmp_path / "tree", layout="tree", keep_bad_lines=True)
    assert res.edited == 2 and res.rejected_dropped == 3
    got = {p.relative_to(tmp_path / "tree").as_posix(): p.read_bytes() for p in res.files}
    # the BOM and CRLF stay; a dropped line takes its line end with it
    assert got["beta/b.jsonl"] == BOM + '{"instruction": "b1", "output": "新"}\r\n'.encode()
    assert got["charlie/c.jsonl"] == BOM + '  {"instruction": "改", "output": 1e400}\t\r\n\n'.encode()
    assert got["alpha/a.jsonl"] == FILES["alpha/a.jsonl"][len(b'{"instruction": "a1", "output": 1E2}\n'):]
    assert got["delta/d.jsonl"] == FILES["delta/d.jsonl"]


def test_rejected_rows_kept_are_marked_in_place(release, tmp_path):
    ov, _ = run(release, Overlay(), Reject([row(release, "beta/b.jsonl", 1)], "重复"))
    export_release(release, ov, tmp_path / "tree", layout="tree", keep_rejected=True)
    assert (tmp_path / "tree" / "beta/b.jsonl").read_bytes() == BOM + (
        '{"instruction": "b1", "output": "\\u4e2d", "_curation": {"status":"rejected","reason":"重复"}}\r\n'
        '{"instruction": "b2"}\r\n').encode()


def test_parquet_counts_the_bad_lines_it_cannot_hold(release, tmp_path):
    res = export_release(release, None, tmp_path / "all.parquet", fmt="parquet")
    assert res.bad_lines_dropped == 3 and res.rows == pl.read_parquet(tmp_path / "all.parquet").height


def test_the_cli_says_how_many_bad_lines_were_left_out(release, tmp_path):
    def cli(*args):
        return subprocess.run([sys.executable, "-m", "app", "export", str(release.root), *args],
                              cwd=ROOT, capture_output=True, text=True)

    dropped = cli("--out", str(tmp_path / "a.jsonl"))
    assert dropped.returncode == 0, dropped.stderr
    assert "3 bad lines left out" in dropped.stderr  # what export applied goes to stderr
    kept = cli("--out", str(tmp_path / "b.jsonl"), "--keep-bad-lines")
    assert kept.returncode == 0 and "3 bad lines kept as they were" in kept.stderr
    assert json.loads((tmp_path / "a.jsonl").read_bytes().splitlines()[0])["instruction"] == "a1"


# ---- properties: random files -------------------------------------------------------------

LINES = [b'{"a": 1}', b'  {"b": 1E2}\t', b"", b" ", b"\r", '{"c": "中"}\r'.encode(), b"\x0b{}\x0c", b"x", b'{"d": [1,',
         b'{"a": 1}', b'[1]']


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=12), st.booleans(), st.booleans())
def test_locate_finds_the_rows_the_loader_reads(lines, bom, final):
    data = (BOM if bom else b"") + b"\n".join(lines) + (b"\n" if final and lines else b"")
    table, _ = rawfile.line_table(data)
    got = locate(data, table.numbers.tolist())
    assert [(s, e) for _, s, e, _ in got] == list(zip(table.starts.tolist(), table.ends.tolist()))
    physical = data[3 if bom else 0 :].split(b"\n")
    for (head, _, _, after), n in zip(got, table.numbers.tolist()):
        assert data[head:after] == physical[n - 1] + (b"\n" if after > head + len(physical[n - 1]) else b"")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(LINES), min_size=1, max_size=10), st.booleans(), st.booleans(), st.sampled_from(["\n", "\r\n"]),
       st.data())
def test_an_export_is_the_file_less_the_lines_it_leaves_out(tmp_path_factory, lines, bom, final, newline, data):
    """Against a model: the file split at each "\\n", minus the dropped rows' and bad
    lines' whole lines (a BOM stays at the start)."""
    body = newline.encode().join(lines) + (newline.encode() if final else b"")
    folder = tmp_path_factory.mktemp("prop")
    (folder / "f.jsonl").write_bytes((BOM if bom else b"") + body)
    try:
        release = load_release(folder / "f.jsonl")
    except Exception:  # noqa: BLE001 - no readable row: nothing to export
        return
    rids = release.frame["rid"].to_list()
    rejected = data.draw(st.lists(st.sampled_from(rids), unique=True, max_size=len(rids)))
    ov = Overlay()
    if rejected:
        ov, _ = run(release, ov, Reject(rejected, "x"))
    drop = set(release.frame.filter(pl.col("rid").is_in(rejected))["line"].to_list())
    drop |= {b.line for b in release.report.bad_lines}
    export_release(release, ov, folder / "out.jsonl")
    physical = re.findall(rb"[^\n]*\n|[^\n]+\Z", body)
    expected = (BOM if bom else b"") + b"".join(line for n, line in enumerate(physical, 1) if n not in drop)
    assert (folder / "out.jsonl").read_bytes() == expected
