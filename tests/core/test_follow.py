"""Decisions follow their rows into a changed release, or are listed as stale."""
from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.curate.anchors import Anchor, anchors_for, canonical_id
from app.core.curate.follow import follow
from app.core.load.loader import load_release

ROWS = [
    {"instruction": "把这句话翻译成英文：你好", "input": "", "output": "Hello", "n": 1E2, "x": {"b": 1, "a": [1, 2]}},
    {"instruction": "写一首诗", "input": "主题：秋", "output": "秋风起兮白云飞。"},
    {"instruction": "重复", "input": "", "output": "同样"},
    {"instruction": "重复", "input": "", "output": "同样"},
    {"instruction": "最后", "input": "", "output": "完"},
]


def _write(path: Path, rows, **dumps) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    dumps.setdefault("ensure_ascii", False)
    path.write_bytes(b"".join(json.dumps(r, **dumps).encode() + b"\n" for r in rows))
    return path


def _anchored(tmp_path, rows=ROWS):
    path = _write(tmp_path / "rel" / "a.jsonl", rows)
    old = load_release(path.parent)
    rids = old.frame["rid"].to_list()
    return path, old, rids, anchors_for(old, rids)


def _unchanged(release) -> dict[str, str]:
    return {f.rel: f.xxh3 for f in release.report.file_infos}


def test_canonical_id_is_the_json_object_not_its_spelling():
    a = canonical_id('{"a": 1E2, "b": "中", "c": {"y": 1, "x": [1, 2]}}'.encode())
    b = canonical_id(b'{"c":{"x":[1,2],"y":1},"b":"\\u4e2d","a":100.0}')
    assert a == b is not None
    assert canonical_id(b'{"a": 100.0, "b": "\xe4\xb8\xad", "c": {"y": 1, "x": [1, 3]}}') != a
    assert canonical_id(b'{"a": "\\udfff"}') is not None  # a lone surrogate hashes
    assert canonical_id(b'{"a": ') is None


@given(st.dictionaries(st.text(max_size=5), st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3), max_leaves=8),
    max_size=5), st.booleans(), st.sampled_from([(",", ":"), (", ", ": "), (" , ", " : ")]))
@settings(max_examples=200, deadline=None)
def test_canonical_id_ignores_spacing_escapes_and_key_order(obj, ascii_, seps):
    one = json.dumps(obj, ensure_ascii=False).encode("utf-8", "surrogatepass")
    other_order = dict(reversed(list(obj.items())))
    two = json.dumps(other_order, ensure_ascii=ascii_, separators=seps).encode("utf-8", "surrogatepass")
    assert canonical_id(one) == canonical_id(two) is not None


def test_anchors_record_place_lengths_and_copies(tmp_path):
    _, old, rids, anchors = _anchored(tmp_path)
    assert set(anchors) == set(rids)
    first = anchors[rids[0]]
    assert (first.file, first.line, first.n, first.k) == ("a.jsonl", 1, 1, 0)
    assert first.lengths == (len(ROWS[0]["instruction"]), 0, len("Hello"))
    assert [(anchors[r].n, anchors[r].k) for r in rids[2:4]] == [(2, 0), (2, 1)]
    assert Anchor.from_json(json.loads(json.dumps(anchors[rids[3]].to_json()))) == anchors[rids[3]]


def test_a_reserialised_release_keeps_every_decision(tmp_path):
    path, old, rids, anchors = _anchored(tmp_path)
    _write(path, ROWS, ensure_ascii=True, separators=(",", ":"))
    new = load_release(path.parent)
    assert set(new.frame["rid"].to_list()).isdisjoint(rids)  # every raw-line id changed
    got = follow(new, rids, anchors, _unchanged(old))
    assert not got.stale
    assert [got.moves[r] for r in rids] == new.frame["rid"].to_list()  # each to its own row, copies in order


def test_a_row_edited_upstream_is_stale_and_names_the_row_now_there(tmp_path):
    path, old, rids, anchors = _anchored(tmp_path)
    rows = [dict(r) for r in ROWS]
    rows[1]["output"] = "改过了"
    _write(path, rows)
    new = load_release(path.parent)
    got = follow(new, rids, anchors, _unchanged(old))
    assert [s.rid for s in got.stale] == [rids[1]]
    stale = got.stale[0]
    assert stale.where == "a.jsonl:2" and "other content" in stale.reason
    assert stale.here == new.frame["rid"][1]
    assert got.moves == {}  # the others kept their ids


