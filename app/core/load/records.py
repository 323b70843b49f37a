"""One parsed record -> the inner shape's values, with the standard library: the
reference reading of every format (formats.py says which keys decide), used for the rows
Polars' fast path does not read itself (a refused chunk, a record of another format than
its file's, a mapped ``other`` file). The fast path (convread, and the loader's own for
cqia) must give the same values; tests/core/test_formats_fast.py checks that it does.

Turns are dicts {role, text, path}; ``path`` is the JSON path of ``text`` in the record
(paths.py). Texts that are not strings become JSON text (schema._as_text), a missing or
null text is "". Single-turn cqia / alpaca records have no stored turns (schema.all_turns
makes them when asked).
"""
from __future__ import annotations

from typing import Any, Mapping

from . import paths as jp
from .formats import CONTAINERS, Shape, record_format, response_way, role_of
from .schema import _as_text, raw_values


class BadRecord(ValueError):
    """A record that cannot be read in its file's shape; the message is the reason."""


def _text(value: Any) -> str:
    return "" if value is None else _as_text(value)


def _turn(role: str, text: Any, path: str) -> dict:
    return {"role": role, "text": _text(text), "path": path}


def container_turns(items: Any, base: str, role_key: str, text_key: str,
                    names: Mapping[str, str] | None = None) -> list[dict]:
    """Turns of a sharegpt-like list of {role_key, text_key} objects at ``base``."""
    if not isinstance(items, list):
        return []
    return [_turn(role_of(t.get(role_key), i, names), t.get(text_key), f"{base}[{i}].{text_key}")
            for i, t in enumerate(items) if isinstance(t, dict)]


def openai_turns(items: Any, base: str = "messages") -> list[dict]:
    """Turns of an OpenAI ``messages`` list: a string content is one turn, typed parts one
    turn per text part (``text``, or LLaMA-Factory's ``value``), tool calls a
    function_call turn of their JSON text."""
    if not isinstance(items, list):
        return []
    out = []
    for i, m in enumerate(items):
        if not isinstance(m, dict):
            continue
        role, content, calls = role_of(m.get("role"), i), m.get("content"), m.get("tool_calls")
        at = f"{base}[{i}].content"
        if isinstance(content, list):
            for j, part in enumerate(content):
                if isinstance(part, dict) and part.get("type") == "text":
                    key = "text" if part.get("text") is not None else "value"
                    out.append(_turn(role, part.get(key), f"{at}[{j}].{key}"))
        elif content is not None or calls is None:
            out.append(_turn(role, content, at))
        if calls is not None:
            out.append(_turn("function_call", calls, f"{base}[{i}].tool_calls"))
    return out


def firefly_turns(items: Any, base: str = "conversation") -> list[dict]:
    """Turns of a Firefly ``conversation``: each {human, assistant} item is two turns."""
    if not isinstance(items, list):
        return []
    out = []
    for i, pair in enumerate(items):
        if isinstance(pair, dict):
            out.append(_turn("user", pair.get("human"), f"{base}[{i}].human"))
            out.append(_turn("assistant", pair.get("assistant"), f"{base}[{i}].assistant"))
    return out


def history_turns(history: Any) -> list[dict]:
    """Alpaca's ``history``: [user, assistant] pairs before the instruction."""
    if not isinstance(history, list):
        return []
    out = []
    for k, pair in enumerate(history):
        if isinstance(pair, list):
            out.append(_turn("user", pair[0] if pair else None, f"history[{k}][0]"))
            out.append(_turn("assistant", pair[1] if len(pair) > 1 else None, f"history[{k}][1]"))
    return out


def instruction_turns(obj: Mapping, base: list[dict], with_output: bool = True) -> list[dict]:
    """``base`` turns (history) then instruction, input (when not empty) and output."""
    turns = base + [_turn("user", obj.get("instruction"), "instruction")]
    if _text(obj.get("input")):
        turns.append(_turn("user", obj.get("input"), "input"))
    if with_output:
        turns.append(_turn("assistant", obj.get("output"), "output"))
    return turns


def _first(turns: list[dict], role: str, last: bool = False) -> str:
    found = [t["text"] for t in turns if t["role"] == role]
    return (found[-1] if last else found[0]) if found else ""


