"""Text statistics with jieba: the tokenising pass (word counts per field and of the whole
conversation, the words themselves for whole-word search, the verb-noun pair of the first
user turn), the project's user dictionary, whole-word search and the paper's diversity table.

Nothing here imports jieba at import time (see segment.py). The pass runs in a process
pool; each distinct text is cut once (repeated instructions and empty inputs are common).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Sequence

import polars as pl

from app.core.load.schema import TEXT_FIELDS

from . import segment
from .convtext import turn_texts, turns
from .workpool import Cancel, Cancelled, Progress, atomic_write_bytes, run_tasks

__all__ = [
    "Cancelled", "COUNT_COLUMNS", "WORD_COLUMNS", "SEP", "tokenise", "word_matcher", "word_pattern",
    "user_terms", "add_user_term", "remove_user_term", "top_verb_nouns", "pair_rids",
]

SEP = "\x1f"  # joins a field's words into one string (a control character text does not use)
# What the pass reads: the three fields, and "conversation": a row's system text and, for a
# row that stores turns, every turn (its words indexed for whole-word search across turns;
# a single-turn row's count is its system text's and its three fields' together).
PASS_FIELDS = (*TEXT_FIELDS, "conversation")
COUNT_COLUMNS = {f: f"tok_{f}" for f in PASS_FIELDS}
WORD_COLUMNS = {f: f"words_{f}" for f in PASS_FIELDS}
# The role of each field's text in schema.all_turns(), for whole-word search by role.
FIELD_ROLES = {"instruction": "user", "input": "user", "output": "assistant"}
PAIR_COLUMNS = ("verb", "noun")
RESULT_SCHEMA = pl.Schema(
    {"rid": pl.UInt64, **{c: pl.UInt32 for c in COUNT_COLUMNS.values()}, "verb": pl.String, "noun": pl.String,
     **{c: pl.String for c in WORD_COLUMNS.values()}}
)
USERDICT_NAME = "userdict.txt"
KEY_SEED = 0x7E57  # Polars' hash is stable for a seed; should an upgrade change it, caches just recompute
TASK_CHARS = 120_000  # chars per pool task: about half a second of work, a fine progress grain
INPROCESS_CHARS = 200_000  # below this, starting a pool costs more than it saves


def _stored() -> pl.Expr:
    return turns().list.len().fill_null(0) > 0


def conversation_text() -> pl.Expr:
    """The pass's "conversation" text: the system text, then (a row that stores turns)
    every turn, one a line; a single-turn row's is its system text alone."""
    system = pl.col("system").fill_null("")
    both = pl.when(system == "").then(turn_texts()).otherwise(pl.concat_str([system, turn_texts()], separator="\n"))
    return pl.when(_stored()).then(both).otherwise(system).alias("conversation")


def first_user_text() -> pl.Expr:
    """The first user turn's text where it is not the instruction (an Alpaca record with
    history asks its first question there), else null: the diversity pair's text."""
    first = turns().list.eval(pl.element().filter(pl.element().struct.field("role") == "user")
                                      .struct.field("text")).list.first()
    return pl.when(_stored() & first.is_not_null() & (first != pl.col("instruction").fill_null(""))).then(first).alias("prompt")


def content_key() -> pl.Expr:
    """UInt64 "key": a hash of a row's texts as they are now (its three fields, system text
    and turns, edits included), so results computed from older text can be told apart."""
    joined = pl.concat_str([*[pl.col(f).fill_null("") for f in TEXT_FIELDS], conversation_text()], separator="\x1e")
    return joined.hash(seed=KEY_SEED).alias("key")


# ---- the user dictionary, kept in the curation project -------------------------------

def _clean_term(term: str) -> str:
    term = term.strip()
    if not term or any(c.isspace() for c in term) or SEP in term:
        raise ValueError(f"a dictionary term must be non-empty text without spaces: {term!r}")
    return term


def user_terms(project_dir: str | Path) -> list[str]:
    """The project's extra dictionary words, in the order they were added."""
    path = Path(project_dir) / USERDICT_NAME
    if not path.is_file():
        return []
    seen: dict[str, None] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split(" ", 1)[0].strip()  # jieba's user dictionary format: word [freq] [tag]
        if word and not word.startswith("#"):
            seen.setdefault(word, None)
    return list(seen)


