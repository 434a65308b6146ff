"""The house plan (docs/architecture.md), read from the code's own imports with ``ast``.

Every ``import`` counts, also one inside a function: a lazy import that closes a cycle is still
a cycle. Layers run one way: ``game -> sim`` and ``kelly_gym -> sim``; ``sim`` never imports
``game``, ``kelly_gym`` or pygame, except the lazy dispatch of ``kelly play``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("sim", "game", "kelly_gym")
MAX_MODULE_LINES = 450
# The places the headless package may reach up, inside the command's run: `kelly play` starts
# the game, `kelly gym-baselines` plays the Gymnasium environments.
LAZY_UPWARD_COMMANDS = {"sim.cli.play", "sim.cli.gym_baselines"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[_module_name(path)] = path
    return found


MODULES = _modules()


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _imports(module: str, path: Path) -> set[str]:
    """Every module of ours (and every top-level name) that ``module`` imports, anywhere in it."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, path, node)
            submodules = {f"{target}.{alias.name}" for alias in node.names} & MODULES.keys()
            # `from pkg import sub` runs pkg.sub; pkg's __init__ counts when names come from it
            names.update(submodules)
            if len(submodules) < len(node.names):
                names.add(target)
    return names


def _ours(name: str) -> str | None:
    """The module of ours that importing ``name`` runs last (its longest known prefix)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in MODULES:
            return candidate
    return None


GRAPH = {
    module: {target for name in _imports(module, path)
             if (target := _ours(name)) and target != module}
    for module, path in MODULES.items()
}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
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


def _package_edges(graph):
    return {(module, target) for module, targets in graph.items() for target in targets}


def test_the_packages_are_found():
    assert {"sim", "sim.engine", "sim.cli", "game", "game.app"} <= set(MODULES)


def test_no_import_cycles():
    # A package's __init__ that re-exports its submodules is not a cycle with them: the
    # submodules must not import their own package's __init__ back, which this still catches.
    assert _cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("upper", ["game", "kelly_gym"])
def test_sim_never_imports_the_layers_above(upper):
    offenders = sorted(
        (module, target) for module, target in _package_edges(GRAPH)
        if module.split(".")[0] == "sim" and target.split(".")[0] == upper
        and module not in LAZY_UPWARD_COMMANDS
    )
    assert offenders == []


def test_sim_never_imports_pygame():
    offenders = sorted(
        module for module, path in MODULES.items() if module.split(".")[0] == "sim"
        and any(name.split(".")[0] in {"pygame", "pygame_gui"} for name in _imports(module, path))
    )
    assert offenders == []


@pytest.mark.parametrize(("lower", "upper"), [("game", "kelly_gym"), ("kelly_gym", "game")])
def test_the_game_and_the_gym_layer_stand_side_by_side(lower, upper):
    offenders = sorted((m, t) for m, t in _package_edges(GRAPH)
                       if m.split(".")[0] == lower and t.split(".")[0] == upper)
    assert offenders == []


def test_scenes_and_sessions_never_import_the_app():
    offenders = sorted((m, t) for m, t in _package_edges(GRAPH)
                       if m.startswith(("game.scene", "game.sessions")) and t == "game.app")
    assert offenders == []


def test_sessions_never_import_pygame():
    # the play-throughs are pure: the tests and the CLI run them without a window
    offenders = sorted(
        module for module, path in MODULES.items() if module.startswith("game.sessions")
        and any(name.split(".")[0] in {"pygame", "pygame_gui"} for name in _imports(module, path))
    )
    assert offenders == []


def test_no_module_is_too_long():
    long = {module: lines for module, path in MODULES.items()
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}
