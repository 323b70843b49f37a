"""One record's raw bytes with a row's edits written back into its own structure.

Every edit is a splice: the value at the edit's place is replaced by the new value's
compact JSON (jsonsplice.dump) and every other byte of the record stays as it was (key
order, spacing, indentation of a pretty-printed array record, number spellings,
escapes). An edit by JSON path replaces the value at that path and never adds a key: a
path the record does not hold is an error, not a new member. A deleted turn is removed
from its list with one separator (the comma and white space after it, or before it for
the last item). COIG's named fields keep their old rule: a missing ``instruction`` /
``input`` / ``output`` of a COIG-like record is added before the closing brace.
"""
from __future__ import annotations

from typing import Any

from app.core.curate.overlay import RowState
from app.core.curate.pathedits import is_path
from app.core.io import jsonsplice
from app.core.load import paths as jp
from app.core.load.schema import LIST_FIELDS, TEXT_FIELDS

MARK_KEY = "_curation"
LOCATOR_KEY = "_source"  # {file, line, subset, source}: where an exported row came from (export_choice)


class ExportError(Exception):
    pass


# ---- labels (COIG's task_type and domain) -----------------------------------------------

def _shaped(original, values: tuple[str, ...]):
    """A label list in the original's shape: a bare string stays a string if it can."""
    if isinstance(original, str) and len(values) == 1:
        return values[0]
    return list(values)


def _set_label(text: str, name: str, values: tuple[str, ...]) -> str:
    start, found = jsonsplice.whole_object(text)
    if name == "domain":
        current = jsonsplice.last(found[0], "domain")
        return jsonsplice.set_member(text, "domain", jsonsplice.dump(_shaped(current and current.value, values)),
                                     start, found)
    key = "major" if name == "task_major" else "minor"
    task = jsonsplice.last(found[0], "task_type")
    if task is not None and isinstance(task.value, dict):  # splice inside the object
        inner = jsonsplice.members(text, task.value_start)
        current = jsonsplice.last(inner[0], key)
        return jsonsplice.set_member(text, key, jsonsplice.dump(_shaped(current and current.value, values)),
                                     task.value_start, inner)
    if task is None or task.value is None:
        value = "{" + jsonsplice.dump(key) + ":" + jsonsplice.dump(list(values)) + "}"
    elif key == "major":  # a bare value means the major type
        value = jsonsplice.dump(_shaped(task.value, values))
    else:  # the bare value stays, spelled as it was, as the major type
        value = '{"major":' + text[task.value_start : task.value_end] + ',"minor":' + jsonsplice.dump(list(values)) + "}"
    return jsonsplice.set_member(text, "task_type", value, start, found)


# ---- values by JSON path ------------------------------------------------------------------

def _span(text: str, path: str) -> tuple[int, int, list[tuple[int, int]] | None, int]:
    """(start, end) of the value at ``path`` in the object ``text``, and, when the last
    step is an index, the spans of every item of that list and the item's position."""
    start, _found = jsonsplice.whole_object(text)
    at, end = start, None
    steps = jp.parse(path)
    items: list[tuple[int, int]] | None = None
    pos = -1
    for step in steps:
        if isinstance(step, str):
            if text[at : at + 1] != "{":
                raise jsonsplice.SpliceError(f"no {path!r} in the record ({step!r} is not inside an object)")
            m = jsonsplice.last(jsonsplice.members(text, at)[0], step)
            if m is None:
                raise jsonsplice.SpliceError(f"no {path!r} in the record (no key {step!r})")
            at, end, items = m.value_start, m.value_end, None
        else:
            items = jsonsplice.items(text, at)
            pos = step + len(items) if step < 0 else step
            if not 0 <= pos < len(items):
                raise jsonsplice.SpliceError(f"no {path!r} in the record (index {step} of {len(items)} items)")
            at, end = items[pos]
    return at, end, items, pos


def set_path(text: str, path: str, value: str) -> str:
    at, end, _, _ = _span(text, path)
    return text[:at] + jsonsplice.dump(value) + text[end:]


