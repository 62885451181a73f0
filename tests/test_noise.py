"""Tests of horizonlib.noise: paired bootstrap of model differences."""

import numpy as np
import pandas as pd
import pytest

from horizonlib import noise


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
    res = noise.paired_run_statistics(df, "A", "B", 300, np.random.default_rng(1))
    assert res["point"]["p50_ratio"] == pytest.approx(1.0)
    r = res["replicates"]["p50_ratio"]
    lo, hi = np.nanpercentile(r, [2.5, 97.5])
    assert lo <= 1.0 <= hi
    assert res["point"]["rebench_diff"] == pytest.approx(0.0)


def test_draw_levels_shapes_and_sums():
    df = _identical()
    rng = np.random.default_rng(2)
    for levels in (("family",), ("task",), ("run",), noise.LEVELS):
        c = noise.draw_level_replicates(df, 50, rng, levels)
        assert c.shape == (50, len(df))
        # every model's total multiplicity equals its run count when only runs are resampled
        if levels == ("run",):
            assert np.all(c[:, (df["alias"] == "A").to_numpy()].sum(axis=1) == (df["alias"] == "A").sum())
    with pytest.raises(ValueError):
        noise.draw_level_replicates(df, 5, rng, ("bogus",))


def test_rebench_mean_replicates_known():
    score = np.array([0.0, 1.0, 0.5, 0.5])
    codes = np.array([0, 0, 1, 1])
    counts = np.array([[1, 1, 1, 1], [2, 0, 1, 1], [0, 0, 2, 2]])
    np.testing.assert_allclose(noise.rebench_mean_replicates(score, codes, counts),
                               [0.5, 0.25, 0.5])


def test_published_ratio():
    s = pd.DataFrame({"replicate": [0, 1, 2, 0, 1, 2], "model": ["a"] * 3 + ["b"] * 3,
                      "p": 0.5, "horizon_min": [2.0, 4.0, 1.0, 1.0, 1.0, 2.0]})
    r = noise.published_ratio(None, s, "a", "b")
    assert r["estimate"] == pytest.approx(2.0) and r["p_positive"] == pytest.approx(2 / 3)


def test_compare_pairs_and_widths():
    df = _identical()
    table, missing = noise.compare_pairs(df, [("A", "B"), ("A", "Z")], 100,
                                         np.random.default_rng(3), kernel_task="ai_rd_0/t0")
    assert set(table["metric"]) == {"p50_ratio", "rebench_diff", "rebench_diff_no_kernel"}
    assert len(missing) == 1 and "Z" in missing[0]
    w = noise.ci_width_by_level(df, "A", "B", 100, np.random.default_rng(4))
    assert set(w["levels"]) == {"all", "family", "task", "run"}
    rows = noise.noise_ablation_rows(table, w, ("A", "B"))
    assert set(rows["question"]) == {"noise"}


def test_model_pairs():
    assert noise.model_pairs(["o3", "o4-mini"], ["c"]) == [("o3", "c"), ("o4-mini", "c"),
                                                           ("o4-mini", "o3")]


def _table():
    return pd.DataFrame({
        "model_a": ["A", "A", "A", "A", "C"], "model_b": ["B", "B", "B", "B", "A"],
        "metric": ["p50_ratio", "rebench_diff", "rebench_diff_no_kernel", "p50_ratio",
                   "p50_ratio"],
        "variant": ["all_levels"] * 5, "estimate": [2.0, 0.05, -0.02, 2.1, 0.7],
        "ci_low": [1.1, -0.2, -0.3, 1.2, 0.45], "ci_high": [3.9, 0.3, 0.25, 3.8, 1.0],
        "p_positive": [0.995, 0.6, 0.45, 0.99, 0.026], "n_replicates": [1000] * 5,
        "source": ["runs:th-1-1-8-models"] * 3 + ["published"] * 2})


def test_source_label():
    assert noise.source_label("runs:th-1-1-8-models") == "run data (Time Horizon 1.1)"
    assert noise.source_label("published") == "METR's published bootstrap"


def test_pair_display_is_text():
    tab = noise.pair_display(_table())
    assert list(tab.columns) == ["pair", "statistic", "estimate (95% CI)",
                                 "first model ahead in", "replicates", "source"]
    assert tab.iloc[0].tolist() == ["A vs B", "ratio of 50% horizons",
                                    "2.00 (95% CI 1.10 to 3.90)", "99.5% of replicates",
                                    "1,000", "run data (Time Horizon 1.1)"]
    assert tab.iloc[2, 2] == "−0.020 (95% CI −0.300 to 0.250)"


