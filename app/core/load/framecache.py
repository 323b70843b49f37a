"""The loaded frame kept on disk, per source file, so an unchanged release opens without
parsing JSON (the loader asks it before reading a file, load_release(cache_dir=...)).

In ``cache_dir`` (see app/core/store/locate.frame_cache_dir), per source file with rows,
its frame (BASE_SCHEMA but rid) plus each row's line hash and [offset, end) in the source
(what export splices):

- ``<key>.mapped``: every column without nulls that is text or a number (the texts,
  file, source, line, lengths, hashes, offsets...) in Arrow's own layout, mapped when
  opened (arrowmap.py): no byte is read until something reads it, and a text never
  read stays on disk;
- ``<key>.arrow``: the other columns (label lists, turns, human_verified) as Arrow IPC,
  uncompressed, read whole (Polars 2.1 cannot map an IPC file);
- ``manifest.json``: per file its path, size, mtime_ns, ctime_ns, inode, XXH3-128 of its
  whole content, the options that shape its rows (its format override, default
  source), its rows, report entries (bad lines, formats, kind), XXH3-128 of each cache
  file (per block of BLOCK bytes), and the format, app, Polars and schema versions; and
  its own checksum.

A file is taken from the cache when its stat (size, mtime, ctime, inode) is the one
recorded, or else its content's XXH3-128 is; the cache's own files must match their
checksums (verified at every open, the blocks on all cores). Anything else (a torn,
flipped, foreign or older cache, a file changed) is a miss: that file is parsed, and the
cache written anew in the background. Nothing here raises to the loader.
"""
from __future__ import annotations

import json
import mmap
import os
import threading
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import polars as pl
import xxhash

from app import __version__
from app.core.io.atomic import write_atomic

from . import arrowmap
from .formats import Shape
from .report import BadLine, FileFormat, FileInfo
from .schema import BASE_SCHEMA

FORMAT = 1
MANIFEST = "manifest.json"
EXTRA = {"__hash": pl.UInt64, "__offset": pl.UInt64, "__end": pl.UInt64}
BLOCK = 32 << 20  # checksummed apart, on every core (a multiple of the mapping granularity)
NO_CACHE_ENV = "CQIA_NO_CACHE"


def versions() -> dict:
    return {"format": FORMAT, "app": __version__, "polars": pl.__version__,
            "schema": xxhash.xxh3_64_hexdigest(repr(BASE_SCHEMA).encode())}


def disabled() -> bool:
    return os.environ.get(NO_CACHE_ENV, "") not in ("", "0")