def delete_path(text: str, path: str) -> str:
    """``text`` without the list item at ``path`` and one separator."""
    at, end, items, pos = _span(text, path)
    if items is None:
        raise jsonsplice.SpliceError(f"{path!r} is not an item of a list")
    if pos + 1 < len(items):
        return text[:at] + text[items[pos + 1][0]:]  # the item, its comma and the space up to the next
    if pos > 0:
        return text[: items[pos - 1][1]] + text[end:]  # the last: from the previous item's end
    return text[:at] + text[end:]


def _ordered(fields) -> list[tuple[str, Any]]:
    """Texts first, then deletions from the last item back: every path names the
    release's record, so a deletion must not shift the items an edit or a later
    deletion names."""
    texts = [(k, v) for k, v in fields.items() if v is not None]
    gone = sorted((k for k, v in fields.items() if v is None), key=lambda k: [(-s if isinstance(s, int) else 0)
                                                                            for s in jp.parse(k)[1:2]])
    return texts + [(k, None) for k in gone]


def apply_text(text: str, fields) -> str:
    for name, value in _ordered(fields):
        if name in LIST_FIELDS:
            text = _set_label(text, name, value)
        elif name in TEXT_FIELDS:
            start, found = jsonsplice.whole_object(text)
            text = jsonsplice.set_member(text, name, jsonsplice.dump(value), start, found)
        elif value is None:
            text = delete_path(text, name)
        else:
            text = set_path(text, name, value)
    return text


def rewrite_row(raw: bytes, state: RowState, mark: dict | None = None, where: dict | None = None) -> bytes:
    """One row's record with the edited values (the rejection mark, the locator when asked:
    export_choice) spliced in: every byte outside the replaced values stays as it was."""
    try:
        text = apply_text(raw.decode("utf-8"), state.fields)
        for key, value in ((MARK_KEY, mark), (LOCATOR_KEY, where)):
            if value is not None:
                start, found = jsonsplice.whole_object(text)
                text = jsonsplice.set_member(text, key, jsonsplice.dump(value), start, found)
    except (UnicodeDecodeError, jsonsplice.SpliceError, jp.PathError) as exc:
        raise ExportError(f"cannot write the edits back into the record: {exc}") from exc
    return text.encode("utf-8")


def marked(raw: bytes, state: RowState, where: dict | None = None) -> bytes:
    return rewrite_row(raw, state, {"status": "rejected", "reason": state.reason}, where)


def curation_mark(state: RowState, with_notes: bool = False) -> dict | None:
    """The ``_curation`` object of a written row: a kept rejected row's status and reason,
    and, only when asked (``--with-notes``), its note and flag."""
    mark: dict[str, Any] = {"status": "rejected", "reason": state.reason} if state.decision == "rejected" else {}
    if with_notes:
        if state.note is not None:
            mark["note"] = state.note
        if state.flag:
            mark["flagged"] = True
    return mark or None


def write_row(raw: bytes, state: RowState, where: dict | None = None, with_notes: bool = False) -> bytes:
    """One written row: its edits, its ``_curation`` mark (curation_mark), its locator."""
    return rewrite_row(raw, state, curation_mark(state, with_notes), where)


# ---- the same edits on a parsed record (a Parquet row) --------------------------------------

def apply_obj(obj: dict, fields) -> dict:
    """``obj`` (a parsed record, changed in place) with the edits applied as
    rewrite_row applies them to its text."""
    for name, value in _ordered(fields):
        if name in LIST_FIELDS:
            if name == "domain":
                obj["domain"] = _shaped(obj.get("domain"), value)
                continue
            key = "major" if name == "task_major" else "minor"
            task = obj.get("task_type")
            if isinstance(task, dict):
                task[key] = _shaped(task.get(key), value)
            elif task is None:
                obj["task_type"] = {key: list(value)}
            elif key == "major":
                obj["task_type"] = _shaped(task, value)
            else:
                obj["task_type"] = {"major": task, "minor": list(value)}
            continue
        if not is_path(name) and name not in obj:
            obj[name] = value
            continue
        steps = jp.parse(name)
        holder = obj
        for step in steps[:-1]:
            holder = holder[step]
        if value is None:
            del holder[steps[-1]]
        else:
            if isinstance(steps[-1], str) and steps[-1] not in holder:
                raise KeyError(name)
            holder[steps[-1]] = value
    return obj
