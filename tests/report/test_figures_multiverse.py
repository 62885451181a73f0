"""Multiverse figures: labelled axes, log scales, one marker for METR's headline."""


import numpy as np
import pytest

from horizonlib.report import figures_multiverse as fm
from horizonlib.analyses.multiverse.fits import fit_multiverse
from horizonlib.analyses.multiverse.model_choice import add_labels
from horizonlib.analyses.multiverse.summaries import (
    headline_position,
    specification_curve,
    variance_shares,
)
from tests.analyses.multiverse.planted import planted_runs


@pytest.fixture(scope="module")
def table():
    return fit_multiverse(planted_runs(0))


def assert_labelled(fig):
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert visible
    for ax in visible:
        assert ax.get_xlabel() and ax.get_ylabel()


def test_specification_curves(table):
    curves = {"A": specification_curve(table, "toy", "A"),
              "B": specification_curve(table, "toy", "B")}
    fig = fm.plot_specification_curves(curves)
    assert_labelled(fig)
    assert len(fig.axes) == 4
    assert fig.axes[0].get_yscale() == "log"
    # choice rows: 3 weightings + 3 penalties + 4 success rules + 4 subsets + 2 links
    assert len(fig.axes[1].get_yticks()) == 16
    # models are stacked, not side by side: the figure keeps a text column's width, so shown
    # at about 800 px its choice labels stay at least 9 pt, and every model's rows are named
    assert fig.get_figwidth() <= 7.5
    for ax in (fig.axes[1], fig.axes[3]):
        labels = ax.get_yticklabels()
        assert all(lab.get_text() for lab in labels)
        assert min(lab.get_fontsize() for lab in labels) >= 10
    with pytest.raises(ValueError):
        fm.plot_specification_curves({})


def test_variance_shares_bars(table):
    shares = add_labels(variance_shares(table), table)
    fig = fm.plot_variance_shares(shares)
    assert_labelled(fig)
    # one bar per model and drawn dimension (hack_policy has one level: not drawn)
    assert len(fig.axes[0].patches) == 3 * 6


def test_ranges(table):
    pos = add_labels(headline_position(table), table)
    fig = fm.plot_multiverse_ranges(pos)
    assert_labelled(fig)
    assert fig.axes[0].get_xscale() == "log"


def test_duration_ticks_are_plain_and_spaced():
    ticks, labels = fm.duration_ticks(2, 3000)
    assert labels[0] == "2 min" and all(" " in lab for lab in labels)
    assert np.all(np.diff(np.log(ticks)) >= np.log(3000 / 2) / 7 - 1e-12)
    _, days = fm.duration_ticks(25, 300, "days", n=5)
    assert days == ["30 days", "50 days", "100 days", "200 days"]
    fig = fm.plot_multiverse_ranges(add_labels(headline_position(fit_multiverse(
        planted_runs(0))), fit_multiverse(planted_runs(0))))
    assert all("10^" not in t.get_text() and "×10" not in t.get_text()
               for t in fig.axes[0].get_xticklabels())
