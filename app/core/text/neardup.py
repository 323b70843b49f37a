"""Near-duplicate rows: MinHash over character n-grams, clustered by LSH banding.

Whitespace shingles are useless for Chinese, so a row's set is its character n-grams
(default 4) of all its text (instruction + input + output; a conversation's every turn
and its system text), lower-cased with white space removed.

Signatures are computed with numpy, many rows at a time, in a process pool: each
n-gram is hashed once (a polynomial over its code points, then a 64-bit mixer), and
each of the ``num_perm`` permutations is the multiply-add ``a*h + b`` (mod 2**64) whose
minimum per row is kept; the top 32 bits become the row's hash values (datasketch's
affine32 scheme). Hashing shingle by shingle in Python (datasketch's ``MinHash.bulk``)
measured ~18x slower on 2,000 real rows. The signatures do not depend on the threshold,
so changing it only re-runs ``cluster``.

LSH banding finds candidate pairs (bands x rows chosen for the threshold as datasketch
does); a pair is kept only if its estimated Jaccard (share of equal hash values)
reaches the threshold; kept pairs are joined into clusters.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from app.core.load.schema import TEXT_FIELDS

from .convtext import whole_text
from .workpool import Cancel, Progress, run_tasks

DEFAULT_THRESHOLD = 0.7
DEFAULT_NGRAM = 4
DEFAULT_PERM = 128
SEED = 20240101  # fixed, so signatures agree across processes and runs
BATCH_CHARS = 400_000  # characters per numpy batch: bounds the temporary arrays (~30 MB)
TASK_CHARS = 2_000_000  # characters per pool task


@dataclass(frozen=True)
class Signatures:
    """MinHash signatures of a frame's rows (datasketch's "affine32" scheme: 32-bit
    values of affine permutations). Rows marked ``empty`` have no text and never cluster."""

    rids: pl.Series  # UInt64, frame order
    values: np.ndarray  # (rows, num_perm) uint32
    empty: np.ndarray  # bool per row: nothing to compare
    ngram: int

    def minhash(self, i: int):
        """Row ``i`` as a datasketch LeanMinHash (to query or store with datasketch)."""
        from datasketch import LeanMinHash  # lazy: it imports scipy

        return LeanMinHash(seed=SEED, hashvalues=self.values[i], scheme="affine32")


@dataclass(frozen=True)
class Clusters:
    """``members``: cluster, rid, jaccard (estimated, to the cluster's first row), size,
    biggest clusters first. ``rows``: rid, near_cluster (null when the row has no near
    duplicate), near_jaccard, in the frame's order."""

    members: pl.DataFrame
    rows: pl.DataFrame
    threshold: float

    @property
    def count(self) -> int:
        return int(self.members["cluster"].n_unique()) if self.members.height else 0

    def top(self, n: int = 10) -> pl.DataFrame:
        """The ``n`` biggest clusters: cluster, size, rids (list), mean jaccard."""
        return (
            self.members.group_by("cluster", maintain_order=True)
            .agg(pl.col("size").first(), pl.col("rid"), pl.col("jaccard").mean().alias("mean_jaccard"))
            .head(n)
        )


def _perms(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)  # odd multipliers
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2)
    return a, b


def normalised_text(frame: pl.DataFrame | None = None) -> pl.Expr:
    """The text a row is compared by: all its text (convtext.whole_text of ``frame``: a
    conversation's every turn and system text; without a frame instruction, input and
    output), lower-cased, white space removed."""
    joined = whole_text(frame) if frame is not None else pl.concat_str([pl.col(f).fill_null("") for f in TEXT_FIELDS])
    return joined.str.to_lowercase().str.replace_all(r"\s+", "")


