"""install-launcher / uninstall-launcher against a throwaway HOME: what lands where, what
the entries say, and that uninstall leaves the HOME exactly as it found it."""
from __future__ import annotations

import configparser
import os
import shutil
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from app import launcher
from app.cli import main as cli
from app.launcher import APP_ID, ICON_SIZES, LauncherError


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    (h / "Desktop").mkdir(parents=True)
    return h


@pytest.fixture
def env(home: Path, tmp_path: Path) -> dict[str, str]:
    """HOME only, and a PATH without the cache tools, so runs are deterministic."""
    empty = tmp_path / "bin"
    empty.mkdir()
    return {"HOME": str(home), "PATH": str(empty)}


def snapshot(root: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))}


def read_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive in desktop files
    parser.read_string(path.read_text(encoding="utf-8"))
    return dict(parser["Desktop Entry"])


def unescape_string(value: str) -> str:
    """Desktop-file string escapes (\\s \\n \\t \\r \\\\)."""
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            out.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(value[i + 1], value[i + 1]))
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def parse_exec(value: str) -> list[str]:
    """Split an Exec value the way the Desktop Entry Spec says a launcher must."""
    text = unescape_string(value)
    args, cur, i, quoted, started = [], [], 0, False, False
    while i < len(text):
        c = text[i]
        if quoted:
            if c == "\\" and i + 1 < len(text) and text[i + 1] in '"`$\\':
                cur.append(text[i + 1])
                i += 1
            elif c == '"':
                quoted = False
            else:
                cur.append(c)
        elif c == '"':
            quoted = started = True
        elif c == " ":
            if started:
                args.append("".join(cur))
            cur, started = [], False
        else:
            cur.append(c)
            started = True
        i += 1
    assert not quoted, f"unterminated quote in {value!r}"
    if started:
        args.append("".join(cur))
    return [a.replace("%%", "%") if a not in ("%F", "%f", "%U", "%u") else a for a in args]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


# ---------------------------------------------------------------- what install writes


def test_install_writes_menu_entry_icons_mime_and_desktop_icon(env, home):
    result = launcher.install(env)
    data = home / ".local" / "share"
    menu = data / "applications" / f"{APP_ID}.desktop"
    entry = read_entry(menu)
    assert entry["Type"] == "Application" and entry["Name"] == "CQIA Curator"
    assert parse_exec(entry["Exec"]) == [str(Path(sys.executable).absolute()), "-m", "app", "%F"]
    assert unescape_string(entry["TryExec"]) == str(Path(sys.executable).absolute())
    assert Path(unescape_string(entry["Path"])) / "app" / "__init__.py" == Path(launcher.__file__).parent / "__init__.py"
    assert entry["Icon"] == APP_ID and entry["Terminal"] == "false"
    assert entry["MimeType"].split(";")[:3] == ["application/x-ndjson", "application/jsonl", "application/json"]
    for n in ICON_SIZES:
        assert png_size(data / "icons" / "hicolor" / f"{n}x{n}" / "apps" / f"{APP_ID}.png") == (n, n)
    mime = ET.parse(data / "mime" / "packages" / f"{APP_ID}.xml").getroot()
    ns = "{http://www.freedesktop.org/standards/shared-mime-info}"
    (mtype,) = mime.findall(f"{ns}mime-type")
    assert mtype.get("type") == "application/x-ndjson"
    assert "*.jsonl" in {g.get("pattern") for g in mtype.findall(f"{ns}glob")}
    desk = home / "Desktop" / f"{APP_ID}.desktop"
    assert result.desktop_icon == desk and desk.read_bytes() == menu.read_bytes()
    assert desk.stat().st_mode & stat.S_IXUSR  # desktops only launch executable entries
    assert set(result.changed) == set(launcher.targets(env).values())
    assert result.tools == []  # no tools on this PATH, and no failure either


def test_xdg_data_home_and_localised_desktop_folder_are_respected(env, home, tmp_path):
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg-data")
    (home / "Schreibtisch").mkdir()
    (home / ".config").mkdir()
    (home / ".config" / "user-dirs.dirs").write_text('XDG_DESKTOP_DIR="$HOME/Schreibtisch"\n', encoding="utf-8")
    result = launcher.install(env)
    assert (tmp_path / "xdg-data" / "applications" / f"{APP_ID}.desktop").is_file()
    assert not (home / ".local").exists()
    assert result.desktop_icon == home / "Schreibtisch" / f"{APP_ID}.desktop"
    assert not (home / "Desktop" / f"{APP_ID}.desktop").exists()


