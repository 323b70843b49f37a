"""Each file exported in its own format (issue 23 point 8), on the real files of
../shared/data/formats: an untouched export is the release byte for byte (JSON arrays,
JSON lines) or the same table (Parquet); one edit changes only that record's bytes and
re-loads as edited; a rejected record is gone and the array still valid JSON."""
from __future__ import annotations

import json
import shutil

import polars as pl
import pytest

from app.core.curate.edits import Reject, plan_change
from app.core.curate.pathcommands import DeleteTurn, EditPath
from app.core.curate.overlay import BaseLookup, Overlay
from app.core.export.exporter import export_release
from app.core.load.loader import load_release
from app.core.load.schema import all_turns

ARRAYS = ["llamafactory/alpaca_zh_demo.json", "llamafactory/dpo_zh_demo.json",
          "llamafactory/glaive_toolcall_zh_demo.json"]


def curated(release, *commands) -> Overlay:
    overlay, base = Overlay(), BaseLookup(release.frame)
    for cmd in commands:
        overlay = overlay.with_states(plan_change(cmd, overlay, base, author="t", now="now").after)
    return overlay


def span(release, file, line) -> tuple[int, int]:
    at = release.frame.with_row_index("_i").filter(file=file, line=line)["_i"][0]
    return release.offsets[at], release.ends[at]


def row(release, file, line) -> dict:
    return release.frame.filter(file=file, line=line).with_columns(all_turns().alias("whole")).row(0, named=True)


@pytest.fixture(scope="module")
def release(formats_root):
    return load_release(formats_root)


def test_an_untouched_tree_export_is_the_release_byte_for_byte(release, tmp_path):
    result = export_release(release, None, tmp_path / "out", layout="tree")
    assert result.rows == release.frame.height
    for info in release.report.file_infos:
        name = info.rel if info.kind == "array" else info.rel.rsplit(".", 1)[0] + ".jsonl"
        assert (tmp_path / "out" / name).read_bytes() == (release.root / info.rel).read_bytes(), info.rel


@pytest.mark.parametrize("file", ARRAYS)
def test_one_edit_changes_only_that_record_s_bytes(release, tmp_path, file):
    line = 7
    turns = row(release, file, line)["whole"]
    path = turns[-1]["path"]  # output / chosen.value / the last gpt turn
    rid = release.frame.filter(file=file, line=line)["rid"][0]
    result = export_release(release, curated(release, EditPath((rid,), path, "改过的回答，\"引号\"")),
                            tmp_path / "out", layout="tree")
    assert result.edited == 1
    old, new = (release.root / file).read_bytes(), (tmp_path / "out" / file).read_bytes()
    start, end = span(release, file, line)
    assert new[:start] == old[:start]
    tail = len(old) - end
    assert new[len(new) - tail:] == old[end:]
    record = json.loads(new[start: len(new) - tail])
    assert list(record) == list(json.loads(old[start:end]))  # no key added, order kept
    again = load_release(tmp_path / "out" / file)
    assert row(again, file.rsplit("/", 1)[1], line)["whole"][-1]["text"] == "改过的回答，\"引号\""


@pytest.mark.parametrize("line", [1, 150, 300])
def test_a_rejected_record_is_gone_and_the_array_still_json(release, tmp_path, line):
    file = "llamafactory/dpo_zh_demo.json"
    rid = release.frame.filter(file=file, line=line)["rid"][0]
    export_release(release, curated(release, Reject((rid,))), tmp_path / "out", layout="tree")
    before = json.loads((release.root / file).read_bytes())
    after = json.loads((tmp_path / "out" / file).read_bytes())
    assert after == before[: line - 1] + before[line:]
    text = (tmp_path / "out" / file).read_text(encoding="utf-8")
    assert "\n  }\n]" in text[-10:] or text.rstrip().endswith("]")


