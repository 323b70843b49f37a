"""Blocking questions to the user, in one place so tests can answer them."""
from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget


def open_files(parent: QWidget, title: str, start: str = "") -> list[str]:
    paths, _filter = QFileDialog.getOpenFileNames(parent, title, start, "JSONL (*.jsonl);;All files (*)")
    return paths


def open_folder(parent: QWidget, title: str, start: str = "") -> str | None:
    path = QFileDialog.getExistingDirectory(parent, title, start)
    return path or None


def get_text(parent: QWidget, title: str, label: str, default: str = "") -> str | None:
    text, ok = QInputDialog.getText(parent, title, label, text=default)
    return text if ok and text.strip() else None


def get_item(parent: QWidget, title: str, label: str, items: list[str]) -> str | None:
    if not items:
        return None
    item, ok = QInputDialog.getItem(parent, title, label, items, 0, False)
    return item if ok else None


def choose_merge_source(parent: QWidget, title: str, start: str = "") -> str | None:
    """Another curator's project (its project.json) or one version file."""
    path, _filter = QFileDialog.getOpenFileName(
        parent, title, start, "Curation project or version (project.json v*.jsonl v*.json);;All files (*)")
    return path or None
