"""Every quality signal on crafted rows that must and must not trip it, and the registry."""
from __future__ import annotations

import random

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.text import signals
from app.core.text.signals.base import Signal

from .analysis_support import make_frame

LONG_OK = "这是一段完整的回答，内容充实，结构清楚，结尾有句号。"


def flags(name: str, rows: list[dict]) -> list[bool]:
    frame = make_frame(rows)
    out = signals.evaluate(frame, [name])
    assert out.columns == ["rid", f"sig_{name}"]
    assert out["rid"].to_list() == frame["rid"].to_list()
    return out[f"sig_{name}"].to_list()


def outputs(name: str, texts: list[str], **extra) -> list[bool]:
    return flags(name, [{"instruction": "问题", "output": t, **extra} for t in texts])


# ---- the registry ------------------------------------------------------------------------

def test_registry_lists_every_signal_once_with_texts():
    expected = {
        "exact_dup", "dup_instruction", "dup_instruction_cross", "placeholder", "short_output", "truncated",
        "low_cjk", "repeated_ngram", "mojibake", "url", "html", "boilerplate", "pii_id", "pii_mobile", "pii_bank_card",
        "pii_email", "pii_passport", "llm_unverified", "traditional",
    }
    assert set(signals.REGISTRY) == expected
    for name, sig in signals.REGISTRY.items():
        assert sig.name == name and sig.column == f"sig_{name}"
        assert sig.title_zh and sig.title_en and len(sig.description) > 20
        assert (sig.expr is None) != (sig.compute is None)
    # only the back-reference test (numpy) and the script test (OpenCC's dictionaries) are not Polars expressions
    assert [s.name for s in signals.REGISTRY.values() if s.compute] == ["repeated_ngram", "traditional"]


def test_signal_needs_exactly_one_implementation():
    with pytest.raises(ValueError):
        Signal("x", "x", "x", "x")
    with pytest.raises(ValueError):
        Signal("x", "x", "x", "x", expr=lambda f: pl.lit(True), compute=lambda f: pl.Series([True]))


def test_unknown_signal_is_named_in_the_error():
    with pytest.raises(KeyError, match="nope"):
        signals.evaluate(make_frame([{}]), ["nope"])


def test_evaluate_all_and_counts_agree():
    frame = make_frame(
        [
            {"instruction": "问题", "output": "暂无"},
            {"instruction": "问题", "output": "暂无"},
            {"instruction": "另一个问题", "output": LONG_OK, "answer_from": "llm", "human_verified": False},
        ]
    )
    ev = signals.evaluate(frame)
    assert ev.columns == ["rid", *signals.columns()]
    assert all(ev.schema[c] == pl.Boolean for c in signals.columns())
    assert ev.null_count().sum_horizontal().item() == 0
    counted = signals.counts(frame)
    assert counted.columns == ["name", "title_zh", "title_en", "rows"]
    by_name = dict(zip(counted["name"], counted["rows"]))
    assert by_name["placeholder"] == 2 and by_name["exact_dup"] == 2 and by_name["llm_unverified"] == 1
    assert by_name["dup_instruction"] == 2
    # counting an evaluated frame sums its columns instead of recomputing
    assert signals.counts(ev).equals(counted)


def test_empty_frame():
    frame = make_frame([])
    assert signals.evaluate(frame).height == 0
    assert signals.counts(frame)["rows"].sum() == 0


# ---- duplicates -----------------------------------------------------------------------------

def test_exact_duplicates_need_all_three_fields():
    rows = [
        {"instruction": "问", "input": "甲", "output": "答"},
        {"instruction": "问", "input": "甲", "output": "答"},
        {"instruction": "问", "input": "乙", "output": "答"},  # other input
        {"instruction": "问", "input": "甲", "output": "答。"},  # other output
    ]
    assert flags("exact_dup", rows) == [True, True, False, False]


def test_duplicate_instruction_within_and_across_subsets():
    rows = [
        {"instruction": "什么是光合作用？", "output": "一", "subset": "a"},
        {"instruction": "什么是光合作用？ ", "output": "二", "subset": "a"},  # white space differs only
        {"instruction": "什么是光合作用？", "output": "三", "subset": "b"},
        {"instruction": "翻译下面的句子", "input": "你好", "subset": "a"},
        {"instruction": "翻译下面的句子", "input": "再见", "subset": "a"},  # same template, other input
        {"instruction": "", "output": "x", "subset": "a"},
        {"instruction": "", "output": "y", "subset": "a"},  # empty instructions are not duplicates
    ]
    assert flags("dup_instruction", rows) == [True, True, False, False, False, False, False]
    assert flags("dup_instruction_cross", rows) == [True, True, True, False, False, False, False]


# ---- answers ----------------------------------------------------------------------------------

def test_placeholder_answers():
    pos = ["", "   \n", "暂无", "无", "无。", "略", "同上", "N/A", "n/a", " null ", "暂无答案"]
    neg = ["无锡是江苏的城市。", "略微有点咸。", "暂无定论，但多数学者认为如此。", "不是", "42"]
    assert outputs("placeholder", pos) == [True] * len(pos)
    assert outputs("placeholder", neg) == [False] * len(neg)


