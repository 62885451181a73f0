"""Tests of horizonlib.report.trend.chapter_glue: every value the prose quotes, and the display
tables."""

import numpy as np
import pytest

from horizonlib.analyses.trend_checks import checks as trend_checks
from horizonlib.common.text import NOT_AVAILABLE
from horizonlib.report.trend import chapter_glue as trend_prose
from horizonlib.report.trend import tables as trend_display

from tests.analyses.trend_checks.toy_trend import planted_trend


def test_trend_glue_and_displays():
    p50, wide, dates = planted_trend()
    wide.iloc[:5, 0] = np.nan  # five unusable replicates for model m0
    res = trend_checks.check_trend(p50, wide, dates, ["2014-01-01", "2020-01-01"],
                                   ["focus", "absent"], source="fitted")
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
