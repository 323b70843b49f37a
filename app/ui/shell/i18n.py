"""Which language the UI speaks: Qt translators for our strings and Qt's own.

Switching installs new translators at run time; Qt then sends every widget a
LanguageChange event and each widget re-reads its strings (``retranslate``), so the
switch needs no restart.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.resources import i18n_dir

LANGUAGES = ("system", "en", "zh_CN")
_installed: list[QTranslator] = []


def resolve(language: str) -> str:
    """'system' becomes 'zh_CN' for any Chinese system locale, else 'en'."""
    if language in ("en", "zh_CN"):
        return language
    name = QLocale.system().name()  # e.g. zh_CN, zh_TW, en_US, C
    return "zh_CN" if name.startswith("zh") else "en"


def uninstall() -> None:
    """Remove our translators: the UI shows the source strings."""
    app = QCoreApplication.instance()
    for tr in _installed:
        app.removeTranslator(tr)
    _installed.clear()


def install_language(language: str) -> str:
    """Replace the installed translators; returns the language now in effect."""
    app = QCoreApplication.instance()
    uninstall()
    effective = resolve(language)
    ours = QTranslator(app)  # for English this holds only the plural forms ("1 row" / "2 rows")
    if ours.load(f"cqia_{effective}", str(i18n_dir())):
        app.installTranslator(ours)
        _installed.append(ours)
    if effective == "en":
        return effective  # Qt's own strings are English already
    qt_own = QTranslator(app)
    if qt_own.load(f"qtbase_{effective}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_own)
        _installed.append(qt_own)
    return effective

