"""jieba words: our segmenter against jieba, verb-noun pairs, the pass, whole-word
search, the user dictionary and the diversity table."""
from __future__ import annotations

import subprocess
from pathlib import Path
import sys

import polars as pl
import pytest

from app.core.text import segment, wordpass as text
from app.core.query.filters import SearchSpec
from app.core.text.workpool import Cancelled

from .analysis_support import make_frame, sample_frame


@pytest.fixture(scope="module")
def jieba():
    return segment.load()


def test_importing_the_analysis_core_loads_neither_jieba_nor_datasketch():
    code = (
        "import sys; import app.core.text.wordpass, app.core.text.tokencache, app.core.text.signals, app.core.text.neardup, app.core.figures.dashboard;"
        "print(sorted(m for m in ('jieba', 'datasketch', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---- segmentation ---------------------------------------------------------------------------

CRAFTED = [
    "",
    "我家门前有一棵苹果树，苹果很甜。",
    "Python3.11 的 f-string 很好用！价格是 12.5% 和 $30。",
    "  空格\t和\r\n换行\n都保留  ",
    "abc123 def_456 中英混排Hello世界",
    "😀表情符号🎉和emoji混在一起",
    "金额：1,234,567.89元；比例为3:2。",
]


def test_segmenter_matches_jieba_on_crafted_text(jieba):
    seg = segment.segmenter()
    for s in CRAFTED:
        assert seg.cut(s) == jieba.lcut(s, HMM=False), s


def test_segmenter_matches_jieba_on_real_rows(jieba, sample_root):
    frame = sample_frame(sample_root, n=300, seed=11)
    seg = segment.segmenter()
    texts = [t for f in ("instruction", "input", "output") for t in frame[f].to_list()]
    mismatched = [t[:40] for t in texts if seg.cut(t) != jieba.lcut(t, HMM=False)]
    assert mismatched == []


# ---- verb-noun pairs -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "instruction, pair",
    [
        ("请写一首关于春天的诗", ("写", "诗")),
        ("写一篇800字的作文", ("写", "作文")),  # a measured noun is not the object
        ("给出三个提高睡眠质量的建议", ("给出", "建议")),  # head of the 的-phrase
        ("介绍一下北京大学的历史", ("介绍", "历史")),
        ("请你解释一下量子力学", ("解释", "量子力学")),  # 解释一下 is one idiom token
        ("请把下面的句子翻译成英文", ("翻译", "句子")),  # 把 fronts the object
        ("总结这篇文章的主要内容", ("总结", "内容")),  # jieba tags 总结 as a noun
        ("这个成语的意思是什么？", (None, None)),  # 是 is not a main verb
        ("根据以下内容，写一篇文章：\n今天天气很好", ("写", "文章")),  # the second clause has the verb
        ("我是一个为豆瓣写简介的工作人员，你能帮我写一段《回忆三部曲》的内容简介吗？", ("写", "内容简介")),  # persona clause skipped
        ("", (None, None)),
    ],
)
def test_verb_noun_on_known_sentences(jieba, instruction, pair):
    assert segment.verb_noun(instruction) == pair


def test_verb_noun_rules_on_tagged_tokens():
    """The rules alone, on hand-tagged tokens (no dictionary involved)."""
    tagged = [("请", "v"), ("能", "v"), ("设计", "vn"), ("一个", "m"), ("网站", "n"), ("的", "uj"), ("首页", "n")]
    assert segment.verb_noun_of(tagged) == ("设计", "首页")
    assert segment.verb_noun_of([("写", "v"), ("三", "m"), ("首", "q"), ("诗", "n")]) == ("写", "诗")
    assert segment.verb_noun_of([("写", "v"), ("100", "eng"), ("字", "n"), ("的", "uj"), ("摘要", "n")]) == ("写", "摘要")
    # the object search stops at clause punctuation
    assert segment.verb_noun_of([("回答", "v"), ("，", "x"), ("问题", "n")]) == ("回答", None)
    # a noun before the verb is a topic, not an object; auxiliaries are skipped
    assert segment.verb_noun_of([("天空", "n"), ("是", "v"), ("蓝色", "n")]) == (None, None)


# ---- the pass -----------------------------------------------------------------------------------

