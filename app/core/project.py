"""A curation project folder: project.json (what base it curates), a writer lock, the
journal and the versions. By default ``<release>.curation`` beside the release.

Only one process writes a project: ``lock`` is created with O_EXCL and holds pid, host,
process start time and time. A second opener gets read-only mode and is told who holds
it. A lock left by a dead process on this host is broken under an flock'ed guard, so two
processes recovering the same stale lock cannot both win.
"""
from __future__ import annotations

import fcntl
import getpass
import json
import os
import socket
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import xxhash

from .atomic import describe_oserror, write_atomic

PROJECT_FILE = "project.json"
LOCK_FILE = "lock"
GUARD_FILE = "lock.guard"
SUFFIX = ".curation"
FORMAT = "cqia-curation-project/1"
REVIEWS_FILE = "reviews.jsonl"  # the review-session log (review_session.ReviewLog appends to it)
SIDE_FILES = (REVIEWS_FILE,)  # the project's files besides project.json, journal and versions
_OWN_NAMES = {PROJECT_FILE, LOCK_FILE, GUARD_FILE, "journal.jsonl", "versions", *SIDE_FILES}
_UNREADABLE_LOCK_GRACE = 10.0  # seconds an empty lock may be "being written"


class ProjectError(Exception):
    pass


class ProjectLocationError(ProjectError):
    """The project folder cannot be created or written. ``fallback`` is a folder the UI
    can offer instead (in the user's data folder)."""

    def __init__(self, path: Path, reason: str, fallback: Path | None = None):
        self.path, self.reason, self.fallback = path, reason, fallback
        hint = f"; choose another folder (for example {fallback})" if fallback else "; choose another folder"
        super().__init__(f"Cannot use {path} as the curation project: {reason}{hint}")


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


def default_author() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "curator"


def default_project_dir(release) -> Path:
    """``<dir>.curation`` beside a folder release, ``<file>.curation`` beside a file."""
    paths = list(getattr(release, "paths", ()) or [release.root])
    if len(paths) == 1:
        p = Path(paths[0])
        return p.parent / (p.name + SUFFIX)
    root = Path(release.root)
    return root.parent / (root.name + SUFFIX)


def fallback_project_dir(release) -> Path:
    """Where to keep a project when the release's folder is read-only."""
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    key = xxhash.xxh3_64_hexdigest(str(default_project_dir(release)).encode())[:8]
    return base / "cqia-curator" / "projects" / f"{default_project_dir(release).stem}-{key}{SUFFIX}"


# ---- the lock ------------------------------------------------------------------------

