"""The package's layers: each module imports only from its own layer or the layers below.

data → model → analyses → presentation → orchestration (DESIGN.md); `text` and `units` (words
and durations) sit at the bottom. The test reads every module's imports, including those inside
functions, so a plotting or display import in the computation cannot creep back in.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "horizonlib"

LAYERS = [
    {"text", "units"},
    {"manifest", "fetch", "runs", "published", "simulate", "params"},
    {"weights", "logistic", "probit", "bootstrap", "horizons", "trend"},
    {"summaries", "headline", "breakdowns", "hacking", "noise", "trend_tests", "multiverse"},
    {"figures", "figures_breakdowns", "figures_multiverse", "figures_questions", "tables",
     "results", "glue", "answers", "report_breakdowns", "report_hacking", "report_multiverse",
     "report_noise", "report_trend"},
    {"book", "cli", "pagecheck", "__main__", "__init__"},
]
LAYER_OF = {name: i for i, names in enumerate(LAYERS) for name in names}


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, as dotted names (``horizonlib.simulate``, ``numpy``)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def imported_modules(path: Path) -> set[str]:
    """The horizonlib modules ``path`` imports (``from horizonlib import x`` counts as ``x``)."""
    return {name.split(".")[1] for name in imports(path)
            if name.startswith("horizonlib.") and name.split(".")[1] in LAYER_OF}


def test_every_module_has_a_layer():
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    assert modules == set(LAYER_OF), modules ^ set(LAYER_OF)


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.stem)
def test_no_module_reaches_upward(path):
    mine = LAYER_OF[path.stem]
    upward = {m for m in imported_modules(path) if LAYER_OF.get(m, -1) > mine}
    assert not upward, f"{path.name} (layer {mine}) imports {sorted(upward)} from above"


def test_computation_never_imports_plotting():
    for path in PACKAGE.glob("*.py"):
        if LAYER_OF[path.stem] <= 3:
            plotting = {n for n in imports(path) if n.split(".")[0] in ("matplotlib", "seaborn")}
            assert not plotting, f"{path.name} imports {sorted(plotting)}"