ROWS = [
    {"instruction": "请写一首关于春天的诗", "input": "", "output": "春眠不觉晓，处处闻啼鸟。"},
    {"instruction": "请写一首关于春天的诗", "input": "", "output": "春风又绿江南岸。"},  # same instruction
    {"instruction": "翻译成英文", "input": "我爱北京", "output": "I love Beijing."},
    {"instruction": "", "input": "", "output": ""},
]


def test_tokenise_in_process(jieba):
    frame = make_frame(ROWS)
    seen = []
    out = text.tokenise(frame, progress=lambda d, t: seen.append((d, t)))
    assert out.schema == text.RESULT_SCHEMA
    assert out["rid"].to_list() == frame["rid"].to_list()
    for row, res in zip(ROWS, out.iter_rows(named=True)):
        for f in ("instruction", "input", "output"):
            words = jieba.lcut(row[f], HMM=False)
            assert res[f"tok_{f}"] == len(words)
            assert res[f"words_{f}"] == text.SEP.join(words)
    assert out["verb"].to_list() == ["写", "写", "翻译", None]
    assert out["noun"].to_list()[:2] == ["诗", "诗"]
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1] > 0
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_tokenise_in_a_process_pool_agrees(jieba, monkeypatch, sample_root):
    frame = sample_frame(sample_root, n=120, seed=5)
    here = text.tokenise(frame, processes=1)
    monkeypatch.setattr(text, "INPROCESS_CHARS", 0)
    monkeypatch.setattr(text, "TASK_CHARS", 5_000)  # several tasks per field
    pooled = text.tokenise(frame, processes=2)
    assert pooled.equals(here)


def test_tokenise_cancel(jieba):
    frame = make_frame(ROWS)
    with pytest.raises(Cancelled):
        text.tokenise(frame, cancel=lambda: True)


# ---- the user dictionary ----------------------------------------------------------------------------

def test_user_terms_persist_and_change_segmentation(tmp_path, jieba):
    made_up = "蓝莓派司"  # not in jieba's dictionary
    assert made_up not in segment.cut(f"我喜欢{made_up}和咖啡")
    assert text.user_terms(tmp_path) == []
    assert text.add_user_term(tmp_path, made_up) == [made_up]
    assert text.add_user_term(tmp_path, f" {made_up} ") == [made_up]  # no duplicates
    assert text.add_user_term(tmp_path, "量子纠缠态") == [made_up, "量子纠缠态"]
    assert text.user_terms(tmp_path) == [made_up, "量子纠缠态"]  # read back from the project
    assert (tmp_path / text.USERDICT_NAME).read_text(encoding="utf-8") == f"{made_up}\n量子纠缠态\n"
    assert made_up in segment.cut(f"我喜欢{made_up}和咖啡")
    assert text.remove_user_term(tmp_path, made_up) == ["量子纠缠态"]
    with pytest.raises(ValueError):
        text.add_user_term(tmp_path, "两个 词")
    assert not list(tmp_path.glob(".*tmp"))  # atomic writes leave no temp files


# ---- whole-word search ----------------------------------------------------------------------------------

def test_word_pattern():
    assert text.word_pattern("苹果") == "(?:^|\x1f)苹\x1f?果(?:\x1f|$)"
    assert text.word_pattern("a.b", case_sensitive=False).startswith("(?i)")


@pytest.mark.parametrize("cached", [False, True])
def test_word_matcher_whole_words(jieba, cached):
    frame = make_frame(
        [
            {"instruction": "我家门前有一棵苹果树", "output": "很高。"},
            {"instruction": "我爱吃苹果", "output": "好的。"},
            {"instruction": "问", "output": "苹果树下的苹果很甜"},
            {"instruction": "学 Python 编程", "output": "好的。"},
            {"instruction": "问", "output": "没有水果。"},
        ]
    )
    words = text.tokenise(frame).select("rid", *text.WORD_COLUMNS.values()) if cached else None
    match = lambda spec: text.word_matcher(frame, spec, words=words).to_list()  # noqa: E731
    assert match(SearchSpec(text="苹果", mode="word")) == [False, True, True, False, False]
    assert match(SearchSpec(text="苹果树", mode="word")) == [True, False, True, False, False]
    assert match(SearchSpec(text="苹果", mode="word", fields=("instruction",))) == [False, True, False, False, False]
    assert match(SearchSpec(text="python", mode="word")) == [False, False, False, True, False]  # case-insensitive
    assert match(SearchSpec(text="python", mode="word", case_sensitive=True)) == [False] * 5
    assert match(SearchSpec(text="", mode="word")) == [False] * 5


