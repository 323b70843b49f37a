"""What the analysis columns are called on screen: quality signal titles (translated
through Qt like every other string; the Chinese titles in the .ts files are the core's
``title_zh``) and the pseudo-signal for near-duplicates."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QT_TRANSLATE_NOOP

from app.core.text import signals

CONTEXT = "Signals"
NEAR_DUP = "near_dup"  # in the ``signals`` list column: the row has a near-duplicate cluster
# The English titles of the core's signals (tests check this table against signals.REGISTRY).
TITLES = {
    "exact_dup": QT_TRANSLATE_NOOP("Signals", "Exact duplicate"),
    "dup_instruction": QT_TRANSLATE_NOOP("Signals", "Duplicate instruction (same subset)"),
    "dup_instruction_cross": QT_TRANSLATE_NOOP("Signals", "Duplicate instruction (across subsets)"),
    "placeholder": QT_TRANSLATE_NOOP("Signals", "Placeholder or empty answer"),
    "short_output": QT_TRANSLATE_NOOP("Signals", "Output much shorter than instruction"),
    "truncated": QT_TRANSLATE_NOOP("Signals", "Output ends mid-sentence"),
    "low_cjk": QT_TRANSLATE_NOOP("Signals", "Low CJK ratio"),
    "repeated_ngram": QT_TRANSLATE_NOOP("Signals", "Repeated n-gram"),
    "mojibake": QT_TRANSLATE_NOOP("Signals", "Mojibake"),
    "url": QT_TRANSLATE_NOOP("Signals", "Leftover URL"),
    "html": QT_TRANSLATE_NOOP("Signals", "Leftover HTML"),
    "boilerplate": QT_TRANSLATE_NOOP("Signals", "Platform boilerplate"),
    "pii_id": QT_TRANSLATE_NOOP("Signals", "Resident ID number"),
    "pii_mobile": QT_TRANSLATE_NOOP("Signals", "Mobile number"),
    "llm_unverified": QT_TRANSLATE_NOOP("Signals", "LLM answer, not human-verified"),
    NEAR_DUP: QT_TRANSLATE_NOOP("Signals", "Near duplicate"),
}


def signal_title(name: str) -> str:
    """The signal's title in the UI language (a signal added to the core without a title
    here shows its English title from the registry)."""
    if name in TITLES:
        return QCoreApplication.translate(CONTEXT, TITLES[name])
    sig = signals.REGISTRY.get(name)
    return sig.title_en if sig is not None else name


def signal_titles() -> dict[str, str]:
    """name -> title for every signal (for rendering a whole column at once)."""
    return {name: signal_title(name) for name in [*signals.REGISTRY, NEAR_DUP]}


def signal_description(name: str) -> str:
    sig = signals.REGISTRY.get(name)
    if sig is not None:
        return sig.description
    return QCoreApplication.translate("Signals", "Rows whose MinHash similarity to another row reaches the "
                                                 "near-duplicate threshold (Analyse > Find Near Duplicates).")
