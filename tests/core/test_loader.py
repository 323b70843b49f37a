"""The loader: faithful frames, every bad line reported, stable ids, nothing written."""
from __future__ import annotations

import hashlib
import json
import os
import random
from collections import Counter
from pathlib import Path

import polars as pl
import pytest
import xxhash
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.load import coerced, loader
from app.core.io import rawfile
from app.core.load.loader import LoadCancelled, ReleaseError, load_release, parse_line
from app.core.load.schema import BASE_SCHEMA
from tests.conftest import write_jsonl

LFS = ("COIG-CQIA-full.jsonl", "finance/mba_baike.jsonl", "wiki/bkmy_medicine.jsonl", "wikihow/wikihow.jsonl")


@pytest.fixture(autouse=True, params=["16 MB chunks", "256 B chunks"])
def chunk_size(request, monkeypatch):
    """Every test twice: with real chunks (a test file is one chunk, read from bytes) and
    with tiny ones (a test file spans many chunks: Polars reads it whole from its path,
    and a file it refuses is read chunk by chunk, across many chunk edges)."""
    if request.param == "256 B chunks":
        monkeypatch.setattr(rawfile, "CHUNK_BYTES", 256)
    return request.param


def row(i: int = 0, **over) -> str:
    base = {
        "instruction": f"问题{i}：天为什么是蓝的？",
        "input": "",
        "output": f"因为瑞利散射。{i}",
        "task_type": {"major": ["问答"], "minor": ["百科问答"]},
        "domain": ["通用"],
        "metadata": "",
        "answer_from": "human",
        "human_verified": True,
        "copyright": "CC0",
    }
    base.update(over)
    return json.dumps(base, ensure_ascii=False)


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() + f":{p.stat().st_mtime_ns}"
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# ---- the real sample ------------------------------------------------------------------

def test_real_sample_rows_files_and_lfs_pointers(sample_root):
    before = tree_digest(sample_root)
    release = load_release(sample_root)
    report = release.report
    assert report.rows == release.frame.height == 17971
    assert report.files == 39
    assert report.bad_lines == []
    assert sorted(s.file for s in report.lfs_pointers) == sorted(LFS)
    assert all("git lfs pull" in s.reason for s in report.lfs_pointers)
    assert release.frame.schema == BASE_SCHEMA
    assert release.frame["rid"].n_unique() == release.frame.height
    assert tree_digest(sample_root) == before, "the loader must never write under the release root"


def test_real_sample_matches_an_independent_read(sample_root):
    release = load_release(sample_root)
    frame = release.frame
    expected_rows = []
    for path in sorted(sample_root.rglob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):  # not splitlines: U+2028 sits inside rows
            if line.startswith("{"):
                expected_rows.append((path.relative_to(sample_root).as_posix(), n, json.loads(line)))
    assert len(expected_rows) == frame.height
    got = {(f, ln): r for f, ln, r in zip(frame["file"], frame["line"], frame.iter_rows(named=True))}
    rng = random.Random(1)
    for file, n, obj in rng.sample(expected_rows, 400):
        r = got[(file, n)]
        assert r["instruction"] == obj["instruction"] and r["output"] == obj["output"] and r["input"] == obj["input"]
        assert r["task_major"] == obj["task_type"]["major"] and r["task_minor"] == obj["task_type"]["minor"]
        assert r["domain"] == obj["domain"] and r["human_verified"] == obj["human_verified"]
        assert r["source"] == file.split("/")[0] and r["subset"] == Path(file).stem
        assert r["len_output"] == len(obj["output"])
    # Facet counts as an independent Counter sees them (a list counts a row once per distinct value).
    domain = Counter(d for _, _, o in expected_rows for d in set(o["domain"]))
    exploded = frame.select(pl.col("domain").list.unique()).explode("domain").drop_nulls()["domain"].value_counts()
    assert dict(zip(exploded["domain"], exploded["count"])) == dict(domain)


# ---- bad input -------------------------------------------------------------------------