def test_no_desktop_folder_means_no_desktop_icon(env, home):
    (home / "Desktop").rmdir()
    result = launcher.install(env)
    assert result.desktop_icon is None
    assert "desktop" not in launcher.targets(env)
    assert (home / ".local" / "share" / "applications" / f"{APP_ID}.desktop").is_file()


def test_frozen_bundle_entry_runs_the_bundle_executable(env, home, monkeypatch):
    exe = "/opt/CQIA Curator/cqia-curator"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", exe)
    launcher.install(env)
    entry = read_entry(home / ".local" / "share" / "applications" / f"{APP_ID}.desktop")
    assert entry["Exec"] == '"/opt/CQIA Curator/cqia-curator" %F'
    assert parse_exec(entry["Exec"]) == [exe, "%F"]
    assert "Path" not in entry


# ---------------------------------------------------------------- idempotence and removal


def test_install_twice_then_uninstall_restores_home_exactly(env, home):
    data = home / ".local" / "share"
    (data / "applications").mkdir(parents=True)
    other = data / "applications" / "someone-else.desktop"
    other.write_text("[Desktop Entry]\nType=Application\nName=Other\nExec=other\n", encoding="utf-8")
    before = snapshot(home)
    launcher.install(env)
    first = snapshot(home)
    launcher.install(env)
    assert snapshot(home) == first  # idempotent: same files, same bytes
    removed = launcher.uninstall(env)
    assert set(removed.changed) == set(launcher.targets(env).values())
    assert snapshot(home) == before  # other apps' entries and pre-existing folders stay
    assert launcher.uninstall(env).changed == []  # and again: nothing left, no error


def test_uninstall_without_manifest_removes_the_standard_files(env, home):
    launcher.install(env)
    launcher.manifest_path(env).unlink()
    launcher.uninstall(env)
    assert not any(p.name.startswith(APP_ID) and p.is_file() for p in home.rglob("*"))


def test_cache_tools_run_when_present_and_uninstall_cleans_their_output(env, home, tmp_path):
    tool = shutil.which("update-mime-database")
    if tool is None:
        pytest.skip("update-mime-database (shared-mime-info) is not installed")
    os.symlink(tool, Path(env["PATH"]) / "update-mime-database")
    before = snapshot(home)
    result = launcher.install(env)
    assert "update-mime-database" in result.tools
    globs = (home / ".local" / "share" / "mime" / "globs2").read_text(encoding="utf-8")
    assert "application/x-ndjson:*.jsonl" in globs  # file managers now know *.jsonl
    launcher.uninstall(env)
    assert snapshot(home) == before


def test_desktop_file_validate_accepts_the_entry(env, home):
    validator = shutil.which("desktop-file-validate")
    if validator is None:
        pytest.skip("desktop-file-validate (desktop-file-utils) is not installed")
    launcher.install(env)
    run = subprocess.run([validator, str(home / ".local/share/applications" / f"{APP_ID}.desktop")],
                         capture_output=True, text=True)
    assert run.returncode == 0 and "error" not in run.stdout.lower(), run.stdout


# ---------------------------------------------------------------- quoting and the CLI


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x00"), min_size=1))
def test_exec_arguments_round_trip_through_the_spec_parser(path):
    assert parse_exec(launcher.exec_arg(path) + " %F") == [path, "%F"]


def test_line_breaks_cannot_be_put_into_an_exec_line():
    with pytest.raises(LauncherError):
        launcher.exec_arg("/tmp/a\nb")


def test_refuses_on_windows_and_macos(env, monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    with pytest.raises(LauncherError):
        launcher.install(env)


def test_cli_verbs_install_and_uninstall(home, monkeypatch, capsys):
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("PATH", "")
    assert cli.main(["install-launcher"]) == 0
    out = capsys.readouterr().out
    assert str(home / ".local/share/applications" / f"{APP_ID}.desktop") in out
    assert (home / "Desktop" / f"{APP_ID}.desktop").is_file()
    assert cli.main(["uninstall-launcher"]) == 0
    assert "removed 10 files" in capsys.readouterr().out
    assert not (home / ".local").exists()
