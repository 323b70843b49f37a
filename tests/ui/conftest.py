"""pytest-qt fixtures: offscreen Qt, throwaway settings, small releases, a ready window."""
from __future__ import annotations

import functools
import json
import os
import tempfile

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before any Qt import
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QSettings, QStandardPaths  # noqa: E402

# Settings go to a scratch folder for the whole run: tests never touch the user's.
_SCRATCH = tempfile.mkdtemp(prefix="cqia-ui-tests-")
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
for _fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
    QSettings.setPath(_fmt, QSettings.Scope.UserScope, _SCRATCH)
QStandardPaths.setTestModeEnabled(True)
os.environ["XDG_CONFIG_HOME"] = os.path.join(_SCRATCH, "config")  # remembered project folders (app/core/store/locate.py)
os.environ["XDG_DATA_HOME"] = os.path.join(_SCRATCH, "data")  # fallback project folders

HTML_INSTRUCTION = "<b>x</b><script>alert(1)</script>"
TROUBLE_OUTPUT = "A\u202eB\x00C\u200bD 😀 豆浆"


def row(instruction: str, output: str, *, major=("问答",), minor=("常识",), domain=("通用",), answer="human",
        verified=True, inp="") -> str:
    return json.dumps({
        "instruction": instruction, "input": inp, "output": output,
        "task_type": {"major": list(major), "minor": list(minor)}, "domain": list(domain),
        "metadata": "暂无元数据信息", "answer_from": answer, "human_verified": verified, "copyright": "暂无版权及作者信息",
    }, ensure_ascii=False)


def write_release(root: Path) -> Path:
    """A small tree release: 3 sources, 4 subsets, 60 good rows, 1 bad line, 1 LFS pointer.

    Counts the tests rely on: ruozhiba 20 rows (12 mention 豆浆), zhihu 25, wiki 15;
    answer_from human 35 / llm 25.
    """
    (root / "ruozhiba").mkdir(parents=True)
    (root / "zhihu").mkdir()
    (root / "wiki").mkdir()
    rz = [row(f"咖啡是不是豆浆 {i}" if i < 12 else f"弱智吧问题 {i}", f"回答 {i}\n第二行", answer="llm")
          for i in range(19)]
    rz.append(row(HTML_INSTRUCTION, TROUBLE_OUTPUT, answer="llm"))
    (root / "ruozhiba" / "ruozhiba.jsonl").write_text("\n".join(rz) + "\n", encoding="utf-8")
    zh_a = [row(f"知乎问题 {i}", "知乎回答 " + "很长" * (i * 20), major=("生成",), minor=("写作",), domain=("社科",),
                answer="human" if i % 2 else "llm") for i in range(12)]
    zh_b = [row(f"Zhihu English question {i}", f"answer {i}", major=("问答", "生成"), domain=("社科", "科技"))
            for i in range(13)]
    (root / "zhihu" / "zhihu_a.jsonl").write_text("\n".join(zh_a) + "\n", encoding="utf-8")
    (root / "zhihu" / "zhihu_b.jsonl").write_text("\n".join(zh_b) + "\n{not json\n", encoding="utf-8")
    wiki = [row(f"百科 {i}", f"百科内容 {i}", major=("知识",), minor=(), domain=("医学",), verified=bool(i % 3))
            for i in range(15)]
    (root / "wiki" / "wiki.jsonl").write_text("\n".join(wiki) + "\n", encoding="utf-8")
    (root / "wiki" / "lfs.jsonl").write_text(
        "version https://git-lfs.github.com/spec/v1\noid sha256:" + "0" * 64 + "\nsize 123\n", encoding="utf-8")
    return root


@pytest.fixture()
def small_release(tmp_path: Path) -> Path:
    return write_release(tmp_path / "release")


@pytest.fixture(scope="session")
def _app_once(qapp):
    from app.ui.shell.startup import make_app

    return make_app()


@pytest.fixture()
def app_env(_app_once):
    """The QApplication as startup.make_app sets it up, reset to known preferences:
    English (whatever the machine's locale), dark theme, no zoom, empty settings."""
    from app.ui.shell import i18n
    from app.ui.common import themes

    app, settings, fonts = _app_once
    QSettings().clear()
    i18n.install_language("en")
    if themes.current_theme(app) != "dark":
        themes.apply_theme(app, "dark")
    if fonts.zoom:
        fonts.set_zoom(0)
    yield settings, fonts
    i18n.uninstall()  # other test modules expect the untranslated source strings


@pytest.fixture()
def window(qtbot, app_env, tmp_path, monkeypatch):
    from app.ui.shell import commands
    from app.ui.shell.main_window import MainWindow

    monkeypatch.setattr(commands, "config_dir", lambda: tmp_path / "config")
    settings, fonts = app_env
    win = MainWindow(settings, fonts)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.session.shutdown()
    win.deleteLater()


PATIENCE_MS = 60000  # the least any wait gives its condition: it bounds a hang, it never paces a test


def _patient(wait, *args, timeout: int = PATIENCE_MS, **kwargs):
    return wait(*args, timeout=max(timeout, PATIENCE_MS), **kwargs)


@pytest.fixture()
def qtbot(qtbot):
    """pytest-qt's qtbot whose waits give up after PATIENCE_MS at the earliest (its default
    is 5 s): they return as soon as their condition holds, and on a machine whose cores are
    busy elsewhere a worker's recount can take longer than 5 s to land."""
    for name in ("waitUntil", "waitSignal", "waitSignals", "waitCallback", "waitActive", "waitExposed"):
        setattr(qtbot, name, functools.partial(_patient, getattr(qtbot, name)))
    return qtbot


def wait_idle(qtbot, win, timeout: int = PATIENCE_MS) -> None:
    """Until the release is loaded, no search is waiting out its debounce and the worker is idle."""
    qtbot.waitUntil(lambda: win.session.release is not None and not win.session.loading
                    and not win.search_bar.pending and not win.session.busy and win.session.facets is not None,
                    timeout=timeout)


def settle_all(qtbot, win, timeout: int = PATIENCE_MS) -> None:
    """Until nothing is left to land: the rows and counts of the current view, the curation
    frame and the analysis passes (whose columns replace the frame and recount it). The
    self-test waits for the same condition."""
    from app.ui.shell.self_test import quiet

    qtbot.waitUntil(lambda: win.session.release is not None and quiet(win), timeout=timeout)


@pytest.fixture()
def loaded(qtbot, window, small_release):
    """The window with the small release in, and everything that follows a load landed."""
    window.open_paths([str(small_release)])
    settle_all(qtbot, window)
    return window
