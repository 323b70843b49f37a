"""Shared fixtures: where the real COIG-CQIA sample lives, and small releases made on the fly."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent


def _sample_root() -> Path | None:
    env = os.environ.get("CQIA_SAMPLE")
    candidates = [Path(env)] if env else []
    candidates.append(PROJECT.parent / "shared" / "data" / "coig-cqia")
    for c in candidates:
        if c.is_dir():
            return c
    return None


@pytest.fixture(scope="session")
def sample_root() -> Path:
    """The real part of the public release (17,971 rows, 39 files, 4 LFS pointers)."""
    root = _sample_root()
    if root is None and os.environ.get("CQIA_REQUIRE_SAMPLE"):  # CI: the sample is there, so its tests must run
        pytest.fail("CQIA_REQUIRE_SAMPLE is set but the real COIG-CQIA sample was not found")
    if root is None:
        pytest.skip("real COIG-CQIA sample not found: set CQIA_SAMPLE or place it at ../shared/data/coig-cqia")
    return root


def _benchmarks_root() -> Path | None:
    env = os.environ.get("CQIA_BENCHMARKS")
    candidates = [Path(env)] if env else []
    sample = _sample_root()
    if sample is not None:
        candidates.append(sample.parent / "benchmarks")
    candidates.append(PROJECT.parent / "shared" / "data" / "benchmarks")
    return next((c for c in candidates if (c / "cmmlu").is_dir() and (c / "gaokao-bench").is_dir()), None)


@pytest.fixture(scope="session")
def benchmarks_root() -> Path:
    """CMMLU and GAOKAO-Bench as published (../shared/data/benchmarks, or $CQIA_BENCHMARKS)."""
    root = _benchmarks_root()
    if root is None and os.environ.get("CQIA_REQUIRE_SAMPLE"):
        pytest.fail("CQIA_REQUIRE_SAMPLE is set but the benchmarks (cmmlu/, gaokao-bench/) were not found")
    if root is None:
        pytest.skip("benchmarks not found: set CQIA_BENCHMARKS or place them at ../shared/data/benchmarks")
    return root


def _formats_root() -> Path | None:
    """The real files of other formats: $CQIA_FORMATS, else beside the COIG sample
    (../shared/data/formats)."""
    env = os.environ.get("CQIA_FORMATS")
    candidates = [Path(env)] if env else []
    sample = _sample_root()
    if sample is not None:
        candidates.append(sample.parent / "formats")
    candidates.append(PROJECT.parent / "shared" / "data" / "formats")
    return next((c for c in candidates if c.is_dir()), None)


@pytest.fixture(scope="session")
def formats_root() -> Path:
    """Real instruction files in other formats (Alpaca, ShareGPT, OpenAI, Firefly, DPO, BELLE)."""
    root = _formats_root()
    if root is None and os.environ.get("CQIA_REQUIRE_SAMPLE"):
        pytest.fail("CQIA_REQUIRE_SAMPLE is set but the real files of other formats were not found")
    if root is None:
        pytest.skip("real files of other formats not found: set CQIA_FORMATS or place them at ../shared/data/formats")
    return root


@pytest.fixture(scope="session")
def demo_root() -> Path:
    root = PROJECT / "resources" / "demo"
    if not root.is_dir():
        pytest.skip("resources/demo is missing")
    return root


def write_jsonl(path: Path, lines: list[bytes | str]) -> Path:
    """Write raw lines (no JSON encoding applied) joined by newlines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = b"\n".join(l.encode() if isinstance(l, str) else l for l in lines) + b"\n"
    path.write_bytes(data)
    return path


# ---- the reliability tests: how hard they run, and a line of what each saw (tests/reliability.py)

from tests import reliability  # noqa: E402


@pytest.fixture()
def tally(request) -> reliability.Tally:
    """Counts what a reliability test tried (kills sent, cases, ...), for its log line."""
    return reliability.tally_of(request.node)


def pytest_collection_modifyitems(config, items):
    try:
        default = float(config.getini("timeout") or 0)
    except ValueError:  # pytest-timeout absent: no limits to scale
        default = 0.0
    reliability.scale_timeouts(items, default)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    reliability.observe(item, report)
