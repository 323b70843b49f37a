"""Benchmark contamination: normalised character n-grams shared between a row's
instruction + input and a benchmark question; overlap = shared distinct grams over the
question's distinct grams, for the row's best question."""
from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.text.contamination import grams
from app.core.text.contamination import build_index, find_matches
from app.core.text.contamination.normalise import normalise_expr, normalise_text

from .analysis_support import make_frame

Q1 = "下列关于细胞膜结构与功能的叙述，正确的是哪一项？"  # 23 characters, 21 after normalising
Q2 = "已知函数f(x)=x²+2x+1，求f(x)在区间[0,3]上的最小值与最大值。"


def questions(*texts: str, file: str = "bench/q.csv") -> pl.DataFrame:
    return pl.DataFrame({"benchmark_file": [file] * len(texts), "question_index": list(range(len(texts))),
                         "question": list(texts)}, schema={"benchmark_file": pl.String, "question_index": pl.UInt32,
                                                           "question": pl.String})


def matches(rows: list[dict], qs: pl.DataFrame, ngram: int = 13, **kw) -> list[tuple | None]:
    """Per row: (overlap rounded, benchmark_file, question_index) or None when not flagged."""
    frame = make_frame(rows)
    found = find_matches(frame, build_index(qs, ngram), **kw)
    by_rid = {r["rid"]: r for r in found.iter_rows(named=True)}
    out = []
    for rid in frame["rid"]:
        hit = by_rid.get(rid)
        out.append(None if hit is None else (round(hit["overlap"], 4), hit["benchmark_file"], hit["question_index"]))
    return out


# ---- normalising --------------------------------------------------------------------------

def test_normalise_nfkc_drops_space_punctuation_symbols_and_lowers_case():
    raw = "Ｗｈａｔ　is 　ＡＩ？  “人工智能”——①②，《定义》! ＄100 ＋ 5％\t\n"
    want = "whatisai人工智能12定义1005"
    assert normalise_text(raw) == want
    assert pl.Series([raw]).to_frame("t").select(normalise_expr(pl.col("t"))).item() == want


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cn")), max_size=40))
def test_python_and_polars_normalisers_agree(text):
    # the highlighter (Python) must see the grams the matcher (Polars) saw
    polars_side = pl.Series([text]).to_frame("t").select(normalise_expr(pl.col("t"))).item()
    assert normalise_text(text) == polars_side


# ---- gram hashes ----------------------------------------------------------------------------

def test_gram_hashes_are_per_text_and_never_cross_a_boundary():
    texts = pl.Series(["abcdef", "xy", "", "abcdefg"])
    owner, hashes = grams.gram_hashes(texts, 3)
    assert owner.tolist() == [0, 0, 0, 0, 3, 3, 3, 3, 3]
    # the same 3-gram hashes the same wherever it is; different grams differ
    assert hashes[0] == hashes[4] and hashes[3] == hashes[7]
    assert len(set(hashes[:4].tolist())) == 4


def test_gram_hashes_outside_the_basic_plane():
    owner, hashes = grams.gram_hashes(pl.Series(["𠀀𠀁𠀂𠀃", "a𠀁𠀂𠀃"]), 3)
    assert owner.tolist() == [0, 0, 1, 1] and hashes[1] == hashes[3] and hashes[0] != hashes[2]


# ---- matching -----------------------------------------------------------------------------------

def test_a_copied_question_is_found_whatever_its_spacing_and_punctuation():
    rows = [
        {"instruction": "请回答：" + Q1.replace("，", ", ").replace("？", "?")},
        {"instruction": "下面这道题怎么做", "input": "ＡＢＣ" + Q2},
        {"instruction": "写一首关于春天的诗", "output": Q1},  # in the output only: not checked
        {"instruction": "今天天气很好，我们去公园散步吧，顺便买点水果回来。"},
    ]
    got = matches(rows, questions(Q1, Q2))
    assert got == [(1.0, "bench/q.csv", 0), (1.0, "bench/q.csv", 1), None, None]


def test_overlap_is_shared_distinct_grams_over_the_questions_grams():
    q = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"  # 22 distinct characters: 10 grams of 13
    part = q[:16]  # 4 of its grams
    assert matches([{"instruction": "前面" + part + "后面"}], questions(q)) == [(0.4, "bench/q.csv", 0)]
    # a question repeating a gram counts it once
    rep = "一二三四五六七八九十百千万" * 2  # 26 characters, 13 distinct grams
    assert matches([{"instruction": rep[:13]}], questions(rep)) == [(round(1 / 13, 4), "bench/q.csv", 0)]