def _shingle_hashes(texts: list[str], ngram: int) -> tuple[np.ndarray, np.ndarray]:
    """(hash of every n-gram of every text, start of each text's hashes). A text shorter
    than ``ngram`` is padded with code point 0, so it still has one shingle."""
    padded = [t if len(t) >= ngram else t + "\0" * (ngram - len(t)) for t in texts]
    lengths = np.fromiter((len(t) for t in padded), dtype=np.int64, count=len(padded))
    codes = np.frombuffer("".join(padded).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    counts = lengths - ngram + 1
    h = np.zeros(len(codes) - ngram + 1, dtype=np.uint64)
    for j in range(ngram):  # polynomial hash; uint64 arithmetic wraps, which is what we want
        h *= np.uint64(0x100000001B3)
        h += codes[j : len(codes) - ngram + 1 + j]
    # keep only n-grams that start and end inside one text
    text_starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    out_starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    idx = np.arange(counts.sum(), dtype=np.int64) + np.repeat(text_starts - out_starts, counts)
    h = h[idx]
    # murmur3's 64-bit finaliser: spread the bits before the multiply-add permutations
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h, out_starts


def _signature_batch(texts: list[str], ngram: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    h, starts = _shingle_hashes(texts, ngram)
    sig = np.empty((len(texts), len(a)), dtype=np.uint64)
    buf = np.empty_like(h)
    for k in range(len(a)):
        np.multiply(h, a[k], out=buf)
        buf += b[k]
        sig[:, k] = np.minimum.reduceat(buf, starts)
    return (sig >> np.uint64(32)).astype(np.uint32)


def _work(task: tuple[list[str], int, int]) -> np.ndarray:
    texts, ngram, num_perm = task
    a, b = _perms(num_perm)
    parts, batch, size = [], [], 0
    for t in texts:
        batch.append(t)
        size += len(t)
        if size >= BATCH_CHARS:
            parts.append(_signature_batch(batch, ngram, a, b))
            batch, size = [], 0
    if batch:
        parts.append(_signature_batch(batch, ngram, a, b))
    return np.concatenate(parts) if parts else np.empty((0, num_perm), dtype=np.uint32)


def signatures(
    frame: pl.DataFrame,
    *,
    ngram: int = DEFAULT_NGRAM,
    num_perm: int = DEFAULT_PERM,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    processes: int | None = None,
) -> Signatures:
    """MinHash signatures of every row of ``frame`` (progress in characters)."""
    if not 3 <= ngram <= 8:
        raise ValueError("ngram must be between 3 and 8 characters")
    texts = frame.select(normalised_text(frame).alias("t")).get_column("t").to_list()
    empty = np.fromiter((not t for t in texts), dtype=bool, count=len(texts))
    tasks, weights, cur, size = [], [], [], 0
    for t in texts:
        cur.append(t)
        size += len(t) + 1
        if size >= TASK_CHARS:
            tasks.append((cur, ngram, num_perm))
            weights.append(size)
            cur, size = [], 0
    if cur or not tasks:
        tasks.append((cur, ngram, num_perm))
        weights.append(size)
    parts = run_tasks(
        _work, tasks, weights, processes=processes, progress=progress, cancel=cancel, in_process=len(tasks) == 1
    )
    values = np.concatenate(parts) if parts else np.empty((0, num_perm), dtype=np.uint32)
    return Signatures(rids=frame.get_column("rid"), values=values, empty=empty, ngram=ngram)


def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) minimising the equally weighted false positive and false
    negative areas, the criterion of datasketch's MinHashLSH, computed in numpy."""
    best, best_err = (1, 1), np.inf
    below = np.linspace(0.0, threshold, 257)[:, None]
    above = np.linspace(threshold, 1.0, 257)[:, None]
    for b in range(1, num_perm + 1):
        r = np.arange(1, num_perm // b + 1)
        fp = np.trapezoid(1 - (1 - below**r) ** b, below[:, 0], axis=0)
        fn = np.trapezoid((1 - above**r) ** b, above[:, 0], axis=0)
        err = fp + fn
        k = int(np.argmin(err))
        if err[k] < best_err:
            best, best_err = (b, int(r[k])), float(err[k])
    return best


def _candidate_pairs(values: np.ndarray, live: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(pairs, 2) row indices that share a band: each row paired with the previous row
    and with the first row of its bucket (enough to connect a bucket once verified)."""
    mult = np.random.default_rng(SEED + 1).integers(1, 2**63, size=rows, dtype=np.uint64) | np.uint64(1)
    found = []
    sub = values[live].astype(np.uint64)
    for band in range(bands):
        key = np.zeros(len(sub), dtype=np.uint64)  # a hash of the band (uint64 arithmetic wraps)
        for c in range(rows):  # column by column: numpy's integer matmul has no fast path
            key += sub[:, band * rows + c] * mult[c]
        order = np.argsort(key, kind="stable")
        k = key[order]
        same = np.concatenate([[False], k[1:] == k[:-1]])
        if not same.any():
            continue
        first = np.maximum.accumulate(np.where(same, 0, np.arange(len(k))))
        at = np.flatnonzero(same)
        rows_ = live[order]
        found.append(np.stack([rows_[at - 1], rows_[at]], axis=1))
        lead = first[at] != at - 1
        found.append(np.stack([rows_[first[at[lead]]], rows_[at[lead]]], axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.sort(np.concatenate(found), axis=1)
    n = np.int64(len(values))
    codes = np.unique(pairs[:, 0] * n + pairs[:, 1])  # one int64 per pair: a 1-D unique is fast
    return np.stack([codes // n, codes % n], axis=1)


def similarity(values: np.ndarray, left: np.ndarray, right: np.ndarray, chunk: int = 65536) -> np.ndarray:
    """Estimated Jaccard of row pairs: the share of equal hash values."""
    out = np.empty(len(left), dtype=np.float32)
    for s in range(0, len(left), chunk):
        out[s : s + chunk] = (values[left[s : s + chunk]] == values[right[s : s + chunk]]).mean(axis=1)
    return out


def components(n: int, pairs: np.ndarray) -> np.ndarray:
    """Connected components of ``n`` nodes joined by ``pairs``: each node's label is the
    smallest node of its component. Vectorised min-label propagation with pointer jumping
    (a Python union-find took ~30 s on the 500k-row release's millions of pairs)."""
    label = np.arange(n, dtype=np.int64)
    if not len(pairs):
        return label
    a, b = pairs[:, 0], pairs[:, 1]
    while True:
        low = np.minimum(label[a], label[b])
        new = label.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        while True:  # jump to the label's label until stable
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, label):
            return label
        label = new


def cluster(sigs: Signatures, threshold: float = DEFAULT_THRESHOLD) -> Clusters:
    """Group rows whose estimated Jaccard similarity reaches ``threshold`` (0 < t < 1).

    LSH banding is done in numpy rather than with datasketch's MinHashLSH index: inserting
    the 48k rows into it took ~7 s here, the numpy banding well under one. The bands are
    the ones datasketch would choose; rows sharing a band bucket are verified against the
    bucket's first row and their neighbour in it. ``Signatures.minhash`` gives datasketch
    objects for any row."""
    if not 0.0 < threshold < 1.0:
        raise ValueError("threshold must be between 0 and 1")
    values = sigs.values
    n = len(values)
    live = np.flatnonzero(~sigs.empty)
    bands, rows = lsh_params(threshold, values.shape[1] if values.ndim == 2 else DEFAULT_PERM)
    pairs = _candidate_pairs(values, live, bands, rows) if len(live) > 1 else np.zeros((0, 2), dtype=np.int64)
    keep = pairs[similarity(values, pairs[:, 0], pairs[:, 1]) >= threshold] if len(pairs) else pairs
    roots = components(n, keep)
    return _label(sigs, roots, threshold)


def _label(sigs: Signatures, roots: np.ndarray, threshold: float) -> Clusters:
    frame = pl.DataFrame({"i": np.arange(len(roots)), "root": roots, "rid": sigs.rids})
    sized = frame.with_columns(pl.len().over("root").alias("size"))
    grouped = sized.filter(pl.col("size") > 1)
    # cluster numbers: biggest first, ties by first row; the representative is the first row
    order = (
        grouped.group_by("root")
        .agg(pl.col("size").first(), pl.col("i").min().alias("rep"))
        .sort(["size", "rep"], descending=[True, False])
        .with_row_index("cluster")
        .with_columns(pl.col("cluster").cast(pl.UInt32))
    )
    members = grouped.join(order.select("root", "cluster", "rep"), on="root").sort(["cluster", "i"])
    if members.height:
        idx, rep = members["i"].to_numpy(), members["rep"].to_numpy()
        jac = (sigs.values[idx] == sigs.values[rep]).mean(axis=1)
    else:
        jac = np.zeros(0)
    members = members.with_columns(pl.Series("jaccard", jac, dtype=pl.Float32))
    rows = frame.select("i", "rid").join(
        members.select("i", pl.col("cluster").alias("near_cluster"), pl.col("jaccard").alias("near_jaccard")),
        on="i",
        how="left",
        maintain_order="left",
    )
    return Clusters(
        members=members.select("cluster", "rid", "jaccard", pl.col("size").cast(pl.UInt32)),
        rows=rows.drop("i"),
        threshold=threshold,
    )


def find_near_duplicates(
    frame: pl.DataFrame,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    ngram: int = DEFAULT_NGRAM,
    num_perm: int = DEFAULT_PERM,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    processes: int | None = None,
) -> Clusters:
    """signatures + cluster in one call."""
    sigs = signatures(frame, ngram=ngram, num_perm=num_perm, progress=progress, cancel=cancel, processes=processes)
    return cluster(sigs, threshold)
