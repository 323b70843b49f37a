"""Build the frozen bundle from build.spec once per session and use it as a curator
would get it: `--version`, the headless `--self-test`, the shipped demo release, the
launcher, and the size budget.

Takes about a minute (the build). Environment:
  CQIA_SKIP_BUNDLE=1        skip these tests (local runs)
  CQIA_BUILD_PYTHON=PATH    build with this interpreter (CI: a clean venv holding only
                            the runtime dependencies and PyInstaller); default: this one
  CQIA_BUNDLE=DIR           test an already built "CQIA Curator" folder instead of building
  CQIA_BUNDLE_DIST=DIR      build into DIR (kept after the run; CI: dist/, so the benchmark
                            measures the same bundle), instead of a temporary folder
"""
from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
BUDGET_MIB = 300
EXE_NAME = "cqia-curator"

pytestmark = [
    pytest.mark.skipif(bool(os.environ.get("CQIA_SKIP_BUNDLE")), reason="CQIA_SKIP_BUNDLE is set"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the bundle is tested on Linux only"),
]


def _has_pyinstaller(python: str) -> bool:
    probe = subprocess.run([python, "-c", "import PyInstaller"], capture_output=True)
    return probe.returncode == 0


@pytest.fixture(scope="session")
def bundle(tmp_path_factory) -> Path:
    """The onedir folder "CQIA Curator" (built once per session)."""
    prebuilt = os.environ.get("CQIA_BUNDLE")
    if prebuilt:
        assert (Path(prebuilt) / EXE_NAME).is_file(), f"CQIA_BUNDLE={prebuilt} holds no {EXE_NAME}"
        return Path(prebuilt)
    python = os.environ.get("CQIA_BUILD_PYTHON") or sys.executable
    if not _has_pyinstaller(python):
        pytest.skip(f"PyInstaller is not installed for {python} (pip install '.[build]')")
    out = tmp_path_factory.mktemp("bundle")
    dist = Path(os.environ.get("CQIA_BUNDLE_DIST") or out / "dist")
    start = time.perf_counter()
    run = subprocess.run(
        [python, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(out / "work"), str(PROJECT / "build.spec")],
        cwd=PROJECT, capture_output=True, text=True, timeout=1200,
    )
    assert run.returncode == 0, f"PyInstaller failed:\n{run.stdout[-3000:]}\n{run.stderr[-6000:]}"
    folder = dist / "CQIA Curator"
    print(f"\nbundle built in {time.perf_counter() - start:.0f} s: {folder}", file=sys.stderr)
    return folder


@pytest.fixture
def run_env(tmp_path: Path) -> dict[str, str]:
    """Headless, with a throwaway HOME so settings and launchers never touch the real one."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "PYTHON", "QT_"))}
    env.update(HOME=str(tmp_path / "home"), QT_QPA_PLATFORM="offscreen")
    (tmp_path / "home").mkdir()
    return env


def run_bundle(bundle: Path, *args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(bundle / EXE_NAME), *args], env=env, capture_output=True, text=True, timeout=timeout)


def bundle_mib(folder: Path) -> float:
    """Apparent size of the regular files (links counted once, as `du --apparent-size`)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


# ---------------------------------------------------------------- the budget


def test_bundle_fits_its_size_budget(bundle):
    size = bundle_mib(bundle)
    print(f"\nbundle size: {size:.1f} MiB (budget {BUDGET_MIB})", file=sys.stderr)
    assert size <= BUDGET_MIB, f"the bundle is {size:.1f} MiB, over its {BUDGET_MIB} MiB budget"


# ---------------------------------------------------------------- running it


def test_version_names_app_qt_polars_and_jieba(bundle, run_env):
    from app import __version__

    run = run_bundle(bundle, "--version", env=run_env)
    assert run.returncode == 0, run.stderr
    for part in (f"CQIA Curator {__version__}", "Polars ", "Qt (PySide6) ", "jieba "):
        assert part in run.stdout, run.stdout  # the metadata the spec copies is there


def test_self_test_passes_headless_without_loading_jieba(bundle, run_env):
    start = time.perf_counter()
    run = run_bundle(bundle, "--self-test", env=run_env, timeout=300)
    took = time.perf_counter() - start
    assert run.returncode == 0, f"{run.stdout}\n{run.stderr[-4000:]}"
    assert "self-test passed" in run.stdout
    assert "jieba not imported" in run.stdout
    print(f"\nfrozen --self-test: {took:.1f} s", file=sys.stderr)


def test_validates_the_demo_release_it_ships(bundle, run_env):
    from app.core.load.loader import load_release

    demo = bundle / "_internal" / "resources" / "demo"
    assert demo.is_dir(), "resources/demo is not where app/resources.py looks in a frozen build"
    run = run_bundle(bundle, "validate", str(demo), "--json", env=run_env)
    assert run.returncode == 0, run.stderr
    frozen = json.loads(run.stdout)
    source = load_release(PROJECT / "resources" / "demo").report.to_json()
    assert frozen["rows"] == source["rows"] > 0
    assert frozen["bad_lines"] == source["bad_lines"]


def test_launcher_from_the_bundle_points_at_the_bundle(bundle, run_env):
    home = Path(run_env["HOME"])
    (home / "Desktop").mkdir()
    run = run_bundle(bundle, "install-launcher", env=run_env)
    assert run.returncode == 0, run.stderr
    entry = (home / ".local/share/applications/cqia-curator.desktop").read_text(encoding="utf-8")
    exe = str((bundle / EXE_NAME).resolve())
    assert f'Exec="{exe}" %F' in entry.splitlines()  # quoted: the folder name has a space
    assert "Path=" not in entry
    assert (home / "Desktop" / "cqia-curator.desktop").read_text(encoding="utf-8") == entry
    assert (home / ".local/share/icons/hicolor/512x512/apps/cqia-curator.png").is_file()
    run = run_bundle(bundle, "uninstall-launcher", env=run_env)
    assert run.returncode == 0, run.stderr
    assert [p for p in home.rglob("*") if p.is_file()] == []


class XServer:
    """A private Xvfb plus an Xlib connection that listens for windows being mapped."""

    MAP_NOTIFY, SUBSTRUCTURE_NOTIFY_MASK = 19, 1 << 19

    def __init__(self):
        read, write = os.pipe()
        self.proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1000x24",
                                      "-nolisten", "tcp"], pass_fds=(write,), stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as f:
            self.display = ":" + f.readline().strip()
        self.x = x = ctypes.CDLL(ctypes.util.find_library("X11"))
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        for name, args in (("XDefaultRootWindow", [ctypes.c_void_p]), ("XPending", [ctypes.c_void_p]),
                           ("XConnectionNumber", [ctypes.c_void_p]), ("XFlush", [ctypes.c_void_p]),
                           ("XCloseDisplay", [ctypes.c_void_p]),
                           ("XSelectInput", [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]),
                           ("XNextEvent", [ctypes.c_void_p, ctypes.c_void_p]),
                           ("XFetchName", [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_char_p)])):
            getattr(x, name).argtypes = args
        x.XDefaultRootWindow.restype = ctypes.c_ulong
        self.conn = x.XOpenDisplay(self.display.encode())
        assert self.conn, f"cannot open {self.display}"
        x.XSelectInput(self.conn, x.XDefaultRootWindow(self.conn), self.SUBSTRUCTURE_NOTIFY_MASK)
        x.XFlush(self.conn)

    def wait_for_window(self, title: str, proc: subprocess.Popen, timeout: float) -> bool:
        """Block until a top-level window whose name holds ``title`` is mapped."""
        event = (ctypes.c_long * 24)()  # sizeof(XEvent)
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline and proc.poll() is None:
            if not self.x.XPending(self.conn):
                select.select([self.x.XConnectionNumber(self.conn)], [], [], 0.2)
                continue
            self.x.XNextEvent(self.conn, event)
            if event[0] & 0xFFFFFFFF == self.MAP_NOTIFY:
                name = ctypes.c_char_p()
                if self.x.XFetchName(self.conn, event[5], ctypes.byref(name)) and title.encode() in (name.value or b""):
                    return True
        return False

    def close(self) -> None:
        self.x.XCloseDisplay(self.conn)
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture
def xserver():
    if shutil.which("Xvfb") is None or ctypes.util.find_library("X11") is None:
        pytest.skip("Xvfb and libX11 are needed to open the window on X11")
    server = XServer()
    yield server
    server.close()


