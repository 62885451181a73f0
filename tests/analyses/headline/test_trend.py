"""Tests of horizonlib.analyses.headline.trend: trend exclusions and the trend line's band."""

import numpy as np
import pandas as pd
import pytest

from horizonlib.analyses.headline import trend as headline_trend

from tests.analyses.headline.toy_horizons import horizon_rows


def test_trend_exclusions_give_reasons():
    horizons = pd.concat([horizon_rows("d", "dated", 10.0), horizon_rows("d", "undated", 5.0),
                          horizon_rows("d", "tiny", 1e-6), horizon_rows("d", "failed", np.nan)])
    dates = pd.Series(pd.to_datetime(["2024-01-01", "2023-01-01", "2022-01-01"]),
                      index=["dated", "tiny", "failed"])
    table = headline_trend.trend_exclusions(horizons, dates).set_index("model")["reason"]
    assert set(table.index) == {"undated", "tiny", "failed"}
    assert "release date" in table["undated"] and "below" in table["tiny"]
    assert "no fit" in table["failed"]
    assert headline_trend.fitted_points(horizons, dates)["model"].tolist() == ["dated"]


def test_trend_line_recovers_planted_doubling_and_band_collapses():
    dates = pd.Series(pd.to_datetime(["2022-01-01", "2023-01-01", "2024-01-01"]),
                      index=["a", "b", "c"])
    days = (dates - dates.iloc[0]).dt.days.to_numpy()
    p50 = pd.Series(4.0 * 2 ** (days / 200.0), index=dates.index)
    samples = pd.DataFrame([p50.to_numpy()] * 5, columns=p50.index)
    line = headline_trend.trend_line(p50, samples, ["a", "b", "c"], dates, "t", n_points=3)
    assert line["horizon_min"].tolist() == pytest.approx(
        [4.0, 4.0 * 2 ** (days[-1] / 400.0), 4.0 * 2 ** (days[-1] / 200.0)], rel=1e-9)
    assert line["band_low_min"].to_numpy() == pytest.approx(line["horizon_min"].to_numpy())
