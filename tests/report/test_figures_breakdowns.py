"""Figures of the breakdowns chapter: they draw, with labelled axes and the right scales."""


import numpy as np
import pandas as pd
import pytest

from horizonlib.analyses.breakdowns import calibration as calibration_check
from horizonlib.analyses.breakdowns import influence as influence_refits
from horizonlib.analyses.breakdowns import rebench
from horizonlib.analyses.breakdowns import subsets
from horizonlib.report import figures_breakdowns as FB
from horizonlib.model.shared_draws import SharedDraws
from tests.analyses.breakdowns.toy_runs import simulated


@pytest.fixture(scope="module")
def tables():
    runs = simulated()
    rng = np.random.default_rng(0)
    draws = rebench.rebench_task_draws(runs, 30, rng)
    masks = subsets.standard_subsets(runs, ["ai_rd_sim_optimize_kernel/main"])
    fits = subsets.subset_fits(runs, masks, draws=SharedDraws(20, seed=0))
    loo = pd.concat([influence_refits.leave_one_out(runs, "task"),
                     influence_refits.leave_one_out(runs, "family")])
    return dict(runs=runs, scores=rebench.rebench_task_scores(draws), fits=fits, loo=loo,
                cal_b=calibration_check.calibration(runs, "bucket"),
                cal_s=calibration_check.calibration(runs, "source"))


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
    # the legend sits above the panels, not inside an axis over the runs and interval bars
    assert fig.axes[0].get_legend() is None and len(fig.legends) == 1
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Sim-Fir", "Sim-Elm",
                                                                  "mean with 95% CI"]


def test_subset_fits_are_on_a_log_minute_axis(tables):
    fig = FB.plot_subset_fits(tables["fits"])
    assert_labelled(fig)
    assert fig.axes[0].get_xscale() == "log"


def test_influence_and_calibration(tables):
    fig = FB.plot_influence(tables["loo"], influence_refits.top_movers(tables["loo"], 1))
    assert_labelled(fig)
    assert len(fig.axes) == 2 and fig.axes[0].get_xscale() == "log"
    fig = FB.plot_calibration(tables["cal_b"], tables["cal_s"])
    assert_labelled(fig)
    assert len(fig.axes) == 2


def test_subset_fits_hide_subsets_without_any_identified_fit(tables):
    fig = FB.plot_subset_fits(tables["fits"])
    # RE-Bench-only fits are never identified in the simulation: named in the title, not drawn
    assert "RE-Bench only" in fig.axes[0].get_title()
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "RE-Bench only" not in labels and "all tasks" in labels
    ticks = fig.axes[0].get_xticks()
    assert np.all(np.diff(np.log(ticks)) >= np.log(3.75) - 1e-9)  # labels never collide


def test_influence_axis_follows_each_panel(tables):
    fig = FB.plot_influence(tables["loo"], influence_refits.top_movers(tables["loo"], 1))
    for ax in fig.axes:
        lo, hi = ax.get_xlim()
        assert hi <= FB.RATIO_LIMIT * 1.02 and lo * hi == pytest.approx(1.0)
    assert FB.ratio_ticks(np.log2(1.1)) == [0.95, 1.0, 1.05, 1.1]
    assert 1.0 in FB.ratio_ticks(1.0) and len(FB.ratio_ticks(1.0)) <= 8


def test_influence_margin_labels_have_no_scientific_notation(tables):
    movers = influence_refits.top_movers(tables["loo"], 1).copy()
    movers.loc[movers.index[0], "ratio_to_full"] = 2e-7
    fig = FB.plot_influence(tables["loo"], movers)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any(t.endswith("(× < 0.01)") for t in texts)
    assert not any("e-0" in t for t in texts)
