"""Simplified Chinese glyphs, the no-CJK-font warning, and the translation files."""
from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from app.core.store.review_session import Progress, Summary
from app.resources import i18n_dir
from app.ui.shell import fonts, i18n
from app.ui.shell.startup import build_window
from app.ui.review.progress import progress_line, summary_lines

ROOT = Path(__file__).resolve().parents[2]


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
    families = [f for f in QApplication.font().families() if f != manager.emoji_family]  # emoji come last
    assert families[-1] == manager.cjk_family


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
    from app.ui.browse.report_model import _Plurals

    i18n.install_language("en")
    assert _Plurals().summary(1, 1, 0) == "1 bad line, 1 LFS pointer"
    assert _Plurals().summary(3, 0, 2) == "3 bad lines, 2 skipped files"
    assert QCoreApplication.translate("StatusBar", "%n filter(s)", "", 1) == "1 filter"


def _messages(ts: Path) -> dict[tuple[str, str], bool]:
    """(context, source) -> translated, for every message of a .ts file."""
    out = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name")
        for m in context.iter("message"):
            tr = m.find("translation")
            done = tr.get("type") not in ("unfinished", "obsolete", "vanished") and bool(
                (tr.text or "").strip() or any((f.text or "").strip() for f in tr.iter("numerusform")))
            out[(name, m.findtext("source"))] = done
    return out


def test_every_string_in_the_code_is_translated(tmp_path):
    """lupdate over app/ui, as resources/i18n/update.sh runs it: each string it finds must be
    translated in the committed cqia_zh_CN.ts (a new string needs update.sh + a translation)."""
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    lupdate = str(lupdate) if lupdate.exists() else shutil.which("pyside6-lupdate")
    if not lupdate:
        pytest.skip("pyside6-lupdate is not installed")
    fresh = tmp_path / "fresh.ts"
    run = subprocess.run([lupdate, "-extensions", "py", "-locations", "none", "-no-obsolete", "app/ui", "-ts", str(fresh)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and fresh.exists(), run.stdout + run.stderr
    found = _messages(fresh)
    assert len(found) > 100, run.stdout
    committed = _messages(i18n_dir() / "cqia_zh_CN.ts")
    missing = sorted(k for k in found if k not in committed)
    unfinished = sorted(k for k in found if k in committed and not committed[k])
    assert not missing and not unfinished, (
        f"missing from cqia_zh_CN.ts: {missing[:5]}; untranslated: {unfinished[:5]} "
        "(run resources/i18n/update.sh, translate, run it again)")


def test_review_progress_and_summary_speak_chinese(app_env):
    progress = Progress(reviewed=342, total=1508, rate_per_min=14.2, rejected=12)
    summary = Summary(accepted=300, rejected={"重复": 10, "": 2}, edited=5, seconds=600.0, active_seconds=600.0)
    english = progress_line(progress)
    assert english.startswith("342 / 1,508 reviewed (22.7%) · 14.2 items/min · ETA ") and english.endswith("12 rejected")
    assert i18n.install_language("zh_CN") == "zh_CN"
    line = progress_line(progress)
    assert line.startswith("已审阅 342 / 1,508（22.7%） · 14.2 项/分钟 · 预计剩余 ") and line.endswith("已拒绝 12")
    assert summary_lines(summary, ("重复",)) == [
        "已通过：300", "已拒绝：12", "    重复: 10", "    （无理由）: 2", "已编辑：5", "用时：10m 00s", "速度：31.2 项/分钟"]
