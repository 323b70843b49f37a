"""Where versions come from: a version's identity across projects, opening another
curator's project or version file, and the common ancestor of two versions.

Version numbers are per project (two curators both have a v0003), so a version is
known across projects by its id: a hash of its manifest's data hash, author, time and
number. A copied project keeps its versions' ids. Ancestry follows a manifest's
``parents`` (numbers in the same project) and, for a merge version, the links
``merge.theirs`` (two-way) and ``merge.contributors`` (a gather of several curators):
each an id, plus the other project's path to look in when it is not one of the
projects at hand.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterable

import xxhash

from app.core.curate.overlay import Overlay
from app.core.io.atomic import describe_oserror
from app.core.store.versions import VersionError, VersionStore, version_name

_VERSION_FILE_SUFFIXES = (".json", ".jsonl")


def version_id(manifest: dict) -> str:
    key = "|".join(str(manifest.get(k, "")) for k in ("xxh3", "author", "time", "version"))
    return xxhash.xxh3_64_hexdigest(key.encode("utf-8"))


@dataclass(frozen=True)
class VersionRef:
    """One saved version in one project's ``versions`` folder."""

    store: VersionStore = field(compare=False)
    number: int
    manifest: dict = field(compare=False, repr=False)
    folder: Path = field(default=Path())

    @classmethod
    def of(cls, store: VersionStore, number: int) -> "VersionRef":
        return cls(store, number, store.manifest(number), store.folder.absolute())

    @property
    def id(self) -> str:
        return version_id(self.manifest)

    @property
    def project(self) -> Path:
        return self.folder.parent

    @property
    def author(self) -> str:
        return self.manifest.get("author") or ""

    @property
    def time(self) -> str:
        return self.manifest.get("time") or ""

    @property
    def name(self) -> str:
        return version_name(self.number)

    def overlay(self) -> Overlay:
        return self.store.overlay(self.number)

    def describe(self) -> dict:
        """What a merge manifest records about a parent or base."""
        return {"project": str(self.project), "version": self.number, "id": self.id, "author": self.author,
                "time": self.time, "message": self.manifest.get("message") or ""}


def open_version(path: Path | str, number: int | None = None) -> VersionRef:
    """A curator's version from what they handed over: a project folder (its latest
    version, or ``number``), its ``versions`` folder, its project.json, or one
    ``vNNNN.jsonl`` / ``vNNNN.json`` file. Raises VersionError with a plain reason."""
    path = Path(path).expanduser().absolute()
    try:
        return _open_version(path, number)
    except OSError as exc:  # a folder on the way cannot be read
        raise VersionError(f"cannot read {exc.filename or path}: {describe_oserror(exc)}") from exc


def _open_version(path: Path, number: int | None) -> VersionRef:
    if not path.exists():
        raise VersionError(f"not found: {path}")
    if path.is_file() and path.name == "project.json":
        path = path.parent
    if path.is_file():
        if path.suffix not in _VERSION_FILE_SUFFIXES or not path.stem.startswith("v") or not path.stem[1:].isdigit():
            raise VersionError(f"{path} is not a version file (vNNNN.jsonl or vNNNN.json)")
        store, number = VersionStore(path.parent), int(path.stem[1:])
    else:
        folder = path / "versions" if (path / "versions").is_dir() else path
        store = VersionStore(folder)
        if number is None:
            number = store.latest()
        if number is None:
            raise VersionError(f"{path} holds no saved version (a curation project with at least one version is needed)")
    return VersionRef.of(store, number)


def _when(ref: VersionRef) -> float:
    try:
        return datetime.fromisoformat(ref.time).timestamp()
    except ValueError:
        return float("-inf")


