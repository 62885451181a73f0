"""Tests of horizonlib.analyses.noise.pairs: paired differences and published ratios."""

import numpy as np
import pandas as pd
import pytest

from horizonlib.analyses.noise import levels as noise_levels
from horizonlib.analyses.noise import pairs as noise_pairs
from horizonlib.analyses.noise import results as noise_results
from horizonlib.model.shared_draws import SharedDraws

from tests.analyses.noise.toy_runs import identical_models


def test_published_ratio():
    s = pd.DataFrame({"replicate": [0, 1, 2, 0, 1, 2], "model": ["a"] * 3 + ["b"] * 3,
                      "p": 0.5, "horizon_min": [2.0, 4.0, 1.0, 1.0, 1.0, 2.0]})
    r = noise_pairs.published_ratio(None, s, "a", "b")
    assert r["estimate"] == pytest.approx(2.0) and r["p_positive"] == pytest.approx(2 / 3)


def test_compare_pairs_and_widths():
    df = identical_models()
    draws = SharedDraws(100, seed=3)
    table, missing = noise_pairs.compare_pairs(df, [("A", "B"), ("A", "Z")], draws,
                                               kernel_task="ai_rd_0/t0")
    assert set(table["metric"]) == {"p50_ratio", "rebench_diff", "rebench_diff_no_kernel"}
    assert len(missing) == 1 and "Z" in missing[0]
    w = noise_levels.ci_width_by_level(df, "A", "B", draws, np.random.default_rng(4),
                                       kernel_task="ai_rd_0/t0")
    assert set(w["levels"]) == {"all", "family", "task", "run"}
    assert set(table["dataset_a"]) == set(table["dataset_b"]) == set(df["dataset"])
    assert set(table["alias_a"]) == {"A"} and set(table["alias_b"]) == {"B"}
    # the "all" row uses the same shared draws as the pair table: the same interval
    for metric in ("p50_ratio", "rebench_diff", "rebench_diff_no_kernel"):
        t = table[(table["metric"] == metric) & (table["model_b"] == "B")].iloc[0]
        a = w[(w["metric"] == metric) & (w["levels"] == "all")].iloc[0]
        assert (a["ci_low"], a["ci_high"]) == (t["ci_low"], t["ci_high"])
    rows = noise_results.difference_rows(table, w, ("A", "B"))
    assert list(rows.columns[:6]) == ["dataset_a", "alias_a", "display_name_a", "dataset_b",
                                      "alias_b", "display_name_b"]
    assert set(rows["alias_a"]) == {"A"} and set(rows["alias_b"]) == {"B"}
    assert {"levels_all", "levels_run"} <= set(rows["variant"])
    assert not rows.duplicated(["metric", "variant"]).any()


def test_model_pairs():
    assert noise_pairs.model_pairs(["o3", "o4-mini"], ["c"]) == [("o3", "c"), ("o4-mini", "c"),
                                                                 ("o4-mini", "o3")]


def test_published_pairs_take_the_published_dataset_name():
    table = pd.DataFrame([{"model_a": "o3", "model_b": "o1", "metric": "p50_ratio",
                           "variant": "all_levels", "estimate": 2.0, "ci_low": 1.0,
                           "ci_high": 3.0, "p_positive": 0.9, "n_replicates": 10,
                           "source": "published", "dataset_a": np.nan, "alias_a": "o3",
                           "dataset_b": np.nan, "alias_b": "o1"}])
    rows = noise_results.difference_rows(table, published_dataset="fits-x")
    assert set(rows["dataset_a"]) == set(rows["dataset_b"]) == {"fits-x"}
    assert list(rows["metric"]) == ["p50_ratio", "p50_ratio_p_gt_1"]
    with pytest.raises(ValueError, match="published_dataset"):
        noise_results.difference_rows(table)


def test_model_horizon_rows_are_the_compared_models_horizons():
    pairs = pd.DataFrame([{"source": "runs:d", "dataset_a": "d", "alias_a": "A (Inspect)",
                           "dataset_b": "d", "alias_b": "B"}])
    horizons = pd.DataFrame({"dataset": ["d", "d", "d", "e"],
                             "model": ["A (Inspect)", "B", "C", "A (Inspect)"],
                             "p": [0.5, 0.5, 0.5, 0.5], "horizon_min": [1.0, 2.0, 3.0, 4.0],
                             "ci_low_min": 0.5, "ci_high_min": 5.0})
    rows = noise_results.model_horizon_rows(pairs, horizons)
    assert list(zip(rows["dataset"], rows["alias"], rows["display_name"], rows["estimate"])) == [
        ("d", "A (Inspect)", "A", 1.0), ("d", "B", "B", 2.0)]
    assert set(rows["metric"]) == {"p50_min"} and set(rows["question"]) == {"noise"}
