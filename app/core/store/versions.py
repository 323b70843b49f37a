"""Saved versions: ``versions/v0001.jsonl`` (the diff against the BASE release, changed rows
only) and ``versions/v0001.json`` (its manifest). The manifest is written last, so a
version exists only once it is complete; both files are written atomically.

One line per changed row, sorted by (file, line) so versions diff well under git:
  {"rid": "<16 hex>", "file": ..., "line": ..., "op": "edit"|"reject"|"accept"|"restore",
   "fields": {field: {"before": base value, "after": new value}}, "reason": ..., "author": ..., "time": ...}
``restore`` marks a row the parent version rejected and this one leaves untouched.
A row with a note or flag carries ``"note": text`` / ``"flag": true`` (lines without them
read as no note, no flag); ``note`` is the op of a row noted or flagged and nothing else.

A number is never reused: the next one is past every ``vNNNN.*`` name in the folder, and
each file is created exclusively (``write_new``), so a save never replaces a file. A
manifest that cannot be read stops saving (its number must not be taken again); a data
file left without its manifest by a killed save is set aside by ``recover``.
"""
from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import xxhash

from app.core.curate.anchors import Anchor
from app.core.curate.overlay import EDITABLE_FIELDS, BaseLookup, Overlay, RowState, make_state
from app.core.curate.pathedits import ROW_COLUMNS, base_value, is_path
from app.core.io.atomic import SaveError, describe_oserror, save_error, write_new
from app.core.load.schema import rid_from_hex, rid_hex
# the comparisons live in version_diff; older imports name them here
from .version_diff import (BaseCheck, RowDiff, _jsonable, char_diff, check_records, diff_records,  # noqa: F401
                           diff_versions, records_by_rid)

log = logging.getLogger(__name__)

FORMAT = "cqia-curation-version/1"
OPS = ("edit", "reject", "accept", "restore")
_OP_OF = {"rejected": "reject", "accepted": "accept", "edited": "edit", "untouched": "note"}
_DECISION_OF = {"reject": "rejected", "accept": "accepted"}
_NAME = re.compile(r"^v(\d{4,})\.json$")
_DATA = re.compile(r"^v(\d{4,})\.jsonl$")
_TAKEN = re.compile(r"^\.?v(\d{4,})\.")  # any file of a number, a writer's temp file included
SET_ASIDE = ".incomplete"  # suffix of a data file whose save never finished


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
    # Rows whose text or labels differ from the release (RowState.edited), whatever was
    # decided about them; None for versions saved before it was recorded.
    edited: int | None = None

    @property
    def tally(self) -> dict[str, int]:
        """Rows edited (text changed, whatever was decided after), accepted, rejected and
        restored in this version. A version saved before "edited" was recorded counts
        only its rows edited and not decided."""
        edited = self.edited if self.edited is not None else int(self.counts.get("edit", 0))
        return {"edited": edited, "accepted": int(self.counts.get("accept", 0)),
                "rejected": int(self.counts.get("reject", 0)), "restored": int(self.counts.get("restore", 0))}

    @property
    def name(self) -> str:
        return version_name(self.number)


def version_name(n: int) -> str:
    return f"v{n:04d}"


def build_records(overlay: Overlay, base: BaseLookup, parent: Overlay | None = None,
                  parent_records: Mapping[int, dict] | None = None, *, author: str | None = None,
                  time: str | None = None, anchors: Mapping[int, Anchor] | None = None) -> list[dict]:
    """Version lines for ``overlay`` against the base, sorted by (file, line, rid).

    A row's ``anchor`` (anchors.py), when known, lets the version follow its rows into a
    changed release. Rows the base no longer has keep the locator of their anchor, and the
    before-values of ``parent_records``.
    A restore (a row the parent rejected, untouched now) has no state of its own to say
    who cleared it: it is the version's ``author`` and ``time`` when given.
    """
    restored = [r for r, s in (parent or {}).items() if s.decision == "rejected" and r not in overlay]
    rids = list(overlay) + restored
    edited = {f for s in overlay.values() for f in s.fields}  # only those values are read (long texts)
    # an edit by path reads its before-value from the row's turns (pathedits.base_value)
    columns = [*(f for f in EDITABLE_FIELDS if f in edited), *(ROW_COLUMNS if any(map(is_path, edited)) else ())]
    known = base.rows(rids, ["file", "line", *dict.fromkeys(columns)])
    old = parent_records or {}
    anchors = anchors or {}
    records = []
    for rid in rids:
        state = overlay.get(rid)
        row = known.get(rid)
        prev = old.get(rid, {})
        anchor = anchors.get(rid)
        if row is None:
            locator = (anchor.file, anchor.line) if anchor else (prev.get("file"), prev.get("line"))
            befores = {k: v.get("before") for k, v in prev.get("fields", {}).items()}
        else:
            locator = (row["file"], row["line"])
            befores = {k: base_value(row, k) for k in state.fields}
        if state.is_empty:
            op, by, at = "restore", author or parent[rid].by, time or parent[rid].at  # type: ignore[index]
        else:
            op, by, at = _OP_OF[state.status], state.by, state.at
        rec = {
            "rid": rid_hex(rid),
            "file": locator[0],
            "line": locator[1],
            "op": op,
            "fields": {k: {"before": _jsonable(befores.get(k)), "after": _jsonable(v)} for k, v in state.fields.items()},
            "reason": state.reason,
            "author": by,
            "time": at,
        }
        if state.note is not None:
            rec["note"] = state.note
        if state.flag:
            rec["flag"] = True
        if anchor is not None:
            rec["anchor"] = anchor.to_json()
        records.append(rec)
    records.sort(key=lambda r: (r["file"] or "", r["line"] or 0, r["rid"]))
    return records