def test_word_matcher_mixes_cached_and_uncached_rows(jieba):
    frame = make_frame([{"instruction": "我爱吃苹果"}, {"instruction": "一棵苹果树"}, {"instruction": "苹果"}])
    words = text.tokenise(frame.head(1)).select("rid", *text.WORD_COLUMNS.values())  # only the first row cached
    got = text.word_matcher(frame, SearchSpec(text="苹果", mode="word"), words=words)
    assert got.dtype == pl.Boolean and got.to_list() == [True, False, True]


def test_word_matcher_ignores_words_of_edited_rows(jieba, tmp_path):
    from app.core.text import tokencache

    frame = make_frame([{"instruction": "我爱吃苹果"}, {"instruction": "一棵苹果树"}])
    words = tokencache.ensure(frame, tmp_path, words=True)
    edited = frame.with_columns(pl.Series("instruction", ["我爱吃香蕉", "苹果好吃"]))
    spec = SearchSpec(text="苹果", mode="word")
    assert text.word_matcher(frame, spec, words=words).to_list() == [True, False]
    assert text.word_matcher(edited, spec, words=words).to_list() == [False, True]  # stale words not used


def test_word_matcher_fits_the_query_module(jieba):
    from app.core.query import filters as query

    frame = make_frame([{"instruction": "我爱吃苹果"}, {"instruction": "一棵苹果树"}])
    spec = query.FilterSpec().with_search(SearchSpec(text="苹果", mode="word"))
    assert query.count(frame, spec, word_matcher=text.word_matcher) == 1


# ---- the diversity table ---------------------------------------------------------------------------

def test_top_verb_nouns():
    pairs = pl.DataFrame(
        {
            "rid": pl.Series(range(12), dtype=pl.UInt64),
            "verb": ["写"] * 7 + ["翻译"] * 3 + ["是", None],
            "noun": ["诗", "诗", "诗", "文章", "文章", "故事", "信", "句子", None, None, None, "x"],
        }
    )
    top = text.top_verb_nouns(pairs, verbs=2, nouns=2)
    assert top.columns == ["verb", "verb_rows", "noun", "rows"]
    assert top.rows() == [("写", 7, "诗", 3), ("写", 7, "文章", 2), ("翻译", 3, "句子", 1)]
    assert sorted(text.pair_rids(pairs, "写", "文章").to_list()) == [3, 4]
    assert len(text.pair_rids(pairs, "翻译")) == 3


def test_a_packed_dictionary_is_unpacked_once_and_read_by_jieba(tmp_path):
    """The bundle ships jieba's dictionary xz-compressed: it is unpacked into the cache
    folder (atomically, once while newer than the packed file) and jieba reads it."""
    import lzma
    import os

    import jieba

    from app.core.text.segment import PACKED_DICT, unpacked_dictionary

    real = Path(jieba.__file__).with_name("dict.txt").read_bytes()
    package, cache = tmp_path / "jieba", tmp_path / "cache"
    package.mkdir()
    assert unpacked_dictionary(package, cache) is None  # nothing packed: jieba's own dict.txt
    (package / PACKED_DICT).write_bytes(lzma.compress(real, preset=1))
    out = unpacked_dictionary(package, cache)
    assert out == cache / "dict.txt" and out.read_bytes() == real and not list(cache.glob(".dict.txt.*"))
    os.utime(out, (1, 1))  # older than the packed file: unpacked again
    assert unpacked_dictionary(package, cache).stat().st_mtime > 1
    (package / "dict.txt").write_bytes(b"")
    assert unpacked_dictionary(package, cache) is None  # from source: jieba's own file
    # jieba reads the unpacked copy in a fresh process, as a frozen worker does
    code = ("import sys, jieba; from pathlib import Path; jieba.setLogLevel(60); jieba.dt.tmp_dir = sys.argv[2]; "
            "jieba.dt.set_dictionary(sys.argv[1]); print('/'.join(jieba.lcut('我爱北京天安门', HMM=False)))")
    r = subprocess.run([sys.executable, "-c", code, str(out), str(cache)], capture_output=True, text=True, timeout=120)
    assert r.stdout.strip() == "我/爱/北京/天安门", r.stderr
