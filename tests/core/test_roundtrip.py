"""The issue's round trip, and random action sequences: export(replay(journal)) equals
the in-memory state, and loading an export shows what the curator saw."""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.store.curation import Curation
from app.core.curate.edits import Accept, EditField, Reject, Restore, Revert, SetLabels
from app.core.load.loader import load_release

from .curation_support import content, load, make_tree, tree_digest, visible

ROOT = Path(__file__).resolve().parents[2]

FRESH_EXPORT = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from app.core.load.loader import load_release
    from app.core.store.curation import Curation
    c = Curation.open(load_release({release!r}), {project!r}, read_only=True)
    c.export({out!r}, version=2)
""")


def loaded_view(path: Path):
    import polars as pl

    frame = load_release(path).frame
    return visible(frame.with_columns(pl.lit("untouched").alias("status")))


def test_round_trip_through_versions_and_a_fresh_process(tmp_path):
    release = make_tree(tmp_path)
    before = tree_digest(release)
    rel = load(release)
    rids = rel.frame["rid"].to_list()
    c = Curation.open(rel, tmp_path / "proj", author="ann")
    c.apply(EditField([rids[0]], "output", "你好，世界！“引号”——省略……\n第二行😀🎉\t制表"))
    c.apply(EditField([rids[1]], "instruction", "多行\n\n指令\r\n带回车"))
    c.apply(Reject(rids[2:4], "重复"))
    c.apply(Reject([rids[5]], "不安全"))
    c.undo()  # the second reject
    c.save_version("v1")
    v1 = content(c.overlay)
    c.apply(SetLabels([rids[6]], "domain", ["新领域", "😀"]))
    c.apply(EditField([rids[8]], "input", ""))
    c.apply(Accept([rids[7]]))
    c.save_version("v2")
    mine = c.export(tmp_path / "mine.jsonl")
    assert mine.rows == rel.frame.height - 2
    assert loaded_view(tmp_path / "mine.jsonl") == visible(c.current_frame())
    c.close()
    script = FRESH_EXPORT.format(root=str(ROOT), release=str(release), project=str(tmp_path / "proj"),
                                 out=str(tmp_path / "fresh.jsonl"))
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    assert (tmp_path / "fresh.jsonl").read_bytes() == (tmp_path / "mine.jsonl").read_bytes()
    again = Curation.open(rel, tmp_path / "proj")
    assert content(again.load_version(1)) == v1
    assert again.export(tmp_path / "v1.jsonl", version=1).rejected_dropped == 2
    again.close()
    assert tree_digest(release) == before


# ---- random sessions -------------------------------------------------------------------

TEXT = st.text(alphabet=st.one_of(st.sampled_from("，。！？“”《》…—\n\t\\\"'😀🎉中文ab "),
                                  st.characters(blacklist_categories=("Cs",))), max_size=12)
LABELS = st.lists(st.text(alphabet="甲乙丙丁abc", min_size=1, max_size=3), max_size=3)
ROWS = st.lists(st.integers(0, 8), min_size=1, max_size=4)

ACTION = st.one_of(
    st.tuples(st.just("edit"), ROWS, st.sampled_from(["instruction", "input", "output"]), TEXT),
    st.tuples(st.just("labels"), ROWS, st.sampled_from(["task_major", "task_minor", "domain"]), LABELS,
              st.sampled_from(["set", "add", "remove"])),
    st.tuples(st.just("reject"), ROWS, st.sampled_from(["重复", "低质量", "其他: 自由文本", ""])),
    st.tuples(st.just("accept"), ROWS),
    st.tuples(st.just("restore"), ROWS),
    st.tuples(st.just("revert"), ROWS),
    st.tuples(st.just("undo")),
    st.tuples(st.just("redo")),
    st.tuples(st.just("save")),
    st.tuples(st.just("compact")),
)


@pytest.fixture(scope="module")
def small_release(tmp_path_factory):
    return load(make_tree(tmp_path_factory.mktemp("rt")))


def perform(c: Curation, action, rids) -> None:
    kind, *args = action
    pick = lambda idx: [rids[i] for i in idx]  # noqa: E731
    if kind == "edit":
        c.apply(EditField(pick(args[0]), args[1], args[2]))
    elif kind == "labels":
        c.apply(SetLabels(pick(args[0]), args[1], args[2], mode=args[3]))
    elif kind == "reject":
        c.apply(Reject(pick(args[0]), args[1]))
    elif kind == "accept":
        c.apply(Accept(pick(args[0])))
    elif kind == "restore":
        c.apply(Restore(pick(args[0])))
    elif kind == "revert":
        c.apply(Revert(pick(args[0])))
    elif kind in ("undo", "redo"):
        getattr(c, kind)()
    elif kind == "save":
        c.save_version("random")
    else:
        c.compact(keep_undo=3)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=st.lists(ACTION, max_size=14))
def test_random_sessions_replay_to_the_same_export(small_release, actions):
    rel = small_release
    rids = rel.frame["rid"].to_list()
    work = Path(tempfile.mkdtemp(prefix="cqia-rt-"))
    try:
        c = Curation.open(rel, work / "p", author="h")
        saved = {}
        for action in actions:
            perform(c, action, rids)
            if action[0] == "save":
                saved[c.last_version] = content(c.overlay)
        state, stacks = content(c.overlay), [ch.label for ch in c.history.undo_stack]
        c.export(work / "memory.jsonl", keep_rejected=True)
        frame = c.current_frame()
        c.close()
        replayed = Curation.open(rel, work / "p")
        assert content(replayed.overlay) == state
        assert [ch.label for ch in replayed.history.undo_stack] == stacks
        replayed.export(work / "replayed.jsonl", keep_rejected=True)
        assert (work / "replayed.jsonl").read_bytes() == (work / "memory.jsonl").read_bytes()
        replayed.export(work / "curated.jsonl")
        assert loaded_view(work / "curated.jsonl") == visible(frame)
        for n, expected in saved.items():
            assert content(replayed.load_version(n)) == expected
        replayed.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
