"""Edits by JSON path: what a row's editable texts are, where they live in its record, and
what its derived columns become once some are edited.

An edit is keyed by the path of a text in the record as the release holds it
(``conversations[3].value``, ``messages[1].content[0].text``, ``history[0][1]``,
``system``, ``chosen.value``, ``rejected[-1].content``); a deleted turn by the path of
its turn object (``conversations[3]``; a Firefly ``conversation[2]`` pair, an Alpaca
``history[0]`` pair) with the value None. Paths always name places in the release's
record, never in an edited one, so edits and deletions of one row never shift each
other. COIG's own names (``instruction``, ``input``, ``output``) are the paths of those
keys: versions written before paths existed read as they always did.
"""
from __future__ import annotations

from typing import Any, Mapping

from app.core.load import paths as jp
from app.core.load.formats import rejected_path
from app.core.load.schema import LIST_FIELDS, SINGLE_TURN_FORMATS, TEXT_FIELDS

# Base columns a row's paths are read from (BaseLookup.rows of these).
ROW_COLUMNS = ("format", "turns", "system", "chosen", "rejected", *TEXT_FIELDS)
# Containers whose items are turns a curator may delete (steps[0] of the turn's path).
TURN_CONTAINERS = ("conversations", "messages", "conversation", "history")
DERIVED = ("instruction", "input", "output", "turns", "system", "chosen", "rejected")


class PathEditError(ValueError):
    """An edit names no text of the row, or a value of the wrong kind."""


def fmt_of(row: Mapping[str, Any]) -> str:
    """A row's format; a frame made before formats existed holds COIG-CQIA rows."""
    return row.get("format") or "cqia"


def is_path(name: str) -> bool:
    """A key of RowState.fields that is not one of COIG's named fields."""
    return name not in TEXT_FIELDS and name not in LIST_FIELDS


def check_key(name: Any, value: Any) -> None:
    """ValueError unless ``name`` -> ``value`` is an edit a RowState may hold."""
    if not isinstance(name, str):
        raise ValueError(f"an edited field is named by a string, not {name!r}")
    if name in LIST_FIELDS:
        return
    if name not in TEXT_FIELDS:
        try:
            jp.parse(name)
        except jp.PathError as exc:
            raise ValueError(f"{name!r} is neither an editable field nor a JSON path ({exc})") from None
        if value is None:
            return  # a deleted turn
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, not {value!r}")


def all_turns(row: Mapping[str, Any]) -> list[dict]:
    """schema.all_turns() of one row as Python dicts (role, text, path)."""
    out = [{"role": "system", "text": row["system"], "path": "system"}] if row.get("system") else []
    stored = list(row.get("turns") or [])
    if stored or fmt_of(row) not in SINGLE_TURN_FORMATS:
        return out + [dict(t) for t in stored]
    other = fmt_of(row) == "other"
    for name, role in (("instruction", "user"), ("input", "user"), ("output", "assistant")):
        text = row.get(name) or ""
        if text or (name != "input" and not other):
            out.append({"role": role, "text": text, "path": name})
    return out


def texts(row: Mapping[str, Any]) -> dict[str, str]:
    """Every editable text of a row by its path: its turns, its system prompt, and for a
    preference record its rejected response."""
    found = {t["path"]: t["text"] for t in all_turns(row)}
    if fmt_of(row) == "preference":
        stored = list(row.get("turns") or [])
        if stored:
            found[rejected_path(stored[-1]["path"])] = row.get("rejected") or ""
    return found


def turn_object(path: str) -> str | None:
    """The turn object a text path lies in (``conversations[3].value`` ->
    ``conversations[3]``, ``history[0][1]`` -> ``history[0]``), or None."""
    steps = jp.parse(path)
    if len(steps) >= 2 and steps[0] in TURN_CONTAINERS and isinstance(steps[1], int):
        return f"{steps[0]}[{steps[1]}]"
    return None


def deletable(row: Mapping[str, Any]) -> dict[str, list[str]]:
    """Turn objects of the row that may be deleted -> the texts they hold."""
    out: dict[str, list[str]] = {}
    for t in row.get("turns") or []:
        obj = turn_object(t["path"])
        if obj is not None:
            out.setdefault(obj, []).append(t["text"])
    return out


