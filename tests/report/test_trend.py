"""Tests of horizonlib.report.trend: the trend chapter's sentences and tables."""

import numpy as np
import pandas as pd
import pytest

from horizonlib.common.text import NOT_AVAILABLE
from horizonlib.report.trend import chapter_glue as trend_prose
from horizonlib.report.trend import sentences as trend_sentences
from horizonlib.report.trend import tables as trend_display
from horizonlib.report.trend import wording as trend_words
from horizonlib.analyses.trend_checks import checks as trend_checks
from horizonlib.analyses.trend_checks import samples as trend_samples
from tests.analyses.test_trend_checks import _setup


def test_bic_words():
    assert trend_words.bic_words(3.3).startswith("is only weak evidence")
    assert trend_words.bic_words(-1).startswith("favours the single")
    assert trend_words.bic_words(8).startswith("is strong") and trend_words.bic_words(12).startswith("is very")
    assert trend_words.bic_words(np.nan) == "cannot be judged"


def test_month_text():
    assert trend_words.month_text(2029.56) == "July 2029"
    assert trend_words.month_text("2024-08-15") == "August 2024"
    assert trend_words.month_text(trend_samples.dates_to_days(pd.Series([pd.Timestamp("2025-04-16")]))[0]) == "April 2025"
    assert trend_words.month_text(np.nan) == "n/a" and trend_words.month_text("n/a") == "n/a"


def test_trend_glue_and_displays():
    p50, wide, dates = _setup()
    wide.iloc[:5, 0] = np.nan  # five unusable replicates for model m0
    res = trend_checks.trend_tests(p50, wide, dates, ["2014-01-01", "2020-01-01"], ["focus", "absent"],
                         source="fitted")
    g = trend_prose.trend_glue(res, ["2014-01-01", "2020-01-01"], ["focus", "absent"], "fitted")
    assert g["tr_b"].startswith(f"{np.log(2) / 0.003:.0f} days (95% CI ")
    assert g["tr_missing"] == "absent" and g["tr_ratio"].startswith("4.00 (95% CI")
    assert g["tr_dropped"].startswith("5 of the 300 bootstrap replicates")
    assert "m0 (5)" in g["tr_dropped"]
    assert g["tr_fit_relation"].startswith("fits the same run file")
    assert all(isinstance(v, str) for v in g.values())
    assert g["tr_focus_in_fit"].startswith("focus is a frontier model")
    assert "absent has no horizon here" in g["tr_focus_in_fit"]
    assert "(" not in g["tr_focus_in_fit"]
    assert g["tr_excl_line"].startswith("Dashed")
    assert res["excl_line"]["b"] == pytest.approx(0.003, rel=1e-9)
    # no generated sentence carries the placeholder in its middle
    for key in ("tr_which", "tr_fit_relation", "tr_doubling_text", "tr_distance_text",
                "tr_break_text", "tr_month_text", "tr_focus_in_fit"):
        assert NOT_AVAILABLE not in g[key], key
    d = trend_display.doubling_display(res["doubling"])
    assert d.columns.tolist() == ["since", "fit", "models", "doubling time (95% CI)"]
    assert d["fit"].iloc[1] == "frontier models without the models of interest"
    few = res["doubling"].copy()
    few.loc[0, ["models", "doubling_days"]] = ["m1", np.nan]
    assert trend_display.doubling_display(few).iloc[0, 3] == "too few models for a line"
    m = trend_display.month_display(res["month"])
    assert m["reaches one work month"].str.fullmatch(r"[A-Z][a-z]+ \d{4}|n/a").all()
    dist = trend_display.distance_display(res["distance"])
    assert dist["horizon / trend (95% CI)"].iloc[0].startswith("4.00")
    # an absent focus model still gives every key
    g2 = trend_prose.trend_glue(res, ["2014-01-01", "2020-01-01"], ["absent"], "fitted")
    assert set(g2) == set(g) and g2["tr_ratio"] == NOT_AVAILABLE
    assert g2["tr_distance_text"].startswith("absent has no horizon among those used here")


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
    pub = trend_sentences.which_horizons("published", dates, "published-fits-2025-06", ["th-1-1-8-models"])
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
    rel = trend_sentences.fit_relation("published", run_level, ["2019-01-01"], 12, ["th-1-1-8-models"])
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
