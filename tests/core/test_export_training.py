"""Export for training (`export --to alpaca|sharegpt|openai`): the curated rows of every
format converted, read back by our own loader as the target format with the same texts,
preference pairs in their own file, what a target cannot hold left out and named, and
LLaMA-Factory's dataset_info.json entries beside them (other entries kept)."""
from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from app.core.curate.edits import EditField, Reject
from app.core.curate.overlay import Overlay
from app.core.export.training import TrainingExportError, dataset_info_entry, export_training
from app.core.load.loader import load_release
from app.core.load.schema import all_turns
from app.core.store.curation import Curation

from .cli_support import one_error_line, run_cli

FILES = {  # real file -> (rows, preference pairs)
    "llamafactory/alpaca_zh_demo.json": (1000, 0),
    "llamafactory/dpo_zh_demo.json": (0, 300),
    "llamafactory/glaive_toolcall_zh_demo.json": (300, 0),
    "llamafactory/v1_sft_demo.jsonl": (500, 0),
    "medicalgpt/sharegpt_zh_1K_format.jsonl": (1000, 0),
    "firefly/dummy_data.jsonl": (33, 0),
}
TARGET_FORMAT = {"alpaca": "alpaca", "sharegpt": "sharegpt", "openai": "openai"}


def _texts(frame: pl.DataFrame) -> list[list[str]]:
    """Every row's conversation as texts (system first), Alpaca's input joined to its turn."""
    turns = frame.select(all_turns()).to_series().to_list()
    out = []
    for row in turns:
        texts, system = [], []
        for t in row:
            if t["role"] == "system":
                system.append(t["text"])
            elif t["path"] == "input":
                texts[-1] += "\n" + t["text"]
            else:
                texts.append(t["text"])
        out.append(["\n".join(system)] + texts)
    return out


@pytest.mark.parametrize("target", ["alpaca", "sharegpt", "openai"])
@pytest.mark.parametrize("name", sorted(FILES))
def test_every_format_converts_and_reads_back_with_the_same_texts(formats_root, tmp_path, name, target):
    release = load_release(formats_root / name)
    result = export_training(Overlay().current_frame(release.frame), tmp_path, target, "ds")
    sft, pref = FILES[name]
    left = result.left_out
    assert result.sft_rows + result.preference_rows + left.height == sft + pref
    if target != "alpaca":  # every real conversation fits ShareGPT and OpenAI but the 7 that end with the user
        assert left.height == (7 if name.startswith("medicalgpt") else 0), left
    elif "glaive" in name:  # function calls have no place in Alpaca: left out, named
        assert left.height == 159 and set(left["reason"]) == {
            "Alpaca has no place for function calls or tool results: export it --to sharegpt or openai"}
    assert set(left.columns) == {"file", "line", "reason"} and left["file"].to_list() == [Path(name).name] * left.height
    kept = release.frame.filter(~pl.col("line").is_in(left["line"].implode()))
    for suffix, rows, want in (("", result.sft_rows, sft), ("_preference", result.preference_rows, pref)):
        path = tmp_path / f"ds{suffix}.jsonl"
        assert path.exists() == (rows > 0)
        if not rows:
            continue
        back = load_release(path)
        assert back.report.bad_lines == [] and back.frame.height == rows
        assert set(back.frame["format"]) == {"preference" if suffix else TARGET_FORMAT[target]}
        source = kept.filter(pl.col("format") == "preference") if suffix else kept.filter(pl.col("format") != "preference")
        assert _texts(back.frame) == _texts(source)
        if suffix:
            assert back.frame["rejected"].to_list() == source["rejected"].to_list()
    info = json.loads((tmp_path / "dataset_info.json").read_text(encoding="utf-8"))
    assert info == {f"ds{s}": dataset_info_entry(target, f"ds{s}.jsonl", bool(s))
                    for s, n in (("", result.sft_rows), ("_preference", result.preference_rows)) if n}


def test_dataset_info_entries_are_llama_factory_s():
    assert dataset_info_entry("alpaca", "a.jsonl", False) == {"file_name": "a.jsonl", "columns": {
        "prompt": "instruction", "query": "input", "response": "output", "system": "system", "history": "history"}}
    assert dataset_info_entry("sharegpt", "s.jsonl", True) == {
        "file_name": "s.jsonl", "ranking": True, "formatting": "sharegpt",
        "columns": {"messages": "conversations", "system": "system", "tools": "tools", "chosen": "chosen",
                    "rejected": "rejected"}}
    openai = dataset_info_entry("openai", "o.jsonl", False)
    assert openai["formatting"] == "sharegpt" and openai["columns"] == {"messages": "messages"}
    assert openai["tags"]["role_tag"] == "role" and openai["tags"]["content_tag"] == "content"


