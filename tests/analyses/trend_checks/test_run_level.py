"""Tests of horizonlib.analyses.trend_checks.run_level: run-level doubling times (known slope)."""

import numpy as np
import pandas as pd
import pytest

from horizonlib.analyses.trend_checks import checks as trend_checks
from horizonlib.analyses.trend_checks import run_level as run_level_trend
from horizonlib.analyses.trend_checks import samples as trend_samples
from horizonlib.model.bootstrap import bootstrap_horizons


def test_run_level_doubling_known_slope():
    """Planted logistic curves whose p50 doubles every ln2/0.003 days: the fitted doubling
    time of the frontier lands near it."""
    rng = np.random.default_rng(0)
    rows = []
    release = pd.Series(pd.to_datetime([f"{y}-06-01" for y in range(2019, 2025)]),
                        index=[f"M{i}" for i in range(6)])
    minutes = 2.0 ** np.linspace(0, 10, 40)
    for m, day in zip(release.index, trend_samples.dates_to_days(release)):
        log2_p50 = (0.003 * (day - 18000)) / np.log(2) + 1
        for t, mins in enumerate(minutes):
            p = 1 / (1 + 2.0 ** (1.5 * (np.log2(mins) - log2_p50)))
            for r in range(6):
                s = int(rng.random() < p)
                rows.append((m, f"t{t}/main", f"t{t}", "HCAST", mins, float(s), s))
    df = pd.DataFrame(rows, columns=["alias", "task_id", "task_family", "task_source",
                                     "human_minutes", "score", "success"])
    df["dataset"], df["display_name"] = "toy", df["alias"]
    df["run_id"] = [f"r{i}" for i in range(len(df))]
    samples = bootstrap_horizons(df, 50, np.random.default_rng(1), regularization=0.01,
                                 success_percents=(50,))
    tab = run_level_trend.run_level_doubling(df, release, ["2019-01-01"], samples,
                                             regularization=0.01, focus="M5")
    assert tab["dataset"].unique().tolist() == ["toy"]
    assert tab["doubling_days"].iloc[0] == pytest.approx(np.log(2) / 0.003, rel=0.25)

    # each model of that trend, with its own 50% horizon from the same replicates
    rows = run_level_trend.run_level_horizon_rows(df, tab, samples, regularization=0.01)
    used = set(tab["models"].iloc[0].split(";"))
    assert set(rows["alias"]) == used and set(rows["dataset"]) == {"toy"}
    assert set(rows["metric"]) == {"p50_min"} and set(rows["question"]) == {"trend"}
    assert (rows["ci_low"] <= rows["estimate"]).all() and (rows["estimate"] <= rows["ci_high"]).all()

    # the same replicates give the same numbers: trend_inputs on the fitted path uses them too
    point, wide, source = trend_samples.trend_inputs(df, None, None, release, samples=samples,
                                                     regularization=0.01)
    assert source == "fitted"
    d = trend_checks.check_trend(point, wide, release, ["2019-01-01", "2023-01-01"], ["M5"],
                                 source="fitted", n_grid=20)["doubling"]
    row = d[(d["window_start"] == "2019-01-01") & (d["selection"] == "frontier")].iloc[0]
    assert row["doubling_days"] == pytest.approx(tab["doubling_days"].iloc[0], rel=1e-9)
    assert row["ci_low_days"] == pytest.approx(tab["ci_low_days"].iloc[0], rel=1e-9)
    assert row["ci_high_days"] == pytest.approx(tab["ci_high_days"].iloc[0], rel=1e-9)
