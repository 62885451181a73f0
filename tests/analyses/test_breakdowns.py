"""Known-answer and property tests of the per-task breakdowns (horizonlib.analyses.breakdowns)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from horizonlib.analyses.breakdowns import calibration as calibration_check
from horizonlib.analyses.breakdowns import influence as influence_refits
from horizonlib.analyses.breakdowns import rebench
from horizonlib.analyses.breakdowns import results as breakdown_results
from horizonlib.analyses.breakdowns import selection
from horizonlib.analyses.breakdowns import subsets
from horizonlib.model.horizons import fit_horizons
from horizonlib.report.results import write_results, append_results
from horizonlib.data.simulate import PLANTED, simulate_runs
from horizonlib.model.weights import run_weights


def make_runs(spec, dataset="d"):
    """Tidy runs from ``{alias: [(task_id, family, source, minutes, [scores...]), ...]}``.

    ``success = score > 0.9``.
    """
    rows = []
    for alias, tasks in spec.items():
        for task_id, family, source, minutes, scores in tasks:
            for i, s in enumerate(scores):
                rows.append(dict(dataset=dataset, run_id=f"{alias}-{task_id}-{i}", alias=alias,
                                 display_name=alias, task_id=task_id, task_family=family,
                                 task_source=source, human_minutes=float(minutes),
                                 human_source="baseline", score=float(s), success=int(s > 0.9)))
    return pd.DataFrame(rows)


def simulated(seed=3, rebench_minutes=None):
    """Synthetic runs of the planted models as a tidy table (known truth)."""
    raw = simulate_runs(np.random.default_rng(seed))
    if rebench_minutes is not None:
        raw.loc[raw["task_source"] == "RE-Bench", "human_minutes"] = rebench_minutes
    return pd.DataFrame({
        "dataset": "sim", "run_id": raw["run_id"], "alias": raw["alias"],
        "display_name": raw["alias"], "task_id": raw["task_id"], "task_family": raw["task_family"],
        "task_source": raw["task_source"], "human_minutes": raw["human_minutes"],
        "human_source": raw["human_source"], "score": raw["score_cont"],
        "success": raw["score_binarized"].astype(np.int64)})


# --- RE-Bench per task ------------------------------------------------------------------------


def test_task_means_known_answer_and_constant_cells_have_zero_width_ci():
    runs = make_runs({"m": [("ai_rd_a/main", "ai_rd_a", "RE-Bench", 480, [0.2, 0.2, 0.2]),
                            ("ai_rd_b/main", "ai_rd_b", "RE-Bench", 480, [0.0, 1.0]),
                            ("h/1", "h", "HCAST", 10, [1.0])]})
    draws = rebench.rebench_task_draws(runs, 400, np.random.default_rng(0))
    scores = rebench.rebench_task_scores(draws, 0.95).set_index("task_id")
    assert list(scores.index) == ["ai_rd_a/main", "ai_rd_b/main"]  # HCAST left out
    a, b = scores.loc["ai_rd_a/main"], scores.loc["ai_rd_b/main"]
    assert (a["mean_score"], a["ci_low"], a["ci_high"], a["n_runs"]) == (pytest.approx(0.2),
                                                                        pytest.approx(0.2),
                                                                        pytest.approx(0.2), 3)
    assert b["mean_score"] == pytest.approx(0.5) and b["ci_low"] == 0.0 and b["ci_high"] == 1.0
    assert b["success_rate"] == pytest.approx(0.5)
    assert a["task_set"] == "d (2 RE-Bench tasks)"
    # bootstrap replicates of a two-run cell take only the values 0, 0.5, 1
    assert set(np.unique(draws.replicates[:, 1])) <= {0.0, 0.5, 1.0}


def test_rebench_means_with_and_without_each_task():
    runs = make_runs({"m": [("ai_rd_a/main", "ai_rd_a", "RE-Bench", 480, [0.2, 0.2]),
                            ("ai_rd_b/main", "ai_rd_b", "RE-Bench", 480, [0.6, 0.6, 0.6]),
                            ("ai_rd_c/main", "ai_rd_c", "RE-Bench", 480, [0.1])]})
    means = rebench.rebench_means(rebench.rebench_task_draws(runs, 50, np.random.default_rng(1)))
    got = means.set_index("variant")
    assert got.loc["all tasks", "mean_score"] == pytest.approx(0.3)  # equal weight per task
    assert got.loc["without ai_rd_b/main", "mean_score"] == pytest.approx(0.15)
    assert got.loc["without ai_rd_b/main", "change"] == pytest.approx(-0.15)
    assert got.loc["without ai_rd_a/main", "ci_low"] == pytest.approx(0.35)
    assert got.loc["without ai_rd_a/main", "n_tasks"] == 2


def test_task_means_reject_missing_scores():
    runs = make_runs({"m": [("ai_rd_a/main", "ai_rd_a", "RE-Bench", 480, [0.2])]})
    runs.loc[0, "score"] = np.nan
    with pytest.raises(ValueError, match="no continuous score"):
        rebench.rebench_task_draws(runs, 10, np.random.default_rng(0))


# --- weight share -------------------------------------------------------------------------------


def test_weight_share_known_answer():
    # one RE-Bench task (its own family) and three HCAST tasks of one family, 2 runs each:
    # invsqrt weights 1 : 1/sqrt(3) per task -> RE-Bench share 1 / (1 + sqrt(3))
    spec = {"m": [("ai_rd_a/main", "ai_rd_a", "RE-Bench", 480, [0, 0])]
            + [(f"h/{i}", "h", "HCAST", 10 * (i + 1), [1, 0]) for i in range(3)]}
    share = rebench.weight_share(make_runs(spec)).iloc[0]
    assert share["weight_share"] == pytest.approx(1 / (1 + np.sqrt(3)))
    assert share["run_share"] == pytest.approx(0.25)
    assert share["task_share"] == pytest.approx(0.25)
    assert rebench.weight_share(make_runs(spec), "equal_task_weight").iloc[0]["weight_share"] == pytest.approx(0.25)


# --- leave-one-out ------------------------------------------------------------------------------


@st.composite
def small_model_runs(draw):
    n_tasks = draw(st.integers(2, 7))
    rows = []
    for t in range(n_tasks):
        fam = draw(st.integers(0, 2))
        n = draw(st.integers(1, 3))
        for i in range(n):
            rows.append(dict(dataset="d", alias="m", run_id=f"{t}-{i}", task_id=f"f{fam}/t{t}",
                             task_family=f"f{fam}"))
    return pd.DataFrame(rows)


@settings(max_examples=60, deadline=None)
@given(small_model_runs(), st.sampled_from(["task", "family"]),
       st.sampled_from(["invsqrt_task_weight", "equal_task_weight", "none"]))
def test_loo_weights_equal_run_weights_recomputed_on_the_dropped_data(runs, level, weighting):
    units, W = influence_refits.loo_weights(runs, level, weighting)
    col = "task_id" if level == "task" else "task_family"
    assert list(units) == sorted(runs[col].unique())
    for u, row in zip(units, W):
        keep = (runs[col] != u).to_numpy()
        assert np.all(row[~keep] == 0)
        if keep.any():
            np.testing.assert_allclose(row[keep], run_weights(runs[keep], weighting), atol=1e-12)
            assert row.sum() == pytest.approx(1.0)


def test_leave_one_out_matches_refits_one_at_a_time():
    runs = simulated()
    runs = runs[runs["alias"].isin(["Sim-Cedar", "Sim-Fir"])]
    for level, col in (("task", "task_id"), ("family", "task_family")):
        loo = influence_refits.leave_one_out(runs, level, regularization=0.1)
        for alias in ["Sim-Cedar", "Sim-Fir"]:
            mine = loo[loo["alias"] == alias]
            assert len(mine) == runs.loc[runs["alias"] == alias, col].nunique()
            for r in mine.sample(4, random_state=0).itertuples():
                ref = fit_horizons(runs[(runs["alias"] == alias) & (runs[col] != r.dropped)],
                                   "invsqrt_task_weight", 0.1, [50])
                assert r.p50_min == pytest.approx(float(ref["p50_min"].iloc[0]), rel=1e-7)
            full = fit_horizons(runs[runs["alias"] == alias], "invsqrt_task_weight", 0.1, [50])
            assert mine["full_p50_min"].iloc[0] == pytest.approx(float(full["p50_min"].iloc[0]), rel=1e-9)
            np.testing.assert_allclose(mine["ratio_to_full"], mine["p50_min"] / mine["full_p50_min"])


def test_dropping_the_only_long_success_shortens_the_horizon():
    # planted: the model succeeds on everything short and on one long task only
    spec = {"m": [(f"h{i}/1", f"h{i}", "HCAST", 2 ** i, [1, 1, 1, 0] if i < 6 else [0, 0, 0, 0])
                  for i in range(10)]
            + [("long/1", "long", "HCAST", 2 ** 9, [1, 1, 1, 1])]}
    loo = influence_refits.leave_one_out(make_runs(spec), "task", regularization=0.0)
    top = influence_refits.top_movers(loo, 1).iloc[0]
    assert top["dropped"] == "long/1" and top["ratio_to_full"] < 1


# --- subset fits --------------------------------------------------------------------------------


def test_subset_fits_points_equal_fits_on_the_subset_and_rebench_is_unidentified():
    runs = simulated()
    masks = subsets.standard_subsets(runs, ["ai_rd_sim_optimize_kernel/main", "not/a_task"])
    assert set(masks) == {"all tasks", "without RE-Bench", "RE-Bench only",
                            "without ai_rd_sim_optimize_kernel/main"}
    fits = subsets.subset_fits(runs, masks, n_bootstrap=60, rng=np.random.default_rng(5))
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
                         n_bootstrap=100, rng=np.random.default_rng(2))
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
    fits = subsets.subset_fits(runs, subsets.standard_subsets(runs), n_bootstrap=20,
                         rng=np.random.default_rng(0))
    rbfit = fits[fits["subset"] == "RE-Bench only"]
    np.testing.assert_allclose(rbfit["log2_spread"], 4.0)
    assert not (rbfit["status"] == "unidentified").any()


def test_subset_fits_need_all_tasks_and_a_generator():
    runs = simulated()
    with pytest.raises(ValueError, match="all tasks"):
        subsets.subset_fits(runs, {"x": np.ones(len(runs), bool)}, rng=np.random.default_rng(0))
    with pytest.raises(TypeError):
        subsets.subset_fits(runs, subsets.standard_subsets(runs), rng=None)


def test_predictions_are_the_fitted_curve_at_rebench_lengths():
    runs = simulated()
    fits = subsets.subset_fits(runs, subsets.standard_subsets(runs), n_bootstrap=10, rng=np.random.default_rng(0))
    pred = subsets.rebench_predictions(runs, fits)
    assert len(pred) == 6 * 5
    row = pred.iloc[0]
    f = fits[(fits["alias"] == row["alias"]) & (fits["subset"] == "all tasks")].iloc[0]
    z = f["intercept"] + f["slope"] * np.log2(row["human_minutes"])
    assert row["predicted_all_tasks"] == pytest.approx(1 / (1 + np.exp(-z)))
    assert "predicted_without_REBench" in pred


# --- calibration --------------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["bucket", "source"])
def test_calibration_gaps_average_to_zero_by_the_intercept_score_equation(by):
    # the intercept is unpenalized, so sum_i w_i (y_i - p_i) = 0 for every model: the
    # weight-averaged gap over any partition of the runs is exactly zero
    cal = calibration_check.calibration(simulated(), by=by, regularization=0.1)
    total = (cal["gap"] * cal["weight"]).groupby(cal["alias"]).sum()
    np.testing.assert_allclose(total, 0.0, atol=1e-9)
    np.testing.assert_allclose(cal.groupby("alias")["weight"].sum(), 1.0)
    if by == "source":
        assert set(cal["group"]) == {"HCAST", "RE-Bench", "SWAA"}


def test_calibration_rejects_unknown_grouping():
    with pytest.raises(ValueError):
        calibration_check.calibration(simulated(), by="family")


# --- notes and results rows ---------------------------------------------------------------------


def test_missing_models_names_only_absent_models():
    runs = make_runs({"o3": [("h/1", "h", "HCAST", 1, [1])]})
    assert selection.missing_models(["o3", "o4-mini"], runs) == ["o4-mini"]


def test_rebench_spread_of_task_lengths():
    spread = rebench.rebench_spread(simulated()).iloc[0]
    assert spread["n_rebench_tasks"] == 5 and spread["rebench_log2_spread"] < 1 < spread["all_log2_spread"]


def test_results_rows_fit_the_schemas(tmp_path):
    runs = simulated()
    kernel = "ai_rd_sim_optimize_kernel/main"
    rng = np.random.default_rng(0)
    draws = rebench.rebench_task_draws(runs, 20, rng)
    fits = subsets.subset_fits(runs, subsets.standard_subsets(runs, [kernel]), n_bootstrap=20, rng=rng)
    loo = pd.concat([influence_refits.leave_one_out(runs, "task"), influence_refits.leave_one_out(runs, "family")])
    abl = breakdown_results.ablation_rows(rebench.weight_share(runs), fits, rebench.rebench_means(draws), kernel)
    write_results(breakdown_results.rebench_results(rebench.rebench_task_scores(draws)), "rebench", tmp_path)
    write_results(breakdown_results.influence_results(loo), "influence", tmp_path)
    append_results(abl, "ablations", tmp_path)
    assert set(abl["question"]) == {"rebench_share", "subset_fit", "drop_kernel"}
    dk = abl[abl["question"] == "drop_kernel"]
    assert set(dk["metric"]) == {"p50_min", "ratio_to_all", "rebench_mean"}
    assert len(dk[dk["metric"] == "rebench_mean"]) == 2 * 6
    assert not abl.duplicated(["question", "model", "variant", "metric"]).any()
    assert selection.model_label("sim", "Sim-Fir") in set(abl["model"])
    back = pd.read_csv(tmp_path / "influence.csv")
    assert len(back) == len(loo)


# --- chapter helpers ----------------------------------------------------------------------------


def _kernel_case():
    """Two models; only "a" ran the kernel task (ai_rd_k/main)."""
    tasks = [("h/1", "h1", "HCAST", 1, [1, 1]), ("h/2", "h2", "HCAST", 8, [1, 0]),
             ("h/3", "h3", "HCAST", 60, [0, 1]), ("h/4", "h4", "HCAST", 240, [0, 0])]
    return make_runs({"a": tasks + [("ai_rd_k/main", "ai_rd_k", "RE-Bench", 480, [0.2, 0.95])],
                      "b": tasks})


def test_kernel_models_counts_only_models_that_ran_the_task():
    runs = _kernel_case()
    fits = subsets.subset_fits(runs, subsets.standard_subsets(runs, ["ai_rd_k/main"]), n_bootstrap=10,
                         rng=np.random.default_rng(0))
    ran = subsets.kernel_models(fits, "ai_rd_k/main")
    assert list(ran["alias"]) == ["a"]
    assert subsets.kernel_models(fits, None).empty
    # ablations: drop_kernel rows only for "a"
    abl = breakdown_results.ablation_rows(fits=fits, kernel_task="ai_rd_k/main")
    dk = abl[abl["question"] == "drop_kernel"]
    assert set(dk["model"]) == {selection.model_label("d", "a")}


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
