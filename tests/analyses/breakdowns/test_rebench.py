"""Tests of horizonlib.analyses.breakdowns.rebench: RE-Bench per-task scores, means, weight share
and spread (known answers)."""

import numpy as np
import pytest

from horizonlib.analyses.breakdowns import rebench

from tests.analyses.breakdowns.toy_runs import make_runs, simulated


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


def test_weight_share_known_answer():
    # one RE-Bench task (its own family) and three HCAST tasks of one family, 2 runs each:
    # invsqrt weights 1 : 1/sqrt(3) per task -> RE-Bench share 1 / (1 + sqrt(3))
    spec = {"m": [("ai_rd_a/main", "ai_rd_a", "RE-Bench", 480, [0, 0])]
            + [(f"h/{i}", "h", "HCAST", 10 * (i + 1), [1, 0]) for i in range(3)]}
    share = rebench.weight_share(make_runs(spec)).iloc[0]
    assert share["weight_share"] == pytest.approx(1 / (1 + np.sqrt(3)))
    assert share["run_share"] == pytest.approx(0.25)
    assert share["task_share"] == pytest.approx(0.25)
    equal = rebench.weight_share(make_runs(spec), "equal_task_weight")
    assert equal.iloc[0]["weight_share"] == pytest.approx(0.25)


def test_rebench_spread_of_task_lengths():
    spread = rebench.rebench_spread(simulated()).iloc[0]
    assert spread["n_rebench_tasks"] == 5 and spread["rebench_log2_spread"] < 1 < spread["all_log2_spread"]
