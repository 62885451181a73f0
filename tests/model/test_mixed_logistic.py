"""The random-intercept logistic fit: exact marginal likelihood, gradient, recovery, horizons."""

import numpy as np
import pytest
from scipy import integrate
from scipy.special import expit, logit

from horizonlib.model import mixed_logistic as ML


def simulate(rng, T=120, M=3, sd=1.5, runs=(4, 9)):
    x = rng.uniform(0, 10, T)
    u = rng.normal(0, sd, T)
    a = rng.uniform(2, 6, M)
    b = -rng.uniform(0.5, 0.9, M)
    n = rng.integers(runs[0], runs[1], (T, M)).astype(float)
    k = rng.binomial(n.astype(int), expit(a[None] + b[None] * x[:, None] + u[:, None])).astype(float)
    return x, k, n, a, b, u


def brute_loglik(theta, x, k, n):
    """The marginal log-likelihood by scipy's adaptive integration, task by task."""
    M = k.shape[1]
    a, b, sd = theta[0:2 * M:2], theta[1:2 * M:2], np.exp(theta[-1])
    total = 0.0
    for j in range(len(x)):
        def f(v, j=j):
            eta = a + b * x[j] + v
            ll = (k[j] * eta - n[j] * np.logaddexp(0, eta)).sum()
            return np.exp(ll - 0.5 * (v / sd) ** 2) / (sd * np.sqrt(2 * np.pi))
        total += np.log(integrate.quad(f, -12 * sd, 12 * sd, points=[0.0], limit=400,
                                       epsabs=0, epsrel=1e-12)[0])
    return total


def test_marginal_likelihood_matches_adaptive_integration():
    rng = np.random.default_rng(1)
    x, k, n, a, b, _ = simulate(rng, T=25, M=2, sd=2.5)
    for theta in (np.r_[np.c_[a, b].ravel(), np.log(2.5)], np.r_[np.c_[a, b].ravel(), np.log(0.3)]):
        assert ML.marginal_loglik(theta, x, k, n) == pytest.approx(brute_loglik(theta, x, k, n),
                                                                   abs=1e-6)


def test_gradient_is_the_derivative_of_the_likelihood():
    rng = np.random.default_rng(2)
    x, k, n, a, b, _ = simulate(rng, T=30, M=2)
    theta = np.r_[np.c_[a, b].ravel(), np.log(1.2)]
    z, logw = ML._grid(ML.N_NODES)
    _, grad = ML._negloglik_and_grad(theta, x, k, n, z, logw)
    h = 1e-6
    numeric = [(ML.marginal_loglik(theta + e, x, k, n) - ML.marginal_loglik(theta - e, x, k, n))
               / (2 * h) for e in np.eye(theta.size) * h]
    np.testing.assert_allclose(-grad, numeric, rtol=1e-5, atol=1e-5)


def test_joint_fit_recovers_planted_curves_and_task_effects():
    rng = np.random.default_rng(3)
    x, k, n, a, b, u = simulate(rng, T=300, M=3, sd=1.5, runs=(6, 10))
    fit = ML.fit_random_intercept(x, k, n)
    assert fit.status == "ok"
    assert fit.task_sd == pytest.approx(1.5, rel=0.2)
    np.testing.assert_allclose(fit.slope, b, atol=0.12)
    assert np.corrcoef(fit.effect, u)[0, 1] > 0.85
    assert np.all(fit.effect_sd > 0) and np.all(np.isfinite(np.diag(fit.cov)))
    # the fit is a maximum: any nudge lowers the marginal likelihood
    theta = np.r_[np.c_[fit.intercept, fit.slope].ravel(), np.log(fit.task_sd)]
    for e in np.eye(theta.size) * 1e-2:
        assert ML.marginal_loglik(theta + e, x, k, n) < fit.loglik


def test_without_task_effects_the_sd_goes_to_its_floor_and_the_curve_is_ordinary_logistic():
    rng = np.random.default_rng(4)
    x = rng.uniform(0, 10, 200)
    n = np.full((200, 1), 6.0)
    k = rng.binomial(6, expit(4 - 0.7 * x))[:, None].astype(float)
    fit = ML.fit_random_intercept(x, k, n)
    start = ML._start(x, k, n)  # the ordinary logistic fit by Newton
    assert fit.task_sd < 0.3
    assert fit.slope[0] == pytest.approx(start[1], abs=0.02)


