"""Comparing versions (row by row, character by character) and checking recorded
changes against a (new) base release. Versions are lists of version-file records (see
versions.py); a store is anything with ``records(n)``.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Iterable

import polars as pl

from app.core.curate.overlay import EDITABLE_FIELDS, BaseLookup
from app.core.curate.pathedits import ROW_COLUMNS, base_value
from app.core.load.schema import rid_from_hex


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def records_by_rid(records: Iterable[dict]) -> dict[int, dict]:
    return {rid_from_hex(r["rid"]): r for r in records}


@dataclass(frozen=True)
class RowDiff:
    """One row whose recorded state differs between two versions (None: untouched)."""

    rid: int
    file: str | None
    line: int | None
    old: dict | None
    new: dict | None
    author: str | None = None  # who made the new state (a restore's record names who cleared the row)

    def value(self, side: str, name: str) -> Any:
        """A field's value in the old/new version (the base value where it is not edited)."""
        rec = self.old if side == "old" else self.new
        other = self.new if side == "old" else self.old
        for r in (rec, other):
            if r and name in r.get("fields", {}):
                entry = r["fields"][name]
                return entry["after"] if r is rec else entry["before"]
        return None

    @property
    def marks(self) -> dict[str, tuple[Any, Any]]:
        """The note / flag changes of the row: {"note": (old, new), "flag": (old, new)}
        for the ones that changed (listed as such, never as a text diff of the status)."""
        out = {}
        for key, empty in (("note", None), ("flag", False)):
            old, new = (self.old or {}).get(key, empty), (self.new or {}).get(key, empty)
            if old != new:
                out[key] = (old, new)
        return out

    @property
    def fields(self) -> list[str]:
        names = list(dict.fromkeys([*((self.old or {}).get("fields", {})), *((self.new or {}).get("fields", {}))]))
        return [n for n in names if self.value("old", n) != self.value("new", n)]


def _effective(rec: dict | None) -> dict | None:
    return None if rec is None or rec["op"] == "restore" else rec


def _content(rec: dict) -> tuple:
    return rec["op"], rec.get("reason"), rec.get("fields"), rec.get("note"), rec.get("flag", False)


def diff_records(old: Iterable[dict], new: Iterable[dict]) -> list[RowDiff]:
    """Rows whose op, reason or field values differ, in (file, line) order."""
    a, b = records_by_rid(old), records_by_rid(new)
    out = []
    for rid in dict.fromkeys([*a, *b]):
        ra, rb = _effective(a.get(rid)), _effective(b.get(rid))
        if ra is None and rb is None:
            continue
        same = ra is not None and rb is not None and _content(ra) == _content(rb)
        if not same:
            loc = rb or ra
            by = (b.get(rid) or ra or {}).get("author")
            out.append(RowDiff(rid, loc.get("file"), loc.get("line"), ra, rb, by))
    return sorted(out, key=lambda d: (d.file or "", d.line or 0, d.rid))


def diff_versions(store: Any, old: int, new: int) -> list[RowDiff]:
    """Changes from version ``old`` to ``new`` (0 is the base release)."""
    return diff_records(store.records(old), store.records(new))


@dataclass
class BaseCheck:
    """Which recorded changes still fit the base: ``matching`` rids, and ``stale``
    (rid, file, line, why) for the ones that do not."""

    matching: list[int] = field(default_factory=list)
    stale: list[tuple[int, str | None, int | None, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.stale


def check_records(base_frame: pl.DataFrame, records: Iterable[dict]) -> BaseCheck:
    """Compare each record's rid and before-values with ``base_frame`` (a new release)."""
    records = list(records)
    base = BaseLookup(base_frame)
    rids = [rid_from_hex(r["rid"]) for r in records]
    known = base.rows(rids, ["file", "line", *dict.fromkeys((*EDITABLE_FIELDS, *ROW_COLUMNS))])
    out = BaseCheck()
    locs = {(r["file"], r["line"]) for rid, r in zip(rids, records) if rid not in known}
    at_loc = {}
    if locs:
        probe = pl.DataFrame({"file": [f for f, _ in locs], "line": [ln for _, ln in locs]},
                             schema={"file": pl.String, "line": pl.UInt32})
        at_loc = {(r["file"], r["line"]) for r in probe.join(base_frame.select("file", "line"), on=["file", "line"]).iter_rows(named=True)}
    for rid, rec in zip(rids, records):
        row = known.get(rid)
        where = (rec.get("file"), rec.get("line"))
        if row is None:
            why = "the row at this place now has other content" if where in at_loc else "the row is no longer in the release"
            out.stale.append((rid, *where, why))
            continue
        changed = [k for k, v in rec.get("fields", {}).items() if _jsonable(base_value(row, k)) != v["before"]]
        if changed:
            out.stale.append((rid, *where, "changed in the release: " + ", ".join(changed)))
        else:
            out.matching.append(rid)
    return out


def char_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Character-level diff for side-by-side views (Chinese has no word boundaries):
    [(op, text)] with op "equal", "delete" (only in old) or "insert" (only in new)."""
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(("equal", old[i1:i2]))
            continue
        if i2 > i1:
            out.append(("delete", old[i1:i2]))
        if j2 > j1:
            out.append(("insert", new[j1:j2]))
    return out