def overlay_from_records(records: Iterable[dict]) -> Overlay:
    rows: dict[int, RowState] = {}
    shared: dict[tuple, RowState] = {}  # rows a bulk command decided alike share one state (as in the journal)
    for rec in records:
        if rec["op"] == "restore":
            continue
        fields = rec.get("fields")
        if fields:
            state = make_state(_DECISION_OF.get(rec["op"]), rec.get("reason"), {k: v["after"] for k, v in fields.items()},
                               by=rec.get("author"), at=rec.get("time"), note=rec.get("note"), flag=rec.get("flag", False))
        else:
            key = (rec["op"], rec.get("reason"), rec.get("author"), rec.get("time"), rec.get("note"), rec.get("flag", False))
            state = shared.get(key)
            if state is None:
                state = shared[key] = make_state(_DECISION_OF.get(rec["op"]), rec.get("reason"), {},
                                                 by=rec.get("author"), at=rec.get("time"),
                                                 note=rec.get("note"), flag=rec.get("flag", False))
        rows[int(rec["rid"], 16)] = state  # records() checked every rid
    return Overlay(rows)


def anchors_from_records(records: Iterable[dict]) -> dict[int, Anchor]:
    """The anchors a version's lines carry (versions saved before anchors carry none)."""
    return {int(r["rid"], 16): Anchor.from_json(r["anchor"]) for r in records if r.get("anchor")}  # rids checked


def encode_records(records: list[dict]) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n" for r in records)