def test_horizon_of_a_typical_task_and_its_interval():
    rng = np.random.default_rng(5)
    x, k, n, *_ = simulate(rng, T=80, M=1)
    fit = ML.fit_random_intercept(x, k, n)
    h, lo, hi = ML.mixed_horizon(0.8, fit, 0, 1.96)
    assert np.log2(h) == pytest.approx((logit(0.8) - fit.intercept[0]) / fit.slope[0])
    assert lo < h < hi
    assert np.log2(hi / h) == pytest.approx(np.log2(h / lo))  # symmetric on the log scale


def test_bad_counts_are_refused():
    with pytest.raises(ValueError, match="lie in"):
        ML.fit_random_intercept([1.0, 2.0], [[3.0], [1.0]], [[2.0], [2.0]])
    with pytest.raises(ValueError, match="shape"):
        ML.fit_random_intercept([1.0, 2.0, 3.0], [[1.0], [1.0]], [[2.0], [2.0]])


def test_agrees_with_statsmodels_variational_bayes():
    """statsmodels' BinomialBayesMixedGLM (variational Bayes, flat-ish priors) fits the same model;
    with 150 tasks its posterior means land close to the maximum-likelihood fit here."""
    import pandas as pd
    from statsmodels.genmod.bayes_mixed_glm import BinomialBayesMixedGLM

    rng = np.random.default_rng(3)
    T, runs = 150, 6
    x = rng.uniform(0, 10, T)
    k = rng.binomial(runs, expit(4 - 0.7 * x + rng.normal(0, 1.5, T)))
    y = np.concatenate([np.r_[np.ones(kk), np.zeros(runs - kk)] for kk in k])
    frame = pd.DataFrame({"y": y, "x": np.repeat(x, runs), "task": np.repeat(np.arange(T), runs)})
    vb = BinomialBayesMixedGLM.from_formula("y ~ x", {"task": "0 + C(task)"}, frame).fit_vb()
    ours = ML.fit_random_intercept(x, k[:, None].astype(float), np.full((T, 1), float(runs)))
    assert ours.intercept[0] == pytest.approx(vb.fe_mean[0], rel=0.08)
    assert ours.slope[0] == pytest.approx(vb.fe_mean[1], rel=0.08)
    assert ours.task_sd == pytest.approx(float(np.exp(vb.vcp_mean[0])), rel=0.1)
    assert np.corrcoef(vb.random_effects()["Mean"].to_numpy(), ours.effect)[0, 1] > 0.99


def test_agrees_with_statsmodels_on_o3s_runs(mirror_dir, tmp_path):
    """On real runs (o3, Time Horizon 1.1: large intercept and task spread) statsmodels' default
    priors (fixed effects sd 2) shrink the fit; with vague priors it lands near ours (variational
    Bayes understates a variance component somewhat, hence the looser bound on s)."""
    from statsmodels.genmod.bayes_mixed_glm import BinomialBayesMixedGLM

    from horizonlib.analyses.task_difficulty import count_matrix
    from horizonlib.data.runs import load_runs

    runs = load_runs(["th-1-1-8-models"], mirror=mirror_dir, cache_dir=tmp_path / "cache")
    o3 = runs[runs["display_name"] == "o3"].assign(
        x=lambda d: np.log2(d["human_minutes"]), y=lambda d: d["success"].astype(float))
    vb = BinomialBayesMixedGLM.from_formula("y ~ x", {"task": "0 + C(task_id)"}, o3,
                                            vcp_p=10, fe_p=100).fit_vb()
    tasks, _, k, n = count_matrix(o3)
    ours = ML.fit_random_intercept(np.log2(tasks["human_minutes"].to_numpy(float)), k, n)
    assert ours.status == "ok"
    assert ours.intercept[0] == pytest.approx(vb.fe_mean[0], rel=0.06)
    assert ours.slope[0] == pytest.approx(vb.fe_mean[1], rel=0.06)
    assert ours.task_sd == pytest.approx(float(np.exp(vb.vcp_mean[0])), rel=0.2)
