"""Help > About: the same versions as `--version` (app, Qt, Polars, jieba), as plain text."""
from __future__ import annotations

import sys
from importlib.metadata import version

import polars
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app import __version__, about
from app.ui.shell import i18n


def test_about_names_app_qt_polars_and_jieba(qtbot, window):
    window.registry["help.about"].trigger()  # opens non-modally (open()): nothing to answer
    box = window.commands.dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    text = box.text()
    for part in (f"CQIA Curator {__version__}", f"Qt (PySide6) {version('PySide6-Essentials')}",
                 f"Polars {polars.__version__}", f"jieba {version('jieba')}"):
        assert part in text, text
    assert box.textFormat() == Qt.TextFormat.PlainText
    i18n.install_language("zh_CN")  # the words translate, the versions stay
    window.registry["help.about"].trigger()
    zh = window.commands.dialog
    assert "浏览" in zh.text() and f"jieba {version('jieba')}" in zh.text()
    box.close()
    zh.close()


def test_versions_reads_metadata_and_keeps_one_when_the_other_fails(monkeypatch):
    jieba_loaded = "jieba" in sys.modules
    line = about.versions()
    assert line.startswith(f"CQIA Curator {__version__}, Polars ") and "Qt (PySide6) " in line and "jieba " in line
    assert ("jieba" in sys.modules) == jieba_loaded  # read from metadata: jieba is not imported

    def missing(name: str):
        def lookup(dist: str) -> str:
            if dist == name:
                raise ModuleNotFoundError(dist)  # a frozen build without that package's metadata
            return version(dist)
        return lookup

    monkeypatch.setattr("importlib.metadata.version", missing("PySide6-Essentials"))
    import PySide6

    line = about.versions()  # Qt's metadata missing: jieba is still named, Qt from the loaded module
    assert f"jieba {version('jieba')}" in line and f"Qt (PySide6) {PySide6.__version__}" in line
    monkeypatch.setattr("importlib.metadata.version", missing("jieba"))
    monkeypatch.delitem(sys.modules, "jieba", raising=False)
    line = about.versions()
    assert f"Qt (PySide6) {version('PySide6-Essentials')}" in line and "jieba" not in line
