"""Tests of horizonlib.report.figures_questions: the figures build with labelled axes."""

import numpy as np
import pandas as pd

from horizonlib.report import figures_questions as fq


def _curves():
    return pd.DataFrame({"strategy": ["hacking_tasks"] * 3 + ["highest_scoring"] * 3,
                         "k": [0, 1, 2] * 2, "p50_min": [10.0, 11.0, 12.0, 10.0, 11.0, 13.0],
                         "rebench_mean": [0.3, 0.4, 0.5, 0.3, 0.35, 0.45]})


def test_tipping_figure():
    comp = pd.DataFrame({"model": ["B"], "rebench_mean": [0.45]})
    fig = fq.plot_tipping_point(_curves(), comp, "A", 100)
    assert "(min)" in fig.axes[0].get_ylabel()
    lines = {ln.get_label(): ln for ln in fig.axes[0].get_lines()}
    hack = lines[fq.STRATEGY_LABELS["hacking_tasks"]]
    top = lines[fq.STRATEGY_LABELS["highest_scoring"]]
    # the short hacking-task curve is drawn above the other, with a different marker
    assert hack.get_zorder() > top.get_zorder() and hack.get_marker() != top.get_marker()
    assert fig.axes[0].get_legend().get_texts()[0].get_text() == fq.STRATEGY_LABELS["hacking_tasks"]


def test_tipping_figure_absent_model():
    fig = fq.tipping_figure({"found": False, "model": "X"})
    assert "X has no runs" in fig.axes[0].texts[0].get_text()


def _pairs():
    return pd.DataFrame({"model_a": ["A", "A", "A", "C"], "model_b": ["B", "B", "B", "A"],
                         "metric": ["p50_ratio", "rebench_diff", "p50_ratio", "p50_ratio"],
                         "estimate": [2.0, 0.1, 2.2, 0.7], "ci_low": [1.0, -0.1, 1.1, 0.45],
                         "ci_high": [4.0, 0.3, 3.9, 1.0],
                         "source": ["runs:x", "runs:x", "published", "published"]})


def test_pair_figure_ticks_and_sources():
    fig = fq.plot_pair_intervals(_pairs())
    ax1 = fig.axes[0]
    assert ax1.get_xscale() == "log"
    ticks = list(ax1.get_xticks())
    assert ticks == [0.25, 0.5, 1.0, 2.0, 4.0]
    assert [t.get_text() for t in ax1.get_xticklabels()] == ["0.25", "0.5", "1", "2", "4"]
    labels = [t.get_text() for t in ax1.get_legend().get_texts()]
    assert labels == ["run data", "METR's published bootstrap"]
    # two stacked panels, so the x labels cannot overlap
    assert len(fig.axes) == 2


def test_width_figure_titles_and_zero_labels():
    w = pd.DataFrame({"metric": ["p50_ratio"] * 4 + ["rebench_diff"] * 4,
                      "levels": ["family", "task", "run", "all"] * 2,
                      "width": [1.0, 0.5, 0.5, 1.2, 0.3, 0.0, 0.1, np.nan]})
    fig = fq.plot_width_by_level(w, ("A", "B"))
    assert fig.axes[0].get_title() == "50% horizon ratio"
    assert "A vs B" in fig._suptitle.get_text()
    texts = [t.get_text() for t in fig.axes[1].texts]
    assert texts == ["0.3", "0", "0.1", "n/a"]


def test_pair_figures_empty():
    a, b = fq.pair_figures(_pairs().iloc[0:0], None, None)
    assert a.axes[0].texts and b.axes[0].texts


def test_trend_figure_legend_and_errorbars():
    point = pd.Series({"M1": 1.0, "M2": 4.0, "M3": 16.0, "F": 60.0, "G": 40.0})
    dates = pd.to_datetime(pd.Series({"M1": "2020-01-01", "M2": "2021-01-01",
                                      "M3": "2022-01-01", "F": "2023-01-01",
                                      "G": "2023-01-01"}))
    broken = {"single_a": -20.0, "single_b": 0.001, "broken_a": -20.0, "broken_b": 0.001,
              "broken_c": 0.0, "tau": 19000.0, "tau_date": "2022-01-07"}
    dist = pd.DataFrame({"model": ["F", "G"]})
    iv = pd.DataFrame({"low": point * 0.5, "high": point * 2}, index=point.index)
    fig = fq.plot_trend_checks(point, dates, broken, dist, ["M1", "M2", "M3", "F"], 10020, iv)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(lab.startswith("models of interest") for lab in labels)
    assert ax.get_legend()._loc == 4  # lower right, away from the work-month label (top)
    assert "(min" in ax.get_ylabel()
    names = [t.get_text() for t in ax.texts]
    assert "F" in names and "G" in names


def test_trend_figure_draws_the_line_without_the_models_of_interest():
    point = pd.Series({"M1": 1.0, "M2": 4.0, "M3": 16.0, "F": 60.0})
    dates = pd.to_datetime(pd.Series({"M1": "2020-01-01", "M2": "2021-01-01",
                                      "M3": "2022-01-01", "F": "2023-01-01"}))
    broken = {"single_a": -20.0, "single_b": 0.001, "broken_a": -20.0, "broken_b": 0.001,
              "broken_c": 0.0, "tau": 19000.0, "tau_date": "2022-01-07"}
    dist = pd.DataFrame({"model": ["F"]})
    fig = fq.plot_trend_checks(point, dates, broken, dist, ["M1", "M2", "M3", "F"], 10020,
                              excl_line={"a": -21.0, "b": 0.0011, "models": ["M1", "M2", "M3"]})
    lines = {ln.get_label(): ln for ln in fig.axes[0].get_lines()}
    excl = lines["single line without the models of interest"]
    assert excl.get_linestyle() == "--"
    # the work-month line is dotted, so the two cannot be confused
    month = [ln for ln in fig.axes[0].get_lines() if np.allclose(ln.get_ydata(), 10020)]
    assert month and month[0].get_linestyle() == ":"
