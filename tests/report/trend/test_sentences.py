"""Tests of horizonlib.report.trend.sentences: the trend chapter's sentences."""

import numpy as np
import pandas as pd

from horizonlib.common.text import NOT_AVAILABLE
from horizonlib.report.trend import sentences as trend_sentences


def _doubling(rows):
    return pd.DataFrame(rows, columns=["window_start", "selection", "models", "doubling_days",
                                       "ci_low_days", "ci_high_days", "source"])


def test_doubling_sentences_grammar():
    rows = [("2019-01-01", "frontier", "a;b;c", 200.0, 150.0, 250.0, "fitted"),
            ("2019-01-01", "frontier_excl_focus", "a;b", 210.0, 160.0, 260.0, "fitted"),
            ("2024-01-01", "frontier", "b;c", 100.0, 80.0, 140.0, "fitted"),
            ("2024-01-01", "frontier_excl_focus", "b", np.nan, np.nan, np.nan, "fitted")]
    text = trend_sentences.doubling_sentences(_doubling(rows), ["2019-01-01", "2024-01-01"], ["c"])
    assert "doubles every 200 days (95% CI 150 to 250); without c, every 210 days" in text
    assert text.endswith("Since 2024 the doubling time is 100 days (95% CI 80 to 140) with c; "
                         "without c only 1 frontier model remains, too few for a line.")
    rows[2] = ("2024-01-01", "frontier", "c", np.nan, np.nan, np.nan, "fitted")
    text = trend_sentences.doubling_sentences(_doubling(rows), ["2019-01-01", "2024-01-01"], ["c"])
    assert text.endswith("Since 2024, 1 frontier model has a usable horizon, too few for a "
                         "doubling time.")
    text = trend_sentences.doubling_sentences(_doubling(rows[:2]), ["2019-01-01", "2024-01-01"], [])
    assert "(none of the models of interest is among these horizons)" in text
    assert NOT_AVAILABLE not in text


def test_which_horizons_and_fit_relation_follow_the_configuration():
    dates = pd.to_datetime(pd.Series({"old": "2019-02-01", "new": "2025-04-01", "mid": "2022-01-01"}))
    pub = trend_sentences.which_horizons("published", dates, "published-fits-2025-06",
                                         ["th-1-1-8-models"])
    assert pub.startswith("METR's published fits (published-fits-2025-06) provide that: 3 models "
                          "released from old (2019) to new (2025)")
    one = trend_sentences.which_horizons("fitted", dates, None, ["synthetic"])
    assert one.startswith("No published fits are configured, so this chapter fits the "
                          "configured run file (the synthetic runs) itself: 3 models")
    two = trend_sentences.which_horizons("fitted", dates, None, ["a", "b"])
    assert "run files (a and b) itself and pools them" in two
    run_level = pd.DataFrame({"window_start": ["2019-01-01"], "selection": ["frontier"],
                              "models": ["x;y;z"], "doubling_days": [143.2],
                              "ci_low_days": [116.0], "ci_high_days": [178.0],
                              "dataset": ["th-1-1-8-models"]})
    rel = trend_sentences.fit_relation("published", run_level, ["2019-01-01"], 12,
                                       ["th-1-1-8-models"])
    assert rel.endswith("Fitted to run-level data as there (Time Horizon 1.1, 3 frontier "
                        "models), the doubling time since 2019 is 143 days (95% CI 116 to 178).")
    assert "12 frontier models" in rel
    same = trend_sentences.fit_relation("fitted", run_level, ["2019-01-01"], 6, ["synthetic"])
    assert same.startswith("fits the same run file with the same bootstrap replicates")
    none = trend_sentences.fit_relation("published", None, ["2019-01-01"], 12, ["x"])
    assert none.endswith("No run file has enough dated frontier models for a run-level "
                         "doubling time since 2019.")


def test_distance_break_and_month_sentences():
    dist = pd.DataFrame({"model": ["F", "G"], "ratio": [2.0, 0.5], "ci_low": [1.5, 0.3],
                         "ci_high": [3.0, 0.9], "log2_distance": [1.0, -1.0],
                         "p_value": [0.001, 0.99], "n_replicates": [970, 970],
                         "predicted_min": [10.0, 10.0]})
    assert "predicts a shorter horizon than F has: its horizon is 2.00 (95% CI 1.50 to 3.00)" \
        in trend_sentences.distance_sentence(dist, "F", 11)
    assert "predicts a longer horizon than G has" in trend_sentences.distance_sentence(dist, "G", 1)
    assert "(1 model)" in trend_sentences.distance_sentence(dist, "G", 1)
    broken = {"n": 12, "delta_bic": 3.3, "tau_date": "2024-08-01",
              "tau_ci": ("2024-05-01", "2024-09-01"), "doubling_before_days": 224.0,
              "doubling_after_days": -5.0, "share_break_preferred": 0.78}
    text = trend_sentences.break_sentences(broken)
    assert "determined to within about 4 months" in text
    assert "224 days before it and no doubling after it (the segment does not rise)" in text
    assert "hard to tell apart" in text
    broken["delta_bic"] = np.nan
    assert trend_sentences.break_sentences(broken).endswith("cannot be computed.")
    month = pd.DataFrame({"fit": ["frontier", "broken_line"],
                          "window_start": ["2019-01-01", "2019-01-01"],
                          "year": [2029.56, np.nan], "ci_low_year": [2028.5, np.nan],
                          "ci_high_year": [2030.9, np.nan]})
    text = trend_sentences.month_sentence(month, "2019-01-01")
    assert "the single line reaches it in July 2029 (95% CI July 2028 to November 2030)" in text
    assert text.endswith("the broken line never reaches it (it does not rise).")


def test_focus_in_fit_wording():
    assert trend_sentences.focus_in_fit(["a", "b", "c"], ["a", "b"], ["a", "x"]) == (
        "a is a frontier model, so the solid and dash-dotted lines are fitted to it too; b did "
        "not set a new best horizon when released, so no line is fitted to it; c has no horizon "
        "here.")
    assert trend_sentences.focus_in_fit([], [], []) == "No models of interest are configured."
