"""Tests of horizonlib.figures_questions: the figures build with labelled axes."""

import matplotlib
import numpy as np
import pandas as pd
import pytest

from horizonlib import figures_questions as fq

matplotlib.use("Agg")


def test_tipping_figure():
    curves = pd.DataFrame({"strategy": ["hacking_tasks"] * 3, "k": [0, 1, 2],
                           "p50_min": [10.0, 11.0, 12.0], "rebench_mean": [0.3, 0.4, 0.5]})
    comp = pd.DataFrame({"model": ["B"], "rebench_mean": [0.45]})
    fig = fq.plot_tipping_point(curves, comp, "A", 100)
    assert "minutes" in fig.axes[0].get_ylabel()


def test_pair_and_width_figures():
    pairs = pd.DataFrame({"model_a": ["A", "A"], "model_b": ["B", "B"],
                          "metric": ["p50_ratio", "rebench_diff"], "estimate": [2.0, 0.1],
                          "ci_low": [1.0, -0.1], "ci_high": [4.0, 0.3], "source": ["runs:x"] * 2})
    assert fq.plot_pair_intervals(pairs).axes[0].get_xscale() == "log"
    w = pd.DataFrame({"metric": ["p50_ratio"] * 4, "levels": ["family", "task", "run", "all"],
                      "width": [1.0, 0.5, 0.5, 1.2]})
    assert fq.plot_width_by_level(w).axes[0].get_ylabel()
