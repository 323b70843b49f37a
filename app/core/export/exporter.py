"""Export the curated release: each file in its own format, or Parquet of the current
frame; one file or the input's tree.

Faithful: a JSON lines file (export_jsonl) or a JSON array (export_records) is the
release file's bytes but the records that change; a Parquet file keeps its schema. A
single file of several release files is JSON lines. Release files are only ever read.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import polars as pl

from app.core.curate.overlay import Overlay
from app.core.io.atomic import SaveError, fsync_dir, save_error, write_atomic

from .export_jsonl import ExportCancelled, ExportError, Output, Plan, rewrite_row, write_file
from . import export_records as records
from .export_target import check_target
from .export_tree import sweep, write_tree

_PROGRESS_EVERY = 0.1  # seconds between progress reports


@dataclass(frozen=True)
class ExportProgress:
    rows_done: int
    rows_total: int
    files_done: int
    files_total: int
    current_file: str = ""


@dataclass(frozen=True)
class ExportResult:
    out: Path
    files: tuple[Path, ...]
    rows: int  # rows written
    edited: int  # of which rewritten with edits
    rejected_dropped: int
    rejected_kept: int
    bad_lines_dropped: int = 0  # lines the loader reported as bad, left out
    bad_lines_kept: int = 0  # ... or kept as they were (keep_bad_lines)
    left_out: int = 0  # rows not chosen (not in ``rows``: another filter's, not accepted), left out


def _files(release) -> list[str]:
    """Every data file the loader read (a file of bad lines only too), in release order."""
    infos = [f.rel for f in release.report.file_infos]
    return infos or release.frame.get_column("file").unique(maintain_order=True).to_list()


def export_release(release, overlay: Overlay | None, out: Path | str, *, layout: str = "single", fmt: str = "jsonl",
                   keep_rejected: bool = False, keep_bad_lines: bool = False, protect: Iterable[Path | str] = (),
                   progress: Callable[[ExportProgress], None] | None = None,
                   cancel: Callable[[], bool] | None = None, rows: pl.Series | None = None,
                   with_locator: bool = False, with_notes: bool = False) -> ExportResult:
    """Write the curated release to ``out`` (a file for layout="single", a folder for "tree").

    JSONL keeps every byte of the release files but the lines that change: edited rows
    (values spliced in), rejected rows (left out, or marked with keep_rejected) and the
    lines the loader reported as bad (left out unless keep_bad_lines); see README, Export.
    Refused (ExportError): a target inside the release, a curation project or a folder of
    ``protect``, or a tree ``out`` holding any of them (export_target).
    ``rows``: the rids to write (export_choice.chosen_rids; None: all), the others left out;
    ``with_locator``: each written JSONL row carries ``_source`` {file, line, subset, source};
    ``with_notes``: notes and flags go out, in ``_curation`` (Parquet: note, flagged columns)."""
    if layout not in ("single", "tree"):
        raise ValueError(f"layout must be 'single' or 'tree', not {layout!r}")
    if fmt not in ("jsonl", "parquet"):
        raise ValueError(f"fmt must be 'jsonl' or 'parquet', not {fmt!r}")
    overlay = overlay or Overlay()
    out = Path(out).expanduser().absolute()
    files = _files(release)
    kinds = {f.rel: f.kind for f in release.report.file_infos}
    suffix = ".parquet" if fmt == "parquet" else ".jsonl"
    # each file in its own format: JSON lines as .jsonl, an array and a Parquet file under their own names
    targets = [out] if layout == "single" else [
        out / (Path(rel).with_suffix(suffix) if fmt == "parquet" or kinds.get(rel, "jsonl") == "jsonl" else Path(rel))
        for rel in files]
    every = [*files, *(f.file for f in release.report.skipped_files)]  # a pointer file is the release's too
    check_target(release, out, layout, targets, [Path(release.root) / rel for rel in every], list(protect))
    if layout == "single" and out.is_dir():
        raise ExportError(f"{out} is a folder: give a file name for a single-file export")
    if layout == "tree" and out.exists() and not out.is_dir():
        raise ExportError(f"{out} is a file: give a folder for a tree export")
    total = release.frame.height
    stats = dict(rows=0, partial=0, edited=0, rejected_dropped=0, rejected_kept=0, bad_lines_dropped=0, bad_lines_kept=0,
                 left_out=0)
    state = {"files": 0, "shown": 0.0}

    def tick(current: str = "", force: bool = False, done: bool = False) -> None:
        if not done and cancel is not None and cancel():
            raise ExportCancelled()
        now = time.monotonic()
        if progress is not None and (force or now - state["shown"] >= _PROGRESS_EVERY):
            state["shown"] = now
            progress(ExportProgress(stats["rows"] + stats["partial"], total, state["files"], len(files), current))

    if layout == "single":
        try:
            sweep(out)  # a killed export's temp file of this target
        except OSError as exc:
            raise save_error(out, exc) from exc
    if fmt == "parquet":
        written = _export_parquet(release, overlay, out, layout, keep_rejected, stats, tick, rows, with_notes)
    else:
        plan = Plan(release, overlay, keep_rejected, keep_bad_lines, rows, with_locator, with_notes)

        # a release of one array or Parquet file is exported as that file; several files
        # into one are JSON lines, an array's records and a Parquet file's rows one a line
        lines = layout == "single" and len(files) > 1

        def chunks(rels: list[str]) -> Callable[[int], None]:
            def fill(fd: int) -> None:
                out = Output(fd)
                for k, rel in enumerate(rels):
                    tick(rel, force=True)
                    path, kind = Path(release.root) / rel, kinds.get(rel, "jsonl")
                    if kind == "array":
                        (records.write_array_lines(out, path, rel, plan, stats) if lines
                         else records.write_array(out, path, rel, plan, stats, k == 0))
                    elif kind == "parquet":
                        if lines:
                            records.write_parquet_lines(out, path, rel, plan, stats)
                        else:
                            out.flush()
                            records.write_parquet(fd, path, rel, plan, stats)
                    else:
                        write_file(out, path, rel, plan, stats, k == 0, tick)
                    out.flush()
                    state["files"] += 1
            return fill

        if layout == "single":
            _make_parent(out)
            write_atomic(out, chunks(files))
            written = [out]
        else:
            written = write_tree(out, targets, lambda i, path: _write_new(path, chunks([files[i]])), _earlier(files))
    tick(force=True, done=True)  # written: too late to cancel
    return ExportResult(out, tuple(written), stats["rows"], stats["edited"], stats["rejected_dropped"],
                        stats["rejected_kept"], stats["bad_lines_dropped"], stats["bad_lines_kept"], stats["left_out"])


def _make_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise save_error(path.parent, exc) from exc


def _write_new(path: Path, fill: Callable[[int], None]) -> None:
    """A staged file: written once, made durable by write_tree before the swap."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        fill(fd)
    finally:
        os.close(fd)


