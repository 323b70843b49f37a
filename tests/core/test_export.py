"""Export: faithful JSONL (byte-exact unchanged rows, edits in place), tree layout,
rejected rows dropped or marked, Parquet, refusals, cancel; the release is never written."""
from __future__ import annotations

import errno
import json
import os

import polars as pl
import pytest

from app.core.io.atomic import SaveError
from app.core.curate.edits import EditField, Reject, SetLabels
from app.core.export.exporter import ExportCancelled, ExportError, export_release
from app.core.load.loader import load_release
from app.core.curate.overlay import Overlay

from .curation_support import good_lines, load, make_file, make_tree, tree_digest, visible
from .test_crash import tmpfs  # noqa: F401 - a fixture
from .test_edits import run


@pytest.fixture()
def rel(tmp_path):
    return load(make_tree(tmp_path))


def by_rid(rel, i):
    return rel.frame["rid"][i]


def rows_of(data: bytes) -> list[bytes]:
    """The non-blank lines of an export (its rows)."""
    return [line for line in data.splitlines() if line.strip()]


def test_no_changes_single_equals_input_row_for_row(rel, tmp_path):
    before = tree_digest(rel.root)
    res = export_release(rel, None, tmp_path / "out" / "all.jsonl")
    out = (tmp_path / "out" / "all.jsonl").read_bytes()
    assert rows_of(out) == good_lines(rel) and out.endswith(b"\n")
    a, b = (rel.root / "alpha" / "a.jsonl").read_bytes(), (rel.root / "beta" / "b.jsonl").read_bytes()
    assert out == a.replace(b'{"instruction": "broken\n', b"") + b[3:]  # the bad line left out, b's BOM too
    assert res.rows == rel.frame.height == 9 and res.edited == 0 and res.bad_lines_dropped == 1
    assert tree_digest(rel.root) == before


def test_no_changes_tree_reproduces_relative_paths(rel, tmp_path):
    res = export_release(rel, Overlay(), tmp_path / "tree", layout="tree")
    assert sorted(str(p.relative_to(tmp_path / "tree")) for p in res.files) == ["alpha/a.jsonl", "beta/b.jsonl"]
    again = load_release(tmp_path / "tree")
    assert again.frame.drop("line").equals(rel.frame.drop("line"))  # same rows and files; the bad line is gone
    assert again.frame["line"].to_list()[:7] == [1, 2, 3, 4, 5, 6, 7] and not again.report.bad_lines
    assert not [p for p in (tmp_path / "tree").iterdir() if p.name.startswith(".export")]


def test_real_sample_exports_unchanged(sample_root, tmp_path):
    rel = load_release(sample_root)
    before = tree_digest(sample_root)
    res = export_release(rel, None, tmp_path / "tree", layout="tree")
    assert len(res.files) == 39  # every data file, each byte for byte (the LFS pointers are not data)
    for path in res.files:
        assert path.read_bytes() == (sample_root / path.relative_to(tmp_path / "tree")).read_bytes(), path
    export_release(rel, None, tmp_path / "one.jsonl")
    assert rows_of((tmp_path / "one.jsonl").read_bytes()) == good_lines(rel)
    assert tree_digest(sample_root) == before


def test_edits_replace_values_in_place(rel, tmp_path):
    ov = Overlay()
    ov, _ = run(rel, ov, EditField([by_rid(rel, 1)], "output", "新诗，\n“第二行”😀"))
    ov, _ = run(rel, ov, SetLabels([by_rid(rel, 1)], "task_minor", ["古诗"]))
    ov, _ = run(rel, ov, SetLabels([by_rid(rel, 1)], "domain", ["文学", "诗歌"]))
    ov, _ = run(rel, ov, SetLabels([by_rid(rel, 2)], "task_major", ["算术"]))  # task_type was a bare string
    ov, _ = run(rel, ov, SetLabels([by_rid(rel, 4)], "task_minor", ["杂"]))  # no task_type at all
    ov, _ = run(rel, ov, SetLabels([by_rid(rel, 3)], "task_minor", ["转义"]))
    res = export_release(rel, ov, tmp_path / "out.jsonl")
    assert res.edited == 4
    lines = rows_of((tmp_path / "out.jsonl").read_bytes())
    row1 = json.loads(lines[1])
    assert list(row1) == ["zeta_first", "instruction", "input", "output", "task_type", "domain", "extra", "answer_from"]
    assert row1["output"] == "新诗，\n“第二行”😀" and row1["extra"] == {"nested": [1, 2]}
    assert row1["task_type"] == {"minor": "古诗", "major": "文本生成"}  # string shape and key order kept
    assert row1["domain"] == ["文学", "诗歌"]
    assert "新诗".encode() in lines[1]  # written unescaped
    assert json.loads(lines[2])["task_type"] == "算术"
    assert json.loads(lines[4])["task_type"] == {"minor": ["杂"]}
    assert json.loads(lines[3])["instruction"] == 'escapes \u00e9 "quoted" \\ back'
    assert lines[0] == good_lines(rel)[0] and lines[5:] == good_lines(rel)[5:]  # the rest byte-exact
    # loading the export shows exactly what the curator saw
    again = load_release(tmp_path / "out.jsonl")
    frame = again.frame.with_columns(pl.lit("untouched").alias("status"))
    assert visible(frame) == visible(ov.current_frame(rel.frame))


