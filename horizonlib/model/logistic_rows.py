r"""Many penalized logistic fits at once, each with its own lengths ``x``.

:func:`horizonlib.model.logistic.fit_logistic_batch` fits many weight vectors on shared points;
here every fit ``r`` also has its own ``x[r]``, as when each bootstrap replicate draws an error
for every task's human length. The model and objective are METR's:

.. math::

    \min_{a_r, b_r} \sum_i W_{ri} \left[\log(1 + e^{z_{ri}}) - y_i z_{ri}\right]
    + \tfrac{\lambda}{2} b_r^2, \qquad z_{ri} = a_r + b_r x_{ri},

solved by Newton's method with step halving, vectorized over the fits. A fit whose weighted
points hold no success or no failure has no finite optimum without a penalty on the intercept;
it is returned as NaN with status ``no_successes`` / ``no_failures``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, logit


def _objective(a, b, X, y, W, lam):
    z = a[:, None] + b[:, None] * X
    return (W * (np.logaddexp(0.0, z) - y[None, :] * z)).sum(axis=1) + 0.5 * lam * b * b


def fit_logistic_rows(x, y, w, regularization: float, *, tol: float = 1e-10, max_iter: int = 100):
    """Fit ``P(success) = sigmoid(a_r + b_r x_r)`` for every row ``r`` of ``x`` and ``w``.

    Parameters
    ----------
    x : array_like, shape (n_fits, n)
        log2 human minutes of each point in each fit.
    y : array_like, shape (n,)
        Success (0/1) of each point, shared by the fits.
    w : array_like, shape (n_fits, n)
        Non-negative weights (zero drops a point).
    regularization : float
        L2 penalty on the slope (scikit-learn's ``1/C``); ``>= 0``.
    tol : float, optional
        Convergence when both gradient components are below ``tol * sum(w_r)`` (times
        ``max|x|`` for the slope).
    max_iter : int, optional
        Newton iterations.

    Returns
    -------
    (intercept, slope, status) : arrays of shape (n_fits,)
        Intercept (log-odds at 1 minute), slope (log-odds per doubling), status ``"ok"`` or the
        reason for NaN.
    """
    X = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    W = np.asarray(w, dtype=float)
    if X.shape != W.shape or X.shape[1] != y.shape[0]:
        raise ValueError("x and w must have shape (n_fits, n) and y shape (n,)")
    lam = float(regularization)
    s1 = (W * y[None, :]).sum(axis=1)
    s0 = (W * (1.0 - y[None, :])).sum(axis=1)
    status = np.full(X.shape[0], "ok", dtype=object)
    status[s1 <= 0] = "no_successes"
    status[(s0 <= 0) & (s1 > 0)] = "no_failures"
    a = np.full(X.shape[0], np.nan)
    b = np.full(X.shape[0], np.nan)
    act = np.flatnonzero(status == "ok")
    if act.size == 0:
        return a, b, status.astype(str)
    Xa, Wa = X[act], W[act]
    aa = logit(s1[act] / (s1[act] + s0[act]))
    bb = np.zeros(act.size)
    wsum = Wa.sum(axis=1)
    xscale = np.maximum(1.0, np.abs(Xa).max(axis=1))
    f = _objective(aa, bb, Xa, y, Wa, lam)
    done = np.zeros(act.size, dtype=bool)
    for _ in range(max_iter):
        p = expit(aa[:, None] + bb[:, None] * Xa)
        r = Wa * (p - y[None, :])
        h = Wa * p * (1.0 - p)
        ga, gb = r.sum(axis=1), (r * Xa).sum(axis=1) + lam * bb
        haa, hab, hbb = h.sum(axis=1), (h * Xa).sum(axis=1), (h * Xa * Xa).sum(axis=1) + lam
        done = (np.abs(ga) <= tol * wsum) & (np.abs(gb) <= tol * wsum * xscale)
        if done.all():
            break
        det = haa * hbb - hab * hab
        da = np.where(done, 0.0, (hbb * ga - hab * gb) / det)
        db = np.where(done, 0.0, (haa * gb - hab * ga) / det)
        step = np.ones(act.size)
        pending = ~done
        for _halving in range(40):  # backtrack until the objective does not increase
            if not pending.any():
                break
            ta, tb = aa - step * da, bb - step * db
            tf = _objective(ta, tb, Xa, y, Wa, lam)
            ok = pending & np.isfinite(tf) & (tf <= f + 1e-12 * (np.abs(f) + wsum))
            aa, bb, f = np.where(ok, ta, aa), np.where(ok, tb, bb), np.where(ok, tf, f)
            pending &= ~ok
            step = np.where(pending, step * 0.5, step)
    a[act] = np.where(done, aa, np.nan)
    b[act] = np.where(done, bb, np.nan)
    status[act[~done]] = "not_converged"
    return a, b, status.astype(str)
