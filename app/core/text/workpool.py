"""Background passes across processes (tokenising, near-duplicates), and all-or-nothing
file writes for the caches they leave in the curation project."""
from __future__ import annotations

import multiprocessing
import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Sequence

Progress = Callable[[int, int], None]  # (done, total) in the pass's own unit
Cancel = Callable[[], bool]


class Cancelled(Exception):
    """The caller's cancel callback asked to stop."""


def run_tasks(
    func: Callable[[Any], Any],
    tasks: Sequence[Any],
    weights: Sequence[int],
    *,
    initializer: Callable[..., None] | None = None,
    initargs: tuple = (),
    processes: int | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    in_process: bool = False,
) -> list[Any]:
    """``func`` over ``tasks`` in a pool of spawned processes (or here, when asked or
    ``processes`` <= 1); results in task order. ``progress(done, total)`` sums the
    finished tasks' ``weights``; ``cancel()`` is polled every 0.2 s and raises Cancelled.

    spawn, not fork: forking a process that runs Qt threads can deadlock the child.
    ProcessPoolExecutor, not Pool: a worker that dies raises BrokenProcessPool instead
    of hanging. A frozen build must call multiprocessing.freeze_support() in main, and
    the entry script must guard its work with ``if __name__ == "__main__"``."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    total, done = sum(weights), 0
    results: list[Any] = [None] * len(tasks)
    if progress:
        progress(0, total)
    procs = min(processes if processes is not None else (os.cpu_count() or 1), len(tasks))
    if in_process or procs <= 1:
        if initializer:
            initializer(*initargs)
        for i, task in enumerate(tasks):
            if cancel and cancel():
                raise Cancelled()
            results[i] = func(task)
            done += weights[i]
            if progress:
                progress(done, total)
        return results
    pool = ProcessPoolExecutor(
        max_workers=procs, mp_context=multiprocessing.get_context("spawn"), initializer=initializer, initargs=initargs
    )
    try:
        futures = {pool.submit(func, task): i for i, task in enumerate(tasks)}
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            if cancel and cancel():
                raise Cancelled()
            for fut in finished:
                i = futures[fut]
                results[i] = fut.result()
                done += weights[i]
            if finished and progress:
                progress(done, total)
    finally:
        # Queued tasks are dropped; a running one (well under a second) finishes and its worker exits.
        pool.shutdown(wait=False, cancel_futures=True)
    return results


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> None:
    """``write(temp_path)`` then fsync + os.replace (+ fsync of the folder): readers see
    the old file or the new one, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if os.name == "posix":  # Windows cannot open a folder for fsync
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    atomic_write(path, lambda tmp: tmp.write_bytes(data))
