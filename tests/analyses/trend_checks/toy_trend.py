"""A planted trend of horizons on release date, with bootstrap samples, for the trend-check
tests."""

import numpy as np
import pandas as pd

from horizonlib.analyses.trend_checks import samples as trend_samples


def planted_trend(planted_ratio=4.0, seed=0):
    rng = np.random.default_rng(seed)
    dates = pd.Series(pd.to_datetime([f"{y}-06-01" for y in range(2015, 2025)]),
                      index=[f"m{i}" for i in range(10)])
    days = trend_samples.dates_to_days(dates)
    p50 = pd.Series(np.exp(-50 + 0.003 * days), index=dates.index)
    dates["focus"] = pd.Timestamp("2024-09-01")
    focus_day = trend_samples.dates_to_days(dates[["focus"]])[0]
    p50["focus"] = planted_ratio * np.exp(-50 + 0.003 * focus_day)
    wide = pd.DataFrame(p50.to_numpy()[None, :] * np.exp(rng.normal(0, 0.1, (300, 11))),
                        columns=p50.index)
    return p50, wide, dates
