"""Tests of horizonlib.model.trend: doubling time of the 50% horizon and model selection."""

import numpy as np
import pandas as pd
import pytest

from horizonlib.model.trend import (
    TREND_TABLE_COLUMNS, doubling_time_samples, doubling_time_table, fit_trend, frontier_models,
)

DATES = pd.to_datetime(pd.Series({
    "A": "2019-02-14", "B": "2020-05-28", "C": "2022-03-15", "D": "2023-03-14",
    "E": "2024-05-13", "F": "2024-06-20", "G": "2024-12-05", "H": "2025-04-16",
}))


def _planted_p50(doubling_days=210.0, p0=0.05):
    days = (DATES - DATES.iloc[0]).dt.days.to_numpy(float)
    return pd.Series(p0 * 2 ** (days / doubling_days), index=DATES.index)


def test_fit_trend_recovers_planted_doubling():
    slope, intercept, dd = fit_trend(_planted_p50(), DATES)
    assert dd == pytest.approx(210.0, rel=1e-10)
    assert slope == pytest.approx(np.log(2) / 210)
    # intercept: ln p50 at 1970-01-01
    day0 = (DATES.iloc[0] - pd.Timestamp("1970-01-01")).days
    assert intercept + slope * day0 == pytest.approx(np.log(0.05))


def test_frontier_rule_ties_and_windows():
    p50 = pd.Series({"A": 1.0, "B": 0.5, "C": 2.0, "D": 2.0, "E": 1.5, "F": 8.0, "G": 4.0, "H": 9.0})
    assert frontier_models(p50, DATES) == ["A", "C", "D", "F", "H"]
    # within a window the running best starts afresh (METR's get_sota_agents)
    assert frontier_models(p50, DATES, start="2024-01-01") == ["E", "F", "H"]
    # aliases with a scaffold suffix find the date of the base name
    p = pd.Series({"A": 1.0, "H (Inspect)": 3.0})
    assert frontier_models(p, DATES) == ["A", "H (Inspect)"]


def test_doubling_time_table_selections_and_ci():
    rng = np.random.default_rng(0)
    point = _planted_p50()
    wide = pd.DataFrame(point.to_numpy()[None, :] * np.exp(rng.normal(0, 0.3, (500, len(point)))),
                        columns=point.index)
    wide.index.name = "replicate"
    sel = {"frontier": "frontier", "all": "all", "no H": {"base": "frontier", "exclude": ["H"]},
           "pick": {"include": ["B", "D", "H"]}}
    tab = doubling_time_table(point, wide, DATES, windows=["2019-01-01", "2024-01-01"],
                              selections=sel)
    assert list(tab.columns) == TREND_TABLE_COLUMNS
    assert len(tab) == 8
    r = tab.set_index(["window_start", "selection"])
    assert r.loc[("2019-01-01", "frontier"), "models"] == "A;B;C;D;E;F;G;H"
    assert r.loc[("2019-01-01", "no H"), "models"] == "A;B;C;D;E;F;G"
    assert r.loc[("2024-01-01", "pick"), "models"] == "H"
    assert np.isnan(r.loc[("2024-01-01", "pick"), "doubling_days"])  # one model: no trend
    full = r.loc[("2019-01-01", "all")]
    assert full["doubling_days"] == pytest.approx(210)
    assert full["ci_low_days"] < 210 < full["ci_high_days"]
    # long input shape (published samples: replicate, model, p, horizon_min) gives the same
    long = wide.stack().rename("horizon_min").reset_index().rename(columns={"level_1": "model"})
    long = long.rename(columns={long.columns[1]: "model"}).assign(p=0.5)
    tab2 = doubling_time_table(point, long, DATES, windows=["2019-01-01", "2024-01-01"],
                               selections=sel, source="published")
    pd.testing.assert_frame_equal(tab.drop(columns="source"), tab2.drop(columns="source"))
    assert (tab2["source"] == "published").all()


def test_replicate_filtering_follows_metr():
    point = _planted_p50()
    wide = pd.DataFrame([point.to_numpy()] * 3, columns=point.index)
    wide.iloc[0, :7] = np.nan  # only one usable model -> skipped
    wide.iloc[1, 0] = 1e-4     # below 1e-3 minutes -> that model dropped
    wide.iloc[2] = wide.iloc[2].to_numpy()[::-1]  # shrinking horizon -> negative, dropped
    dts = doubling_time_samples(wide, DATES)
    assert len(dts) == 1 and dts[0] == pytest.approx(210)


def test_missing_release_date_raises():
    with pytest.raises(KeyError, match="release date"):
        fit_trend(pd.Series({"A": 1.0, "Z": 2.0}), DATES)
