"""The package's layers are its subpackages; each imports only from itself or those below.

common → data → model → analyses → report → build (DESIGN.md: data → model → analyses →
presentation → orchestration; ``common`` holds words and durations used by every layer). The
test reads every module's imports, including those inside functions, so a plotting or display
import in the computation, or an upward import between subpackages, cannot creep in.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "horizonlib"

LAYERS = ["common", "data", "model", "analyses", "report", "build"]
LAYER_OF = {name: i for i, name in enumerate(LAYERS)}
TOP_LEVEL = {"__init__", "__main__"}  # the package's own entry points sit above every layer
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)
MAX_LINES = 400


def layer_of(path: Path) -> int:
    """The layer index of a module file (``len(LAYERS)`` for the top-level entry points)."""
    parts = path.relative_to(PACKAGE).parts
    if len(parts) == 1:
        assert path.stem in TOP_LEVEL, f"{path.name} sits outside every layer subpackage"
        return len(LAYERS)
    return LAYER_OF[parts[0]]


def imports_of(source: str, package: str) -> set[str]:
    """Every module ``source`` imports, as absolute dotted names, if it sat in ``package``."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the module's package
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def imports(path: Path) -> set[str]:
    """Every module the file ``path`` imports (``horizonlib.data.runs``, ``numpy``)."""
    package = ".".join(("horizonlib",) + path.relative_to(PACKAGE).parent.parts)
    return imports_of(path.read_text(), package)


def layers_in(names: set[str]) -> set[str]:
    """The layer subpackages among dotted module names."""
    return {n.split(".")[1] for n in names
            if n.startswith("horizonlib.") and len(n.split(".")) > 1 and n.split(".")[1] in LAYER_OF}


def test_layers_are_the_subpackages():
    subpackages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert subpackages == set(LAYERS)
    loose = {p.stem for p in PACKAGE.glob("*.py")}
    assert loose <= TOP_LEVEL, loose - TOP_LEVEL


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_reaches_upward(path):
    mine = layer_of(path)
    upward = {m for m in layers_in(imports(path)) if LAYER_OF[m] > mine}
    assert not upward, f"{path.relative_to(PACKAGE)} imports {sorted(upward)} from above"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_are_small(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE)} has {lines} lines (> {MAX_LINES})"


def test_computation_never_imports_plotting():
    for path in MODULES:
        if layer_of(path) <= LAYER_OF["analyses"]:
            plotting = {n for n in imports(path) if n.split(".")[0] in ("matplotlib", "seaborn")}
            assert not plotting, f"{path.relative_to(PACKAGE)} imports {sorted(plotting)}"


def test_the_check_sees_upward_imports():
    """The check can fail: absolute and relative upward imports from the model layer are seen."""
    source = ("from horizonlib.report.tables import format_horizon\n"
              "from ..build import cli\n"
              "def f():\n    from horizonlib.analyses import noise\n")
    assert layers_in(imports_of(source, "horizonlib.model")) == {"report", "build", "analyses"}
