"""A curation project folder: project.json (what base it curates), a writer lock, the
journal and the versions. By default ``<release>.curation`` beside the release.

Only one process writes a project: ``lock`` is created with O_EXCL and holds pid, host,
process start time, time, the curator's name and a random token. A second opener gets
read-only mode and is told who holds it. A lock left by a dead process on this host is
broken under an flock'ed guard, so two processes recovering the same stale lock cannot
both win. The writer re-reads the lock before each journal append and version save
(``Project.check_lock``, one ~200-byte read): when the token is no longer its own (the
lock was broken by hand or by another window's "open anyway"), it raises LockLostError
and writes nothing more.

project.json is created exclusively (``write_new``): of two processes creating a project
at once one writes it and the other reads it; a temp file a killed creator left is one of
our own names, not a reason to call the folder foreign. Every project has a random
``id`` (an older one gets it on its first writable open) that its journal lines carry.
"""
from __future__ import annotations

import fcntl
import getpass
import json
import os
import socket
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import xxhash

from app.core.io.atomic import SaveError, describe_oserror, write_atomic, write_new
from app.core.io.projectfile import FORMAT_PREFIX, PROJECT_FILE
from app.core.load.formatsfile import FORMATS_FILE  # the per-file formats the curator gave

LOCK_FILE = "lock"
GUARD_FILE = "lock.guard"
SUFFIX = ".curation"
FORMAT = FORMAT_PREFIX + "1"
REVIEWS_FILE = "reviews.jsonl"  # the review-session log (review_session.ReviewLog appends to it)
SIDE_FILES = (REVIEWS_FILE, FORMATS_FILE)  # the project's files besides project.json, journal and versions
_OWN_NAMES = {PROJECT_FILE, LOCK_FILE, GUARD_FILE, "journal.jsonl", "versions", *SIDE_FILES}
_OWN_PREFIXES = ("journal.set-aside-",)  # journal tails kept aside (journal.py)
_UNREADABLE_LOCK_GRACE = 10.0  # seconds an empty lock may be "being written"


class ProjectError(Exception):
    pass


class ReadOnlyError(ProjectError):
    """The project is open read-only (another process writes it, or the folder is not writable)."""


class LockLostError(ReadOnlyError):
    """The writer's lock was broken or taken: it must stop writing."""


class ProjectLocationError(ProjectError):
    """The project folder cannot be created or written. ``fallback`` is a folder the UI
    can offer instead (in the user's data folder)."""

    def __init__(self, path: Path, reason: str, fallback: Path | None = None):
        self.path, self.reason, self.fallback = path, reason, fallback
        hint = f"; choose another folder (for example {fallback})" if fallback else "; choose another folder"
        super().__init__(f"Cannot use {path} as the curation project: {reason}{hint}")


def new_project_id() -> str:
    return uuid.uuid4().hex


def is_own_name(name: str) -> bool:
    """A name the app itself puts in a project folder, a writer's temp file included."""
    if name.startswith(".") and ".tmp-" in name:
        name = name[1:].rpartition(".tmp-")[0]
    return name in _OWN_NAMES or name.startswith(_OWN_PREFIXES)


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
    token: str = ""  # random per acquisition: tells this holder from any later one

    @classmethod
    def mine(cls, user: str | None = None) -> "LockInfo":
        return cls(os.getpid(), socket.gethostname(), now_iso(), user or default_author(), _proc_start(os.getpid()),
                   uuid.uuid4().hex)

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
        return _parse_lock(path.read_bytes())
    except OSError:
        return None


def _parse_lock(data: bytes) -> LockInfo | None:
    try:
        obj = json.loads(data)
        return LockInfo(int(obj["pid"]), str(obj["host"]), str(obj["time"]), str(obj.get("user", "")), obj.get("start"),
                        str(obj.get("token") or ""))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def acquire_lock(folder: Path, user: str | None = None) -> tuple[bool, LockInfo | None]:
    """(True, our info) when we hold the lock, (False, holder) when someone else does.
    ``user``: the curator's name, shown to whoever finds the project locked."""
    path = folder / LOCK_FILE
    me = LockInfo.mine(user)
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


