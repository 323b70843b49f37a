"""Issue 25.3/25.4 in the CLI (real subprocesses): `apply` takes note and flag ops,
`stats --json` counts noted and flagged rows, `export --with-notes` writes them, and
`export --filter` reads the new facets."""
from __future__ import annotations

import json

import pytest

from app.core.load.loader import load_release
from app.core.store.curation import Curation

from .cli_support import isolated_env, run_cli
from .curation_support import make_tree


def _write(path, lines):
    path.write_text("".join(json.dumps(l, ensure_ascii=False) + "\n" for l in lines), encoding="utf-8")
    return path


def _env(home):
    env = isolated_env(home)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(name, None)
    return env


@pytest.fixture()
def tree(tmp_path):
    root = make_tree(tmp_path)
    return root, load_release(root)


def test_apply_notes_and_flags_then_stats_and_export(tmp_path, tree):
    root, release = tree
    rows = release.frame.select("rid", "file", "line", "instruction").rows()
    decisions = _write(tmp_path / "notes.jsonl", [
        {"rid": f"{rows[0][0]:016x}", "op": "note", "text": "问出处"},
        {"file": rows[1][1], "line": rows[1][2], "op": "flag", "on": True},
        {"rid": f"{rows[2][0]:016x}", "op": "reject", "reason": "重复"},
        {"rid": f"{rows[2][0]:016x}", "op": "flag", "on": True},
    ])
    done = run_cli(tmp_path, "apply", root, decisions, env=_env(tmp_path))
    assert done.returncode == 0, done.stderr
    with Curation.open(release, author="x") as c:
        assert c.overlay[rows[0][0]].note == "问出处" and c.overlay[rows[0][0]].status == "untouched"
        assert c.overlay[rows[1][0]].flag and c.overlay[rows[2][0]].decision == "rejected"
    stats = run_cli(tmp_path, "stats", root, "--json", env=_env(tmp_path))
    assert stats.returncode == 0, stats.stderr
    cur = json.loads(stats.stdout)["curation"]
    assert (cur["noted"], cur["flagged"]) == (1, 2)
    out = tmp_path / "out.jsonl"
    plain = run_cli(tmp_path, "export", root, "--out", out, env=_env(tmp_path))
    assert plain.returncode == 0, plain.stderr and "问出处" not in out.read_text(encoding="utf-8")
    assert "问出处" not in out.read_text(encoding="utf-8")
    noted = run_cli(tmp_path, "export", root, "--out", out, "--with-notes", env=_env(tmp_path))
    assert noted.returncode == 0, noted.stderr
    got = {json.loads(x)["instruction"]: json.loads(x) for x in out.read_text(encoding="utf-8").splitlines() if x.strip()}
    assert got[rows[0][3]]["_curation"] == {"note": "问出处"} and got[rows[1][3]]["_curation"] == {"flagged": True}
    flagged = run_cli(tmp_path, "export", root, "--out", tmp_path / "f.jsonl", "--filter",
                      '{"facets":{"flagged":{"include":["yes"]}}}', env=_env(tmp_path))
    assert flagged.returncode == 0, flagged.stderr
    lines = [x for x in (tmp_path / "f.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    assert [json.loads(x)["instruction"] for x in lines] == [rows[1][3]]  # the flagged rejected row is left out


@pytest.mark.parametrize("bad,why", [
    ({"op": "note"}, "text"),
    ({"op": "note", "text": 3}, "text"),
    ({"op": "flag", "on": "yes"}, "true or false"),
    ({"op": "flag", "on": True, "text": "x"}, "text"),
])
def test_bad_note_and_flag_lines_are_refused(tmp_path, tree, bad, why):
    root, release = tree
    rid = release.frame["rid"][0]
    decisions = _write(tmp_path / "bad.jsonl", [{"rid": f"{rid:016x}", **bad}])
    done = run_cli(tmp_path, "apply", root, decisions, env=_env(tmp_path))
    assert done.returncode == 1 and "Traceback" not in done.stderr  # as every refused decisions file
    first = done.stderr.splitlines()[0]
    assert first.startswith("bad.jsonl:1: ") and why in first and "nothing was applied" in done.stderr
