"""Tests of horizonlib.analyses.headline.planted: estimates against the planted truth of simulated
runs."""

import numpy as np
import pandas as pd

from horizonlib.analyses.headline import planted as planted_truth
from horizonlib.model.horizons import fit_horizons


def test_planted_comparison_on_the_synthetic_runs(tmp_path):
    from horizonlib.model.horizons import horizon_table
    from horizonlib.data.runs import load_runs

    runs = load_runs(["synthetic"], cache_dir=tmp_path)
    horizons = horizon_table(runs, n_bootstrap=50, rng=np.random.default_rng(0))
    table = planted_truth.planted_comparison(horizons, fit_horizons(runs, regularization=0.0))
    assert len(table) == 6 and table["planted_p50_min"].notna().all()
    # without the penalty the fit recovers the planted horizons to within a factor of 1.5
    ratio = table["unpenalized_p50_min"] / table["planted_p50_min"]
    assert ratio.between(1 / 1.5, 1.5).all()
    trend = pd.DataFrame(columns=["source", "selection", "models", "window_start",
                                  "doubling_days", "ci_low_days", "ci_high_days"])
    assert "planted" in planted_truth.planted_sentence(table, 0.1, trend)
    assert planted_truth.planted_sentence(table.iloc[:0], 0.1, trend) == ""
