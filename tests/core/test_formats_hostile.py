"""Files of other formats no loader should trust: arrays with bad records, truncated
arrays, .json files that hold no records, Parquet with nested columns or broken bytes,
mixed formats in one file, BOM and CRLF; and the per-file overrides."""
from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
import xxhash

from app.core.load.loader import ReleaseError, load_release
from app.core.load.recordfiles import canonical_lines
from app.core.load.schema import BASE_SCHEMA

SHARE = {"conversations": [{"from": "human", "value": "你好"}, {"from": "gpt", "value": "你好！"}]}
ALPACA = {"instruction": "翻译", "input": "cat", "output": "猫"}


def _skipped(release) -> dict[str, str]:
    return {s.file: s.reason for s in release.report.skipped_files}


def test_an_array_with_bad_records_keeps_the_good_ones(tmp_path):
    (tmp_path / "a.json").write_text('[\n  {"instruction": "一", "output": "1"},\n  ["not", "an object"],\n'
                                     '  {"instruction": "二", "output": NaN},\n  "text",\n'
                                     '  {"instruction": "三", "output": "3"}\n]\n', encoding="utf-8")
    release = load_release(tmp_path)
    assert release.frame["line"].to_list() == [1, 5] and release.frame["instruction"].to_list() == ["一", "三"]
    assert [(b.file, b.line, b.reason) for b in release.report.bad_lines] == [
        ("a.json", 2, "not a JSON object (a list)"),
        ("a.json", 3, "invalid JSON: NaN is not a JSON value at line 4 column 34"),
        ("a.json", 4, "not a JSON object (a string)")]
    assert release.frame.schema == BASE_SCHEMA and set(release.frame["format"]) == {"alpaca"}


@pytest.mark.parametrize("text, reason", [
    ('[{"instruction": "一", "output": "1"}, {"instruction": "二", "out',
     "truncated JSON array: it ends inside record 2 (line 1 column 39)"),
    ('[{"instruction": "一", "output": "1"}\n{"instruction": "二", "output": "2"}]',
     "invalid JSON array: expected , or ] after record 1 at line 2 column 1"),
    ("[]", "an empty JSON array"),
    ("hello", "neither a JSON array nor JSON lines (it begins with 'h')"),
    ('{\n  "train": {"num_rows": 10}\n}\n', "one JSON object, not records (dataset metadata?): neither a JSON array nor JSON lines"),
    ('{"a": 1}', "one JSON object, not records (dataset metadata?): neither a JSON array nor JSON lines"),
])
def test_a_json_file_that_cannot_be_read_is_named_with_why(tmp_path, text, reason):
    (tmp_path / "x.json").write_text(text, encoding="utf-8")
    (tmp_path / "ok.jsonl").write_text(json.dumps(ALPACA, ensure_ascii=False) + "\n", encoding="utf-8")
    release = load_release(tmp_path)
    assert _skipped(release) == {"x.json": reason} and release.frame.height == 1


def test_bom_and_crlf_in_an_array(tmp_path):
    records = [SHARE, ALPACA]
    text = json.dumps(records, ensure_ascii=False, indent=2).replace("\n", "\r\n")
    data = b"\xef\xbb\xbf" + text.encode("utf-8")
    (tmp_path / "b.json").write_bytes(data)
    release = load_release(tmp_path / "b.json")
    spans = list(zip(release.offsets.to_list(), release.ends.to_list()))
    assert [json.loads(data[s:e]) for s, e in spans] == records and b"\r\n" in data[spans[0][0]:spans[0][1]]
    assert release.frame["rid"].to_list() == [xxhash.xxh3_64_intdigest(data[s:e]) for s, e in spans]
    assert release.frame["format"].to_list() == ["sharegpt", "alpaca"]
    assert release.frame["turns"][0].to_list()[1] == {"role": "assistant", "text": "你好！", "path": "conversations[1].value"}


def test_a_jsonl_file_is_json_lines_whatever_it_begins_with(tmp_path):
    (tmp_path / "a.jsonl").write_text('[1, 2]\n{"instruction": "q", "output": "a"}\n')
    release = load_release(tmp_path)
    assert release.frame.height == 1
    assert [(b.line, b.reason) for b in release.report.bad_lines] == [(1, "not a JSON object (a list)")]


