"""The stable CLI: validate / stats JSON shapes and exit codes."""
from __future__ import annotations

import json
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from .cli_support import run_cli

_HOME = Path(tempfile.mkdtemp(prefix="cqia-cli-tests-"))  # config and data folders of the children


def run(*args: str) -> subprocess.CompletedProcess:
    return run_cli(_HOME, *args)


def test_validate_json_on_the_real_sample(sample_root):
    result = run("validate", str(sample_root), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"rows", "files", "bad_lines", "skipped_files", "file_formats"}
    assert report["rows"] == 17971 and report["files"] == 39 and report["bad_lines"] == []
    assert sorted(s["file"] for s in report["skipped_files"]) == sorted(
        ["COIG-CQIA-full.jsonl", "wikihow/wikihow.jsonl", "wiki/bkmy_medicine.jsonl", "finance/mba_baike.jsonl",
         "dataset_infos.json"]  # one JSON object: the subsets' metadata, named, not read
    )
    assert {f["format"] for f in report["file_formats"]} == {"cqia"} and len(report["file_formats"]) == 39
    assert sum(f["rows"] for f in report["file_formats"]) == 17971


def test_stats_counts_equal_an_independent_count(sample_root):
    result = run("stats", str(sample_root), "--json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    rows = []
    for path in sorted(sample_root.rglob("*.jsonl")):
        if any(part.endswith(".curation") or part.startswith(".") for part in path.relative_to(sample_root).parts):
            continue  # a curation project beside the release (its journal) is not the release, as for the loader
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.startswith("{"):
                rows.append((path.relative_to(sample_root), json.loads(line)))
    assert stats["rows"] == len(rows)
    facets = stats["facets"]
    assert facets["source"] == dict(Counter(p.parts[0] for p, _ in rows))
    assert facets["subset"] == dict(Counter(p.stem for p, _ in rows))
    assert facets["task_major"] == dict(Counter(v for _, r in rows for v in set(r["task_type"]["major"])))
    assert facets["task_minor"] == dict(Counter(v for _, r in rows for v in set(r["task_type"]["minor"])))
    assert facets["domain"] == dict(Counter(v for _, r in rows for v in set(r["domain"])))
    assert facets["answer_from"] == dict(Counter(r["answer_from"] for _, r in rows))
    assert facets["human_verified"] == dict(Counter(str(r["human_verified"]).lower() for _, r in rows))
    outputs = sorted(len(r["output"]) for _, r in rows)
    assert stats["length"]["output"]["min"] == outputs[0] and stats["length"]["output"]["max"] == outputs[-1]


def test_bad_lines_still_exit_zero_and_missing_path_exits_two(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"instruction": "好"}\n{"instruction": \n', encoding="utf-8")
    ok = run("validate", str(tmp_path))
    assert ok.returncode == 0 and "a.jsonl:2: truncated JSON" in ok.stdout
    missing = run("validate", str(tmp_path / "missing"))
    assert missing.returncode == 2
    assert missing.stderr.strip().startswith("error: path not found") and "Traceback" not in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "p.jsonl").write_text("version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 1\n")
    none = run("stats", str(tmp_path / "empty"))
    assert none.returncode == 2 and "no readable row" in none.stderr


def test_version_names_the_libraries():
    result = run("--version")
    assert result.returncode == 0
    assert "CQIA Curator" in result.stdout and "Polars" in result.stdout


def test_export_and_diff_verbs(demo_root, tmp_path):
    from app.core.store.curation import Curation
    from app.core.curate.edits import EditField, Reject
    from app.core.load.loader import load_release

    unchanged = tmp_path / "same.jsonl"
    assert run("export", str(demo_root), "--out", str(unchanged)).returncode == 0
    release = load_release(demo_root)
    assert len(unchanged.read_bytes().splitlines()) == release.frame.height
    rids = release.frame["rid"].to_list()
    with Curation.open(release, tmp_path / "proj", author="审校员") as c:
        c.apply(EditField([rids[0]], "output", "改好的回答，含表情😀。"))
        c.apply(Reject([rids[1]], "重复"))
        c.save_version("v1")
    diff = run("diff", str(demo_root), "--project", str(tmp_path / "proj"))
    assert diff.returncode == 0 and "改好的回答，含表情😀。" in diff.stdout and "reject (重复)" in diff.stdout
    out = tmp_path / "tree"
    done = run("export", str(demo_root), "--project", str(tmp_path / "proj"), "--out", str(out), "--layout", "tree")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(l) for p in sorted(out.rglob("*.jsonl")) for l in p.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == release.frame.height - 1
    assert "改好的回答，含表情😀。" in {r.get("output") for r in rows}
    base = run("export", str(demo_root), "--project", str(tmp_path / "proj"), "--version", "0", "--out", str(tmp_path / "v0.jsonl"))
    assert base.returncode == 0 and (tmp_path / "v0.jsonl").read_bytes() == unchanged.read_bytes()
    inside = run("export", str(demo_root), "--out", str(demo_root / "x.jsonl"))
    assert inside.returncode == 2 and inside.stderr.startswith("error:") and not (demo_root / "x.jsonl").exists()


def test_stats_signals_text_and_json(demo_root):
    text = run("stats", str(demo_root), "--signals")
    assert text.returncode == 0, text.stderr
    assert "Placeholder or empty answer" in text.stdout and "near-duplicate clusters" in text.stdout
    data = json.loads(run("stats", str(demo_root), "--signals", "--json").stdout)
    assert data["signals"]["counts"]["placeholder"] >= 4
    assert data["signals"]["near_duplicates"]["clusters"] >= 2


def test_stats_words_json_matches_the_text_pass(demo_root):
    """`stats --words` reports what text.tokenise finds: word-count quantiles per field and
    the top instruction verbs with their nouns, counted independently here."""
    import polars as pl

    from app.core.load.loader import load_release
    from app.core.text.wordpass import tokenise

    data = json.loads(run("stats", str(demo_root), "--words", "--json").stdout)["words"]
    tokens = tokenise(load_release(demo_root).frame, processes=1)
    assert set(data["words"]) == {"instruction", "input", "output", "conversation"}
    assert data["words"]["output"]["max"] == tokens["tok_output"].max()
    assert data["with_verb"] == tokens["verb"].is_not_null().sum() > 0
    verbs = Counter(v for v in tokens["verb"].to_list() if v is not None)
    assert [(v["verb"], v["rows"]) for v in data["verbs"]] == sorted(verbs.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
    top = data["verbs"][0]
    nouns = Counter(tokens.filter(pl.col("verb") == top["verb"])["noun"].drop_nulls().to_list())
    assert [n["rows"] for n in top["nouns"]] == sorted(nouns.values(), reverse=True)[:4]
    text = run("stats", str(demo_root), "--words")
    assert text.returncode == 0 and f"  {top['verb']} {top['rows']:,}: " in text.stdout