def _write_parquet(frame: pl.DataFrame, path: Path, durable: bool = True) -> None:
    tmp = path.parent / f".{path.name}.tmp-{os.getpid()}"
    try:
        frame.write_parquet(tmp)
        if durable:
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
        if durable:
            fsync_dir(path.parent)
    except Exception as exc:  # Polars reports some write failures as its own errors
        tmp.unlink(missing_ok=True)
        raise (save_error(path, exc) if isinstance(exc, OSError) else SaveError(path, str(exc))) from exc


def _export_parquet(release, overlay: Overlay, out: Path, layout: str, keep_rejected: bool, stats: dict, tick,
                    rows: pl.Series | None = None, with_notes: bool = False) -> list[Path]:
    """The current frame (edits applied, status and reason kept, edited_fields and curator
    dropped; file and line are the locator), the rows of ``rows`` only when given."""
    tick()
    frame = overlay.current_frame(release.frame).with_row_index("__at")
    if rows is not None:
        chosen = frame.join(rows.to_frame("rid").unique(), on="rid", how="semi", maintain_order="left")
        stats["left_out"] = frame.height - chosen.height
        frame = chosen
    rejected = int((frame.get_column("status") == "rejected").sum())
    if keep_rejected:
        stats["rejected_kept"] = rejected
    else:
        stats["rejected_dropped"] = rejected
        frame = frame.filter(pl.col("status") != "rejected")
    # every field of each row, the ones the inner columns do not hold too: its record
    plan = Plan(release, overlay, keep_rejected, False)
    texts = records.record_texts(release, overlay, frame.get_column("__at").to_list(), plan)
    # status and reason stay: they are the curation; edited_fields and curator are the app's own
    # notes and flags (note, flagged) only when asked
    mine = ("edited_fields", "curator", "__at", *(() if with_notes else ("note", "flagged")))
    frame = frame.drop(*mine).with_columns(pl.Series("record", texts, dtype=pl.String))
    stats["rows"] = frame.height
    stats["bad_lines_dropped"] = len(release.report.bad_lines)  # Parquet holds rows only
    chosen = None if rows is None else set(rows.to_list())
    stats["edited"] = len([rid for rid, s in overlay.items() if s.fields and (keep_rejected or s.decision != "rejected")
                           and (chosen is None or rid in chosen)])
    if layout == "single":
        _make_parent(out)
        _write_parquet(frame, out)
        return [out]
    parts = frame.partition_by("file", as_dict=True, maintain_order=True)
    files = _files(release)
    targets = [out / Path(rel).with_suffix(".parquet") for rel in files]
    return write_tree(out, targets, lambda i, path: _write_parquet(parts.get((files[i],), frame.clear()), path, durable=False),
                      _earlier(files))


def _earlier(files: list[str]) -> set[str]:
    """The files an earlier tree export of this release wrote (JSONL or Parquet): all a
    tree export may replace."""
    return {Path(rel).with_suffix(suffix).as_posix() for rel in files for suffix in (".jsonl", ".parquet")} | set(files)


__all__ = ["export_release", "rewrite_row", "ExportError", "ExportCancelled", "ExportProgress", "ExportResult", "SaveError"]
