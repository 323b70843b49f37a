"""Saved versions: ``versions/v0001.jsonl`` (the diff against the BASE release, changed rows
only) and ``versions/v0001.json`` (its manifest). The manifest is written last, so a
version exists only once it is complete; both files are written atomically.

One line per changed row, sorted by (file, line) so versions diff well under git:
  {"rid": "<16 hex>", "file": ..., "line": ..., "op": "edit"|"reject"|"accept"|"restore",
   "fields": {field: {"before": base value, "after": new value}}, "reason": ..., "author": ..., "time": ...}
``restore`` marks a row the parent version rejected and this one leaves untouched.
"""
from __future__ import annotations

import difflib
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import polars as pl
import xxhash

from .atomic import SaveError, save_error, write_atomic
from .overlay import EDITABLE_FIELDS, BaseLookup, Overlay, RowState, make_state
from .schema import LIST_FIELDS, rid_from_hex, rid_hex

log = logging.getLogger(__name__)

FORMAT = "cqia-curation-version/1"
OPS = ("edit", "reject", "accept", "restore")
_OP_OF = {"rejected": "reject", "accepted": "accept", "edited": "edit"}
_DECISION_OF = {"reject": "rejected", "accept": "accepted"}
_NAME = re.compile(r"^v(\d{4,})\.json$")


class VersionError(Exception):
    pass


@dataclass(frozen=True)
class VersionInfo:
    number: int
    parents: tuple[int, ...]
    author: str
    time: str
    message: str
    counts: Mapping[str, int]
    rows: int
    base: Mapping[str, Any] = field(compare=False, repr=False)

    @property
    def name(self) -> str:
        return version_name(self.number)


def version_name(n: int) -> str:
    return f"v{n:04d}"


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def build_records(overlay: Overlay, base: BaseLookup, parent: Overlay | None = None,
                  parent_records: Mapping[int, dict] | None = None, *, author: str | None = None,
                  time: str | None = None) -> list[dict]:
    """Version lines for ``overlay`` against the base, sorted by (file, line, rid).

    Rows the base no longer has keep the locator and before-values of ``parent_records``.
    A restore (a row the parent rejected, untouched now) has no state of its own to say
    who cleared it: it is the version's ``author`` and ``time`` when given.
    """
    restored = [r for r, s in (parent or {}).items() if s.decision == "rejected" and r not in overlay]
    rids = list(overlay) + restored
    known = base.rows(rids, ["file", "line", *EDITABLE_FIELDS])
    old = parent_records or {}
    records = []
    for rid in rids:
        state = overlay.get(rid)
        row = known.get(rid)
        prev = old.get(rid, {})
        if row is None:
            locator = (prev.get("file"), prev.get("line"))
            befores = {k: v.get("before") for k, v in prev.get("fields", {}).items()}
        else:
            locator = (row["file"], row["line"])
            befores = {k: row[k] for k in state.fields}
        if state.is_empty:
            op, by, at = "restore", author or parent[rid].by, time or parent[rid].at  # type: ignore[index]
        else:
            op, by, at = _OP_OF[state.status], state.by, state.at
        records.append({
            "rid": rid_hex(rid),
            "file": locator[0],
            "line": locator[1],
            "op": op,
            "fields": {k: {"before": _jsonable(befores.get(k)), "after": _jsonable(v)} for k, v in state.fields.items()},
            "reason": state.reason,
            "author": by,
            "time": at,
        })
    records.sort(key=lambda r: (r["file"] or "", r["line"] or 0, r["rid"]))
    return records


def overlay_from_records(records: Iterable[dict]) -> Overlay:
    rows: dict[int, RowState] = {}
    for rec in records:
        if rec["op"] == "restore":
            continue
        fields = {k: v["after"] for k, v in rec.get("fields", {}).items()}
        state = make_state(_DECISION_OF.get(rec["op"]), rec.get("reason"), fields, by=rec.get("author"), at=rec.get("time"))
        rows[rid_from_hex(rec["rid"])] = state
    return Overlay(rows)


def encode_records(records: list[dict]) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n" for r in records)


