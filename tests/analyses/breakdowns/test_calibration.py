"""Tests of horizonlib.analyses.breakdowns.calibration: observed against predicted success."""

import numpy as np
import pytest

from horizonlib.analyses.breakdowns import calibration as calibration_check

from tests.analyses.breakdowns.toy_runs import simulated


@pytest.mark.parametrize("by", ["bucket", "source"])
def test_calibration_gaps_average_to_zero_by_the_intercept_score_equation(by):
    # the intercept is unpenalized, so sum_i w_i (y_i - p_i) = 0 for every model: the
    # weight-averaged gap over any partition of the runs is exactly zero
    cal = calibration_check.calibration(simulated(), by=by, regularization=0.1)
    total = (cal["gap"] * cal["weight"]).groupby(cal["alias"]).sum()
    np.testing.assert_allclose(total, 0.0, atol=1e-9)
    np.testing.assert_allclose(cal.groupby("alias")["weight"].sum(), 1.0)
    if by == "source":
        assert set(cal["group"]) == {"HCAST", "RE-Bench", "SWAA"}


def test_calibration_rejects_unknown_grouping():
    with pytest.raises(ValueError):
        calibration_check.calibration(simulated(), by="family")
