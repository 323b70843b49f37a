"""Loader fuzzing: it never raises, keeps every good line, and reports only really bad ones."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.core.io.filekind import HEAD_BYTES, problem
from app.core.load.loader import ReleaseError, load_release
from app.core.load.schema import raw_values
from tests.conftest import _sample_root

GOOD = json.dumps(
    {"instruction": "把下面的句子翻译成英文", "input": "我爱北京天安门", "output": "I love Tiananmen in Beijing.",
     "task_type": {"major": ["翻译"], "minor": ["中译英"]}, "domain": ["通用"], "metadata": "",
     "answer_from": "human", "human_verified": True, "copyright": "CC0", "extra": [1, {"a": None}]},
    ensure_ascii=False,
).encode()



def _real_rows(limit: int = 40) -> list[bytes]:
    """A few real rows from the sample (each subset's first lines), to mutate."""
    root = _sample_root()
    if root is None:
        return []
    rows: list[bytes] = []
    for path in sorted(root.rglob("*.jsonl")):
        with open(path, "rb") as fh:
            head = [fh.readline().strip() for _ in range(3)]
        rows += [r for r in head if r.startswith(b"{")]
        if len(rows) >= limit:
            break
    return rows[:limit]


SEEDS = [GOOD] + _real_rows()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
row_fields = st.fixed_dictionaries(
    {},
    optional={
        "instruction": json_values, "input": json_values, "output": json_values, "domain": json_values,
        "task_type": json_values | st.fixed_dictionaries({}, optional={"major": json_values, "minor": json_values}),
        "metadata": json_values, "human_verified": json_values, "answer_from": json_values, "copyright": json_values,
    },
)


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["del", "ins", "flip"]))
        if op == "del" and pos < len(data):
            del data[pos : pos + draw(st.integers(1, 8))]
        elif op == "ins":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=4))
        elif pos < len(data):
            data[pos] ^= draw(st.integers(1, 255))
    return bytes(data)


line = st.one_of(
    row_fields.map(lambda d: json.dumps(d, ensure_ascii=draw_ascii(d)).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=40),
    mutated(),
    st.sampled_from(SEEDS),
).map(lambda b: b.replace(b"\n", b" "))


def draw_ascii(d) -> bool:
    return len(json.dumps(d)) % 2 == 0  # both escaped and raw UTF-8 shapes


def oracle(raw: bytes, first: bool = False) -> bool | None:
    """True: a row; False: a bad line; None: blank (skipped silently). A file's first
    line may begin with a UTF-8 BOM: an encoding mark, not content."""
    if first and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    stripped = raw.strip()
    if not stripped:
        return None
    try:
        return isinstance(json.loads(stripped.decode("utf-8"), parse_constant=_not_json), dict)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False


def _not_json(name: str):
    """NaN, Infinity and -Infinity: the stdlib's extension, not JSON."""
    raise ValueError(name)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example([b"PAR1", b"{}"])  # Parquet's magic on a text line: a bad line, not a Parquet file
@example([b"\x00\x00\xfe\xff", b"{}"])  # a UTF-32 mark: the file is named as UTF-32 text, not read
@example([b"\xef\xbb\xbf", b"{}"])  # a BOM alone on the first line: a blank line, not a bad one
@example([b'{"output": Infinity}', b'{"metadata": {"x": [NaN]}}'])  # the stdlib takes them, JSON does not
@given(st.lists(line, min_size=1, max_size=25))
def test_loader_keeps_good_lines_and_reports_bad_ones(lines):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.jsonl"
        path.write_bytes(b"\n".join(lines) + b"\n")
        expected_rows = [n for n, raw in enumerate(lines, 1) if oracle(raw, n == 1)]
        expected_bad = [n for n, raw in enumerate(lines, 1) if oracle(raw, n == 1) is False]
        try:
            release = load_release(path)
        except ReleaseError:
            if expected_rows:
                # A whole file is set aside only when it begins with the mark of another
                # encoding or a compressed stream (named in the report), which a first
                # line that is a row never does.
                assert problem(path.read_bytes()[:HEAD_BYTES]) and oracle(lines[0], True) is False
            return
        assert release.frame["line"].to_list() == expected_rows
        assert [b.line for b in release.report.bad_lines] == expected_bad
        assert all(b.reason for b in release.report.bad_lines)
        assert release.frame["rid"].n_unique() == release.frame.height
        # every kept row holds the values the stdlib reads from its line
        for n, instruction, output, domain in release.frame.select("line", "instruction", "output", "domain").iter_rows():
            want = raw_values(json.loads(lines[n - 1].strip().decode("utf-8")))
            if _has_surrogate(want):
                continue  # a lone surrogate escape is kept as U+FFFD, which the oracle cannot produce
            assert (instruction, output, domain) == (want["instruction"] or "", want["output"] or "", want["domain"] or [])


def _has_surrogate(values: dict) -> bool:
    try:
        json.dumps(values, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
