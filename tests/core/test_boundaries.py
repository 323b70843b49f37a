"""The core/UI split and the CLI's light imports, checked for real."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


def test_import_linter_contract_holds():
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    if not Path(exe).exists():
        pytest.skip("import-linter is not installed (pip install -e .[test])")
    result = subprocess.run([exe], cwd=PROJECT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "core never imports Qt or the UI KEPT" in result.stdout


def test_cli_imports_neither_qt_nor_jieba(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"instruction": "你好", "output": "你好！"}\n', encoding="utf-8")
    code = (
        "import sys, json; from app.cli import main as cli; rc = cli.main(['stats', sys.argv[1], '--json']);"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'jieba', 'pyqtgraph', 'shiboken6'));"
        "print('MODULES', json.dumps(heavy)); sys.exit(rc)"
    )
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "a.jsonl")], cwd=PROJECT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    heavy = json.loads(result.stdout.rsplit("MODULES", 1)[1])
    assert heavy == []