def test_opens_its_window_on_x11_with_the_bundled_xcb_plugin(bundle, run_env, xserver):
    """The self-test renders offscreen; this proves the xcb plugin and the libraries it
    links load from the bundle. Prints the time to window (budget 2 s, measured by the
    benchmark, not asserted here)."""
    env = dict(run_env, DISPLAY=xserver.display, QT_QPA_PLATFORM="xcb")
    start = time.perf_counter()
    app = subprocess.Popen([str(bundle / EXE_NAME)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        shown = xserver.wait_for_window("CQIA Curator", app, timeout=60)
        took = time.perf_counter() - start
    finally:
        app.terminate()
        _, err = app.communicate(timeout=30)
    assert shown, f"no window was mapped: {err.decode(errors='replace')[-3000:]}"
    print(f"\nfrozen time to window on Xvfb: {took * 1000:.0f} ms", file=sys.stderr)


# ---------------------------------------------------------------- what is inside


def test_bundle_holds_what_it_needs_and_not_what_it_does_not(bundle):
    inside = bundle / "_internal"
    names = {p.name for p in inside.rglob("*")}
    # Qt's xcb plugin links these; the build machine must have had them
    for lib in ("libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-cursor.so.0"):
        assert lib in names, f"{lib} is not bundled (apt-get install libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0)"
    plugins = inside / "PySide6" / "Qt" / "plugins"
    for plugin in ("platforms/libqxcb.so", "platforms/libqoffscreen.so", "imageformats/libqico.so",
                   "imageformats/libqsvg.so", "platforminputcontexts/libibusplatforminputcontextplugin.so"):
        assert (plugins / plugin).is_file(), plugin
    assert not (plugins / "sqldrivers").exists() and not (plugins / "qmltooling").exists()
    qms = sorted(p.name for p in (inside / "PySide6" / "Qt" / "translations").glob("*.qm"))
    assert qms == ["qtbase_zh_CN.qm"]
    ours = sorted(p.name for p in (PROJECT / "resources" / "i18n").glob("*.qm"))
    assert ours and sorted(p.name for p in (inside / "resources" / "i18n").glob("*.qm")) == ours
    assert not list((inside / "resources").rglob("*.ts"))
    for size in (16, 32, 48, 64, 128, 256, 512):
        assert (inside / "resources" / "icons" / f"cqia-curator-{size}.png").is_file()
    jieba = inside / "jieba"
    # the dictionary ships xz-compressed (segment.unpacked_dictionary); the frozen text pass runs on it
    assert (jieba / "dict.txt.xz").is_file() and not (jieba / "dict.txt").exists()
    assert not [n for n in names if "sqlite" in n], "SQLite is shipped"
    assert not (inside / "pyqtgraph" / "icons" / "peegee").exists()
    assert not (jieba / "lac_small").exists(), "jieba's paddle model is shipped"
    assert not list(jieba.rglob("*.p")), "jieba's Jython pickles are shipped"
    for heavy in ("pandas", "pyarrow", "scipy", "matplotlib", "tkinter", "_tkinter", "pytest", "IPython"):
        assert heavy not in names, f"{heavy} is in the bundle"
    dangling = [str(p) for p in inside.rglob("*") if p.is_symlink() and not p.exists()]
    assert dangling == []


def test_frozen_app_finds_traditional_rows_with_only_opencc_t2s_dictionaries(bundle, run_env, tmp_path):
    """The script signal runs from the bundle (OpenCC's extension and its t2s dictionaries),
    and none of OpenCC's tools, static libraries or other dictionaries ship."""
    opencc = bundle / "_internal" / "opencc"
    share = opencc / "clib" / "share" / "opencc"
    assert (share / "t2s.json").is_file() and (share / "TSCharacters.ocd2").is_file()
    assert not (share / "STPhrases.ocd2").exists() and not (opencc / "clib" / "lib64").exists()
    assert not (opencc / "clib" / "bin").exists() and not (opencc / "clib" / "include").exists()
    rows = [{"instruction": "问题", "input": "", "output": "这是一段完整的回答，内容充实。"} for _ in range(20)]
    rows[4]["output"] = "這是一段完整的回答，內容充實。"
    release = tmp_path / "script.jsonl"
    release.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    run = run_bundle(bundle, "stats", str(release), "--signals", "--json", env=run_env, timeout=300)
    assert run.returncode == 0, run.stderr[-4000:]
    assert json.loads(run.stdout)["signals"]["counts"]["traditional"] == 1


def test_archive_holds_our_modules_and_the_jieba_tables(bundle):
    """CPython's jieba imports its HMM tables as modules (finalseg/prob_*.py, posseg/*.py);
    the self-test never loads jieba, so check they were compiled into the archive."""
    readers = pytest.importorskip("PyInstaller.archive.readers")
    pkg = readers.CArchiveReader(str(bundle / EXE_NAME))
    (pyz,) = [name for name in pkg.toc if name.endswith(".pyz")]
    modules = set(pkg.open_embedded_archive(pyz).toc)
    for name in ("jieba", "jieba.finalseg.prob_start", "jieba.finalseg.prob_trans", "jieba.finalseg.prob_emit",
                 "jieba.posseg", "jieba.posseg.char_state_tab", "jieba.posseg.prob_emit", "app.core.text.wordpass",
                 "app.ui.shell.launch", "app.ui.shell.startup", "app.ui.shell.main_window", "app.ui.shell.self_test", "app.launcher", "app.cli.main", "app.about"):
        assert name in modules, f"{name} is not in the bundle"
    for name in ("scipy", "pandas", "datasketch", "jieba.lac_small", "PySide6.QtNetwork", "PySide6.QtQml"):
        assert name not in modules, f"{name} should not be in the bundle"


def test_frozen_text_pass_runs_jieba_in_worker_processes(bundle, run_env, tmp_path):
    """jieba's dictionary and the spawn-based process pool work from the bundle: a text
    pass big enough to use 2 worker processes gives the same verbs as this interpreter."""
    from app.core.load.loader import load_release
    from app.core.text.wordpass import INPROCESS_CHARS

    demo = PROJECT / "resources" / "demo"
    objs = load_release(demo).frame.select("instruction", "input", "output").to_dicts()  # the good rows only
    rows, chars, i = [], 0, 0
    while chars <= 2 * INPROCESS_CHARS:  # distinct texts, so the pool really gets work
        obj = dict(objs[i % len(objs)])
        obj["output"] = f"第{i}条：" + str(obj.get("output", ""))
        rows.append(json.dumps(obj, ensure_ascii=False))
        chars += len(rows[-1])
        i += 1
    release = tmp_path / "big.jsonl"
    release.write_text("\n".join(rows) + "\n", encoding="utf-8")
    run = run_bundle(bundle, "stats", str(release), "--words", "--processes", "2", "--json", env=run_env, timeout=300)
    assert run.returncode == 0, run.stderr[-4000:]
    frozen = json.loads(run.stdout)["words"]
    # the source tree's answer from a fresh process: this one's jieba may hold words that
    # other tests added to its dictionary
    source = subprocess.run([sys.executable, "-m", "app", "stats", str(release), "--words", "--processes", "1", "--json"],
                            cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert source.returncode == 0, source.stderr[-4000:]
    here = json.loads(source.stdout)["words"]
    assert frozen["verbs"] == here["verbs"] and frozen["with_verb"] == here["with_verb"] > 0
    assert frozen["words"] == here["words"]
