"""Export for training frameworks: the curated rows converted to Alpaca, ShareGPT or
OpenAI messages, with the matching LLaMA-Factory ``dataset_info.json`` entries.

Every row is read through the inner shape (``schema.all_turns()``), so every format
converts alike: the system text (the record's ``system`` and any system turn, joined by a
line end), then the conversation. A preference record's prompt is its turns without the
chosen response; chosen and rejected become the target's preference fields. Supervised
rows and preference rows go to two files (LLaMA-Factory reads a dataset as one or the
other: ``ranking``), ``NAME.jsonl`` and ``NAME_preference.jsonl``.

What a target cannot hold is left out and named (file, line, reason), never bent to fit:
LLaMA-Factory reads a conversation whose turns alternate user-side (user, observation,
tool) and assistant-side (assistant, function_call), starting with the user and ending
with the assistant (a preference prompt ends with the user); Alpaca has no place for
function calls and tool results. An empty conversation is left out too.

Vectorised: Polars list expressions build every field; Alpaca's history pairs come from
one reshape of the exploded turn texts.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from app.core.io.atomic import SaveError, save_error, write_atomic
from app.core.load.schema import all_turns

TARGETS = ("alpaca", "sharegpt", "openai")
_USER_SIDE = ("user", "observation", "tool")
_ASSISTANT_SIDE = ("assistant", "function_call")
_SHAREGPT_ROLES = {"user": "human", "assistant": "gpt", "function_call": "function_call",
                   "observation": "observation", "tool": "observation"}
_OPENAI_ROLES = {"user": "user", "assistant": "assistant", "function_call": "function_call",
                 "observation": "tool", "tool": "tool"}


class TrainingExportError(Exception):
    """The conversion cannot be written; the message says why in plain words."""


@dataclass
class TrainingExport:
    target: str
    files: list[Path] = field(default_factory=list)  # written data files, then dataset_info.json
    sft_rows: int = 0
    preference_rows: int = 0
    rejected_dropped: int = 0
    left_out: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(
        schema={"file": pl.String, "line": pl.UInt32, "reason": pl.String}))
    info: dict = field(default_factory=dict)  # the dataset_info.json entries written


def _shaped(frame: pl.DataFrame) -> pl.DataFrame:
    """file, line, pref, chosen, rejected, system, query (Alpaca's input) and body
    (List(Struct{role, text, path}): the conversation without system turns and without
    the input turn, which stays ``query``) of each row."""
    turns = all_turns()
    role = pl.element().struct.field("role")
    path = pl.element().struct.field("path")
    is_pref = (pl.col("format") == "preference") | (pl.col("chosen") != "") | (pl.col("rejected") != "")
    shaped = frame.select(
        "file", "line", "chosen", "rejected", is_pref.alias("pref"),
        turns.list.eval(pl.element().filter(role == "system").struct.field("text")).list.join("\n").alias("system"),
        turns.list.eval(pl.element().filter(path == "input").struct.field("text")).list.join("\n").alias("query"),
        turns.list.eval(pl.element().filter((role != "system") & (path != "input"))).alias("body"))
    # a preference record's turns end with its chosen response: the prompt is the rest
    ends_assistant = pl.col("body").list.last().struct.field("role") == "assistant"
    prompt = pl.when(pl.col("pref") & ends_assistant.fill_null(False)).then(
        pl.col("body").list.head(pl.col("body").list.len() - 1)).otherwise(pl.col("body"))
    return shaped.with_columns(prompt.alias("body"))


def _alternates(pref: bool, target: str) -> pl.Expr:
    """Why a row's body does not fit (String, null when it does)."""
    roles = pl.col("body").list.eval(pl.element().struct.field("role"))
    n = pl.col("body").list.len()
    side_ok = roles.list.eval(
        pl.when(pl.int_range(pl.len()) % 2 == 0).then(pl.element().is_in(_USER_SIDE))
        .otherwise(pl.element().is_in(_ASSISTANT_SIDE))).list.all()
    why = (pl.when(n == 0).then(pl.lit("no conversation"))
           .when(~side_ok).then(pl.lit("its turns do not alternate user and assistant (LLaMA-Factory reads "
                                       "user, observation or tool turns at odd places, assistant or "
                                       "function_call at even ones)"))
           .when((n % 2 == 0) if pref else (n % 2 == 1)).then(pl.lit(
               "its prompt does not end with a user turn" if pref else "it does not end with an assistant turn")))
    if target == "alpaca":
        tools = roles.list.eval(pl.element().is_in(["function_call", "observation", "tool"])).list.any()
        why = pl.when(tools).then(pl.lit("Alpaca has no place for function calls or tool results: export it "
                                         "--to sharegpt or openai")).otherwise(why)
    if pref:
        why = pl.when((pl.col("chosen") == "") | (pl.col("rejected") == "")).then(
            pl.lit("a preference pair needs both a chosen and a rejected response")).otherwise(why)
    return why


def _roles(mapping: dict[str, str], role_key: str, text_key: str) -> pl.Expr:
    return pl.col("body").list.eval(pl.struct(
        pl.element().struct.field("role").replace_strict(mapping, default="user").alias(role_key),
        pl.element().struct.field("text").alias(text_key)))


def _alpaca(rows: pl.DataFrame, pref: bool) -> pl.DataFrame:
    """instruction, input, output (or chosen, rejected), system, history [[user, assistant], ...]."""
    texts = pl.col("body").list.eval(pl.element().struct.field("text"))
    n = pl.col("body").list.len()
    last_user = texts.list.get(n - (1 if pref else 2), null_on_oob=True).fill_null("")
    history_len = n - (1 if pref else 2)
    rows = rows.with_row_index("_i").with_columns(
        last_user.alias("instruction"), texts.list.head(history_len).alias("_history"),
        texts.list.last().alias("_answer"))
    flat = rows.select("_i", "_history").explode("_history").drop_nulls("_history")
    pairs = pl.DataFrame({"_i": flat["_i"].gather_every(2),
                          "history": flat["_history"].reshape((-1, 2)) if flat.height else
                          pl.Series([], dtype=pl.Array(pl.String, 2))})
    history = pairs.group_by("_i", maintain_order=True).agg("history")
    rows = rows.join(history, on="_i", how="left").sort("_i").with_columns(
        pl.col("history").fill_null(pl.lit([], dtype=pl.List(pl.Array(pl.String, 2)))))
    answer = [pl.col("chosen"), pl.col("rejected")] if pref else [pl.col("_answer").alias("output")]
    return rows.select("instruction", pl.col("query").alias("input"), *answer, "system", "history")


def _with_query(rows: pl.DataFrame, pref: bool) -> pl.DataFrame:
    """The last user turn with Alpaca's input joined to it by a line end, as LLaMA-Factory
    joins them (rows whose input is empty unchanged)."""
    n = pl.col("body").list.len()
    k = n - (1 if pref else 2)  # the last user turn (the body alternates: checked before)
    turn = pl.col("body").list.get(k, null_on_oob=True)
    joined = pl.struct(turn.struct.field("role"), pl.concat_str(turn.struct.field("text"), pl.lit("\n"), "query")
                       .alias("text"), turn.struct.field("path"))
    body = pl.concat_list(pl.col("body").list.head(k), pl.concat_list(joined), pl.col("body").list.slice(k + 1))
    return rows.with_columns(pl.when(pl.col("query") != "").then(body).otherwise(pl.col("body")).alias("body"))


def _conversation(rows: pl.DataFrame, target: str, pref: bool) -> pl.DataFrame:
    rows = _with_query(rows, pref)
    if target == "sharegpt":
        key, role, text, mapping, bot = "conversations", "from", "value", _SHAREGPT_ROLES, "gpt"
    else:
        key, role, text, mapping, bot = "messages", "role", "content", _OPENAI_ROLES, "assistant"
    turns = _roles(mapping, role, text)
    sides = [pl.struct(pl.lit(bot).alias(role), pl.col(side).alias(text)).alias(side)
             for side in ("chosen", "rejected")] if pref else []
    if target == "openai":  # the system prompt is the first message
        kind = pl.List(pl.Struct({role: pl.String, text: pl.String}))
        system = pl.when(pl.col("system") != "").then(
            pl.concat_list(pl.struct(pl.lit("system").alias(role), pl.col("system").alias(text)))
        ).otherwise(pl.lit([], dtype=kind))
        return rows.select(pl.concat_list(system, turns).alias(key), *sides)
    return rows.select(turns.alias(key), *sides, "system", "tools")


def dataset_info_entry(target: str, file_name: str, pref: bool) -> dict:
    """LLaMA-Factory's description of a file this module writes (data/README.md there)."""
    entry: dict = {"file_name": file_name}
    if pref:
        entry["ranking"] = True
    if target == "alpaca":
        entry["columns"] = ({"prompt": "instruction", "query": "input", "chosen": "chosen", "rejected": "rejected",
                             "system": "system", "history": "history"} if pref else
                            {"prompt": "instruction", "query": "input", "response": "output", "system": "system",
                             "history": "history"})
        return entry
    entry["formatting"] = "sharegpt"
    if target == "sharegpt":
        entry["columns"] = {"messages": "conversations", "system": "system", "tools": "tools"}
    else:
        entry["columns"] = {"messages": "messages"}
        entry["tags"] = {"role_tag": "role", "content_tag": "content", "user_tag": "user",
                         "assistant_tag": "assistant", "system_tag": "system", "observation_tag": "tool",
                         "function_tag": "function_call"}
    if pref:
        entry["columns"].update(chosen="chosen", rejected="rejected")
    return entry


def _write_jsonl(frame: pl.DataFrame, path: Path) -> None:
    def fill(fd: int) -> None:
        with open(fd, "wb", closefd=False) as fh:
            frame.write_ndjson(fh)

    try:
        write_atomic(path, fill)
    except OSError as exc:
        raise save_error(path, exc) from exc


def _merge_info(path: Path, entries: dict) -> None:
    """Add (or replace) our entries in ``path``, keeping every other dataset described there."""
    info: dict = {}
    if path.exists():
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise TrainingExportError(f"{path} exists but cannot be read as JSON ({exc}); move it away or fix it") from None
        if not isinstance(info, dict):
            raise TrainingExportError(f"{path} is not a JSON object of datasets; move it away or fix it")
    info.update(entries)
    write_atomic(path, (json.dumps(info, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def export_training(frame: pl.DataFrame, out_dir: Path | str, target: str, name: str) -> TrainingExport:
    """Write ``frame`` (the current frame: edits applied, with ``status``) converted to
    ``target`` into ``out_dir``: NAME.jsonl, NAME_preference.jsonl when there are
    preference rows, and their entries in ``dataset_info.json``. Rejected rows are left out."""
    if target not in TARGETS:
        raise TrainingExportError(f"cannot convert to {target!r}: choose one of {', '.join(TARGETS)}")
    out_dir = Path(out_dir).expanduser().absolute()
    if out_dir.exists() and not out_dir.is_dir():
        raise TrainingExportError(f"{out_dir} is a file: --to writes a folder (data files and dataset_info.json)")
    result = TrainingExport(target)
    if "status" in frame.columns:
        rejected = frame.get_column("status") == "rejected"
        result.rejected_dropped = int(rejected.sum())
        frame = frame.filter(~rejected)
    shaped = _shaped(frame).with_columns(frame.get_column("tools") if "tools" in frame.columns else pl.lit("").alias("tools"))
    left_out, entries = [], {}
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise save_error(out_dir, exc) from exc
    for pref, suffix in ((False, ""), (True, "_preference")):
        part = shaped.filter(pl.col("pref") == pref).with_columns(_alternates(pref, target).alias("_why"))
        left_out.append(part.filter(pl.col("_why").is_not_null()).select("file", "line", pl.col("_why").alias("reason")))
        rows = part.filter(pl.col("_why").is_null())
        if rows.height == 0:
            continue
        data = _alpaca(rows, pref) if target == "alpaca" else _conversation(rows, target, pref)
        path = out_dir / f"{name}{suffix}.jsonl"
        _write_jsonl(data, path)
        result.files.append(path)
        entries[f"{name}{suffix}"] = dataset_info_entry(target, path.name, pref)
        if pref:
            result.preference_rows = rows.height
        else:
            result.sft_rows = rows.height
    result.left_out = pl.concat(left_out).sort("file", "line")
    if entries:
        info = out_dir / "dataset_info.json"
        try:
            _merge_info(info, entries)
        except OSError as exc:
            raise save_error(info, exc) from exc
        result.files.append(info)
        result.info = entries
    return result


__all__ = ["TARGETS", "TrainingExport", "TrainingExportError", "SaveError", "dataset_info_entry", "export_training"]
