"""The jieba pass reads every turn (issue 23 point 6): a conversation's words are counted
and indexed, whole-word search finds a word in any turn (by role too), the token cache's
key changes with a turn's text, and the diversity pair comes from the first user turn."""
from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from app.core.load.loader import load_release
from app.core.query.filters import SearchSpec
from app.core.text import segment, tokencache, wordpass


@pytest.fixture(scope="module")
def jieba():
    return segment.load()


RECORDS = [
    {"conversations": [{"from": "human", "value": "你好"}, {"from": "gpt", "value": "我爱吃苹果"},
                       {"from": "human", "value": "还有呢"}, {"from": "gpt", "value": "结束了。"}],
     "system": "你是果农"},
    {"conversations": [{"from": "human", "value": "一棵苹果树"}, {"from": "gpt", "value": "好的。"}]},
    {"instruction": "写一首诗", "input": "", "output": "苹果", "history": [["请翻译这句话", "好的"]]},
    {"instruction": "我爱吃苹果", "input": "", "output": "好的。", "task_type": {"major": ["问答"]}},
]


def _frame(tmp_path: Path) -> pl.DataFrame:
    root = tmp_path / "rel"
    root.mkdir(exist_ok=True)
    for i, rec in enumerate(RECORDS):  # one file each, each in its own format
        (root / f"r{i}.jsonl").write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    return load_release(root).frame.sort("file")


def test_the_pass_counts_and_indexes_every_turn(jieba, tmp_path):
    frame = _frame(tmp_path)
    out = wordpass.tokenise(frame, processes=1)
    whole = "你是果农\n你好\n我爱吃苹果\n还有呢\n结束了。"  # system first, then every turn
    assert out["words_conversation"][0] == wordpass.SEP.join(jieba.lcut(whole, HMM=False))
    assert out["tok_conversation"][0] == len(jieba.lcut(whole, HMM=False))
    # a single-turn row's conversation is its three fields: its count is theirs together
    cqia = out.row(3, named=True)
    assert cqia["tok_conversation"] == cqia["tok_instruction"] + cqia["tok_input"] + cqia["tok_output"]


@pytest.mark.parametrize("cached", [False, True])
def test_word_search_finds_a_word_in_any_turn_and_by_role(jieba, tmp_path, cached):
    frame = _frame(tmp_path)
    words = wordpass.tokenise(frame, processes=1).select("rid", *wordpass.WORD_COLUMNS.values()) if cached else None

    def match(**kw) -> list[bool]:
        return wordpass.word_matcher(frame, SearchSpec(mode="word", **kw), words=words).to_list()

    assert match(text="苹果") == [True, False, True, True]  # a middle assistant turn; 苹果树 is another word
    assert match(text="苹果", role="user") == [False, False, False, True]
    assert match(text="苹果", role="assistant") == [True, False, True, False]
    assert match(text="果农", role="system") == [True, False, False, False]
    assert match(text="果农", role="user") == [False] * 4


def test_the_cache_key_changes_with_a_turn(jieba, tmp_path):
    frame = _frame(tmp_path)
    key = frame.select(wordpass.content_key())["key"]
    turns = frame["turns"].to_list()
    turns[0][1]["text"] = "我爱吃香蕉"
    edited = frame.with_columns(pl.Series("turns", turns, dtype=frame.schema["turns"]))
    assert edited.select(wordpass.content_key())["key"].to_list()[1:] == key.to_list()[1:]
    assert edited.select(wordpass.content_key())["key"][0] != key[0]
    got = tokencache.ensure(frame, tmp_path / "p", words=True, processes=1)
    again = tokencache.ensure(edited, tmp_path / "p", words=True, processes=1)
    assert "苹果" in got["words_conversation"][0] and "苹果" not in again["words_conversation"][0]


def test_the_diversity_pair_comes_from_the_first_user_turn(jieba, tmp_path):
    frame = _frame(tmp_path)
    out = wordpass.tokenise(frame, processes=1)
    # the Alpaca record with history: its first user turn asks to translate, its instruction to write
    assert out["verb"][2] == segment.verb_noun("请翻译这句话")[0] != segment.verb_noun("写一首诗")[0]
    assert out["verb"][3] == segment.verb_noun("我爱吃苹果")[0]