def release_lock(folder: Path, token: str) -> None:
    """Remove the lock if it is still ours (``token``): never another holder's."""
    path = folder / LOCK_FILE
    holder = read_lock(path)
    if holder is not None and token and holder.token == token:
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
        self.lock: LockInfo | None = None  # ours, while we hold it
        self._locked = not read_only
        self.unclean_stop: LockInfo | None = None  # the dead writer whose lock we broke: it stopped without closing

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
        if _exists(meta_path):
            meta = _read_meta(meta_path)
        elif read_only:
            raise ProjectError(f"{folder} is not a curation project (no {PROJECT_FILE})")
        else:
            meta = cls._create(folder, identity, author, release_label, fallback)
        if read_only:
            return cls(folder, meta, True, "opened read-only", None)
        before = read_lock(folder / LOCK_FILE)  # a writer's lock left behind: it was killed or crashed
        try:
            ok, holder = acquire_lock(folder, author)
        except OSError as exc:
            return cls(folder, meta, True, f"the project folder cannot be written: {describe_oserror(exc)}", None)
        if not ok:
            return cls(folder, meta, True, f"the project is open for writing by {holder.describe()}", holder)
        project = cls(folder, meta, False, None, None)
        project.lock = holder
        project.unclean_stop = before if before is not None and before != holder else None
        try:
            project._ensure_id()
        except SaveError as exc:
            project.close()
            return cls(folder, meta, True, f"{exc.path} cannot be written: {exc.reason}", None)
        return project

    @staticmethod
    def _create(folder: Path, identity: dict, author: str | None, release_label: str, fallback: Path | None) -> dict:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            foreign = [p.name for p in folder.iterdir() if not is_own_name(p.name)]
        except OSError as exc:
            raise ProjectLocationError(folder, describe_oserror(exc), fallback) from exc
        if foreign:
            raise ProjectLocationError(folder, "the folder is not empty and is not a curation project", fallback)
        meta = {
            "format": FORMAT,
            "id": new_project_id(),
            "release": release_label,
            "base": identity,
            "author": author or default_author(),
            "created": now_iso(),
        }
        try:
            write_new(folder / PROJECT_FILE, _meta_bytes(meta))
        except FileExistsError:
            return _read_meta(folder / PROJECT_FILE)  # another process created it first: one project
        except SaveError as exc:
            raise ProjectLocationError(folder, exc.reason, fallback) from exc
        return meta

    def _ensure_id(self) -> None:
        """Give a project made before ids existed its id (only the lock holder writes)."""
        if self.meta.get("id"):
            return
        meta = {**self.meta, "id": new_project_id()}
        write_atomic(self.folder / PROJECT_FILE, _meta_bytes(meta))
        self.meta = meta

    @property
    def id(self) -> str | None:
        return self.meta.get("id")

    def check_lock(self) -> None:
        """Return if we still hold the lock; else stop writing and raise LockLostError (or
        SaveError when the whole project folder is gone). One small read per call."""
        if not self._locked or self.lock is None:
            raise ReadOnlyError(f"the curation project is read-only: {self.read_only_reason or 'no lock held'}")
        path = self.folder / LOCK_FILE
        try:
            fd = os.open(path, os.O_RDONLY)
            try:
                data = os.read(fd, 4096)
            finally:
                os.close(fd)
        except FileNotFoundError:
            if not self.folder.is_dir():
                raise SaveError(self.folder, "the folder no longer exists (was it moved or deleted?)") from None
            data = b""
        except OSError as exc:
            raise SaveError(path, describe_oserror(exc)) from exc
        now = _parse_lock(data) if data else None
        if now is not None and now.token == self.lock.token:
            return
        if now is None:
            what = "the project's lock file was removed" if not data else "the project's lock file was overwritten"
        else:
            what = f"the project's lock was taken by {now.describe()}"
        self._locked, self.read_only, self.lock_holder = False, True, now
        self.read_only_reason = (f"{what}: this window stopped writing to the project (the refused action was not "
                                 "applied); reopen the project to go on")
        raise LockLostError(self.read_only_reason)

    def close(self) -> None:
        if self._locked and self.lock is not None:
            release_lock(self.folder, self.lock.token)
        self._locked = False


def _exists(path: Path) -> bool:
    """Whether ``path`` exists; ProjectError when its folder cannot be looked into."""
    try:
        os.stat(path)
        return True
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        raise ProjectError(f"cannot read {path.parent}: {describe_oserror(exc)}") from exc


def _meta_bytes(meta: dict) -> bytes:
    return json.dumps(meta, ensure_ascii=False, indent=2).encode() + b"\n"


def _read_meta(path: Path) -> dict:
    try:
        meta = json.loads(path.read_bytes())
    except OSError as exc:
        raise ProjectError(f"cannot read {path}: {describe_oserror(exc)}") from exc
    except (ValueError, RecursionError) as exc:
        raise ProjectError(f"{path} is damaged (not JSON: {exc})") from exc
    if not isinstance(meta, dict) or not str(meta.get("format", "")).startswith(FORMAT_PREFIX):
        raise ProjectError(f"{path} is not a CQIA curation project file")
    if not isinstance(meta.get("base") or {}, dict):
        raise ProjectError(f"{path} is damaged: its base release is not described")
    return meta
