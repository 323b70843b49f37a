"""The core names every change in English ("Reject 12 rows: 重复"); the Edit menu and the
status bar show that name in the UI's language. Known shapes are recognised and
re-worded through tr() (no plural forms needed: English shows the core's label as is);
anything else (a merge's own label) is shown as the core wrote it."""
from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QT_TRANSLATE_NOOP

_ROWS = r"(?P<n>\d[\d,]*) rows?"
_FIELD_WORDS = {
    "instruction": QT_TRANSLATE_NOOP("ChangeLabels", "instruction"),
    "input": QT_TRANSLATE_NOOP("ChangeLabels", "input"),
    "output": QT_TRANSLATE_NOOP("ChangeLabels", "output"),
    "task major": QT_TRANSLATE_NOOP("ChangeLabels", "task major"),
    "task minor": QT_TRANSLATE_NOOP("ChangeLabels", "task minor"),
    "domain": QT_TRANSLATE_NOOP("ChangeLabels", "domain"),
}
_FIELD = "(?P<field>" + "|".join(sorted(map(re.escape, _FIELD_WORDS), key=len, reverse=True)) + ")"
# (pattern over the core's label, template with %n / %f / %r / %v placeholders)
_SHAPES = (
    (rf"Reject {_ROWS}: (?P<r>.*)", QT_TRANSLATE_NOOP("ChangeLabels", "Reject %n rows: %r")),
    (rf"Reject {_ROWS}", QT_TRANSLATE_NOOP("ChangeLabels", "Reject %n rows")),
    (rf"Accept {_ROWS}", QT_TRANSLATE_NOOP("ChangeLabels", "Accept %n rows")),
    (rf"Restore {_ROWS}", QT_TRANSLATE_NOOP("ChangeLabels", "Restore %n rows")),
    (rf"Edit {_FIELD} of {_ROWS}", QT_TRANSLATE_NOOP("ChangeLabels", "Edit %f of %n rows")),
    (rf"Edit {_FIELD}", QT_TRANSLATE_NOOP("ChangeLabels", "Edit %f")),
    (rf"Set {_FIELD} (?P<v>.*) on {_ROWS}", QT_TRANSLATE_NOOP("ChangeLabels", "Set %f to %v on %n rows")),
    (rf"Add {_FIELD} (?P<v>.*) on {_ROWS}", QT_TRANSLATE_NOOP("ChangeLabels", "Add %f %v on %n rows")),
    (rf"Remove {_FIELD} (?P<v>.*) on {_ROWS}", QT_TRANSLATE_NOOP("ChangeLabels", "Remove %f %v on %n rows")),
    (rf"Revert on {_ROWS}", QT_TRANSLATE_NOOP("ChangeLabels", "Revert %n rows")),
    (rf"Revert {_ROWS} to the release", QT_TRANSLATE_NOOP("ChangeLabels", "Revert %n rows to the release")),
    (rf"Revert {_ROWS} to version (?P<v>\d+)", QT_TRANSLATE_NOOP("ChangeLabels", "Revert %n rows to version %v")),
    (r"Go back to the release", QT_TRANSLATE_NOOP("ChangeLabels", "Go back to the release")),
    (r"Go back to version (?P<v>\d+)", QT_TRANSLATE_NOOP("ChangeLabels", "Go back to version %v")),
)
_COMPILED = tuple((re.compile(p + r"\Z"), t) for p, t in _SHAPES)


def _tr(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("ChangeLabels", text, None, n)


def change_text(label: str | None) -> str:
    """The core's change label in the UI's language."""
    if not label:
        return ""
    for pattern, template in _COMPILED:
        m = pattern.match(label)
        if m is None:
            continue
        groups = m.groupdict()
        if QCoreApplication.translate("ChangeLabels", template) == template:
            return label  # no translation (English): the core's own words, plurals and all
        n = int(groups["n"].replace(",", "")) if groups.get("n") else -1
        text = _tr(template, n)
        if groups.get("field"):
            text = text.replace("%f", _tr(_FIELD_WORDS[groups["field"]]))
        for key in ("r", "v"):
            if groups.get(key) is not None:
                text = text.replace(f"%{key}", groups[key])
        return text
    return label