def test_noise_glue_and_missing_summary():
    g = noise.noise_glue(_table(), None, None, ["A"], ["B", "Z"], [
        "C vs A: no common run data, so no RE-Bench difference; ...",
        "A vs Z: neither common run data nor published samples."])
    assert g["nz_r1"] == "2.00 (95% CI 1.10 to 3.90)" and g["nz_r1_p"] == "99.5%"
    assert g["nz_r1_pub"] == "2.10 (95% CI 1.20 to 3.80)"
    assert g["nz_r1_src"] == "run data (Time Horizon 1.1)"
    assert g["nz_d1_p"] == "60.0%"
    assert g["nz_r2"] == noise.NOT_AVAILABLE and g["nz_w_ratio_family"] == noise.NOT_AVAILABLE
    assert g["nz_missing"] == ("C shares no run data with A, so that pair has no RE-Bench "
                               "difference; the horizon ratio comes from METR's published "
                               "bootstrap samples. A vs Z: neither common run data nor "
                               "published samples.")
    assert all(isinstance(v, str) for v in g.values())


def test_level_decomposition_picks_first_run_pair():
    df = _identical()
    table, _ = noise.compare_pairs(df, [("A", "B")], 30, np.random.default_rng(0))
    widths, pair = noise.level_decomposition(df, table, 30, np.random.default_rng(1))
    assert pair == ("A", "B") and set(widths["levels"]) == {"family", "task", "run", "all"}
    assert noise.level_decomposition(df, table.iloc[0:0], 30, np.random.default_rng(1)) == (
        None, None)
    g = noise.noise_glue(table, widths, pair, ["A"], ["B"], [])
    shares = [float(g[f"nz_w_ratio_{lev}"].rstrip("%")) for lev in noise.LEVELS]
    assert sum(shares) == pytest.approx(100, abs=2)


def test_pair_sentences_drop_missing_clauses():
    t = _table()
    s = noise.pair_sentences(t, "A", "B", 1000)
    assert s.startswith("For A against B, the ratio of 50% horizons is 2.00 (95% CI 1.10 to "
                        "3.90) from run data (Time Horizon 1.1); A's horizon is longer in "
                        "99.5% of 1,000 paired replicates.")
    assert "METR's published bootstrap gives 2.10 (95% CI 1.20 to 3.80) for the same pair." in s
    assert noise.NOT_AVAILABLE not in s
    # published samples configured but without this pair: said so, grammatically
    no_pub = t[t["source"] != "published"]
    s2 = noise.pair_sentences(no_pub, "A", "B", 1000, published_configured=True)
    assert "METR's published samples do not include this pair." in s2
    # not configured at all: no clause
    s3 = noise.pair_sentences(no_pub, "A", "B", 1000, published_configured=False)
    assert "published" not in s3 and noise.NOT_AVAILABLE not in s3
    # a pair known only from published samples: no RE-Bench clause with a placeholder
    s4 = noise.pair_sentences(t, "C", "A", 1000)
    assert "from METR's published bootstrap" in s4 and "share no RE-Bench runs" in s4
    s5 = noise.pair_sentences(t, "A", "Z", 1000)
    assert s5.startswith("A and Z share no run data")


def test_separation_sentences_follow_the_numbers():
    t = _table()
    s = noise.separation_sentences(t, [("A", "B")])
    assert s.startswith("For A against B the interval of the RE-Bench difference spans zero "
                        "(−0.200 to 0.300); that of the horizon ratio, from every task, lies "
                        "above 1 (1.10 to 3.90).")
    assert s.endswith("cannot separate the two models, which the horizon ratio does separate.")
    t2 = t.copy()
    t2.loc[1, ["ci_low", "ci_high"]] = [0.04, 0.74]  # RE-Bench interval above zero
    s2 = noise.separation_sentences(t2, [("A", "B")])
    assert "difference lies above zero (0.040 to 0.740)" in s2
    assert s2.endswith("Here even the handful of RE-Bench tasks separates the two models.")
    assert noise.separation_sentences(t.iloc[3:], [("C", "A")]).startswith("No pair has RE-Bench")


def test_figure_sources_caption():
    assert "purple squares" in noise.figure_sources(_table())
    only_runs = noise.figure_sources(_table().iloc[:3])
    assert only_runs == ("from common run data (blue circles); no published bootstrap samples "
                         "are configured")