def _stat_key(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


def hash_file(path, lo: int = 0, hi: int | None = None, *, also64: bool = False):
    """XXH3-128 hex of bytes [lo, hi) of ``path`` (with ``also64``: and XXH3-64), read
    from a mapping of just those bytes, closed at once: never more than a block counts in
    this process's memory, and no copy is made (twice as fast as reading them)."""
    h128, h64 = xxhash.xxh3_128(), xxhash.xxh3_64()
    with open(path, "rb") as fh:
        end = os.fstat(fh.fileno()).st_size if hi is None else hi
        for at in range(lo, end, BLOCK):
            n = min(BLOCK, end - at)
            with mmap.mmap(fh.fileno(), n, offset=at, access=mmap.ACCESS_READ) as piece:
                h128.update(piece)
                if also64:
                    h64.update(piece)
    return (h128.hexdigest(), h64.hexdigest()) if also64 else h128.hexdigest()


def _blocks(path: Path) -> list[tuple[int, int]]:
    size = path.stat().st_size
    return [(lo, min(lo + BLOCK, size)) for lo in range(0, max(size, 1), BLOCK)]


def _block_sums(path: Path) -> list[str]:
    return [hash_file(path, lo, hi) for lo, hi in _blocks(path)]


def options_of(default_source: str, override: Shape | None) -> dict:
    return {"source": default_source, "shape": override.to_json() if override else None}


@dataclass
class Part:
    """What the loader made of one file, as load_release keeps it."""

    body: pl.DataFrame  # BASE_SCHEMA but rid
    hashes: pl.Series
    repeats: dict | None
    offsets: pl.Series
    ends: pl.Series
    info: FileInfo
    formats: list[FileFormat]
    bad_lines: list[BadLine]


@dataclass
class Cache:
    """One load's view of the cache: what it found (``entries`` by file rel), how many
    files it served (``hits``) and what the loader parsed (``fresh``, for the writer)."""

    folder: Path
    entries: dict = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)
    fresh: dict = field(default_factory=dict)
    moved: bool = False  # a file was taken by its content hash: its new stat is worth writing down

    @classmethod
    def open(cls, folder: Path, root: Path) -> "Cache":
        cache = cls(Path(folder))
        manifest = read_manifest(cache.folder)
        if manifest is not None and manifest.get("root") == str(root):
            cache.entries = {e["rel"]: e for e in manifest["files"] if isinstance(e, dict) and "rel" in e}
        return cache

    def lookup(self, path: Path, rel: str, options: dict) -> Part | None:
        """The file's part from the cache, or None (a miss: parse it)."""
        entry = self.entries.get(rel)
        if entry is None or entry.get("options") != options or entry.get("path") != str(path):
            return None
        try:
            part = self._restore(path, entry)
        except Exception:  # noqa: BLE001 - a damaged cache is a miss, never an error
            return None
        if part is not None:
            self.hits.append(rel)
        return part

    def _restore(self, path: Path, entry: dict) -> Part | None:
        st = os.stat(path)
        folder = self.folder
        arrow, text = folder / entry["arrow"], folder / entry["mapped"]
        # The cache files' checksums and (when the stat differs) the source's content hash,
        # block by block on every core (XXH3 releases the GIL), while Polars reads the IPC
        # file; the texts are mapped only once every checksum matched.
        jobs = [(arrow, lo, hi) for lo, hi in _blocks(arrow)] + [(text, lo, hi) for lo, hi in _blocks(text)]
        same_stat = _stat_key(st) == entry["stat"]
        if not same_stat:
            jobs.append((path, 0, None))
        sums, threads = _hash_all(jobs)
        try:
            small = pl.read_ipc(arrow)
        finally:
            for t in threads:
                t.join()
        if not same_stat and sums.pop() != entry["xxh3_128"]:
            return None
        if not same_stat:
            entry["stat"], self.moved = _stat_key(st), True
        if sums != entry["arrow_sums"] + entry["mapped_sums"]:
            return None
        rows = entry["rows"]
        mapped = arrowmap.read_columns(text, entry["layout"], rows)
        if mapped is None or (small.width and small.height != rows):
            return None
        columns = {**{s.name: s for s in small.get_columns()}, **mapped}
        names = [c for c in BASE_SCHEMA.names() if c != "rid"]
        if set(columns) != set(names) | set(EXTRA):
            return None
        body = pl.DataFrame([columns[c] for c in names])
        if body.schema != pl.Schema({c: BASE_SCHEMA[c] for c in names}):
            return None
        info = FileInfo(entry["rel"], st.st_size, st.st_mtime_ns, entry["xxh3"], rows, entry["kind"])
        formats = [FileFormat(entry["rel"], f["format"], f["rows"], Shape.from_json(f["shape"])) for f in entry["formats"]]
        bad = [BadLine(**b) for b in entry["bad_lines"]]
        return Part(body, columns["__hash"], entry["repeats"], columns["__offset"].alias("offset"),
                    columns["__end"].alias("end"), info, formats, bad)

    def remember(self, path: Path, options: dict, part: Part) -> None:
        # A copy of the frame (its columns shared): the loader puts rid into its own.
        self.fresh[part.info.rel] = (Path(path), options, replace(part, body=part.body.clone()))


def _hash_all(jobs: list[tuple]) -> tuple[list, list[threading.Thread]]:
    """hash_file(*job) of every job, in order, on a thread per core (XXH3 releases the
    GIL), started: the sums are there once the threads are joined. Plain threads:
    concurrent.futures alone took 7 ms to import."""
    sums: list = [None] * len(jobs)
    left = list(enumerate(jobs))[::-1]
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                if not left:
                    return
                i, job = left.pop()
            try:
                sums[i] = hash_file(*job)
            except Exception:  # noqa: BLE001 - gone, unreadable or shrunk meanwhile: matches no checksum
                sums[i] = ""

    threads = [threading.Thread(target=work, name="cqia-cache") for _ in range(min(len(jobs), os.cpu_count() or 1))]
    for t in threads:
        t.start()
    return sums, threads


def read_manifest(folder: Path) -> dict | None:
    """The manifest if it is whole and of this version (else None: rebuild)."""
    try:
        obj = json.loads((Path(folder) / MANIFEST).read_bytes())
        body, checksum = obj["body"], obj["checksum"]
        if xxhash.xxh3_128_hexdigest(_dump(body)) != checksum or body.get("versions") != versions():
            return None
        return body if isinstance(body.get("files"), list) else None
    except Exception:  # noqa: BLE001 - missing, torn or foreign: no cache
        return None


