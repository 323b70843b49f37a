"""Keys are data: ONE table of action id -> title, default keys, handler, menu.

One loop turns the table into QActions and menus; the help dialog's shortcut list and
the test that triggers every action read the same table. Titles are source strings
translated at display time, so switching language re-titles everything in place.
"""
from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter

from PySide6.QtCore import QCoreApplication, QT_TRANSLATE_NOOP
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

CONTEXT = "Actions"


@dataclass(frozen=True)
class ActionDef:
    id: str
    title: str  # source text (English), translated in context "Actions"
    keys: tuple[str, ...]  # portable key sequences, first one is shown in menus
    handler: str  # method name on the handler object (dotted: a method of one of its attributes)
    menu: str  # menu id from MENUS
    checkable: bool = False
    group: str | None = None  # exclusive group for checkable actions
    separator_before: bool = False


MENUS = (
    ("file", QT_TRANSLATE_NOOP("Actions", "&File")),
    ("file/recent", QT_TRANSLATE_NOOP("Actions", "Open &Recent")),
    ("edit", QT_TRANSLATE_NOOP("Actions", "&Edit")),
    ("search", QT_TRANSLATE_NOOP("Actions", "&Search")),
    ("filter", QT_TRANSLATE_NOOP("Actions", "Fi&lter")),
    ("review", QT_TRANSLATE_NOOP("Actions", "&Review")),
    ("team", QT_TRANSLATE_NOOP("Actions", "&Team")),
    ("analyse", QT_TRANSLATE_NOOP("Actions", "&Analyse")),
    ("view", QT_TRANSLATE_NOOP("Actions", "&View")),
    ("view/language", QT_TRANSLATE_NOOP("Actions", "&Language")),
    ("help", QT_TRANSLATE_NOOP("Actions", "&Help")),
)

