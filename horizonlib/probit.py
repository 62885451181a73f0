"""Weighted, L2-penalized probit regression of success on log2 task length (an alternative link).

Model: for a run on a task that takes humans ``t`` minutes, with ``x = log2(t)`` (log2 minutes),

    P(success) = Phi(intercept + slope * x),

``Phi`` the standard normal CDF. The fit minimizes, over ``(intercept, slope)``,

    L = sum_i w_i * [-y_i log Phi(z_i) - (1 - y_i) log Phi(-z_i)] + regularization * slope**2 / 2,
    z_i = intercept + slope * x_i,

the same weighted loss and slope penalty as :mod:`horizonlib.logistic` with the logistic CDF
replaced by the normal one. ``y`` may be fractional in [0, 1] (the loss is linear in ``y``). The
loss is convex in ``(intercept, slope)``, so Newton's method with step halving (exact Hessian,
using the inverse Mills ratios ``phi/Phi``) converges from ``(Phi^-1(mean y), 0)``; the 2x2
systems are solved in closed form, vectorized over many weight vectors as in
:func:`horizonlib.logistic.fit_logistic_batch`, with the same statuses for degenerate data.

The horizon at success probability ``p`` is

    horizon_p = 2 ** ((Phi^-1(p) - intercept) / slope)   [minutes].

Note that a probit slope is on a different scale from a logistic one (roughly logistic/1.6); the
horizons, not the coefficients, are comparable between links.
"""

from __future__ import annotations

import numpy as np
from scipy.special import log_ndtr, ndtri

from horizonlib.logistic import LogisticBatchFit

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)


def _neg_loglik(z, y):
    """Per-point probit loss ``-y log Phi(z) - (1-y) log Phi(-z)`` (stable in the tails)."""
    return -(y * log_ndtr(z) + (1.0 - y) * log_ndtr(-z))


def _objective(a, b, x, y, W, lam):
    z = a[:, None] + b[:, None] * x[None, :]
    return (W * _neg_loglik(z, y[None, :])).sum(axis=1) + 0.5 * lam * b * b


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


