"""The demo release in resources/demo: its shape, the flaws FLAWS.md lists (each really
at its file and line, and no unlisted ones of the mechanically findable kinds), that its
text is not copied from the real release, and that the loader reports exactly its two
unreadable spots."""
from __future__ import annotations

import difflib
import functools
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo"
KEYS = ["instruction", "input", "output", "task_type", "domain", "metadata", "answer_from", "human_verified", "copyright"]
SUBSETS = ("zhihu", "douban", "xhs", "ruozhiba", "segmentfault", "wiki", "wikihow", "exam",
           "logi_qa", "human_value", "chinese_traditional", "finance", "coig_pc")
PLACEHOLDERS = {"", "暂无", "无", "略"}
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_CARD = re.compile(r"(?<!\d)\d{17}[\dX](?!\d)")
BOILERPLATE = re.compile(r"编辑于\s*\d{4}-\d{2}-\d{2}|#[^#\s]{1,20}#|https?://|<img\b")
LFS = re.compile(r"version https://git-lfs\.github\.com/spec/v1\noid sha256:[0-9a-f]{64}\nsize \d+\n")
SENTENCE_END = tuple("。！？!?.…）)」』”\"`")
# What the planted wrong label should have been, told by the instruction.
TRUE_TASK = {"translation": ("翻译",), "summary": ("概括", "摘要")}


@dataclass(frozen=True)
class Flaw:
    file: str
    line: int
    kind: str
    detail: str

    @property
    def id(self) -> str:
        return f"{self.file}:{self.line}:{self.kind}"


def _read_flaws() -> list[Flaw]:
    path = DEMO / "FLAWS.md"
    if not path.is_file():
        return []
    flaws = []
    for text in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in text.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[1].isdigit():
            flaws.append(Flaw(cells[0], int(cells[1]), cells[2], cells[3]))
    return flaws


FLAWS = _read_flaws()


@functools.cache
def lines() -> dict[str, list[str]]:
    """rel path -> its lines (index 0 is line 1), for every .jsonl file in the demo."""
    return {p.relative_to(DEMO).as_posix(): p.read_text(encoding="utf-8").split("\n")[:-1]
            for p in sorted(DEMO.rglob("*.jsonl"))}


def flagged(kind: str) -> set[tuple[str, int]]:
    return {(f.file, f.line) for f in FLAWS if f.kind == kind}


@functools.cache
def rows() -> dict[tuple[str, int], dict]:
    """(file, line) -> parsed row, for every line that is a JSON object."""
    lfs = flagged("lfs-pointer")
    out = {}
    for rel, file_lines in lines().items():
        if (rel, 1) in lfs:
            continue
        for n, text in enumerate(file_lines, 1):
            if (rel, n) not in flagged("bad-json"):
                out[(rel, n)] = json.loads(text)
    return out


def locator(text: str) -> tuple[str, int]:
    """The `file:line` another row's flaw refers to."""
    match = re.search(r"(\S+\.jsonl):(\d+)", text)
    assert match, f"no file:line in {text!r}"
    return match[1], int(match[2])


def texts(row: dict) -> str:
    return "\n".join(str(row.get(k, "")) for k in ("instruction", "input", "output"))


@pytest.fixture(autouse=True)
def _needs_demo(demo_root):
    """Every test here skips (via conftest's demo_root) when resources/demo is absent."""


# ---- layout and shape -----------------------------------------------------------------

def test_tree_layout_readme_and_licence():
    for subset in SUBSETS:
        assert list((DEMO / subset).glob("*.jsonl")), f"{subset}/ has no .jsonl file"
    readme = (DEMO / "README.md").read_text(encoding="utf-8")
    assert "CC0" in readme and "original" in readme
    assert (DEMO / "zhihu" / "zhihu_score8.0-8.5_clean_v3.jsonl").is_file()
    assert (DEMO / "ruozhiba" / "ruozhiba_ruozhiba.jsonl").is_file()
    assert (DEMO / "exam" / "kaoyan.jsonl").is_file()


def test_about_300_rows_in_every_subset():
    per_source = defaultdict(int)
    for rel, _ in rows():
        per_source[rel.split("/")[0]] += 1
    assert 280 <= len(rows()) <= 330
    assert set(per_source) == set(SUBSETS)
    assert min(per_source.values()) >= 8
    # no blank lines: the only non-object lines are the planted ones
    assert sum(map(len, lines().values())) == len(rows()) + len(flagged("bad-json")) + 3 * len(flagged("lfs-pointer"))