def test_the_best_question_is_reported():
    q_small = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
    q_big = q_small[:14] + "天地玄黄宇宙洪荒日月盈昃辰宿列张"  # shares 2 grams with the row below
    row = {"instruction": q_small}
    assert matches([row], questions(q_big, q_small)) == [(1.0, "bench/q.csv", 1)]


def test_a_question_split_between_instruction_and_input_is_found():
    assert matches([{"instruction": Q1[:10], "input": Q1[10:]}], questions(Q1)) == [(1.0, "bench/q.csv", 0)]


def test_short_stems_are_invisible_at_the_default_and_seen_with_a_shorter_ngram():
    stem = "中国的首都是哪座城市"  # 10 characters: no 13-gram at all
    rows = [{"instruction": "问题：" + stem + "？请简要回答。"}]
    assert matches(rows, questions(stem)) == [None]
    assert matches(rows, questions(stem), ngram=10) == [(1.0, "bench/q.csv", 0)]


def test_chunks_and_threads_do_not_change_the_result():
    rows = [{"instruction": f"第{i}题：" + (Q1 if i % 3 else Q2)[: 14 + i % 9]} for i in range(60)]
    qs = questions(Q1, Q2)
    whole = matches(rows, qs)
    assert whole == matches(rows, qs, chunk_chars=50, threads=2) == matches(rows, qs, chunk_chars=7, threads=1)
    want = _reference([r["instruction"] for r in rows], [Q1, Q2], 13)
    assert [None if m is None else m[2] for m in whole] == [None if w is None else w[1] for w in want]
    assert sum(m is not None for m in whole) > 30


def test_no_questions_and_no_rows():
    assert matches([{"instruction": Q1}], questions()) == [None]
    assert find_matches(make_frame([]), build_index(questions(Q1))).height == 0


def test_ngram_must_be_positive():
    with pytest.raises(ValueError, match="n-gram"):
        build_index(questions(Q1), 0)


def _reference(rows: list[str], qs: list[str], n: int) -> list[tuple[float, int] | None]:
    """Plain Python: sets of normalised substrings."""
    qgrams = [{t[i:i + n] for i in range(len(t) - n + 1)} for t in map(normalise_text, qs)]
    out = []
    for text in rows:
        t = normalise_text(text)
        mine = {t[i:i + n] for i in range(len(t) - n + 1)}
        best = None
        for qi, g in enumerate(qgrams):
            shared = len(mine & g)
            if shared and (best is None or shared / len(g) > best[0] + 1e-12):
                best = (shared / len(g), qi)
        out.append(best)
    return out


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.text(alphabet="甲乙丙丁，ab ", max_size=30), max_size=8),
       qs=st.lists(st.text(alphabet="甲乙丙丁，ab ", min_size=1, max_size=20), max_size=5),
       n=st.integers(2, 6))
def test_matches_agree_with_plain_python(rows, qs, n):
    got = matches([{"instruction": r} for r in rows], questions(*qs), n)
    want = _reference(rows, qs, n)
    assert [None if g is None else (g[0], g[2]) for g in got] == \
           [None if w is None else (round(w[0], 4), w[1]) for w in want]


def test_an_index_in_many_parts_finds_what_one_part_finds(monkeypatch):
    from app.core.text.contamination import index as index_module

    rows = [{"instruction": f"第{i}题：" + (Q1 if i % 2 else Q2)} for i in range(10)]
    qs = questions(Q1, Q2, Q1[:15] + "其他的字" + Q2[:12], Q1)  # the last one repeats the first
    whole = matches(rows, qs)
    monkeypatch.setattr(index_module, "QUESTION_CHUNK_CHARS", 20)
    assert len(build_index(qs).parts) == 4
    assert matches(rows, qs) == whole


def test_sorted_distinct_sorts_by_hash_then_owner_and_drops_repeats():
    import numpy as np

    from app.core.text.contamination.index import sorted_distinct

    h = np.array([5, 3, 5, 3, 9, 5, 3], dtype=np.uint64)
    owner = np.array([2, 1, 0, 1, 4, 2, 0], dtype=np.uint32)
    got_h, got_owner = sorted_distinct(h, owner)
    assert list(zip(got_h.tolist(), got_owner.tolist())) == [(3, 0), (3, 1), (5, 0), (5, 2), (9, 4)]
