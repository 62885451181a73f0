"""Known-answer tests for the headline analysis (fit chapter tables and trend inputs)."""

import numpy as np
import pandas as pd
import pytest

from horizonlib.analyses.headline import fits as curve_fits
from horizonlib.analyses.headline import planted as planted_truth
from horizonlib.analyses.headline import published as published_comparison
from horizonlib.analyses.headline import sentences as headline_sentences
from horizonlib.analyses.headline import trend as headline_trend
from horizonlib.model.horizons import fit_horizons
from horizonlib.data.manifest import Dataset, load_manifest
from horizonlib.report.tables import format_interval, format_minutes, horizon_display


def test_curve_grid_crosses_half_at_p50():
    fits = pd.DataFrame(dict(dataset="d", alias=["a", "b"], intercept=[3.0, 0.0],
                             slope=[-0.5, -1.0], status=["ok", "no_successes"]))
    grid = curve_fits.curve_grid(fits, minutes=np.array([1.0, 64.0]))
    assert list(grid["alias"].unique()) == ["a"]  # failed fits draw no curve
    assert grid["p_success"].tolist() == pytest.approx([1 / (1 + np.exp(-3.0)), 0.5])


def test_curve_points_counts_runs_per_task():
    runs = pd.DataFrame(dict(dataset="d", alias="a", task_id=["t1", "t1", "t2"],
                             human_minutes=[2.0, 2.0, 8.0], success=[1, 0, 1]))
    points = curve_fits.curve_points(runs).set_index("task_id")
    assert points.loc["t1", "success_rate"] == 0.5 and points.loc["t1", "n_runs"] == 2


def manifest_with(suites):
    base = load_manifest()
    out = dict(base)
    for name, (suite, reg) in suites.items():
        out[name] = Dataset(name=name, description="", kind="runs", licence="", schema="",
                            files=(), suite=suite, regularization=reg)
    return out


def horizon_rows(dataset, model, value):
    return pd.DataFrame(dict(dataset=dataset, model=model, p=[0.5], horizon_min=[value],
                             ci_low_min=[value / 2], ci_high_min=[value * 2], n_runs=[10],
                             n_tasks=[5], failed_replicates=[0], source="fitted"))


def test_compare_matches_same_suite_and_penalty_only():
    manifest = manifest_with({"runs-a": ("suite-a", None), "runs-b": ("suite-b", None)})
    ours = pd.concat([horizon_rows("runs-a", "m", 12.0), horizon_rows("runs-b", "m", 30.0)])
    published = pd.DataFrame(dict(
        published=["pub-a", "pub-a-unreg"], suite=["suite-a", "suite-a"],
        regularization=[0.1, 1e-5], alias="m", p=0.5, horizon_min=[10.0, 99.0],
        ci_low_min=[5.0, 50.0], ci_high_min=[20.0, 200.0]))
    table = published_comparison.compare_with_published(ours, published, 0.1, manifest=manifest)
    assert len(table) == 1
    row = table.iloc[0]
    assert (row["dataset"], row["published"]) == ("runs-a", "pub-a")
    assert row["relative_difference"] == pytest.approx(0.2)


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


def test_regularization_effect_ratio_is_one_at_equal_penalty(mirror_dir):
    from horizonlib.data.runs import load_runs

    runs = load_runs(["th-1-1-8-models"], mirror=mirror_dir)
    effect = curve_fits.regularization_effect(runs, "invsqrt_task_weight", 0.1, compare_to=0.1)
    assert effect["p50_ratio"].to_numpy() == pytest.approx(1.0)
    stronger = curve_fits.regularization_effect(runs, "invsqrt_task_weight", 0.1, compare_to=0.0)
    # the penalty shrinks every slope towards zero
    assert (stronger["slope"].abs() < stronger["slope_compared"].abs()).all()


