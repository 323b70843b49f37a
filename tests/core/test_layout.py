"""The house: app/ is made of rooms by job, layered, without import cycles. Checked on the
code as it is (import-linter's contracts in pyproject.toml, grimp's import graph, the
source's own imports and docstrings), so a move that breaks the plan fails here."""
from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
APP = PROJECT / "app"

CONTRACTS = (
    "core never imports Qt or the UI",
    "app: entry > cli | ui > bench | launcher > core > about | resources",
    "core rooms: team > store > export > curate | figures > query | text > load > io",
    "ui rooms: probes > shell > review > curate | analysis > browse > common",
    "cli: main > release | tool | contamination | team | edit verbs > curation verbs > common",
    "no cycles between the modules or packages of one package",
)


def test_every_import_contract_is_kept():
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    if not Path(exe).exists():
        pytest.skip("import-linter is not installed (pip install -e .[test])")
    result = subprocess.run([exe], cwd=PROJECT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    said = " ".join(result.stdout.split())  # lint-imports wraps long names at the terminal's width
    for name in CONTRACTS:
        assert f"{name} KEPT" in said, result.stdout


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_through_others():
    """Every import counts, lazy ones and those only for type checkers included."""
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("app", cache_dir=None)
    edges = {m: {d for d in graph.find_modules_directly_imported_by(m) if d.startswith("app.")}
             for m in graph.modules if m.startswith("app")}
    assert _cycles(edges) == []


def _rooms() -> list[Path]:
    """The rooms: each package right under app/core and app/ui, and app/cli (a package
    inside a room, such as text/signals, is part of that room)."""
    return sorted([p.parent for top in ("core", "ui") for p in (APP / top).glob("*/__init__.py")] + [APP / "cli"])


def _readme_map() -> dict[str, str]:
    """The room map of the README's Development section: a tree of ``name/  what`` lines
    in a code block; returns full path ("app/core/io") -> its line."""
    dev = (PROJECT / "README.md").read_text(encoding="utf-8").split("\n## Development", 1)[1].split("\n## ", 1)[0]
    block = dev.split("```", 2)[1]
    out: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for line in block.splitlines():
        m = re.match(r"^(\s*)([\w.]+)/(\s+\S.*)?$", line)
        if not m:
            continue
        indent = len(m.group(1))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, m.group(2)))
        out["/".join(name for _, name in stack)] = (m.group(3) or "").strip()
    return out


def test_every_room_says_in_one_line_what_it_holds_and_is_on_the_readme_map():
    rooms = _rooms()
    assert len(rooms) >= 15  # core and ui are split into rooms, the CLI is one
    mapped = _readme_map()
    for room in rooms:
        doc = ast.get_docstring(ast.parse((room / "__init__.py").read_text(encoding="utf-8")))
        where = room.relative_to(PROJECT).as_posix()
        assert doc and "\n" not in doc.strip(), f"{where}/__init__.py: a one-line docstring says what lives there"
        assert mapped.get(where), f"{where}/ has no line on the README's room map"
    for where in mapped:
        if where.startswith(("app/core/", "app/ui/", "app/cli")):
            assert (PROJECT / where / "__init__.py").is_file(), f"the README maps {where}/, which is not a room"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package_of(path: Path) -> str:
    return ".".join(path.parent.relative_to(PROJECT).parts)


def _is_module(package: str, name: str) -> bool:
    return (PROJECT.joinpath(*package.split("."), f"{name}.py")).is_file()


def test_a_room_imports_its_own_modules_relatively_and_other_rooms_by_full_name():
    """``from .schema import X`` inside a room, ``from app.core.load.schema import X``
    across rooms: an arrow between rooms is readable where it stands."""
    wrong = []
    for path in sorted(APP.rglob("*.py")):
        package, where = _package_of(path), path.relative_to(PROJECT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                ok = node.level == 1 and (
                    (node.module is None and not any((path.parent / a.name).is_dir() for a in node.names))
                    or (node.module is not None and "." not in node.module and _is_module(package, node.module)))
                if not ok:
                    wrong.append(f"{where}:{node.lineno}: relative import leaves the room: use app.<room>...")
                continue
            if isinstance(node, ast.ImportFrom):
                targets = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            for target in targets:
                parent, _, name = target.rpartition(".")
                if parent == package and _is_module(package, name) and _module_name(path) != target:
                    wrong.append(f"{where}:{node.lineno}: {target} is in the same room: import it relatively")
                    break
    assert wrong == []
