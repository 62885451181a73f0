r"""Logistic model with a per-task random intercept, fitted by maximum marginal likelihood.

Model (one dataset; models :math:`m`, tasks :math:`j`, :math:`x_j = \log_2` human minutes):

.. math::

    P(\text{success} \mid m, j) = \sigma(a_m + b_m x_j + u_j), \qquad
    u_j \sim N(0, s^2) \text{ independently per task},

where :math:`u_j > 0` means task :math:`j` is solved more often than its length predicts
("easier than its length"). With one model this is the per-model fit (each model its own
:math:`u_j` and :math:`s`); with several models the task effect :math:`u_j` is shared by all of
them (an item-response view: one difficulty per task beyond its length), each model keeping its
own curve :math:`(a_m, b_m)`. Runs are unweighted: the random intercept, not a weight, accounts
for runs of one task being alike.

Fit: the marginal likelihood of task :math:`j` is the one-dimensional integral
:math:`\int \prod_m \text{Binom}(k_{mj}; n_{mj}, \sigma(a_m + b_m x_j + u)) \, N(u; 0, s^2)\, du`
(binomial coefficients dropped), computed on a fixed grid :math:`u = s z`, :math:`z` in
:math:`[-8, 8]` (trapezoid rule, :data:`N_NODES` points; fixed, so the approximate likelihood is
smooth in the parameters and its gradient exact), and maximized over :math:`(a, b, \log s)` with
L-BFGS-B. Standard errors come from the observed information (finite differences of that gradient).
Checks (``tests/model/test_mixed_logistic.py``): the likelihood equals scipy's adaptive
integration, the gradient its finite differences, and the fit agrees with statsmodels'
variational-Bayes ``BinomialBayesMixedGLM`` (given vague priors), which is tens of times slower.
Task effects are reported as empirical-Bayes posterior means and standard deviations of
:math:`u_j` given the fitted parameters (their uncertainty ignores that of the parameters).

The horizon of a model at success probability :math:`p` is the length at which a *typical*
task (:math:`u = 0`) of that length is solved with probability :math:`p`:
:math:`h_p = 2^{(\operatorname{logit}(p) - a_m)/b_m}` minutes, with a delta-method interval on
:math:`\log_2 h_p`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize
from scipy.special import expit, logit

#: Grid points of the integral over a task effect, u = s z, z on [-8, 8] (step 0.08): on the
#: offline data the maximized log-likelihood agrees with a 801-point grid to 1e-7 nats, and the
#: tests check it against scipy's adaptive integration.
N_NODES = 201
GRID_HALF_WIDTH = 8.0
#: Bounds of log s (s = task-effect standard deviation, log-odds): s in [0.001, 20].
LOG_SD_BOUNDS = (np.log(1e-3), np.log(20.0))
#: A fit counts as converged when every gradient component of the log-likelihood is below this.
GRAD_TOL = 1e-3


@dataclass(frozen=True)
class MixedFit:
    """Result of :func:`fit_random_intercept`.

    Attributes
    ----------
    intercept, slope : numpy.ndarray
        Per model, shape ``(M,)``: log-odds at 1 minute for a typical task, and log-odds per
        doubling of length.
    task_sd : float
        :math:`s`, standard deviation of the task effects (log-odds).
    cov : numpy.ndarray
        Shape ``(2M + 1, 2M + 1)``: covariance of ``(a_1, b_1, ..., a_M, b_M, log s)``.
    effect, effect_sd : numpy.ndarray
        Per task, shape ``(T,)``: posterior mean and sd of :math:`u_j` (log-odds; positive =
        easier than its length predicts).
    loglik : float
        Maximized marginal log-likelihood (binomial coefficients dropped).
    status : str
        ``"ok"``, ``"sd_at_bound"`` (s hit a bound), or ``"not_converged"``.
    """

    intercept: np.ndarray
    slope: np.ndarray
    task_sd: float
    cov: np.ndarray
    effect: np.ndarray
    effect_sd: np.ndarray
    loglik: float
    status: str


def _grid(n_nodes: int):
    """Standard-normal grid z, and log of (trapezoid step x standard normal density)."""
    z = np.linspace(-GRID_HALF_WIDTH, GRID_HALF_WIDTH, n_nodes)
    return z, np.log(z[1] - z[0]) - 0.5 * z * z - 0.5 * np.log(2.0 * np.pi)


def _cell_loglik(eta, k, n):
    """Binomial log-likelihood k * eta - n * log(1 + e^eta) and sigmoid(eta), elementwise.

    One exponential serves both (this is the inner loop of every fit).
    """
    e = np.exp(-np.abs(eta))
    loglik = k * eta - n * (np.maximum(eta, 0.0) + np.log1p(e))
    return loglik, np.where(eta >= 0.0, 1.0, e) / (1.0 + e)


def _quadrature(theta, x, k, n, z, logw):
    """Nodes u (K,), success probabilities (T, M, K), normalized weights (T, K), loglik per task."""
    M = k.shape[1]
    a, b, sd = theta[0:2 * M:2], theta[1:2 * M:2], np.exp(theta[-1])
    base = a[None, :] + b[None, :] * x[:, None]  # (T, M)
    u = sd * z
    eta = base[:, :, None] + u[None, None, :]  # (T, M, K)
    cell, prob = _cell_loglik(eta, k[:, :, None], n[:, :, None])
    terms = cell.sum(axis=1) + logw[None, :]
    top = terms.max(axis=1, keepdims=True)
    weights = np.exp(terms - top)
    total = weights.sum(axis=1, keepdims=True)
    return u, prob, weights / total, top[:, 0] + np.log(total[:, 0])


def _negloglik_and_grad(theta, x, k, n, z, logw):
    M = k.shape[1]
    u, prob, omega, ll = _quadrature(theta, x, k, n, z, logw)
    resid = (k[:, :, None] - n[:, :, None] * prob) * omega[:, None, :]  # (T, M, K)
    r = resid.sum(axis=2)  # (T, M): d loglik_j / d a_m
    grad = np.empty_like(theta)
    grad[0:2 * M:2] = r.sum(axis=0)
    grad[1:2 * M:2] = (r * x[:, None]).sum(axis=0)
    grad[-1] = (resid.sum(axis=1) * u[None, :]).sum()  # d eta / d log s = s z = u
    return -ll.sum(), -grad


def fit_random_intercept(
    x: np.ndarray,
    k: np.ndarray,
    n: np.ndarray,
    *,
    start: np.ndarray | None = None,
    n_nodes: int = N_NODES,
) -> MixedFit:
    """Fit the random-intercept logistic model to per-(task, model) success counts.

    Parameters
    ----------
    x : array_like, shape (T,)
        log2 human minutes of each task.
    k, n : array_like, shape (T, M)
        Successes and runs of model ``m`` on task ``j`` (``n = 0`` where a model did not run
        the task).
    start : array_like, shape (2M + 1,), optional
        Starting ``(a_1, b_1, ..., a_M, b_M, log s)``; default: each model's ordinary logistic
        fit on its counts and ``s = 1``.
    n_nodes : int, optional
        Grid points of each task's integral.

    Returns
    -------
    MixedFit
    """
    x = np.asarray(x, dtype=float)
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    if k.ndim == 1:
        k, n = k[:, None], n[:, None]
    if k.shape != n.shape or k.shape[0] != x.shape[0]:
        raise ValueError("k and n must have shape (T, M) with T = len(x)")
    if np.any(k < 0) or np.any(k > n):
        raise ValueError("successes k must lie in [0, n]")
    M = k.shape[1]
    z, logw = _grid(n_nodes)
    # Optimize with centred lengths (intercepts at the mean length): a and b then barely
    # correlate and L-BFGS-B converges in far fewer steps; converted back below.
    xbar = float(np.mean(x))
    xc = x - xbar
    to_centred = np.eye(2 * M + 1)
    for m in range(M):
        to_centred[2 * m, 2 * m + 1] = xbar  # a_c = a + b * xbar
    theta0 = _start(xc, k, n) if start is None else to_centred @ np.asarray(start, dtype=float)
    bounds = [(None, None)] * (2 * M) + [LOG_SD_BOUNDS]
    res = optimize.minimize(_negloglik_and_grad, theta0, args=(xc, k, n, z, logw), jac=True,
                            method="L-BFGS-B", bounds=bounds,
                            options={"maxiter": 1000, "ftol": 1e-15, "gtol": GRAD_TOL / 10})
    theta_c = res.x
    at_bound = bool(np.isclose(theta_c[-1], LOG_SD_BOUNDS, atol=1e-4).any())
    from_centred = np.linalg.inv(to_centred)
    theta = from_centred @ theta_c
    cov = _covariance(theta_c, xc, k, n, z, logw, fixed_sd=at_bound)
    keep = 2 * M if at_bound else 2 * M + 1  # log s has no variance at a bound: leave it NaN
    cov[:keep, :keep] = from_centred[:keep, :keep] @ cov[:keep, :keep] @ from_centred[:keep, :keep].T
    u, _, omega, ll = _quadrature(theta_c, xc, k, n, z, logw)
    effect = (omega * u[None, :]).sum(axis=1)
    effect_sd = np.sqrt(np.maximum((omega * u[None, :] ** 2).sum(axis=1) - effect**2, 0.0))
    # judge convergence by the gradient itself (nats per unit of each parameter)
    grad = _negloglik_and_grad(theta_c, xc, k, n, z, logw)[1]
    free = grad[:-1] if at_bound else grad
    converged = bool(np.max(np.abs(free)) < GRAD_TOL)
    status = "not_converged" if not converged else ("sd_at_bound" if at_bound else "ok")
    return MixedFit(intercept=theta[0:2 * M:2].copy(), slope=theta[1:2 * M:2].copy(),
                    task_sd=float(np.exp(theta[-1])), cov=cov, effect=effect,
                    effect_sd=effect_sd, loglik=float(ll.sum()), status=status)


def _start(x, k, n):
    """Ordinary (unweighted, unpenalized) logistic fit per model by Newton, and s = 1.5."""
    M = k.shape[1]
    theta = np.zeros(2 * M + 1)
    theta[-1] = np.log(1.5)
    X = np.column_stack([np.ones_like(x), x])
    for m in range(M):
        beta = np.array([logit(np.clip(k[:, m].sum() / max(n[:, m].sum(), 1.0), 0.02, 0.98)), 0.0])
        for _ in range(50):
            p = expit(X @ beta)
            g = X.T @ (k[:, m] - n[:, m] * p)
            H = (X * (n[:, m] * p * (1 - p))[:, None]).T @ X + 1e-6 * np.eye(2)
            step = np.linalg.solve(H, g)
            beta = beta + np.clip(step, -5, 5)
            if np.max(np.abs(step)) < 1e-10:
                break
        theta[2 * m:2 * m + 2] = beta
    return theta


def _covariance(theta, x, k, n, z, logw, fixed_sd=False, h=1e-5):
    """Inverse observed information by central differences of the exact gradient.

    With ``fixed_sd`` (s at a bound of its range, where the likelihood is flat in log s) the
    curve parameters' covariance is taken at fixed s, and log s gets NaN variance.
    """
    d = theta.size
    H = np.empty((d, d))
    for i in range(d):
        e = np.zeros(d)
        e[i] = h
        H[:, i] = (_negloglik_and_grad(theta + e, x, k, n, z, logw)[1]
                   - _negloglik_and_grad(theta - e, x, k, n, z, logw)[1]) / (2 * h)
    H = 0.5 * (H + H.T)
    keep = d - 1 if fixed_sd else d
    cov = np.full((d, d), np.nan)
    try:
        cov[:keep, :keep] = np.linalg.inv(H[:keep, :keep])
    except np.linalg.LinAlgError:
        pass
    return cov


def marginal_loglik(theta, x, k, n, n_nodes: int = N_NODES) -> float:
    """Marginal log-likelihood at ``theta = (a_1, b_1, ..., a_M, b_M, log s)`` (for checks)."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    if k.ndim == 1:
        k, n = k[:, None], n[:, None]
    z, logw = _grid(n_nodes)
    return -_negloglik_and_grad(np.asarray(theta, float), np.asarray(x, float), k, n, z, logw)[0]


def mixed_horizon(p, fit: MixedFit, model: int, z: float) -> tuple[float, float, float]:
    """Horizon (minutes) of a typical task (u = 0) at success probability ``p``, with interval.

    Parameters
    ----------
    p : float
        Success probability in (0, 1).
    fit : MixedFit
    model : int
        Index of the model in the fit.
    z : float
        Normal quantile of the interval (1.96 for 95%).

    Returns
    -------
    (horizon, low, high) in minutes; the interval is ``log2 h +- z * se`` by the delta method.
    """
    a, b = fit.intercept[model], fit.slope[model]
    log2h = (logit(p) - a) / b
    grad = np.array([-1.0 / b, -(logit(p) - a) / b**2])
    block = fit.cov[2 * model:2 * model + 2, 2 * model:2 * model + 2]
    var = float(grad @ block @ grad) if np.all(np.isfinite(block)) else np.nan
    se = np.sqrt(var) if var >= 0 else np.nan  # NaN also when the information is not definite
    return float(2.0**log2h), float(2.0 ** (log2h - z * se)), float(2.0 ** (log2h + z * se))