def _degenerate_status(x, y, W, lam):
    """Status of each fit before iterating: METR-style degenerate cases (as in the logistic fit)."""
    s1 = W @ y
    s0 = W @ (1.0 - y)
    status = np.full(W.shape[0], "ok", dtype=object)
    status[s1 <= 0] = "no_successes"
    status[(s1 > 0) & (s0 <= 0)] = "no_failures"
    if lam == 0:
        succ = (W > 0) & (y[None, :] > 0)
        fail = (W > 0) & (y[None, :] < 1)
        max_s = np.where(succ, x, -np.inf).max(axis=1)
        min_s = np.where(succ, x, np.inf).min(axis=1)
        max_f = np.where(fail, x, -np.inf).max(axis=1)
        min_f = np.where(fail, x, np.inf).min(axis=1)
        constant_x = (max_s == min_s) & (max_f == min_f) & (max_s == max_f)
        separable = ((max_s <= min_f) | (min_s >= max_f)) & ~constant_x
        status[(status == "ok") & separable] = "separable"
        status[(status == "ok") & constant_x] = "not_converged"
    return status, s1, s0


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
    horizonlib.logistic.LogisticBatchFit
        ``intercept`` (probit index at a 1-minute task), ``slope`` (probit index per log2
        minute), ``status`` (``ok``, ``no_successes``, ``no_failures``, ``separable``,
        ``not_converged``), ``n_iter``; NaN coefficients where ``status != "ok"``.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    W = np.asarray(w, dtype=float)
    if W.ndim == 1:
        W = W[None, :]
    if x.ndim != 1 or y.shape != x.shape or W.shape[1] != x.shape[0]:
        raise ValueError("x, y must be 1-D of length n and w of shape (n_fits, n)")
    if not np.all(np.isfinite(x)):
        raise ValueError("x (log2 minutes) must be finite")
    if np.any((y < 0) | (y > 1)) or np.any(np.isnan(y)):
        raise ValueError("y must be in [0, 1]")
    if np.any(W < 0) or not np.all(np.isfinite(W)):
        raise ValueError("weights must be finite and non-negative")
    lam = float(regularization)
    if not lam >= 0:
        raise ValueError("regularization must be >= 0")

    n_fits = W.shape[0]
    intercept = np.full(n_fits, np.nan)
    slope = np.full(n_fits, np.nan)
    n_iter = np.zeros(n_fits, dtype=np.int64)
    status, s1, s0 = _degenerate_status(x, y, W, lam)
    wsum = s1 + s0

    active = np.flatnonzero(status == "ok")
    if active.size:
        Wa = W[active]
        a = ndtri(s1[active] / wsum[active])
        b = np.zeros(active.size)
        xscale = max(1.0, float(np.max(np.abs(x))))
        gtol_a = tol * wsum[active]
        gtol_b = tol * wsum[active] * xscale
        iters = np.zeros(active.size, dtype=np.int64)
        done = np.zeros(active.size, dtype=bool)
        f = _objective(a, b, x, y, Wa, lam)
        for _ in range(max_iter + 1):
            todo = np.flatnonzero(~done)
            if todo.size == 0:
                break
            at, bt, Wt = a[todo], b[todo], Wa[todo]
            z = at[:, None] + bt[:, None] * x[None, :]
            g, h = _derivatives(z, y[None, :])
            r = Wt * g
            ga = r.sum(axis=1)
            gb = r @ x + lam * bt
            hw = Wt * h
            haa = hw.sum(axis=1)
            hab = hw @ x
            hbb = hw @ (x * x) + lam
            conv = (np.abs(ga) <= gtol_a[todo]) & (np.abs(gb) <= gtol_b[todo])
            done[todo[conv]] = True
            stepping = ~conv & (iters[todo] < max_iter)
            if not stepping.any():
                break
            idx = todo[stepping]
            ga, gb, haa, hab, hbb = ga[stepping], gb[stepping], haa[stepping], hab[stepping], hbb[stepping]
            det = haa * hbb - hab * hab
            da = (hbb * ga - hab * gb) / det
            db = (haa * gb - hab * ga) / det
            bad = ~np.isfinite(da) | ~np.isfinite(db)
            # singular Hessian (all weight far in a tail): fall back to a gradient step
            da = np.where(bad, ga, da)
            db = np.where(bad, gb, db)
            f0 = f[idx]
            step = np.ones(idx.size)
            pending = np.ones(idx.size, dtype=bool)
            new_a, new_b, new_f = a[idx].copy(), b[idx].copy(), f0.copy()
            for _halving in range(60):
                sel = np.flatnonzero(pending)
                if sel.size == 0:
                    break
                ta = a[idx[sel]] - step[sel] * da[sel]
                tb = b[idx[sel]] - step[sel] * db[sel]
                tf = _objective(ta, tb, x, y, Wa[idx[sel]], lam)
                # accept a decrease, or an increase within rounding noise of L near the optimum
                ok = np.isfinite(tf) & (tf <= f0[sel] + 1e-13 * (np.abs(f0[sel]) + wsum[active][idx[sel]]))
                acc = sel[ok]
                new_a[acc], new_b[acc], new_f[acc] = ta[ok], tb[ok], tf[ok]
                pending[acc] = False
                step[sel[~ok]] *= 0.5
            a[idx], b[idx], f[idx] = new_a, new_b, new_f
            iters[idx] += 1
        n_iter[active] = iters
        intercept[active] = np.where(done, a, np.nan)
        slope[active] = np.where(done, b, np.nan)
        status[active[~done]] = "not_converged"
    return LogisticBatchFit(intercept=intercept, slope=slope, status=status, n_iter=n_iter)


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
