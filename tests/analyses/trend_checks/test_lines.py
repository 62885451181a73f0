"""Tests of horizonlib.analyses.trend_checks.lines: broken line, BIC, the date a line reaches a
horizon."""

from hypothesis import given, settings
from hypothesis import strategies as st

import numpy as np
import pytest

from horizonlib.analyses.trend_checks import lines as trend_lines


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
