"""Tests of horizonlib.model.weights: METR's task weights, recomputed and normalized per model."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from horizonlib.model.weights import run_weights

TH11_MODELS = ["gpt-4-0314", "gpt-4o", "o1-preview", "claude-3-5-new", "o1", "claude-3-7", "o3",
               "gpt-5"]


def _raw(path: Path, dataset: str) -> pd.DataFrame:
    # read raw so that METR's own weight columns are kept for comparison
    d = pd.read_json(path, lines=True, dtype=False)
    d = d[d["alias"] != "human"].reset_index(drop=True)
    return d.assign(dataset=dataset)


def test_hand_example():
    runs = pd.DataFrame({
        "dataset": "d", "alias": "m",
        "task_id": ["a/1", "a/1", "a/2", "b/1"],
        "task_family": ["a", "a", "a", "b"],
    })
    eq = run_weights(runs, "equal_task_weight")
    np.testing.assert_allclose(eq, np.array([0.5, 0.5, 1, 1]) / 3)
    inv = run_weights(runs, "invsqrt_task_weight")
    raw = np.array([0.5 / np.sqrt(2), 0.5 / np.sqrt(2), 1 / np.sqrt(2), 1.0])
    np.testing.assert_allclose(inv, raw / raw.sum())
    np.testing.assert_allclose(run_weights(runs, "none"), np.full(4, 0.25))


def test_models_and_datasets_are_separate():
    runs = pd.DataFrame({
        "dataset": ["d1", "d1", "d1", "d2", "d2"], "alias": ["m", "m", "n", "m", "m"],
        "task_id": ["a/1", "a/2", "a/1", "a/1", "a/1"], "task_family": ["a"] * 5,
    })
    for weighting in ("equal_task_weight", "invsqrt_task_weight", "none"):
        w = run_weights(runs, weighting)
        sums = pd.Series(w).groupby([runs["dataset"], runs["alias"]]).sum()
        np.testing.assert_allclose(sums.to_numpy(), 1.0)


def test_unknown_weighting_raises():
    runs = pd.DataFrame({"alias": ["m"], "task_id": ["a/1"], "task_family": ["a"]})
    with pytest.raises(ValueError, match="weighting"):
        run_weights(runs, "task_weight")


def test_task_in_two_families_raises():
    runs = pd.DataFrame({"alias": ["m", "m"], "task_id": ["a/1", "a/1"], "task_family": ["a", "b"]})
    with pytest.raises(ValueError, match="more than one task_family"):
        run_weights(runs, "equal_task_weight")


@pytest.mark.parametrize("weighting", ["equal_task_weight", "invsqrt_task_weight"])
def test_pre_paper_weights_equal_metr_file(mirror_dir, weighting):
    d = _raw(mirror_dir / "eval-analysis-public/pre-paper-2025-01/all_runs.jsonl", "pre")
    w = run_weights(d, weighting)
    # METR's files round weights to 10 decimals
    np.testing.assert_allclose(w, d[weighting].to_numpy(), rtol=0, atol=1e-9)
    np.testing.assert_allclose(pd.Series(w).groupby(d["alias"]).sum(), 1.0, atol=1e-12)


@pytest.mark.parametrize("model", TH11_MODELS)
def test_th11_weights_equal_metr_file(mirror_dir, model):
    d = _raw(mirror_dir / f"th-1-1-{model}/runs.jsonl", "th-1-1")
    for weighting in ("equal_task_weight", "invsqrt_task_weight"):
        w = run_weights(d, weighting)
        np.testing.assert_allclose(w, d[weighting].to_numpy(), rtol=0, atol=1e-9)


runs_strategy = st.lists(
    st.tuples(st.sampled_from(["m1", "m2"]), st.integers(0, 3), st.integers(0, 2)),
    min_size=1, max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(rows=runs_strategy, seed=st.integers(0, 2**32 - 1),
       weighting=st.sampled_from(["equal_task_weight", "invsqrt_task_weight", "none"]))
def test_weights_invariant_to_row_order_and_sum_to_one(rows, seed, weighting):
    runs = pd.DataFrame({
        "dataset": "d",
        "alias": [r[0] for r in rows],
        "task_family": [f"f{r[1]}" for r in rows],
        "task_id": [f"f{r[1]}/t{r[2]}" for r in rows],
    })
    w = run_weights(runs, weighting)
    perm = np.random.default_rng(seed).permutation(len(runs))
    w_perm = run_weights(runs.iloc[perm].reset_index(drop=True), weighting)
    np.testing.assert_allclose(w_perm, w[perm], rtol=1e-12, atol=0)
    np.testing.assert_allclose(pd.Series(w).groupby(runs["alias"]).sum(), 1.0, atol=1e-12)
    assert np.all(w > 0)
