"""Near-duplicates: recall on rows perturbed from the real sample, no false clusters
among unrelated rows, and the mechanics (threshold, empty rows, pool, cancel)."""
from __future__ import annotations

import random
import re

import numpy as np
import polars as pl
import pytest

from app.core.text import neardup
from app.core.text.workpool import Cancelled

from .analysis_support import make_frame, sample_frame

CJK = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可也你"


def perturb(text: str, rng: random.Random) -> str:
    """What a near-duplicate looks like: a sentence dropped (long texts) and/or about
    one character in a hundred replaced."""
    sentences = re.split(r"(?<=[。！？])", text)
    sentences = [s for s in sentences if s]
    if len(sentences) >= 6 and rng.random() < 0.5:
        del sentences[rng.randrange(1, len(sentences))]
        text = "".join(sentences)
    chars = list(text)
    for _ in range(max(1, len(chars) // 100)):
        chars[rng.randrange(len(chars))] = rng.choice(CJK)
    return "".join(chars)


def shingles(row: dict, n: int = neardup.DEFAULT_NGRAM) -> set[str]:
    t = re.sub(r"\s+", "", (row["instruction"] + row["input"] + row["output"]).lower())
    return {t[i : i + n] for i in range(max(1, len(t) - n + 1))}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


@pytest.fixture(scope="module")
def perturbed(sample_root):
    """300 real rows of 120+ characters, each followed by a perturbed copy."""
    base = sample_frame(sample_root, n=300, min_chars=120, seed=42)
    rng = random.Random(42)
    copies = base.with_columns(
        pl.col("output").map_elements(lambda t: perturb(t, rng), return_dtype=pl.String),
        (pl.col("rid") ^ pl.lit(0x5EED, dtype=pl.UInt64)).alias("rid"),
    )
    return base, copies


def test_recall_on_perturbed_real_rows(perturbed):
    base, copies = perturbed
    frame = pl.concat([base, copies])
    found = neardup.find_near_duplicates(frame, processes=1)
    cluster = dict(zip(found.rows["rid"].to_list(), found.rows["near_cluster"].to_list()))
    pairs = list(zip(base["rid"].to_list(), copies["rid"].to_list()))
    hit = sum(1 for a, b in pairs if cluster[a] is not None and cluster[a] == cluster[b])
    assert hit / len(pairs) >= 0.9, f"recall {hit}/{len(pairs)}"

    # Unrelated rows do not cluster: any two originals sharing a cluster must really be alike.
    originals = {r["rid"]: r for r in base.iter_rows(named=True)}
    by_cluster: dict[int, list[int]] = {}
    for rid in originals:
        if cluster[rid] is not None:
            by_cluster.setdefault(cluster[rid], []).append(rid)
    for members in by_cluster.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                sim = jaccard(shingles(originals[a]), shingles(originals[b]))
                assert sim >= 0.5, f"unrelated rows clustered (true Jaccard {sim:.2f})"


def test_unrelated_real_rows_stay_apart(sample_root):
    frame = sample_frame(sample_root, n=400, min_chars=200, seed=9)
    found = neardup.find_near_duplicates(frame, processes=1)
    rows = {r["rid"]: r for r in frame.iter_rows(named=True)}
    for members in found.members.group_by("cluster").agg("rid")["rid"].to_list():
        for a in members[1:]:
            assert jaccard(shingles(rows[members[0]]), shingles(rows[a])) >= 0.5


def test_estimates_track_true_jaccard(perturbed):
    base, copies = perturbed
    frame = pl.concat([base.head(40), copies.head(40)])
    sigs = neardup.signatures(frame, processes=1)
    left, right = np.arange(40), np.arange(40, 80)
    est = neardup.similarity(sigs.values, left, right)
    rows = frame.to_dicts()
    true = np.array([jaccard(shingles(rows[i]), shingles(rows[j])) for i, j in zip(left, right)])
    assert np.abs(est - true).mean() < 0.05  # 128 permutations: standard error ~0.04 per pair


ROWS = [
    {"instruction": "介绍一下长城", "output": "长城是中国古代的军事防御工程，东起山海关，西至嘉峪关，全长两万多公里。"},
    {"instruction": "介绍一下长城", "output": "长城是中国古代的军事防御工程，东起山海关，西至嘉峪关，全长二万多公里。"},
    {"instruction": "什么是光合作用", "output": "光合作用是绿色植物利用光能，把二氧化碳和水合成有机物并释放氧气的过程。"},
    {"instruction": "", "input": " ", "output": ""},
    {"instruction": "", "output": "\n"},
    {"instruction": "写一首诗", "output": "床前明月光，疑是地上霜。"},
    {"instruction": "写一首诗", "output": "床前明月光，疑是地上霜。"},
]


def test_clusters_and_row_labels():
    frame = make_frame(ROWS)
    found = neardup.find_near_duplicates(frame, threshold=0.7)
    assert found.rows.columns == ["rid", "near_cluster", "near_jaccard"]
    assert found.rows["rid"].to_list() == frame["rid"].to_list()
    labels = found.rows["near_cluster"].to_list()
    assert labels[0] is not None and labels[0] == labels[1]
    assert labels[5] is not None and labels[5] == labels[6] != labels[0]
    assert labels[2] is None
    assert labels[3] is None and labels[4] is None  # empty rows never cluster, even with each other
    assert found.count == 2
    members = found.members
    assert members.columns == ["cluster", "rid", "jaccard", "size"]
    identical = members.filter(pl.col("rid").is_in(frame["rid"][[5, 6]].implode()))
    assert identical["jaccard"].to_list() == [1.0, 1.0]
    top = found.top(1)
    assert top["size"].to_list() == [2] and len(top["rid"][0]) == 2


def test_threshold_is_adjustable_without_recomputing():
    frame = make_frame(ROWS)
    sigs = neardup.signatures(frame)
    strict = neardup.cluster(sigs, threshold=0.99)
    loose = neardup.cluster(sigs, threshold=0.5)
    assert strict.count == 1  # only the identical poems
    assert loose.count == 2
    with pytest.raises(ValueError):
        neardup.cluster(sigs, threshold=1.0)


def test_lsh_parameters_match_datasketch():
    from datasketch.lsh import _optimal_param

    for threshold in (0.5, 0.7, 0.8, 0.9):
        assert neardup.lsh_params(threshold, 128) == _optimal_param(threshold, 128, 0.5, 0.5)


def test_signatures_are_datasketch_minhashes():
    frame = make_frame(ROWS[:3])
    sigs = neardup.signatures(frame)
    a, b = sigs.minhash(0), sigs.minhash(1)
    assert a.jaccard(b) == pytest.approx(float(neardup.similarity(sigs.values, np.array([0]), np.array([1]))[0]))


def test_pool_gives_the_same_signatures(perturbed, monkeypatch):
    base, _ = perturbed
    frame = base.head(100)
    here = neardup.signatures(frame, processes=1)
    monkeypatch.setattr(neardup, "TASK_CHARS", 8_000)
    seen = []
    pooled = neardup.signatures(frame, processes=2, progress=lambda d, t: seen.append((d, t)))
    assert np.array_equal(here.values, pooled.values)
    assert seen[-1][0] == seen[-1][1]


def test_cancel():
    with pytest.raises(Cancelled):
        neardup.find_near_duplicates(make_frame(ROWS), cancel=lambda: True)


def test_ngram_bounds():
    with pytest.raises(ValueError):
        neardup.signatures(make_frame(ROWS), ngram=2)


def test_components():
    pairs = np.array([[5, 6], [1, 2], [2, 3], [6, 7], [0, 9]])
    assert neardup.components(10, pairs).tolist() == [0, 1, 1, 1, 4, 5, 5, 5, 8, 0]
    assert neardup.components(3, np.zeros((0, 2), dtype=np.int64)).tolist() == [0, 1, 2]
    rng = np.random.default_rng(1)  # a long chain in random order still collapses to one label
    chain = np.stack([np.arange(999), np.arange(1, 1000)], axis=1)[rng.permutation(999)]
    assert set(neardup.components(1000, chain).tolist()) == {0}
