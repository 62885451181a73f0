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
    # the "all" row uses the same shared draws as the pair table: the same interval
    for metric in ("p50_ratio", "rebench_diff", "rebench_diff_no_kernel"):
        t = table[(table["metric"] == metric) & (table["model_b"] == "B")].iloc[0]
        a = w[(w["metric"] == metric) & (w["levels"] == "all")].iloc[0]
        assert (a["ci_low"], a["ci_high"]) == (t["ci_low"], t["ci_high"])
    rows = noise_results.noise_ablation_rows(table, w, ("A", "B"))
    assert set(rows["question"]) == {"noise"}


def test_model_pairs():
    assert noise_pairs.model_pairs(["o3", "o4-mini"], ["c"]) == [("o3", "c"), ("o4-mini", "c"),
                                                                 ("o4-mini", "o3")]
