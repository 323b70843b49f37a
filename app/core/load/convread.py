"""The fast path of conversation records (sharegpt, openai, firefly, preference): Polars
reads them with a strict schema per format (``conversations`` as List(Struct{from,
value}), ...), the turns are built column-wise (turnexprs), and the rows it cannot vouch
for are re-read by the standard library (records.py, the reference):

- a row of another format: its file's container missing, or the key of a format that
  comes first present (a ``chosen``/``rejected`` pair in a sharegpt file);
- a text Polars may have rendered from a non-string (coerced.py), unless the raw line
  proves it a string; a label list holding one; an OpenAI message with ``tool_calls``;
- a preference response whose text key differs between chosen and rejected (a bad
  record, said by the standard library).

A shape Polars refuses (a string where the schema has a list) sends the whole chunk line
by line, as for COIG-CQIA's files. The variant read (OpenAI contents as strings or typed
parts, a preference record's prompt and how it holds its responses) is the one most of
the file's first records show (``plan``).
"""
from __future__ import annotations

from collections import Counter
from typing import Mapping

import polars as pl

from app.core.io.jsonline import lone_surrogate_spans
from . import turnexprs as tx
from .coerced import not_all_strings, suspect
from .formats import CONTAINERS, response_way
from .instread import Checked
from .schema import RAW_SCHEMA, TURNS

E = pl.element()
_S = pl.String
COMMON = pl.Schema({"source": _S, "system": _S, "tools": _S,
                    **{k: RAW_SCHEMA[k] for k in ("task_type", "domain", "metadata", "answer_from", "human_verified",
                                                  "copyright")}})
_RESPONSE_TURN = pl.Struct({"from": _S, "value": _S, "role": _S, "content": _S})
_PARTS = pl.List(pl.Struct({"type": _S, "text": _S, "value": _S}))
# A preference record's prompt comes from the first of these it has (records._prompt_turns).
BASES = ("sharegpt", "openai", "firefly", "alpaca", "prompt", "none")
_BASE_KEYS = {"sharegpt": "conversations", "openai": "messages", "firefly": "conversation", "alpaca": "instruction",
              "prompt": "prompt"}


def _container_schema(fmt: str, parts: bool) -> dict:
    if fmt == "sharegpt":
        return {"conversations": pl.List(pl.Struct({"from": _S, "value": _S}))}
    if fmt == "openai":
        return {"messages": pl.List(pl.Struct({"role": _S, "content": _PARTS if parts else _S, "tool_calls": _S}))}
    if fmt == "firefly":
        return {"conversation": pl.List(pl.Struct({"human": _S, "assistant": _S}))}
    if fmt == "alpaca":
        return {"instruction": _S, "input": _S, "history": pl.List(pl.List(_S))}
    return {"prompt": _S} if fmt == "prompt" else {}


def _base_of(obj: Mapping) -> str:
    for fmt, (container, _, _) in CONTAINERS.items():
        if isinstance(obj.get(container), list):
            return fmt
    return "alpaca" if obj.get("instruction") is not None else "prompt" if obj.get("prompt") is not None else "none"


def _parts_used(objs: list[Mapping], key: str) -> bool:
    """Do most OpenAI messages of these records hold their content as typed parts?"""
    kinds = Counter(isinstance(m.get("content"), list) for o in objs if isinstance(o.get(key), list)
                    for m in o[key] if isinstance(m, dict))
    return kinds[True] > kinds[False]


def plan(fmt: str, sniffed: list[Mapping], forced: bool = False) -> ConversationReader:
    """The reader of a file of format ``fmt``, for the variant its sniffed records show:
    a sharegpt / openai / firefly file with preference records of that base among them
    (a DPO part in a ShareGPT file) is read in one pass, each row in its own format."""
    mine = [o for o in sniffed if isinstance(o, Mapping)]
    prefs = [o for o in mine if o.get("chosen") is not None and o.get("rejected") is not None]
    if fmt == "preference":
        base = Counter(map(_base_of, prefs)).most_common(1)[0][0] if prefs else "prompt"
    else:
        base = fmt
    mine_prefs = [o for o in prefs if _base_of(o) == base]
    kind = Counter(response_way(o["chosen"])[0] for o in mine_prefs).most_common(1)[0][0] if mine_prefs else None
    if fmt == "preference":
        kind = kind or "text"
    elif forced:
        kind = None
    return ConversationReader(fmt, forced, parts=base == "openai" and _parts_used(mine, "messages"), base=base,
                              response=kind)


