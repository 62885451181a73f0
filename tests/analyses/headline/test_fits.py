"""Tests of horizonlib.analyses.headline.fits: curves, grids, extrapolated horizons and the
penalty's effect (known answers)."""

import numpy as np
import pandas as pd
import pytest

from horizonlib.analyses.headline import fits as curve_fits
from horizonlib.model.horizons import fit_horizons


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


def test_regularization_effect_ratio_is_one_at_equal_penalty(mirror_dir):
    from horizonlib.data.runs import load_runs

    runs = load_runs(["th-1-1-8-models"], mirror=mirror_dir)
    effect = curve_fits.regularization_effect(runs, "invsqrt_task_weight", 0.1, compare_to=0.1)
    assert effect["p50_ratio"].to_numpy() == pytest.approx(1.0)
    stronger = curve_fits.regularization_effect(runs, "invsqrt_task_weight", 0.1, compare_to=0.0)
    # the penalty shrinks every slope towards zero
    assert (stronger["slope"].abs() < stronger["slope_compared"].abs()).all()


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
