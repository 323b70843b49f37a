"""Review mode's keys are data: ONE table of action id -> title, default keys, handler.

The controller dispatches from it, the cheat sheet and the key-map dialog are generated
from it, and the curator's remapping (QSettings ``review/keys/<id>``) overlays it. The
reject reasons are the curator's one list (app.ui.curate.curate_settings): digit keys pick them by number.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QKeyCombination, QSettings, Qt, QT_TRANSLATE_NOOP
from PySide6.QtGui import QKeyEvent, QKeySequence

from app.core.store.review_session import DEFAULT_REASON, DEFAULT_REASONS, MAX_REASONS
from app.ui.curate import curate_settings

CONTEXT = "Review"
PORTABLE = QKeySequence.SequenceFormat.PortableText
NATIVE = QKeySequence.SequenceFormat.NativeText


@dataclass(frozen=True)
class ReviewKey:
    id: str
    title: str  # source text, translated in context "Review"; "%1" is the reason for reason keys
    keys: tuple[str, ...]  # default keys, portable text
    handler: str  # method name on the controller
    group: str  # cheat-sheet section: decide / edit / move / other
    arg: int | None = None  # the reason number of a reason key
    repeat: bool = False  # held-down auto-repeat allowed (moving only: deciding never repeats)


GROUPS = (
    ("decide", QT_TRANSLATE_NOOP("Review", "Decide")),
    ("edit", QT_TRANSLATE_NOOP("Review", "Edit")),
    ("move", QT_TRANSLATE_NOOP("Review", "Move")),
    ("other", QT_TRANSLATE_NOOP("Review", "Other")),
)

K = ReviewKey
REVIEW_KEYS = (
    K("review.accept", QT_TRANSLATE_NOOP("Review", "Accept and go to the next item"), ("A", "Return", "Enter"),
      "accept", "decide"),
    K("review.reject", QT_TRANSLATE_NOOP("Review", "Reject: then a reason number (Enter: default reason)"), ("X",),
      "reject", "decide"),
    *(K(f"review.reason_{n}", QT_TRANSLATE_NOOP("Review", "Reject: %1"), (str(n),), "reject_reason", "decide", arg=n)
      for n in range(1, MAX_REASONS + 1)),
    K("review.edit", QT_TRANSLATE_NOOP("Review", "Edit the texts (Tab: next field, Ctrl+Enter: save, accept and go "
                                                 "on, Esc: cancel)"), ("E",), "edit", "edit"),
    K("review.tasks", QT_TRANSLATE_NOOP("Review", "Edit the task labels"), ("T",), "edit_tasks", "edit"),
    K("review.domain", QT_TRANSLATE_NOOP("Review", "Edit the domain"), ("D",), "edit_domain", "edit"),
    K("review.note", QT_TRANSLATE_NOOP("Review", "Note on this item (Ctrl+Enter: save, Esc: cancel)"), ("N",), "note",
      "edit"),
    K("review.flag", QT_TRANSLATE_NOOP("Review", "Flag this item to come back later (again: unflag)"), ("B",),
      "toggle_flag", "edit"),
    K("review.undo", QT_TRANSLATE_NOOP("Review", "Undo the last decision and go back to it"), ("U", "Ctrl+Z"), "undo",
      "edit"),
    K("review.redo", QT_TRANSLATE_NOOP("Review", "Redo"), ("Ctrl+Shift+Z",), "redo", "edit"),
    K("review.next", QT_TRANSLATE_NOOP("Review", "Next item"), ("J", "Down", "Space"), "next", "move", repeat=True),
    K("review.previous", QT_TRANSLATE_NOOP("Review", "Previous item"), ("K", "Up"), "previous", "move", repeat=True),
    K("review.goto", QT_TRANSLATE_NOOP("Review", "Go to item number…"), ("G",), "goto", "move"),
    K("review.first", QT_TRANSLATE_NOOP("Review", "First item"), ("Home",), "first", "move"),
    K("review.last", QT_TRANSLATE_NOOP("Review", "Last item"), ("End",), "last", "move"),
    K("review.search", QT_TRANSLATE_NOOP("Review", "Focus the search box (Esc comes back)"), ("/",), "focus_search",
      "other"),
    K("review.facets", QT_TRANSLATE_NOOP("Review", "Focus the facet panel (Esc comes back)"), ("F",), "focus_facets",
      "other"),
    K("review.unreviewed_only", QT_TRANSLATE_NOOP("Review", "Only unreviewed items on / off"), ("O",),
      "toggle_unreviewed_only", "other"),
    K("review.save", QT_TRANSLATE_NOOP("Review", "Save a version…"), ("Ctrl+S",), "save_version", "other"),
    K("review.cheatsheet", QT_TRANSLATE_NOOP("Review", "Show or hide this cheat sheet"), ("?",), "cheatsheet", "other"),
    K("review.leave", QT_TRANSLATE_NOOP("Review", "Leave review mode (with a summary)"), ("Esc",), "leave", "other"),
)
REVIEW_IDS = tuple(k.id for k in REVIEW_KEYS)
assert len(set(REVIEW_IDS)) == len(REVIEW_IDS), "duplicate review action id"
BY_ID = {k.id: k for k in REVIEW_KEYS}

_DROP = Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.GroupSwitchModifier
MODIFIER_KEYS = {Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_AltGr,
                  Qt.Key.Key_CapsLock, Qt.Key.Key_unknown}


def normalise(text: str) -> str | None:
    """A single key in canonical portable text ('ctrl+s' -> 'Ctrl+S'); None if not one key."""
    seq = QKeySequence.fromString(text.strip(), PORTABLE)
    if seq.count() != 1 or seq[0].key() == Qt.Key.Key_unknown:
        return None
    return seq.toString(PORTABLE)


def event_key(event: QKeyEvent) -> str:
    """The key an event stands for, in portable text. Shift is dropped for symbols it
    produces ('?' is Shift+/ on most layouts) but kept for letters and control combos."""
    key = Qt.Key(event.key())
    if key in MODIFIER_KEYS:
        return ""
    mods = event.modifiers() & ~_DROP
    text = event.text()
    if mods & Qt.KeyboardModifier.ShiftModifier and text and text.isprintable() and not text.isalpha() \
            and not text.isspace():
        mods &= ~Qt.KeyboardModifier.ShiftModifier
    return QKeySequence(QKeyCombination(mods, key)).toString(PORTABLE)


def title(defn: ReviewKey, reasons: tuple[str, ...] = ()) -> str:
    text = QCoreApplication.translate(CONTEXT, defn.title)
    if defn.arg is not None:
        reason = reasons[defn.arg - 1] if defn.arg <= len(reasons) else QCoreApplication.translate(CONTEXT, "(unused)")
        text = text.replace("%1", reason)
    return text


def native(keys: tuple[str, ...]) -> str:
    return " / ".join(QKeySequence(k).toString(NATIVE) for k in keys)


class KeyMap:
    """The bindings in effect: the table's defaults overlaid by the curator's remapping."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._s = settings or QSettings()
        self.reload()

    def reload(self) -> None:
        self._keys = {}
        for defn in REVIEW_KEYS:
            stored = self._s.value(f"review/keys/{defn.id}")
            keys = defn.keys
            if isinstance(stored, str):
                keys = tuple(k for k in (normalise(t) for t in stored.split()) if k)
            self._keys[defn.id] = tuple(normalise(k) or k for k in keys)
        self._index = {}
        for defn in REVIEW_KEYS:  # first action in table order wins a (misconfigured) clash
            for k in self._keys[defn.id]:
                self._index.setdefault(k, defn)

    # -- keys ------------------------------------------------------------------------------
    def keys(self, action_id: str) -> tuple[str, ...]:
        return self._keys[action_id]

    def lookup(self, event: QKeyEvent) -> ReviewKey | None:
        return self._index.get(event_key(event))

    def lookup_key(self, key: str) -> ReviewKey | None:
        return self._index.get(normalise(key) or key)

    def mapping(self) -> dict[str, tuple[str, ...]]:
        return dict(self._keys)

    def save(self, mapping: dict[str, tuple[str, ...]]) -> None:
        """Store the curator's keys; an action back at its defaults is stored as nothing."""
        for defn in REVIEW_KEYS:
            keys = tuple(mapping.get(defn.id, defn.keys))
            if keys == tuple(normalise(k) or k for k in defn.keys):
                self._s.remove(f"review/keys/{defn.id}")
            else:
                self._s.setValue(f"review/keys/{defn.id}", " ".join(keys))
        self.reload()

    def reset(self) -> None:
        self._s.remove("review/keys")
        self.reload()

    def bindings(self) -> list[tuple[str, str, str, str]]:
        """(action id, group, title, keys as shown) for every action, in table order."""
        reasons = self.reasons
        return [(d.id, d.group, title(d, reasons), native(self._keys[d.id])) for d in REVIEW_KEYS]

    # -- reject reasons ---------------------------------------------------------------------
    @property
    def reasons(self) -> tuple[str, ...]:
        """The reject reasons: the curator's one list, shared with the table's reject dialog."""
        return tuple(curate_settings.reject_reasons()) or DEFAULT_REASONS

    @property
    def default_reason(self) -> str:
        value = self._s.value("review/default_reason")
        reasons = self.reasons
        if isinstance(value, str) and value in reasons:
            return value
        return DEFAULT_REASON if DEFAULT_REASON in reasons else reasons[-1]

    def set_reasons(self, reasons: list[str], default: str | None = None) -> None:
        curate_settings.set_reject_reasons(reasons or DEFAULT_REASONS)
        if default:
            self._s.setValue("review/default_reason", default)
        else:
            self._s.remove("review/default_reason")


def conflicts(mapping: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
    """Keys bound to more than one action: key -> action ids."""
    seen: dict[str, list[str]] = {}
    for action_id, keys in mapping.items():
        for k in keys:
            seen.setdefault(k, []).append(action_id)
    return {k: ids for k, ids in seen.items() if len(ids) > 1}
