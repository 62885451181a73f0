"""Multiverse doubling times agree with horizonlib.model.trend and leave out undated models."""

import numpy as np
import pandas as pd

from horizonlib.analyses.multiverse.doubling import doubling_multiverse
from horizonlib.analyses.multiverse.fits import fit_multiverse
from horizonlib.analyses.multiverse.grid import specification_grid
from horizonlib.model.trend import fit_trend, frontier_models
from tests.analyses.multiverse.planted import planted_runs


def test_doubling_multiverse_matches_trend_module():
    models = [(f"M{i}", 0.5 + 0.9 * i + 0.3 * (i % 2), -0.7) for i in range(6)]
    runs = planted_runs(7, models=models)
    dates = pd.Series(pd.to_datetime(["2019-06-01", "2020-03-01", "2021-01-01", "2021-01-01",
                                      "2022-05-01", "2023-02-01"]), index=[m[0] for m in models])
    table = fit_multiverse(runs, specification_grid(success=["delivered", "fractional"],
                                                    subset=["all"], link=["logistic"]))
    trend = doubling_multiverse(table, dates, windows=["2019-01-01", "2021-01-01"])
    for _, row in trend.iterrows():
        p50 = table[table["spec"] == row["spec"]].set_index("model")["p50_min"].dropna()
        p50 = p50[p50 >= 1e-3]
        in_win = [m for m in p50.index if dates[m] >= pd.Timestamp(row["window_start"])]
        if row["selection"] == "frontier":
            chosen = frontier_models(p50, dates, start=row["window_start"])
        else:
            chosen = sorted(in_win, key=lambda m: (dates[m], m))
        assert row["models"].split(";") == chosen or sorted(row["models"].split(";")) == sorted(chosen)
        assert row["n_models"] == len(chosen)
        expected = fit_trend(p50[chosen], dates)[2] if len(chosen) >= 2 else np.nan
        np.testing.assert_allclose(row["doubling_days"], expected, rtol=1e-10)
    assert trend["is_metr"].sum() == 4  # 2 windows x 2 selections


def test_doubling_multiverse_leaves_out_undated_models():
    table = fit_multiverse(planted_runs(0), specification_grid(
        weighting=["invsqrt_task_weight"], regularization=[0.1], success=["delivered"],
        subset=["all"], link=["logistic"]))
    dates = pd.Series(pd.to_datetime(["2020-01-01", "2021-01-01"]), index=["A", "B"])
    trend = doubling_multiverse(table, dates, selections=["all"])
    assert trend.iloc[0]["models"] == "A;B"
