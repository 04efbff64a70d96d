"""The packages of lms/ import each other one way only, top-down (docs/architecture.md):
read from the code itself, every import, also those inside functions."""

import ast
from pathlib import Path

LMS = Path(__file__).resolve().parent.parent / "lms"

# Bottom to top. A package may import packages of lower layers (and plumbing modules of its own
# layer); the root package (create_app) is the composition root and imports everything.
LAYERS = [
    {"config", "extensions", "core"},  # plumbing that knows no domain: lms/core/, and the app's settings and extensions
    {"auth"},
    {"jobs"},
    {"people"},
    {"courses"},
    {"learning"},
    {"batches"},
    {"certificates"},
    {"reports"},
    {"main", "demo", "templating", "health", "metrics"},
]  # fmt: skip
LAYER_OF = {name: index for index, layer in enumerate(LAYERS) for name in layer}


def unit(module: str) -> str | None:
    """The package (or top-level module) of lms that a dotted module name belongs to."""
    parts = module.split(".")
    return parts[1] if parts[0] == "lms" and len(parts) > 1 else None


def imported_modules(tree: ast.AST) -> list[str]:
    """Every module an ast imports, `from lms import x` counted as lms.x."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
            if node.module == "lms":
                found += [f"lms.{alias.name}" for alias in node.names]
    return found


def package_graph() -> dict[str, set[str]]:
    """unit -> the units it imports (the root package itself excluded)."""
    graph: dict[str, set[str]] = {}
    for path in LMS.rglob("*.py"):
        relative = path.relative_to(LMS.parent).with_suffix("")
        source = unit(".".join(relative.parts))
        if source is None or source == "__init__":
            continue
        targets = {unit(name) for name in imported_modules(ast.parse(path.read_text()))}
        graph.setdefault(source, set()).update(target for target in targets if target and target != source)
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the graph as a path, or None (depth-first search)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_package_imports_the_root():
    assert "__init__" not in {t for targets in package_graph().values() for t in targets}
    for targets in package_graph().values():
        assert "create_app" not in targets


def test_the_package_graph_has_no_cycle():
    assert cycle(package_graph()) is None


def test_every_package_has_a_layer():
    assert set(package_graph()) - set(LAYER_OF) == set(), "add the new package to LAYERS"


def test_imports_point_down_the_layers():
    upward = [
        f"{source} -> {target}"
        for source, targets in package_graph().items()
        for target in targets
        if LAYER_OF[target] > LAYER_OF[source]
        or (LAYER_OF[target] == LAYER_OF[source] and LAYER_OF[source] > 0)
    ]
    assert upward == []


def module_name(path: Path) -> str:
    """The dotted name of a module of lms/ (a package by its own name)."""
    return ".".join(path.relative_to(LMS.parent).with_suffix("").parts).removesuffix(".__init__")


def runtime_imports(tree: ast.AST) -> list[str]:
    """What a module imports when it runs: `imported_modules` without `if TYPE_CHECKING:` blocks,
    and `from package import module` counted as the module."""
    hidden = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
    return found


def module_graph() -> dict[str, set[str]]:
    """module -> the modules of lms/ it imports (the root package, the composition root, left out)."""
    paths = {module_name(path): path for path in LMS.rglob("*.py")}
    graph = {}
    for name, path in paths.items():
        if name == "lms":
            continue
        targets = {target for target in runtime_imports(ast.parse(path.read_text())) if target in paths}
        graph[name] = targets - {name, "lms"}
    return graph


def test_no_module_imports_another_that_imports_it_back():
    """Inside packages too (issue 26): lms/jobs/ had queue -> runner -> services -> queue."""
    assert cycle(module_graph()) is None


def test_the_module_graph_sees_imports_inside_functions():
    graph = module_graph()
    assert "lms.core.hooks" in graph["lms.jobs.services"] or "lms.jobs.asks" in graph["lms.jobs.services"]
    assert "lms.jobs.queue" in graph["lms.jobs.feature"] and "lms.jobs.runner" in graph["lms.jobs.feature"]


def test_the_cycle_finder_finds_cycles():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) is None
