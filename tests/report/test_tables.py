"""Tests of horizonlib.report.tables: the fit and data chapters' display tables."""

import numpy as np
import pandas as pd

from horizonlib.report.tables import format_interval, format_minutes, horizon_display

from tests.analyses.headline.toy_horizons import horizon_rows


def test_format_interval_and_display():
    assert format_interval(120.73, 74.6, 202.5) == "121 [74.6, 202]"
    assert format_interval(0.5, np.nan, np.nan) == "0.5"
    assert format_minutes(np.nan) == "—"
    horizons = pd.concat([horizon_rows("d", "m", 12.0), horizon_rows("d", "m", 3.0).assign(p=0.8)])
    table = horizon_display(horizons)
    assert table.loc[("d", "m"), "p50 (min) [95% CI]"] == "12.0 [6.0, 24.0]"
    assert table.loc[("d", "m"), "p80 (min) [95% CI]"] == "3.0 [1.5, 6.0]"


def test_reproduction_display_one_row_per_model():
    from horizonlib.report.tables import reproduction_display

    rows = pd.DataFrame(dict(published="f", model=["m", "m"], p=[0.5, 0.8],
                             metr_min=[120.730463, 23.9], replay_rel_diff=[1e-9, -2e-8],
                             exact_rel_diff=[2e-5, -2e-4]))
    table = reproduction_display(rows)
    assert table.shape == (1, 6)
    assert table.loc[("f", "m"), "METR p50 (min)"] == "120.73"
    assert table.loc[("f", "m"), "p80 exact − METR"] == "-2.0e-04"


def test_display_tables_format_durations_and_tiny_horizons():
    from horizonlib.report import tables

    assert tables.format_minutes(1.25e-225) == "< 0.01"
    assert [tables.format_duration(m) for m in (0.02, 3.5, 480, 2880)] == [
        "1.2 s", "3.5 min", "8.0 h", "2.0 days"]
    overview = pd.DataFrame(dict(dataset=["d"], models=[2], runs=[10], tasks=[3], families=[2],
                                 min_human_minutes=[0.02], max_human_minutes=[960.0],
                                 success_rate=[0.5]))
    row = tables.overview_display(overview).loc["d"]
    assert (row["shortest task"], row["longest task"], row["runs succeeded"]) == (
        "1.2 s", "16.0 h", "50.0%")
    tasks = pd.DataFrame(dict(dataset="d", runs_per_model=[4.0, 4.0, 7.5]))
    counts = tables.runs_per_model_display(tasks)
    assert counts.loc["d", "4"] == 2 and counts.loc["d", "7.5"] == 1
    trend = pd.DataFrame(dict(dataset="x", window_start="2019-01-01", models="a;b;c",
                              doubling_days=[143.3], ci_low_days=[116.3], ci_high_days=[177.6]))
    shown = tables.trend_display(trend).data.iloc[0]
    assert shown["models"] == 3 and shown["doubling time (days) [95% CI]"] == "143 [116, 178]"
