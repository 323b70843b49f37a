"""Install and remove the Linux launcher for the current user: a menu entry, a desktop
icon, the themed icon at every size we ship, and a MIME package that maps ``*.jsonl``
to ``application/x-ndjson`` so file managers offer "Open with CQIA Curator".

Everything lands under ``$XDG_DATA_HOME`` (default ``~/.local/share``) and the user's
desktop folder; a manifest records which files and folders we created so uninstall
removes exactly those. Pure standard library: the CLI imports this without Qt.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from .resources import resource_path

APP_ID = "cqia-curator"
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)
MIME_TYPE = "application/x-ndjson"

MIME_PACKAGE = """<?xml version="1.0" encoding="UTF-8"?>
<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">
  <mime-type type="application/x-ndjson">
    <comment>JSON Lines data</comment>
    <comment xml:lang="zh_CN">JSON Lines 数据</comment>
    <sub-class-of type="text/plain"/>
    <glob pattern="*.jsonl"/>
    <glob pattern="*.ndjson"/>
  </mime-type>
</mime-info>
"""

# Characters that force quoting of an Exec argument (Desktop Entry Spec, "The Exec key").
_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


class LauncherError(Exception):
    """A one-line reason the launcher cannot be installed here."""


@dataclass
class Result:
    changed: list[Path] = field(default_factory=list)  # files written or removed
    desktop_icon: Path | None = None
    tools: list[str] = field(default_factory=list)  # cache tools that ran


# ---------------------------------------------------------------- locations


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def _home(env: Mapping[str, str]) -> Path:
    home = env.get("HOME")
    if not home:
        raise LauncherError("HOME is not set")
    return Path(home)


def data_home(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME`` if absolute, else ``$HOME/.local/share`` (XDG Base Directory)."""
    env = _env(env)
    xdg = env.get("XDG_DATA_HOME", "")
    return Path(xdg) if xdg and os.path.isabs(xdg) else _home(env) / ".local" / "share"


def desktop_dir(env: Mapping[str, str] | None = None) -> Path | None:
    """The user's desktop folder as ``xdg-user-dir DESKTOP`` reports it, if it exists.

    Parsed from ``user-dirs.dirs`` directly (the same file that script sources) so no
    process is spawned; ``None`` when the folder is absent or is the home itself.
    """
    env = _env(env)
    home = _home(env)
    config = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
    candidate = home / "Desktop"
    try:
        text = (config / "user-dirs.dirs").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    m = re.search(r'^\s*XDG_DESKTOP_DIR\s*=\s*"([^"]*)"', text, re.MULTILINE)
    if m:
        candidate = Path(m.group(1).replace("$HOME", str(home)))
    if candidate.is_dir() and candidate.resolve() != home.resolve():
        return candidate
    return None


def targets(env: Mapping[str, str] | None = None) -> dict[str, Path]:
    """Every file install writes, keyed by role (the desktop icon only when a desktop exists)."""
    data = data_home(env)
    out = {
        "menu": data / "applications" / f"{APP_ID}.desktop",
        "mime": data / "mime" / "packages" / f"{APP_ID}.xml",
    }
    for n in ICON_SIZES:
        out[f"icon{n}"] = data / "icons" / "hicolor" / f"{n}x{n}" / "apps" / f"{APP_ID}.png"
    desk = desktop_dir(env)
    if desk is not None:
        out["desktop"] = desk / f"{APP_ID}.desktop"
    return out


def manifest_path(env: Mapping[str, str] | None = None) -> Path:
    return data_home(env) / APP_ID / "launcher.json"


# ---------------------------------------------------------------- the entry


def launch_command() -> list[str]:
    """How to start this very app: the bundle's executable when frozen, else this
    interpreter running the package (works from a source checkout or an install)."""
    if getattr(sys, "frozen", False):
        return [str(Path(sys.executable).resolve())]
    return [str(Path(sys.executable).absolute()), "-m", "app"]


def exec_arg(arg: str) -> str:
    """Quote one argument for an Exec key, then escape it as a desktop-file string."""
    if "\n" in arg or "\r" in arg:
        raise LauncherError(f"cannot put a path with a line break into a launcher: {arg!r}")
    arg = arg.replace("%", "%%")
    if any(c in _EXEC_RESERVED for c in arg):
        arg = '"' + re.sub(r'(["`$\\])', r"\\\1", arg) + '"'
    return arg.replace("\\", "\\\\")


def _string_value(text: str) -> str:
    return text.replace("\\", "\\\\")


def desktop_entry(command: list[str] | None = None) -> str:
    """The shipped ``resources/cqia-curator.desktop`` with Exec/TryExec pointing here."""
    command = launch_command() if command is None else command
    template = resource_path(f"{APP_ID}.desktop").read_text(encoding="utf-8")
    extra = ["TryExec=" + _string_value(command[0])]
    if not getattr(sys, "frozen", False) and command[1:2] == ["-m"]:
        # `python -m app` must find the package even when it is not pip-installed.
        extra.append("Path=" + _string_value(str(Path(__file__).resolve().parent.parent)))
    lines = []
    for ln in template.splitlines():
        if ln.startswith(("TryExec=", "Path=")):
            continue
        if ln.startswith("Exec="):
            lines.append("Exec=" + " ".join(exec_arg(a) for a in command) + " %F")
            lines.extend(extra)
        else:
            lines.append(ln)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- install / uninstall


