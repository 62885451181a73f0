"""Success beyond length against messiness: slopes, paired contrasts, no labels."""

import numpy as np
import pandas as pd
import pytest

from horizonlib.analyses import messiness as MS


def joined(slopes, n_tasks=60, seed=0):
    rng = np.random.default_rng(seed)
    s = rng.uniform(0, 8, n_tasks)
    rows = []
    for name, slope in slopes.items():
        for t in range(n_tasks):
            rows.append({"dataset": "d", "alias": name, "display_name": name, "task_id": f"t{t}",
                         "human_minutes": 10.0, "messiness": s[t], "n_labels": 5,
                         "success_rate": 0.5, "beyond_length": slope * s[t] + rng.normal(0, 0.1),
                         "beyond_length_sd": 0.1})
    return pd.DataFrame(rows)


def test_slopes_and_focus_contrast_recover_the_truth():
    j = joined({"A": -1.0, "B": -0.5, "C": -0.5})
    out = MS.messiness_slopes(j, ["A"], 200, np.random.default_rng(1), 0.95).set_index("alias")
    assert out.loc["A", "slope"] == pytest.approx(-1.0, abs=0.05)
    assert out.loc["A", "ci_low"] < out.loc["A", "slope"] < out.loc["A", "ci_high"]
    assert out.loc["A", "contrast"] == pytest.approx(-0.5, abs=0.05)
    assert out.loc["A", "contrast_ci_high"] < 0
    assert np.isnan(out.loc["B", "contrast"]) and not out.loc["B", "is_focus"]


def test_join_keeps_labelled_tasks_and_fitted_models():
    tasks = pd.DataFrame({"dataset": "d", "alias": ["a", "a", "b"], "display_name": ["a", "a", "b"],
                          "task_id": ["t1", "t2", "t1"], "human_minutes": [1.0, 2.0, 1.0],
                          "successes": [1, 2, 0], "n_runs": [4, 4, 4],
                          "difficulty_model": [0.5, -0.5, np.nan],
                          "difficulty_model_sd": [0.1, 0.1, np.nan]})
    labels = pd.DataFrame({"task_id": ["t1"], "messiness": [3.0], "n_labels": [5]})
    out = MS.join_messiness(tasks, labels)
    assert list(out["alias"]) == ["a"] and out["beyond_length"].iloc[0] == -0.5
    runs = pd.DataFrame({"dataset": ["d", "d", "e"], "task_id": ["t1", "t2", "t1"]})
    counts = MS.labelled_counts(runs, labels)
    assert counts.to_dict("list") == {"dataset": ["d", "e"], "n_tasks": [2, 1], "n_labelled": [1, 1]}


def test_no_labels_give_empty_tables():
    tasks = pd.DataFrame({"dataset": ["d"], "alias": ["a"], "display_name": ["a"], "task_id": ["t1"],
                          "human_minutes": [1.0], "successes": [1], "n_runs": [2],
                          "difficulty_model": [0.0], "difficulty_model_sd": [1.0]})
    runs = pd.DataFrame({"dataset": ["d"], "task_id": ["t1"]})
    ms = MS.messiness_analysis(runs, tasks, None, ["a"], 10, np.random.default_rng(0), 0.95)
    assert not ms["has_labels"] and ms["joined"].empty and ms["slopes"].empty
    assert list(ms["slopes"].columns) == MS.SLOPE_COLUMNS
    assert ms["counts"]["n_labelled"].tolist() == [0]


def test_models_without_task_effects_are_left_out_and_named():
    tasks = pd.DataFrame({"dataset": "d", "alias": ["a", "a", "b", "b", "c", "c"],
                          "display_name": ["a", "a", "b", "b", "c", "c"],
                          "task_id": ["t1", "t2"] * 3, "human_minutes": 1.0,
                          "successes": [1, 2, 0, 0, 1, 3], "n_runs": 4,
                          "difficulty_model": [0.5, -0.5, np.nan, np.nan, np.nan, np.nan],
                          "difficulty_model_sd": [0.1, 0.1, np.nan, np.nan, np.nan, np.nan]})
    labels = pd.DataFrame({"task_id": ["t1", "t2"], "messiness": [1.0, 3.0], "n_labels": [5, 5]})
    runs = tasks[["dataset", "task_id"]]
    ms = MS.messiness_analysis(runs, tasks, labels, ["a"], 0, np.random.default_rng(0), 0.95)
    assert ms["slopes"]["alias"].tolist() == ["a"]
    assert ms["excluded"].set_index("alias")["reason"].to_dict() == {
        "b": "no successes", "c": "no spread among tasks"}