A = ActionDef
ACTIONS = (
    A("file.open_file", QT_TRANSLATE_NOOP("Actions", "&Open File…"), ("Ctrl+O",), "open_file", "file"),
    A("file.open_folder", QT_TRANSLATE_NOOP("Actions", "Open &Folder…"), ("Ctrl+Shift+O",), "open_folder", "file"),
    A("file.open_demo", QT_TRANSLATE_NOOP("Actions", "Open &Demo Release"), ("Ctrl+Alt+D",), "open_demo", "file"),
    A("file.reload", QT_TRANSLATE_NOOP("Actions", "Re&load"), ("F5",), "reload", "file"),
    A("file.cancel_load", QT_TRANSLATE_NOOP("Actions", "&Cancel Loading"), ("Esc",), "cancel_load", "file"),
    A("file.load_report", QT_TRANSLATE_NOOP("Actions", "Load &Report…"), ("Ctrl+Shift+R",), "show_load_report", "file",
      separator_before=True),
    # Curation (handlers on Commands.curate, app/ui/curate/curate_commands.py)
    A("file.save_version", QT_TRANSLATE_NOOP("Actions", "&Save Version…"), ("Ctrl+S",), "curate.save_version", "file",
      separator_before=True),
    A("file.export", QT_TRANSLATE_NOOP("Actions", "&Export Curated Release…"), ("Ctrl+Shift+E",), "curate.export",
      "file"),
    A("file.merge_version", QT_TRANSLATE_NOOP("Actions", "&Merge Version…"), ("Ctrl+Alt+M",), "curate.merge_version",
      "file"),
    A("file.move_project", QT_TRANSLATE_NOOP("Actions", "Keep Curation Project &In…"), ("Ctrl+Alt+P",),
      "curate.move_project", "file"),
    A("file.preferences", QT_TRANSLATE_NOOP("Actions", "Curation &Preferences…"), ("Ctrl+,",), "curate.preferences",
      "file"),
    A("file.quit", QT_TRANSLATE_NOOP("Actions", "&Quit"), ("Ctrl+Q",), "quit", "file", separator_before=True),
    A("edit.undo", QT_TRANSLATE_NOOP("Actions", "&Undo"), ("Ctrl+Z",), "curate.undo", "edit"),
    A("edit.redo", QT_TRANSLATE_NOOP("Actions", "&Redo"), ("Ctrl+Shift+Z", "Ctrl+Y"), "curate.redo", "edit"),
    A("edit.edit_text", QT_TRANSLATE_NOOP("Actions", "&Edit Texts"), ("Ctrl+E",), "curate.edit_text", "edit",
      separator_before=True),
    A("edit.edit_labels", QT_TRANSLATE_NOOP("Actions", "Set &Labels…"), ("Ctrl+L",), "curate.edit_labels", "edit"),
    A("edit.accept", QT_TRANSLATE_NOOP("Actions", "&Accept"), ("Ctrl+Shift+A",), "curate.accept", "edit",
      separator_before=True),
    A("edit.reject", QT_TRANSLATE_NOOP("Actions", "Re&ject…"), ("Ctrl+Del",), "curate.reject", "edit"),
    A("edit.restore", QT_TRANSLATE_NOOP("Actions", "Re&store (Clear Decision)"), ("Ctrl+Alt+R",), "curate.restore",
      "edit"),
    A("edit.note", QT_TRANSLATE_NOOP("Actions", "&Note…"), ("Ctrl+Shift+N",), "curate.note", "edit"),
    A("edit.flag", QT_TRANSLATE_NOOP("Actions", "&Flag to Come Back Later"), ("Ctrl+Shift+B",), "curate.toggle_flag",
      "edit"),
    A("edit.accept_filter", QT_TRANSLATE_NOOP("Actions", "Accept All in &Filter…"), ("Ctrl+Alt+A",),
      "curate.accept_filter", "edit", separator_before=True),
    A("edit.reject_filter", QT_TRANSLATE_NOOP("Actions", "Reject All in Fil&ter…"), ("Ctrl+Alt+X",),
      "curate.reject_filter", "edit"),
    A("edit.labels_filter", QT_TRANSLATE_NOOP("Actions", "Set Labels on All in Filte&r…"), ("Ctrl+Alt+L",),
      "curate.edit_labels_filter", "edit"),
    A("edit.to_simplified", QT_TRANSLATE_NOOP("Actions", "Convert to &Simplified"), ("Ctrl+Alt+J",),
      "curate.to_simplified", "edit", separator_before=True),
    A("edit.to_simplified_filter", QT_TRANSLATE_NOOP("Actions", "Convert All in Filter to Simplified…"),
      ("Ctrl+Alt+Shift+J",), "curate.to_simplified_filter", "edit"),
    A("edit.delete_turn", QT_TRANSLATE_NOOP("Actions", "&Delete Turn…"), ("Ctrl+Shift+Del",), "curate.delete_turn",
      "edit", separator_before=True),
    A("edit.swap_preference", QT_TRANSLATE_NOOP("Actions", "S&wap Chosen and Rejected"), ("Ctrl+Shift+W",),
      "curate.swap_preference", "edit"),
    A("edit.map_fields", QT_TRANSLATE_NOOP("Actions", "&Map Fields of This File…"), ("Ctrl+Shift+M",),
      "curate.map_fields", "edit"),
    A("edit.copy_locator", QT_TRANSLATE_NOOP("Actions", "Copy &Locator (file:line)"), ("Ctrl+Alt+C",), "copy_locator",
      "edit", separator_before=True),
    A("search.focus", QT_TRANSLATE_NOOP("Actions", "&Find…"), ("Ctrl+F",), "focus_search", "search"),
    A("search.next", QT_TRANSLATE_NOOP("Actions", "&Next Match"), ("F3",), "next_match", "search"),
    A("search.previous", QT_TRANSLATE_NOOP("Actions", "&Previous Match"), ("Shift+F3",), "previous_match", "search"),
    A("search.clear", QT_TRANSLATE_NOOP("Actions", "&Clear Search"), ("Ctrl+Shift+F",), "clear_search", "search"),
    A("filter.clear_all", QT_TRANSLATE_NOOP("Actions", "Clear &All Filters"), ("Ctrl+Shift+X",), "clear_filters",
      "filter"),
    A("filter.copy_view", QT_TRANSLATE_NOOP("Actions", "&Copy View as Text"), ("Ctrl+Shift+C",), "copy_view", "filter",
      separator_before=True),
    A("filter.paste_view", QT_TRANSLATE_NOOP("Actions", "&Paste View"), ("Ctrl+Shift+V",), "paste_view", "filter"),
    A("filter.save_view", QT_TRANSLATE_NOOP("Actions", "&Save View As…"), ("Ctrl+Alt+S",), "save_view", "filter",
      separator_before=True),
    A("filter.open_view", QT_TRANSLATE_NOOP("Actions", "&Open Saved View…"), ("Ctrl+Alt+O",), "open_view", "filter"),
    A("filter.delete_view", QT_TRANSLATE_NOOP("Actions", "&Delete Saved View…"), ("Ctrl+Alt+Del",), "delete_view",
      "filter"),
    A("view.focus_facets", QT_TRANSLATE_NOOP("Actions", "Focus &Facets"), ("Ctrl+1",), "focus_facets", "view"),
    A("view.focus_table", QT_TRANSLATE_NOOP("Actions", "Focus &Table"), ("Ctrl+2",), "focus_table", "view"),
    A("view.focus_detail", QT_TRANSLATE_NOOP("Actions", "Focus &Detail"), ("Ctrl+3",), "focus_detail", "view"),
    A("view.columns", QT_TRANSLATE_NOOP("Actions", "Choose &Columns…"), ("Ctrl+Shift+K",), "choose_columns", "view",
      separator_before=True),
    A("view.history", QT_TRANSLATE_NOOP("Actions", "&History"), ("Ctrl+H",), "curate.show_history", "view"),
    A("view.stale", QT_TRANSLATE_NOOP("Actions", "&Stale Decisions"), ("Ctrl+Shift+J",), "curate.show_stale", "view"),
    A("view.dark_theme", QT_TRANSLATE_NOOP("Actions", "&Dark Theme"), ("Ctrl+Shift+T",), "set_dark_theme", "view",
      checkable=True, separator_before=True),
    A("view.zoom_in", QT_TRANSLATE_NOOP("Actions", "Zoom &In"), ("Ctrl+=", "Ctrl++"), "zoom_in", "view",
      separator_before=True),
    A("view.zoom_out", QT_TRANSLATE_NOOP("Actions", "Zoom &Out"), ("Ctrl+-",), "zoom_out", "view"),
    A("view.zoom_reset", QT_TRANSLATE_NOOP("Actions", "&Reset Zoom"), ("Ctrl+0",), "zoom_reset", "view"),
    A("view.lang_system", QT_TRANSLATE_NOOP("Actions", "&System Language"), ("Ctrl+Alt+0",), "language_system",
      "view/language", checkable=True, group="language"),
    A("view.lang_en", QT_TRANSLATE_NOOP("Actions", "&English"), ("Ctrl+Alt+E",), "language_en", "view/language",
      checkable=True, group="language"),
    A("view.lang_zh", QT_TRANSLATE_NOOP("Actions", "简体中文 (&Chinese)"), ("Ctrl+Alt+Z",), "language_zh",
      "view/language", checkable=True, group="language"),
    # Review mode (handlers on Commands.review, app/ui/review/mode.py; its own keys: app/ui/review/keymap.py)
    A("review.enter", QT_TRANSLATE_NOOP("Actions", "&Review Mode"), ("F2", "Ctrl+R"), "review.enter", "review"),
    A("review.resume", QT_TRANSLATE_NOOP("Actions", "Resume &Last Review Session"), ("Shift+F2",),
      "review.resume_last", "review"),
    A("review.unreviewed_only", QT_TRANSLATE_NOOP("Actions", "Only &Unreviewed Items"), ("Ctrl+Alt+U",),
      "review.set_unreviewed_only", "review", checkable=True, separator_before=True),
    A("review.my_queue", QT_TRANSLATE_NOOP("Actions", "Only &My Team Queue"), ("Ctrl+Alt+Y",),
      "review.set_my_queue_only", "review", checkable=True),
    A("review.keys", QT_TRANSLATE_NOOP("Actions", "Review &Keys and Reasons…"), ("Ctrl+Alt+K",), "review.edit_keys",
      "review"),
    # A team on one release (handlers on Commands.team, app/ui/curate/team_commands.py)
    A("team.open_queue", QT_TRANSLATE_NOOP("Actions", "&Open My Team Queue…"), ("Ctrl+Alt+Q",), "team.open_queue",
      "team"),
    A("team.progress", QT_TRANSLATE_NOOP("Actions", "Team &Progress"), ("Ctrl+Shift+P",), "team.progress", "team"),
    A("team.agreement", QT_TRANSLATE_NOOP("Actions", "Team &Agreement…"), ("Ctrl+Shift+G",), "team.agreement", "team"),
    A("team.gather", QT_TRANSLATE_NOOP("Actions", "&Gather Team Versions…"), ("Ctrl+Alt+H",), "team.gather", "team",
      separator_before=True),
    # Analyse (handlers on Commands.analysis, app/ui/analysis/analysis_ui.py)
    A("analyse.run_text", QT_TRANSLATE_NOOP("Actions", "Run &Text Analysis"), ("Ctrl+Alt+T",), "analysis.run_text",
      "analyse"),
    A("analyse.near_dups", QT_TRANSLATE_NOOP("Actions", "Find &Near Duplicates"), ("Ctrl+Alt+N",),
      "analysis.find_near_duplicates", "analyse"),
    A("analyse.cancel", QT_TRANSLATE_NOOP("Actions", "&Cancel Analysis"), ("Ctrl+Alt+.",), "analysis.cancel",
      "analyse"),
    A("analyse.dashboard", QT_TRANSLATE_NOOP("Actions", "&Dashboard"), ("Ctrl+Shift+D",), "analysis.show_dashboard",
      "analyse", separator_before=True),
    A("analyse.diversity", QT_TRANSLATE_NOOP("Actions", "Instruction Di&versity"), ("Ctrl+Shift+I",),
      "analysis.show_diversity", "analyse"),
    A("analyse.signals", QT_TRANSLATE_NOOP("Actions", "Quality &Signals"), ("Ctrl+Shift+Q",), "analysis.show_signals",
      "analyse"),
    A("analyse.contamination", QT_TRANSLATE_NOOP("Actions", "Benchmark &Contamination…"), ("Ctrl+Alt+B",),
      "analysis.contamination.show", "analyse"),
    A("analyse.reject_contaminated", QT_TRANSLATE_NOOP("Actions", "Re&ject Contaminated Rows in Filter…"),
      ("Ctrl+Alt+Shift+B",), "analysis.contamination.reject_filter", "analyse"),
    A("analyse.next_cluster", QT_TRANSLATE_NOOP("Actions", "Ne&xt Near-Duplicate Cluster"), ("Ctrl+]",),
      "analysis.next_cluster", "analyse", separator_before=True),
    A("analyse.previous_cluster", QT_TRANSLATE_NOOP("Actions", "Pre&vious Near-Duplicate Cluster"), ("Ctrl+[",),
      "analysis.previous_cluster", "analyse"),
    A("analyse.agreement", QT_TRANSLATE_NOOP("Actions", "Curator &Agreement…"), ("Ctrl+Alt+G",), "curate.agreement",
      "analyse"),
    A("analyse.user_dict", QT_TRANSLATE_NOOP("Actions", "&User Dictionary…"), ("Ctrl+Alt+W",), "analysis.user_dictionary",
      "analyse", separator_before=True),
    A("help.shortcuts", QT_TRANSLATE_NOOP("Actions", "&Keyboard Shortcuts"), ("F1",), "show_shortcuts", "help"),
    A("help.about", QT_TRANSLATE_NOOP("Actions", "&About CQIA Curator"), ("Ctrl+F1",), "show_about", "help"),
)
ACTION_IDS = tuple(a.id for a in ACTIONS)
assert len(set(ACTION_IDS)) == len(ACTION_IDS), "duplicate action id"


