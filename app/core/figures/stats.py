"""The numbers behind `python -m app stats`: facet counts and length quantiles."""
from __future__ import annotations

import polars as pl

from app.core.load.schema import FACET_COLUMNS, LENGTH_COLUMNS

QUANTILES = (("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p90", 0.9), ("p99", 0.99))


def length_quantiles(frame: pl.DataFrame, columns: dict[str, str] = LENGTH_COLUMNS) -> dict[str, dict[str, float]]:
    """min / quantiles / max / mean of the character length of each text field (or of
    the other per-field counts named by ``columns``: field -> column)."""
    exprs = []
    for field, col in columns.items():
        c = pl.col(col)
        exprs += [c.min().alias(f"{field}|min"), c.mean().alias(f"{field}|mean"), c.max().alias(f"{field}|max")]
        exprs += [c.quantile(q, interpolation="nearest").alias(f"{field}|{name}") for name, q in QUANTILES]
    row = frame.select(exprs).row(0, named=True)
    out: dict[str, dict[str, float]] = {}
    for key, value in row.items():
        field, stat = key.split("|")
        out.setdefault(field, {})[stat] = round(float(value), 2) if value is not None else 0.0
    order = ("min", "p25", "p50", "p75", "p90", "p99", "max", "mean")
    return {f: {k: q[k] for k in order} for f, q in out.items()}


def release_stats(frame: pl.DataFrame) -> dict:
    """`{"rows", "facets": {column: {value: rows}}, "length": {field: quantiles},
    "turn_length": {role: quantiles}}`: the facets include format, turns per row (bins)
    and roles present; turn_length is per turn, for the user, assistant and system roles
    a release holds.

    A list column counts a row once per distinct value in it.
    """
    from app.core.query.facets import all_facet_counts
    from app.core.query.filters import FilterSpec

    from .turnstats import ROLES, role_lengths

    columns = (*FACET_COLUMNS, "format", "n_turns", "roles")
    counts = all_facet_counts(frame, FilterSpec(), columns, limit=None)
    lengths = role_lengths(frame)
    per_role = {role: length_quantiles(lengths.filter(pl.col("role") == role), {role: "chars"})[role]
                for role in ROLES if (lengths["role"] == role).any()}
    return {
        "rows": frame.height,
        "facets": {col: counts[col].as_dict() for col in columns},
        "length": length_quantiles(frame),
        "turn_length": per_role,
    }


def word_stats(tokens: pl.DataFrame, verbs: int = 20, nouns: int = 4) -> dict:
    """`stats --words`: jieba word-count quantiles per field and the paper's instruction
    diversity (top verbs, each with its top nouns), from ``text.tokenise``'s result."""
    from app.core.text.wordpass import COUNT_COLUMNS, top_verb_nouns

    table = top_verb_nouns(tokens.select("verb", "noun"), verbs, nouns)
    top: dict[str, dict] = {}
    for verb, verb_rows, noun, rows in table.iter_rows():
        entry = top.setdefault(verb, {"verb": verb, "rows": verb_rows, "nouns": []})
        if noun is not None:
            entry["nouns"].append({"noun": noun, "rows": rows})
    return {"words": length_quantiles(tokens, COUNT_COLUMNS), "verbs": list(top.values()),
            "with_verb": int(tokens["verb"].is_not_null().sum())}
