"""A team's shared folder: ``assignment.json`` (who reviews which rows) beside one project
folder per curator, ``<name>.curation``.

assignment.json (written atomically, never half):
  format, id (random), created, author (the lead), release (hash, rows, label),
  seed, overlap, curators (sorted), view (the FilterSpec text the rows came from, or null),
  start (the version every curator's project starts from: project, version, id; or null),
  rows (distinct rows assigned), shared (rows reviewed by two),
  queues: {name: {"rows": n, "shared": k, "sources": {source: n}, "items": ["<rid> <file>:<line>", ...],
                  "keys": ["<content key>", ...]}},
  content_keys (the scheme of the keys: queue_follow.py; both absent in older assignments)

An item is its row id (16 hex digits), a space and its locator: readable, greppable, and
quick to read back (one string each: JSON parses 550,000 of them in a quarter second).
"""
from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from app.core.io.atomic import describe_oserror, write_atomic
from app.core.query.filters import FilterSpec, apply as apply_filter
from app.core.store.project import PROJECT_FILE, SUFFIX, default_author, now_iso
from .queue_follow import KEY_SCHEME, content_keys
from .split import split

ASSIGNMENT_FILE = "assignment.json"
FORMAT = "cqia-assignment/1"
_BAD_NAME = re.compile(r"[/\\\x00-\x1f:*?\"<>|]")


class AssignmentError(Exception):
    """An assignment cannot be made, read or used; the message says why in plain words."""


def check_name(name: str) -> str:
    """A curator's name, usable as a folder name on every system (``<name>.curation``)."""
    if not isinstance(name, str) or not name.strip():
        raise AssignmentError("a curator needs a non-empty name")
    name = name.strip()
    if _BAD_NAME.search(name) or name.startswith(".") or len(name.encode()) > 200:
        raise AssignmentError(f"{name!r} cannot be a curator's name: it names a folder, so no / \\ : * ? \" < > |, "
                              "control characters or leading dot")
    return name


def project_dir(shared: Path | str, curator: str) -> Path:
    return Path(shared) / f"{check_name(curator)}{SUFFIX}"


