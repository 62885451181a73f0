"""Figures of the breakdowns chapter: they draw, with labelled axes and the right scales."""

import matplotlib

matplotlib.use("Agg")  # tests render off screen

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from horizonlib import breakdowns as B  # noqa: E402
from horizonlib import figures_breakdowns as FB  # noqa: E402
from tests.test_breakdowns import simulated  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def tables():
    runs = simulated()
    rng = np.random.default_rng(0)
    draws = B.rebench_task_draws(runs, 30, rng)
    fits = B.subset_fits(runs, B.standard_subsets(runs, ["ai_rd_sim_optimize_kernel/main"]),
                         n_bootstrap=20, rng=rng)
    loo = pd.concat([B.leave_one_out(runs, "task"), B.leave_one_out(runs, "family")])
    return dict(runs=runs, scores=B.rebench_task_scores(draws), fits=fits, loo=loo,
                cal_b=B.calibration(runs, "bucket"), cal_s=B.calibration(runs, "source"))


def assert_labelled(fig):
    visible = [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]
    assert visible
    for ax in visible:
        assert ax.get_xlabel() and ax.get_ylabel()


def test_short_task():
    assert FB.short_task("ai_rd_triton_cumsum/main") == "triton_cumsum"
    assert FB.short_task("hcast/x") == "hcast"


def test_heatmap_one_cell_per_model_and_task(tables):
    fig = FB.plot_rebench_heatmap(tables["scores"], highlight=["Sim-Fir"])
    assert_labelled(fig)
    image = fig.axes[0].get_images()[0]
    assert image.get_array().shape == (6, 5)


def test_strip_plot_shows_only_requested_models(tables):
    rb = tables["runs"][tables["runs"]["task_source"] == "RE-Bench"].assign(task_set="s")
    fig = FB.plot_rebench_runs(rb, ["Sim-Fir", "Sim-Elm", "absent"],
                               tables["scores"].assign(task_set="s"))
    assert_labelled(fig)
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels == ["Sim-Fir", "Sim-Elm"]


def test_subset_fits_are_on_a_log_minute_axis(tables):
    fig = FB.plot_subset_fits(tables["fits"])
    assert_labelled(fig)
    assert fig.axes[0].get_xscale() == "log"


def test_influence_and_calibration(tables):
    fig = FB.plot_influence(tables["loo"], B.top_movers(tables["loo"], 1))
    assert_labelled(fig)
    assert len(fig.axes) == 2 and fig.axes[0].get_xscale() == "log"
    fig = FB.plot_calibration(tables["cal_b"], tables["cal_s"])
    assert_labelled(fig)
    assert len(fig.axes) == 2