class Lineage:
    """Version ids of the projects at hand, and ancestry walks through them.

    ``ancestors`` maps every ancestor id (the version itself included) to its ref, or to
    None when it lives in a project that cannot be read here (its content is unknown).
    """

    def __init__(self, stores: Iterable[VersionStore] = ()):
        self._by_id: dict[str, VersionRef] = {}
        self._indexed: set[Path] = set()
        self._memo: dict[str, dict[str, VersionRef | None]] = {}
        for store in stores:
            self.add_store(store)

    def add_store(self, store: VersionStore) -> None:
        folder = store.folder.absolute()
        if folder in self._indexed:
            return
        self._indexed.add(folder)
        for info in store.list():
            try:
                ref = VersionRef.of(store, info.number)
            except VersionError:
                continue
            self._by_id.setdefault(ref.id, ref)

    def find(self, vid: str, hint: str | None = None) -> VersionRef | None:
        """The version with id ``vid``; ``hint`` is a project folder to index if needed."""
        ref = self._by_id.get(vid)
        if ref is None and hint:
            folder = Path(hint) / "versions"
            if folder.is_dir():
                self.add_store(VersionStore(folder))
                ref = self._by_id.get(vid)
        return ref

    def parents(self, ref: VersionRef) -> list[tuple[str, VersionRef | None]]:
        out: list[tuple[str, VersionRef | None]] = []
        for n in ref.manifest.get("parents") or ():
            try:
                parent = VersionRef.of(ref.store, int(n))
            except (VersionError, ValueError, TypeError):
                continue  # a deleted or damaged parent ends this line of ancestry
            out.append((parent.id, parent))
        link = ref.manifest.get("merge") or {}
        others = [link.get("theirs") or {}, *(link.get("contributors") or ())] if isinstance(link, dict) else []
        for other in others:
            if isinstance(other, dict) and other.get("id"):
                out.append((other["id"], self.find(other["id"], other.get("project"))))
        return out

    def ancestors(self, ref: VersionRef | None) -> dict[str, VersionRef | None]:
        if ref is None:
            return {}
        memo = self._memo.get(ref.id)
        if memo is not None:
            return memo
        out: dict[str, VersionRef | None] = {ref.id: ref}
        todo = [ref]
        while todo:
            for vid, parent in self.parents(todo.pop()):
                if vid in out and (out[vid] is not None or parent is None):
                    continue
                out[vid] = parent
                if parent is not None:
                    todo.append(parent)
        self._memo[ref.id] = out
        return out

    def common_ancestor(self, a: VersionRef | None, b: VersionRef | None) -> tuple[VersionRef | None, list[str]]:
        """The nearest common ancestor whose content can be read (None: the base release),
        and warnings when a nearer one exists but cannot be read."""
        return self.common_ancestor_of([a, b])

    def common_ancestor_of(self, refs: list[VersionRef | None]) -> tuple[VersionRef | None, list[str]]:
        """As common_ancestor, for the versions ``refs`` all at once (a gather of several
        curators): the nearest version every one of them descends from."""
        if not refs:
            return None, []
        lines = [self.ancestors(r) for r in refs]
        common = set(lines[0]).intersection(*lines[1:])
        known = {vid: next((line[vid] for line in lines if line[vid] is not None), None) for vid in common}
        readable = {vid: ref for vid, ref in known.items() if ref is not None}
        # drop every candidate that is a proper ancestor of another: what is left are the nearest
        nearest = [r for vid, r in readable.items()
                   if not any(vid in self.ancestors(o) for ovid, o in readable.items() if ovid != vid)]
        best = max(nearest, key=lambda r: (_when(r), r.number)) if nearest else None
        covered = set(self.ancestors(best)) if best is not None else set()
        unread = sorted(vid for vid in common - covered if vid not in readable)
        warnings = [f"a shared ancestor version ({vid}) is in a project that cannot be read here; "
                    f"merging against {best.name if best else 'the base release'} instead, which may raise extra conflicts"
                    for vid in unread[:1]]
        return best, warnings


def merge_link(manifest: dict) -> dict | None:
    """The ``merge`` record of a merge version's manifest (None for an ordinary one)."""
    link = manifest.get("merge")
    return link if isinstance(link, dict) else None