def record_values(obj: Mapping, fmt: str, shape: Shape) -> dict:
    """The inner values (schema.INNER_RAW_SCHEMA) of record ``obj`` read as format ``fmt``
    (``shape``: for ``other``, the file's mapping). Raises BadRecord."""
    out = raw_values(obj)  # COIG's fields, read from every format that has them
    out.update(format=fmt, system=_text(obj.get("system")), tools=_text(obj.get("tools")), chosen="", rejected="",
               turns=[])
    if fmt in ("cqia", "alpaca"):
        history = history_turns(obj.get("history"))
        out["turns"] = instruction_turns(obj, history) if history else []
        return out
    if fmt == "other":
        return _other(obj, shape, out)
    if fmt == "preference":
        turns, given_input = _prompt_turns(obj)
        response, rejected = _responses(obj)
        turns.append(response)
        out.update(chosen=response["text"], rejected=rejected, output=response["text"], input=given_input)
    else:
        turns = conversation_turns(obj, fmt)
        out.update(output=_first(turns, "assistant", last=True), input="")
    out.update(turns=turns, instruction=_first(turns, "user"))
    return out


def conversation_turns(obj: Mapping, fmt: str) -> list[dict]:
    container, role_key, text_key = CONTAINERS[fmt]
    if fmt == "openai":
        return openai_turns(obj.get(container))
    if fmt == "firefly":
        return firefly_turns(obj.get(container))
    return container_turns(obj.get(container), container, role_key, text_key)


def _prompt_turns(obj: Mapping) -> tuple[list[dict], str]:
    """A preference record's prompt turns and its input: its conversation, its
    instruction (+ input), its prompt, or else the turns of a list-of-turns ``chosen``
    before its last."""
    for fmt, (container, _, _) in CONTAINERS.items():
        if isinstance(obj.get(container), list):
            return conversation_turns(obj, fmt), ""
    if obj.get("instruction") is not None:
        return instruction_turns(obj, history_turns(obj.get("history")), with_output=False), _text(obj.get("input"))
    if obj.get("prompt") is not None:
        return [_turn("user", obj.get("prompt"), "prompt")], ""
    chosen = obj.get("chosen")
    if isinstance(chosen, list) and chosen:
        key = response_way(chosen)[1]
        return container_turns(chosen[:-1], "chosen", "from" if key == "value" else "role", key), ""
    return [], ""


_WAYS = {"text": "a string", "turn": "a turn object", "turns": "a list of turns"}


def _responses(obj: Mapping) -> tuple[dict, str]:
    """(the chosen response as the last turn, the rejected response's text). Both must be
    held alike: the rejected one is found where the chosen one is (formats.rejected_path)."""
    chosen, rejected = obj.get("chosen"), obj.get("rejected")
    way, other = response_way(chosen), response_way(rejected)
    if way != other:
        raise BadRecord(f"'chosen' is {_WAYS[way[0]]}{_keyed(way)} but 'rejected' is {_WAYS[other[0]]}{_keyed(other)}: "
                        f"a preference record holds both alike")
    kind, key = way
    if kind == "text":
        return _turn("assistant", chosen, "chosen"), _text(rejected)
    if kind == "turn":
        return _turn("assistant", chosen.get(key), f"chosen.{key}"), _text(rejected.get(key))
    last, worse = chosen[-1] if chosen else None, rejected[-1] if rejected else None
    text = last.get(key) if isinstance(last, dict) else last
    return (_turn("assistant", text, f"chosen[{len(chosen) - 1}].{key}"),
            _text(worse.get(key) if isinstance(worse, dict) else worse))


def _keyed(way: tuple[str, str | None]) -> str:
    return f" with '{way[1]}'" if way[1] else ""


def _other(obj: Mapping, shape: Shape, out: dict) -> dict:
    """A record of no known format: its instruction / input / output keys as they are,
    or as the file's mapping says, and the mapped conversation."""
    m = shape.mapping
    if not m:
        return out  # turns are made from instruction / input / output when asked (schema.all_turns)
    texts = {name: _text(jp.value_at(obj, m[name])) if name in m else None for name in ("instruction", "input", "output")}
    turns = []
    if "instruction" in m:
        turns.append(_turn("user", texts["instruction"], m["instruction"]))
    if texts["input"]:
        turns.append(_turn("user", texts["input"], m["input"]))
    if m.get("conversation"):
        turns += container_turns(jp.value_at(obj, m["conversation"]), m["conversation"], m.get("role", "role"),
                                 m.get("text", "content"), m.get("roles"))
    if "output" in m:
        turns.append(_turn("assistant", texts["output"], m["output"]))
    out.update(turns=turns, input=texts["input"] or "",
               instruction=texts["instruction"] if texts["instruction"] is not None else _first(turns, "user"),
               output=texts["output"] if texts["output"] is not None else _first(turns, "assistant", last=True))
    return out


def own_values(obj: Mapping, override: Shape | None = None) -> dict:
    """record_values in the record's own format, or in the file's override."""
    if override is not None:
        return record_values(obj, override.format, override)
    fmt = record_format(obj)
    return record_values(obj, fmt, Shape(fmt))