class VersionStore:
    """The ``versions`` folder of a project."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)

    def _paths(self, n: int) -> tuple[Path, Path]:
        name = version_name(n)
        return self.folder / f"{name}.jsonl", self.folder / f"{name}.json"

    def list(self) -> list[VersionInfo]:
        out = []
        try:
            names = os.listdir(self.folder)
        except FileNotFoundError:
            return []
        for name in names:
            m = _NAME.match(name)
            if not m:
                continue
            try:
                out.append(self.info(int(m.group(1))))
            except VersionError as exc:
                log.warning("%s", exc)
        return sorted(out, key=lambda v: v.number)

    def latest(self) -> int | None:
        versions = self.list()
        return versions[-1].number if versions else None

    def manifest(self, n: int) -> dict:
        path = self._paths(n)[1]
        try:
            manifest = json.loads(path.read_bytes())
        except FileNotFoundError:
            raise VersionError(f"version {n} does not exist ({path} is missing)") from None
        except (OSError, ValueError) as exc:
            raise VersionError(f"cannot read {path}: {exc}") from exc
        if not isinstance(manifest, dict) or not isinstance(manifest.get("version"), int):
            raise VersionError(f"{path} is not a version manifest (damaged?)")
        return manifest

    def info(self, n: int) -> VersionInfo:
        m = self.manifest(n)
        return VersionInfo(int(m["version"]), tuple(m.get("parents") or ()), m.get("author") or "", m.get("time") or "",
                           m.get("message") or "", dict(m.get("counts") or {}), int(m.get("rows", 0)), m.get("base") or {})

    def records(self, n: int) -> list[dict]:
        if n == 0:
            return []  # version 0 is the base release itself
        manifest = self.manifest(n)
        data_path = self._paths(n)[0]
        try:
            data = data_path.read_bytes()
        except OSError as exc:
            raise VersionError(f"cannot read {data_path}: {exc}") from exc
        if xxhash.xxh3_64_hexdigest(data) != manifest.get("xxh3"):
            raise VersionError(f"{data_path} does not match its manifest (edited or damaged)")
        try:
            return [json.loads(line) for line in data.splitlines() if line.strip()]
        except ValueError as exc:
            raise VersionError(f"{data_path} is damaged: {exc}") from exc

    def overlay(self, n: int) -> Overlay:
        return overlay_from_records(self.records(n))

    def save(self, overlay: Overlay, base: BaseLookup, *, message: str, author: str, time: str, identity: dict,
             parents: tuple[int, ...] = (), parent_overlay: Overlay | None = None,
             extra: Mapping[str, Any] | None = None) -> VersionInfo:
        """Write the next version. Raises SaveError and leaves the folder as it was.
        ``extra``: more manifest keys (a merge records its other parent and resolutions)."""
        try:
            self.folder.mkdir(exist_ok=True)  # not parents: never resurrect a deleted project
        except OSError as exc:
            raise save_error(self.folder, exc) from exc
        n = max([v.number for v in self.list()] + list(parents) + [0]) + 1
        parent_records = None
        if parents and _has_unknown(overlay, base):
            try:  # rows the base lost keep their locator from the parent version
                parent_records = records_by_rid(self.records(parents[0]))
            except VersionError:
                parent_records = None
        records = build_records(overlay, base, parent_overlay, parent_records, author=author, time=time)
        data = encode_records(records)
        counts = dict.fromkeys(OPS, 0)
        for rec in records:
            counts[rec["op"]] += 1
        manifest = {
            "format": FORMAT,
            "version": n,
            "parents": list(parents),
            "parent": parents[0] if parents else None,
            "base": identity,
            "author": author,
            "time": time,
            "message": message,
            "counts": counts,
            "rows": len(records),
            "data": self._paths(n)[0].name,
            "xxh3": xxhash.xxh3_64_hexdigest(data),
        }
        manifest.update({k: v for k, v in (extra or {}).items() if k not in manifest})
        data_path, manifest_path = self._paths(n)
        write_atomic(data_path, data)
        try:
            write_atomic(manifest_path, json.dumps(manifest, ensure_ascii=False, indent=2).encode() + b"\n")
        except SaveError:
            try:
                os.unlink(data_path)  # no manifest: the version never existed
            except OSError:
                pass
            raise
        return self.info(n)


def records_by_rid(records: Iterable[dict]) -> dict[int, dict]:
    return {rid_from_hex(r["rid"]): r for r in records}


def _has_unknown(overlay: Overlay, base: BaseLookup) -> bool:
    return len(base.present(list(overlay))) < len(overlay)


# ---- comparing versions, and versions with a (new) base --------------------------------

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
    def fields(self) -> list[str]:
        names = list(dict.fromkeys([*((self.old or {}).get("fields", {})), *((self.new or {}).get("fields", {}))]))
        return [n for n in names if self.value("old", n) != self.value("new", n)]


def _effective(rec: dict | None) -> dict | None:
    return None if rec is None or rec["op"] == "restore" else rec


def diff_records(old: Iterable[dict], new: Iterable[dict]) -> list[RowDiff]:
    """Rows whose op, reason or field values differ, in (file, line) order."""
    a, b = records_by_rid(old), records_by_rid(new)
    out = []
    for rid in dict.fromkeys([*a, *b]):
        ra, rb = _effective(a.get(rid)), _effective(b.get(rid))
        if ra is None and rb is None:
            continue
        same = ra is not None and rb is not None and (ra["op"], ra.get("reason"), ra.get("fields")) == (
            rb["op"], rb.get("reason"), rb.get("fields"))
        if not same:
            loc = rb or ra
            by = (b.get(rid) or ra or {}).get("author")
            out.append(RowDiff(rid, loc.get("file"), loc.get("line"), ra, rb, by))
    return sorted(out, key=lambda d: (d.file or "", d.line or 0, d.rid))


def diff_versions(store: VersionStore, old: int, new: int) -> list[RowDiff]:
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
    known = base.rows(rids, ["file", "line", *EDITABLE_FIELDS])
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
        changed = [k for k, v in rec.get("fields", {}).items()
                   if _jsonable(tuple(row[k]) if k in LIST_FIELDS else row[k]) != v["before"]]
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


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _op_text(rec: dict | None) -> str:
    if rec is None:
        return "untouched"
    return rec["op"] + (f" ({rec['reason']})" if rec.get("reason") else "")


def format_diff(project: Any, from_version: int | None = None, to_version: int | None = None) -> str:
    """A human-readable listing of the changes between two versions, for `python -m app diff`.

    ``project``: a project folder, a Project or a VersionStore. ``from_version`` defaults
    to the base release (0), ``to_version`` to the latest version.
    """
    store = project if isinstance(project, VersionStore) else VersionStore(Path(getattr(project, "folder", project)) / "versions")
    latest = store.latest()
    if latest is None:
        return "No versions saved yet.\n"
    old = 0 if from_version is None else from_version
    new = latest if to_version is None else to_version
    diffs = diff_versions(store, old, new)
    name = lambda n: "base" if n == 0 else version_name(n)  # noqa: E731
    kinds: dict[str, int] = {}
    for d in diffs:
        kinds[d.new["op"] if d.new else "undone"] = kinds.get(d.new["op"] if d.new else "undone", 0) + 1
    summary = ", ".join(f"{v} {k}" for k, v in sorted(kinds.items()))
    lines = [f"{name(old)} -> {name(new)}: {len(diffs)} row{'s' if len(diffs) != 1 else ''} changed" + (f" ({summary})" if summary else "")]
    if new:
        info = store.info(new)
        lines.append(f"{info.name} by {info.author} at {info.time}: {info.message}")
    for d in diffs:
        lines.append("")
        lines.append(f"{d.file}:{d.line}  {rid_hex(d.rid)}  {_op_text(d.old)} -> {_op_text(d.new)}")
        for f in d.fields:
            lines.append(f"  {f}:")
            lines.append(f"    - {_show(d.value('old', f))}")
            lines.append(f"    + {_show(d.value('new', f))}")
    return "\n".join(lines) + "\n"
