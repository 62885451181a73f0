"""Tests of horizonlib.trend_tests: broken line, BIC, month date, distance."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from horizonlib import trend_tests as tt


def test_broken_line_recovers_planted_break():
    x = np.linspace(0, 1000, 25)
    tau = 620.0
    y = 1.0 + 0.002 * x + 0.006 * np.maximum(0, x - tau)
    y = y + np.random.default_rng(0).normal(0, 0.01, x.size)
    res = tt.compare_broken_line(x, y, n_grid=500)
    assert res["tau"] == pytest.approx(tau, abs=25)
    assert res["broken_b"] == pytest.approx(0.002, rel=0.1)
    assert res["broken_b"] + res["broken_c"] == pytest.approx(0.008, rel=0.05)
    assert res["delta_bic"] > 10


def test_single_line_usually_preferred_without_break():
    # grid-searching the break favours it sometimes by chance (an edge point fitted exactly),
    # so the check is on the typical case over many noise draws
    x = np.linspace(0, 1000, 25)
    deltas = [tt.compare_broken_line(
        x, 1.0 + 0.003 * x + np.random.default_rng(s).normal(0, 0.05, x.size))["delta_bic"]
        for s in range(20)]
    assert np.median(deltas) < 2


@settings(max_examples=30, deadline=None)
@given(a=st.floats(-5, 5), b=st.floats(1e-4, 1e-2))
def test_reach_day_inverts_line(a, b):
    d = tt.reach_day(a, b, 10020)
    assert a + b * d == pytest.approx(np.log(10020), rel=1e-9, abs=1e-9)


def test_reach_day_negative_slope_is_nan():
    assert np.isnan(tt.reach_day(0.0, -0.01))


def _setup(planted_ratio=4.0, seed=0):
    rng = np.random.default_rng(seed)
    dates = pd.Series(pd.to_datetime([f"{y}-06-01" for y in range(2015, 2025)]),
                      index=[f"m{i}" for i in range(10)])
    days = tt._days(dates)
    p50 = pd.Series(np.exp(-50 + 0.003 * days), index=dates.index)
    dates["focus"] = pd.Timestamp("2024-09-01")
    p50["focus"] = planted_ratio * np.exp(-50 + 0.003 * tt._days(dates[["focus"]])[0])
    wide = pd.DataFrame(p50.to_numpy()[None, :] * np.exp(rng.normal(0, 0.1, (300, 11))),
                        columns=p50.index)
    return p50, wide, dates


def test_trend_distance_known():
    p50, wide, dates = _setup()
    d = tt.trend_distance(p50, wide, dates, "focus", [f"m{i}" for i in range(10)])
    assert d["ratio"] == pytest.approx(4.0, rel=1e-6)
    assert d["p_value"] < 0.01


def test_trend_tests_runs():
    p50, wide, dates = _setup()
    res = tt.trend_tests(p50, wide, dates, ["2014-01-01", "2020-01-01"], ["focus", "absent"],
                         source="fitted")
    assert res["missing"] == ["absent"]
    dd = res["doubling"].set_index(["window_start", "selection"])
    assert dd.loc[("2014-01-01", "frontier_excl_focus"), "doubling_days"] == pytest.approx(
        np.log(2) / 0.003, rel=1e-6)
    assert set(res["ablation_rows"]["question"]) == {"trend"}
    assert len(res["month"]) == 5
