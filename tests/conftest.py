"""Shared fixtures: the repository root and the local mirror of METR's public files."""

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # tests render off screen, whatever the machine's default backend

import matplotlib.pyplot as plt  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MIRROR = REPO_ROOT.parent / "shared" / "data" / "metr"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def mirror_dir() -> Path:
    """The mirror folder of METR's files: ``HORIZON_DATA_MIRROR`` or ``../shared/data/metr``.

    Tests that need it are skipped only when neither exists (a fresh machine with no mirror);
    CI sets ``HORIZON_DATA_MIRROR`` so they always run there.
    """
    env = os.environ.get("HORIZON_DATA_MIRROR")
    path = Path(env) if env else DEFAULT_MIRROR
    if not path.is_dir():
        if env or os.environ.get("CI"):
            pytest.fail(f"HORIZON_DATA_MIRROR={path} is not a folder")
        pytest.skip("no mirror of METR's data on this machine (set HORIZON_DATA_MIRROR)")
    return path.resolve()


# --- whole-book builds, shared by tests/build/test_book.py, test_rerun.py and test_browser.py -------
# Each is built once per session into a temporary folder from the real chapters.

#: The model added by the rerun test: it has runs but no release date.
NEWCOMER = "Newcomer"


def build_edition(edition: str, out: Path, **kwargs) -> Path:
    """Build ``params/<edition>.yml`` into ``out``; the progress lines are printed (shown with -s
    or on failure)."""
    import time

    from horizonlib.build.book import build_book

    lines: list[str] = []
    t0 = time.perf_counter()
    try:
        build_book(REPO_ROOT / "params" / f"{edition}.yml", out=out, root=REPO_ROOT,
                   log=lines.append, **kwargs)
    finally:
        print(f"\n{edition} edition ({time.perf_counter() - t0:.1f} s):\n" + "\n".join(lines))
    return out


def write_newcomer_runs(path: Path) -> Path:
    """The synthetic runs in the *minimal* schema of data/README.md, plus a new model.

    Minimal schema: ``run_id``, ``model`` (no ``alias``), ``task_id``, ``task_family``,
    ``human_minutes`` and ``score`` only (success is derived as ``score > 0.9``; the task source
    is inferred). The new model :data:`NEWCOMER` repeats Sim-Elm's runs under new run ids; it has
    no release date in the synthetic edition's release-date file.
    """
    import json

    from horizonlib.data.simulate import write_synthetic_runs

    source = write_synthetic_runs(path.with_name("synthetic-source.jsonl"))
    keep = ("run_id", "task_id", "task_family", "human_minutes")
    lines = []
    for raw in source.read_text(encoding="utf-8").splitlines():
        run = json.loads(raw)
        row = {k: run[k] for k in keep} | {"model": run["alias"], "score": run["score_cont"]}
        lines.append(json.dumps(row))
        if run["alias"] == "Sim-Elm":
            lines.append(json.dumps(row | {"run_id": f"new-{run['run_id']}", "model": NEWCOMER}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def toc_with_template(path: Path) -> Path:
    """A copy of the repository's ``_toc.yml`` with ``chapters/template`` appended."""
    import yaml

    toc = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text(encoding="utf-8"))
    toc["chapters"] = list(toc["chapters"]) + [{"file": "chapters/template"}]
    path.write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def synthetic_book(tmp_path_factory) -> Path:
    return build_edition("synthetic", tmp_path_factory.mktemp("synthetic") / "_build")


@pytest.fixture(scope="session")
def offline_book(tmp_path_factory, mirror_dir) -> Path:
    return build_edition("offline", tmp_path_factory.mktemp("offline") / "_build", mirror=mirror_dir)


@pytest.fixture(scope="session")
def newcomer_runs(tmp_path_factory) -> Path:
    return write_newcomer_runs(tmp_path_factory.mktemp("newcomer") / "new-runs.jsonl")


@pytest.fixture(scope="session")
def forked_book(tmp_path_factory, newcomer_runs) -> Path:
    """The fork and rerun uses at once: the synthetic edition rerun on a user's run file (minimal
    schema, a new model without release date, asked about as a focus model) with the template
    chapter enabled through another table of contents — what
    ``make book PARAMS=params/synthetic.yml RUNS=new-runs.jsonl TOC=toc.yml
    ARGS="--focus-models Newcomer Sim-Fir"`` does."""
    base = tmp_path_factory.mktemp("forked")
    overrides = {"runs": [str(newcomer_runs)], "rebench_runs": [str(newcomer_runs)],
                 "focus_models": [NEWCOMER, "Sim-Fir"]}
    return build_edition("synthetic", base / "_build", overrides=overrides,
                         toc=toc_with_template(base / "toc.yml"))


@pytest.fixture(autouse=True)
def close_figures():
    """Figures drawn by a test are closed after it (matplotlib warns past 20 open figures)."""
    yield
    plt.close("all")
