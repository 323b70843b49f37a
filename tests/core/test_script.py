"""The script signal (Traditional characters in a Simplified release) and the
convert-to-Simplified edit: a normal command, journaled and undoable, using OpenCC's
dictionaries."""
from __future__ import annotations

import json

import polars as pl

from app.core.curate.convert import ToSimplified
from app.core.curate.edits import EditField, plan_change
from app.core.curate.overlay import BaseLookup, Overlay
from app.core.store.curation import Curation
from app.core.text import script, signals

from .analysis_support import make_frame
from .curation_support import load

SIMPLE = "这是一段完整的回答，内容充实，结构清楚，结尾有句号。"
TRAD = "這是一段完整的回答，內容充實，結構清楚，結尾有句號。"


def flags(rows: list[dict]) -> list[bool]:
    return signals.evaluate(make_frame(rows), ["traditional"])["sig_traditional"].to_list()


def test_conversion_uses_opencc_phrases_then_characters():
    assert script.to_simplified(TRAD) == SIMPLE
    assert script.to_simplified("乾燥的天氣") == "干燥的天气"
    assert script.to_simplified("乾隆皇帝") == "乾隆皇帝"  # a name: the phrase dictionary keeps it
    assert script.to_simplified(SIMPLE) == SIMPLE
    assert script.to_simplified("") == ""


def test_traditional_characters_in_a_simplified_release_are_flagged():
    rows = [{"instruction": "问题", "output": SIMPLE} for _ in range(20)]
    rows[3] = {"instruction": "问题", "output": TRAD}
    rows[5] = {"instruction": "請問", "output": SIMPLE}  # in the instruction
    rows[7] = {"instruction": "问题", "input": "清朝的乾隆皇帝", "output": SIMPLE}  # 乾 alone would convert, 乾隆 does not
    rows[9] = {"instruction": "问题", "output": "胡適是现代学者。"}  # one character is enough
    got = flags(rows)
    assert [i for i, f in enumerate(got) if f] == [3, 5, 9]


def test_a_traditional_release_flags_nothing():
    rows = [{"instruction": "問題", "output": TRAD} for _ in range(10)] + [{"instruction": "问题", "output": SIMPLE}]
    assert flags(rows) == [False] * 11


def test_the_release_rule_counts_characters():
    frame = make_frame([{"output": TRAD}, {"output": SIMPLE * 3}])
    share = script.traditional_share(frame)
    assert 0.05 < share < 0.5  # 9 of 23 Han characters in the first row, none in the others
    assert script.is_simplified_release(frame) == (share < script.TRADITIONAL_RELEASE)


def test_empty_frame():
    assert flags([]) == []


def test_convert_command_converts_each_text_field_of_the_current_text(tmp_path):
    rows = [{"instruction": "請回答", "input": "", "output": TRAD},
            {"instruction": "问题", "input": "", "output": SIMPLE}]
    path = tmp_path / "rel.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    rel = load(path)
    rids = rel.frame["rid"].to_list()
    ch = plan_change(ToSimplified(rids), Overlay(), BaseLookup(rel.frame), author="t", now="2026-01-01T00:00:00Z")
    assert ch.rids == (rids[0],)  # the Simplified row is no change
    assert ch.fields == {"instruction", "output", "status"}
    assert ch.after[rids[0]].fields == {"instruction": "请回答", "output": SIMPLE}
    assert ch.label == "Convert 2 rows to Simplified"  # what was asked, as Reject's label says
    assert ToSimplified(rids[:1]).label() == "Convert to Simplified"


def test_convert_is_journaled_undoable_and_shown_as_an_edit(tmp_path):
    rows = [{"instruction": "問題", "input": "", "output": TRAD}, {"instruction": "问题", "input": "", "output": "答。"}]
    path = tmp_path / "rel.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    rel = load(path)
    rid = rel.frame["rid"][0]
    with Curation.open(rel, author="审校员") as c:
        c.apply(EditField([rid], "input", "補充說明"))  # an edit made first is converted as it stands
        c.apply(ToSimplified([rid]))
        frame = c.current_frame()
        assert frame.filter(pl.col("rid") == rid).select("instruction", "input", "output").row(0) == ("问题", "补充说明", SIMPLE)
        assert c.overlay[rid].status == "edited"
        assert c.undo_label == "Convert to Simplified"
        c.undo()
        assert c.overlay[rid].fields == {"input": "補充說明"}
        c.redo()
        folder = c.project.folder
    with Curation.open(load(path), folder, author="审校员") as c:  # replayed from the journal
        assert c.overlay[rid].fields == {"instruction": "问题", "input": "补充说明", "output": SIMPLE}
        assert c.can_undo
        version = c.save_version("converted").number
    lines = [json.loads(line) for line in (folder / "versions" / f"v{version:04d}.jsonl").read_text("utf-8").splitlines()]
    assert lines[0]["op"] == "edit"
    assert lines[0]["fields"]["output"] == {"before": TRAD, "after": SIMPLE}
