"""Issue 25.3: notes and flags merge and gather field by field: notes on different rows
merge; the same row noted differently is a conflict of kind note; flags never clash."""
from __future__ import annotations

from app.core.curate.edits import EditField, Flag, Note, Reject
from app.core.store.curation import Curation
from app.core.team.gather import ALL, resolve_gather
from app.core.team.gather_projects import commit_gather, plan_gather
from app.core.team.merge import commit_merge, plan_merge, resolve

from .test_gather import _curator, rel, rids  # noqa: F401 - the same release and curators' projects


def test_notes_on_different_rows_and_flags_merge(rel, rids, tmp_path):
    bob = _curator(rel, tmp_path, "bob", Note([rids[1]], "乙的笔记"), Flag([rids[2]], True),
                   EditField([rids[0]], "output", "乙改"))
    with Curation.open(rel, tmp_path / "ann.curation", author="ann") as ann:
        ann.apply(Note([rids[0]], "甲的笔记"))
        ann.apply(Flag([rids[0]], True))
        ann.save_version("a")
        plan = plan_merge(ann, bob)
        assert plan.conflicts == []
        commit_merge(ann, plan)
        s0, s1, s2 = (ann.overlay.get(r) for r in rids[:3])
        assert (s0.note, s0.flag, dict(s0.fields)) == ("甲的笔记", True, {"output": "乙改"})
        assert s1.note == "乙的笔记" and s2.flag is True and s2.status == "untouched"


def test_the_same_row_noted_differently_is_a_note_conflict(rel, rids, tmp_path):
    bob = _curator(rel, tmp_path, "bob", Note([rids[1]], "乙"), Reject([rids[1]], "重复"))
    with Curation.open(rel, tmp_path / "ann.curation", author="ann") as ann:
        ann.apply(Note([rids[1]], "甲"))
        ann.save_version("a")
        plan = plan_merge(ann, bob)
        assert [(c.kind, c.field, c.mine, c.theirs) for c in plan.conflicts] == [("note", "note", "甲", "乙")]
        c = plan.conflicts[0]
        assert resolve(c, "both").value == "甲\n乙"
        commit_merge(ann, plan, [resolve(c, "theirs")])
        s = ann.overlay.get(rids[1])
        assert (s.note, s.decision, s.reason) == ("乙", "rejected", "重复")


def test_gather_notes_conflict_per_curator(rel, rids, tmp_path):
    ann = _curator(rel, tmp_path, "ann", Note([rids[1]], "甲"), Flag([rids[3]], True))
    bob = _curator(rel, tmp_path, "bob", Note([rids[1]], "乙"), Flag([rids[3]], True))
    cy = _curator(rel, tmp_path, "cy", Note([rids[2]], "丙"))
    with Curation.open(rel, tmp_path / "lead.curation", author="lead") as lead:
        plan = plan_gather(lead, [ann, bob, cy])
        assert [(c.kind, c.sides) for c in plan.conflicts] == [("note", (("ann", "甲"), ("bob", "乙")))]
        commit_gather(lead, plan, [resolve_gather(plan.conflicts[0], ALL)])
        assert lead.overlay.get(rids[1]).note == "甲\n乙"
        assert lead.overlay.get(rids[2]).note == "丙" and lead.overlay.get(rids[3]).flag is True
