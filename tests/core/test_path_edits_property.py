"""Edits by path on records of every format, as hypothesis draws them: writing an edit
back changes exactly the value at its path (the parsed record is the original with that
one value set), and the frame's derived columns (pathedits.derive) are what a reload of
the edited record reads; a deleted turn is exactly that item gone."""
from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.curate.overlay import RowState
from app.core.curate.pathedits import DERIVED, deletable, derive, texts
from app.core.export.rowedit import rewrite_row
from app.core.load import paths as jp
from app.core.load.records import own_values
from tests.core.format_records import ANY, TEXT


def _row(obj: dict) -> dict:
    values = own_values(obj)
    row = {k: values.get(k) for k in DERIVED}
    row["format"] = values["format"]
    for k in ("instruction", "input", "output", "system", "chosen", "rejected"):
        row[k] = row[k] or ""
    return row


def _dumped(obj: dict, indent) -> bytes:
    return json.dumps(obj, ensure_ascii=False, indent=indent).encode()


def _set(obj: dict, path: str, value) -> dict:
    out = copy.deepcopy(obj)
    steps = jp.parse(path)
    holder = out
    for step in steps[:-1]:
        holder = holder[step]
    if value is None:
        del holder[steps[-1]]
    else:
        holder[steps[-1]] = value
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY, st.data(), TEXT, st.sampled_from([None, 2]))
def test_an_edit_sets_exactly_its_value_and_reloads_as_derived(obj, data, value, indent):
    row = _row(obj)
    found = texts(row)
    if not found:
        return
    path = data.draw(st.sampled_from(sorted(found)))
    raw = _dumped(obj, indent)
    new = rewrite_row(raw, RowState(fields={path: value}))
    expected = _set(obj, path, value)
    assert json.loads(new) == expected
    again = _row(expected)
    shown = derive(row, {path: value})
    assert {k: shown[k] for k in DERIVED} == {k: again[k] for k in DERIVED}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY, st.data(), st.sampled_from([None, 2]))
def test_a_deleted_turn_is_exactly_that_item_gone(obj, data, indent):
    turns = deletable(_row(obj))
    if not turns:
        return
    gone = data.draw(st.lists(st.sampled_from(sorted(turns)), min_size=1, max_size=3, unique=True))
    new = json.loads(rewrite_row(_dumped(obj, indent), RowState(fields=dict.fromkeys(gone))))
    expected = copy.deepcopy(obj)
    for path in sorted(gone, key=lambda p: -jp.parse(p)[1]):  # from the last item back
        expected = _set(expected, path, None)
    assert new == expected