def _write_terms(project_dir: str | Path, terms: Sequence[str]) -> None:
    atomic_write_bytes(Path(project_dir) / USERDICT_NAME, "".join(f"{t}\n" for t in terms).encode("utf-8"))


def add_user_term(project_dir: str | Path, term: str) -> list[str]:
    """Persist ``term`` in the project (and teach it to jieba here, if loaded); returns the
    new list. The token cache recomputes exactly the rows that contain the term."""
    term = _clean_term(term)
    terms = user_terms(project_dir)
    if term not in terms:
        terms.append(term)
        _write_terms(project_dir, terms)
    if "jieba" in sys.modules:  # a loaded jieba learns it now; otherwise it is loaded with the list
        segment.add_word(term)
    return terms


def remove_user_term(project_dir: str | Path, term: str) -> list[str]:
    """Forget ``term`` in the project. A running jieba cannot unlearn a word; the next pass
    runs in fresh workers, and the token cache marks the rows containing it stale."""
    terms = [t for t in user_terms(project_dir) if t != term.strip()]
    _write_terms(project_dir, terms)
    return terms


# ---- the pass ------------------------------------------------------------------------------

def _worker_init(folder: str, terms: list[str]) -> None:
    segment.load(terms, Path(folder))
    segment.segmenter()
    import jieba.posseg  # noqa: F401  (loads its tag table once per worker)


def _work(task: tuple[str, list[str]]) -> list[tuple]:
    """("cut", texts) -> [(count, words)]; ("pos", texts) adds (verb, noun)."""
    kind, texts = task
    seg = segment.segmenter()
    out: list[tuple] = []
    for text in texts:
        words = seg.cut(text)
        row: tuple = (len(words), SEP.join(words))
        if kind == "pos":
            row += segment.verb_noun_loaded(text)
        out.append(row)
    return out


def _tasks(field: str, texts: list[str]) -> list[tuple[str, str, list[str], int]]:
    """(field, kind, texts, weight) in text order; only instructions are tagged."""
    kind = "pos" if field in ("instruction", "prompt") else "cut"
    tasks, cur, size = [], [], 0
    for t in texts:
        cur.append(t)
        size += len(t) + 8  # + a per-text cost, so thousands of empty inputs still weigh something
        if size >= TASK_CHARS:
            tasks.append((field, kind, cur, size))
            cur, size = [], 0
    if cur:
        tasks.append((field, kind, cur, size))
    return tasks


