"""`export` from the command line when the release changed under its project (real child
processes): decisions follow their rows, and what no longer applies stops the export."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.store.curation import Curation
from app.core.curate.edits import Accept, EditField, Reject
from app.core.load.loader import load_release

from .cli_support import isolated_env, run_cli

pytestmark = pytest.mark.reliability("tamper")

ROWS = [
    {"instruction": "甲", "input": "", "output": "一", "score": 1E2},
    {"instruction": "乙", "input": "", "output": "二"},
    {"instruction": "重复", "input": "", "output": "同"},
    {"instruction": "重复", "input": "", "output": "同"},
]


def _write(path: Path, rows, **dumps) -> None:
    dumps.setdefault("ensure_ascii", False)
    path.write_bytes(b"".join(json.dumps(r, **dumps).encode() + b"\n" for r in rows))


@pytest.fixture
def curated(tmp_path):
    """A one-file release with its project beside it: an edit, a reject, an accept on the
    second of two identical lines."""
    path = tmp_path / "rel" / "data.jsonl"
    path.parent.mkdir()
    _write(path, ROWS)
    release = load_release(path)
    rids = release.frame["rid"].to_list()
    with Curation.open(release, author="ann") as c:
        c.apply(EditField([rids[0]], "output", "改过的一"))
        c.apply(Reject([rids[1]], "重复"))
        c.apply(Accept([rids[3]]))
    return path


def _export(tmp_path, path, *extra):
    out = tmp_path / "out.jsonl"
    return run_cli(tmp_path, "export", path, "--out", out, *extra, env=isolated_env(tmp_path)), out


@pytest.mark.reliability("tamper", "the release re-serialised upstream: export applies every decision")
def test_a_reserialised_release_exports_every_decision(curated, tmp_path):
    _write(curated, ROWS, ensure_ascii=True, separators=(",", ":"))  # the same objects, spelt otherwise
    done, out = _export(tmp_path, curated)
    assert done.returncode == 0, done.stderr
    assert "1 edited, 1 rejected (dropped), 0 stale" in done.stderr
    rows = [json.loads(x) for x in out.read_bytes().splitlines()]
    assert [r["output"] for r in rows] == ["改过的一", "同", "同"]


@pytest.mark.reliability("tamper", "a decided row changed upstream: export stops (exit 1) naming it, writes "
                                   "nothing; --drop-stale leaves it out")
def test_a_row_changed_upstream_stops_the_export_naming_it(curated, tmp_path):
    rows = [dict(r) for r in ROWS]
    rows[1]["output"] = "上游改过"
    _write(curated, rows)
    done, out = _export(tmp_path, curated)
    assert done.returncode == 1 and not out.exists()
    assert "1 decision no longer applies" in done.stderr
    assert "data.jsonl:2: reject (重复): the row at this place now has other content" in done.stderr
    assert "Traceback" not in done.stderr
    dropped, out = _export(tmp_path, curated, "--drop-stale")
    assert dropped.returncode == 0 and "1 stale (decisions that no longer apply" in dropped.stderr
    assert [json.loads(x)["output"] for x in out.read_bytes().splitlines()] == ["改过的一", "上游改过", "同", "同"]


@pytest.mark.reliability("tamper", "one of two identical lines deleted upstream: the decision on the other is "
                                   "stale, export stops")
def test_a_deleted_copy_makes_a_decision_on_the_other_stale(curated, tmp_path):
    _write(curated, ROWS[:3])  # one of the two identical lines is gone upstream
    done, out = _export(tmp_path, curated)
    assert done.returncode == 1 and not out.exists()
    assert "data.jsonl:4: accept: this row's line now appears 1 time" in done.stderr


@pytest.mark.reliability("tamper", "a decided file replaced by a Git LFS pointer: export stops naming the decision")
def test_a_file_replaced_by_an_lfs_pointer(tmp_path):
    root = tmp_path / "rel"
    (root / "a").mkdir(parents=True)
    (root / "b").mkdir()
    _write(root / "a" / "a.jsonl", ROWS[:2])
    _write(root / "b" / "b.jsonl", [{"instruction": "别的", "input": "", "output": "b"}])
    release = load_release(root)
    with Curation.open(release, author="ann") as c:
        c.apply(Reject([release.frame["rid"][0]], "低质量"))
    (root / "a" / "a.jsonl").write_bytes(b"version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 9\n")
    done, out = _export(tmp_path, root)
    assert done.returncode == 1
    assert "a/a.jsonl:1: reject (低质量): the row is no longer in the release" in done.stderr