def test_alpaca_history_pairs_and_system(tmp_path):
    path = tmp_path / "chat.jsonl"
    rows = [{"conversations": [{"from": "system", "value": "你是助手"}, {"from": "human", "value": "一"},
                               {"from": "gpt", "value": "二"}, {"from": "human", "value": "三"},
                               {"from": "gpt", "value": "四"}, {"from": "human", "value": "五"},
                               {"from": "gpt", "value": "六"}]},
            {"instruction": "问", "input": "补充", "output": "答"},
            {"conversations": [{"from": "human", "value": "只问"}]}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    release = load_release(path)
    result = export_training(Overlay().current_frame(release.frame), tmp_path / "out", "alpaca", "chat")
    got = [json.loads(line) for line in (tmp_path / "out" / "chat.jsonl").read_text(encoding="utf-8").splitlines()]
    assert got == [{"instruction": "五", "input": "", "output": "六", "system": "你是助手",
                    "history": [["一", "二"], ["三", "四"]]},
                   {"instruction": "问", "input": "补充", "output": "答", "system": "", "history": []}]
    assert result.left_out.rows() == [("chat.jsonl", 3, "it does not end with an assistant turn")]
    result = export_training(Overlay().current_frame(release.frame), tmp_path / "o2", "openai", "chat")
    got = [json.loads(line) for line in (tmp_path / "o2" / "chat.jsonl").read_text(encoding="utf-8").splitlines()]
    assert got[0]["messages"][0] == {"role": "system", "content": "你是助手"} and len(got[0]["messages"]) == 7
    assert got[1] == {"messages": [{"role": "user", "content": "问\n补充"}, {"role": "assistant", "content": "答"}]}


def test_edits_are_converted_rejected_rows_left_out_and_other_datasets_kept(formats_root, tmp_path):
    release = load_release(formats_root / "medicalgpt" / "sharegpt_zh_1K_format.jsonl")
    rids = release.frame["rid"].to_list()
    with Curation.open(release, tmp_path / "p.curation", author="ann") as c:
        c.apply(EditField([rids[0]], "output", "修订后的回答"))  # the last assistant turn of a conversation
        c.apply(Reject([rids[1]], "重复"))
        overlay = c.overlay
    out = tmp_path / "data"
    out.mkdir()
    (out / "dataset_info.json").write_text(json.dumps({"identity": {"file_name": "identity.json"}}), encoding="utf-8")
    result = export_training(overlay.current_frame(release.frame), out, "sharegpt", "med")
    assert result.rejected_dropped == 1 and result.sft_rows == 1000 - 1 - 7
    first = json.loads((out / "med.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["conversations"][-1] == {"from": "gpt", "value": "修订后的回答"}
    info = json.loads((out / "dataset_info.json").read_text(encoding="utf-8"))
    assert set(info) == {"identity", "med"}
    (out / "dataset_info.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(TrainingExportError, match="not a JSON object"):
        export_training(overlay.current_frame(release.frame), out, "sharegpt", "med")


def test_the_export_verb_converts_and_names_what_it_left_out(formats_root, tmp_path):
    src = formats_root / "llamafactory" / "glaive_toolcall_zh_demo.json"
    r = run_cli(tmp_path, "export", src, "--no-project", "--to", "alpaca", "--out", tmp_path / "llama")
    assert r.returncode == 0, r.stderr
    assert "converted to alpaca" in r.stderr and "141 rows in glaive_toolcall_zh_demo.jsonl" in r.stderr
    assert "159 rows left out" in r.stderr and "glaive_toolcall_zh_demo.json:" in r.stderr
    listed = (tmp_path / "llama" / "glaive_toolcall_zh_demo.left-out.tsv").read_text(encoding="utf-8").splitlines()
    assert listed[0] == "file\tline\treason" and len(listed) == 160
    info = json.loads((tmp_path / "llama" / "dataset_info.json").read_text(encoding="utf-8"))
    assert info["glaive_toolcall_zh_demo"]["file_name"] == "glaive_toolcall_zh_demo.jsonl"
    for bad in (["--format", "parquet"], ["--layout", "tree"], ["--keep-rejected"], ["--name", "a/b"]):
        r = run_cli(tmp_path, "export", src, "--no-project", "--to", "sharegpt", "--out", tmp_path / "x", *bad)
        assert r.returncode == 2 and "--" in one_error_line(r)
    r = run_cli(tmp_path, "export", src, "--no-project", "--name", "x", "--out", tmp_path / "y.jsonl")
    assert r.returncode == 2 and "--name names the dataset of --to" in one_error_line(r)
    copy = tmp_path / "mine" / src.name  # (a copy: should the guard fail, the shared files stay untouched)
    copy.parent.mkdir()
    copy.write_bytes(src.read_bytes())
    r = run_cli(tmp_path, "export", copy, "--no-project", "--to", "openai", "--out", copy.parent)
    assert r.returncode == 2 and "refusing to write into" in one_error_line(r)
    assert sorted(p.name for p in copy.parent.iterdir()) == [src.name]
