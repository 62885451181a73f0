"""Tests of horizonlib.report.trend.wording: BIC and month words."""

import numpy as np
import pandas as pd

from horizonlib.analyses.trend_checks import samples as trend_samples
from horizonlib.report.trend import wording as trend_words


def test_bic_words():
    assert trend_words.bic_words(3.3).startswith("is only weak evidence")
    assert trend_words.bic_words(-1).startswith("favours the single")
    assert trend_words.bic_words(8).startswith("is strong")
    assert trend_words.bic_words(12).startswith("is very")
    assert trend_words.bic_words(np.nan) == "cannot be judged"


def test_month_text():
    assert trend_words.month_text(2029.56) == "July 2029"
    assert trend_words.month_text("2024-08-15") == "August 2024"
    day = trend_samples.dates_to_days(pd.Series([pd.Timestamp("2025-04-16")]))[0]
    assert trend_words.month_text(day) == "April 2025"
    assert trend_words.month_text(np.nan) == "n/a" and trend_words.month_text("n/a") == "n/a"
