"""Tests of horizonlib.report.breakdowns.numbers: the numbers the prose quotes."""

import numpy as np
import pandas as pd

from horizonlib.analyses.breakdowns import calibration as calibration_check
from horizonlib.analyses.breakdowns import influence as influence_refits
from horizonlib.analyses.breakdowns import rebench
from horizonlib.analyses.breakdowns import subsets
from horizonlib.report.breakdowns import numbers as breakdown_numbers
from horizonlib.report.breakdowns import tables as breakdown_tables
from horizonlib.model.shared_draws import SharedDraws

from tests.analyses.breakdowns.toy_runs import simulated


def test_calibration_numbers_known_answer():
    pred = pd.DataFrame({
        "dataset": "d", "alias": ["a", "a", "b", "b", "c", "c"],
        "display_name": ["a", "a", "b", "b", "c", "c"], "task_id": ["t1", "t2"] * 3,
        "observed": [0.0, 0.2, 0.5, 0.5, 0.1, 0.1],
        "predicted_all_tasks": [0.2, 0.2, 0.4, 0.4, 0.3, 0.3],
        "predicted_without_REBench": [0.3, 0.3, 0.6, 0.6, 0.2, 0.2]})
    table = subsets.prediction_table(pred)
    nums = breakdown_numbers.calibration_numbers(table, ["a", "zz"])
    assert nums["n_pred_models"] == "3" and nums["n_overpredicted"] == "2"
    assert nums["n_overpredicted_oos"] == "3"
    assert nums["median_gap"] == "10 percentage points"
    assert nums["calib_examples"] == "a (d): predicted 20%, observed 10%"
    shown = breakdown_tables.prediction_display(table)
    assert "display_name" not in shown.columns and shown["observed success"].iloc[0].endswith("%")
    from horizonlib.report.answers import NOT_AVAILABLE
    empty = breakdown_numbers.calibration_numbers(subsets.prediction_table(pred.iloc[0:0]), ["a"])
    assert empty.keys() == nums.keys()
    assert empty.pop("overpredicted_text").startswith("No model has RE-Bench runs")
    assert set(empty.values()) == {NOT_AVAILABLE}
    assert nums["overpredicted_text"] == (
        "For 2 of the 3 models with RE-Bench runs the observed success rate is below the "
        "all-task curve's prediction (for all 3 models, below the out-of-sample prediction)")


def test_chapter_numbers_have_the_same_keys_in_every_edition():
    from horizonlib.report.answers import NOT_AVAILABLE
    runs = simulated()
    kernel = "ai_rd_sim_optimize_kernel/main"
    rng = np.random.default_rng(0)
    draws = rebench.rebench_task_draws(runs, 20, rng)
    fits = subsets.subset_fits(runs, subsets.standard_subsets(runs, [kernel]),
                               draws=SharedDraws(10, seed=0))
    loo = influence_refits.leave_one_out_levels(runs)
    args = (rebench.rebench_task_scores(draws), rebench.rebench_means(draws),
            rebench.weight_share(runs), fits, loo, calibration_check.calibration(runs, "source"),
            rebench.rebench_spread(runs), subsets.rebench_predictions(runs, fits))
    present = breakdown_numbers.chapter_numbers(*args, ["Sim-Fir", "Sim-Elm"], kernel)
    absent = breakdown_numbers.chapter_numbers(*args, ["o3"], kernel)
    assert present.keys() == absent.keys()
    assert all(isinstance(v, str) for v in present.values())
    assert present["n_kernel_models"] == "6" and present["focus"] == "Sim-Fir"
    assert "95% CI" in present["focus_p50_all"]
    assert absent["focus_p50_all"] == NOT_AVAILABLE and absent["focus_rank"] == NOT_AVAILABLE
    assert absent["calib_examples"] == NOT_AVAILABLE
    assert present["movers_text"].startswith("The single most influential task is an RE-Bench "
                                             "task for ")
    assert "0 of" not in present["movers_text"] and "(s)" not in present["movers_text"]
    assert present["kernel_models_text"] == "the 6 models that ran it"
