"""Tests of horizonlib.model.logistic: exact penalized weighted logistic fits and the horizon formula."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit, logit
from sklearn.linear_model import LogisticRegression

from horizonlib.model.logistic import fit_logistic, fit_logistic_batch, horizon_at
from horizonlib.model.weights import run_weights


@pytest.fixture(scope="module")
def mirror_runs(mirror_dir, tmp_path_factory):
    from horizonlib.data.runs import load_runs

    return load_runs(["pre-paper-2025-01", "th-1-1-8-models"], mirror=mirror_dir,
                     cache_dir=tmp_path_factory.mktemp("cache"))


def _gradient(fit, x, y, w, reg):
    p = expit(fit.intercept + fit.slope * x)
    r = w * (p - y)
    return np.array([r.sum(), r @ x + reg * fit.slope])


def test_recovers_planted_curve():
    rng = np.random.default_rng(20250101)
    n = 200_000
    x = rng.uniform(-3, 10, n)
    a, b = 2.0, -0.6
    y = (rng.random(n) < expit(a + b * x)).astype(float)
    w = np.full(n, 1.0 / n)
    fit = fit_logistic(x, y, w, 0.0)
    assert fit.status == "ok"
    assert fit.intercept == pytest.approx(a, abs=0.03)
    assert fit.slope == pytest.approx(b, abs=0.005)
    assert horizon_at(0.5, fit.intercept, fit.slope) == pytest.approx(2 ** (a / -b), rel=0.05)


def test_converges_to_zero_gradient():
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 8, 500)
    y = (rng.random(500) < expit(1 - 0.4 * x)).astype(float)
    w = rng.random(500)
    w /= w.sum()
    for reg in (0.0, 0.1, 3.0):
        fit = fit_logistic(x, y, w, reg)
        assert fit.status == "ok"
        assert np.max(np.abs(_gradient(fit, x, y, w, reg))) < 1e-11  # tolerance: 1e-12 x sum(w) x max|x|


@pytest.mark.parametrize("reg", [0.1, 1.0, 0.01])
def test_equals_tight_sklearn_on_mirror_data(mirror_runs, reg):
    w_all = run_weights(mirror_runs, "invsqrt_task_weight")
    n_checked = 0
    for (_, alias), idx in mirror_runs.groupby(["dataset", "alias"]).indices.items():
        sub = mirror_runs.iloc[idx]
        x = np.log2(sub["human_minutes"].to_numpy())
        y = sub["success"].to_numpy()
        w = w_all[idx]
        fit = fit_logistic(x, y, w, reg)
        if y.min() == y.max():
            assert fit.status in ("no_successes", "no_failures")
            continue
        ref = LogisticRegression(C=1 / reg, tol=1e-12, max_iter=10000).fit(
            x[:, None], y, sample_weight=w)
        assert fit.status == "ok", alias
        assert fit.intercept == pytest.approx(ref.intercept_[0], rel=1e-6, abs=1e-9), alias
        assert fit.slope == pytest.approx(ref.coef_[0, 0], rel=1e-6, abs=1e-9), alias
        # ours is the exact optimum: its objective is not above sklearn's
        def obj(a, b):
            z = a + b * x
            return np.sum(w * (np.logaddexp(0, z) - y * z)) + reg * b * b / 2
        assert obj(fit.intercept, fit.slope) <= obj(ref.intercept_[0], ref.coef_[0, 0]) + 1e-15
        n_checked += 1
    assert n_checked >= 16


def test_sklearn_lbfgs_replay_equals_sklearn_default(mirror_runs):
    w_all = run_weights(mirror_runs, "invsqrt_task_weight")
    idx = mirror_runs.groupby(["dataset", "alias"]).indices[("th-1-1-8-models", "o3 (Inspect)")]
    x = np.log2(mirror_runs["human_minutes"].to_numpy()[idx])
    y = mirror_runs["success"].to_numpy()[idx]
    for reg in (0.1, 1e-5):
        ref = LogisticRegression(C=1 / reg).fit(x[:, None], y, sample_weight=w_all[idx])
        fit = fit_logistic(x, y, w_all[idx], reg, solver="sklearn_lbfgs")
        assert fit.intercept == pytest.approx(ref.intercept_[0], rel=1e-9)
        assert fit.slope == pytest.approx(ref.coef_[0, 0], rel=1e-9)


def test_degenerate_inputs_get_a_status():
    x = np.log2([1.0, 2, 4, 8, 16])
    w = np.full(5, 0.2)
    assert fit_logistic(x, np.zeros(5), w, 0.1).status == "no_successes"
    assert fit_logistic(x, np.ones(5), w, 0.1).status == "no_failures"
    sep = np.array([1.0, 1, 0, 0, 0])
    res = fit_logistic(x, sep, w, 0.0)
    assert res.status == "separable"
    assert np.isnan(res.intercept) and np.isnan(res.slope)
    # quasi-complete separation (a tie at the boundary) has no finite optimum either
    assert fit_logistic(x, np.array([1.0, 1, 1, 0, 0]), w, 0.0).status == "separable"
    ok = fit_logistic(x, sep, w, 0.1)
    assert ok.status == "ok" and ok.slope < 0
    # zero weight removes a point
    w0 = np.array([0.0, 0.25, 0.25, 0.25, 0.25])
    assert fit_logistic(x, np.array([1.0, 0, 0, 0, 0]), w0, 0.1).status == "no_successes"
    with pytest.raises(ValueError):
        fit_logistic(x, np.array([0, 1, 2, 0, 0.0]), w, 0.1)
    with pytest.raises(ValueError):
        fit_logistic(x, sep, -w, 0.1)


def test_fractional_scores_equal_metr_split():
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 6, 50)
    y = rng.random(50)
    y[:10] = 0
    y[10:20] = 1
    w = np.full(50, 1 / 50)
    frac = fit_logistic(x, y, w, 0.1)
    xs = np.concatenate([x, x])
    ys = np.concatenate([np.zeros(50), np.ones(50)])
    ws = np.concatenate([(1 - y) * w, y * w])
    split = fit_logistic(xs, ys, ws, 0.1)
    assert frac.intercept == pytest.approx(split.intercept, rel=1e-10)
    assert frac.slope == pytest.approx(split.slope, rel=1e-10)


def test_batch_equals_single_fits():
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 8, 300)
    y = (rng.random(300) < expit(2 - 0.5 * x)).astype(float)
    W = rng.integers(0, 3, size=(40, 300)) * (1 / 300)
    W[0] = 0
    W[1] = np.where(y == 1, 0, W[1])
    batch = fit_logistic_batch(x, y, W, 0.1)
    assert batch.status[0] == "no_successes" and batch.status[1] == "no_successes"
    for r in range(2, 40):
        single = fit_logistic(x, y, W[r], 0.1)
        assert batch.status[r] == single.status == "ok"
        assert batch.intercept[r] == pytest.approx(single.intercept, rel=1e-10)
        assert batch.slope[r] == pytest.approx(single.slope, rel=1e-10)


def test_far_from_start_still_converges():
    # a very steep curve: Newton needs step halving from the flat start
    x = np.linspace(0, 10, 400)
    y = (x < 5).astype(float)
    y[::37] = 1 - y[::37]
    fit = fit_logistic(x, y, np.full(400, 1 / 400), 0.0)
    assert fit.status == "ok"
    assert np.max(np.abs(_gradient(fit, x, y, np.full(400, 1 / 400), 0.0))) < 1e-11  # tolerance: 1e-12 x sum(w) x max|x|


def test_horizon_formula():
    a, b = 3.0, -0.75
    assert horizon_at(0.5, a, b) == pytest.approx(2 ** (a / 0.75))
    h80 = horizon_at(0.8, a, b)
    assert expit(a + b * np.log2(h80)) == pytest.approx(0.8)
    out = horizon_at(np.array([0.5, 0.8]), np.array([[a], [a]]), np.array([[b], [b]]))
    assert out.shape == (2, 2)
    assert np.isnan(horizon_at(0.5, np.nan, np.nan))
    with pytest.raises(ValueError):
        horizon_at(1.0, a, b)


@settings(max_examples=100, deadline=None)
@given(p1=st.floats(0.01, 0.99), p2=st.floats(0.01, 0.99), a=st.floats(-5, 5),
       b=st.floats(-3, -0.05))
def test_horizon_decreases_in_p_for_negative_slope(p1, p2, a, b):
    lo, hi = min(p1, p2), max(p1, p2)
    assert horizon_at(hi, a, b) <= horizon_at(lo, a, b)
    x = np.log2(horizon_at(lo, a, b))
    assert expit(a + b * x) == pytest.approx(lo, rel=1e-9)
    assert logit(lo) == pytest.approx(a + b * x, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), reg=st.sampled_from([0.0, 0.1, 1.0]))
def test_fit_invariant_to_row_order(seed, reg):
    rng = np.random.default_rng(seed)
    n = 60
    x = rng.uniform(0, 8, n)
    y = (rng.random(n) < expit(2 - 0.5 * x)).astype(float)
    w = rng.random(n)
    f1 = fit_logistic(x, y, w, reg)
    perm = rng.permutation(n)
    f2 = fit_logistic(x[perm], y[perm], w[perm], reg)
    assert f1.status == f2.status
    if f1.status == "ok":
        assert f1.intercept == pytest.approx(f2.intercept, rel=1e-8, abs=1e-10)
        assert f1.slope == pytest.approx(f2.slope, rel=1e-8, abs=1e-10)


# --- fits with their own lengths per row (the length-error bootstrap) ---


@pytest.mark.parametrize("regularization", [0.0, 0.1])
def test_rows_of_same_lengths_give_the_shared_length_fit(regularization):
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 9, 40)
    y = (rng.random(40) < 1 / (1 + np.exp(-(3 - 0.6 * x)))).astype(float)
    W = rng.uniform(0, 1, (5, 40)) / 40
    batch = fit_logistic_batch(x, y, W, regularization)
    rows = fit_logistic_batch(np.tile(x, (5, 1)), np.tile(y, (5, 1)), W, regularization)
    a, b, status = rows.intercept, rows.slope, rows.status
    assert (status == "ok").all()
    np.testing.assert_allclose(a, batch.intercept, rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(b, batch.slope, rtol=1e-7, atol=1e-8)


def test_each_row_uses_its_own_lengths():
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 9, 50)
    y = (rng.random(50) < 1 / (1 + np.exp(-(3 - 0.6 * x)))).astype(float)
    w = np.full(50, 1 / 50)
    shifted = np.vstack([x, x + 2.0])  # all lengths four times longer: intercept moves by 2b
    rows = fit_logistic_batch(shifted, np.vstack([y, y]), np.vstack([w, w]), 0.0)
    a, b = rows.intercept, rows.slope
    assert b[1] == pytest.approx(b[0], rel=1e-8)
    assert a[1] == pytest.approx(a[0] - 2.0 * b[0], rel=1e-7)


def test_degenerate_rows_with_own_lengths_are_named():
    x = np.tile(np.arange(4.0), (2, 1))
    w = np.array([[1, 1, 0, 0], [0, 0, 1, 1]], dtype=float)
    y = np.array([1.0, 1.0, 0.0, 0.0])
    rows = fit_logistic_batch(x, np.tile(y, (2, 1)), w, 0.1)
    a, b, status = rows.intercept, rows.slope, rows.status
    assert list(status) == ["no_failures", "no_successes"]
    assert np.isnan(a).all() and np.isnan(b).all()
