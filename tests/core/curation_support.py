"""Small releases for the curation tests: odd shapes on purpose (extra keys, key order,
bare-string labels, escapes, a BOM, CRLF, a bad line), plus helpers to compare states."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from app.core.load.loader import load_release
from app.core.io.rawfile import read_rows

ROWS_A = [
    {"instruction": "把这句话翻译成英文：你好", "input": "", "output": "Hello", "task_type": {"major": ["翻译"], "minor": ["中译英"]},
     "domain": ["通用"], "metadata": "m1", "answer_from": "human", "human_verified": True, "copyright": "c"},
    {"zeta_first": 1, "instruction": "写一首诗", "input": "主题：秋", "output": "秋风起兮白云飞。\n草木黄落兮雁南归。",
     "task_type": {"minor": "诗歌", "major": "文本生成"}, "domain": "文学", "extra": {"nested": [1, 2]}, "answer_from": "llm"},
    {"instruction": "1+1=?", "input": "", "output": "2", "task_type": "数学", "domain": ["数学", "算术"], "human_verified": False},
    {"instruction": "escapes \u00e9 \"quoted\" \\ back", "input": "", "output": "tab\tend", "task_type": {"major": ["问答"], "minor": []},
     "domain": []},
    {"instruction": "no task type", "input": "", "output": "x", "domain": ["杂项"]},
    {"instruction": "重复的问题", "input": "", "output": "同样的回答", "task_type": {"major": ["问答"], "minor": ["常识"]}, "domain": ["常识"]},
    {"instruction": "重复的问题", "input": "", "output": "同样的回答", "task_type": {"major": ["问答"], "minor": ["常识"]}, "domain": ["常识"]},
]
ROWS_B = [
    {"instruction": "解释成语：画蛇添足", "input": "", "output": "比喻做了多余的事，反而不恰当。", "task_type": {"major": ["文本生成"], "minor": ["成语释义"]},
     "domain": ["成语"]},
    {"instruction": "第二个文件的第二行", "input": "上下文", "output": "好的。", "task_type": {"major": ["问答"], "minor": ["阅读理解"]}, "domain": ["通用"]},
]


def _line(obj: dict, ascii_: bool = False) -> bytes:
    return json.dumps(obj, ensure_ascii=ascii_).encode()


def make_tree(root: Path) -> Path:
    """A folder release: two subsets, one file with a BOM and CRLF line ends and a bad line."""
    a = root / "release" / "alpha" / "a.jsonl"
    b = root / "release" / "beta" / "b.jsonl"
    a.parent.mkdir(parents=True, exist_ok=True)
    b.parent.mkdir(parents=True, exist_ok=True)
    lines_a = [_line(r, ascii_=(i == 3)) for i, r in enumerate(ROWS_A)]
    lines_a.insert(4, b'{"instruction": "broken')  # a bad line the loader reports
    a.write_bytes(b"\n".join(lines_a) + b"\n\n")
    b.write_bytes(b"\xef\xbb\xbf" + b"\r\n".join(_line(r) for r in ROWS_B) + b"\r\n")
    return root / "release"


def make_file(root: Path, rows: list[dict] | None = None, name: str = "rel.jsonl") -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\n".join(_line(r) for r in (rows or ROWS_A + ROWS_B)) + b"\n")
    return path


def load(path: Path):
    return load_release(path)


def tree_digest(root: Path) -> dict[str, str]:
    """sha256 of every file under root (to prove a release was never written)."""
    out = {}
    for dirpath, _, names in os.walk(root):
        for name in names:
            p = Path(dirpath) / name
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def good_lines(release) -> list[bytes]:
    """The release's row lines (bad lines excluded), in order, as the loader saw them."""
    out = []
    for rel, part in release.frame.select("file", "line").partition_by("file", as_dict=True, maintain_order=True).items():
        rel = rel[0] if isinstance(rel, tuple) else rel
        keep = set(part["line"].to_list())
        out += [raw for n, raw in read_rows(release.root / rel) if n in keep]
    return out


def content(overlay) -> dict:
    """Overlay content without who/when (for comparing replays and runs)."""
    return {rid: (s.decision, s.reason, dict(s.fields)) for rid, s in overlay.items()}


def visible(frame):
    """The values a curator sees: what export must reproduce."""
    cols = ["instruction", "input", "output", "task_major", "task_minor", "domain"]
    return frame.filter(frame["status"] != "rejected").select(cols).rows()


def content_digest(overlay) -> str:
    """A stable fingerprint of an overlay's content (shared by the kill -9 child and parent)."""
    items = sorted((rid, s.decision, s.reason, sorted((k, list(v) if isinstance(v, tuple) else v) for k, v in s.fields.items()))
                   for rid, s in overlay.items())
    return hashlib.sha1(json.dumps(items, ensure_ascii=False).encode()).hexdigest()[:16]
