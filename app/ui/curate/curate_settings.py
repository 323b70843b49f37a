"""The curator's own preferences for curating: name (recorded as the author of every
change) and the list of reject reasons. Both live in QSettings, one key each."""
from __future__ import annotations

from PySide6.QtCore import QSettings

from app.core.store.project import default_author

AUTHOR_KEY = "author"
REASONS_KEY = "curation/reject_reasons"
# Defaults in the dataset's language: the reasons are data (journaled, exported), not UI text.
DEFAULT_REASONS = ("重复", "低质量", "事实错误", "不安全", "格式错误", "答非所问", "其他")
MAX_REASONS = 9  # reasons are picked with the keys 1-9


def author() -> str:
    """The curator's name from the preferences, else the OS user name."""
    value = QSettings().value(AUTHOR_KEY, "")
    return str(value).strip() if value and str(value).strip() else default_author()


def set_author(name: str) -> None:
    QSettings().setValue(AUTHOR_KEY, name.strip())


def clean_reasons(reasons) -> list[str]:
    """Non-empty, stripped, without repeats, at most MAX_REASONS."""
    out = list(dict.fromkeys(r.strip() for r in reasons if r and r.strip()))
    return out[:MAX_REASONS]


def reject_reasons() -> list[str]:
    value = QSettings().value(REASONS_KEY, None)
    if value is None:
        return list(DEFAULT_REASONS)
    reasons = clean_reasons([value] if isinstance(value, str) else list(value))
    return reasons or list(DEFAULT_REASONS)


def set_reject_reasons(reasons) -> list[str]:
    clean = clean_reasons(reasons)
    QSettings().setValue(REASONS_KEY, clean)
    return clean
