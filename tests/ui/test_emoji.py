"""Emoji in rows (issue 25, point 8; 1,508 xhs rows have them): a colour emoji font is a
fallback of the app font after the CJK one, registered from the bundle when the system
has none, so the table, the detail view and review mode draw emoji, not boxes."""
from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication

from app.ui.shell import fonts

EMOJI = ("😀", "✨", "💖", "💫")


def has_glyph(font: QFont, ch: str) -> bool:
    """Does some family of ``font``'s fallback list hold a glyph for ``ch``?"""
    return any(QFontMetrics(QFont(family)).inFontUcs4(ord(ch)) for family in font.families() or [font.family()])


def test_emoji_family_preference_and_fallback_order():
    assert fonts.find_emoji_family(["DejaVu Sans", "Noto Color Emoji"]) == "Noto Color Emoji"
    assert fonts.find_emoji_family(["segoe ui emoji"]) == "segoe ui emoji"
    assert fonts.find_emoji_family(["DejaVu Sans"]) is None
    base = QFont()
    base.setFamilies(["DejaVu Sans"])
    assert fonts.with_fallbacks(base, "Noto Sans CJK SC", "Noto Color Emoji").families() == [
        "DejaVu Sans", "Noto Sans CJK SC", "Noto Color Emoji"]
    assert fonts.with_fallbacks(base, None, None).families() == ["DejaVu Sans"]


def test_a_bundled_font_file_is_registered(tmp_path, qapp):
    system = QFontDatabase.families()
    if "Noto Color Emoji" not in system:
        pytest.skip("no colour emoji font here to copy (apt-get install fonts-noto-color-emoji)")
    # the bundle's fonts/ folder: every font file in it is added to the application's fonts
    from PySide6.QtGui import QFontInfo  # noqa: F401 - Qt loaded
    import shutil
    import subprocess
    path = subprocess.run(["fc-match", "-f", "%{file}", "Noto Color Emoji"], capture_output=True, text=True).stdout
    shutil.copy(path, tmp_path / "NotoColorEmoji.ttf")
    assert "Noto Color Emoji" in fonts.register_font_files(tmp_path)


@pytest.fixture()
def emoji_manager(app_env):
    _settings, manager = app_env
    if manager.emoji_family is None:
        pytest.skip("no colour emoji font installed or bundled (apt-get install fonts-noto-color-emoji)")
    return manager


def test_app_font_draws_emoji_after_cjk(emoji_manager):
    families = QApplication.font().families()
    assert families[-1] == emoji_manager.emoji_family
    if emoji_manager.cjk_family:
        assert families.index(emoji_manager.cjk_family) < families.index(emoji_manager.emoji_family)
    assert all(has_glyph(QApplication.font(), ch) for ch in EMOJI)


def test_table_detail_and_review_fonts_hold_emoji(qtbot, emoji_manager, loaded):
    from PySide6.QtCore import Qt

    from .test_curate import settle

    settle(qtbot, loaded)
    # the troublemaker row's output ends in 😀 and 豆浆
    cell_font = loaded.model.data(loaded.model.index(0, 0), Qt.ItemDataRole.FontRole) or loaded.table.font()
    widgets = {"table": cell_font, "detail": loaded.detail.editors["output"].font()}
    loaded.table.setFocus()
    qtbot.keyClick(loaded.table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: loaded.commands.review.active)
    widgets["review"] = next(iter(loaded.commands.review.view.panes.values())).font()
    for where, font in widgets.items():
        assert all(has_glyph(font, ch) for ch in EMOJI), (where, font.families())
        assert has_glyph(font, "豆"), (where, font.families())