def test_mixed_formats_in_one_file(tmp_path):
    lines = [SHARE, ALPACA, SHARE, {"messages": [{"role": "user", "content": "q"}]}, SHARE]
    (tmp_path / "m.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), encoding="utf-8")
    release = load_release(tmp_path)
    assert release.frame["format"].to_list() == ["sharegpt", "alpaca", "sharegpt", "openai", "sharegpt"]
    assert [(f.format, f.rows) for f in release.report.file_formats] == [("sharegpt", 3), ("alpaca", 1), ("openai", 1)]
    assert release.frame["output"].to_list() == ["你好！", "猫", "你好！", "", "你好！"]


def test_parquet_with_nested_columns(tmp_path):
    frame = pl.DataFrame({
        "conversations": [SHARE["conversations"], [{"from": "human", "value": "几点了"}, {"from": "gpt", "value": "三点"}]],
        "score": [1.5, float("nan")], "day": [dt.date(2024, 5, 1), None], "id": [7, 8]})
    frame.write_parquet(tmp_path / "p.parquet")
    release = load_release(tmp_path)
    assert release.report.file_infos[0].kind == "parquet"
    assert release.frame["format"].to_list() == ["sharegpt", "sharegpt"]
    assert release.frame["instruction"].to_list() == ["你好", "几点了"] and release.frame["output"].to_list() == ["你好！", "三点"]
    assert release.frame["turns"][1].to_list()[1]["path"] == "conversations[1].value"
    lines = canonical_lines(frame)
    assert json.loads(lines[1]) == {"conversations": [{"from": "human", "value": "几点了"}, {"from": "gpt", "value": "三点"}],
                                    "day": None, "id": 8, "score": None}  # NaN is no JSON: null
    assert lines[0].startswith(b'{"conversations":[{"from":"human","value":"\xe4\xbd\xa0\xe5\xa5\xbd"}')
    assert b'"day":"2024-05-01"' in lines[0]
    assert release.frame["rid"].to_list() == [xxhash.xxh3_64_intdigest(x) for x in lines]
    assert release.offsets.to_list() == [0, 1] and release.ends.to_list() == [1, 2]


def test_a_broken_parquet_file_is_named(tmp_path):
    (tmp_path / "p.parquet").write_bytes(b"PAR1 this is no parquet")
    (tmp_path / "ok.jsonl").write_text(json.dumps(ALPACA) + "\n")
    reason = _skipped(load_release(tmp_path))["p.parquet"]
    assert reason.startswith("not a readable Parquet file: ")


def test_a_preference_record_holding_its_responses_differently_is_a_bad_record(tmp_path):
    good = {"prompt": "p", "chosen": "a", "rejected": "b"}
    odd = {"prompt": "p", "chosen": "a", "rejected": {"from": "gpt", "value": "b"}}
    (tmp_path / "d.jsonl").write_text("\n".join(json.dumps(r) for r in (good, odd, good)) + "\n")
    release = load_release(tmp_path)
    assert release.frame["line"].to_list() == [1, 3] and release.frame["chosen"].to_list() == ["a", "a"]
    assert [(b.line, b.reason) for b in release.report.bad_lines] == [
        (2, "'chosen' is a string but 'rejected' is a turn object with 'value': a preference record holds both alike")]


def test_overrides_read_a_file_in_the_format_given(tmp_path):
    seeds = [{"instruction": "写诗", "instances": [{"input": "夏天", "output": "不但春妍夏亦佳"}]},
             {"instruction": "同义词", "instances": [{"input": "惊人地", "output": "令人惊奇地"}]}]
    (tmp_path / "seed.json").write_text("\n".join(json.dumps(s, ensure_ascii=False) for s in seeds) + "\n", encoding="utf-8")
    (tmp_path / "a.jsonl").write_text(json.dumps(ALPACA, ensure_ascii=False) + "\n", encoding="utf-8")
    plain = load_release(tmp_path)
    assert plain.frame["format"].to_list() == ["alpaca", "other", "other"] and plain.frame["output"][1] == ""
    mapping = {"instruction": "instruction", "input": "instances[0].input", "output": "instances[0].output"}
    mapped = load_release(tmp_path, shapes={"seed.json": {"format": "other", "mapping": mapping},
                                            "a.jsonl": "cqia"})
    f = mapped.frame
    assert f["format"].to_list() == ["cqia", "other", "other"]
    assert f["output"].to_list() == ["猫", "不但春妍夏亦佳", "令人惊奇地"] and f["input"][2] == "惊人地"
    assert [t["path"] for t in f["turns"][1]] == ["instruction", "instances[0].input", "instances[0].output"]
    entry = next(x for x in mapped.report.file_formats if x.file == "seed.json")
    assert entry.shape.paths()["output"] == "instances[0].output"
    # a format given: every record is read in it, its keys or not
    forced = load_release(tmp_path / "a.jsonl", shapes={"a.jsonl": "sharegpt"}).frame
    assert forced["format"].to_list() == ["sharegpt"] and forced["instruction"].to_list() == [""]
    with pytest.raises(ValueError, match="unknown format"):
        load_release(tmp_path, shapes={"a.jsonl": "csv"})


def test_no_readable_row_names_the_arrays_reason(tmp_path):
    (tmp_path / "x.json").write_text("[1, 2")
    with pytest.raises(ReleaseError, match=r"no readable row .*x\.json: truncated JSON array"):
        load_release(tmp_path)


def test_an_array_is_exported_as_an_array_not_spliced_as_lines(tmp_path):
    """Its rows are records, not lines: a line-splicing export would corrupt it."""
    from app.core.export.exporter import export_release

    (tmp_path / "rel").mkdir()
    data = json.dumps([ALPACA, ALPACA | {"output": "狗"}], ensure_ascii=False, indent=2).encode()
    (tmp_path / "rel" / "a.json").write_bytes(data)
    release = load_release(tmp_path / "rel")
    export_release(release, None, tmp_path / "out.json")
    assert (tmp_path / "out.json").read_bytes() == data


def test_anchors_read_back_array_records_and_parquet_rows(tmp_path):
    """A decided row's anchor hashes its raw record, read back by its byte span (a
    pretty-printed array record spans lines) or, for Parquet, remade as canonical JSON."""
    from app.core.curate.anchors import anchors_for, canonical_id

    records = [SHARE, ALPACA, ALPACA | {"output": "狗"}]
    (tmp_path / "a.json").write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")
    pl.DataFrame({"instruction": ["一", "二"], "output": ["1", "2"]}).write_parquet(tmp_path / "p.parquet")
    release = load_release(tmp_path)
    rids = release.frame["rid"].to_list()
    got = anchors_for(release, rids)
    assert sorted(got) == sorted(rids)
    want = [canonical_id(json.dumps(r, ensure_ascii=False).encode()) for r in records]
    want += [canonical_id(json.dumps({"instruction": i, "output": o}, ensure_ascii=False).encode())
             for i, o in (("一", "1"), ("二", "2"))]
    assert [got[r].cid for r in rids] == want
    assert [got[r].line for r in rids] == [1, 2, 3, 1, 2]