def test_every_bad_line_is_reported_and_every_good_line_kept(tmp_path):
    lines = [
        row(1),
        '{"instruction": "被截断的',  # truncated
        "[1, 2, 3]",  # not an object
        '"只是一个字符串"',
        "42",
        b'{"instruction": "\xff\xfe bad utf8"}',
        "",
        "   ",
        row(2),
        '{"instruction": "a" "b"}',  # invalid JSON in the middle
        row(3),
    ]
    write_jsonl(tmp_path / "zhihu" / "z.jsonl", lines)
    release = load_release(tmp_path)
    assert release.frame["line"].to_list() == [1, 9, 11]
    bad = {(b.file, b.line): b.reason for b in release.report.bad_lines}
    assert set(bad) == {("zhihu/z.jsonl", n) for n in (2, 3, 4, 5, 6, 10)}
    assert bad[("zhihu/z.jsonl", 2)].startswith("truncated JSON")
    assert bad[("zhihu/z.jsonl", 3)] == "not a JSON object (a list)"
    assert bad[("zhihu/z.jsonl", 4)] == "not a JSON object (a string)"
    assert bad[("zhihu/z.jsonl", 5)] == "not a JSON object (a number)"
    assert bad[("zhihu/z.jsonl", 6)].startswith("invalid UTF-8 at byte")
    assert bad[("zhihu/z.jsonl", 10)].startswith("invalid JSON")


def test_bom_crlf_and_blank_lines(tmp_path):
    data = rawfile.BOM + (row(1) + "\r\n\r\n" + row(2) + "\r\n   \r\n").encode()
    (tmp_path / "a.jsonl").write_bytes(data)
    release = load_release(tmp_path / "a.jsonl")
    assert release.report.bad_lines == []
    assert release.frame["line"].to_list() == [1, 3]
    assert release.frame["output"].to_list() == ["因为瑞利散射。1", "因为瑞利散射。2"]
    # CRLF and BOM do not change a row's id.
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "b.jsonl").write_text(row(2) + "\n" + row(1) + "\n", encoding="utf-8")
    plain = load_release(tmp_path / "b")
    assert sorted(plain.frame["rid"].to_list()) == sorted(release.frame["rid"].to_list())


def test_lfs_pointer_empty_and_non_jsonl_files(tmp_path):
    write_jsonl(tmp_path / "xhs" / "xhs.jsonl", [row(1)])
    (tmp_path / "wikihow").mkdir()
    (tmp_path / "wikihow" / "wikihow.jsonl").write_text(
        "version https://git-lfs.github.com/spec/v1\noid sha256:" + "a" * 64 + "\nsize 11519024\n"
    )
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "blank.jsonl").write_bytes(b"\n \n")
    (tmp_path / "notes.txt").write_text("not data")
    (tmp_path / ".gitattributes").write_text("*.jsonl filter=lfs")
    (tmp_path / "dataset_infos.json").write_text("{}")
    release = load_release(tmp_path)
    assert release.frame.height == 1
    skipped = {s.file: s.reason for s in release.report.skipped_files}
    assert skipped["wikihow/wikihow.jsonl"] == "Git LFS pointer of 11,519,024 bytes, not data: run `git lfs pull`"
    assert skipped["empty.jsonl"] == "empty file"
    assert skipped["blank.jsonl"] == "blank lines only"
    # nothing in a data folder is left out without a word; hidden files are not data
    assert skipped["notes.txt"] == "not a data file: only .jsonl, .json and .parquet files are read"
    assert skipped["dataset_infos.json"] == ("one JSON object, not records (dataset metadata?): "
                                             "neither a JSON array nor JSON lines")
    assert ".gitattributes" not in skipped and len(skipped) == 5


def test_missing_path_and_no_rows_raise_release_error(tmp_path):
    with pytest.raises(ReleaseError, match="path not found"):
        load_release(tmp_path / "nope")
    (tmp_path / "p.jsonl").write_text("version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 1\n")
    with pytest.raises(ReleaseError, match="no readable row.*Git LFS pointer"):
        load_release(tmp_path)
    with pytest.raises(ReleaseError, match=r"no data files \(\.jsonl, \.json, \.parquet\)"):
        load_release(tmp_path / "p.jsonl" if False else _empty_dir(tmp_path))


def _empty_dir(tmp_path: Path) -> Path:
    d = tmp_path / "empty_dir"
    d.mkdir()
    return d


