"""Tests of horizonlib.analyses.noise: paired bootstrap of model differences."""

import numpy as np
import pandas as pd
import pytest

from horizonlib.analyses.noise import levels as noise_levels
from horizonlib.analyses.noise import pairs as noise_pairs
from horizonlib.analyses.noise import replicates as noise_replicates
from horizonlib.analyses.noise import results as noise_results


def _identical(n_fam=12, reps=4, seed=0):
    """Two models with the SAME runs (identical outcomes) on a suite with RE-Bench tasks."""
    rng = np.random.default_rng(seed)
    rows = []
    for f in range(n_fam):
        minutes = 2.0 ** rng.uniform(0, 9)
        src = "RE-Bench" if f < 3 else "HCAST"
        fam = f"ai_rd_{f}" if src == "RE-Bench" else f"fam{f}"
        for t in range(2 if src == "HCAST" else 1):
            p = 1 / (1 + np.exp(-(4 - 0.7 * np.log2(minutes))))
            outcomes = rng.random(reps) < p
            scores = rng.random(reps)
            for alias in ("A", "B"):
                for r in range(reps):
                    rows.append((alias, f"{fam}/t{t}", fam, src, minutes,
                                 float(scores[r]) if src == "RE-Bench" else float(outcomes[r]),
                                 int(outcomes[r])))
    df = pd.DataFrame(rows, columns=["alias", "task_id", "task_family", "task_source",
                                     "human_minutes", "score", "success"])
    df["dataset"] = "toy"
    df["display_name"] = df["alias"]
    df["run_id"] = [f"r{i}" for i in range(len(df))]
    return df


def test_identical_models_ratio_ci_contains_one():
    df = _identical()
    res = noise_replicates.paired_run_statistics(df, "A", "B", 300, np.random.default_rng(1))
    assert res["point"]["p50_ratio"] == pytest.approx(1.0)
    r = res["replicates"]["p50_ratio"]
    lo, hi = np.nanpercentile(r, [2.5, 97.5])
    assert lo <= 1.0 <= hi
    assert res["point"]["rebench_diff"] == pytest.approx(0.0)


def test_draw_levels_shapes_and_sums():
    df = _identical()
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


def test_published_ratio():
    s = pd.DataFrame({"replicate": [0, 1, 2, 0, 1, 2], "model": ["a"] * 3 + ["b"] * 3,
                      "p": 0.5, "horizon_min": [2.0, 4.0, 1.0, 1.0, 1.0, 2.0]})
    r = noise_pairs.published_ratio(None, s, "a", "b")
    assert r["estimate"] == pytest.approx(2.0) and r["p_positive"] == pytest.approx(2 / 3)


def test_compare_pairs_and_widths():
    df = _identical()
    table, missing = noise_pairs.compare_pairs(df, [("A", "B"), ("A", "Z")], 100,
                                         np.random.default_rng(3), kernel_task="ai_rd_0/t0")
    assert set(table["metric"]) == {"p50_ratio", "rebench_diff", "rebench_diff_no_kernel"}
    assert len(missing) == 1 and "Z" in missing[0]
    w = noise_levels.ci_width_by_level(df, "A", "B", 100, np.random.default_rng(4))
    assert set(w["levels"]) == {"all", "family", "task", "run"}
    rows = noise_results.noise_ablation_rows(table, w, ("A", "B"))
    assert set(rows["question"]) == {"noise"}


def test_model_pairs():
    assert noise_pairs.model_pairs(["o3", "o4-mini"], ["c"]) == [("o3", "c"), ("o4-mini", "c"),
                                                           ("o4-mini", "o3")]


def test_level_decomposition_picks_first_run_pair():
    df = _identical()
    table, _ = noise_pairs.compare_pairs(df, [("A", "B")], 30, np.random.default_rng(0))
    widths, pair = noise_levels.level_decomposition(df, table, 30, np.random.default_rng(1))
    assert pair == ("A", "B") and set(widths["levels"]) == {"family", "task", "run", "all"}
    assert noise_levels.level_decomposition(df, table.iloc[0:0], 30, np.random.default_rng(1)) == (
        None, None)
