"""Splitting rows into N curators' queues: stratified by source, a chosen share of rows
reviewed by two curators, deterministic for a given seed, set of rows and curator list.

- **Order.** Within each source, rows are ordered by a key mixed from their row id and the
  seed (splitmix64, written out here so it never changes with a library version): the
  split depends on which rows there are, never on their order in the frame.
- **Overlap.** ``round(rows * overlap)`` rows are shared, spread over the sources by
  largest remainder (each source ``floor`` or ``ceil`` of its own share): the first rows of
  each source's order.
- **Pairs.** A shared row's two curators come from a schedule of pairs in rounds where
  each curator appears equally often (a round-robin 1-factorisation of the N curators for
  even N, Walecki's Hamiltonian cycles for odd N). Any prefix of the schedule that starts
  at a round is balanced within one; each source starts at the next round after the last
  one used, so every pair of curators gets shared rows (Cohen's kappa per pair).
- **Singles.** The other rows go round-robin, the curators with fewer rows of this source
  first (then fewer rows overall): every curator's count of every source is within one
  of every other's.
"""
from __future__ import annotations

import numpy as np
import polars as pl

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def mix(values: np.ndarray) -> np.ndarray:
    """splitmix64 of each uint64 (wrapping arithmetic)."""
    x = np.asarray(values, dtype=np.uint64) + _GOLDEN
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


def order_key(rids: np.ndarray, seed: int) -> np.ndarray:
    salt = mix(np.array([seed % 2**64], dtype=np.uint64))[0]
    return mix(np.asarray(rids, dtype=np.uint64) ^ salt)


def pair_rounds(n: int) -> list[list[tuple[int, int]]]:
    """Every unordered pair of curators 0..n-1 once, in rounds in which each curator
    appears equally often, each round ordered so that its every prefix is balanced
    within one (n >= 2)."""
    if n < 2:
        return []
    if n % 2 == 0:  # circle method: n-1 perfect matchings
        m = n - 1
        rounds = []
        for r in range(m):
            pairs = [(r, n - 1)] + [((r + i) % m, (r - i) % m) for i in range(1, n // 2)]
            rounds.append([tuple(sorted(p)) for p in pairs])
        return rounds
    # Walecki: (n-1)/2 Hamiltonian cycles of K_n; in each cycle c0..c(n-1), take the
    # even edges, then the closing one, then the odd ones (loads stay within one)
    half, hub = (n - 1) // 2, n - 1
    rounds = []
    for k in range(half):
        path = [k % (n - 1)]
        for i in range(1, half + 1):
            path.append((k + i) % (n - 1))
            if len(path) < n - 1:
                path.append((k - i) % (n - 1))
        cycle = [hub] + path  # n vertices; the cycle closes from the last back to the hub
        edges = [(cycle[i], cycle[i + 1]) for i in range(0, n - 1, 2)]
        edges.append((cycle[-1], cycle[0]))
        edges += [(cycle[i], cycle[i + 1]) for i in range(1, n - 1, 2)]
        rounds.append([tuple(sorted(e)) for e in edges])
    return rounds


def _overlap_counts(sizes: list[int], overlap: float) -> list[int]:
    """Shared rows per source: floor or ceil of each share, summing to round(total * overlap)."""
    total = sum(sizes)
    want = int(np.floor(total * overlap + 0.5))
    quotas = [s * overlap for s in sizes]
    counts = [min(s, int(np.floor(q))) for s, q in zip(sizes, quotas)]
    left = want - sum(counts)
    by_remainder = sorted(range(len(sizes)), key=lambda i: (-(quotas[i] - counts[i]), i))
    for i in by_remainder:
        if left <= 0:
            break
        if counts[i] < sizes[i]:
            counts[i] += 1
            left -= 1
    return counts


def split(frame: pl.DataFrame, n_curators: int, overlap: float, seed: int) -> pl.DataFrame:
    """One row per (row, curator): ``rid``, ``file``, ``line``, ``source``, ``curator``
    (an index into the curator list) and ``shared`` (the row has two curators). Rows of
    ``frame`` need ``rid`` and ``source``; ``file`` and ``line`` are carried when present."""
    if n_curators < 1:
        raise ValueError("at least one curator is needed")
    if not 0.0 <= overlap <= 1.0:
        raise ValueError("the overlap is a share of rows between 0 and 1")
    if overlap > 0 and n_curators < 2:
        raise ValueError("rows reviewed by two need at least two curators")
    carry = [c for c in ("rid", "file", "line", "source") if c in frame.columns]
    rows = frame.select(carry).with_columns(pl.Series("_key", order_key(frame["rid"].to_numpy(), seed)))
    rows = rows.sort(["source", "_key", "rid"])
    sources = rows.group_by("source", maintain_order=True).len()
    sizes = sources["len"].to_list()
    shared_counts = _overlap_counts(sizes, overlap)
    rounds = pair_rounds(n_curators)
    flat = np.array([p for r in rounds for p in r], dtype=np.int64).reshape(-1, 2)
    starts = np.cumsum([0] + [len(r) for r in rounds])[:-1]
    total_load = np.zeros(n_curators, dtype=np.int64)
    next_round = 0
    first: list[np.ndarray] = []  # the first (or only) curator of each row, in sorted row order
    second: list[np.ndarray] = []  # the second curator of each row, -1 for a single
    for size, k in zip(sizes, shared_counts):
        local = np.zeros(n_curators, dtype=np.int64)
        a = np.empty(size, dtype=np.int64)
        b = np.full(size, -1, dtype=np.int64)
        if k:
            at = (starts[next_round % len(rounds)] + np.arange(k)) % len(flat)
            a[:k], b[:k] = flat[at, 0], flat[at, 1]
            local += np.bincount(flat[at].ravel(), minlength=n_curators)
            last = int(np.searchsorted(starts, at[-1], side="right")) - 1
            next_round = last + 1
        singles = size - k
        if singles:
            order = np.lexsort((np.arange(n_curators), total_load, local))  # fewest of this source first
            a[k:] = order[np.arange(singles) % n_curators]
            local += np.bincount(a[k:], minlength=n_curators)
        total_load += local
        first.append(a)
        second.append(b)
    a = np.concatenate(first) if first else np.empty(0, dtype=np.int64)
    b = np.concatenate(second) if second else np.empty(0, dtype=np.int64)
    shared = b >= 0
    base = rows.drop("_key").with_columns(pl.Series("shared", shared))
    one = base.with_columns(pl.Series("curator", a, dtype=pl.UInt32))
    two = base.filter(pl.Series(shared)).with_columns(pl.Series("curator", b[shared], dtype=pl.UInt32))
    return pl.concat([one, two])