def title(defn: ActionDef) -> str:
    return QCoreApplication.translate(CONTEXT, defn.title)


def plain_title(defn: ActionDef) -> str:
    """Title without the mnemonic ampersand and trailing ellipsis (for lists)."""
    return title(defn).replace("&", "").rstrip("…")


class ActionRegistry:
    """Builds every QAction and menu from the table and keeps their texts translated."""

    def __init__(self, window: QMainWindow, handlers: object) -> None:
        self.actions: dict[str, QAction] = {}
        self.menus: dict[str, QMenu] = {}
        self.defs = {a.id: a for a in ACTIONS}
        groups: dict[str, QActionGroup] = {}
        for menu_id, _title in MENUS:
            parent_id, _, _leaf = menu_id.rpartition("/")
            parent = self.menus[parent_id] if parent_id else window.menuBar()
            menu = QMenu(parent if parent_id else window)
            menu.setObjectName(f"menu_{menu_id.replace('/', '_')}")
            parent.addMenu(menu)
            self.menus[menu_id] = menu
        for defn in ACTIONS:
            act = QAction(window)
            act.setObjectName(defn.id)
            act.setShortcuts([QKeySequence(k) for k in defn.keys])
            act.setCheckable(defn.checkable)
            if defn.group:
                groups.setdefault(defn.group, QActionGroup(window)).addAction(act)
            handler = attrgetter(defn.handler)(handlers)
            if defn.checkable:
                act.triggered.connect(lambda checked, h=handler: h(checked))
            else:
                act.triggered.connect(lambda _checked=False, h=handler: h())
            menu = self.menus[defn.menu]
            if defn.separator_before:
                menu.addSeparator()
            menu.addAction(act)
            window.addAction(act)  # shortcuts work even when the menu bar is hidden
            self.actions[defn.id] = act
        self.retranslate()

    def __getitem__(self, action_id: str) -> QAction:
        return self.actions[action_id]

    def retranslate(self) -> None:
        for menu_id, text in MENUS:
            self.menus[menu_id].setTitle(QCoreApplication.translate(CONTEXT, text))
        for defn in ACTIONS:
            act = self.actions[defn.id]
            act.setText(title(defn))
            keys = ", ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in defn.keys)
            act.setToolTip(f"{plain_title(defn)} ({keys})" if keys else plain_title(defn))

    def bindings(self) -> list[tuple[str, str, str]]:
        """(action id, title, keys as shown) for every action, in table order."""
        return [(d.id, plain_title(d), ", ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText)
                                                  for k in d.keys)) for d in ACTIONS]
