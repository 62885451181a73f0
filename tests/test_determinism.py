"""Determinism: the same parameters give byte-identical results files.

Two clean builds of the synthetic edition — one in this process (the session's
``synthetic_book``), one through ``python -m horizonlib book`` in a fresh process with another
``PYTHONHASHSEED`` — must write the same ``results/*.csv`` byte for byte. Results depend only on
the parameters (seeded generators, stable sorts, fixed float formatting), never on hash
randomization, the process, or the output folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import REPO_ROOT


@pytest.fixture(scope="session")
def second_synthetic_book(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synthetic-again") / "_build"
    env = dict(os.environ, PYTHONHASHSEED="12345")
    proc = subprocess.run(
        [sys.executable, "-m", "horizonlib", "book", "--params", "params/synthetic.yml", "--out", str(out)],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=1800)
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


@pytest.mark.book
def test_two_clean_builds_give_byte_identical_results(synthetic_book, second_synthetic_book):
    first = {p.name: p.read_bytes() for p in sorted((synthetic_book / "results").glob("*.csv"))}
    second = {p.name: p.read_bytes() for p in sorted((second_synthetic_book / "results").glob("*.csv"))}
    assert first, "no results files"
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    assert not differing, f"results differ between two builds with the same parameters: {differing}"
    assert all(first[name] for name in first), "an empty results file"


@pytest.mark.book
def test_results_do_not_name_the_build_folder(synthetic_book, second_synthetic_book):
    """A results file that recorded a path (the staging folder, the output folder) would differ
    between builds for no reason."""
    for path in (synthetic_book / "results").glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        assert ".tmp-" not in text and str(synthetic_book) not in text, path.name


def test_bootstrap_progress_callback_does_not_change_the_samples(tmp_path):
    from horizonlib.model.bootstrap import bootstrap_horizons
    from horizonlib.data.runs import load_runs
    from horizonlib.data.simulate import write_synthetic_runs

    runs = load_runs(write_synthetic_runs(tmp_path / "runs.jsonl"))
    runs = runs[runs["alias"].isin(runs["alias"].unique()[:3])]
    calls: list[tuple[int, int]] = []
    plain = bootstrap_horizons(runs, 30, np.random.default_rng(7))
    ticked = bootstrap_horizons(runs, 30, np.random.default_rng(7), progress=lambda d, n: calls.append((d, n)))
    assert plain.equals(ticked)
    n_models = runs.groupby(["dataset", "alias"]).ngroups
    # one call per dataset (all its models are fitted in one batch), ending at every model
    assert calls == [(n_models, n_models)]


def test_fit_command_shows_a_progress_bar_on_stderr_and_writes_the_same_file(tmp_path):
    """``python -m horizonlib fit``: a tqdm bar on stderr (never inside chapters), and the file is
    identical to the one written without a terminal in between."""
    outputs = []
    for i in range(2):
        out = tmp_path / f"run{i}"
        proc = subprocess.run(
            [sys.executable, "-m", "horizonlib", "fit", "--params", "params/synthetic.yml",
             "--n-bootstrap", "40", "--out", str(out)],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        assert "bootstrap" in proc.stderr and "6/6" in proc.stderr, proc.stderr
        outputs.append((out / "horizons.csv").read_bytes())
    assert outputs[0] == outputs[1]
