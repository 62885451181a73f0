"""Tests of horizonlib.analyses.noise.replicates: paired replicates, level-restricted draws,
RE-Bench mean replicates."""

import numpy as np
import pytest

from horizonlib.analyses.noise import replicates as noise_replicates
from horizonlib.model.bootstrap import bootstrap_horizons
from horizonlib.model.shared_draws import SharedDraws

from tests.analyses.noise.toy_runs import identical_models


def test_identical_models_ratio_ci_contains_one():
    df = identical_models()
    res = noise_replicates.paired_run_statistics(df, "A", "B", SharedDraws(300, seed=1))
    assert res["point"]["p50_ratio"] == pytest.approx(1.0)
    r = res["replicates"]["p50_ratio"]
    lo, hi = np.nanpercentile(r, [2.5, 97.5])
    assert lo <= 1.0 <= hi
    assert res["point"]["rebench_diff"] == pytest.approx(0.0)


def test_all_levels_use_the_shared_draws_some_levels_the_generator():
    df = identical_models()
    draws = SharedDraws(40, seed=2)
    res = noise_replicates.paired_run_statistics(df, "A", "B", draws)
    # the horizons are refitted on the columns of the whole dataset's shared draws
    counts = draws.for_dataset(df).run_counts
    a = (df["alias"] == "A").to_numpy()
    ha = noise_replicates._p50_replicates(df[a], counts[:, a], "invsqrt_task_weight", 0.1)
    hb = noise_replicates._p50_replicates(df[~a], counts[:, ~a], "invsqrt_task_weight", 0.1)
    np.testing.assert_allclose(res["replicates"]["p50_ratio"], ha / hb, rtol=1e-12)
    again = noise_replicates.paired_run_statistics(df, "A", "B", SharedDraws(40, seed=2))
    for key, values in res["replicates"].items():
        np.testing.assert_array_equal(values, again["replicates"][key])
    with pytest.raises(TypeError, match="Generator"):
        noise_replicates.paired_run_statistics(df, "A", "B", draws, levels=("run",))
    runs_only = noise_replicates.paired_run_statistics(df, "A", "B", draws, levels=("run",),
                                                       rng=np.random.default_rng(0))
    assert len(runs_only["replicates"]["p50_ratio"]) == 40


def test_p50_replicates_from_the_headline_table_equal_the_refit():
    df = identical_models()
    draws = SharedDraws(30, seed=4)
    samples = bootstrap_horizons(df, draws=draws)
    refit = noise_replicates.paired_run_statistics(df, "A", "B", draws)
    read = noise_replicates.paired_run_statistics(df, "A", "B", draws, samples=samples)
    half = samples[samples["p"] == 0.5]
    ha, hb = (half.loc[half["alias"] == m, "horizon_min"].to_numpy() for m in "AB")
    np.testing.assert_array_equal(read["replicates"]["p50_ratio"], ha / hb)
    np.testing.assert_allclose(read["replicates"]["p50_ratio"], refit["replicates"]["p50_ratio"],
                               rtol=1e-6)
    np.testing.assert_array_equal(read["replicates"]["rebench_diff"],
                                  refit["replicates"]["rebench_diff"])
    with pytest.raises(ValueError, match="expected the 30"):
        noise_replicates.paired_run_statistics(df, "A", "B", draws, samples=samples.iloc[2:])


def test_draw_levels_shapes_and_sums():
    df = identical_models()
    rng = np.random.default_rng(2)
    for levels in (("family",), ("task",), ("run",), noise_replicates.LEVELS):
        c = noise_replicates.draw_level_replicates(df, 50, rng, levels)
        assert c.shape == (50, len(df))
        # every model's total multiplicity equals its run count when only runs are resampled
        if levels == ("run",):
            assert np.all(c[:, (df["alias"] == "A").to_numpy()].sum(axis=1) == (df["alias"] == "A").sum())
    with pytest.raises(ValueError):
        noise_replicates.draw_level_replicates(df, 5, rng, ("bogus",))


def test_rebench_mean_replicates_known():
    score = np.array([0.0, 1.0, 0.5, 0.5])
    codes = np.array([0, 0, 1, 1])
    counts = np.array([[1, 1, 1, 1], [2, 0, 1, 1], [0, 0, 2, 2]])
    np.testing.assert_allclose(noise_replicates.rebench_mean_replicates(score, codes, counts),
                               [0.5, 0.25, 0.5])