def _proc_start(pid: int) -> str | None:
    """Kernel start time of a process (Linux), to tell a reused pid from the holder."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


@dataclass(frozen=True)
class LockInfo:
    pid: int
    host: str
    time: str
    user: str = ""
    start: str | None = None

    @classmethod
    def mine(cls) -> "LockInfo":
        return cls(os.getpid(), socket.gethostname(), now_iso(), default_author(), _proc_start(os.getpid()))

    def describe(self) -> str:
        who = f"{self.user} " if self.user else ""
        return f"{who}(process {self.pid} on {self.host}, since {self.time})"

    def is_alive(self) -> bool:
        """False only when we are sure: same host and the process is gone (or reused)."""
        if self.host != socket.gethostname():
            return True
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        if self.start is not None:
            now = _proc_start(self.pid)
            return now is None or now == self.start
        return True


def read_lock(path: Path) -> LockInfo | None:
    try:
        obj = json.loads(path.read_bytes())
        return LockInfo(int(obj["pid"]), str(obj["host"]), str(obj["time"]), str(obj.get("user", "")), obj.get("start"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def acquire_lock(folder: Path) -> tuple[bool, LockInfo | None]:
    """(True, our info) when we hold the lock, (False, holder) when someone else does."""
    path = folder / LOCK_FILE
    me = LockInfo.mine()
    for _ in range(5):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            holder = read_lock(path)
            if holder is not None and holder.is_alive():
                return False, holder
            if holder is None and _age(path) < _UNREADABLE_LOCK_GRACE:
                return False, LockInfo(0, "?", "just now", "another process (lock being written)")
            _break_stale(folder, path, holder)
            continue
        try:
            os.write(fd, json.dumps(asdict(me)).encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        return True, me
    raise ProjectError(f"could not take the lock {path}: it keeps changing")


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


def _break_stale(folder: Path, path: Path, seen: LockInfo | None) -> None:
    """Remove the lock only if it is still the stale one we saw, under the guard."""
    gfd = os.open(folder / GUARD_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(gfd, fcntl.LOCK_EX)
        now = read_lock(path)
        if now == seen and (now is None or not now.is_alive()):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
    finally:
        os.close(gfd)  # closing releases the flock


def release_lock(folder: Path) -> None:
    path = folder / LOCK_FILE
    holder = read_lock(path)
    if holder is not None and holder.pid == os.getpid() and holder.host == socket.gethostname():
        try:
            os.unlink(path)
        except OSError:
            pass


def break_lock(folder: Path) -> None:
    """Remove someone else's lock (the UI's "open anyway" after the curator confirms)."""
    try:
        os.unlink(Path(folder) / LOCK_FILE)
    except FileNotFoundError:
        pass


def copy_side_files(source: Path | str, target: Path | str) -> list[str]:
    """When a project moves, its side files (SIDE_FILES) go along, each replaced
    atomically in ``target``; returns the names copied (a missing one is skipped).
    Raises SaveError if one cannot be written, OSError if one cannot be read."""
    copied = []
    for name in SIDE_FILES:
        src = Path(source) / name
        if not src.is_file():
            continue
        write_atomic(Path(target) / name, src.read_bytes())
        copied.append(name)
    return copied


# ---- the project ---------------------------------------------------------------------

class Project:
    """An opened project folder. ``read_only`` when another process holds the lock or the
    folder cannot be written; ``read_only_reason`` says which, for the UI."""

    def __init__(self, folder: Path, meta: dict, read_only: bool, reason: str | None, holder: LockInfo | None):
        self.folder = folder
        self.meta = meta
        self.read_only = read_only
        self.read_only_reason = reason
        self.lock_holder = holder
        self._locked = not read_only

    @property
    def versions_dir(self) -> Path:
        return self.folder / "versions"

    @property
    def base_identity(self) -> dict:
        return self.meta.get("base") or {}

    def base_matches(self, identity: dict) -> bool:
        return self.base_identity.get("hash") == identity.get("hash")

    @classmethod
    def open(cls, folder: Path | str, identity: dict, *, author: str | None = None, read_only: bool = False,
             release_label: str = "", fallback: Path | None = None) -> "Project":
        """Open ``folder`` (creating the project if it is new)."""
        folder = Path(folder).expanduser().absolute()
        meta_path = folder / PROJECT_FILE
        if meta_path.exists():
            meta = _read_meta(meta_path)
        elif read_only:
            raise ProjectError(f"{folder} is not a curation project (no {PROJECT_FILE})")
        else:
            meta = cls._create(folder, identity, author, release_label, fallback)
        if read_only:
            return cls(folder, meta, True, "opened read-only", None)
        try:
            ok, holder = acquire_lock(folder)
        except OSError as exc:
            return cls(folder, meta, True, f"the project folder cannot be written: {describe_oserror(exc)}", None)
        if not ok:
            return cls(folder, meta, True, f"the project is open for writing by {holder.describe()}", holder)
        return cls(folder, meta, False, None, None)

    @staticmethod
    def _create(folder: Path, identity: dict, author: str | None, release_label: str, fallback: Path | None) -> dict:
        if folder.is_dir() and any(p.name not in _OWN_NAMES for p in folder.iterdir()):
            raise ProjectLocationError(folder, "the folder is not empty and is not a curation project", fallback)
        meta = {
            "format": FORMAT,
            "release": release_label,
            "base": identity,
            "author": author or default_author(),
            "created": now_iso(),
        }
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProjectLocationError(folder, describe_oserror(exc), fallback) from exc
        try:
            write_atomic(folder / PROJECT_FILE, json.dumps(meta, ensure_ascii=False, indent=2).encode() + b"\n")
        except Exception as exc:
            raise ProjectLocationError(folder, getattr(exc, "reason", str(exc)), fallback) from exc
        return meta

    def close(self) -> None:
        if self._locked:
            release_lock(self.folder)
            self._locked = False


def _read_meta(path: Path) -> dict:
    try:
        meta = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise ProjectError(f"cannot read {path}: {exc}") from exc
    if not isinstance(meta, dict) or not str(meta.get("format", "")).startswith("cqia-curation-project/"):
        raise ProjectError(f"{path} is not a CQIA curation project file")
    if not isinstance(meta.get("base") or {}, dict):
        raise ProjectError(f"{path} is damaged: its base release is not described")
    return meta