def _ensure_dir(path: Path, created: list[str]) -> None:
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        d.mkdir()
        created.append(str(d))


def _write(path: Path, data: bytes, created_dirs: list[str], mode: int = 0o644) -> None:
    _ensure_dir(path.parent, created_dirs)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def _run_if_present(tool: str, *args: str, env: Mapping[str, str], ran: list[str]) -> None:
    """Refresh a desktop cache when the tool exists; a missing or failing tool is not an error."""
    exe = shutil.which(tool, path=env.get("PATH", os.defpath))
    if exe is None:
        return
    try:
        subprocess.run([exe, *args], env=dict(env), stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=30, check=False)
        ran.append(tool)
    except (OSError, subprocess.SubprocessError):
        pass


def _read_manifest(env: Mapping[str, str]) -> dict:
    try:
        data = json.loads(manifest_path(env).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _refresh(env: Mapping[str, str], ran: list[str]) -> None:
    data = data_home(env)
    if (data / "applications").is_dir():
        _run_if_present("update-desktop-database", "-q", str(data / "applications"), env=env, ran=ran)
    if (data / "mime" / "packages").is_dir():
        _run_if_present("update-mime-database", str(data / "mime"), env=env, ran=ran)


def install(env: Mapping[str, str] | None = None, command: list[str] | None = None) -> Result:
    """Write the menu entry, desktop icon, themed icons and MIME package; idempotent."""
    env = _env(env)
    if sys.platform in ("win32", "darwin"):
        raise LauncherError("install-launcher is for Linux desktops (freedesktop.org)")
    old = _read_manifest(env)
    created: list[str] = list(old.get("dirs", []))
    _ensure_dir(manifest_path(env).parent, created)
    result = Result()
    entry = desktop_entry(command).encode("utf-8")
    paths = targets(env)
    for role, path in paths.items():
        if role.startswith("icon"):
            src = resource_path("icons", f"{APP_ID}-{role[4:]}.png")
            _write(path, src.read_bytes(), created)
        elif role == "mime":
            _write(path, MIME_PACKAGE.encode("utf-8"), created)
        else:
            # Desktop icons must be executable to be trusted by GNOME/KDE/Xfce.
            _write(path, entry, created, mode=0o755 if role == "desktop" else 0o644)
        result.changed.append(path)
    result.desktop_icon = paths.get("desktop")
    if result.desktop_icon is not None and env.get("DBUS_SESSION_BUS_ADDRESS"):
        _run_if_present("gio", "set", str(result.desktop_icon), "metadata::trusted", "true",
                        env=env, ran=result.tools)
    files = sorted({*old.get("files", []), *(str(p) for p in paths.values())})
    manifest = json.dumps({"files": files, "dirs": created}, indent=1)
    _write(manifest_path(env), manifest.encode("utf-8"), created)
    _refresh(env, result.tools)
    return result


def uninstall(env: Mapping[str, str] | None = None) -> Result:
    """Remove what install wrote (per its manifest, else the standard paths); idempotent."""
    env = _env(env)
    manifest = _read_manifest(env)
    files = [Path(f) for f in manifest.get("files", [])] or list(targets(env).values())
    result = Result()
    for path in files:
        if path.name.startswith(APP_ID) and (path.is_file() or path.is_symlink()):
            path.unlink()
            result.changed.append(path)
    mp = manifest_path(env)
    if mp.exists():
        mp.unlink()
    _refresh(env, result.tools)
    data = data_home(env)
    # Folders we made go again once empty; caches the tools generated there go with them.
    for d in sorted((Path(x) for x in manifest.get("dirs", [])), key=lambda p: len(p.parts), reverse=True):
        if d == data / "mime" and d.is_dir() and not any((d / "packages").glob("*")):
            shutil.rmtree(d, ignore_errors=True)
            continue
        if d == data / "applications" and [p.name for p in d.glob("*")] == ["mimeinfo.cache"]:
            (d / "mimeinfo.cache").unlink()
        try:
            d.rmdir()
        except OSError:
            pass  # not empty (someone else's files) or already gone
    return result


# ---------------------------------------------------------------- CLI verbs


def cmd_install(args) -> int:
    try:
        result = install()
    except (LauncherError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"menu entry: {targets()['menu']}")
    print(f"desktop icon: {result.desktop_icon or 'none (no desktop folder)'}")
    print(f"installed {len(result.changed)} files; refreshed: {', '.join(result.tools) or 'nothing'}")
    return 0


def cmd_uninstall(args) -> int:
    result = uninstall()
    for path in result.changed:
        print(f"removed {path}")
    print(f"removed {len(result.changed)} files")
    return 0