def test_reproduction_replay_matches_metr_to_six_digits(mirror_dir):
    from horizonlib.data.runs import load_runs

    runs = load_runs(["th-1-1-8-models"], mirror=mirror_dir)
    published = published_comparison.published_horizons(
        ["benchmark-results-th-1-1-2026-02", "benchmark-results-th-1-1-2026-03"])
    table = published_comparison.reproduction_table(runs, published)
    assert len(table) == 8 * 2 * 2
    assert table["replay_rel_diff"].abs().max() < 1e-6
    assert table["exact_rel_diff"].abs().max() < 5e-4


def test_format_interval_and_display():
    assert format_interval(120.73, 74.6, 202.5) == "121 [74.6, 202]"
    assert format_interval(0.5, np.nan, np.nan) == "0.5"
    assert format_minutes(np.nan) == "—"
    horizons = pd.concat([horizon_rows("d", "m", 12.0), horizon_rows("d", "m", 3.0).assign(p=0.8)])
    table = horizon_display(horizons)
    assert table.loc[("d", "m"), "p50 (min) [95% CI]"] == "12.0 [6.0, 24.0]"
    assert table.loc[("d", "m"), "p80 (min) [95% CI]"] == "3.0 [1.5, 6.0]"


def test_fit_horizons_matches_curve_grid_p50(mirror_dir):
    from horizonlib.data.runs import load_runs

    runs = load_runs(["th-1-1-8-models"], mirror=mirror_dir)
    fits = fit_horizons(runs)
    o3 = fits[fits["display_name"] == "o3"].iloc[0]
    grid = curve_fits.curve_grid(fits[fits["display_name"] == "o3"],
                               minutes=np.array([o3["p50_min"]]))
    assert grid["p_success"].iloc[0] == pytest.approx(0.5)


def test_extrapolated_horizons_flags_p50_below_shortest_task():
    fits = pd.DataFrame(dict(dataset="d", alias=["a", "b", "c"], p50_min=[0.5, 5.0, np.nan]))
    runs = pd.DataFrame(dict(dataset="d", alias=["a", "b", "c"], human_minutes=[2.0, 2.0, 2.0]))
    assert curve_fits.extrapolated_horizons(fits, runs)["alias"].tolist() == ["a"]


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


def test_fit_sentences_are_grammatical_for_any_count():
    fits = pd.DataFrame(dict(alias=["a", "b"], status=["ok", "no_successes"]))
    horizons = pd.DataFrame(dict(model=["a", "b"], p=0.5, failed_replicates=[0, 1000]))
    empty = pd.DataFrame(columns=["dataset", "alias", "p50_min", "shortest_task_min"])
    none = pd.DataFrame(columns=["dataset", "model", "replay_rel_diff", "exact_rel_diff"])
    got = headline_sentences.fit_sentences(fits, horizons, empty, none)
    assert got["failed_fits"] == ("1 model had no successes or no failures at all and has no "
                                  "horizon: b (no successes).")
    assert "1,000 replicates over 1 model (b: 1,000)" in got["degenerate"]
    assert got["extrapolated"].startswith("Every 50% horizon")
    assert got["reproduction"].startswith("None of the configured run files")


def test_planted_comparison_on_the_synthetic_runs(tmp_path):
    from horizonlib.model.horizons import horizon_table
    from horizonlib.data.runs import load_runs

    runs = load_runs(["synthetic"], cache_dir=tmp_path)
    horizons = horizon_table(runs, n_bootstrap=50, rng=np.random.default_rng(0))
    table = planted_truth.planted_comparison(horizons, fit_horizons(runs, regularization=0.0))
    assert len(table) == 6 and table["planted_p50_min"].notna().all()
    # without the penalty the fit recovers the planted horizons to within a factor of 1.5
    ratio = table["unpenalized_p50_min"] / table["planted_p50_min"]
    assert ratio.between(1 / 1.5, 1.5).all()
    trend = pd.DataFrame(columns=["source", "selection", "models", "window_start",
                                  "doubling_days", "ci_low_days", "ci_high_days"])
    assert "planted" in planted_truth.planted_sentence(table, 0.1, trend)
    assert planted_truth.planted_sentence(table.iloc[:0], 0.1, trend) == ""
