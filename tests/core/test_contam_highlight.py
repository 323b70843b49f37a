"""The shared text of a row and its question, as character spans of the original texts
(for the side-by-side view's highlights)."""
from __future__ import annotations

from app.core.text.contamination.highlight import shared_spans


def _cut(text: str, spans) -> list[str]:
    return [text[a:b] for a, b in spans]


def test_spans_cover_the_shared_text_in_both_and_bridge_punctuation():
    q = "下列关于细胞膜结构与功能的叙述，正确的是哪一项？"
    row = {"instruction": "题目：下列关于细胞膜结构与功能的叙述, 正确的是哪一项? 请作答", "input": ""}
    spans, qspans = shared_spans(row, q, 13)
    assert _cut(row["instruction"], spans["instruction"]) == ["下列关于细胞膜结构与功能的叙述, 正确的是哪一项"]
    assert spans["input"] == []
    assert _cut(q, qspans) == ["下列关于细胞膜结构与功能的叙述，正确的是哪一项"]


def test_only_grams_both_hold_are_marked():
    q = "天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳"  # 32 characters
    row = {"instruction": "开头" + q[:15] + "中间没有的文字" + q[-14:], "input": ""}
    spans, qspans = shared_spans(row, q, 13)
    assert _cut(row["instruction"], spans["instruction"]) == [q[:15], q[-14:]]
    assert _cut(q, qspans) == [q[:15], q[-14:]]


def test_a_question_split_across_instruction_and_input():
    q = "已知集合A等于一二三和集合B等于二三四求它们的交集"
    row = {"instruction": "请做：" + q[:9], "input": q[9:] + "。"}
    spans, qspans = shared_spans(row, q, 13)
    assert _cut(row["instruction"], spans["instruction"]) == [q[:9]]
    assert _cut(row["input"], spans["input"]) == [q[9:]]
    assert _cut(q, qspans) == [q]


def test_full_width_and_case_map_back_to_the_original_characters():
    q = "What is the capital city of France?"
    row = {"instruction": "ＷＨＡＴ  IS THE capital\tcity of FRANCE", "input": ""}
    spans, qspans = shared_spans(row, q, 13)
    assert _cut(row["instruction"], spans["instruction"]) == ["ＷＨＡＴ  IS THE capital\tcity of FRANCE"]
    assert _cut(q, qspans) == ["What is the capital city of France"]


def test_nothing_shared_or_too_short():
    assert shared_spans({"instruction": "完全不同的内容", "input": ""}, "另一道题目的题干文字", 4) == (
        {"instruction": [], "input": []}, [])
    assert shared_spans({"instruction": "短", "input": ""}, "短", 13) == ({"instruction": [], "input": []}, [])
