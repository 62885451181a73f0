"""Figures: every panel has labelled axes, and log-length axes are log scaled."""


import numpy as np
import pandas as pd

from horizonlib.report import figures
from horizonlib.analyses import summaries
from tests.analyses.test_summaries import small_runs


def assert_labelled(fig):
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert visible
    for ax in visible:
        assert ax.get_xlabel() and ax.get_ylabel()


def test_minutes_by_source_is_log_scaled():
    fig = figures.plot_minutes_by_source(summaries.task_table(small_runs()))
    assert_labelled(fig)
    assert fig.axes[0].get_xscale() == "log"


def test_success_by_length_one_line_per_model():
    fig = figures.plot_success_by_length(summaries.success_by_length(small_runs()))
    assert_labelled(fig)
    assert len(fig.axes[0].get_lines()) == 2


def test_logistic_curves_and_trend():
    points = pd.DataFrame(dict(dataset="d", alias="m1", human_minutes=[2.0, 30.0],
                               success_rate=[1.0, 0.5], n_runs=[2, 2]))
    grid = np.logspace(0, 3, 5)
    curves = pd.DataFrame(dict(dataset="d", alias="m1", human_minutes=grid,
                               p_success=np.linspace(0.9, 0.1, 5)))
    fits = pd.DataFrame(dict(dataset=["d"], alias=["m1"], p50_min=[30.0]))
    assert_labelled(figures.plot_logistic_curves(points, curves, fits))
    trend_points = pd.DataFrame(dict(
        model=["o3", "GPT-4"], release_date=pd.to_datetime(["2025-04-16", "2023-03-14"]),
        horizon_min=[90.0, 5.0], ci_low_min=[50.0, 2.0], ci_high_min=[150.0, 9.0],
        series="published"))
    lines = pd.DataFrame(dict(label="trend", release_date=pd.to_datetime(["2023-01-01",
                                                                          "2025-06-01"]),
                              horizon_min=[4.0, 120.0], band_low_min=[3.0, 90.0],
                              band_high_min=[5.0, 160.0]))
    fig = figures.plot_horizon_trend(trend_points, lines)
    assert_labelled(fig)
    assert fig.axes[0].get_yscale() == "log"


def test_trend_labels_of_one_model_do_not_overlap():
    # o3 measured twice at nearly the same date and horizon; series a and c both label rightwards
    trend_points = pd.DataFrame(dict(
        model=["o3", "o3 (Inspect)", "o4-mini", "GPT-4"],
        release_date=pd.to_datetime(["2025-04-16", "2025-04-16", "2025-04-16", "2023-03-14"]),
        horizon_min=[110.0, 115.0, 80.0, 5.0], ci_low_min=[50.0, 60.0, 40.0, 2.0],
        ci_high_min=[200.0, 210.0, 150.0, 9.0], series=["a", "c", "a", "b"]))
    fig = figures.plot_horizon_trend(trend_points)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].texts]
    assert len(boxes) == 3
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_bottom_panel_of_every_column_has_x_tick_labels():
    keys = [f"m{i}" for i in range(6)]  # 4 columns: the second row has 2 panels, 2 empty slots
    points = pd.DataFrame(dict(dataset="d", alias=keys, human_minutes=2.0, success_rate=1.0,
                               n_runs=1))
    curves = pd.DataFrame(dict(dataset="d", alias=keys, human_minutes=2.0, p_success=0.5))
    fits = pd.DataFrame(dict(dataset="d", alias=keys, p50_min=30.0))
    fig = figures.plot_logistic_curves(points, curves, fits, n_cols=4)
    fig.canvas.draw()
    shown = [any(t.get_visible() and t.get_text() for t in ax.get_xticklabels())
             for ax in fig.axes if ax.get_visible()]
    # top row: columns 0-1 have a panel below (no labels), columns 2-3 do not (labels)
    assert shown == [False, False, True, True, True, True]