def _dump(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True).encode()


_WRITING = threading.Lock()  # one writer at a time: two loads of a release write the same names


def write(cache: Cache, root: Path, order: list[str]) -> None:
    """Write the parts the load parsed and a manifest of every file in ``order`` that is
    cached (reused entries kept, fresh ones added); remove files no entry names. Quiet on
    failure: the next load parses again."""
    with _WRITING:
        _write(cache, root, order)
    cache.fresh.clear()  # the parts' line hashes and spans are copies: not kept with the release


def _write(cache: Cache, root: Path, order: list[str]) -> None:
    try:
        folder = cache.folder
        folder.mkdir(parents=True, exist_ok=True)
        entries = {rel: e for rel, e in cache.entries.items() if rel in cache.hits}
        for rel, (path, options, part) in cache.fresh.items():
            entry = _write_part(folder, path, options, part)
            if entry is not None:
                entries[rel] = entry
        files = [entries[rel] for rel in order if rel in entries]
        body = {"versions": versions(), "root": str(root), "files": files}
        data = json.dumps({"body": body, "checksum": xxhash.xxh3_128_hexdigest(_dump(body))}, ensure_ascii=False)
        write_atomic(folder / MANIFEST, data.encode(), durable=False)
        keep = {MANIFEST} | {e["arrow"] for e in files} | {e["mapped"] for e in files}
        for name in os.listdir(folder):
            if name not in keep and not name.startswith("."):
                try:
                    os.unlink(folder / name)  # a process that mapped it keeps its pages (POSIX)
                except OSError:
                    pass
    except Exception:  # noqa: BLE001 - a cache that cannot be written is no cache
        return


def _write_part(folder: Path, path: Path, options: dict, part: Part) -> dict | None:
    """Write one file's part; None when the source changed since it was parsed (its
    XXH3-64 then differs from what the load read) or while it was hashed."""
    before = os.stat(path)
    h128, h64 = hash_file(path, also64=True)
    if h64 != part.info.xxh3 or _stat_key(os.stat(path)) != _stat_key(before) or before.st_size != part.info.size:
        return None
    body = part.body
    whole = body.with_columns(part.hashes.alias("__hash").cast(pl.UInt64), part.offsets.alias("__offset"),
                              part.ends.alias("__end"))
    mapped = [c for c in whole.columns if arrowmap.mappable(whole.get_column(c))]
    small = whole.drop(mapped)
    key = xxhash.xxh3_64_hexdigest(_dump([h128, options, str(path)]))
    arrow, text = f"{key}.arrow", f"{key}.mapped"
    tmp = folder / f".{arrow}.tmp-{os.getpid()}"
    try:  # to a path: to a Python file object, Polars holds the GIL for each write (10 ms)
        small.write_ipc(tmp, compression="uncompressed")
        os.replace(tmp, folder / arrow)
    finally:
        if tmp.exists():
            tmp.unlink()
    layout: dict = {}

    def write_text(fd: int) -> None:
        with os.fdopen(fd, "wb", closefd=False) as fh:
            layout.update(arrowmap.write_columns(fh, whole, mapped))

    write_atomic(folder / text, write_text, durable=False)
    info = part.info
    return {"rel": info.rel, "path": str(path), "stat": _stat_key(before), "xxh3_128": h128, "xxh3": info.xxh3,
            "kind": info.kind, "rows": body.height, "options": options, "repeats": part.repeats,
            "formats": [{"format": f.format, "rows": f.rows, "shape": f.shape.to_json()} for f in part.formats],
            "bad_lines": [asdict(b) for b in part.bad_lines], "arrow": arrow, "mapped": text, "layout": layout,
            "arrow_sums": _block_sums(folder / arrow), "mapped_sums": _block_sums(folder / text)}


def write_later(cache: Cache, root: Path, order: list[str]) -> threading.Thread | None:
    """write() on a thread of its own, after the load returned: the first paint never
    waits for it. Not a daemon: a command-line verb's process waits for it at exit."""
    if not cache.fresh and not cache.moved and set(cache.hits) == set(cache.entries):
        return None  # the manifest says it all already
    thread = threading.Thread(target=write, args=(cache, root, order), name="cqia-frame-cache")
    thread.start()
    return thread