class ConversationReader:
    """``base``: where the conversation is (a container format, or for preference-only
    files alpaca / prompt / none); ``response``: how preference records hold their
    responses (None: the file has none, its rows with a chosen/rejected pair are re-read)."""

    decode = staticmethod(lambda frame: (frame, []))
    text_labels = False  # labels read as lists: Polars refuses a string

    def __init__(self, fmt: str, forced: bool = False, *, parts: bool = False, base: str | None = None,
                 response: str | None = None):
        base = base or fmt
        self.format, self.forced, self.parts, self.base, self.response = fmt, forced, parts, base, response
        # rows without a chosen/rejected pair are plain rows of the base format
        self.plain_ok = base in CONTAINERS and not (forced and fmt == "preference")
        schema = {**COMMON, **_container_schema(base, parts)}
        kind = {"text": _S, "turn": _RESPONSE_TURN, "turns": pl.List(_RESPONSE_TURN), None: _S}[response]
        schema.update(chosen=kind, rejected=kind)
        # the keys of the bases that come first: a row with one has another format or base
        self.probes = [_BASE_KEYS[b] for b in BASES[:BASES.index(base)]]
        schema.update({k: _S for k in self.probes if k not in schema})
        self.schema = self.whole_schema = pl.Schema(schema)
        self.container = _BASE_KEYS.get(base)

    def _is_pref(self) -> pl.Expr:
        if self.response is None:
            return pl.lit(False)
        if self.forced:  # an override to preference: every row is one
            return pl.lit(True)
        return pl.col("chosen").is_not_null() & pl.col("rejected").is_not_null()

    # ---- which rows the standard library reads -----------------------------------------

    def _leaves(self) -> dict[str, list[tuple[pl.Expr, bool]]]:
        """Per JSON key, (expression, is it a list): every text read from that key
        (String, or List(String)). Role names need no check: a name Polars rendered
        from a non-string is no known name, as the standard library finds it too."""
        def one(column: str) -> tuple[pl.Expr, bool]:
            return pl.col(column), False

        def listed(column: str, key: str) -> tuple[pl.Expr, bool]:
            return pl.col(column).list.eval(E.struct.field(key)), True

        out: dict[str, list[tuple[pl.Expr, bool]]] = {
            k: [one(k)] for k in ("system", "tools", "metadata", "answer_from", "copyright", "source")}
        shape = self.base
        if shape == "sharegpt":
            out["value"] = [listed("conversations", "value")]
        elif shape == "openai" and self.parts:
            parts = pl.col("messages").list.eval(E.struct.field("content").explode())
            out["text"] = [(parts.list.eval(E.struct.field("text")), True)]
            out["value"] = [(parts.list.eval(E.struct.field("value")), True)]
        elif shape == "openai":
            out["content"] = [listed("messages", "content")]
        elif shape == "firefly":
            out["human"] = [listed("conversation", "human")]
            out["assistant"] = [listed("conversation", "assistant")]
        elif shape == "alpaca":
            out.update(instruction=[one("instruction")], input=[one("input")])
        elif shape == "prompt":
            out["prompt"] = [one("prompt")]
        if self.response == "text":
            out.update(chosen=[one("chosen")], rejected=[one("rejected")])
        elif self.response:
            for side in ("chosen", "rejected"):
                for key in ("value", "content"):
                    out.setdefault(key, []).append(
                        listed(side, key) if self.response == "turns" else (pl.col(side).struct.field(key), False))
        return out

    def check(self, raw: pl.DataFrame, piece, lines, probe: pl.DataFrame | None = None,
              lengths: bool = False, reread: list[int] = ()) -> Checked | None:
        """``raw`` (one row per line of ``piece``), checked: the rows the stdlib must read
        (None: a lone surrogate escape, which Polars mangles: the chunk goes line by line).
        A text's first characters are compared first (coerced.may_be_coerced: no text
        read); the regex sees only the rows where one may start a rendered value."""
        frame = raw if probe is None else probe
        leaves = self._leaves()

        def per_row(test, key):
            return pl.any_horizontal([(e.list.eval(test(E)).list.any() if is_list else test(e)).fill_null(False)
                                      for e, is_list in leaves[key]]).alias(key)

        def nul(text: pl.Expr) -> pl.Expr:
            return text.str.contains("\x00", literal=True)

        got = frame.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_i"), *[per_row(_prefix, k) for k in leaves],
                           pl.any_horizontal([per_row(nul, k) for k in leaves]).alias("_nul"), self._redo(frame).alias("_redo"))
        if got["_nul"].any() and lone_surrogate_spans(piece):
            return None
        redo = set(got.filter("_redo")["_i"].to_list()).union(reread)
        at = got.filter(pl.any_horizontal(list(leaves)))["_i"]
        if len(at):
            used = {c for es in leaves.values() for e, _ in es for c in e.meta.root_names()}
            texts = frame.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_i"), *used).gather(at).select(
                "_i", *[per_row(suspect, k) for k in leaves])
            redo.update(not_all_strings(texts.filter(pl.any_horizontal(list(leaves))), lines))
        # the rows in one piece: Polars reads a file whole in ~300-row pieces, and every
        # expression of the turns pays per piece (325 at 48,375 ShareGPT rows: twice the time)
        return Checked(frame, sorted(redo), None, None)

    def _redo(self, frame: pl.DataFrame) -> pl.Expr:
        cond = []
        if frame["domain"].null_count() < frame.height or frame["task_type"].null_count() < frame.height:
            cond += [e.list.eval(E.is_null() | suspect(E) | E.str.contains("\x00", literal=True)).list.any()
                     .fill_null(False) for e in (pl.col("domain"), pl.col("task_type").struct.field("major"),
                                                 pl.col("task_type").struct.field("minor"))]
        pair = pl.col("chosen").is_not_null() & pl.col("rejected").is_not_null()
        if not self.forced:
            cond += [pl.col(k).is_not_null() for k in self.probes]  # a row of another format or base
            if self.container:
                cond.append(pl.col(self.container).is_null())
            if self.response is None:
                cond.append(pair)  # a preference record in a file without any: its own format
            elif not self.plain_ok:
                cond.append(~pair)  # not a preference record: its own format
        elif self.format == "preference":
            cond.append(pl.col("chosen").is_null())
        if self.response in ("turn", "turns"):
            cond.append(self._is_pref() & (self._key("chosen") != self._key("rejected")))
        if self.container == "messages":
            cond.append(pl.col("messages").list.eval(E.struct.field("tool_calls").is_not_null()).list.any().fill_null(False))
        return pl.any_horizontal(cond).fill_null(False) if cond else pl.lit(False)

    # ---- the inner shape ----------------------------------------------------------------

    def _response_turn(self, side: str) -> pl.Expr:
        """The last turn of ``side`` (a struct) as it is held; the response's turn-ish struct."""
        return pl.col(side) if self.response == "turn" else pl.col(side).list.last()

    def _key(self, side: str) -> pl.Expr:
        turn = self._response_turn(side)
        use_value = turn.struct.field("value").is_not_null() & turn.struct.field("content").is_null()
        return pl.when(use_value.fill_null(False)).then(pl.lit("value")).otherwise(pl.lit("content"))

    def _response_text(self, side: str) -> pl.Expr:
        if self.response == "text":
            return pl.col(side).fill_null("")
        turn = self._response_turn(side)
        return (pl.when(self._key(side) == "value").then(turn.struct.field("value"))
                .otherwise(turn.struct.field("content")).fill_null(""))

    def _response(self) -> pl.Expr:
        if self.response == "text":
            path = pl.lit("chosen")
        elif self.response == "turn":
            path = pl.format("chosen.{}", self._key("chosen"))
        else:
            path = pl.format("chosen[{}].{}", pl.col("chosen").list.len().cast(pl.Int64) - 1, self._key("chosen"))
        return pl.concat_list(tx.turn("assistant", self._response_text("chosen"), path))

    def _prompt(self, frame: pl.DataFrame) -> pl.Expr | pl.Series:
        """The prompt's turns of every base but sharegpt and openai strings (inner lays those flat)."""
        base = self.base
        if base == "openai":
            return _openai_parts(frame)
        if base == "firefly":
            return tx.firefly_turns()
        if base == "alpaca":
            return pl.concat_list(tx.history_turns().fill_null(tx.EMPTY), tx.instruction_turns(with_output=False))
        if base == "prompt":
            return tx.one("user", "prompt", "prompt")
        if self.response != "turns":
            return tx.EMPTY
        earlier = pl.col("chosen").list.slice(0, pl.col("chosen").list.len() - 1)
        by_value = earlier.list.eval(tx.turn(tx.role(E.struct.field("from")), E.struct.field("value"),
                                             pl.format("chosen[{}].value", tx.index())).filter(E.is_not_null()))
        by_content = earlier.list.eval(tx.turn(tx.role(E.struct.field("role")), E.struct.field("content"),
                                               pl.format("chosen[{}].content", tx.index())).filter(E.is_not_null()))
        return pl.when(self._key("chosen") == "value").then(by_value).otherwise(by_content)

    def inner(self, raw: pl.DataFrame) -> pl.DataFrame:
        pref = self._is_pref()
        if self.base in ("sharegpt", "openai") and not self.parts:  # the common big files: turns laid flat
            column, role_key, text_key = CONTAINERS[self.base]
            more = None
            if self.response:
                more = raw.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_r"), pref.alias("_pref"),
                                  self._response().list.first().alias("turn")).filter("_pref")
            frame = raw.with_columns(tx.flat_turns(raw, column, role_key, text_key, more))
        else:
            prompt = self._prompt(raw)
            prompt = prompt if isinstance(prompt, pl.Series) else prompt.fill_null(tx.EMPTY)
            frame = raw.with_columns(prompt.alias("turns"))
            if self.response:
                frame = frame.with_columns(pl.when(pref).then(pl.concat_list("turns", self._response()))
                                           .otherwise(pl.col("turns")).alias("turns"))
            frame = frame.with_columns(tx.first_text(pl.col("turns"), "user").alias("first_user"),
                                       tx.first_text(pl.col("turns"), "assistant", last=True).alias("last_assistant"))
        given_input = pl.col("input").fill_null("") if self.base == "alpaca" else pl.lit("")
        if self.response:
            sides = [pl.when(pref).then(self._response_text(side)).otherwise(pl.lit("")).alias(side)
                     for side in ("chosen", "rejected")]
            fmt = pl.when(pref).then(pl.lit("preference")).otherwise(pl.lit(self.base))
        else:
            sides, fmt = [pl.lit("").alias("chosen"), pl.lit("").alias("rejected")], pl.lit(self.base)
        # a preference record's response is its last turn: the last assistant text is its chosen one
        done = frame.with_columns(pl.col("first_user").alias("instruction"), given_input.alias("input"),
                                  pl.col("last_assistant").alias("output"), fmt.alias("format"), *sides)
        return done.select(*RAW_SCHEMA.names(), "format", "turns", "system", "tools", "chosen", "rejected")