def tokenise(
    frame: pl.DataFrame,
    *,
    terms: Sequence[str] = (),
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    processes: int | None = None,
) -> pl.DataFrame:
    """One row per row of ``frame``, same order, RESULT_SCHEMA: rid, tok_<field> word
    counts, verb and noun of the first user turn, words_<field> (words joined by SEP).
    ``progress(done, total)`` counts characters; ``cancel()`` raises Cancelled."""
    texts = frame.select("rid", *[pl.col(f).fill_null("") for f in TEXT_FIELDS], conversation_text(), first_user_text(),
                         _stored().alias("__stored"))
    uniques = {f: texts.get_column(f).unique(maintain_order=True).to_list() for f in PASS_FIELDS}
    uniques["prompt"] = texts.get_column("prompt").drop_nulls().unique(maintain_order=True).to_list()
    fields = (*PASS_FIELDS, "prompt")
    tasks = [t for f in fields for t in _tasks(f, uniques[f])]
    outputs = run_tasks(
        _work,
        [(kind, texts) for _, kind, texts, _ in tasks],
        [t[3] for t in tasks],
        initializer=_worker_init,
        initargs=(str(segment.cache_dir()), list(terms)),
        processes=processes,
        progress=progress,
        cancel=cancel,
        in_process=sum(t[3] for t in tasks) <= INPROCESS_CHARS,
    )
    per_field: dict[str, list[tuple]] = {f: [] for f in fields}
    for task, out in zip(tasks, outputs):  # a field's tasks are consecutive and in text order
        per_field[task[0]].extend(out)
    result = texts.rename({f: f"__{f}" for f in (*PASS_FIELDS, "prompt")})
    for f in fields:
        rows = per_field[f]
        cols: dict[str, Any] = {f"__{f}": pl.Series(uniques[f], dtype=pl.String)}
        if f == "prompt":
            cols["__pverb"] = pl.Series([r[2] for r in rows], dtype=pl.String)
            cols["__pnoun"] = pl.Series([r[3] for r in rows], dtype=pl.String)
        else:
            cols[COUNT_COLUMNS[f]] = pl.Series([r[0] for r in rows], dtype=pl.UInt32)
            cols[WORD_COLUMNS[f]] = pl.Series([r[1] for r in rows], dtype=pl.String)
        if f == "instruction":
            cols["verb"] = pl.Series([r[2] for r in rows], dtype=pl.String)
            cols["noun"] = pl.Series([r[3] for r in rows], dtype=pl.String)
        result = result.join(pl.DataFrame(cols, schema={k: v.dtype for k, v in cols.items()}), on=f"__{f}", how="left",
                             maintain_order="left")
    asked = pl.col("__prompt").is_not_null()
    whole = pl.col(COUNT_COLUMNS["conversation"]) + pl.sum_horizontal(COUNT_COLUMNS[f] for f in TEXT_FIELDS)
    result = result.with_columns(
        pl.when(asked).then(pl.col("__pverb")).otherwise(pl.col("verb")).alias("verb"),
        pl.when(asked).then(pl.col("__pnoun")).otherwise(pl.col("noun")).alias("noun"),
        pl.when(pl.col("__stored")).then(pl.col(COUNT_COLUMNS["conversation"])).otherwise(whole)
        .cast(pl.UInt32).alias(COUNT_COLUMNS["conversation"]))
    return result.select(RESULT_SCHEMA.names())


# ---- whole-word search ------------------------------------------------------------------

def word_pattern(term: str, case_sensitive: bool = True) -> str:
    """A regex over SEP-joined words: ``term`` starts and ends on word boundaries, whatever
    the segmentation inside it (苹果 matches the word 苹果, not the start of 苹果树)."""
    body = f"{SEP}?".join(pl.escape_regex(c) for c in term)
    return f"{'' if case_sensitive else '(?i)'}(?:^|{SEP}){body}(?:{SEP}|$)"


def word_matcher(frame: pl.DataFrame, spec: Any, *, words: pl.DataFrame | None = None) -> pl.Series:
    """Boolean mask, one per row: some text in the search's scope (query.turnsearch: with
    all three fields every turn and the system text, of ``spec.role``) holds ``spec.text``
    as whole jieba words. Fits query.WordMatcher (bind ``words`` with functools.partial, once).

    ``words`` (rid + words_<field>, from tokencache.ensure(words=True)) makes it one
    vectorised regex. If ``words`` has a ``key`` column, rows edited since (a different
    content key) count as uncached. Uncached rows or fields are cut here, after a
    substring pre-filter, so only rows that contain the text at all pay for jieba."""
    term: str = spec.text
    case = bool(getattr(spec, "case_sensitive", True))
    texts = _scope(frame, tuple(spec.fields), getattr(spec, "role", "any"))
    fields = tuple(texts)
    if not term or not fields:
        return pl.Series("word", [False] * frame.height, dtype=pl.Boolean)
    pattern = word_pattern(term, case)
    base = frame.select("rid", *[e.alias(name) for name, e in texts.items()])
    if words is not None:
        have = [WORD_COLUMNS[f] for f in fields if WORD_COLUMNS.get(f) in words.columns]
        if "key" in words.columns:
            current = frame.select("rid", content_key())
            words = words.join(current, on=["rid", "key"], how="semi")
        base = base.join(words.select("rid", *have), on="rid", how="left", maintain_order="left")
    masks = []
    for f in fields:
        if case:
            contains = pl.col(f).str.contains(term, literal=True)
        else:
            contains = pl.col(f).str.contains(f"(?i){pl.escape_regex(term)}")
        unknown = contains.fill_null(False) & pl.lit(None, pl.Boolean)  # null: a candidate to cut here
        wcol = WORD_COLUMNS.get(f)
        if wcol in base.columns:
            masks.append(pl.when(pl.col(wcol).is_not_null()).then(pl.col(wcol).str.contains(pattern)).otherwise(unknown))
        else:
            masks.append(unknown)
    names = [f"__m{k}" for k in range(len(masks))]
    mask_frame = base.with_row_index("__i").select("__i", *[m.alias(n) for m, n in zip(masks, names)])
    todo = mask_frame.filter(pl.any_horizontal([pl.col(n).is_null() for n in names]))["__i"]
    if len(todo):
        rows = base[todo]
        patch = pl.DataFrame(
            {"__i": todo, **{f"__p{k}": _cut_match(rows.get_column(f).to_list(), pattern) for k, f in enumerate(fields)}}
        )
        mask_frame = mask_frame.join(patch, on="__i", how="left", maintain_order="left").with_columns(
            pl.coalesce(n, f"__p{k}").alias(n) for k, n in enumerate(names)
        )
    return mask_frame.select(pl.any_horizontal([pl.col(n).fill_null(False) for n in names])).to_series().alias("word")


