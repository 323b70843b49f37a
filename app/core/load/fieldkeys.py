"""The JSON keys a file's records use, as paths a mapping (formats.Shape) may name: what
the mapping dialog offers for instruction / input / output / conversation and a
conversation's role and text keys. Read from the file's first records only."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from app.core.io.jsonarray import starts_array

SAMPLE_RECORDS = 200
ARRAY_BYTES = 256 << 20  # a JSON array is read whole: past this, its keys are not offered


@dataclass
class FieldKeys:
    paths: list[str] = field(default_factory=list)  # text-like values: key, key.sub, key[0].sub
    lists: list[str] = field(default_factory=list)  # lists of objects: conversation candidates
    item_keys: list[str] = field(default_factory=list)  # keys of those objects: role / text candidates


def _records(path: Path) -> list:
    with open(path, "rb") as fh:
        head = fh.read(64)
        fh.seek(0)
        if starts_array(head):
            if path.stat().st_size > ARRAY_BYTES:
                return []
            try:
                data = json.loads(fh.read().decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                return []
            return data[:SAMPLE_RECORDS] if isinstance(data, list) else []
        out = []
        for raw in fh:
            try:
                out.append(json.loads(raw))
            except (UnicodeDecodeError, ValueError):
                continue  # a bad line: the load report names it
            if len(out) >= SAMPLE_RECORDS:
                break
        return out


def field_keys(path: Path | str) -> FieldKeys:
    """Keys of the first SAMPLE_RECORDS records of ``path``, in order of first appearance."""
    keys = FieldKeys()
    seen: set[tuple[str, str]] = set()

    def add(kind: str, name: str) -> None:
        if (kind, name) not in seen:
            seen.add((kind, name))
            getattr(keys, kind).append(name)

    for rec in _records(Path(path)):
        if not isinstance(rec, dict):
            continue
        for k, v in rec.items():
            if isinstance(v, dict):
                for sub, sv in v.items():
                    if not isinstance(sv, (dict, list)):
                        add("paths", f"{k}.{sub}")
            elif isinstance(v, list):
                if v and isinstance(v[0], dict):
                    add("lists", k)
                    for sub, sv in v[0].items():
                        add("item_keys", sub)
                        if not isinstance(sv, (dict, list)):
                            add("paths", f"{k}[0].{sub}")
            else:
                add("paths", k)
    return keys