def test_shapes_real_files_disagree_on_are_normalised(tmp_path):
    lines = [
        row(1),
        row(2, domain="医学"),  # a string where a list is expected
        row(3, task_type={"major": "翻译", "minor": ["文言文翻译"]}),
        row(4, metadata={"url": "https://x", "分数": 8.5}),
        row(5, human_verified="true"),
        row(6, human_verified="false", answer_from=None),
        json.dumps({"instruction": "只有指令"}, ensure_ascii=False),  # everything else missing
        row(8, task_type="问答"),
        row(9, output=123),
        row(10, domain=[1, "文学"]),
    ]
    write_jsonl(tmp_path / "mixed.jsonl", lines)
    f = load_release(tmp_path / "mixed.jsonl").frame
    assert f.schema == BASE_SCHEMA and f.height == 10
    assert f["domain"].to_list()[:2] == [["通用"], ["医学"]]
    assert f["task_major"][2].to_list() == ["翻译"] and f["task_minor"][2].to_list() == ["文言文翻译"]
    assert json.loads(f["metadata"][3]) == {"url": "https://x", "分数": 8.5}
    assert f["human_verified"].to_list()[4:7] == [True, False, None]
    assert f["answer_from"][5] == ""
    assert f["task_major"][6].to_list() == [] and f["domain"][6].to_list() == [] and f["output"][6] == ""
    assert f["task_major"][7].to_list() == ["问答"]
    assert f["output"][8] == "123" and f["len_output"][8] == 3
    assert f["domain"][9].to_list() == ["1", "文学"]


def test_fast_and_line_by_line_paths_agree(tmp_path):
    """The same rows through Polars' reader and through the stdlib give the same frame."""
    good = [row(i, metadata={"k": i}, domain=["通用", "生活"], human_verified=bool(i % 2)) for i in range(30)]
    write_jsonl(tmp_path / "fast" / "a.jsonl", good)
    write_jsonl(tmp_path / "slow" / "a.jsonl", good + ['{"broken'])  # forces the fallback
    fast = load_release(tmp_path / "fast").frame
    slow = load_release(tmp_path / "slow").frame
    assert fast.equals(slow)


def _fast_and_slow(folder: Path, lines: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the fast path's frame, the line-by-line path's); checks the chunked path's equals
    the fast one (a folder name Polars would take for a glob pattern forces it)."""
    write_jsonl(folder / "fast" / "a.jsonl", lines)
    write_jsonl(folder / "chunked[1]" / "a.jsonl", lines)
    write_jsonl(folder / "slow" / "a.jsonl", lines + ['{"broken'])  # forces the fallback
    fast = load_release(folder / "fast").frame
    assert load_release(folder / "chunked[1]").frame.equals(fast)
    return fast, load_release(folder / "slow").frame


def test_non_string_values_are_not_silently_changed(tmp_path):
    """Polars renders 1.0 as "1", 1e20 in full and re-serialises objects without escaping
    backslashes; such rows must come out as the stdlib renders them, on either path."""
    lines = [
        json.dumps({"instruction": 1.0, "output": 1e20, "input": -0.0}),
        json.dumps({"metadata": {"path": "C:\\new", "分数": 8.0, "n": None}, "source": 2.5}, ensure_ascii=False),
        json.dumps({"domain": ["医学", None, 1.0], "task_type": {"major": [None, "问答"], "minor": [1.5e-7]}}, ensure_ascii=False),
        json.dumps({"instruction": "[1] 看起来像列表的字符串", "output": "3.14", "metadata": "{不是对象"}, ensure_ascii=False),
        json.dumps({"instruction": {'"': None}, "metadata": {"键": True}}, ensure_ascii=False),  # Polars: {""": null}
    ]
    fast, slow = _fast_and_slow(tmp_path, lines)
    assert fast.equals(slow)
    assert fast["instruction"].to_list() == ["1.0", "", "", "[1] 看起来像列表的字符串", '{"\\"": null}']
    assert fast["metadata"][4] == '{"键": true}'
    assert fast["output"][0] == "1e+20" and fast["input"][0] == "-0.0" and fast["source"][1] == "2.5"
    assert json.loads(fast["metadata"][1]) == {"path": "C:\\new", "分数": 8.0, "n": None}
    assert fast["domain"][2].to_list() == ["医学", "1.0"] and fast["task_major"][2].to_list() == ["问答"]
    assert fast["task_minor"][2].to_list() == ["1.5e-07"]
    assert fast["output"][3] == "3.14" and fast["metadata"][3] == "{不是对象"


