"""The token cache: round trip, invalidation of edited rows and changed terms, and
recovery from a damaged file."""
from __future__ import annotations

import polars as pl
import pytest

from app.core.text import wordpass as text, tokencache

from .analysis_support import make_frame

ROWS = [
    {"instruction": "请写一首关于春天的诗", "output": "春眠不觉晓，处处闻啼鸟。"},
    {"instruction": "介绍一下北京大学的历史", "output": "北京大学创办于1898年。"},
    {"instruction": "我爱吃苹果", "input": "苹果树", "output": "好的。"},
    {"instruction": "翻译成英文", "input": "你好", "output": "Hello."},
]


class Counting:
    """Wraps text.tokenise and records how many rows each call had to cut."""

    def __init__(self, monkeypatch):
        self.calls: list[int] = []
        real = text.tokenise

        def wrapped(frame, **kw):
            self.calls.append(frame.height)
            return real(frame, **kw)

        monkeypatch.setattr(text, "tokenise", wrapped)


@pytest.fixture
def frame() -> pl.DataFrame:
    return make_frame(ROWS)


def test_round_trip(tmp_path, frame, monkeypatch):
    counting = Counting(monkeypatch)
    first = tokencache.ensure(frame, tmp_path)
    assert counting.calls == [4]
    assert tokencache.cache_path(tmp_path).is_file()
    assert first["rid"].to_list() == frame["rid"].to_list()
    assert first.columns == ["rid", "tok_instruction", "tok_input", "tok_output", "tok_conversation", "verb", "noun"]
    again = tokencache.ensure(frame, tmp_path)
    assert counting.calls == [4]  # nothing recomputed
    assert again.equals(first)
    # a reversed frame gets its rows back in its own order
    rev = tokencache.ensure(frame.reverse(), tmp_path)
    assert rev["rid"].to_list() == frame["rid"].reverse().to_list()
    assert counting.calls == [4]
    with_words = tokencache.ensure(frame, tmp_path, words=True)
    assert with_words.drop([*text.WORD_COLUMNS.values(), "key"]).equals(first)
    assert with_words["key"].to_list() == frame.select(text.content_key())["key"].to_list()
    assert with_words["words_output"][0] == text.SEP.join(text.segment.load().lcut(ROWS[0]["output"], HMM=False))
    assert not [p for p in tokencache.cache_path(tmp_path).parent.iterdir() if p.name != tokencache.CACHE_NAME]


def test_edited_row_is_recomputed(tmp_path, frame, monkeypatch):
    tokencache.ensure(frame, tmp_path)
    edited = frame.with_columns(
        pl.when(pl.col("rid") == frame["rid"][1]).then(pl.lit("北大始建于1898年，初名京师大学堂。")).otherwise(pl.col("output")).alias("output")
    )
    have, todo = tokencache.restore(edited, tmp_path)
    assert todo["rid"].to_list() == [frame["rid"][1]]
    assert sorted(have["rid"].to_list()) == sorted(frame["rid"][[0, 2, 3]].to_list())
    counting = Counting(monkeypatch)
    out = tokencache.ensure(edited, tmp_path)
    assert counting.calls == [1]
    assert out["tok_output"][1] == len(text.segment.cut("北大始建于1898年，初名京师大学堂。"))
    # the cache now holds the edited text; the old version is gone
    assert tokencache.restore(edited, tmp_path)[1].height == 0
    assert tokencache.restore(frame, tmp_path)[1]["rid"].to_list() == [frame["rid"][1]]


def test_changed_terms_invalidate_only_rows_containing_them(tmp_path, frame):
    tokencache.ensure(frame, tmp_path, terms=[])
    _, todo = tokencache.restore(frame, tmp_path, terms=["苹果树"])
    assert todo["rid"].to_list() == [frame["rid"][2]]  # only the row whose input has the term
    tokencache.ensure(frame, tmp_path, terms=["苹果树"])
    assert tokencache.read_meta(tmp_path)["terms"] == ["苹果树"]
    _, todo = tokencache.restore(frame, tmp_path, terms=[])  # removing the term: same row again
    assert todo["rid"].to_list() == [frame["rid"][2]]


def test_project_terms_are_the_default(tmp_path, frame):
    text.add_user_term(tmp_path, "春眠不觉晓")
    tokencache.ensure(frame, tmp_path)
    assert tokencache.read_meta(tmp_path)["terms"] == ["春眠不觉晓"]


def test_dropped_rows_leave_the_cache(tmp_path, frame):
    tokencache.ensure(frame, tmp_path)
    tokencache.ensure(frame.head(2).with_columns(pl.lit("新的输出。").alias("output")), tmp_path)
    assert tokencache.read_meta(tmp_path)["rows"] == 2


@pytest.mark.parametrize("damage", [b"", b"not parquet at all", None])
def test_damaged_cache_counts_as_empty(tmp_path, frame, damage):
    tokencache.ensure(frame, tmp_path)
    path = tokencache.cache_path(tmp_path)
    if damage is None:
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])  # torn write
    else:
        path.write_bytes(damage)
    have, todo = tokencache.restore(frame, tmp_path)
    assert have.height == 0 and todo.height == frame.height
    assert tokencache.ensure(frame, tmp_path)["tok_instruction"].null_count() == 0


def test_cancel_leaves_the_old_cache(tmp_path, frame):
    tokencache.ensure(frame.head(2), tmp_path)
    before = tokencache.cache_path(tmp_path).read_bytes()
    with pytest.raises(text.Cancelled):
        tokencache.ensure(frame, tmp_path, cancel=lambda: True)
    assert tokencache.cache_path(tmp_path).read_bytes() == before
