"""Task difficulty beyond length: recovery of planted effects, concentration, horizon comparison."""

import numpy as np
import pandas as pd
import pytest

from horizonlib.analyses import task_difficulty as TD
from horizonlib.data.runs import load_runs
from horizonlib.data.simulate import synthetic_task_effects, write_synthetic_runs

#: The synthetic edition's recovery, as the chapter states it; this test holds it.
MIN_RECOVERY = 0.8


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    path = write_synthetic_runs(tmp_path_factory.mktemp("syn") / "synthetic.jsonl")
    runs = load_runs([str(path)])
    return runs, TD.task_difficulty(runs)


def test_fit_recovers_the_synthetic_editions_planted_task_effects(synthetic):
    runs, res = synthetic
    recovery = TD.planted_recovery(res["tasks"], synthetic_task_effects(), dataset="synthetic")
    assert recovery["n_tasks"] == 60
    assert recovery["correlation"] >= MIN_RECOVERY
    assert res["joint"]["task_sd"].iloc[0] == pytest.approx(1.0, rel=0.3)
    assert (res["joint"]["status"] == "ok").all()


def test_no_truth_no_recovery(synthetic):
    _, res = synthetic
    assert TD.planted_recovery(res["tasks"], None) is None
    assert TD.planted_recovery(res["tasks"], synthetic_task_effects(), dataset="other") is None


def test_tables_have_one_row_per_model_and_task(synthetic):
    runs, res = synthetic
    tasks = res["tasks"]
    assert len(tasks) == runs.groupby(["alias", "task_id"]).ngroups
    assert (tasks["successes"] <= tasks["n_runs"]).all()
    assert (tasks["excess_loglik"] >= 0).all()
    # the shared difficulty is the same number for every model of a task
    assert tasks.groupby("task_id")["difficulty_joint"].nunique().max() == 1
    assert set(res["horizons"]["p"]) == {0.5, 0.8}
    assert (res["horizons"]["ci_low_min"] < res["horizons"]["horizon_min"]).all()


def test_excess_is_zero_where_the_rate_equals_the_prediction():
    p = np.array([0.25, 0.5])
    assert np.allclose(TD._binom_ll(np.array([1.0, 2.0]), np.array([4.0, 4.0]), p)
                       - TD._binom_ll(np.array([1.0, 2.0]), np.array([4.0, 4.0]), p), 0)


def _tasks(gains, beats):
    return pd.DataFrame({"dataset": "d", "alias": "m", "display_name": "M",
                         "task_id": [f"t{i}" for i in range(len(gains))],
                         "excess_loglik": gains, "beats_curve": beats})


def test_concentration_of_a_lead_on_one_task():
    lead = TD.concentration(_tasks([9.0, 0.5, 0.5, 4.0], [True, True, True, False]), top_k=2)
    row = lead.iloc[0]
    assert row["n_beats"] == 3 and row["excess_total"] == pytest.approx(10.0)
    assert row["share_top1"] == pytest.approx(0.9)
    assert row["share_topk"] == pytest.approx(0.95)
    assert row["tasks_for_half"] == 1
    assert row["top_tasks"] == "t0;t1"


def test_concentration_of_an_even_lead():
    row = TD.concentration(_tasks([1.0] * 10, [True] * 10), top_k=3).iloc[0]
    assert row["share_topk"] == pytest.approx(0.3)
    assert row["tasks_for_half"] == 5


def test_compare_horizons_width_ratio():
    mixed = pd.DataFrame({"dataset": ["d"], "alias": ["m"], "display_name": ["M"], "p": [0.5],
                          "horizon_min": [10.0], "ci_low_min": [5.0], "ci_high_min": [20.0],
                          "task_sd": [1.0], "status": ["ok"]})
    metr = pd.DataFrame({"dataset": ["d", "d"], "alias": ["m", "m"], "variant": ["metr", "length_error"],
                         "p": [0.5, 0.5], "horizon_min": [8.0, 8.0], "ci_low_min": [2.0, 1.0],
                         "ci_high_min": [32.0, 64.0]})
    out = TD.compare_horizons(mixed, metr)
    assert len(out) == 1
    assert out["width_ratio"].iloc[0] == pytest.approx(0.5)  # 2 doublings against 4


def test_a_fit_without_task_spread_gives_no_task_effects():
    """Success set by length alone: the spread collapses, so the fit is marked and its effects
    are NaN (a messiness slope on all-zero effects would look like a precise zero)."""
    from scipy.special import expit

    x = np.repeat(np.linspace(-2, 8, 40), 1)
    n = np.full(x.size, 400.0)
    k = np.round(n * expit(2.0 - 0.6 * x))
    one = TD._per_model(x, k, n, (50,), 1.96)
    assert one["status"] == "no_task_spread" and one["task_sd"] < TD.MIN_TASK_SD
    assert np.isnan(one["effect"]).all()
    assert np.isfinite(one["horizons"][0.5][0])


def test_joint_table_gives_the_doublings_divisor(synthetic):
    _, res = synthetic
    t = res["tasks"].dropna(subset=["difficulty_joint_doublings"])
    t = t[t["difficulty_joint"].abs() > 1e-6]
    ratio = t["difficulty_joint"] / t["difficulty_joint_doublings"]
    np.testing.assert_allclose(ratio, res["joint"]["mean_abs_slope"].iloc[0])