def test_raw_line_decides_whether_a_json_looking_value_was_a_string(tmp_path):
    """JSON-looking strings are kept as read; a key spelled with escapes, odd spacing
    or a same-named nested key cannot make a coerced value pass for a string."""
    lines = [
        '{"output": "[{\\"实体\\": \\"北京\\"}]", "instruction": "12"}',  # strings that look like JSON / a number
        '{"\\u006futput": 1.0, "instruction": "x", "extra": {"output": "s"}}',  # escaped key (Polars: "1")
        '{"output" :\t{"a": "C:\\\\new"}}',  # spacing before the colon, object value
        '{"metadata": {"output": 2}, "output": "[1]"}',  # same key nested
        '{"source": "output", "output": [1.0, "2"]}',  # the key's name as a value
    ]
    fast, slow = _fast_and_slow(tmp_path, lines)
    assert fast.equals(slow)
    assert fast["output"].to_list() == ['[{"实体": "北京"}]', "1.0", '{"a": "C:\\\\new"}', "[1]", '[1.0, "2"]']
    assert fast["instruction"].to_list()[:2] == ["12", "x"] and fast["metadata"][3] == '{"output": 2}'


def test_labels_read_as_text_are_decoded_or_re_read_exactly(tmp_path, monkeypatch, chunk_size):
    """A file read whole takes its labels as JSON text (labeltext): every label shape
    comes out as the stdlib reads it, and a file that parses is not read again."""
    lines = [
        row(0),
        row(1, domain="[\"医学\"]"),  # a string spelled like a list (json.dumps twice)
        row(2, task_type={"major": "[\"问答\", \"翻译\"]", "minor": ["x"]}),
        '{"\\u0064omain": "[\\"a\\"]", "instruction": "escaped key"}',
        '{"domain": "\\u005b\\"b\\"]", "instruction": "escaped bracket"}',
        row(5, domain=["C:\\new", "引号\"", "tab\there"]),  # Polars leaves \ and control characters raw
        row(6, domain=[["嵌套"], 2.50, None, True], task_type={"major": [], "minor": None}),
        row(7, domain="医学", task_type={"major": "问答"}),  # plain strings
        row(8, domain={"键": "值"}, task_type=None),
        row(9, domain=[], metadata={"domain": "[not a label]"}),
        row(10, output="[\"looks like a list\"]", domain=["[x]", "1", "{}"]),
        row(11, domain=["C:\\new"]),  # only a backslash: the render would decode to a newline
        row(12, task_type={"major": ["a\\\"b"], "minor": ["\\u4e2d"]}),
    ]
    fast, slow = _fast_and_slow(tmp_path, lines)
    assert fast.equals(slow)
    assert fast["domain"].to_list()[:6] == [["通用"], ['["医学"]'], ["通用"], ['["a"]'], ['["b"]'], ["C:\\new", '引号"', "tab\there"]]
    assert fast["task_major"][2].to_list() == ['["问答", "翻译"]'] and fast["task_minor"][2].to_list() == ["x"]
    assert fast["domain"][6].to_list() == ['["嵌套"]', "2.5", "true"] and fast["task_major"][6].to_list() == []
    assert fast["domain"][7].to_list() == ["医学"] and fast["task_major"][7].to_list() == ["问答"]
    assert fast["domain"][8].to_list() == ['{"键": "值"}'] and fast["domain"][9].to_list() == []
    assert fast["domain"][10].to_list() == ["[x]", "1", "{}"]
    assert fast["domain"][11].to_list() == ["C:\\new"] and fast["task_major"][12].to_list() == ['a\\"b']
    assert fast["task_minor"][12].to_list() == ["\\u4e2d"]
    chunked = _count_calls(monkeypatch, "_read_chunks")
    load_release(tmp_path / "fast")
    assert chunked == ([] if chunk_size == "256 B chunks" else [1])


_label = st.none() | st.text(alphabet=st.sampled_from('ab中[]"\\\n,'), max_size=6) | st.integers(-5, 5) \
    | st.lists(st.none() | st.text(alphabet=st.sampled_from('ab中[]"\\\t{}'), max_size=5) | st.floats(0, 3), max_size=3)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries({"domain": _label, "task_type": st.none() | st.fixed_dictionaries(
    {"major": _label, "minor": _label}), "output": st.sampled_from(["", "[\"x\"]", "普通"])}), min_size=1, max_size=6),
    spelled=st.sampled_from([{}, {"separators": (",", ":")}, {"ensure_ascii": True}]))
def test_any_label_shape_reads_as_the_stdlib_reads_it(tmp_path_factory, rows, spelled):
    folder = tmp_path_factory.mktemp("labels")
    fast, slow = _fast_and_slow(folder, [json.dumps(r, **{"ensure_ascii": False, **spelled}) for r in rows])
    assert fast.equals(slow)


