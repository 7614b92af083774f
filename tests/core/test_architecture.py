"""The plan of the house, read from the source: who may import whom, where SQL lives, no circles between packages."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "storage", "handlers", "web", "sandbox")

# The composition root builds the PTB Application, the web server and the handlers around the core: it is the one
# place in bot/ that may name Telegram and the adapters. The command line starts it (and nothing else of theirs).
COMPOSITION_ROOT = {"bot.app"}
# The entry: the root and the command line that starts it, free to name every wing and adapter.
ENTRY = {"bot.app", "bot.cli", "bot.__main__"}
# The command line may start the stage, lazily, for `python -m bot demo` and `python -m bot sandbox` only.
LAZY_STAGE_IMPORTS = {("bot.cli", "sandbox.demo"), ("bot.cli", "sandbox")}

# A statement is SQL when a keyword that starts one meets the keyword that completes it.
SQL = re.compile(
    r"\bSELECT\b[\s\S]*\bFROM\b|\bINSERT\s+(?:OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b"
    r"|\bCREATE\s+(?:UNIQUE\s+)?(?:TABLE|INDEX|VIEW|TRIGGER)\b|\bPRAGMA\s+\w+|\bBEGIN\s+(?:IMMEDIATE|DEFERRED)\b")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[_module_name(path)] = path
    return found


SOURCES = _sources()


def _imports(module: str) -> list[tuple[str, int, bool]]:
    """(imported module, line, at module level) for every import of one module, relative ones resolved."""
    tree = ast.parse(SOURCES[module].read_text(encoding="utf-8"))
    package = module if SOURCES[module].name == "__init__.py" else module.rpartition(".")[0]
    top_level = {id(node) for node in tree.body}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((alias.name, node.lineno, id(node) in top_level) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            out.append((base, node.lineno, id(node) in top_level))
            # `from bot import texts` imports the module bot.texts
            out.extend((f"{base}.{alias.name}", node.lineno, id(node) in top_level) for alias in node.names
                       if f"{base}.{alias.name}" in SOURCES)
    return out


def _ours(name: str) -> bool:
    return name.split(".")[0] in PACKAGES


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_the_tree_is_where_the_plan_says():
    assert "bot.model" in SOURCES and "sandbox" in SOURCES
    assert (ROOT / "sandbox" / "fake.py").is_file() and (ROOT / "sandbox" / "playground.py").is_file()
    # the stage is not part of the product (written as parts, so that path rewriting leaves this test alone)
    assert not (ROOT / "bot" / "sandbox").exists()
    assert not (ROOT / "bot" / "playground.py").exists() and not (ROOT / "bot" / "demo.py").exists()


def test_the_model_is_a_leaf():
    """bot.model imports nothing of ours but itself: everything else may lean on it."""
    wrong = [(m, name, line) for m in SOURCES if _within(m, "bot.model")
             for name, line, _ in _imports(m) if _ours(name) and not _within(name, "bot.model")]
    assert wrong == []


def test_storage_imports_only_the_model():
    wrong = [(m, name, line) for m in SOURCES if _within(m, "storage")
             for name, line, _ in _imports(m)
             if _ours(name) and not (_within(name, "storage") or _within(name, "bot.model"))]
    assert wrong == []


def test_the_core_knows_nothing_of_telegram_the_adapters_or_the_stage():
    wrong = []
    for m in SOURCES:
        if not _within(m, "bot") or m in COMPOSITION_ROOT:
            continue
        for name, line, top in _imports(m):
            forbidden = name.split(".")[0] in ("telegram", "handlers", "sandbox", "web")
            if forbidden and not (not top and (m, name) in LAZY_STAGE_IMPORTS):
                wrong.append((m, name, line))
    assert wrong == []


def test_the_stage_imports_are_lazy_and_only_in_the_command_line():
    found = {(m, name) for m in SOURCES if _within(m, "bot")
             for name, _, top in _imports(m) if _within(name, "sandbox")}
    assert found <= LAZY_STAGE_IMPORTS
    # the product never reaches the stage from anywhere else
    assert all(not top for m in ("bot.cli",) for name, _, top in _imports(m) if _within(name, "sandbox"))


def test_handlers_and_web_never_import_the_stage():
    wrong = [(m, name) for m in SOURCES if m.split(".")[0] in ("handlers", "web", "storage")
             for name, _, _ in _imports(m) if _within(name, "sandbox")]
    assert wrong == []


def _strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            out.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
            out.append((node.lineno, text))
    return out


def test_only_storage_speaks_sql():
    wrong = [(m, line, text[:60]) for m, path in SOURCES.items() if not _within(m, "storage")
             for line, text in _strings(path) if SQL.search(text)]
    assert wrong == []


@pytest.mark.parametrize("text, is_sql", [
    ("SELECT id FROM tickets WHERE id = ?", True),
    ("INSERT OR IGNORE INTO seen(update_id) VALUES (?)", True),
    ("UPDATE outbox SET state = 'sent'", True),
    ("DELETE FROM jobs WHERE id = ?", True),
    ("请选择要更新的内容", False),
    ("Select the delivery from the list", False),
])
def test_the_sql_detector_tells_sql_from_prose(text, is_sql):
    assert bool(SQL.search(text)) is is_sql


def _component(module: str) -> str:
    """The nodes of the package graph: bot's subpackages count on their own, the composition root too."""
    if module in ENTRY:
        return "bot (entry)"
    parts = module.split(".")
    if module == "bot.services":  # the bundle of core services the handlers are given
        return module
    if parts[0] == "bot" and len(parts) > 1 and (ROOT / "bot" / parts[1]).is_dir():
        return f"bot.{parts[1]}"
    return "bot (shared)" if parts[0] == "bot" else parts[0]


def _package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for m in SOURCES:
        for name, _, top in _imports(m):
            if not _ours(name) or (m, name) in LAZY_STAGE_IMPORTS:
                continue
            target = name if name in SOURCES else name.rpartition(".")[0]
            if target not in SOURCES:
                continue
            a, b = _component(m), _component(target)
            if a != b:
                graph.setdefault(a, set()).add(b)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_circles_between_packages():
    assert _cycle(_package_graph()) is None


def test_the_cycle_finder_finds_a_circle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}}) is None


def test_no_circles_between_the_fakes_modules():
    """The fake Telegram's modules form a tree too: its server does not import the fake that owns it."""
    graph: dict[str, set[str]] = {}
    for m in SOURCES:
        if _within(m, "sandbox") and m != "sandbox":
            for name, _, top in _imports(m):
                if _within(name, "sandbox") and name != "sandbox" and name in SOURCES:
                    graph.setdefault(m, set()).add(name)
    assert _cycle(graph) is None


def test_the_readme_map_names_every_package():
    """The README's 代码结构 lists every package of the tree, and nothing that is gone."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## 代码结构"):]
    section = section[: section.index("\n## ", 1)]
    packages = [f"{p}/" for p in PACKAGES] + [f"bot/{d.name}/" for d in sorted((ROOT / "bot").iterdir())
                                             if (d / "__init__.py").is_file()]
    assert [p for p in packages if f"`{p}`" not in section] == []
    named = set(re.findall(r"`(bot/[a-z_]+(?:/|\.py))`", section))
    assert [n for n in sorted(named) if not (ROOT / n).exists()] == []
