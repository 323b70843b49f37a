"""The real files of other formats (../shared/data/formats, README there): each loads with
its format detected and its rows counted, and a few records' turns and paths are as
checked by hand. Skipped, saying why, when the files are absent."""
from __future__ import annotations

import json

import pytest
import xxhash

from app.core.load import paths as jp
from app.core.load.loader import load_release
from app.core.load.schema import all_turns

# file -> (format, rows), as ../shared/data/formats/README.md states them
TABLE = {
    "llamafactory/alpaca_zh_demo.json": ("alpaca", 1000),
    "llamafactory/dpo_zh_demo.json": ("preference", 300),
    "llamafactory/glaive_toolcall_zh_demo.json": ("sharegpt", 300),
    "llamafactory/v1_sft_demo.jsonl": ("openai", 500),
    "medicalgpt/sharegpt_zh_1K_format.jsonl": ("sharegpt", 1000),
    "firefly/dummy_data.jsonl": ("firefly", 33),
    "belle/zh_seed_tasks.json": ("other", 175),
}


@pytest.fixture(scope="module")
def release(formats_root):
    return load_release(formats_root)


def test_every_file_loads_in_its_format_with_its_rows(release):
    report = release.report
    assert {(f.file, f.format, f.rows) for f in report.file_formats} == {(k, *v) for k, v in TABLE.items()}
    assert report.bad_lines == [] and report.rows == sum(r for _, r in TABLE.values())
    assert {s.file for s in report.skipped_files} == {"README.md"}
    kinds = {f.rel: f.kind for f in report.file_infos}
    assert kinds["llamafactory/alpaca_zh_demo.json"] == "array" and kinds["belle/zh_seed_tasks.json"] == "jsonl"
    counts = dict(release.frame.group_by("format").len().iter_rows())
    assert counts == {"alpaca": 1000, "preference": 300, "sharegpt": 1300, "openai": 500, "firefly": 33, "other": 175}


def _row(release, file, line):
    return release.frame.filter(file=file, line=line).with_columns(all_turns().alias("whole")).row(0, named=True)


def _raw(release, file, line) -> bytes:
    at = release.frame.with_row_index("_i").filter(file=file, line=line)["_i"][0]
    start, end = release.offsets[at], release.ends[at]
    return (release.root / file).read_bytes()[start:end]


def test_the_turns_and_paths_of_records_checked_by_hand(release):
    med = _row(release, "medicalgpt/sharegpt_zh_1K_format.jsonl", 1)
    assert [(t["role"], t["path"]) for t in med["turns"]] == [
        (("user", "assistant")[i % 2], f"conversations[{i}].value") for i in range(6)]
    assert med["instruction"] == '"свинья" 和 "свинец" 这两个词有什么联系？'
    assert med["output"].startswith("对不起，我不明白问题是什么。") and med["input"] == ""

    tool = _row(release, "llamafactory/glaive_toolcall_zh_demo.json", 1)
    assert [t["role"] for t in tool["turns"]] == ["user", "function_call", "observation", "assistant"]
    assert tool["tools"].startswith('[{"name": "generate_invoice"') and tool["output"].startswith("发票已成功生成")

    dpo = _row(release, "llamafactory/dpo_zh_demo.json", 1)
    assert [(t["role"], t["path"]) for t in dpo["turns"]] == [("user", "conversations[0].value"), ("assistant", "chosen.value")]
    assert dpo["chosen"].startswith("计算推文的政党边际概率") and dpo["rejected"].startswith("回答问题的第（a）部分")
    assert dpo["output"] == dpo["chosen"] and dpo["instruction"].startswith("国会的转发")

    alp = _row(release, "llamafactory/alpaca_zh_demo.json", 2)
    assert alp["turns"] == [] and alp["input"] == "输入：俄克拉荷马城雷霆队，芝加哥公牛队，布鲁克林网队。"
    assert [(t["role"], t["path"]) for t in alp["whole"]] == [("user", "instruction"), ("user", "input"), ("assistant", "output")]

    oa = _row(release, "llamafactory/v1_sft_demo.jsonl", 1)
    assert [(t["role"], t["text"], t["path"]) for t in oa["turns"]] == [
        ("user", "hi", "messages[0].content[0].value"),
        ("assistant", "Hello! I am {{name}}, an AI assistant developed by {{author}}. How can I assist you today?",
         "messages[1].content[0].value")]

    ff = _row(release, "firefly/dummy_data.jsonl", 1)
    assert len(ff["turns"]) == 10 and ff["turns"][9]["path"] == "conversation[4].assistant"
    assert ff["output"].startswith("金融机构需要对客户的隐私和数据安全高度重视")

    belle = _row(release, "belle/zh_seed_tasks.json", 1)
    assert (belle["format"], belle["instruction"], belle["output"]) == ("other", "请以下面词语为主题写一首诗", "")
    assert [t["path"] for t in belle["whole"]] == ["instruction"]


def test_each_rows_bytes_are_its_record_and_its_id_their_hash(release, formats_root):
    """Offsets and ends hold every row's raw record (an array's pretty-printed record
    too); its id is XXH3 of those bytes, as for a JSONL line; every path reads its text."""
    for file in TABLE:
        part = release.frame.with_row_index("_i").filter(file=file).head(40)
        data = (formats_root / file).read_bytes()
        for i, rid, turns in zip(part["_i"], part["rid"], part.select(all_turns())["turns"]):
            raw = data[release.offsets[i]:release.ends[i]]
            assert xxhash.xxh3_64_intdigest(raw) == rid
            obj = json.loads(raw)
            for t in turns:
                got = jp.value_at(obj, t["path"])
                assert (got if isinstance(got, str) else json.dumps(got, ensure_ascii=False)) == t["text"]
    # a pretty-printed array record spans several lines of its file
    assert b"\n" in _raw(release, "llamafactory/alpaca_zh_demo.json", 1)


def test_validate_json_lists_the_formats(formats_root, tmp_path):
    from tests.core.cli_support import run_cli

    result = run_cli(tmp_path, "validate", str(formats_root), "--json")
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)["file_formats"]
    assert sorted((f["file"], f["format"], f["rows"]) for f in got) == sorted((k, *v) for k, v in TABLE.items())