def base_value(row: Mapping[str, Any], name: str) -> Any:
    """The release's value of an edit key: a field's value, the text at a path, the texts
    of a turn object (what a deletion removes)."""
    if not is_path(name):
        value = row[name]
        return tuple(value) if name in LIST_FIELDS else value
    found = texts(row)
    if name in found:
        return found[name]
    return deletable(row).get(name)


def resolve_field(row: Mapping[str, Any], name: str) -> str:
    """The key an edit of the frame's column ``name`` (instruction / input / output) is
    kept under for this row: the column itself for COIG-like records, else the path of
    the turn the column shows (the first user turn, the last assistant turn)."""
    stored = list(row.get("turns") or [])
    fmt = fmt_of(row)
    if fmt in ("cqia", "alpaca") or (fmt == "other" and not stored):
        return name
    if fmt == "preference" and name == "input":
        return "input"
    source = _sources(row).get(name)
    if source is None:
        raise PathEditError(f"this {fmt} record has no {name} to edit")
    return source


def _sources(row: Mapping[str, Any]) -> dict[str, str]:
    """Which stored turn gives each text column (records.record_values' rules)."""
    stored = list(row.get("turns") or [])
    users = [t for t in stored if t["role"] == "user"]
    helpers = [t for t in stored if t["role"] == "assistant"]
    out = {}
    if users:
        out["instruction"] = users[0]["path"]
    if helpers:
        out["output"] = helpers[-1]["path"]
    if fmt_of(row) == "other" and row.get("input") and len(users) > 1 and users[1]["text"] == row["input"]:
        out["input"] = users[1]["path"]
    return out


def derive(row: Mapping[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    """The row's derived columns (DERIVED) with ``fields`` applied, as a reload of the
    edited record would show them."""
    out = {c: row.get(c) for c in DERIVED}
    edits = {k: v for k, v in fields.items() if k not in LIST_FIELDS and v is not None}
    gone = [k for k, v in fields.items() if v is None]
    if "system" in edits:
        out["system"] = edits["system"]
    stored = [dict(t) for t in row.get("turns") or []]
    fmt = fmt_of(row)
    if not stored and fmt in SINGLE_TURN_FORMATS:
        for name in TEXT_FIELDS:
            if name in edits:
                out[name] = edits[name]
        out["turns"] = []
        return out
    turns = []
    for t in stored:
        if any(t["path"] == g or t["path"].startswith((g + ".", g + "[")) for g in gone):
            continue
        if t["path"] in edits:
            t["text"] = edits[t["path"]]
        turns.append(t)
    # an input is a turn only when not empty (records.instruction_turns, a mapped input)
    source = "input" if fmt != "other" else _sources(row).get("input")
    turns = [t for t in turns if not (t["path"] == source and t["text"] == "")]
    if fmt in ("cqia", "alpaca", "preference") and edits.get("input") and not any(t["path"] == "input" for t in turns):
        at = next((i + 1 for i, t in enumerate(turns) if t["path"] == "instruction"), None)
        if at is not None:
            turns.insert(at, {"role": "user", "text": edits["input"], "path": "input"})
    out["turns"] = turns
    if fmt in ("cqia", "alpaca"):  # history turns before it; the columns are the keys
        for name in TEXT_FIELDS:
            out[name] = edits.get(name, row.get(name))
        return out
    users = [t["text"] for t in turns if t["role"] == "user"]
    helpers = [t["text"] for t in turns if t["role"] == "assistant"]
    out["instruction"] = users[0] if users else ""
    out["output"] = helpers[-1] if helpers else ""
    if fmt == "preference":
        out["chosen"] = turns[-1]["text"] if turns and stored and turns[-1]["path"] == stored[-1]["path"] else ""
        out["rejected"] = edits.get(rejected_path(stored[-1]["path"]), row.get("rejected")) if stored else ""
        out["input"] = edits.get("input", row.get("input"))
    elif fmt == "other":
        source = _sources(row).get("input")
        out["input"] = "" if source is None or source in gone else edits.get(source, row.get("input"))
    return out
