"""Every character n-gram of many texts, hashed to 64 bits at once in numpy.

The texts are joined by Polars into one string (no Python object per row), read as UTF-32
code points, and the hash of the n-gram starting at each position is
``sum(code[i + k] * M[k] for k < n) mod 2**64`` with fixed random odd 64-bit multipliers:
n vectorised multiply-adds over the whole array, whatever n is. Two different grams
collide only when ``sum(d[k] * M[k])`` is 0 mod 2**64 for their code point differences d,
about 2**-64 per pair for natural text (well under one collision in a million scans
of 10 million grams against 10 million). Grams that would cross from one text into the
next are dropped.
"""
from __future__ import annotations

import numpy as np
import polars as pl

MAX_NGRAM = 64


def _multipliers(count: int) -> np.ndarray:
    """splitmix64 of 1..count, made odd: fixed, so hashes agree between runs and processes."""
    out = []
    x = 0x9E3779B97F4A7C15
    mask = (1 << 64) - 1
    for _ in range(count):
        x = (x + 0x9E3779B97F4A7C15) & mask
        z = x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        out.append((z ^ (z >> 31)) | 1)
    return np.array(out, dtype=np.uint64)


MULTIPLIERS = _multipliers(MAX_NGRAM)
EMPTY = (np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.uint64))


def check_ngram(n: int) -> int:
    if not isinstance(n, int) or not 1 <= n <= MAX_NGRAM:
        raise ValueError(f"the n-gram length must be a whole number from 1 to {MAX_NGRAM}, not {n!r}")
    return n


def codepoints(texts: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """All texts as one uint32 array of code points, and each text's length."""
    texts = texts.fill_null("")
    lengths = texts.str.len_chars().to_numpy().astype(np.int64, copy=False)
    if not len(texts) or not lengths.any():
        return np.zeros(0, dtype=np.uint32), lengths
    joined = texts.str.join("").item()
    return np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32), lengths


def gram_hashes(texts: pl.Series, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(owner, hash): for every n-gram of every text (in text order, then position), the
    index of its text (uint32) and its 64-bit hash (uint64)."""
    check_ngram(n)
    codes, lengths = codepoints(texts)
    counts = np.maximum(lengths - n + 1, 0)
    total = int(counts.sum())
    if total == 0:
        return EMPTY
    m = len(codes) - n + 1
    h = np.zeros(m, dtype=np.uint64)
    term = np.empty(m, dtype=np.uint64)
    for k in range(n):  # unsigned arithmetic wraps: this is the sum mod 2**64
        np.multiply(codes[k:k + m], MULTIPLIERS[k], out=term, dtype=np.uint64)
        h += term
    owner = np.repeat(np.arange(len(lengths), dtype=np.uint32), counts)
    starts = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    first = np.zeros(len(lengths), dtype=np.int64)  # index of each text's first gram among all grams
    np.cumsum(counts[:-1], out=first[1:])
    pos = np.arange(total, dtype=np.int64) + np.repeat(starts - first, counts)
    return owner, h[pos]