def _scope(frame: pl.DataFrame, fields: tuple[str, ...], role: str) -> dict[str, pl.Expr]:
    """The texts a word search reads, by name: the fields of ``role``, and with all three
    fields in scope the rest of the conversation: for any role the indexed "conversation"
    text, for one role its stored turns and system text (not indexed: cut here)."""
    texts = {f: pl.col(f).fill_null("") for f in fields if role == "any" or FIELD_ROLES.get(f) == role}
    if set(TEXT_FIELDS) <= set(fields) and "turns" in frame.columns:
        if role == "any":
            texts["conversation"] = conversation_text()
        else:
            el = pl.element()
            picked = turns().list.eval(el.filter(el.struct.field("role") == role).struct.field("text")) \
                .list.join("\n").fill_null("")
            texts[f"__{role}"] = pl.concat_str([pl.col("system").fill_null(""), picked], separator="\n") \
                if role == "system" else picked
    return texts


def _cut_match(texts: list[str | None], pattern: str) -> pl.Series:
    seg = segment.segmenter()
    joined = [SEP.join(seg.cut(t)) if t else "" for t in texts]
    return pl.Series(joined, dtype=pl.String).str.contains(pattern)


# ---- the diversity table ---------------------------------------------------------------------

def top_verb_nouns(pairs: pl.DataFrame, verbs: int = 20, nouns: int = 4) -> pl.DataFrame:
    """The paper's diversity figure as a long table (verb, verb_rows, noun, rows): the
    ``verbs`` most frequent main verbs and, under each, its ``nouns`` most frequent
    objects. A verb with no object anywhere gets one row with a null noun."""
    with_verb = pairs.filter(pl.col("verb").is_not_null())
    top = (
        with_verb.group_by("verb")
        .agg(pl.len().cast(pl.UInt32).alias("verb_rows"))
        .sort(["verb_rows", "verb"], descending=[True, False])
        .head(verbs)
    )
    inner = (
        with_verb.filter(pl.col("noun").is_not_null())
        .group_by("verb", "noun")
        .agg(pl.len().cast(pl.UInt32).alias("rows"))
        .sort(["verb", "rows", "noun"], descending=[False, True, False])
        .group_by("verb", maintain_order=True)
        .head(nouns)
    )
    return (
        top.join(inner, on="verb", how="left")
        .sort(["verb_rows", "verb", "rows", "noun"], descending=[True, False, True, False], nulls_last=True)
        .select("verb", "verb_rows", "noun", "rows")
    )


def pair_rids(pairs: pl.DataFrame, verb: str, noun: str | None = None) -> pl.Series:
    """Row ids behind a clicked verb (or verb and noun) of the diversity chart."""
    cond = pl.col("verb") == verb
    if noun is not None:
        cond &= pl.col("noun") == noun
    return pairs.filter(cond).get_column("rid")
