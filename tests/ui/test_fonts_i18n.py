"""Simplified Chinese glyphs, the no-CJK-font warning, and the translation files."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from app.resources import i18n_dir
from app.ui import fonts, i18n
from app.ui.launch import build_window


def test_cjk_family_preference_and_fallback():
    assert fonts.find_cjk_family(["DejaVu Sans", "WenQuanYi Micro Hei", "Noto Sans CJK SC"]) == "Noto Sans CJK SC"
    assert fonts.find_cjk_family(["DejaVu Sans", "noto sans cjk jp"]) is None  # Japanese shapes do not count
    assert fonts.find_cjk_family(["microsoft yahei"]) == "microsoft yahei"
    base = QFont()
    base.setFamilies(["DejaVu Sans"])
    assert fonts.with_cjk_fallback(base, "Noto Sans CJK SC").families() == ["DejaVu Sans", "Noto Sans CJK SC"]
    assert fonts.with_cjk_fallback(base, None).families() == ["DejaVu Sans"]


def test_app_font_falls_back_to_a_simplified_chinese_family(app_env):
    _settings, manager = app_env
    if not manager.has_cjk:
        pytest.skip("no Simplified Chinese font installed here (apt-get install fonts-noto-cjk)")
    assert QApplication.font().families()[-1] == manager.cjk_family


def test_missing_cjk_font_is_said_once_in_the_status_bar(qtbot, app_env, monkeypatch):
    settings, manager = app_env
    monkeypatch.setattr(manager, "cjk_family", None)
    window = build_window(settings, manager)
    qtbot.addWidget(window)
    assert "No Simplified Chinese font" in window.status.currentMessage()
    monkeypatch.setattr(manager, "cjk_family", "Noto Sans CJK SC")
    quiet = build_window(settings, manager)
    qtbot.addWidget(quiet)
    assert quiet.status.currentMessage() == ""


def test_system_language_follows_the_locale(monkeypatch):
    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: QLocale("zh_CN")))
    assert i18n.resolve("system") == "zh_CN"
    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: QLocale("en_US")))
    assert i18n.resolve("system") == "en"
    assert i18n.resolve("zh_CN") == "zh_CN" and i18n.resolve("en") == "en"


def test_translation_files_are_complete_and_load(qapp):
    root = ET.parse(i18n_dir() / "cqia_zh_CN.ts").getroot()
    messages = list(root.iter("message"))
    assert len(messages) > 100
    unfinished = [m.find("source").text for m in messages if m.find("translation").get("type") == "unfinished"]
    assert unfinished == [], f"untranslated: {unfinished[:5]} (run resources/i18n/update.sh, then translate)"
    for name in ("cqia_zh_CN", "cqia_en"):
        tr = QTranslator()
        assert tr.load(name, str(i18n_dir())), f"{name}.qm missing: run resources/i18n/update.sh"
    tr = QTranslator()
    tr.load("cqia_zh_CN", str(i18n_dir()))
    assert tr.translate("Actions", "&File") == "文件(&F)"


def test_english_plurals(app_env):
    from app.ui.models.report_model import _Plurals

    i18n.install_language("en")
    assert _Plurals().summary(1, 1, 0) == "1 bad line, 1 LFS pointer"
    assert _Plurals().summary(3, 0, 2) == "3 bad lines, 2 skipped files"
    assert QCoreApplication.translate("StatusBar", "%n filter(s)", "", 1) == "1 filter"
