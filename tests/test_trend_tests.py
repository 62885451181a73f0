"""Tests of horizonlib.trend_tests: broken line, BIC, month date, distance."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from horizonlib import trend_tests as tt
from horizonlib.bootstrap import bootstrap_horizons


def test_broken_line_recovers_planted_break():
    x = np.linspace(0, 1000, 25)
    tau = 620.0
    y = 1.0 + 0.002 * x + 0.006 * np.maximum(0, x - tau)
    y = y + np.random.default_rng(0).normal(0, 0.01, x.size)
    res = tt.compare_broken_line(x, y, n_grid=500)
    assert res["tau"] == pytest.approx(tau, abs=25)
    assert res["broken_b"] == pytest.approx(0.002, rel=0.1)
    assert res["broken_b"] + res["broken_c"] == pytest.approx(0.008, rel=0.05)
    assert res["delta_bic"] > 10


def test_single_line_usually_preferred_without_break():
    # grid-searching the break favours it sometimes by chance (an edge point fitted exactly),
    # so the check is on the typical case over many noise draws
    x = np.linspace(0, 1000, 25)
    deltas = [tt.compare_broken_line(
        x, 1.0 + 0.003 * x + np.random.default_rng(s).normal(0, 0.05, x.size))["delta_bic"]
        for s in range(20)]
    assert np.median(deltas) < 2


@settings(max_examples=30, deadline=None)
@given(a=st.floats(-5, 5), b=st.floats(1e-4, 1e-2))
def test_reach_day_inverts_line(a, b):
    d = tt.reach_day(a, b, 10020)
    assert a + b * d == pytest.approx(np.log(10020), rel=1e-9, abs=1e-9)


def test_reach_day_negative_slope_is_nan():
    assert np.isnan(tt.reach_day(0.0, -0.01))


def _setup(planted_ratio=4.0, seed=0):
    rng = np.random.default_rng(seed)
    dates = pd.Series(pd.to_datetime([f"{y}-06-01" for y in range(2015, 2025)]),
                      index=[f"m{i}" for i in range(10)])
    days = tt._days(dates)
    p50 = pd.Series(np.exp(-50 + 0.003 * days), index=dates.index)
    dates["focus"] = pd.Timestamp("2024-09-01")
    p50["focus"] = planted_ratio * np.exp(-50 + 0.003 * tt._days(dates[["focus"]])[0])
    wide = pd.DataFrame(p50.to_numpy()[None, :] * np.exp(rng.normal(0, 0.1, (300, 11))),
                        columns=p50.index)
    return p50, wide, dates


def test_trend_distance_known():
    p50, wide, dates = _setup()
    d = tt.trend_distance(p50, wide, dates, "focus", [f"m{i}" for i in range(10)])
    assert d["ratio"] == pytest.approx(4.0, rel=1e-6)
    assert d["p_value"] < 0.01


def test_trend_tests_runs():
    p50, wide, dates = _setup()
    res = tt.trend_tests(p50, wide, dates, ["2014-01-01", "2020-01-01"], ["focus", "absent"],
                         source="fitted")
    assert res["missing"] == ["absent"]
    dd = res["doubling"].set_index(["window_start", "selection"])
    assert dd.loc[("2014-01-01", "frontier_excl_focus"), "doubling_days"] == pytest.approx(
        np.log(2) / 0.003, rel=1e-6)
    assert set(res["ablation_rows"]["question"]) == {"trend"}
    assert len(res["month"]) == 5


def test_bic_words():
    assert tt.bic_words(3.3).startswith("is only weak evidence")
    assert tt.bic_words(-1).startswith("favours the single")
    assert tt.bic_words(8).startswith("is strong") and tt.bic_words(12).startswith("is very")
    assert tt.bic_words(np.nan) == "cannot be judged"


def test_month_text():
    assert tt.month_text(2029.56) == "July 2029"
    assert tt.month_text("2024-08-15") == "August 2024"
    assert tt.month_text(tt._days(pd.Series([pd.Timestamp("2025-04-16")]))[0]) == "April 2025"
    assert tt.month_text(np.nan) == "n/a" and tt.month_text("n/a") == "n/a"


def test_dropped_replicates_and_intervals():
    wide = pd.DataFrame({"a": [1.0, np.nan, 2.0, 1e-5], "b": [1.0, 2.0, 3.0, 4.0]})
    assert tt.dropped_replicates(wide, ["a", "b"]).to_dict() == {"a": 2}
    iv = tt.point_intervals(pd.Series({"b": 2.5, "c": 1.0}), wide, 0.5)
    assert iv.loc["b"].tolist() == pytest.approx([1.75, 3.25])
    assert iv.loc["c"].isna().all()


def test_trend_glue_and_displays():
    p50, wide, dates = _setup()
    wide.iloc[:5, 0] = np.nan  # five unusable replicates for model m0
    res = tt.trend_tests(p50, wide, dates, ["2014-01-01", "2020-01-01"], ["focus", "absent"],
                         source="fitted")
    g = tt.trend_glue(res, ["2014-01-01", "2020-01-01"], ["focus", "absent"], "fitted")
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
        assert tt.NOT_AVAILABLE not in g[key], key
    d = tt.doubling_display(res["doubling"])
    assert d.columns.tolist() == ["since", "fit", "models", "doubling time (95% CI)"]
    assert d["fit"].iloc[1] == "frontier models without the models of interest"
    few = res["doubling"].copy()
    few.loc[0, ["models", "doubling_days"]] = ["m1", np.nan]
    assert tt.doubling_display(few).iloc[0, 3] == "too few models for a line"
    m = tt.month_display(res["month"])
    assert m["reaches one work month"].str.fullmatch(r"[A-Z][a-z]+ \d{4}|n/a").all()
    dist = tt.distance_display(res["distance"])
    assert dist["horizon / trend (95% CI)"].iloc[0].startswith("4.00")
    # an absent focus model still gives every key
    g2 = tt.trend_glue(res, ["2014-01-01", "2020-01-01"], ["absent"], "fitted")
    assert set(g2) == set(g) and g2["tr_ratio"] == tt.NOT_AVAILABLE
    assert g2["tr_distance_text"].startswith("absent has no horizon among those used here")


def test_run_level_doubling_known_slope():
    """Planted logistic curves whose p50 doubles every ln2/0.003 days: the fitted doubling
    time of the frontier lands near it."""
    rng = np.random.default_rng(0)
    rows = []
    release = pd.Series(pd.to_datetime([f"{y}-06-01" for y in range(2019, 2025)]),
                        index=[f"M{i}" for i in range(6)])
    minutes = 2.0 ** np.linspace(0, 10, 40)
    for m, day in zip(release.index, tt._days(release)):
        log2_p50 = (0.003 * (day - 18000)) / np.log(2) + 1
        for t, mins in enumerate(minutes):
            p = 1 / (1 + 2.0 ** (1.5 * (np.log2(mins) - log2_p50)))
            for r in range(6):
                s = int(rng.random() < p)
                rows.append((m, f"t{t}/main", f"t{t}", "HCAST", mins, float(s), s))
    df = pd.DataFrame(rows, columns=["alias", "task_id", "task_family", "task_source",
                                     "human_minutes", "score", "success"])
    df["dataset"], df["display_name"] = "toy", df["alias"]
    df["run_id"] = [f"r{i}" for i in range(len(df))]
    samples = bootstrap_horizons(df, 50, np.random.default_rng(1), regularization=0.01,
                                 success_percents=(50,))
    tab = tt.run_level_doubling(df, release, ["2019-01-01"], samples, regularization=0.01,
                                focus="M5")
    assert tab["dataset"].unique().tolist() == ["toy"]
    assert tab["doubling_days"].iloc[0] == pytest.approx(np.log(2) / 0.003, rel=0.25)

    # the same replicates give the same numbers: trend_inputs on the fitted path uses them too
    point, wide, source = tt.trend_inputs(df, None, None, release, samples=samples,
                                          regularization=0.01)
    assert source == "fitted"
    d = tt.trend_tests(point, wide, release, ["2019-01-01", "2023-01-01"], ["M5"],
                       source="fitted", n_grid=20)["doubling"]
    row = d[(d["window_start"] == "2019-01-01") & (d["selection"] == "frontier")].iloc[0]
    assert row["doubling_days"] == pytest.approx(tab["doubling_days"].iloc[0], rel=1e-9)
    assert row["ci_low_days"] == pytest.approx(tab["ci_low_days"].iloc[0], rel=1e-9)
    assert row["ci_high_days"] == pytest.approx(tab["ci_high_days"].iloc[0], rel=1e-9)


def _doubling(rows):
    return pd.DataFrame(rows, columns=["window_start", "selection", "models", "doubling_days",
                                       "ci_low_days", "ci_high_days", "source"])


def test_doubling_sentences_grammar():
    rows = [("2019-01-01", "frontier", "a;b;c", 200.0, 150.0, 250.0, "fitted"),
            ("2019-01-01", "frontier_excl_focus", "a;b", 210.0, 160.0, 260.0, "fitted"),
            ("2024-01-01", "frontier", "b;c", 100.0, 80.0, 140.0, "fitted"),
            ("2024-01-01", "frontier_excl_focus", "b", np.nan, np.nan, np.nan, "fitted")]
    text = tt.doubling_sentences(_doubling(rows), ["2019-01-01", "2024-01-01"], ["c"])
    assert "doubles every 200 days (95% CI 150 to 250); without c, every 210 days" in text
    assert text.endswith("Since 2024 the doubling time is 100 days (95% CI 80 to 140) with c; "
                         "without c only 1 frontier model remains, too few for a line.")
    rows[2] = ("2024-01-01", "frontier", "c", np.nan, np.nan, np.nan, "fitted")
    text = tt.doubling_sentences(_doubling(rows), ["2019-01-01", "2024-01-01"], ["c"])
    assert text.endswith("Since 2024, 1 frontier model has a usable horizon, too few for a "
                         "doubling time.")
    text = tt.doubling_sentences(_doubling(rows[:2]), ["2019-01-01", "2024-01-01"], [])
    assert "(none of the models of interest is among these horizons)" in text
    assert tt.NOT_AVAILABLE not in text


def test_which_horizons_and_fit_relation_follow_the_configuration():
    dates = pd.to_datetime(pd.Series({"old": "2019-02-01", "new": "2025-04-01", "mid": "2022-01-01"}))
    pub = tt.which_horizons("published", dates, "published-fits-2025-06", ["th-1-1-8-models"])
    assert pub.startswith("METR's published fits (published-fits-2025-06) provide that: 3 models "
                          "released from old (2019) to new (2025)")
    one = tt.which_horizons("fitted", dates, None, ["synthetic"])
    assert one.startswith("No published fits are configured, so this chapter fits the "
                          "configured run file (the synthetic runs) itself: 3 models")
    two = tt.which_horizons("fitted", dates, None, ["a", "b"])
    assert "run files (a and b) itself and pools them" in two
    run_level = pd.DataFrame({"window_start": ["2019-01-01"], "selection": ["frontier"],
                              "models": ["x;y;z"], "doubling_days": [143.2],
                              "ci_low_days": [116.0], "ci_high_days": [178.0],
                              "dataset": ["th-1-1-8-models"]})
    rel = tt.fit_relation("published", run_level, ["2019-01-01"], 12, ["th-1-1-8-models"])
    assert rel.endswith("Fitted to run-level data as there (Time Horizon 1.1, 3 frontier "
                        "models), the doubling time since 2019 is 143 days (95% CI 116 to 178).")
    assert "12 frontier models" in rel
    same = tt.fit_relation("fitted", run_level, ["2019-01-01"], 6, ["synthetic"])
    assert same.startswith("fits the same run file with the same bootstrap replicates")
    none = tt.fit_relation("published", None, ["2019-01-01"], 12, ["x"])
    assert none.endswith("No run file has enough dated frontier models for a run-level "
                         "doubling time since 2019.")


def test_distance_break_and_month_sentences():
    dist = pd.DataFrame({"model": ["F", "G"], "ratio": [2.0, 0.5], "ci_low": [1.5, 0.3],
                         "ci_high": [3.0, 0.9], "log2_distance": [1.0, -1.0],
                         "p_value": [0.001, 0.99], "n_replicates": [970, 970],
                         "predicted_min": [10.0, 10.0]})
    assert "predicts a shorter horizon than F has: its horizon is 2.00 (95% CI 1.50 to 3.00)" \
        in tt.distance_sentence(dist, "F", 11)
    assert "predicts a longer horizon than G has" in tt.distance_sentence(dist, "G", 1)
    assert "(1 model)" in tt.distance_sentence(dist, "G", 1)
    broken = {"n": 12, "delta_bic": 3.3, "tau_date": "2024-08-01",
              "tau_ci": ("2024-05-01", "2024-09-01"), "doubling_before_days": 224.0,
              "doubling_after_days": -5.0, "share_break_preferred": 0.78}
    text = tt.break_sentences(broken)
    assert "determined to within about 4 months" in text
    assert "224 days before it and no doubling after it (the segment does not rise)" in text
    assert "hard to tell apart" in text
    broken["delta_bic"] = np.nan
    assert tt.break_sentences(broken).endswith("cannot be computed.")
    month = pd.DataFrame({"fit": ["frontier", "broken_line"],
                          "window_start": ["2019-01-01", "2019-01-01"],
                          "year": [2029.56, np.nan], "ci_low_year": [2028.5, np.nan],
                          "ci_high_year": [2030.9, np.nan]})
    text = tt.month_sentence(month, "2019-01-01")
    assert "the single line reaches it in July 2029 (95% CI July 2028 to November 2030)" in text
    assert text.endswith("the broken line never reaches it (it does not rise).")


def test_focus_in_fit_wording():
    assert tt.focus_in_fit(["a", "b", "c"], ["a", "b"], ["a", "x"]) == (
        "a is a frontier model, so the solid and dash-dotted lines are fitted to it too; b did "
        "not set a new best horizon when released, so no line is fitted to it; c has no horizon "
        "here.")
    assert tt.focus_in_fit([], [], []) == "No models of interest are configured."
