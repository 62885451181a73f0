"""Tests of horizonlib.analyses.trend_checks.results: the trend chapter's rows name their models
by dataset and alias and fit the results schema."""

import pandas as pd
import pytest

from horizonlib.analyses.trend_checks import checks as trend_checks
from horizonlib.analyses.trend_checks import results as trend_results
from horizonlib.report.results import append_results, write_results

from tests.analyses.trend_checks.toy_trend import planted_trend


def test_published_rows_fit_the_schema(tmp_path):
    p50, wide, dates = planted_trend()
    res = trend_checks.check_trend(p50, wide, dates, ["2014-01-01", "2020-01-01"],
                                   ["focus", "absent"], source="published", n_grid=20)
    keys = trend_results.model_keys(p50.index, "published", published_dataset="pub-fits")
    trend = trend_results.trend_rows(res, keys, "published")
    checks = trend_results.check_rows(res, keys, "published")
    models = trend_results.model_rows(res, keys, "2014-01-01")
    append_results(trend, "trend", tmp_path)
    write_results(checks, "trend_checks", tmp_path)
    append_results(models, "ablations", tmp_path)
    assert set(trend["dataset"]) == set(checks["dataset"]) == {"pub-fits"}
    long_run = trend[(trend["window_start"] == "2014-01-01") & (trend["selection"] == "frontier")]
    assert long_run["n_models"].iloc[0] == len(long_run["aliases"].iloc[0].split(";"))
    assert set(checks["line"]) == {"frontier", "frontier_excl_focus", "broken_line"}
    assert "delta_bic_single_minus_broken" in set(checks["metric"])
    assert not checks.duplicated(["window_start", "line", "metric"]).any()
    assert list(zip(models["alias"], models["metric"])) == [
        ("focus", "ratio_to_trend"), ("focus", "p_value_above_trend")]
    assert models["estimate"].iloc[0] == pytest.approx(res["distance"]["ratio"].iloc[0])


def test_fitted_names_are_keyed_by_the_last_run_file_holding_them():
    runs = pd.DataFrame({"dataset": ["old", "old", "new", "new"],
                         "alias": ["o1", "o3", "o3 (Inspect)", "GPT-5 (Inspect)"],
                         "display_name": ["o1", "o3", "o3", "GPT-5"]})
    keys = trend_results.model_keys(["o1", "o3", "GPT-5"], "fitted", runs)
    assert keys == {"o1": ("old", "o1"), "o3": ("new", "o3 (Inspect)"),
                    "GPT-5": ("new", "GPT-5 (Inspect)")}
    assert trend_results.inputs_dataset(keys) == "new;old"
    with pytest.raises(KeyError, match="absent"):
        trend_results.model_keys(["absent"], "fitted", runs)
    with pytest.raises(ValueError, match="published_dataset"):
        trend_results.model_keys(["o1"], "published")