_json_leaf = st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=False, allow_infinity=False) \
    | st.text(alphabet=st.sampled_from("ab中文{}[]\\\"1.-e \n"), max_size=8)
_json_value = st.recursive(_json_leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
                           max_leaves=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.dictionaries(st.sampled_from(["instruction", "output", "metadata", "source", "domain", "copyright"]),
                                     _json_value, max_size=4), min_size=1, max_size=5))
def test_fast_path_equals_the_stdlib_path_for_any_values(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("parity")
    fast, slow = _fast_and_slow(folder, [json.dumps(r, ensure_ascii=False) for r in rows])
    assert fast.equals(slow)


def test_lone_surrogates_become_replacement_characters(tmp_path):
    write_jsonl(tmp_path / "s.jsonl", [
        '{"instruction": "a\\ud800b", "output": "\\ud83d\\ude00 ok"}',
        '{"instruction": "literal \\\\ud800 text"}',
    ])
    f = load_release(tmp_path / "s.jsonl").frame
    assert f["instruction"].to_list() == ["a\ufffdb", "literal \\ud800 text"]
    assert f["output"][0] == "😀 ok"


def test_huge_row_loads(tmp_path):
    big = "长" * (5 * 1024 * 1024 // 3)
    write_jsonl(tmp_path / "big.jsonl", [row(1, output=big), row(2)])
    f = load_release(tmp_path / "big.jsonl").frame
    assert f["len_output"].to_list() == [len(big), len("因为瑞利散射。2")]


# ---- reading a file whole ---------------------------------------------------------------

def _count_calls(monkeypatch, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(loader, name)
    monkeypatch.setattr(loader, name, lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def test_a_file_of_many_chunks_is_read_whole_and_equals_the_chunked_read(tmp_path, monkeypatch, chunk_size):
    lines = [row(i, metadata={"k": i}, domain=["通用", f"d{i % 3}"]) for i in range(60)]
    whole_file = write_jsonl(tmp_path / "whole" / "a.jsonl", lines)
    write_jsonl(tmp_path / "chunked[1]" / "a.jsonl", lines)
    chunked = _count_calls(monkeypatch, "_read_chunks")
    whole = load_release(whole_file)
    assert chunked == ([] if chunk_size == "256 B chunks" else [1])  # one chunk: nothing to gain
    assert whole.frame.equals(load_release(tmp_path / "chunked[1]" / "a.jsonl").frame)
    assert whole.report.file_infos[0].xxh3 == xxhash.xxh3_64_hexdigest(whole_file.read_bytes())
    assert chunked[-1:] == [1]


def test_a_file_name_polars_would_take_for_a_glob_pattern_is_read_as_itself(tmp_path):
    write_jsonl(tmp_path / "a1.jsonl", [row(i) for i in range(40)])
    target = write_jsonl(tmp_path / "a[1].jsonl", [row(100 + i) for i in range(30)])
    f = load_release(target).frame
    assert f.height == 30 and f["instruction"][0] == "问题100：天为什么是蓝的？"


def test_a_file_saved_anew_while_it_is_read_gives_the_rows_it_had_when_opened(tmp_path, monkeypatch):
    """Polars opens the path itself; if an editor saved a new file there meanwhile, its
    rows would not match the lines hashed from the file the loader has open."""
    path = write_jsonl(tmp_path / "a.jsonl", [row(i) for i in range(50)])
    real = loader.read_fast

    def read_after_a_save(source, *schema):
        if isinstance(source, Path):
            fresh = write_jsonl(tmp_path / "new.jsonl", [row(1000 + i) for i in range(50)])
            os.replace(fresh, path)
        return real(source, *schema)

    monkeypatch.setattr(loader, "read_fast", read_after_a_save)
    f = load_release(path).frame
    assert f["instruction"].to_list() == [f"问题{i}：天为什么是蓝的？" for i in range(50)]


# ---- ids, locators, sources -------------------------------------------------------------

def test_ids_survive_shuffling_files_and_lines(tmp_path):
    rows_a = [row(i) for i in range(40)] + [row(3), row(3)]  # exact duplicates
    rows_b = [row(i, domain=["教育"]) for i in range(40, 60)]
    write_jsonl(tmp_path / "one" / "zhihu" / "a.jsonl", rows_a)
    write_jsonl(tmp_path / "one" / "douban" / "b.jsonl", rows_b)
    rng = random.Random(7)
    shuffled = rows_a + rows_b
    rng.shuffle(shuffled)
    write_jsonl(tmp_path / "two" / "x" / "all.jsonl", shuffled[:30])
    write_jsonl(tmp_path / "two" / "y.jsonl", shuffled[30:])
    one, two = load_release(tmp_path / "one").frame, load_release(tmp_path / "two").frame
    assert one["rid"].n_unique() == one.height == 62
    by_id_one = dict(zip(one["rid"], one["instruction"]))
    by_id_two = dict(zip(two["rid"], two["instruction"]))
    assert by_id_one == by_id_two
    assert one.filter(pl.col("instruction") == "问题3：天为什么是蓝的？").height == 3


def test_ids_are_fixed_values(tmp_path):
    """XXH3 is frozen by its spec: these ids must never change across versions or machines."""
    write_jsonl(tmp_path / "a.jsonl", ['{"instruction": "你好"}', '{"instruction": "你好"}'])
    ids = load_release(tmp_path / "a.jsonl").frame["rid"].to_list()
    import xxhash

    first = xxhash.xxh3_64_intdigest('{"instruction": "你好"}'.encode())
    assert ids[0] == first
    assert ids[1] == xxhash.xxh3_64_intdigest(first.to_bytes(8, "little") + (1).to_bytes(4, "little"))


def test_source_and_subset_rules(tmp_path):
    write_jsonl(tmp_path / "rel" / "zhihu" / "deep" / "zhihu_v3.jsonl", [row(1)])
    write_jsonl(tmp_path / "rel" / "top.jsonl", [row(2), row(3, source="自带来源")])
    f = load_release(tmp_path / "rel").frame.sort("line")
    got = {(r["file"], r["line"]): (r["source"], r["subset"]) for r in f.iter_rows(named=True)}
    assert got[("zhihu/deep/zhihu_v3.jsonl", 1)] == ("zhihu", "zhihu_v3")
    assert got[("top.jsonl", 1)] == ("top", "top")
    assert got[("top.jsonl", 2)] == ("自带来源", "top")
    single = load_release(tmp_path / "rel" / "zhihu" / "deep" / "zhihu_v3.jsonl").frame
    assert single["source"].to_list() == ["zhihu_v3"] and single["file"].to_list() == ["zhihu_v3.jsonl"]


def test_several_files_at_once(tmp_path):
    a = write_jsonl(tmp_path / "xhs" / "a.jsonl", [row(1)])
    b = write_jsonl(tmp_path / "douban" / "b.jsonl", [row(2), row(3)])
    release = load_release([a, b])
    assert release.root == tmp_path.resolve()
    assert sorted(release.frame["file"].unique().to_list()) == ["douban/b.jsonl", "xhs/a.jsonl"]
    assert sorted(release.frame["source"].unique().to_list()) == ["douban", "xhs"]


# ---- progress, cancel, identity ----------------------------------------------------------

def test_progress_reports_bytes_and_files_and_cancel_stops(tmp_path, monkeypatch):
    for i in range(3):
        write_jsonl(tmp_path / f"s{i}" / "f.jsonl", [row(j) for j in range(50)])
    seen = []
    load_release(tmp_path, progress=seen.append)
    total = sum(p.stat().st_size for p in tmp_path.rglob("*.jsonl"))
    assert seen[-1].bytes_done == seen[-1].bytes_total == total
    assert seen[-1].files_done == seen[-1].files_total == 3
    assert [p.bytes_done for p in seen] == sorted(p.bytes_done for p in seen)
    calls = []
    with pytest.raises(LoadCancelled):
        load_release(tmp_path, cancel=lambda: calls.append(1) or len(calls) >= 2)


def test_identity_changes_with_content(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [row(1)])
    ident = load_release(tmp_path).identity()
    assert ident["rows"] == 1 and ident["files"][0]["file"] == "a.jsonl"
    write_jsonl(tmp_path / "a.jsonl", [row(2)])
    assert load_release(tmp_path).identity()["hash"] != ident["hash"]


def test_loader_opens_files_read_only(tmp_path, monkeypatch):
    write_jsonl(tmp_path / "a.jsonl", [row(1)])
    os.chmod(tmp_path / "a.jsonl", 0o444)
    opened = []
    real_open, real_os_open = open, os.open

    def spy(path, mode="r", *a, **k):
        opened.append(mode)
        return real_open(path, mode, *a, **k)

    def os_spy(path, flags, *a, **k):
        opened.append("rb" if flags & os.O_ACCMODE == os.O_RDONLY and not flags & (os.O_CREAT | os.O_TRUNC) else flags)
        return real_os_open(path, flags, *a, **k)

    monkeypatch.setattr("builtins.open", spy)
    monkeypatch.setattr(os, "open", os_spy)
    load_release(tmp_path)
    assert opened and all(m == "rb" for m in opened)


def test_parse_line_reasons():
    assert parse_line(b'{"a": 1}') == ({"a": 1}, None)
    assert parse_line(b"null")[1] == "not a JSON object (a null)"
    assert parse_line(b"true")[1] == "not a JSON object (a boolean)"
    assert parse_line(b'{"a": ')[1].startswith("truncated JSON")
    assert parse_line(b"[" * 100000)[1] is not None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 5) | st.integers(0, 2**64 - 1), max_size=40))
def test_row_ids_number_each_repeat_in_order(hashes):
    """The k-th repeat of a hash (k >= 1) gets XXH3(hash, k); first occurrences keep it."""
    import xxhash

    from app.core.load.schema import row_ids

    seen: Counter = Counter()
    want = []
    for h in hashes:
        k = seen[h]
        seen[h] += 1
        want.append(h if k == 0 else xxhash.xxh3_64_intdigest(h.to_bytes(8, "little") + k.to_bytes(4, "little")))
    got = row_ids(pl.Series(hashes, dtype=pl.UInt64))
    assert got.name == "rid" and got.dtype == pl.UInt64 and got.to_list() == want


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list('{}[]"-.:/0123456789eE+tfn ,\\|\x00a中')), max_size=12)
                | st.text(max_size=20), max_size=30))
