"""The statistics tab's tables and their CSV export."""
from __future__ import annotations

import polars as pl
import pytest

from app.core.figures import dashboard
from app.core.curate.edits import Accept, EditField, Reject, plan_change
from app.core.curate.overlay import BaseLookup, Overlay

from .analysis_support import make_frame

ROWS = [
    {"source": "exam", "subset": "kaoyan", "instruction": "一" * 5, "output": "答" * 120, "task_major": ["试题"], "task_minor": ["数学"],
     "answer_from": "human", "human_verified": True},
    {"source": "exam", "subset": "kaoyan", "instruction": "二" * 15, "output": "答" * 9, "task_major": ["试题", "问答"],
     "answer_from": "llm", "human_verified": False},
    {"source": "exam", "subset": "law", "instruction": "三" * 50, "output": "答" * 5000, "task_major": ["试题"],
     "answer_from": "", "human_verified": None},
    {"source": "xhs", "subset": "xhs", "instruction": "四" * 10, "output": "", "task_major": [], "answer_from": "human"},
]


@pytest.fixture
def frame() -> pl.DataFrame:
    return make_frame(ROWS)


def test_rows_by_source(frame):
    t = dashboard.rows_by_source(frame)
    assert t.rows() == [("exam", "kaoyan", 2, 0.5), ("exam", "law", 1, 0.25), ("xhs", "xhs", 1, 0.25)]
    assert dashboard.rows_by_source(frame, by_subset=False).rows() == [("exam", 3, 0.75), ("xhs", 1, 0.25)]


def test_task_types_count_each_mention(frame):
    t = dashboard.task_types(frame)
    assert t.rows() == [("试题", 3, 0.6), ("(none)", 1, 0.2), ("问答", 1, 0.2)]
    assert dashboard.task_types(frame, "minor")["task_type"].to_list() == ["(none)", "数学"]
    with pytest.raises(ValueError):
        dashboard.task_types(frame, "other")


def test_length_bins_in_characters(frame):
    t = dashboard.length_bins(frame, "output")
    assert t.columns == ["bin", "lo", "hi", "rows", "share"]
    assert t.height == len(dashboard.DEFAULT_EDGES)  # empty bins listed too
    counts = dict(zip(t["bin"], t["rows"]))
    assert counts == {"0-9": 2, "10-19": 0, "20-49": 0, "50-99": 0, "100-199": 1, "200-499": 0, "500-999": 0,
                      "1000-1999": 0, "2000-4999": 0, "5000+": 1}
    assert t["hi"][-1] is None and t["lo"][0] == 0
    custom = dashboard.length_bins(frame, "instruction", edges=(0, 10, 20))
    assert custom.rows() == [("0-9", 0, 10, 1, 0.25), ("10-19", 10, 20, 2, 0.5), ("20+", 20, None, 1, 0.25)]
    with pytest.raises(ValueError):
        dashboard.length_bins(frame, "instruction", edges=(5, 10))


def test_length_bins_in_words(frame):
    tokens = frame.select("rid", pl.Series("tok_output", [60, 3, 2500, None], dtype=pl.UInt32))
    t = dashboard.length_bins(frame, "output", unit="words", tokens=tokens)
    counts = dict(zip(t["bin"], t["rows"]))
    assert counts["0-9"] == 1 and counts["50-99"] == 1 and counts["2000-4999"] == 1 and t["rows"].sum() == 3
    with pytest.raises(ValueError):
        dashboard.length_bins(frame, "output", unit="words")  # no token counts given


def test_provenance_counts(frame):
    assert dashboard.answer_from(frame).rows() == [("human", 2, 0.5), ("(none)", 1, 0.25), ("llm", 1, 0.25)]
    assert dashboard.human_verified(frame).rows() == [("true", 2, 0.5), ("(none)", 1, 0.25), ("false", 1, 0.25)]


def test_status_and_reasons_need_their_columns(frame):
    assert dashboard.status_by_source(frame) is None
    assert dashboard.reasons_by_source(frame) is None
    curated = frame.with_columns(
        pl.Series("status", ["accepted", "rejected", "rejected", None]),
        pl.Series("reason", [None, "truncated", "duplicate", ""]),
    )
    assert dashboard.status_by_source(curated).rows() == [("exam", "rejected", 2), ("exam", "accepted", 1), ("xhs", "(none)", 1)]
    assert dashboard.reasons_by_source(curated).rows() == [("exam", "duplicate", 1), ("exam", "truncated", 1)]
    assert {"status_by_source", "reasons_by_source"} <= set(dashboard.all_tables(curated))
    assert "status_by_source" not in dashboard.all_tables(frame)


def test_decisions_by_curator_counts_each_authors_rows(frame):
    assert dashboard.decisions_by_curator(frame) is None
    rids = frame["rid"].to_list()
    ov, base = Overlay(), BaseLookup(frame)
    for cmd, author in [(Accept(rids[:2]), "王"), (Reject([rids[2]], "重复"), "王"), (EditField([rids[3]], "output", "改"), "李"),
                        (Reject([rids[0]], "错"), "李")]:  # 李 rejects a row 王 accepted: it becomes 李's
        ov = ov.with_states(plan_change(cmd, ov, base, author=author, now="2026-01-01T00:00:00Z").after)
    cur = ov.current_frame(frame)
    assert cur["curator"].to_list() == ["李", "王", "王", "李"]
    t = dashboard.decisions_by_curator(cur)
    assert t.columns == ["curator", "accepted", "rejected", "edited", "total"]
    assert t.rows() == [("李", 0, 1, 1, 2), ("王", 1, 1, 0, 2)]
    assert dashboard.all_tables(cur)["decisions_by_curator"].equals(t)
    assert "decisions_by_curator" not in dashboard.all_tables(frame)
    untouched = Overlay().current_frame(frame)
    assert dashboard.decisions_by_curator(untouched).height == 0


def test_verb_nouns_follow_the_filter(frame):
    tokens = frame.select("rid", pl.Series("verb", ["写", "写", "翻译", None]), pl.Series("noun", ["诗", "文章", None, None]))
    t = dashboard.verb_nouns(frame.head(2), tokens)
    assert t["verb_rows"].to_list() == [2, 2]
    tables = dashboard.all_tables(frame, tokens=tokens.with_columns(
        pl.lit(1, pl.UInt32).alias("tok_instruction"), pl.lit(1, pl.UInt32).alias("tok_output")))
    assert {"instruction_words", "output_words", "verb_nouns"} <= set(tables)


def test_length_summary(frame):
    t = dashboard.length_summary(frame)
    row = t.filter((pl.col("field") == "output") & (pl.col("unit") == "chars")).row(0, named=True)
    assert row["max"] == 5000 and row["median"] == pytest.approx(64.5)


def test_empty_frame_gives_empty_tables():
    empty = make_frame([])
    assert dashboard.rows_by_source(empty).height == 0
    assert dashboard.length_bins(empty, "output")["rows"].sum() == 0


def test_to_csv(tmp_path, frame):
    path = dashboard.to_csv(dashboard.rows_by_source(frame), tmp_path / "t1.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM so spreadsheet programs read UTF-8
    back = pl.read_csv(raw[3:])
    assert back.columns == ["source", "subset", "rows", "share"]
    assert back["subset"].to_list() == ["kaoyan", "law", "xhs"]
    nested = pl.DataFrame({"cluster": [0], "rid": [[1, 2]]})
    text = dashboard.to_csv(nested, tmp_path / "n.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines() == ["cluster,rid", "0,1; 2"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.csv", "t1.csv"]
