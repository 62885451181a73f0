"""Tests of horizonlib.analyses.trend_checks: broken line, BIC, month date, distance."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from horizonlib.analyses.trend_checks import checks as trend_checks
from horizonlib.analyses.trend_checks import lines as trend_lines
from horizonlib.analyses.trend_checks import run_level as run_level_trend
from horizonlib.analyses.trend_checks import samples as trend_samples
from horizonlib.model.bootstrap import bootstrap_horizons


def test_broken_line_recovers_planted_break():
    x = np.linspace(0, 1000, 25)
    tau = 620.0
    y = 1.0 + 0.002 * x + 0.006 * np.maximum(0, x - tau)
    y = y + np.random.default_rng(0).normal(0, 0.01, x.size)
    res = trend_lines.compare_broken_line(x, y, n_grid=500)
    assert res["tau"] == pytest.approx(tau, abs=25)
    assert res["broken_b"] == pytest.approx(0.002, rel=0.1)
    assert res["broken_b"] + res["broken_c"] == pytest.approx(0.008, rel=0.05)
    assert res["delta_bic"] > 10


def test_single_line_usually_preferred_without_break():
    # grid-searching the break favours it sometimes by chance (an edge point fitted exactly),
    # so the check is on the typical case over many noise draws
    x = np.linspace(0, 1000, 25)
    deltas = [trend_lines.compare_broken_line(
        x, 1.0 + 0.003 * x + np.random.default_rng(s).normal(0, 0.05, x.size))["delta_bic"]
        for s in range(20)]
    assert np.median(deltas) < 2


@settings(max_examples=30, deadline=None)
@given(a=st.floats(-5, 5), b=st.floats(1e-4, 1e-2))
def test_reach_day_inverts_line(a, b):
    d = trend_lines.reach_day(a, b, 10020)
    assert a + b * d == pytest.approx(np.log(10020), rel=1e-9, abs=1e-9)


def test_reach_day_negative_slope_is_nan():
    assert np.isnan(trend_lines.reach_day(0.0, -0.01))


def _setup(planted_ratio=4.0, seed=0):
    rng = np.random.default_rng(seed)
    dates = pd.Series(pd.to_datetime([f"{y}-06-01" for y in range(2015, 2025)]),
                      index=[f"m{i}" for i in range(10)])
    days = trend_samples.dates_to_days(dates)
    p50 = pd.Series(np.exp(-50 + 0.003 * days), index=dates.index)
    dates["focus"] = pd.Timestamp("2024-09-01")
    p50["focus"] = planted_ratio * np.exp(-50 + 0.003 * trend_samples.dates_to_days(dates[["focus"]])[0])
    wide = pd.DataFrame(p50.to_numpy()[None, :] * np.exp(rng.normal(0, 0.1, (300, 11))),
                        columns=p50.index)
    return p50, wide, dates


def test_trend_distance_known():
    p50, wide, dates = _setup()
    d = trend_checks.trend_distance(p50, wide, dates, "focus", [f"m{i}" for i in range(10)])
    assert d["ratio"] == pytest.approx(4.0, rel=1e-6)
    assert d["p_value"] < 0.01


def test_trend_tests_runs():
    p50, wide, dates = _setup()
    res = trend_checks.trend_tests(p50, wide, dates, ["2014-01-01", "2020-01-01"], ["focus", "absent"],
                         source="fitted")
    assert res["missing"] == ["absent"]
    dd = res["doubling"].set_index(["window_start", "selection"])
    assert dd.loc[("2014-01-01", "frontier_excl_focus"), "doubling_days"] == pytest.approx(
        np.log(2) / 0.003, rel=1e-6)
    assert set(res["ablation_rows"]["question"]) == {"trend"}
    assert len(res["month"]) == 5


def test_dropped_replicates_and_intervals():
    wide = pd.DataFrame({"a": [1.0, np.nan, 2.0, 1e-5], "b": [1.0, 2.0, 3.0, 4.0]})
    assert trend_samples.dropped_replicates(wide, ["a", "b"]).to_dict() == {"a": 2}
    iv = trend_samples.point_intervals(pd.Series({"b": 2.5, "c": 1.0}), wide, 0.5)
    assert iv.loc["b"].tolist() == pytest.approx([1.75, 3.25])
    assert iv.loc["c"].isna().all()


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
    tab = run_level_trend.run_level_doubling(df, release, ["2019-01-01"], samples, regularization=0.01,
                                focus="M5")
    assert tab["dataset"].unique().tolist() == ["toy"]
    assert tab["doubling_days"].iloc[0] == pytest.approx(np.log(2) / 0.003, rel=0.25)

    # the same replicates give the same numbers: trend_inputs on the fitted path uses them too
    point, wide, source = trend_samples.trend_inputs(df, None, None, release, samples=samples,
                                          regularization=0.01)
    assert source == "fitted"
    d = trend_checks.trend_tests(point, wide, release, ["2019-01-01", "2023-01-01"], ["M5"],
                       source="fitted", n_grid=20)["doubling"]
    row = d[(d["window_start"] == "2019-01-01") & (d["selection"] == "frontier")].iloc[0]
    assert row["doubling_days"] == pytest.approx(tab["doubling_days"].iloc[0], rel=1e-9)
    assert row["ci_low_days"] == pytest.approx(tab["ci_low_days"].iloc[0], rel=1e-9)
    assert row["ci_high_days"] == pytest.approx(tab["ci_high_days"].iloc[0], rel=1e-9)