def test_every_record_rejected_leaves_an_empty_array(tmp_path):
    (tmp_path / "rel").mkdir()
    (tmp_path / "rel" / "a.json").write_text('[\n  {"instruction": "a", "output": "b"},\n  {"instruction": "c", '
                                             '"output": "d"}\n]\n', encoding="utf-8")
    release = load_release(tmp_path / "rel")
    export_release(release, curated(release, Reject(release.frame["rid"])), tmp_path / "out.json")
    assert json.loads((tmp_path / "out.json").read_bytes()) == []


def test_a_deleted_turn_goes_with_its_separator(release, tmp_path):
    file = "llamafactory/glaive_toolcall_zh_demo.json"
    rid = release.frame.filter(file=file, line=1)["rid"][0]
    export_release(release, curated(release, DeleteTurn((rid,), "conversations[1]")), tmp_path / "out", layout="tree")
    before = json.loads((release.root / file).read_bytes())
    after = json.loads((tmp_path / "out" / file).read_bytes())
    del before[0]["conversations"][1]
    assert after == before


def test_a_single_file_export_of_one_array_is_that_array(release, tmp_path):
    one = load_release(release.root / "llamafactory" / "dpo_zh_demo.json")
    export_release(one, None, tmp_path / "dpo.json")
    assert (tmp_path / "dpo.json").read_bytes() == (release.root / "llamafactory" / "dpo_zh_demo.json").read_bytes()


def test_a_single_file_export_of_a_mixed_release_is_each_record_as_a_line(release, tmp_path):
    file = "llamafactory/alpaca_zh_demo.json"
    rid = release.frame.filter(file=file, line=2)["rid"][0]
    export_release(release, curated(release, EditPath((rid,), "output", "新")), tmp_path / "all.jsonl")
    again = load_release(tmp_path / "all.jsonl")
    assert again.frame.height == release.frame.height and not again.report.bad_lines
    lines = (tmp_path / "all.jsonl").read_bytes().splitlines()
    originals = []
    for info in release.report.file_infos:
        data = (release.root / info.rel).read_bytes()
        originals += json.loads(data) if info.kind == "array" else [json.loads(x) for x in data.splitlines() if x.strip()]
    expected = [dict(o) for o in originals]
    k = [f.rel for f in release.report.file_infos].index(file)
    first = sum(f.rows for f in release.report.file_infos[:k])
    expected[first + 1]["output"] = "新"
    assert [json.loads(x) for x in lines] == expected


# ---- Parquet --------------------------------------------------------------------------------

@pytest.fixture()
def parquet_release(formats_root, tmp_path):
    """The DPO demo's records as a Parquet file (nested structs and lists), with a column
    no format knows."""
    records = json.loads((formats_root / "llamafactory" / "dpo_zh_demo.json").read_bytes())[:40]
    frame = pl.DataFrame(records).with_columns(pl.int_range(40, dtype=pl.Int64).alias("unknown_n"))
    (tmp_path / "rel").mkdir()
    frame.write_parquet(tmp_path / "rel" / "dpo.parquet")
    return load_release(tmp_path / "rel"), frame


def test_an_untouched_parquet_export_is_the_same_table(parquet_release, tmp_path):
    release, frame = parquet_release
    export_release(release, None, tmp_path / "out", layout="tree")
    assert pl.read_parquet(tmp_path / "out" / "dpo.parquet").equals(frame)


def test_a_parquet_edit_and_reject_keep_its_schema(parquet_release, tmp_path):
    release, frame = parquet_release
    rids = release.frame["rid"]
    overlay = curated(release, EditPath((rids[3],), "conversations[0].value", "新的问题"),
                      EditPath((rids[3],), "rejected.value", "新的坏回答"), Reject((rids[5],)))
    export_release(release, overlay, tmp_path / "out", layout="tree")
    got = pl.read_parquet(tmp_path / "out" / "dpo.parquet")
    assert got.schema == frame.schema and got.height == 39
    expected = frame.to_dicts()
    expected[3]["conversations"][0]["value"] = "新的问题"
    expected[3]["rejected"]["value"] = "新的坏回答"
    del expected[5]
    assert got.to_dicts() == expected
    again = load_release(tmp_path / "out")
    assert again.frame.filter(line=4)["instruction"][0] == "新的问题"