def test_short_output():
    q = "请详细解释一下为什么天空是蓝色的，并说明傍晚时天空为什么会变成红色或橙色。"  # 37 chars
    rows = [
        {"instruction": q, "output": "因为散射。"},  # 5 < 37 * 0.2
        {"instruction": q, "output": "因为瑞利散射：短波长的蓝光更容易被空气分子散射。"},
        {"instruction": "1+1=?", "output": "2"},  # short question, short answer is fine
        {"instruction": q, "output": ""},  # empty is the placeholder signal's job
        {"instruction": "短题", "input": q, "output": "B"},  # the input counts as part of the question
    ]
    assert flags("short_output", rows) == [True, False, False, False, True]


def test_truncated_outputs():
    pos = [
        "这部电影讲述了一个少年在战乱年代寻找家人的故事，他一路向北走去",  # ends on a character
        "故事的主人公在一个小镇长大，后来他离开家乡去了大城市，",  # ends on a comma
        "实现方法如下：\n```python\nfor i in range(10):\n    print(i)",  # unclosed code fence
        "请按照以下步骤操作：首先打开设置页面，然后找到网络选项：",
    ]
    neg = [
        LONG_OK,
        "他说：“今天的天气真不错，我们一起去公园散步吧！”",
        "这部电影真的很好看，推荐大家周末去电影院看看吧",  # sentence-final particle
        "示例代码如下，直接复制即可运行：\n```python\nprint('hello')\n```",
        "主要有以下几个原因：\n1. 气候变化导致降雨减少\n2. 过度开采地下水资源",  # list item
        "推荐理由如下，大家可以参考一下：\n🌟适合所有肤质使用",  # emoji bullet
        "项目名称：城市更新改造工程\n联合体成员：宏达京建投资发展有限公司",  # key：value line
        "不是",  # too short to be prose
        "The answer is simply that the sky scatters blue light more than red light",  # no Chinese
        "计算结果为 3.1415926，保留两位小数后约等于 3.14",  # ends on a number
        "这里有很多好吃的东西😋😋",  # emoji
    ]
    assert outputs("truncated", pos) == [True] * len(pos)
    assert outputs("truncated", neg) == [False] * len(neg)


def test_low_cjk_ratio():
    pos = ["This answer is entirely written in English without Chinese.", "{\"PREDICTION\": \"BALANCE\"} 结果"]
    neg = [
        LONG_OK,
        "OK",  # too short to judge
        "用 Python 实现如下：\n```python\ndef add(a, b):\n    return a + b\n```\n这个函数返回两数之和。",  # code is left out
        "Vue 的响应式系统基于依赖收集与派发更新两部分组成。",
    ]
    assert outputs("low_cjk", pos) == [True] * len(pos)
    assert outputs("low_cjk", neg) == [False] * len(neg)


def test_repeated_ngram():
    pos = [
        "好的" + "我爱你" * 6 + "。",
        "哈" * 12,
        "结尾处开始循环：the model the model the model the model the model",
        "[赞R][赞R][赞R][赞R][赞R]",
    ]
    neg = [
        LONG_OK,
        "哈哈哈哈，太好笑了。",  # short laughter
        "很疼很疼很疼很疼",  # emphasis: 4 copies but only 8 characters
        "分割线\n------------------------------\n下一节",  # punctuation only
        "一二三四五六七八九十，甲乙丙丁戊己庚辛壬癸。",
        "",
    ]
    assert outputs("repeated_ngram", pos) == [True] * len(pos)
    assert outputs("repeated_ngram", neg) == [False] * len(neg)


def test_repeated_ngram_does_not_cross_rows():
    # each row ends with part of a unit that the next row continues: still no loop
    assert outputs("repeated_ngram", ["我爱你我爱你", "我爱你我爱你", "我爱你我爱你"]) == [False] * 3


def test_repeated_ngram_in_large_batches(monkeypatch):
    from app.core.text.signals import repeated_ngram

    monkeypatch.setattr(repeated_ngram, "CHUNK_CHARS", 50)  # many chunks, one flagged row in the middle
    texts = [LONG_OK] * 20 + ["开始" + "重复的话" * 8] + [LONG_OK] * 20
    got = repeated_ngram.repeated(texts)
    assert got.tolist() == [False] * 20 + [True] + [False] * 20