def _prefix(text: pl.Expr) -> pl.Expr:
    """coerced.may_be_coerced of a text: starts with -, a digit, [ or {."""
    return (((text >= "-") & (text < ":")) | ((text >= "[") & (text < "\\")) | ((text >= "{") & (text < "|"))).fill_null(False)


def _openai_parts(frame: pl.DataFrame) -> pl.Series:
    """records.openai_turns of typed-part contents (rows with tool_calls are re-read):
    one turn per text part, a message without a content one empty turn at its content."""
    msgs = frame.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_r"), pl.col("messages").list.eval(
        pl.struct(i=tx.index(), role=tx.role(E.struct.field("role")), content=E.struct.field("content"))
        .filter(E.is_not_null())).alias("m")).explode("m").drop_nulls("m").unnest("m")
    empty = msgs.filter(pl.col("content").is_null()).select(
        "_r", "i", pl.lit(-1, pl.Int64).alias("j"), "role", pl.lit("").alias("text"),
        pl.format("messages[{}].content", "i").alias("path"))
    parts = msgs.filter(pl.col("content").is_not_null()).with_columns(
        pl.col("content").list.eval(pl.struct(j=tx.index(), part=E))).explode("content").drop_nulls("content")
    parts = parts.select("_r", "i", pl.col("content").struct.field("j"), "role",
                         pl.col("content").struct.field("part").alias("p")).filter(
        pl.col("p").struct.field("type") == "text").select(
        "_r", "i", "j", "role",
        pl.coalesce(pl.col("p").struct.field("text"), pl.col("p").struct.field("value")).fill_null("").alias("text"),
        pl.format("messages[{}].content[{}].{}", "i", "j",
                  pl.when(pl.col("p").struct.field("text").is_not_null()).then(pl.lit("text")).otherwise(pl.lit("value"))
                  ).alias("path"))
    both = pl.concat([empty, parts]).sort("_r", "i", "j")
    grouped = both.group_by("_r", maintain_order=True).agg(pl.struct("role", "text", "path").alias("turns"))
    rows = pl.DataFrame({"_r": pl.int_range(frame.height, dtype=pl.UInt32, eager=True)})
    out = rows.join(grouped, on="_r", how="left", maintain_order="left")["turns"]
    return out.fill_null(pl.lit([], dtype=TURNS)).cast(TURNS).alias("_p")
