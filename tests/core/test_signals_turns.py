"""Signals, near-duplicates read the whole conversation (issue 23 point 6): an exact
duplicate is the same conversation (every turn, system, tools, the rejected response), a
text signal sees every turn, and on the real files of other formats no conversation file
comes out all duplicates or all empty answers."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import polars as pl

from app.core.load.loader import load_release
from app.core.text import neardup, signals


def _frame(tmp_path: Path, records: list[dict]) -> pl.DataFrame:
    path = tmp_path / "chat.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return load_release(path).frame


def _chat(*texts: str, **extra) -> dict:
    return {"conversations": [{"from": "human" if i % 2 == 0 else "gpt", "value": t} for i, t in enumerate(texts)], **extra}


def _flags(frame: pl.DataFrame, name: str) -> list[bool]:
    return signals.evaluate(frame, [name])[f"sig_{name}"].to_list()


def test_an_exact_duplicate_is_the_same_whole_conversation(tmp_path):
    frame = _frame(tmp_path, [
        _chat("你好", "第一种中间回答", "再问", "同样的结尾"),
        _chat("你好", "第二种中间回答", "再问", "同样的结尾"),  # same first question and last answer only
        _chat("你好", "第一种中间回答", "再问", "同样的结尾", system="另一个系统提示"),
        _chat("你好", "第一种中间回答", "再问", "同样的结尾"),  # the first, again
    ])
    assert _flags(frame, "exact_dup") == [True, False, False, True]


def test_text_signals_read_every_turn_and_the_system_text(tmp_path):
    frame = _frame(tmp_path, [
        _chat("问题", "中间提到邮箱 zhang.wei@qq.com 请联系", "追问", "最后的回答。"),
        _chat("问题", "回答。", system="参考 https://example.com/page"),
        _chat("问题", "回答。"),
    ])
    assert _flags(frame, "pii_email") == [True, False, False]
    assert _flags(frame, "url") == [False, True, False]


def test_near_duplicates_read_the_whole_conversation(tmp_path):
    middle = "这是一段很长的中间对话内容，用来区分两段对话是否真的相同，里面有许多不同的字。"
    other = "完全不同的另一段中间内容，讲的是天气、饮食和旅行计划，与上一段毫无关系的文字。"
    frame = _frame(tmp_path, [_chat("你好", middle, "再问", "结尾"), _chat("你好", other, "再问", "结尾")])
    found = neardup.find_near_duplicates(frame, processes=1)
    assert found.count == 0  # same first question and last answer, different conversations


def _whole_key(obj: dict) -> str:
    """A conversation record as the curator reads it: every turn (role, text), the system
    text, tools and the rejected response, without paths or ids."""
    turns = [(t.get("from"), t.get("value")) for t in obj.get("conversations", [])]
    return json.dumps([turns, obj.get("system"), obj.get("tools"), obj.get("chosen"), obj.get("rejected")],
                      ensure_ascii=False, sort_keys=True)


def test_no_conversation_file_of_the_real_formats_is_all_duplicates_or_empty(formats_root):
    frame = load_release(formats_root).frame
    flagged = pl.concat([frame.select("file", "format"), signals.evaluate(frame, ["exact_dup", "placeholder"]).drop("rid")],
                        how="horizontal")
    per_file = flagged.group_by("file").agg(pl.len(), pl.col("sig_exact_dup").sum(), pl.col("sig_placeholder").sum(),
                                            pl.col("format").first())
    conversations = per_file.filter(~pl.col("format").is_in(["cqia", "alpaca", "other"]))
    assert conversations.height >= 4
    for row in conversations.iter_rows(named=True):
        assert row["sig_exact_dup"] < row["len"] and row["sig_placeholder"] < row["len"], row
    # the ShareGPT tool-call demo: exactly the records that repeat whole are flagged
    rel = "llamafactory/glaive_toolcall_zh_demo.json"
    records = json.loads((formats_root / rel).read_text(encoding="utf-8"))
    counts = Counter(_whole_key(r) for r in records)
    want = sum(1 for r in records if counts[_whole_key(r)] > 1)
    got = flagged.filter(pl.col("file") == rel)["sig_exact_dup"].sum()
    assert got == want