def test_every_line_but_the_planted_ones_is_an_object_with_the_row_keys():
    shape_kinds = {"extra-field", "key-order", "domain-string", "major-string", "metadata-object", "verified-string"}
    quirks = defaultdict(set)
    for (rel, n), row in rows().items():
        assert isinstance(row, dict), f"{rel}:{n}"
        where = (rel, n)
        extra = [k for k in row if k not in KEYS]
        assert set(KEYS) <= set(row), f"{rel}:{n} misses {set(KEYS) - set(row)}"
        if extra:
            quirks["extra-field"].add(where)
        if [k for k in row if k in KEYS] != KEYS:
            quirks["key-order"].add(where)
        if isinstance(row["domain"], str):
            quirks["domain-string"].add(where)
        else:
            assert isinstance(row["domain"], list) and all(isinstance(d, str) for d in row["domain"])
        assert set(row["task_type"]) == {"major", "minor"}
        if isinstance(row["task_type"]["major"], str):
            quirks["major-string"].add(where)
        else:
            assert isinstance(row["task_type"]["major"], list)
        assert isinstance(row["task_type"]["minor"], list)
        if isinstance(row["metadata"], dict):
            quirks["metadata-object"].add(where)
        else:
            assert isinstance(row["metadata"], str)
        if row["human_verified"] == "true":
            quirks["verified-string"].add(where)
        else:
            assert isinstance(row["human_verified"], bool)
        assert row["answer_from"] in ("human", "llm", "expert")
        assert all(isinstance(row[k], str) for k in ("instruction", "input", "output", "copyright"))
    for kind in shape_kinds:  # each quirk is present, and only where FLAWS.md says
        assert quirks[kind] == flagged(kind) and quirks[kind], kind


def test_lengths_vary():
    outputs = sorted(len(r["output"]) for r in rows().values())
    assert sum(50 <= n <= 800 for n in outputs) / len(outputs) > 0.8
    assert sum(n >= 2000 for n in outputs) >= 2


# ---- each listed flaw is really there ---------------------------------------------------

def _check(flaw: Flaw) -> None:
    if flaw.kind == "lfs-pointer":
        assert flaw.line == 1 and LFS.fullmatch((DEMO / flaw.file).read_text(encoding="ascii"))
        return
    raw = lines()[flaw.file][flaw.line - 1]
    if flaw.kind == "bad-json":
        assert raw.startswith("{")
        with pytest.raises(json.JSONDecodeError):
            json.loads(raw)
        return
    row = rows()[(flaw.file, flaw.line)]
    out = row["output"]
    kind = flaw.kind
    if kind == "exact-duplicate":
        other = locator(flaw.detail)
        assert other != (flaw.file, flaw.line) and lines()[other[0]][other[1] - 1] == raw
    elif kind == "duplicate-instruction":
        other = rows()[locator(flaw.detail)]
        assert other["instruction"] == row["instruction"] and other["output"] != out
    elif kind == "near-duplicate":
        other = rows()[locator(flaw.detail)]
        assert texts(other) != texts(row)
        assert difflib.SequenceMatcher(None, texts(other), texts(row)).ratio() > 0.9
    elif kind == "placeholder":
        assert out.strip() in PLACEHOLDERS
    elif kind == "truncated":
        assert len(out) > 50 and not out.rstrip().endswith(SENTENCE_END)
    elif kind == "off-topic":
        assert len(out) < 20 and len(row["instruction"]) > 5
    elif kind == "wrong-label":
        label = re.search(r"labelled (\S+)", flaw.detail)[1]
        true_task = next(v for k, v in TRUE_TASK.items() if k in flaw.detail)
        assert label in row["task_type"]["major"]
        assert any(word in row["instruction"] for word in true_task)
    elif kind == "boilerplate":
        assert BOILERPLATE.search(out)
    elif kind == "pii-phone":
        assert PHONE.search(texts(row))
    elif kind == "pii-id":
        number = ID_CARD.search(texts(row))[0]
        weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        assert "10X98765432"[sum(int(c) * w for c, w in zip(number, weights)) % 11] == number[-1]
    elif kind == "mojibake":
        assert "\ufffd" in texts(row)
    elif kind == "llm-unverified":
        assert row["answer_from"] == "llm" and row["human_verified"] is False
    elif kind == "ill-posed":
        assert "无法" in out or "无解" in out
    elif kind == "extra-field":
        assert set(row) - set(KEYS)
    elif kind == "key-order":
        assert set(row) == set(KEYS) and list(row) != KEYS
    elif kind == "domain-string":
        assert isinstance(row["domain"], str)
    elif kind == "major-string":
        assert isinstance(row["task_type"]["major"], str)
    elif kind == "metadata-object":
        assert isinstance(row["metadata"], dict)
    elif kind == "verified-string":
        assert row["human_verified"] == "true"
    else:
        pytest.fail(f"FLAWS.md names an unknown kind {kind!r}")


@pytest.mark.parametrize("flaw", FLAWS, ids=[f.id for f in FLAWS])
def test_listed_flaw_is_at_its_line(flaw):
    _check(flaw)


