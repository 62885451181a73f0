"""Tests of horizonlib.analyses.breakdowns.subsets: subset fits with a paired bootstrap,
predictions against observations."""

import numpy as np
import pandas as pd
import pytest

from horizonlib.analyses.breakdowns import results as breakdown_results
from horizonlib.analyses.breakdowns import selection
from horizonlib.analyses.breakdowns import subsets
from horizonlib.data.simulate import PLANTED
from horizonlib.model.bootstrap import bootstrap_horizons
from horizonlib.model.horizons import fit_horizons
from horizonlib.model.shared_draws import SharedDraws

from tests.analyses.breakdowns.toy_runs import kernel_case, simulated


def test_subset_fits_points_equal_fits_on_the_subset_and_rebench_is_unidentified():
    runs = simulated()
    masks = subsets.standard_subsets(runs, ["ai_rd_sim_optimize_kernel/main", "not/a_task"])
    assert set(masks) == {"all tasks", "without RE-Bench", "RE-Bench only",
                          "without ai_rd_sim_optimize_kernel/main"}
    fits = subsets.subset_fits(runs, masks, draws=SharedDraws(60, seed=5))
    assert len(fits) == 6 * 4
    for name in ["all tasks", "without RE-Bench", "without ai_rd_sim_optimize_kernel/main"]:
        ref = fit_horizons(runs[masks[name]], "invsqrt_task_weight", 0.1, [50]).set_index("alias")
        got = fits[fits["subset"] == name].set_index("alias")
        np.testing.assert_allclose(got["p50_min"], ref.loc[got.index, "p50_min"], rtol=1e-8)
        assert (got["status"] == "ok").all()
        assert (got["ci_low_min"] <= got["p50_min"]).all() and (got["p50_min"] <= got["ci_high_min"]).all()
    allt = fits[fits["subset"] == "all tasks"]
    assert np.allclose(allt["ratio_to_all"], 1.0) and np.allclose(allt["ratio_ci_low"], 1.0)
    # RE-Bench tasks are all ~8 h (spread < 1 log2 minute): no horizon, explained by the spread
    rb = fits[fits["subset"] == "RE-Bench only"]
    assert (rb["log2_spread"] < 1.0).all()
    assert rb["status"].isin(["unidentified", "no_successes", "no_failures"]).all()
    assert rb["p50_min"].isna().all() and rb["ci_low_min"].isna().all()


def test_subset_fit_recovers_planted_horizon_unregularized():
    runs = simulated(seed=11)
    fits = subsets.subset_fits(runs, {"all tasks": np.ones(len(runs), bool)}, regularization=0.0,
                               draws=SharedDraws(100, seed=2))
    merged = fits.merge(PLANTED, on="alias", suffixes=("", "_true"))
    # the planted 50% horizon lies inside the 95% interval for (nearly) every model
    inside = (merged["ci_low_min"] <= merged["p50_min_true"]) & (merged["p50_min_true"] <= merged["ci_high_min"])
    assert inside.sum() >= 5
    assert np.all(np.abs(np.log2(merged["p50_min"] / merged["p50_min_true"])) < 1.5)


def test_wide_rebench_lengths_are_identified():
    # planted spread of 4 log2 minutes in the RE-Bench lengths: no longer unidentified
    runs = simulated(seed=4)
    rb = (runs["task_source"] == "RE-Bench").to_numpy()
    codes = pd.factorize(runs.loc[rb, "task_id"], sort=True)[0]
    runs.loc[rb, "human_minutes"] = 60.0 * 2.0 ** codes  # 1 h to 16 h
    fits = subsets.subset_fits(runs, subsets.standard_subsets(runs), draws=SharedDraws(20, seed=0))
    rbfit = fits[fits["subset"] == "RE-Bench only"]
    np.testing.assert_allclose(rbfit["log2_spread"], 4.0)
    assert not (rbfit["status"] == "unidentified").any()


