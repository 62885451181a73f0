"""Logistic fits with their own lengths per fit agree with the shared-length batch fit."""

import numpy as np
import pytest

from horizonlib.model.logistic import fit_logistic_batch
from horizonlib.model.logistic_rows import fit_logistic_rows


@pytest.mark.parametrize("regularization", [0.0, 0.1])
def test_same_lengths_give_the_batch_fit(regularization):
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 9, 40)
    y = (rng.random(40) < 1 / (1 + np.exp(-(3 - 0.6 * x)))).astype(float)
    W = rng.uniform(0, 1, (5, 40)) / 40
    batch = fit_logistic_batch(x, y, W, regularization)
    a, b, status = fit_logistic_rows(np.tile(x, (5, 1)), y, W, regularization)
    assert (status == "ok").all()
    np.testing.assert_allclose(a, batch.intercept, rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(b, batch.slope, rtol=1e-7, atol=1e-8)


def test_each_row_uses_its_own_lengths():
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 9, 50)
    y = (rng.random(50) < 1 / (1 + np.exp(-(3 - 0.6 * x)))).astype(float)
    w = np.full(50, 1 / 50)
    shifted = np.vstack([x, x + 2.0])  # all lengths four times longer: intercept moves by 2b
    a, b, _ = fit_logistic_rows(shifted, y, np.vstack([w, w]), 0.0)
    assert b[1] == pytest.approx(b[0], rel=1e-8)
    assert a[1] == pytest.approx(a[0] - 2.0 * b[0], rel=1e-7)


def test_degenerate_rows_are_named():
    x = np.tile(np.arange(4.0), (2, 1))
    w = np.array([[1, 1, 0, 0], [0, 0, 1, 1]], dtype=float)
    y = np.array([1.0, 1.0, 0.0, 0.0])
    a, b, status = fit_logistic_rows(x, y, w, 0.1)
    assert list(status) == ["no_failures", "no_successes"]
    assert np.isnan(a).all() and np.isnan(b).all()
