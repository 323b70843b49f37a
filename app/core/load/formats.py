"""Which format a record is in, decided by its keys; the shape of a file's records.

Formats (``FORMATS``), and the keys that decide a record's own format, first match wins
(a key counts when its value is not null):

1. ``preference``: ``chosen`` and ``rejected`` (strings, turn objects or lists of turns),
   with the prompt from ``conversations``, ``messages``, ``conversation``,
   ``instruction`` (+ ``input``) or ``prompt``;
2. ``sharegpt``: ``conversations`` is a list ([{from, value}]);
3. ``openai``: ``messages`` is a list ([{role, content}], content a string or typed parts);
4. ``firefly``: ``conversation`` is a list ([{human, assistant}]);
5. ``cqia``: ``instruction`` or ``output``, with one of COIG-CQIA's own keys
   (``task_type``, ``domain``, ``answer_from``, ``human_verified``, ``copyright``);
6. ``alpaca``: ``instruction`` and ``output`` (optional ``input``, ``system``, ``history``);
7. ``other``: anything else (BELLE's seed tasks: ``instruction`` + ``instances``).

Every record is read in its own format, so a file may mix formats. A file's format (the
load report's, and the reader its records go through first) is that of most of its
first SNIFF_RECORDS good records and a few taken across the rest (sniff.py), ties going
to the earlier format above; its reader reads the keys of every format those records
show, and a record of another format is re-read on its own, so mixing costs time, never
correctness. One exception keeps COIG-CQIA files fast (instread.py): a cqia file whose
sampled records hold no other format's keys is read without them, so a record further
on with an instruction or output is cqia, alpaca or other by its COIG keys whatever
else it holds; one with neither is read in its own format. A per-file override (``Shape`` given to the load, kept in the
project's formats.json) reads every record of the file in that format, and for ``other``
may map the file's own fields onto instruction / input / output / a conversation.

``Shape`` is what a part of the app that writes a record back needs to know besides each
turn's own path (``turns[].path`` in the frame): the JSON paths of the fields that are
not turns (``paths()``). A preference record's responses may be strings, turn objects
or lists of turns (the last one the response), chosen and rejected held alike.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from . import paths as jp

FORMATS = ("cqia", "alpaca", "sharegpt", "openai", "firefly", "preference", "other")
DETECTION_ORDER = ("preference", "sharegpt", "openai", "firefly", "cqia", "alpaca", "other")  # first match wins
ROLES = ("system", "user", "assistant", "function_call", "observation", "tool")
COIG_KEYS = ("task_type", "domain", "answer_from", "human_verified", "copyright")
# format -> (its list of turns, the key of a turn's role, the key of its text)
CONTAINERS = {"sharegpt": ("conversations", "from", "value"), "openai": ("messages", "role", "content"),
              "firefly": ("conversation", "human", "assistant")}
SNIFF_RECORDS = 64

# Role names as datasets spell them (compared lower-cased) -> the inner role. A name not
# here (or no name) alternates by position: even turns are the user's, odd the assistant's.
ROLE_NAMES = {
    **dict.fromkeys(("human", "user", "prompter", "question", "用户", "人类"), "user"),
    **dict.fromkeys(("gpt", "assistant", "bot", "model", "chatgpt", "bing", "bard", "claude", "ai", "gpt4",
                     "gpt-4", "answer", "助手"), "assistant"),
    "system": "system",
    **dict.fromkeys(("function_call", "tool_call", "tool_calls"), "function_call"),
    **dict.fromkeys(("observation", "function_response", "tool_response"), "observation"),
    **dict.fromkeys(("tool", "function", "ipython"), "tool"),
}


def role_of(name: Any, index: int, names: Mapping[str, str] | None = None) -> str:
    """The inner role of a turn named ``name`` at ``index`` in its conversation."""
    if isinstance(name, str):
        if names and name in names:
            return names[name]
        found = ROLE_NAMES.get(name.strip().lower())
        if found:
            return found
    return "user" if index % 2 == 0 else "assistant"


def _has(obj: Mapping, key: str) -> bool:
    return obj.get(key) is not None


def record_format(obj: Mapping) -> str:
    """A record's own format, by its keys (the module's docstring)."""
    if _has(obj, "chosen") and _has(obj, "rejected"):
        return "preference"
    for fmt, (container, _, _) in CONTAINERS.items():
        if isinstance(obj.get(container), list):
            return fmt
    instruction, output = _has(obj, "instruction"), _has(obj, "output")
    if (instruction or output) and any(_has(obj, k) for k in COIG_KEYS):
        return "cqia"
    return "alpaca" if instruction and output else "other"


def response_kind(value: Any) -> str:
    """How a preference record holds a response: ``text``, ``turn`` or ``turns``."""
    return "turn" if isinstance(value, dict) else "turns" if isinstance(value, list) else "text"


def turn_text_key(turn: Any) -> str:
    """The text key of a response turn: sharegpt's ``value`` when it has one and no
    ``content``, else openai's ``content`` (null values count as absent)."""
    if isinstance(turn, dict) and turn.get("value") is not None and turn.get("content") is None:
        return "value"
    return "content"