def test_a_jsonl_tree_export_still_splices_lines(formats_root, tmp_path):
    shutil.copytree(formats_root / "medicalgpt", tmp_path / "rel")
    release = load_release(tmp_path / "rel")
    rid = release.frame.filter(line=3)["rid"][0]
    export_release(release, curated(release, EditPath((rid,), "conversations[1].value", "答")), tmp_path / "out",
                   layout="tree")
    old = (tmp_path / "rel" / "sharegpt_zh_1K_format.jsonl").read_bytes().split(b"\n")
    new = (tmp_path / "out" / "sharegpt_zh_1K_format.jsonl").read_bytes().split(b"\n")
    assert [i for i, (a, b) in enumerate(zip(old, new)) if a != b] == [2] and len(old) == len(new)
    assert json.loads(new[2])["conversations"][1]["value"] == "答"


def test_a_bad_record_is_left_out_with_its_separator_or_kept(tmp_path):
    (tmp_path / "rel").mkdir()
    data = b'[\n  {"instruction": "a", "output": "b"},\n  {"instruction": "c", "output": NaN},\n  {"instruction": "e", "output": "f"}\n]\n'
    (tmp_path / "rel" / "a.json").write_bytes(data)
    release = load_release(tmp_path / "rel")
    assert [b.line for b in release.report.bad_lines] == [2]
    result = export_release(release, None, tmp_path / "out.json")
    assert result.bad_lines_dropped == 1
    assert (tmp_path / "out.json").read_bytes() == data.replace(b'  {"instruction": "c", "output": NaN},\n', b"")
    export_release(release, None, tmp_path / "kept.json", keep_bad_lines=True)
    assert (tmp_path / "kept.json").read_bytes() == data


def test_a_rejected_record_kept_is_marked_in_place(tmp_path):
    (tmp_path / "rel").mkdir()
    data = b'[{"instruction": "a", "output": "b"}, {"instruction": "c", "output": "d"}]'
    (tmp_path / "rel" / "a.json").write_bytes(data)
    release = load_release(tmp_path / "rel")
    overlay = curated(release, Reject((release.frame["rid"][1],), "重复"))
    export_release(release, overlay, tmp_path / "out.json", keep_rejected=True)
    assert (tmp_path / "out.json").read_bytes() == (
        '[{"instruction": "a", "output": "b"}, {"instruction": "c", "output": "d", '
        '"_curation": {"status":"rejected","reason":"重复"}}]').encode()


def test_a_parquet_export_keeps_every_field_of_every_record(release, tmp_path):
    """--format parquet: the inner columns, the curation, and each row's record (its own
    keys, unknown ones too, edits written back)."""
    file = "llamafactory/glaive_toolcall_zh_demo.json"
    rid = release.frame.filter(file=file, line=4)["rid"][0]
    overlay = curated(release, EditPath((rid,), "conversations[0].value", "新问"))
    export_release(release, overlay, tmp_path / "all.parquet", fmt="parquet")
    got = pl.read_parquet(tmp_path / "all.parquet")
    assert got.height == release.frame.height and got.columns[-3:] == ["status", "reason", "record"]
    originals = {}
    for info in release.report.file_infos:
        data = (release.root / info.rel).read_bytes()
        objs = json.loads(data) if info.kind == "array" else [json.loads(x) for x in data.splitlines() if x.strip()]
        originals.update({(info.rel, k): o for k, o in enumerate(objs, 1)})
    originals[(file, 4)]["conversations"][0]["value"] = "新问"
    for f, line, record in got.select("file", "line", "record").iter_rows():
        assert json.loads(record) == originals[(f, line)]
    assert "\n" not in "".join(got["record"].to_list())
