"""The package's layers: each module imports only from its own layer or the layers below it."""

import ast
from pathlib import Path

import journeykit as jk

PACKAGE = Path(jk.__file__).parent

# lowest first; see ARCHITECTURE.md
LAYERS = {
    "base": 0,       # journeykit.errors, journeykit.params, journeykit.results, journeykit._version
    "io": 1,         # journeykit.io.*: the data contract, timestamps, event order, readers
    "analysis": 2,   # journeykit.analysis.*: one module per concept
    "plots": 3,      # journeykit.plots.*
    "report": 4,     # journeykit.report.*
    "course": 5,     # journeykit.course.*: exercises, sample data, simulators, learner copies and slides
    "cli": 6,        # journeykit.cli, journeykit.__main__
}


def layer_of(module: str) -> str | None:
    """The layer of a journeykit module name, or None for the package itself (the curated top level)."""
    parts = module.split(".")
    if parts[0] != "journeykit":
        return None
    if len(parts) == 1:
        return None
    head = parts[1]
    if head in ("errors", "params", "results", "_version"):
        return "base"
    if head in ("cli", "__main__"):
        return "cli"
    return head if head in LAYERS else "unknown"


def module_name(path: Path) -> str:
    parts = ("journeykit", *path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """Every journeykit module a file imports, at module level or inside functions."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "journeykit":  # from journeykit import params: the names are modules
                found += [(node.lineno, f"journeykit.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
    return [(line, name) for line, name in found if name.startswith("journeykit")]


def test_every_module_belongs_to_a_layer():
    for path in PACKAGE.rglob("*.py"):
        name = module_name(path)
        assert layer_of(name) != "unknown", f"{name} is in no layer of ARCHITECTURE.md"


def test_no_layer_imports_a_higher_one():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        own = layer_of(name)
        if own is None:  # journeykit/__init__.py: the curated top level may gather from every layer
            continue
        for line, imported in imports(path):
            other = layer_of(imported)
            if other is None:  # the top level gathers every layer up to the course
                other = "course"
            if other == "unknown":
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} imports {imported}, which is in no layer")
            elif LAYERS[other] > LAYERS[own]:
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} ({own}) imports {imported} ({other})")
    assert not wrong, "lower layers import higher ones:\n" + "\n".join(wrong)


def test_the_analysis_core_draws_nothing():
    for path in (PACKAGE / "analysis").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "matplotlib" not in text and "seaborn" not in text, f"{path.name} draws; plots live in plots/"


def test_the_layer_test_sees_a_violation(tmp_path):
    assert layer_of("journeykit.course.exercises") == "course" and layer_of("journeykit.analysis.funnel") == "analysis"
    module = tmp_path / "bad.py"
    module.write_text("import journeykit as jk\n\ndef f():\n    from journeykit.course import datasets\n")
    assert [name for _, name in imports(module)] == ["journeykit", "journeykit.course"]
    assert LAYERS[layer_of("journeykit.course.datasets")] > LAYERS[layer_of("journeykit.analysis.funnel")]


def test_public_functions_are_not_confused_with_modules():
    import importlib

    for name in jk.__all__:
        value = getattr(jk, name)
        if callable(value) and not isinstance(value, type):
            try:
                module = importlib.import_module(f"journeykit.{name}")
            except ModuleNotFoundError:
                continue
            raise AssertionError(f"journeykit.{name} is both a function and a module ({module.__name__})")


def test_functions_stay_short_enough_to_read():
    """A function longer than about 60 lines (docstring aside) is split into named steps."""
    limit = 70
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                body = node.body
                has_doc = len(body) > 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                length = node.end_lineno - (body[1] if has_doc else body[0]).lineno + 1
                if length > limit:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name} ({length} lines)")
    assert not long, "functions to split into named steps:\n" + "\n".join(long)