class VersionStore:
    """The ``versions`` folder of a project."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)

    def _paths(self, n: int) -> tuple[Path, Path]:
        name = version_name(n)
        return self.folder / f"{name}.jsonl", self.folder / f"{name}.json"

    def _names(self) -> list[str]:
        try:
            return os.listdir(self.folder)
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise VersionError(f"cannot read the versions folder {self.folder}: {describe_oserror(exc)}") from exc

    def scan(self) -> tuple[list["VersionInfo"], list[VersionError]]:
        """(readable versions by number, one VersionError per manifest that cannot be read).
        VersionError when the folder itself cannot be read."""
        out, problems = [], []
        for name in self._names():
            m = _NAME.match(name)
            if not m:
                continue
            try:
                out.append(self.info(int(m.group(1))))
            except VersionError as exc:
                problems.append(exc)
        return sorted(out, key=lambda v: v.number), sorted(problems, key=str)

    def list(self) -> list[VersionInfo]:
        versions, problems = self.scan()
        for exc in problems:
            log.warning("%s", exc)
        return versions

    def latest(self) -> int | None:
        versions = self.list()
        return versions[-1].number if versions else None

    def manifest(self, n: int) -> dict:
        path = self._paths(n)[1]
        try:
            m = json.loads(path.read_bytes())
        except FileNotFoundError:
            raise VersionError(f"version {n} does not exist ({path} is missing)") from None
        except OSError as exc:
            raise VersionError(f"cannot read {path}: {describe_oserror(exc)}") from exc
        except (ValueError, RecursionError) as exc:
            raise VersionError(f"{path} is damaged (not JSON: {exc})") from exc
        if not isinstance(m, dict):
            raise VersionError(f"{path} is damaged (not a version manifest)")
        return m

    def info(self, n: int) -> VersionInfo:
        m = self.manifest(n)
        try:
            number = int(m["version"])
            if number != n:
                raise ValueError(f"it says it is version {number}")
            return VersionInfo(number, tuple(int(p) for p in m.get("parents") or ()), str(m.get("author") or ""),
                               str(m.get("time") or ""), str(m.get("message") or ""), dict(m.get("counts") or {}),
                               int(m.get("rows", 0)), m.get("base") or {},
                               int(m["edited"]) if m.get("edited") is not None else None)
        except KeyError as exc:
            raise VersionError(f"{self._paths(n)[1]} is damaged (no {exc} key)") from None
        except (ValueError, TypeError) as exc:
            raise VersionError(f"{self._paths(n)[1]} is damaged ({exc})") from None

    def records(self, n: int) -> list[dict]:
        if n == 0:
            return []  # version 0 is the base release itself
        manifest = self.manifest(n)
        data_path = self._paths(n)[0]
        try:
            data = data_path.read_bytes()
        except OSError as exc:
            raise VersionError(f"cannot read {data_path}: {describe_oserror(exc)}") from exc
        if xxhash.xxh3_64_hexdigest(data) != manifest.get("xxh3"):
            raise VersionError(f"{data_path} does not match its manifest (edited or damaged)")
        out = []
        for i, line in enumerate(data.splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                rid_from_hex(rec["rid"])
                if rec["op"] not in OPS and rec["op"] != "note":
                    raise ValueError(f"unknown op {rec['op']!r}")
            except KeyError as exc:
                raise VersionError(f"{data_path} line {i}: no {exc} key") from None
            except (ValueError, TypeError, RecursionError) as exc:
                raise VersionError(f"{data_path} line {i}: {exc}") from None
            out.append(rec)
        return out

    def overlay(self, n: int, records: list[dict] | None = None) -> Overlay:
        """Version ``n``'s overlay (from its ``records`` when the caller has them)."""
        records = self.records(n) if records is None else records
        try:
            return overlay_from_records(records)
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise VersionError(f"{self._paths(n)[0]} is damaged ({type(exc).__name__}: {exc})") from None

    def _next_number(self, parents: tuple[int, ...]) -> int:
        taken = [int(m.group(1)) for m in map(_TAKEN.match, self._names()) if m]
        return max(taken + list(parents) + [0]) + 1

    def recover(self) -> list[str]:
        """Set aside each data file a killed save left without its manifest (renamed to
        ``vNNNN.jsonl.incomplete``, never deleted); returns what was done, in words. Only
        the writer (the lock holder) calls this."""
        done = []
        for name in self._names():
            m = _DATA.match(name)
            if not m or os.path.lexists(self._paths(int(m.group(1)))[1]):
                continue
            target = self.folder / (name + SET_ASIDE)
            k = 1
            while os.path.lexists(target):
                k += 1
                target = self.folder / f"{name}{SET_ASIDE}-{k}"
            try:
                os.rename(self.folder / name, target)
            except OSError as exc:
                raise save_error(self.folder / name, exc) from exc
            done.append(f"{self.folder / name} had no manifest (a save that never finished); "
                        f"it was set aside as {target.name}")
        return done

    def save(self, overlay: Overlay, base: BaseLookup, *, message: str, author: str, time: str, identity: dict,
             parents: tuple[int, ...] = (), parent_overlay: Overlay | None = None,
             extra: Mapping[str, Any] | None = None, anchors: Mapping[int, Anchor] | None = None) -> VersionInfo:
        """Write the next version. Raises SaveError and leaves the folder as it was;
        VersionError (nothing written) when a manifest in the folder cannot be read.
        ``extra``: more manifest keys (a merge records its other parent and resolutions)."""
        try:
            self.folder.mkdir(exist_ok=True)  # not parents: never resurrect a deleted project
        except OSError as exc:
            raise save_error(self.folder, exc) from exc
        problems = self.scan()[1]
        if problems:
            raise VersionError(f"{problems[0]}; no version is saved until it is repaired or moved out of "
                               f"{self.folder} (its number must not be taken again)")
        parent_records = None
        if parents and _has_unknown(overlay, base):
            try:  # rows the base lost keep their locator from the parent version
                parent_records = records_by_rid(self.records(parents[0]))
            except VersionError:
                parent_records = None
        records = build_records(overlay, base, parent_overlay, parent_records, author=author, time=time,
                                anchors=anchors)
        data = encode_records(records)
        counts = dict.fromkeys(OPS, 0)
        for rec in records:
            if rec["op"] in counts:  # a "note" line is no decision nor edit: not tallied
                counts[rec["op"]] += 1
        for _ in range(1000):  # another number only when a racing writer took this one
            n = self._next_number(parents)
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
                "edited": sum(1 for rec in records if rec["fields"]),
                "data": self._paths(n)[0].name,
                "xxh3": xxhash.xxh3_64_hexdigest(data),
            }
            manifest.update({k: v for k, v in (extra or {}).items() if k not in manifest})
            data_path, manifest_path = self._paths(n)
            try:
                write_new(data_path, data)
            except FileExistsError:
                continue
            try:
                write_new(manifest_path, json.dumps(manifest, ensure_ascii=False, indent=2).encode() + b"\n")
            except (FileExistsError, SaveError) as exc:
                try:
                    os.unlink(data_path)  # ours, and without a manifest the version never existed
                except OSError:
                    pass
                if isinstance(exc, FileExistsError):
                    continue
                raise
            return self.info(n)
        raise SaveError(self.folder, "no free version number (other writers keep taking them)")


def _has_unknown(overlay: Overlay, base: BaseLookup) -> bool:
    return len(base.present(list(overlay))) < len(overlay)


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