def test_repeated_ngram_reads_the_column_a_slice_at_a_time(monkeypatch):
    # A 500,000-row to_list would hold the GIL for most of a second: the column is read a
    # few rows at a time, and the flags do not depend on where slices (or chunks) are cut.
    from app.core.text.signals import repeated_ngram

    texts = [LONG_OK] * 7 + ["开始" + "重复的话" * 8, None] + [LONG_OK] * 6 + ["哈" * 12]
    frame = make_frame([{"instruction": "问题", "output": t} for t in texts])
    whole = repeated_ngram._compute(frame).to_list()
    monkeypatch.setattr(repeated_ngram, "ROWS_PER_READ", 4)
    monkeypatch.setattr(repeated_ngram, "CHUNK_CHARS", 60)
    sliced = []
    real_slice = pl.Series.slice
    monkeypatch.setattr(pl.Series, "slice", lambda self, *a, **k: sliced.append(a) or real_slice(self, *a, **k))
    assert list(repeated_ngram._texts(frame["output"])) == frame["output"].to_list()
    assert sliced == [(0, 4), (4, 4), (8, 4), (12, 4)]
    assert repeated_ngram._compute(frame).to_list() == whole == [False] * 7 + [True, False] + [False] * 6 + [True]


def test_mojibake():
    pos = ["这是一个\ufffd字", "锟斤拷锟斤拷", "cafÃ© au lait", "itâ€™s", "中文锛屾垜浠", "烫烫烫烫"]
    neg = [LONG_OK, "café au lait", "São Paulo 是巴西城市。", "€100"]
    assert outputs("mojibake", pos) == [True] * len(pos)
    assert outputs("mojibake", neg) == [False] * len(neg)
    assert flags("mojibake", [{"instruction": "乱码\ufffd", "output": LONG_OK}]) == [True]  # any text field


def test_url():
    pos = ["详见https://example.com/page", "参考 http://a.b", "访问 www.zhihu.com 查看"]
    neg = [LONG_OK, "协议名 https:// 后面跟域名。", "文件名是 www_backup.tar"]
    assert outputs("url", pos) == [True] * len(pos)
    assert outputs("url", neg) == [False] * len(neg)


def test_html():
    pos = ["第一段<br>第二段", "<p>正文</p>", '<div class="x">内容</div>', "你好&nbsp;世界", "引号&#39;"]
    neg = [
        LONG_OK,
        "示例：\n```html\n<div class=\"a\"><p>代码里的标签</p></div>\n```\n以上。",
        "使用 `<br>` 标签可以换行。",
        "数学里 a<b 且 b>c。",
        "AT&T 是一家公司。",
    ]
    assert outputs("html", pos) == [True] * len(pos)
    assert outputs("html", neg) == [False] * len(neg)


def test_boilerplate():
    pos = [
        "正文内容。\n编辑于 2021-03-04 12:00",
        "发布于昨天 18:30",
        "今天分享一款面霜 #护肤# #好物分享#",
        "作者：某某\n来源：知乎\n著作权归作者所有。",
        "转载请注明出处。",
        "1234 人赞同了该回答",
        "展开全文",
    ]
    neg = [LONG_OK, "# 标题\n正文", "C# 是一种编程语言，#include 是 C 的预处理指令。", "我编辑了这篇文章。", "知乎是一个问答社区。"]
    assert outputs("boilerplate", pos) == [True] * len(pos)
    assert outputs("boilerplate", neg) == [False] * len(neg)


# ---- provenance ------------------------------------------------------------------------------------

def test_llm_unverified():
    rows = [
        {"answer_from": "llm", "human_verified": False},
        {"answer_from": "llm", "human_verified": None},
        {"answer_from": "LLM ", "human_verified": False},
        {"answer_from": "llm", "human_verified": True},
        {"answer_from": "human", "human_verified": False},
        {"answer_from": "", "human_verified": None},
    ]
    assert flags("llm_unverified", rows) == [True, True, True, False, False, False]


def test_signals_on_real_rows_are_a_minority(sample_root):
    """On real data every signal is a hint about some rows, never a blanket verdict."""
    from .analysis_support import sample_frame

    frame = sample_frame(sample_root, n=1500, seed=random.Random(3).randint(0, 99))
    counted = signals.counts(frame)
    share = dict(zip(counted["name"], (counted["rows"] / frame.height).to_list()))
    assert all(v < 0.2 for v in share.values()), share


def test_signal_stats_for_the_cli():
    import json

    frame = make_frame(
        [
            {"instruction": "介绍一下长城", "output": "长城是中国古代的军事防御工程，东起山海关，西至嘉峪关。"},
            {"instruction": "介绍一下长城", "output": "长城是中国古代的军事防御工程，东起山海关，西至嘉峪关。"},
            {"instruction": "问题", "output": "暂无"},
        ]
    )
    stats = signals.signal_stats(frame, processes=1)
    json.dumps(stats)  # JSON-ready
    assert stats["counts"]["exact_dup"] == 2 and stats["counts"]["placeholder"] == 1
    assert stats["titles"]["placeholder"]["zh"] == "占位或空回答"
    near = stats["near_duplicates"]
    assert near["clusters"] == 1 and near["rows"] == 2
    assert near["top"][0]["size"] == 2 and near["top"][0]["instruction"] == "介绍一下长城"
    assert sorted(near["top"][0]["rids"]) == sorted(f"{r:016x}" for r in frame["rid"][:2])
    assert "near_duplicates" not in signals.signal_stats(frame, near=False)
