"""Weighted, L2-penalized probit regression of success on log2 task length (an alternative link).

Model: for a run on a task that takes humans ``t`` minutes, with ``x = log2(t)`` (log2 minutes),

    P(success) = Phi(intercept + slope * x),

``Phi`` the standard normal CDF. The fit minimizes, over ``(intercept, slope)``,

    L = sum_i w_i * [-y_i log Phi(z_i) - (1 - y_i) log Phi(-z_i)] + regularization * slope**2 / 2,
    z_i = intercept + slope * x_i,

the same weighted loss and slope penalty as :mod:`horizonlib.model.logistic` with the logistic CDF
replaced by the normal one. ``y`` may be fractional in [0, 1] (the loss is linear in ``y``). The
loss is convex in ``(intercept, slope)``, so Newton's method with step halving (exact Hessian,
using the inverse Mills ratios ``phi/Phi``) converges from ``(Phi^-1(mean y), 0)``; the 2x2
systems are solved in closed form, vectorized over many weight vectors as in
:func:`horizonlib.model.logistic.fit_logistic_batch`, with the same statuses for degenerate data.

The horizon at success probability ``p`` is

    horizon_p = 2 ** ((Phi^-1(p) - intercept) / slope)   [minutes].

Note that a probit slope is on a different scale from a logistic one (roughly logistic/1.6); the
horizons, not the coefficients, are comparable between links.
"""

from __future__ import annotations

import numpy as np
from scipy.special import log_ndtr, ndtri

from horizonlib.model.logistic import Link, LogisticBatchFit, fit_binary_batch

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)


def _neg_loglik(z, y):
    """Per-point probit loss ``-y log Phi(z) - (1-y) log Phi(-z)`` (stable in the tails)."""
    return -(y * log_ndtr(z) + (1.0 - y) * log_ndtr(-z))


def _derivatives(z, y):
    """First and second derivative of the per-point loss with respect to ``z``.

    With ``m1 = phi(z)/Phi(z)`` and ``m0 = phi(z)/Phi(-z)`` (inverse Mills ratios):
    ``dl/dz = -y m1 + (1-y) m0`` and ``d2l/dz2 = y m1 (z + m1) + (1-y) m0 (m0 - z) >= 0``.
    """
    log_phi = -0.5 * z * z - _LOG_SQRT_2PI
    m1 = np.exp(log_phi - log_ndtr(z))
    m0 = np.exp(log_phi - log_ndtr(-z))
    g = -y * m1 + (1.0 - y) * m0
    h = y * m1 * (z + m1) + (1.0 - y) * m0 * (m0 - z)
    return g, h


#: The probit link: the standard normal CDF.
PROBIT = Link("probit", _neg_loglik, _derivatives, ndtri)


def fit_probit_batch(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    regularization: float,
    *,
    tol: float = 1e-12,
    max_iter: int = 100,
) -> LogisticBatchFit:
    """Fit the penalized probit model for many weight vectors at once.

    Parameters
    ----------
    x : array_like, shape (n,)
        log2 human minutes of each point.
    y : array_like, shape (n,)
        Success in [0, 1].
    w : array_like, shape (n_fits, n) or (n,)
        Non-negative sample weights (dimensionless); fit ``r`` uses row ``r``.
    regularization : float
        L2 penalty on the slope, ``regularization * slope**2 / 2``; ``>= 0``.
    tol : float, optional
        Convergence: ``|dL/dintercept| <= tol * sum(w)`` and
        ``|dL/dslope| <= tol * sum(w) * max(1, max|x|)``.
    max_iter : int, optional
        Newton iteration limit.

    Returns
    -------
    horizonlib.model.logistic.LogisticBatchFit
        ``intercept`` (probit index at a 1-minute task), ``slope`` (probit index per log2
        minute), ``status`` (``ok``, ``no_successes``, ``no_failures``, ``separable``,
        ``not_converged``), ``n_iter``; NaN coefficients where ``status != "ok"``.
    """
    return fit_binary_batch(x, y, w, regularization, PROBIT, tol=tol, max_iter=max_iter)


def probit_horizon_at(p, intercept, slope):
    """Task length at which the fitted probit success probability equals ``p``.

    Parameters
    ----------
    p : float or array_like
        Success probability in (0, 1).
    intercept, slope : float or array_like
        Probit coefficients (index at 1 minute; index per log2 minute).

    Returns
    -------
    float or numpy.ndarray
        ``2 ** ((Phi^-1(p) - intercept) / slope)`` in minutes (NaN where inputs are NaN).
    """
    p_arr = np.asarray(p, dtype=float)
    if np.any((p_arr <= 0) | (p_arr >= 1)):
        raise ValueError("p must be strictly between 0 and 1")
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        out = np.exp2((ndtri(p_arr) - np.asarray(intercept, dtype=float)) / np.asarray(slope, dtype=float))
    return float(out) if np.ndim(out) == 0 else out