def test_flaw_list_covers_every_kind_at_about_ten_percent():
    assert FLAWS, "FLAWS.md is missing or has no table"
    kinds = {f.kind for f in FLAWS}
    assert kinds >= {"exact-duplicate", "duplicate-instruction", "near-duplicate", "placeholder", "truncated",
                     "wrong-label", "off-topic", "boilerplate", "pii-phone", "pii-id", "mojibake", "llm-unverified",
                     "domain-string", "major-string", "metadata-object", "verified-string", "extra-field",
                     "key-order", "bad-json", "lfs-pointer"}
    assert len(flagged("bad-json")) == 1 and len(flagged("lfs-pointer")) == 1
    partners = [(f.file, locator(f.detail)[0]) for f in FLAWS if f.kind == "exact-duplicate"]
    assert any(a == b for a, b in partners) and any(a != b for a, b in partners)  # within a file and across subsets
    flawed_rows = {(f.file, f.line) for f in FLAWS} & set(rows())
    assert 0.08 <= len(flawed_rows) / len(rows()) <= 0.15


def test_no_unlisted_flaws_of_the_findable_kinds():
    by_line = defaultdict(list)
    for (rel, n), row in rows().items():
        by_line[lines()[rel][n - 1]].append((rel, n))
    for group in by_line.values():  # every copy but one is listed
        assert len(set(group) & flagged("exact-duplicate")) == len(group) - 1, group
    by_prompt = defaultdict(list)
    for where, row in rows().items():
        by_prompt[(row["instruction"], row["input"])].append(where)
    for group in by_prompt.values():
        if len({rows()[w]["output"] for w in group}) > 1:
            assert set(group) & flagged("duplicate-instruction"), group
    for where, row in rows().items():
        text = texts(row)
        found = {
            "placeholder": row["output"].strip() in PLACEHOLDERS,
            "mojibake": "\ufffd" in text,
            "pii-phone": bool(PHONE.search(text)),
            "pii-id": bool(ID_CARD.search(text)),
            "boilerplate": bool(BOILERPLATE.search(row["output"])),
            "llm-unverified": row["answer_from"] == "llm" and row["human_verified"] is False,
        }
        for kind, hit in found.items():
            assert hit == (where in flagged(kind)), f"{where}: {kind}"


# ---- originality ------------------------------------------------------------------------

def test_no_row_is_copied_from_the_real_release(sample_root):
    instructions, outputs = set(), set()
    for path in sample_root.rglob("*.jsonl"):
        for text in path.read_text(encoding="utf-8", errors="replace").split("\n"):
            if text.startswith("{"):
                row = json.loads(text)
                instructions.add(row["instruction"].strip())
                outputs.add(row["output"].strip())
    assert len(instructions) > 10_000  # the sample really was read
    for where, row in rows().items():
        assert row["instruction"].strip() not in instructions, where
        # short answers ("正面", "A") may coincide; anything longer must be ours
        assert len(row["output"]) < 20 or row["output"].strip() not in outputs, where


# ---- what the loader makes of it --------------------------------------------------------

def test_loader_reports_exactly_the_bad_line_and_the_lfs_pointer():
    loader = pytest.importorskip("app.core.load.loader")
    release = loader.load_release(DEMO)
    report = release.report
    assert [(b.file, b.line) for b in report.bad_lines] == sorted(flagged("bad-json"))
    assert "truncated" in report.bad_lines[0].reason
    # the demo's own notes are named too: nothing in a release folder is left out silently
    notes = {s.file: s.reason for s in report.skipped_files if s.file.endswith(".md")}
    assert notes == dict.fromkeys(["FLAWS.md", "README.md"], "not a data file: only .jsonl, .json and .parquet files are read")
    pointers = [s for s in report.skipped_files if s.file not in notes]
    assert [s.file for s in pointers] == [f for f, _ in flagged("lfs-pointer")]
    assert pointers[0].reason.startswith("Git LFS pointer")
    assert release.frame.height == report.rows == len(rows())
    assert release.frame["rid"].n_unique() == len(rows())  # exact duplicates still get their own ids


def test_loader_normalises_the_shape_quirks():
    loader = pytest.importorskip("app.core.load.loader")
    frame = loader.load_release(DEMO).frame
    at = {(r["file"], r["line"]): r for r in frame.iter_rows(named=True)}
    for where in flagged("domain-string"):
        assert at[where]["domain"] == [rows()[where]["domain"]]
    for where in flagged("major-string"):
        assert at[where]["task_major"] == [rows()[where]["task_type"]["major"]]
    for where in flagged("metadata-object"):
        assert json.loads(at[where]["metadata"]) == rows()[where]["metadata"]
    for where in flagged("verified-string"):
        assert at[where]["human_verified"] is True
    for where in flagged("extra-field") | flagged("key-order"):
        assert at[where]["instruction"] == rows()[where]["instruction"]
    for where, row in rows().items():  # every row kept its own text and locator
        assert at[where]["output"] == row["output"]