def test_the_prefix_test_for_coerced_text_keeps_every_value_the_regex_flags(values):
    """The checks look at a value with the regex only when its prefix may start one: a
    value the regex flags must never be left out by the cheaper prefix comparison."""
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    flagged = frame.select(pl.col("v").str.contains(coerced.COERCED_TEXT).fill_null(False)).to_series()
    kept = frame.select(coerced.may_be_coerced("v")).to_series()
    assert not (flagged & ~kept).any()
    assert kept.to_list() == [v[:1] in set("-./0123456789[{") for v in values]


@pytest.mark.parametrize("repeat_in", [None, "domain", "task_minor"])
def test_the_loader_tells_the_counts_whether_a_row_repeats_a_label(tmp_path, chunk_size, repeat_in):
    """A file read whole is checked for rows that repeat a label in the same pass as the
    other checks; the facet counts then trust that answer. It must be the one they find
    themselves, and it must not be given when some file was not checked that way."""
    from app.core.query import facets, filters as query

    lines = [row(i) for i in range(40)]
    if repeat_in == "domain":
        lines[7] = row(7, domain=["百科", "百科"])
    elif repeat_in == "task_minor":
        lines[9] = row(9, task_type={"major": ["问答"], "minor": ["百科问答", "百科问答"]})
    write_jsonl(tmp_path / "zhihu" / "a.jsonl", lines)
    frame = load_release(tmp_path).frame
    columns = ("task_major", "task_minor", "domain")
    remembered = {c: query.MEMO.lookup(frame, ("inner-dups", c)) for c in columns}
    whole = chunk_size == "256 B chunks"  # the test file is read whole only with tiny chunks
    assert all(found for found, _ in remembered.values()) == whole
    fresh = frame.clone()  # another frame object: nothing remembered, the counts look themselves
    for c in columns:
        assert facets._has_inner_duplicates(fresh, c) == (c == repeat_in)
        if whole:
            assert remembered[c][1] == (c == repeat_in)
    counts = facets.all_facet_counts(frame, query.FilterSpec(), columns, limit=None)
    assert counts == facets.all_facet_counts(fresh, query.FilterSpec(), columns, limit=None)
    # A second file of one chunk is read chunk by chunk, not checked that way: nothing
    # is remembered for the release as a whole.
    write_jsonl(tmp_path / "douban" / "b.jsonl", ['{"instruction": "短", "output": "短"}'])
    both = load_release(tmp_path).frame
    assert not any(query.MEMO.lookup(both, ("inner-dups", c))[0] for c in columns)
