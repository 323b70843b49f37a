"""The frame cache (app/core/load/framecache.py): a release opened again is taken from
the cache, equal to a fresh parse in every column, offset and report entry; a changed
file is parsed again alone; a damaged or foreign cache is noticed and rebuilt."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.load import framecache
from app.core.load.loader import load_release
from tests.conftest import write_jsonl

from .test_loader import row


def load(paths, cache: Path | None, **kw):
    release = load_release(paths, cache_dir=cache, **kw)
    writer = release.cache.get("frame-cache-writer")
    if writer is not None:
        writer.join()
    return release


def hits(release) -> int:
    return len(release.cache["frame-cache"].hits)


def assert_same(cached, fresh) -> None:
    assert cached.frame.schema == fresh.frame.schema
    for name in fresh.frame.columns:
        assert cached.frame[name].equals(fresh.frame[name]), name
    assert cached.offsets.equals(fresh.offsets) and cached.ends.equals(fresh.ends)
    assert cached.duplicates.equals(fresh.duplicates)
    assert cached.report.to_json() == fresh.report.to_json()
    assert cached.report.file_infos == fresh.report.file_infos
    assert [f.shape.to_json() for f in cached.report.file_formats] == [f.shape.to_json() for f in fresh.report.file_formats]
    assert cached.identity() == fresh.identity()


def small_release(folder: Path) -> Path:
    write_jsonl(folder / "a" / "one.jsonl", [row(i) for i in range(5)] + ["{broken", row(0)])
    write_jsonl(folder / "b" / "two.jsonl", [row(i, output="长" * (i + 1) * 50) for i in range(7)])
    write_jsonl(folder / "c" / "three.jsonl", [row(i, domain=["医学", "医学"]) for i in range(3)])
    return folder


def test_real_sample_from_the_cache_equals_a_fresh_parse(sample_root, tmp_path):
    fresh = load_release(sample_root)
    cold = load(sample_root, tmp_path / "cache")
    assert hits(cold) == 0
    warm = load(sample_root, tmp_path / "cache")
    assert hits(warm) == warm.report.files == 39
    assert_same(warm, fresh)
    assert_same(cold, fresh)


def test_formats_files_from_the_cache_equal_a_fresh_parse(formats_root, tmp_path):
    fresh = load_release(formats_root)
    load(formats_root, tmp_path / "cache")
    warm = load(formats_root, tmp_path / "cache")
    assert hits(warm) == warm.report.files > 0
    assert_same(warm, fresh)


def test_a_changed_file_is_parsed_again_alone(tmp_path):
    root = small_release(tmp_path / "rel")
    load(root, tmp_path / "cache")
    target = root / "b" / "two.jsonl"
    target.write_bytes(target.read_bytes() + (row(99, output="新") + "\n").encode())
    warm = load(root, tmp_path / "cache")
    assert sorted(warm.cache["frame-cache"].hits) == ["a/one.jsonl", "c/three.jsonl"]
    assert_same(warm, load_release(root))
    again = load(root, tmp_path / "cache")
    assert hits(again) == 3  # the changed file's part was written anew
    assert_same(again, load_release(root))


def test_a_touched_but_unchanged_file_is_still_taken(tmp_path):
    root = small_release(tmp_path / "rel")
    load(root, tmp_path / "cache")
    os.utime(root / "a" / "one.jsonl", ns=(1, 1))  # stat differs: its content hash decides
    warm = load(root, tmp_path / "cache")
    assert hits(warm) == 3
    assert_same(warm, load_release(root))
    # ... and its new stat is written down: the next open need not hash it again
    files = json.loads((tmp_path / "cache" / framecache.MANIFEST).read_text())["body"]["files"]
    entry = next(f for f in files if f["rel"] == "a/one.jsonl")
    assert entry["stat"] == framecache._stat_key(os.stat(root / "a" / "one.jsonl"))


def test_a_removed_file_leaves_the_manifest_and_its_files_are_deleted(tmp_path):
    root = small_release(tmp_path / "rel")
    cache = tmp_path / "cache"
    load(root, cache)
    before = set(os.listdir(cache))
    (root / "c" / "three.jsonl").unlink()
    warm = load(root, cache)
    assert hits(warm) == 2
    files = json.loads((cache / framecache.MANIFEST).read_text())["body"]["files"]
    assert [f["rel"] for f in files] == ["a/one.jsonl", "b/two.jsonl"]
    assert set(os.listdir(cache)) == {framecache.MANIFEST} | {f[k] for f in files for k in ("arrow", "mapped")}
    assert len(before) == 7


def test_another_format_override_is_a_miss(tmp_path):
    root = small_release(tmp_path / "rel")
    load(root, tmp_path / "cache")
    warm = load(root, tmp_path / "cache", shapes={"a/one.jsonl": "alpaca"})
    assert "a/one.jsonl" not in warm.cache["frame-cache"].hits and hits(warm) == 2
    assert_same(warm, load_release(root, shapes={"a/one.jsonl": "alpaca"}))


def _flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at % len(data)] ^= 0x40
    path.write_bytes(bytes(data))


def _truncate(path: Path, _at: int) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


@pytest.mark.parametrize("damage", ["flip-arrow", "flip-mapped", "truncate-arrow", "truncate-mapped", "flip-manifest",
                                    "other-version", "other-release", "garbage-manifest"])
def test_a_damaged_or_foreign_cache_is_rebuilt(tmp_path, damage):
    root = small_release(tmp_path / "rel")
    cache = tmp_path / "cache"
    load(root, cache)
    files = json.loads((cache / framecache.MANIFEST).read_text())["body"]["files"]
    part = next(f for f in files if f["rel"] == "b/two.jsonl")
    if damage.endswith("-arrow") or damage.endswith("-mapped"):
        target = cache / part["arrow" if damage.endswith("-arrow") else "mapped"]
        (_flip if damage.startswith("flip") else _truncate)(target, target.stat().st_size // 3)
        expect = 2
    elif damage == "flip-manifest":
        text = (cache / framecache.MANIFEST).read_text().replace('"rows": 7', '"rows": 8')
        (cache / framecache.MANIFEST).write_text(text)
        expect = 0
    elif damage == "other-version":
        obj = json.loads((cache / framecache.MANIFEST).read_text())
        obj["body"]["versions"]["app"] = "0.0.1"
        obj["checksum"] = framecache.xxhash.xxh3_128_hexdigest(framecache._dump(obj["body"]))
        (cache / framecache.MANIFEST).write_text(json.dumps(obj))
        expect = 0
    elif damage == "other-release":  # another release's cache, files of the same names
        other = small_release(tmp_path / "other")
        write_jsonl(other / "b" / "two.jsonl", [row(i, output="别的") for i in range(4)])
        shutil.rmtree(cache)
        load(other, cache)
        expect = 0
    else:
        (cache / framecache.MANIFEST).write_bytes(b"\x00\xff not json")
        expect = 0
    warm = load(root, cache)
    assert hits(warm) == expect
    assert_same(warm, load_release(root))
    rebuilt = load(root, cache)
    assert hits(rebuilt) == 3
    assert_same(rebuilt, load_release(root))


def test_texts_stay_in_the_mapped_file(tmp_path):
    root = small_release(tmp_path / "rel")
    load(root, tmp_path / "cache")
    warm = load(root, tmp_path / "cache")
    maps = Path("/proc/self/maps").read_text() if Path("/proc/self/maps").exists() else ""
    if not maps:
        pytest.skip("no /proc/self/maps here")
    text_files = {f["mapped"] for f in json.loads((tmp_path / "cache" / framecache.MANIFEST).read_text())["body"]["files"]}
    assert all(name in maps for name in text_files)  # the texts are read from the mapping, not copied
    assert warm.frame["output"].str.len_chars().sum() == load_release(root).frame["output"].str.len_chars().sum()


LINE = st.one_of(
    st.builds(lambda i, out, dom: row(i, output=out, domain=dom), st.integers(0, 5),
              st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
              st.lists(st.sampled_from(["通用", "医学", "法律"]), max_size=3)),
    st.sampled_from(["", "{not json", "[1, 2]", '{"instruction": 5}']),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(st.lists(LINE, min_size=1, max_size=12), min_size=1, max_size=3), changed=st.integers(0, 2))
def test_any_release_from_the_cache_equals_a_fresh_parse(tmp_path_factory, files, changed):
    base = tmp_path_factory.mktemp("any")
    root = base / "rel"
    for k, lines in enumerate(files):
        write_jsonl(root / f"s{k}" / "part.jsonl", lines)
    if not any(l.startswith('{"instruction": "') for lines in files for l in lines):
        write_jsonl(root / "z" / "one.jsonl", [row(1)])
    load(root, base / "cache")
    assert_same(load(root, base / "cache"), load_release(root))
    target = sorted(root.rglob("*.jsonl"))[changed % len(files)]
    target.write_bytes(target.read_bytes() + (row(7, output="改") + "\n").encode())
    assert_same(load(root, base / "cache"), load_release(root))


def test_texts_cut_into_many_buffers_read_back_whole(tmp_path, monkeypatch):
    # A view's offset is an int32: a column's bytes are cut into buffers (1 GiB each in
    # use); cut every ~100 bytes here, texts short (inline in the view) and long alike.
    from app.core.load import arrowmap

    monkeypatch.setattr(arrowmap, "BUFFER_BYTES", 100)
    root = tmp_path / "rel"
    write_jsonl(root / "a.jsonl", [row(i, output="字" * (i * 7 % 90), input="x" * (i % 14)) for i in range(60)])
    load(root, tmp_path / "cache")
    part = json.loads((tmp_path / "cache" / framecache.MANIFEST).read_text())["body"]["files"][0]
    assert len(part["layout"]["output"]["buffers"]) > 10
    warm = load(root, tmp_path / "cache")
    assert hits(warm) == 1
    assert_same(warm, load_release(root))


def test_json_array_and_parquet_files_from_the_cache(tmp_path):
    root = tmp_path / "rel"
    (root / "arr").mkdir(parents=True)
    (root / "arr" / "a.json").write_text("[" + ",\n".join(row(i) for i in range(6)) + "]", encoding="utf-8")
    (root / "pq").mkdir()
    pl.DataFrame([json.loads(row(i, output="列" * i)) for i in range(5)]).write_parquet(root / "pq" / "p.parquet")
    load(root, tmp_path / "cache")
    warm = load(root, tmp_path / "cache")
    assert hits(warm) == 2 and {f.kind for f in warm.report.file_infos} == {"array", "parquet"}
    assert_same(warm, load_release(root))


def test_texts_of_a_release_open_stay_readable_when_its_cache_is_rebuilt(tmp_path):
    # A cache file is replaced by renaming a new one over it, never rewritten in place: a
    # frame that maps the old one keeps reading it (rewriting it in place would kill the
    # process with SIGBUS as it read a page past the new end).
    root = small_release(tmp_path / "rel")
    cache = tmp_path / "cache"
    load(root, cache)
    opened = load(root, cache)
    assert hits(opened) == 3
    (cache / framecache.MANIFEST).write_bytes(b"torn")
    rebuilt = load(root, cache)  # parses, writes every part anew under the same names
    assert hits(rebuilt) == 0 and hits(load(root, cache)) == 3
    assert_same(opened, load_release(root))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.sampled_from(["arrow", "mapped", "manifest"]), where=st.floats(0, 1, exclude_max=True),
       bit=st.integers(0, 7))
def test_any_flipped_bit_anywhere_in_the_cache_is_caught(tmp_path_factory, which, where, bit):
    base = tmp_path_factory.mktemp("flip")
    root = small_release(base / "rel")
    cache = base / "cache"
    load(root, cache)
    files = json.loads((cache / framecache.MANIFEST).read_text())["body"]["files"]
    target = cache / (framecache.MANIFEST if which == "manifest" else files[1][which])
    data = bytearray(target.read_bytes())
    data[int(where * len(data))] ^= 1 << bit
    target.write_bytes(bytes(data))
    warm = load(root, cache)
    assert hits(warm) < 3 or which == "manifest" and _still_the_same_json(data, cache)
    assert_same(warm, load_release(root))


def _still_the_same_json(data: bytearray, cache: Path) -> bool:
    """A flip in the manifest's white space or a JSON escape that decodes the same leaves
    its meaning whole: then it may be used."""
    try:
        return framecache.read_manifest(cache) is not None
    except Exception:  # noqa: BLE001
        return False