def test_a_file_replaced_by_an_lfs_pointer_makes_its_decisions_stale(tmp_path):
    path, old, rids, anchors = _anchored(tmp_path)
    _write(tmp_path / "rel" / "b.jsonl", [{"instruction": "另一个文件", "input": "", "output": "b"}])
    path.write_bytes(b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n")
    new = load_release(path.parent)
    got = follow(new, rids[:2], anchors, _unchanged(old))
    assert [s.rid for s in got.stale] == rids[:2]
    assert all(s.here is None and "no longer in the release" in s.reason for s in got.stale)


def test_a_decision_on_one_copy_never_moves_to_another(tmp_path):
    path, old, rids, anchors = _anchored(tmp_path)
    # the first of the two identical lines is deleted upstream: the second now has the
    # first's id, but neither decision may land on it
    _write(path, ROWS[:2] + ROWS[3:])
    new = load_release(path.parent)
    got = follow(new, rids, anchors, _unchanged(old))
    assert sorted(s.rid for s in got.stale) == sorted(rids[2:4])
    assert all("appears 1 time" in s.reason for s in got.stale)
    assert not got.moves


def test_copies_reserialised_keep_their_order(tmp_path):
    path, old, rids, anchors = _anchored(tmp_path)
    _write(path, ROWS, separators=(",", ":"))
    new = load_release(path.parent)
    got = follow(new, rids[2:4], anchors, _unchanged(old))
    assert not got.stale and [got.moves[r] for r in rids[2:4]] == new.frame["rid"].to_list()[2:4]


def test_a_copy_deleted_and_the_rest_reserialised_is_stale(tmp_path):
    path, old, rids, anchors = _anchored(tmp_path)
    _write(path, ROWS[:3] + ROWS[4:], separators=(",", ":"))
    new = load_release(path.parent)
    got = follow(new, rids[2:4], anchors, _unchanged(old))
    assert sorted(s.rid for s in got.stale) == sorted(rids[2:4]) and not got.moves


def test_moved_rows_follow_across_files_and_unchanged_files_are_not_read(tmp_path, monkeypatch):
    path, old, rids, anchors = _anchored(tmp_path)
    other = _write(tmp_path / "rel" / "z.jsonl", [{"instruction": "不变", "input": "", "output": "z"}])
    old = load_release(path.parent)
    anchors = anchors_for(old, rids)
    _write(path, ROWS[1:])
    _write(tmp_path / "rel" / "m.jsonl", ROWS[:1], separators=(",", ":"))  # moved and re-spelt
    new = load_release(path.parent)
    read = []
    import app.core.curate.anchors as anchors_mod

    real = anchors_mod.RawRows.lines
    monkeypatch.setattr(anchors_mod.RawRows, "lines", lambda self, f, *a: read.append(f) or real(self, f, *a))
    got = follow(new, rids[:1], anchors, _unchanged(old))
    assert got.moves == {rids[0]: new.frame.filter(new.frame["file"] == "m.jsonl")["rid"][0]}
    assert "z.jsonl" not in read and other.exists()


def test_legacy_decisions_without_anchors_stay_when_their_row_does(tmp_path):
    path, old, rids, _ = _anchored(tmp_path)
    got = follow(old, rids, {})
    assert not got.stale and not got.moves
    _write(path, ROWS, separators=(",", ":"))
    new = load_release(path.parent)
    got = follow(new, rids[:1], {})
    assert [s.rid for s in got.stale] == rids[:1] and "not recorded" in got.stale[0].reason


def _every_line_is_read_back(release):
    from app.core.curate.anchors import located, raw_rows
    from app.core.load.schema import line_hash

    rows = located(release).join(release.duplicates, on="rid", how="anti")  # unique lines: id == hash
    reader = raw_rows(release)
    for (file,), part in rows.partition_by("file", as_dict=True).items():
        raws = reader.lines(file, part["offset"].to_list())
        assert [line_hash(r) for r in raws] == part["rid"].to_list(), file


def test_offsets_lead_to_every_row_of_odd_files(tmp_path):
    from .curation_support import make_tree

    release = load_release(make_tree(tmp_path))  # a BOM, CRLF, blank and bad lines
    assert release.offsets.len() == release.frame.height
    _every_line_is_read_back(release)


def test_offsets_of_a_file_read_whole(tmp_path):
    # over one chunk (16 MB): Polars reads it whole while the lines are hashed beside it
    path = tmp_path / "big.jsonl"
    pad = "文" * 2000
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(3_000):
            fh.write(("  " if i % 997 == 0 else "") + json.dumps({"instruction": f"问{i}", "input": "", "output": pad + str(i)},
                                                                  ensure_ascii=False) + "\n")
    assert path.stat().st_size > 16 << 20
    release = load_release(path)
    _every_line_is_read_back(release)


def test_offsets_of_the_real_sample(sample_root):
    _every_line_is_read_back(load_release(sample_root))


def test_offsets_of_a_file_read_in_many_chunks(tmp_path, monkeypatch):
    from app.core.io import rawfile

    monkeypatch.setattr(rawfile, "CHUNK_BYTES", 4096)  # many chunks, each copied and split on its own
    path = tmp_path / "chunks.jsonl"
    lines = [json.dumps({"instruction": f"问{i}", "input": "", "output": "答" * (i % 50)}, ensure_ascii=False)
             for i in range(600)]
    lines[5] = " " + lines[5] + " "  # a padded line: that chunk is split line by line
    lines[300] = '{"instruction": "broken'  # a bad line
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")
    release = load_release(path)
    assert release.frame.height == 599
    _every_line_is_read_back(release)
