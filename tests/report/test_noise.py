"""Tests of horizonlib.report.noise: the noise chapter's sentences and tables."""

import numpy as np
import pandas as pd
import pytest

from horizonlib.analyses.noise import levels as noise_levels
from horizonlib.analyses.noise import pairs as noise_pairs
from horizonlib.analyses.noise import replicates as noise_replicates
from horizonlib.model.shared_draws import SharedDraws
from horizonlib.report import noise as report_noise
from tests.analyses.noise.toy_runs import identical_models


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
    assert report_noise.source_label("runs:th-1-1-8-models") == "run data (Time Horizon 1.1)"
    assert report_noise.source_label("published") == "METR's published bootstrap"


def test_pair_display_is_text():
    tab = report_noise.pair_display(_table())
    assert list(tab.columns) == ["pair", "statistic", "estimate (95% CI)",
                                 "first model ahead in", "replicates", "source"]
    assert tab.iloc[0].tolist() == ["A vs B", "ratio of 50% horizons",
                                    "2.00 (95% CI 1.10 to 3.90)", "99.5% of replicates",
                                    "1,000", "run data (Time Horizon 1.1)"]
    assert tab.iloc[2, 2] == "−0.020 (95% CI −0.300 to 0.250)"


def test_noise_glue_and_missing_summary():
    g = report_noise.noise_glue(_table(), None, None, ["A"], ["B", "Z"], [
        "C vs A: no common run data, so no RE-Bench difference; ...",
        "A vs Z: neither common run data nor published samples."])
    assert g["nz_r1"] == "2.00 (95% CI 1.10 to 3.90)" and g["nz_r1_p"] == "99.5%"
    assert g["nz_r1_pub"] == "2.10 (95% CI 1.20 to 3.80)"
    assert g["nz_r1_src"] == "run data (Time Horizon 1.1)"
    assert g["nz_d1_p"] == "60.0%"
    assert g["nz_r2"] == report_noise.NOT_AVAILABLE and g["nz_w_ratio_family"] == report_noise.NOT_AVAILABLE
    assert g["nz_missing"] == ("C shares no run data with A, so that pair has no RE-Bench "
                               "difference; the horizon ratio comes from METR's published "
                               "bootstrap samples. A vs Z: neither common run data nor "
                               "published samples.")
    assert all(isinstance(v, str) for v in g.values())


def test_pair_sentences_drop_missing_clauses():
    t = _table()
    s = report_noise.pair_sentences(t, "A", "B", 1000)
    assert s.startswith("For A against B, the ratio of 50% horizons is 2.00 (95% CI 1.10 to "
                        "3.90) from run data (Time Horizon 1.1); A's horizon is longer in "
                        "99.5% of 1,000 paired replicates.")
    assert "METR's published bootstrap gives 2.10 (95% CI 1.20 to 3.80) for the same pair." in s
    assert report_noise.NOT_AVAILABLE not in s
    # published samples configured but without this pair: said so, grammatically
    no_pub = t[t["source"] != "published"]
    s2 = report_noise.pair_sentences(no_pub, "A", "B", 1000, published_configured=True)
    assert "METR's published samples do not include this pair." in s2
    # not configured at all: no clause
    s3 = report_noise.pair_sentences(no_pub, "A", "B", 1000, published_configured=False)
    assert "published" not in s3 and report_noise.NOT_AVAILABLE not in s3
    # a pair known only from published samples: no RE-Bench clause with a placeholder
    s4 = report_noise.pair_sentences(t, "C", "A", 1000)
    assert "from METR's published bootstrap" in s4 and "share no RE-Bench runs" in s4
    s5 = report_noise.pair_sentences(t, "A", "Z", 1000)
    assert s5.startswith("A and Z share no run data")


def test_separation_sentences_follow_the_numbers():
    t = _table()
    s = report_noise.separation_sentences(t, [("A", "B")])
    assert s.startswith("For A against B the interval of the RE-Bench difference spans zero "
                        "(−0.200 to 0.300); that of the horizon ratio, from every task, lies "
                        "above 1 (1.10 to 3.90).")
    assert s.endswith("cannot separate the two models, which the horizon ratio does separate.")
    t2 = t.copy()
    t2.loc[1, ["ci_low", "ci_high"]] = [0.04, 0.74]  # RE-Bench interval above zero
    s2 = report_noise.separation_sentences(t2, [("A", "B")])
    assert "difference lies above zero (0.040 to 0.740)" in s2
    assert s2.endswith("Here even the handful of RE-Bench tasks separates the two models.")
    assert report_noise.separation_sentences(t.iloc[3:], [("C", "A")]).startswith("No pair has RE-Bench")


def test_figure_sources_caption():
    assert "purple squares" in report_noise.figure_sources(_table())
    only_runs = report_noise.figure_sources(_table().iloc[:3])
    assert only_runs == ("from common run data (blue circles); no published bootstrap samples "
                         "are configured")


def test_noise_glue_level_shares_add_up():
    df = identical_models()
    draws = SharedDraws(30, seed=0)
    table, _ = noise_pairs.compare_pairs(df, [("A", "B")], draws)
    widths, pair = noise_levels.level_decomposition(df, table, draws, np.random.default_rng(1))
    g = report_noise.noise_glue(table, widths, pair, ["A"], ["B"], [])
    shares = [float(g[f"nz_w_ratio_{lev}"].rstrip("%")) for lev in noise_replicates.LEVELS]
    assert sum(shares) == pytest.approx(100, abs=2)