@dataclass
class Assignment:
    seed: int
    overlap: float
    curators: tuple[str, ...]
    rows: pl.DataFrame  # curator (str), rid, item ("<rid hex> <file>:<line>"), key (content key; null: not recorded)
    release: dict
    view: str | None = None
    start: dict | None = None
    created: str = field(default_factory=now_iso)
    author: str = field(default_factory=default_author)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    sources: dict = field(default_factory=dict)  # curator -> {source: rows}
    key_scheme: str | None = None  # how ``key`` was computed (queue_follow.KEY_SCHEME), None: no keys

    # the parts read often are worked out once (an assignment never changes once made)
    _by_curator: dict | None = field(default=None, init=False, repr=False, compare=False)
    _shared: pl.Series | None = field(default=None, init=False, repr=False, compare=False)
    _counts: tuple[int, int] | None = field(default=None, repr=False, compare=False)  # rows, shared (from the file)

    @property
    def shared_ids(self) -> pl.Series:
        """The rows two curators review (rid, unique)."""
        if self._shared is None:
            rid = self.rows["rid"]
            self._shared = rid.filter(rid.is_duplicated()).unique().alias("rid")
        return self._shared

    @property
    def total(self) -> int:
        return self._counts[0] if self._counts else self.rows["rid"].n_unique()

    @property
    def shared_rows(self) -> int:
        return self._counts[1] if self._counts else self.shared_ids.len()

    def _queue(self, curator: str) -> pl.DataFrame:
        if curator not in self.curators:
            raise AssignmentError(f"{curator!r} has no queue in this assignment (curators: {', '.join(self.curators)})")
        if self._by_curator is None:
            parts = self.rows.partition_by("curator", as_dict=True, maintain_order=True, include_key=False)
            self._by_curator = {k[0]: v for k, v in parts.items()}
        return self._by_curator.get(curator, self.rows.clear().drop("curator"))

    def queue_rids(self, curator: str) -> pl.Series:
        """The curator's row ids, in release order (no more is read)."""
        return self._queue(curator)["rid"]

    def queue(self, curator: str) -> pl.DataFrame:
        """The curator's rows (rid, item, key, shared) in release order."""
        q = self._queue(curator)
        return q.with_columns(pl.col("rid").is_in(self.shared_ids.implode()).alias("shared"))

    def rids(self, curator: str) -> tuple[int, ...]:
        return tuple(self.queue_rids(curator).to_list())

    def locators(self, rows: pl.DataFrame | None = None) -> pl.DataFrame:
        """``rows`` (default: all) with ``file`` and ``line`` read from their items."""
        rows = self.rows if rows is None else rows
        rest = pl.col("item").str.slice(17)
        line = rest.str.split(":").list.last()
        return rows.with_columns(rest.str.head(-(line.str.len_chars().cast(pl.Int64) + 1)).alias("file"),
                                 line.cast(pl.UInt32, strict=False).alias("line"))

    def to_json(self) -> dict:
        queues = {}
        for name in self.curators:
            q = self.queue(name)
            sources = self.sources.get(name, {})
            queues[name] = {"rows": q.height, "shared": int(q["shared"].sum()), "sources": sources,
                            "items": q["item"].to_list()}
            if self.key_scheme is not None:
                queues[name]["keys"] = hex_ids(q["key"]).to_list()
        out = {"format": FORMAT, "id": self.id, "created": self.created, "author": self.author,
               "release": self.release, "seed": self.seed, "overlap": self.overlap, "curators": list(self.curators),
               "view": self.view, "start": self.start, "rows": self.total, "shared": self.shared_rows,
               "queues": queues}
        if self.key_scheme is not None:
            out["content_keys"] = self.key_scheme
        return out

    @classmethod
    def from_json(cls, obj: dict, where: str = ASSIGNMENT_FILE) -> "Assignment":
        try:
            if not isinstance(obj, dict) or obj.get("format") != FORMAT:
                raise ValueError(f"not an assignment (format {obj.get('format') if isinstance(obj, dict) else None!r})")
            curators = tuple(check_name(c) for c in obj["curators"])
            scheme = obj.get("content_keys")
            names, items, keys, sources = [], [], [], {}
            for name in curators:
                queue = obj["queues"][name]
                got = queue["items"]
                if not isinstance(got, list):
                    raise ValueError(f"the queue of {name} is not a list of items")
                names.append(pl.repeat(name, len(got), dtype=pl.String, eager=True))
                items += got
                if scheme is not None:
                    got_keys = queue.get("keys")
                    if not isinstance(got_keys, list) or len(got_keys) != len(got):
                        raise ValueError(f"the content keys of {name}'s queue do not match its items")
                    keys += got_keys
                sources[name] = dict(queue.get("sources") or {})
            try:
                item_series = pl.Series(items, dtype=pl.String)  # strict: an item that is not text raises
            except TypeError:
                raise ValueError("an item of a queue is not text") from None
            frame = pl.DataFrame({"curator": pl.concat(names) if names else pl.Series([], dtype=pl.String),
                                  "item": item_series})
            rows = _parse_items(frame)
            key = (pl.Series(keys, dtype=pl.String).str.to_integer(base=16, dtype=pl.UInt64, strict=False)
                   if scheme is not None else pl.repeat(None, rows.height, dtype=pl.UInt64, eager=True))
            rows = rows.with_columns(key.alias("key"))
            counts = (int(obj["rows"]), int(obj["shared"])) if "rows" in obj and "shared" in obj else None
            return cls(seed=int(obj["seed"]), overlap=float(obj["overlap"]), curators=curators, rows=rows,
                       release=dict(obj["release"]), view=obj.get("view"), start=obj.get("start"),
                       created=str(obj.get("created") or ""), author=str(obj.get("author") or ""),
                       id=str(obj.get("id") or ""), sources=sources, key_scheme=str(scheme) if scheme else None,
                       _counts=counts)
        except AssignmentError as exc:
            raise AssignmentError(f"{where}: {exc}") from None
        except KeyError as exc:
            raise AssignmentError(f"{where} is damaged (no {exc} key)") from None
        except (ValueError, TypeError, AttributeError, pl.exceptions.PolarsError) as exc:
            raise AssignmentError(f"{where} is damaged ({exc})") from None


def hex_ids(rids: pl.Series) -> pl.Series:
    """Row ids as 16 hex digits, vectorised (one hex dump of the big-endian bytes)."""
    dump = rids.to_numpy().astype(">u8").tobytes().hex().encode("ascii")
    return pl.Series("hex", np.frombuffer(dump, dtype="S16")).cast(pl.String)