def test_rejected_rows_dropped_or_marked(rel, tmp_path):
    ov, _ = run(rel, Overlay(), Reject([by_rid(rel, 0), by_rid(rel, 7)], "重复"))
    ov, _ = run(rel, ov, EditField([by_rid(rel, 0)], "output", "edited and rejected"))
    res = export_release(rel, ov, tmp_path / "drop.jsonl")
    assert res.rejected_dropped == 2 and res.rows == 7
    kept = good_lines(rel)
    assert rows_of((tmp_path / "drop.jsonl").read_bytes()) == kept[1:7] + kept[8:]
    res = export_release(rel, ov, tmp_path / "keep.jsonl", keep_rejected=True)
    assert res.rejected_kept == 2 and res.rows == 9
    lines = rows_of((tmp_path / "keep.jsonl").read_bytes())
    mark = {"status": "rejected", "reason": "重复"}
    assert json.loads(lines[0])["_curation"] == mark and json.loads(lines[0])["output"] == "edited and rejected"
    assert json.loads(lines[7])["_curation"] == mark
    assert lines[7].startswith(kept[7][:-1]) and list(json.loads(lines[7]))[-1] == "_curation"  # spliced, bytes kept
    assert lines[1:7] == kept[1:7]


def test_refusals(rel, tmp_path):
    before = tree_digest(rel.root)
    with pytest.raises(ExportError, match="release folder"):
        export_release(rel, None, rel.root / "curated.jsonl")
    with pytest.raises(ExportError, match="release folder"):
        export_release(rel, None, rel.root, layout="tree")
    single = load_release(rel.root / "alpha" / "a.jsonl")
    with pytest.raises(ExportError, match="overwrite"):
        export_release(single, None, rel.root / "alpha" / "a.jsonl")
    (tmp_path / "adir").mkdir()
    with pytest.raises(ExportError, match="folder"):
        export_release(rel, None, tmp_path / "adir")
    with pytest.raises(ValueError):
        export_release(rel, None, tmp_path / "x.jsonl", layout="zip")
    assert tree_digest(rel.root) == before


def test_a_release_file_changed_on_disk_is_refused(rel, tmp_path):
    path = rel.root / "beta" / "b.jsonl"
    data = path.read_bytes()
    path.write_bytes(data + b'{"instruction": "new"}\n')
    with pytest.raises(ExportError, match="changed on disk"):
        export_release(rel, None, tmp_path / "out.jsonl")
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize("layout", ["single", "tree"])
def test_cancel_leaves_nothing_behind(rel, tmp_path, layout):
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 1

    out = tmp_path / "out" / ("all.jsonl" if layout == "single" else "tree")
    with pytest.raises(ExportCancelled):
        export_release(rel, None, out, layout=layout, cancel=cancel)
    leftovers = [p for p in (tmp_path / "out").rglob("*") if p.is_file()] if (tmp_path / "out").exists() else []
    assert leftovers == []


def test_progress_reaches_the_total(rel, tmp_path):
    seen = []
    export_release(rel, None, tmp_path / "o.jsonl", progress=seen.append)
    assert seen[-1].rows_done == seen[-1].rows_total == 9 and seen[-1].files_done == seen[-1].files_total == 2


def test_parquet_single_and_tree(rel, tmp_path):
    ov, _ = run(rel, Overlay(), Reject([by_rid(rel, 2)], "错"))
    ov, _ = run(rel, ov, EditField([by_rid(rel, 0)], "output", "好"))
    res = export_release(rel, ov, tmp_path / "c.parquet", fmt="parquet")
    frame = pl.read_parquet(tmp_path / "c.parquet")
    assert res.rows == frame.height == 8 and "edited_fields" not in frame.columns and "curator" not in frame.columns
    assert frame["output"][0] == "好" and frame["status"][0] == "edited"
    assert by_rid(rel, 2) not in frame["rid"].to_list()
    kept = export_release(rel, ov, tmp_path / "k.parquet", fmt="parquet", keep_rejected=True)
    assert kept.rows == 9 and pl.read_parquet(tmp_path / "k.parquet")["status"][2] == "rejected"
    res = export_release(rel, ov, tmp_path / "pt", fmt="parquet", layout="tree")
    assert sorted(os.path.relpath(p, tmp_path / "pt") for p in res.files) == ["alpha/a.parquet", "beta/b.parquet"]
    assert sum(pl.read_parquet(p).height for p in res.files) == 8


@pytest.fixture()
def big_release(tmp_path):
    """~2 MB in one file, so unchanged runs are long enough for the kernel-copy path."""
    rows = [{"instruction": f"第{i}题", "input": "", "output": "长" * 200 + str(i), "task_type": {"major": ["问答"]}}
            for i in range(3000)]
    return load(make_file(tmp_path / "big", rows))


def test_without_sendfile_the_output_is_the_same(big_release, tmp_path, monkeypatch):
    rel = big_release
    ov, _ = run(rel, Overlay(), EditField([by_rid(rel, 1500)], "output", "中间改一行"))
    export_release(rel, ov, tmp_path / "fast.jsonl")

    def no_sendfile(*args):
        raise OSError(errno.EINVAL, "sendfile not supported here")

    monkeypatch.setattr(os, "sendfile", no_sendfile)
    export_release(rel, ov, tmp_path / "slow.jsonl")
    fast = (tmp_path / "fast.jsonl").read_bytes()
    assert fast == (tmp_path / "slow.jsonl").read_bytes()
    lines = fast.splitlines()
    assert len(lines) == 3000 and json.loads(lines[1500])["output"] == "中间改一行"
    assert lines[:1500] == good_lines(rel)[:1500] and lines[1501:] == good_lines(rel)[1501:]


def test_a_full_disk_leaves_no_partial_export(big_release, tmpfs):
    with pytest.raises(SaveError, match="disk is full"):
        export_release(big_release, None, tmpfs / "out.jsonl")
    assert os.listdir(tmpfs) == []
