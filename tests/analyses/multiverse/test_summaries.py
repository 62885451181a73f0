"""Multiverse summaries: variance shares, METR's position, specification curves and single-choice
effects have known answers."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from horizonlib.analyses.multiverse.fits import fit_multiverse
from horizonlib.analyses.multiverse.grid import (
    DIMENSIONS,
    DIMENSION_COLUMNS,
    NO_FLAGS,
    specification_grid,
)
from horizonlib.analyses.multiverse.summaries import (
    dimension_effects,
    headline_position,
    largest_single_change,
    specification_curve,
    variance_shares,
)
from tests.analyses.multiverse.planted import planted_largest_change, planted_runs


def test_dimension_without_effect_has_zero_variance_share():
    """Binary scores equal to the delivered success, all tasks HCAST with baselined times: the
    success rule and the task subset cannot change any fit, so they explain exactly nothing."""
    runs = planted_runs(5, binary_scores=True, sources=False)
    table = fit_multiverse(runs)
    shares = variance_shares(table).set_index(["model", "dimension"])["share"]
    for model in ("A", "B", "C"):
        assert shares[(model, "success")] == 0.0
        assert shares[(model, "subset")] == 0.0
        assert shares[(model, "hack_policy")] == 0.0
        assert shares[(model, "regularization")] > 0
        assert shares[(model, "link")] > 0


def test_variance_shares_known_answer():
    # balanced 3 x 2 grid, additive on log2 scale: a = (-1, 0, 1), b = (-2, 2)
    rows = [{"dataset": "d", "model": "m", "weighting": w, "regularization": r, "success": "delivered",
             "subset": "all", "link": "logistic", "hack_policy": NO_FLAGS,
             "p50_min": 2.0 ** (a + b)}
            for w, a in zip(DIMENSIONS["weighting"], (-1, 0, 1))
            for r, b in zip((0.1, 0.0), (-2, 2))]
    shares = variance_shares(pd.DataFrame(rows)).set_index("dimension")["share"]
    # SS_w = 2 * (1 + 0 + 1) = 4; SS_r = 3 * (4 + 4) = 24; total 28
    assert shares["weighting"] == pytest.approx(4 / 28)
    assert shares["regularization"] == pytest.approx(24 / 28)
    assert shares["interactions"] == pytest.approx(0.0, abs=1e-12)
    assert shares["link"] == 0.0


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-5, 5), min_size=24, max_size=24))
def test_variance_shares_are_fractions_on_balanced_grids(vals):
    grid = specification_grid(regularization=[0.1, 0.0], success=["delivered", "fractional"],
                              subset=["all"], link=["logistic", "probit"])
    table = grid.assign(dataset="d", model="m", p50_min=np.exp2(np.array(vals[:len(grid)])))
    shares = variance_shares(table).set_index("dimension")["share"]
    assert (shares[DIMENSION_COLUMNS] >= -1e-12).all()
    # balanced: main effects are orthogonal, so with interactions they sum to one
    assert shares.sum() == pytest.approx(1.0, abs=1e-9) or shares.sum() == 0.0


def test_headline_position_known_answer():
    table = pd.DataFrame({"dataset": "d", "model": "m", "p50_min": np.arange(1.0, 11.0),
                          "is_metr": np.arange(10) == 2})
    pos = headline_position(table).iloc[0]
    assert pos["headline"] == 3.0 and pos["rank"] == 3.0
    assert pos["percentile"] == pytest.approx(25.0)  # (2 below + 0.5) / 10
    assert pos["max_over_min"] == 10.0 and pos["median"] == 5.5


def test_dimension_effects_ratio():
    rows = [{"dataset": "d", "model": "m", "weighting": w, "regularization": r, "success": "delivered",
             "subset": "all", "link": "logistic", "hack_policy": NO_FLAGS,
             "p50_min": f * g}
            for w, f in zip(DIMENSIONS["weighting"], (1.0, 2.0, 0.5))
            for r, g in zip((0.1, 0.0), (10.0, 30.0))]
    eff = dimension_effects(pd.DataFrame(rows)).set_index(["dimension", "level"])["median_ratio"]
    assert eff[("weighting", "equal_task_weight")] == pytest.approx(2.0)
    assert eff[("weighting", "none")] == pytest.approx(0.5)
    assert eff[("regularization", 0.0)] == pytest.approx(3.0)


def test_specification_curve_sorted():
    table = fit_multiverse(planted_runs(0))
    cur = specification_curve(table, "toy", "A")
    assert np.all(np.diff(cur["p50_min"]) >= 0) and cur["is_metr"].sum() == 1


def test_largest_single_change_is_one_at_a_time_from_metr():
    """The quoted largest change is a one-choice change from METR's specification, read off the
    same fits as the table of single changes (planted values decide which): the planted probit
    change (x1000), not the larger planted change of two choices at once (x1e5)."""
    runs, grid, planted, metr = planted_largest_change()
    got = largest_single_change(planted, grid, "toy", "C")
    assert got["dimension"] == "link" and got["level"] == "probit"
    assert got["ratio"] == pytest.approx(1000.0) and got["metr_min"] == pytest.approx(metr)
    assert largest_single_change(planted, grid, "toy", "absent") is None
