"""Typed access to the user's persisted preferences (QSettings), one key name each."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

ORG_NAME = "CQIA"
ORG_DOMAIN = "cqia-curator.local"
APP_NAME = "CQIA Curator"
MAX_RECENT = 10


class Settings:
    """Wraps QSettings so key names and types live in one place."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._s = qsettings or QSettings()

    # -- plain values ---------------------------------------------------------------
    def _get(self, key: str, default, kind):
        value = self._s.value(key, default)
        try:
            if kind is bool and isinstance(value, str):
                return value.lower() in ("1", "true", "yes")
            return kind(value)
        except (TypeError, ValueError):
            return default

    @property
    def theme(self) -> str:
        return self._get("ui/theme", "dark", str)

    @theme.setter
    def theme(self, value: str) -> None:
        self._s.setValue("ui/theme", value)

    @property
    def language(self) -> str:
        return self._get("ui/language", "system", str)

    @language.setter
    def language(self, value: str) -> None:
        self._s.setValue("ui/language", value)

    @property
    def zoom(self) -> int:
        return self._get("ui/zoom", 0, int)

    @zoom.setter
    def zoom(self, value: int) -> None:
        self._s.setValue("ui/zoom", int(value))

    # -- layout blobs -----------------------------------------------------------------
    def state(self, key: str) -> QByteArray | None:
        value = self._s.value(f"layout/{key}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_state(self, key: str, value: QByteArray) -> None:
        self._s.setValue(f"layout/{key}", value)

    def hidden_columns(self) -> list[str]:
        value = self._s.value("layout/hidden_columns", [])
        return [value] if isinstance(value, str) else list(value or [])

    def set_hidden_columns(self, keys: list[str]) -> None:
        self._s.setValue("layout/hidden_columns", list(keys))

    # -- releases ---------------------------------------------------------------------
    def recent(self) -> list[list[str]]:
        """Recently opened releases, newest first; each entry is the list of paths opened."""
        value = self._s.value("files/recent", [])
        entries = [value] if isinstance(value, str) else list(value or [])
        return [e.split("\n") for e in entries if e]

    def add_recent(self, paths: list[str]) -> None:
        key = "\n".join(str(Path(p).resolve()) for p in paths)
        entries = [e for e in ("\n".join(r) for r in self.recent()) if e != key]
        self._s.setValue("files/recent", [key] + entries[: MAX_RECENT - 1])
        self._s.setValue("files/last", key)

    def clear_recent(self) -> None:
        self._s.setValue("files/recent", [])

    def last_release(self) -> list[str]:
        value = self._get("files/last", "", str)
        return value.split("\n") if value else []

    # -- the last view of a release (last_view.py) -------------------------------------
    def last_view(self, key: str) -> str:
        return self._get(key, "", str)

    def set_last_view(self, key: str, text: str) -> None:
        self._s.setValue(key, text)

    def sync(self) -> None:
        self._s.sync()


def config_dir() -> Path:
    """Where saved views and other per-user files live (created on demand)."""
    path = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppConfigLocation))
    path.mkdir(parents=True, exist_ok=True)
    return path
