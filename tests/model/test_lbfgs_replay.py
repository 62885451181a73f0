"""The batched replay of scikit-learn's L-BFGS-B equals SciPy's own iterations fit by fit."""

import numpy as np
import pytest

from horizonlib.model.lbfgs_replay import fit_lbfgs_batch, fit_sklearn_lbfgs
from horizonlib.model.logistic import fit_logistic_batch


def _problems(seed=0, n_tasks=40, n_fits=150):
    """Bootstrap-like weight vectors over (task, outcome) cells of a graded logistic truth."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 10, n_tasks)
    x = np.concatenate([x, x])
    y = np.r_[np.zeros(n_tasks), np.ones(n_tasks)]
    p = 1 / (1 + np.exp(-(1.5 - 0.45 * x)))
    base = np.where(y == 1, p, 1 - p) / n_tasks
    W = base[None, :] * rng.poisson(1.0, size=(n_fits, 2 * n_tasks))
    keep = ((W * y).sum(axis=1) > 0) & ((W * (1 - y)).sum(axis=1) > 0)
    return x, y, W[keep]


@pytest.mark.parametrize("regularization", [0.1, 1e-3])
def test_batch_equals_scipy_fit_by_fit(regularization):
    x, y, W = _problems(seed=int(regularization * 1000))
    a, b, n_iter = fit_lbfgs_batch(x, y, W, regularization)
    for i in range(len(W)):
        ai, bi, status, nit = fit_sklearn_lbfgs(x, y, W[i], regularization)
        assert status == "ok"
        assert a[i] == pytest.approx(ai, rel=1e-10, abs=1e-12)
        assert b[i] == pytest.approx(bi, rel=1e-10, abs=1e-12)
        assert n_iter[i] == nit


def test_replay_stops_short_of_the_exact_optimum():
    """scikit-learn's tol=1e-4 stops early: close to, but not at, the optimum."""
    x, y, W = _problems(seed=5, n_fits=60)
    a, b, _ = fit_lbfgs_batch(x, y, W, 0.1)
    exact = fit_logistic_batch(x, y, W, 0.1)
    gap = np.abs(b / exact.slope - 1)
    assert gap.max() < 0.05
    assert gap.max() > 1e-8  # not the optimum to machine precision


def test_per_fit_points_equal_separate_shared_point_fits():
    """Two groups of fits on different points, stacked with zero-padded per-row points, give
    the fits of each group run alone (both solvers)."""
    x1, y1, W1 = _problems(seed=1, n_tasks=30, n_fits=20)
    x2, y2, W2 = _problems(seed=2, n_tasks=25, n_fits=15)
    width = len(x1)
    pad = width - len(x2)
    X = np.vstack([np.repeat(x1[None], len(W1), 0), np.repeat(np.r_[x2, np.zeros(pad)][None], len(W2), 0)])
    Y = np.vstack([np.repeat(y1[None], len(W1), 0), np.repeat(np.r_[y2, np.zeros(pad)][None], len(W2), 0)])
    W = np.vstack([W1, np.hstack([W2, np.zeros((len(W2), pad))])])
    stacked = fit_logistic_batch(X, Y, W, 0.1)
    alone = [fit_logistic_batch(x1, y1, W1, 0.1), fit_logistic_batch(x2, y2, W2, 0.1)]
    np.testing.assert_allclose(stacked.slope, np.r_[alone[0].slope, alone[1].slope], rtol=1e-10)
    a, b, _ = fit_lbfgs_batch(X, Y, W, 0.1)
    b_alone = np.r_[fit_lbfgs_batch(x1, y1, W1, 0.1)[1], fit_lbfgs_batch(x2, y2, W2, 0.1)[1]]
    np.testing.assert_allclose(b, b_alone, rtol=1e-10)