def _parse_items(frame: pl.DataFrame) -> pl.DataFrame:
    """curator, rid, item: only the row ids are read (the locators on demand)."""
    rid = pl.col("item").str.slice(0, 16).str.to_integer(base=16, dtype=pl.UInt64, strict=False)  # else null
    ok = (pl.col("item").str.slice(16, 1) == " ") & ~pl.col("item").str.starts_with("+") \
        & ~pl.col("item").str.starts_with("-")  # to_integer takes a sign; an id has none
    rows = frame.with_columns(rid.alias("rid"), ok.fill_null(False).alias("_ok"))
    bad = rows.filter(~pl.col("_ok") | pl.col("rid").is_null())
    if bad.height:
        raise ValueError(f"item {bad['item'][0]!r} is not '<16 hex digits> <file>:<line>'")
    return rows.select("curator", "rid", "item")


def make_assignment(release, curators, *, overlap: float = 0.1, seed: int = 0, view: FilterSpec | None = None,
                    start: dict | None = None, author: str | None = None) -> Assignment:
    """Split the release (or the rows of ``view``) between ``curators``: see split.py."""
    names = [check_name(c) for c in curators]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise AssignmentError(f"a curator is named twice: {', '.join(dup)}")
    names = sorted(names)
    frame = release.frame
    if view is not None:
        try:
            frame = frame[apply_filter(frame, view)]
        except (ValueError, pl.exceptions.PolarsError) as exc:  # e.g. a facet of the curation state (status)
            raise AssignmentError(f"the view cannot be applied to the release: {exc}") from None
    if frame.height == 0:
        raise AssignmentError("no rows to assign (the view is empty)" if view is not None else "no rows to assign")
    try:
        parts = split(frame, len(names), overlap, seed)
    except ValueError as exc:
        raise AssignmentError(str(exc)) from None
    keys = frame.select("rid").with_columns(content_keys(frame)).unique("rid")  # duplicate lines: one rid, one key
    parts = parts.join(keys, on="rid", how="left")
    rows = parts.with_columns(pl.col("curator").replace_strict(list(range(len(names))), names, return_dtype=pl.String))
    rows = rows.sort(["curator", "file", "line", "rid"])
    counts = rows.group_by("curator", "source").len().sort("curator", "source")
    sources: dict[str, dict[str, int]] = {}
    for name, source, n in counts.iter_rows():
        sources.setdefault(name, {})[source] = n
    rows = rows.with_columns(hex_ids(rows["rid"])).select(
        "curator", "rid", pl.format("{} {}:{}", "hex", "file", "line").alias("item"), "key")
    identity = release.identity()
    return Assignment(seed=seed, overlap=overlap, curators=tuple(names), rows=rows,
                      release={"hash": identity.get("hash"), "rows": identity.get("rows"), "label": release.name},
                      view=view.to_text() if view is not None else None, start=start,
                      author=author or default_author(), sources=sources, key_scheme=KEY_SCHEME)


def write_assignment(shared: Path | str, assignment: Assignment, *, replace: bool = False) -> Path:
    """Write ``assignment.json`` in ``shared`` atomically (SaveError on failure). An
    existing assignment is replaced only with ``replace``."""
    path = Path(shared) / ASSIGNMENT_FILE
    if path.exists() and not replace:
        raise AssignmentError(f"{path} already exists (an assignment was made here); "
                              "replace it on purpose (--replace) or use another folder")
    Path(shared).mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(assignment.to_json(), ensure_ascii=False, indent=1).encode("utf-8") + b"\n")
    return path


def read_assignment(shared: Path | str) -> Assignment:
    """The assignment in ``shared`` (a folder, or the assignment.json file itself)."""
    path = Path(shared)
    if path.is_dir():
        path = path / ASSIGNMENT_FILE
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise AssignmentError(f"no assignment in {path.parent} ({ASSIGNMENT_FILE} is missing; make one with "
                              "`assign`)") from None
    except OSError as exc:
        raise AssignmentError(f"cannot read {path}: {describe_oserror(exc)}") from None
    try:
        obj = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise AssignmentError(f"{path} is damaged (not JSON: {exc})") from None
    return Assignment.from_json(obj, str(path))


def is_team_folder(folder: Path | str) -> bool:
    return (Path(folder) / ASSIGNMENT_FILE).is_file()


def team_projects(shared: Path | str, assignment: Assignment | None = None) -> dict[str, Path]:
    """Each curator's project folder in ``shared`` (whether it exists yet or not)."""
    assignment = assignment or read_assignment(shared)
    return {name: project_dir(shared, name) for name in assignment.curators}


def has_project(folder: Path) -> bool:
    return (folder / PROJECT_FILE).is_file()