def response_way(value: Any) -> tuple[str, str | None]:
    """(kind, text key) of a response: how it is held."""
    kind = response_kind(value)
    turn = value if kind == "turn" else value[-1] if kind == "turns" and value else None
    return kind, (turn_text_key(turn) if kind != "text" else None)


class ShapeError(ValueError):
    pass


MAPPING_KEYS = ("instruction", "input", "output", "conversation", "role", "text", "roles")


@dataclass(frozen=True)
class Shape:
    """How the records of one format in one file are read: the format, and for ``other``
    a ``mapping`` of the file's fields, each a JSON path: ``instruction``, ``input``,
    ``output``, ``conversation`` (a list of turn objects, with ``role`` and ``text``
    naming their keys, default ``role`` and ``content``, and ``roles`` mapping the
    file's role names to inner roles)."""

    format: str
    mapping: Mapping[str, Any] | None = field(default=None, hash=False)

    def __post_init__(self):
        if self.format not in FORMATS:
            raise ShapeError(f"unknown format {self.format!r}: one of {', '.join(FORMATS)}")
        if self.mapping is not None:
            if self.format != "other":
                raise ShapeError("only a file read as 'other' takes a mapping")
            check_mapping(self.mapping)

    def paths(self) -> dict[str, str | None]:
        """JSON paths of the fields that are not turns, and the turns' container and keys
        (None: the format has no such field; a field a record lacks is written there).
        A preference record's responses are per record: its last turn is the chosen
        one, and rejected_path() of that turn's path the rejected one."""
        fmt, m = self.format, self.mapping or {}
        out: dict[str, str | None] = dict.fromkeys(("turns", "role", "text", "instruction", "input", "output",
                                                    "history"))
        out.update(system="system", tools="tools")
        if fmt in ("cqia", "alpaca"):
            out.update(instruction="instruction", input="input", output="output", history="history")
        elif fmt in CONTAINERS:
            out["turns"], out["role"], out["text"] = CONTAINERS[fmt]
        elif fmt == "other":
            out.update(instruction=m.get("instruction", "instruction"), input=m.get("input", "input"),
                       output=m.get("output", "output"), turns=m.get("conversation"))
            if m.get("conversation"):
                out.update(role=m.get("role", "role"), text=m.get("text", "content"))
        return out

    def to_json(self) -> dict:
        return {"format": self.format, **({"mapping": dict(self.mapping)} if self.mapping else {})}

    @classmethod
    def from_json(cls, obj: Any) -> Shape:
        if isinstance(obj, str):
            return cls(obj)
        if not isinstance(obj, dict) or not isinstance(obj.get("format"), str):
            raise ShapeError(f"a file's shape is an object with a 'format', not {obj!r}")
        extra = set(obj) - {"format", "mapping"}
        if extra:
            raise ShapeError(f"unknown key(s) in a file's shape: {', '.join(sorted(extra))}")
        return cls(obj["format"], obj.get("mapping"))


def rejected_path(chosen_path: str) -> str:
    """Where a preference record's rejected response is, from its chosen one's path (the
    last turn's): held alike, and for a list of turns its last (``rejected[-1].content``)."""
    rest = chosen_path[len("chosen"):]
    if rest.startswith("["):
        rest = "[-1]" + rest[rest.index("]") + 1:]
    return "rejected" + rest


def check_mapping(mapping: Any) -> None:
    if not isinstance(mapping, Mapping):
        raise ShapeError(f"a mapping is an object of field -> JSON path, not {mapping!r}")
    unknown = set(mapping) - set(MAPPING_KEYS)
    if unknown:
        raise ShapeError(f"unknown mapping key(s) {', '.join(sorted(unknown))}: use {', '.join(MAPPING_KEYS)}")
    for name in ("instruction", "input", "output", "conversation"):
        if name in mapping:
            jp.parse(mapping[name])
    for name in ("role", "text"):
        if name in mapping and (not isinstance(mapping[name], str) or not mapping[name]):
            raise ShapeError(f"mapping {name!r} is the key of a turn's {name}, not {mapping[name]!r}")
    roles = mapping.get("roles", {})
    if not isinstance(roles, Mapping) or any(r not in ROLES for r in roles.values()):
        raise ShapeError(f"mapping 'roles' maps the file's role names to {', '.join(ROLES)}")


def file_format(objs: list[Mapping]) -> str:
    """A file's format from its first good records (the sniff): the most common, ties
    going to the earlier in DETECTION_ORDER; ``other`` for a file without any."""
    counts: dict[str, int] = {}
    for obj in objs:
        fmt = record_format(obj)
        counts[fmt] = counts.get(fmt, 0) + 1
    return max(counts, key=lambda f: (counts[f], -DETECTION_ORDER.index(f))) if counts else "other"
