"""Tests of horizonlib.analyses.trend_checks.checks: a model's distance from the trend, every check
together."""

import numpy as np
import pytest

from horizonlib.analyses.trend_checks import checks as trend_checks

from tests.analyses.trend_checks.toy_trend import planted_trend


def test_trend_distance_known():
    p50, wide, dates = planted_trend()
    d = trend_checks.trend_distance(p50, wide, dates, "focus", [f"m{i}" for i in range(10)])
    assert d["ratio"] == pytest.approx(4.0, rel=1e-6)
    assert d["p_value"] < 0.01


def test_trend_tests_runs():
    p50, wide, dates = planted_trend()
    res = trend_checks.check_trend(p50, wide, dates, ["2014-01-01", "2020-01-01"],
                                   ["focus", "absent"], source="fitted")
    assert res["missing"] == ["absent"]
    dd = res["doubling"].set_index(["window_start", "selection"])
    assert dd.loc[("2014-01-01", "frontier_excl_focus"), "doubling_days"] == pytest.approx(
        np.log(2) / 0.003, rel=1e-6)
    assert len(res["month"]) == 5