def test_subset_fits_need_all_tasks_and_shared_draws():
    runs = simulated()
    with pytest.raises(ValueError, match="all tasks"):
        subsets.subset_fits(runs, {"x": np.ones(len(runs), bool)}, draws=SharedDraws(5, seed=0))
    with pytest.raises(TypeError, match="SharedDraws"):
        subsets.subset_fits(runs, subsets.standard_subsets(runs), draws=None)


def test_predictions_are_the_fitted_curve_at_rebench_lengths():
    runs = simulated()
    fits = subsets.subset_fits(runs, subsets.standard_subsets(runs), draws=SharedDraws(10, seed=0))
    pred = subsets.rebench_predictions(runs, fits)
    assert len(pred) == 6 * 5
    row = pred.iloc[0]
    f = fits[(fits["alias"] == row["alias"]) & (fits["subset"] == "all tasks")].iloc[0]
    z = f["intercept"] + f["slope"] * np.log2(row["human_minutes"])
    assert row["predicted_all_tasks"] == pytest.approx(1 / (1 + np.exp(-z)))
    assert "predicted_without_REBench" in pred


def test_kernel_models_counts_only_models_that_ran_the_task():
    runs = kernel_case()
    fits = subsets.subset_fits(runs, subsets.standard_subsets(runs, ["ai_rd_k/main"]),
                               draws=SharedDraws(10, seed=0))
    ran = subsets.kernel_models(fits, "ai_rd_k/main")
    assert list(ran["alias"]) == ["a"]
    assert subsets.kernel_models(fits, None).empty
    # ablations: drop_kernel rows only for "a"
    abl = breakdown_results.ablation_rows(fits=fits, kernel_task="ai_rd_k/main")
    dk = abl[abl["question"] == "drop_kernel"]
    assert set(zip(dk["dataset"], dk["alias"])) == {("d", "a")}


def test_prediction_table_known_answer():
    pred = pd.DataFrame({
        "dataset": "d", "alias": ["a", "a", "b", "b", "c", "c"],
        "display_name": ["a", "a", "b", "b", "c", "c"], "task_id": ["t1", "t2"] * 3,
        "observed": [0.0, 0.2, 0.5, 0.5, 0.1, 0.1],
        "predicted_all_tasks": [0.2, 0.2, 0.4, 0.4, 0.3, 0.3],
        "predicted_without_REBench": [0.3, 0.3, 0.6, 0.6, 0.2, 0.2]})
    table = subsets.prediction_table(pred)
    got = table.set_index("model")
    assert got.loc["a", "observed"] == pytest.approx(0.1)
    assert got.loc["a", "gap"] == pytest.approx(0.1) and got.loc["b", "gap"] == pytest.approx(-0.1)


def test_all_task_replicates_read_from_the_headline_table_equal_the_refit():
    runs = simulated()
    masks = subsets.standard_subsets(runs, ["ai_rd_sim_optimize_kernel/main"])
    draws = SharedDraws(30, seed=6)
    samples = bootstrap_horizons(runs, draws=draws, success_percents=(50,))
    refit = subsets.subset_fits(runs, masks, draws=draws)
    read = subsets.subset_fits(runs, masks, draws=draws, samples=samples)
    pd.testing.assert_frame_equal(read.drop(columns=["ci_low_min", "ci_high_min", "ratio_ci_low",
                                                     "ratio_ci_high"]),
                                  refit.drop(columns=["ci_low_min", "ci_high_min", "ratio_ci_low",
                                                      "ratio_ci_high"]))
    for col in ("ci_low_min", "ci_high_min", "ratio_ci_low", "ratio_ci_high"):
        np.testing.assert_allclose(read[col], refit[col], rtol=1e-7, err_msg=col)
    with pytest.raises(ValueError, match="expected the 30"):
        subsets.subset_fits(runs, masks, draws=draws, samples=samples.iloc[1:])
