"""Weighted, L2-penalized logistic regression of success on log2 task length.

Model: for a run on a task that takes humans ``t`` minutes, with ``x = log2(t)`` (log2 minutes),

    P(success) = sigmoid(intercept + slope * x).

The fit minimizes, over ``(intercept, slope)``,

    L = sum_i w_i * [log(1 + exp(z_i)) - y_i * z_i] + regularization * slope**2 / 2,
    z_i = intercept + slope * x_i,

i.e. the weighted log loss plus an L2 penalty on the slope only. This is exactly scikit-learn's
``LogisticRegression(C=1/regularization).fit(x, y, sample_weight=w)`` as used by METR (whose
intercept is not penalized). ``y`` may be fractional in [0, 1]; the objective then equals METR's
trick of splitting such a run into a failure of weight ``(1-y) w`` and a success of weight ``y w``.

The optimum is found by Newton's method with step halving (the objective is convex; with
``regularization > 0`` strictly so), iterated to a gradient that is zero to ~1e-12 relative, so
results do not depend on a solver's default tolerance. The 2x2 Newton systems are solved in closed
form, vectorized over many weight vectors at once (:func:`fit_logistic_batch`, used by the
bootstrap).

The horizon at success probability ``p`` is the task length where the fitted curve crosses ``p``:

    horizon_p = 2 ** ((logit(p) - intercept) / slope)   [minutes].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.special import expit, logit

from horizonlib.model.batch_rows import as_rows, row_dot, take_rows
from horizonlib.model.lbfgs_replay import fit_sklearn_lbfgs

#: Status values of a fit. ``ok``: converged optimum. ``no_successes`` / ``no_failures``: every
#: positive-weight run failed / succeeded, so the optimum is at infinity (no fit). ``separable``:
#: with ``regularization == 0`` the successes and failures are separated by task length, so the
#: unpenalized optimum does not exist. ``not_converged``: iteration limit reached.
STATUSES = ("ok", "no_successes", "no_failures", "separable", "not_converged")

#: The parameter ``solver``: ``exact`` (the true optimum, Newton) or ``metr`` (the replay of
#: scikit-learn's early-stopping L-BFGS-B that METR's code ran).
SOLVERS = ("exact", "metr")
#: Parameter value -> solver name used by :func:`fit_logistic`.
SOLVER_NAMES = {"exact": "newton", "metr": "sklearn_lbfgs"}


@dataclass(frozen=True)
class LogisticFit:
    """Result of one logistic fit.

    Attributes
    ----------
    intercept : float
        Log-odds of success at a 1-minute task (``x = 0``); NaN unless ``status == "ok"``.
    slope : float
        Change in log-odds per doubling of task length (per log2 minute); NaN unless ``ok``.
    status : str
        One of :data:`STATUSES`.
    n_iter : int
        Newton iterations used.
    """

    intercept: float
    slope: float
    status: str
    n_iter: int

    @property
    def ok(self) -> bool:
        """Whether the fit converged to a finite optimum."""
        return self.status == "ok"


@dataclass(frozen=True)
class LogisticBatchFit:
    """Results of many fits (one per weight vector), as arrays of length ``n_fits``.

    Attributes
    ----------
    intercept, slope : numpy.ndarray
        float64; NaN where ``status != "ok"`` (units as in :class:`LogisticFit`).
    status : numpy.ndarray
        object array of :data:`STATUSES` strings.
    n_iter : numpy.ndarray
        int64 Newton iterations per fit.
    """

    intercept: np.ndarray
    slope: np.ndarray
    status: np.ndarray
    n_iter: np.ndarray


@dataclass(frozen=True)
class Link:
    """A link function ``P(success) = F(intercept + slope * x)`` for :func:`fit_binary_batch`.

    Attributes
    ----------
    name : str
    loss : callable ``(z, y) -> per-point loss`` ``-y log F(z) - (1 - y) log(1 - F(z))``.
    derivatives : callable ``(z, y) -> (dloss/dz, d2loss/dz2)``.
    start : callable mapping a success share to the intercept of a flat curve (``F^-1``).
    """

    name: str
    loss: Callable[[np.ndarray, np.ndarray], np.ndarray]
    derivatives: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
    start: Callable[[np.ndarray], np.ndarray]

    def objective(self, a, b, x, y, W, lam):
        """Penalized weighted loss of each fit ``(a[r], b[r])`` with weights ``W[r]``."""
        z = a[:, None] + b[:, None] * as_rows(x)
        return (W * self.loss(z, as_rows(y))).sum(axis=1) + 0.5 * lam * b * b


def _logistic_derivatives(z, y):
    p = expit(z)
    return p - y, p * (1.0 - p)


#: METR's link: the logistic CDF, loss ``log(1 + e^z) - y z``.
LOGISTIC = Link("logistic", lambda z, y: np.logaddexp(0.0, z) - y * z, _logistic_derivatives,
                logit)


def degenerate_status(x, y, W, lam):
    """Status of each fit before iterating, and the weighted success and failure totals.

    ``no_successes`` / ``no_failures`` when one outcome has no weight; with no penalty also
    ``separable`` (task length separates successes from failures, weakly: quasi-complete
    separation has no finite optimum either) and ``not_converged`` (one distinct ``x``: the
    slope is not identified).
    """
    s1 = row_dot(W, y)
    s0 = row_dot(W, 1.0 - y)
    status = np.full(W.shape[0], "ok", dtype=object)
    status[s1 <= 0] = "no_successes"
    status[(s1 > 0) & (s0 <= 0)] = "no_failures"
    if lam == 0:
        succ = (W > 0) & (as_rows(y) > 0)
        fail = (W > 0) & (as_rows(y) < 1)
        max_s = np.where(succ, x, -np.inf).max(axis=1)
        min_s = np.where(succ, x, np.inf).min(axis=1)
        max_f = np.where(fail, x, -np.inf).max(axis=1)
        min_f = np.where(fail, x, np.inf).min(axis=1)
        constant_x = (max_s == min_s) & (max_f == min_f) & (max_s == max_f)
        separable = ((max_s <= min_f) | (min_s >= max_f)) & ~constant_x
        status[(status == "ok") & separable] = "separable"
        status[(status == "ok") & constant_x] = "not_converged"
    return status, s1, s0


def fit_logistic_batch(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    regularization: float,
    *,
    tol: float = 1e-12,
    max_iter: int = 100,
) -> LogisticBatchFit:
    """Fit the penalized logistic model for many weight vectors at once.

    All fits share the same points ``(x, y)``; fit ``r`` uses weights ``w[r]`` (a bootstrap
    replicate is a weight vector: original weight times multiplicity; a zero weight drops a point).

    Parameters
    ----------
    x : array_like, shape (n,) or (n_fits, n)
        log2 human minutes of each point (shared by all fits, or one row per fit).
    y : array_like, shape like ``x``
        Success in [0, 1] (0/1 for binarized scores).
    w : array_like, shape (n_fits, n) or (n,)
        Non-negative sample weights (dimensionless).
    regularization : float
        L2 penalty on the slope (``1/C`` in scikit-learn terms); ``>= 0``.
    tol : float, optional
        Convergence: ``|dL/dintercept| <= tol * sum(w)`` and
        ``|dL/dslope| <= tol * sum(w) * max(1, max|x|)``.
    max_iter : int, optional
        Newton iteration limit.

    Returns
    -------
    LogisticBatchFit
    """
    return fit_binary_batch(x, y, w, regularization, LOGISTIC, tol=tol, max_iter=max_iter)


def fit_binary_batch(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    regularization: float,
    link: Link,
    *,
    tol: float = 1e-12,
    max_iter: int = 100,
) -> LogisticBatchFit:
    """Penalized binary regression ``P = F(a + b x)`` for many weight vectors at once.

    Newton's method with step halving on the convex objective ``sum_i w_i loss_i +
    regularization * b**2 / 2``; the 2x2 systems are solved in closed form, vectorized over the
    fits. Arguments as in :func:`fit_logistic_batch`, plus the :class:`Link`.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    W = np.asarray(w, dtype=float)
    if W.ndim == 1:
        W = W[None, :]
    if x.ndim not in (1, 2) or y.shape != x.shape or W.shape[1] != x.shape[-1] or (
            x.ndim == 2 and x.shape[0] != W.shape[0]):
        raise ValueError("x, y must be of shape (n,) or (n_fits, n) and w of shape (n_fits, n)")
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
    status, s1, s0 = degenerate_status(x, y, W, lam)
    wsum = s1 + s0

    active = np.flatnonzero(status == "ok")
    if active.size:
        Wa, Xa, Ya = W[active], take_rows(x, active), take_rows(y, active)
        a = link.start(s1[active] / wsum[active])
        b = np.zeros(active.size)
        xscale = np.maximum(1.0, np.max(np.abs(Xa), axis=-1))  # scalar, or one per fit
        gtol_a = tol * wsum[active]
        gtol_b = tol * wsum[active] * xscale
        iters = np.zeros(active.size, dtype=np.int64)
        done = np.zeros(active.size, dtype=bool)
        f = link.objective(a, b, Xa, Ya, Wa, lam)
        for _ in range(max_iter + 1):
            todo = np.flatnonzero(~done)
            if todo.size == 0:
                break
            at, bt, Wt = a[todo], b[todo], Wa[todo]
            Xt, Yt = take_rows(Xa, todo), take_rows(Ya, todo)
            z = at[:, None] + bt[:, None] * as_rows(Xt)
            g, h = link.derivatives(z, as_rows(Yt))
            r = Wt * g
            ga = r.sum(axis=1)
            gb = row_dot(r, Xt) + lam * bt
            h = Wt * h
            haa = h.sum(axis=1)
            hab = row_dot(h, Xt)
            hbb = row_dot(h, Xt * Xt) + lam
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
            # a singular Hessian (all weight on points with p ~ 0 or 1): fall back to gradient
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
                tf = link.objective(ta, tb, take_rows(Xa, idx[sel]), take_rows(Ya, idx[sel]),
                                    Wa[idx[sel]], lam)
                # accept a decrease, or an increase within floating-point noise of L (near the
                # optimum the Newton step changes L by less than its rounding error)
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


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    regularization: float,
    *,
    tol: float | None = None,
    max_iter: int = 100,
    solver: str = "newton",
) -> LogisticFit:
    """Fit ``P(success) = sigmoid(intercept + slope * x)`` by penalized weighted log loss.

    Parameters
    ----------
    x : array_like, shape (n,)
        ``log2(human_minutes)`` of each run (log2 minutes).
    y : array_like, shape (n,)
        Success, 0/1 (or a fraction in [0, 1]).
    w : array_like, shape (n,)
        Non-negative sample weights (METR normalizes them to sum to 1 per model).
    regularization : float
        L2 penalty on the slope, ``regularization * slope**2 / 2`` (= 1/C in scikit-learn);
        0 gives the unpenalized maximum-likelihood fit.
    tol : float, optional
        Newton: relative gradient tolerance (default 1e-12, see :func:`fit_logistic_batch`);
        ``"sklearn_lbfgs"``: scikit-learn's ``tol`` (default 1e-4, scikit-learn's default).
    max_iter : int, optional
        Iteration limit (100, also scikit-learn's default).
    solver : {"newton", "sklearn_lbfgs"}, optional
        ``"newton"`` (default; also spelled ``"exact"``): the exact optimum. ``"sklearn_lbfgs"``
        (also ``"metr"``): replay scikit-learn's default solver, which stops early
        (:mod:`horizonlib.model.lbfgs_replay`); use it only to reproduce METR's digits (they
        differ from the exact optimum by up to ~1e-4 relative).

    Returns
    -------
    LogisticFit
        ``status`` is ``"ok"`` or names why no finite optimum exists (never a silent NaN).
    """
    solver = SOLVER_NAMES.get(solver, solver)
    if solver not in ("newton", "sklearn_lbfgs"):
        raise ValueError(f"solver must be one of {SOLVERS + tuple(SOLVER_NAMES)}, got {solver!r}")
    if solver == "sklearn_lbfgs":
        # degenerate cases and input checks are shared with the Newton path (no iterations)
        check = fit_logistic_batch(x, y, np.asarray(w, dtype=float)[None, :], regularization,
                                   max_iter=0)
        st = str(check.status[0])
        if st != "ok" and st != "not_converged":
            return LogisticFit(np.nan, np.nan, st, 0)
        a, b, st, nit = fit_sklearn_lbfgs(np.asarray(x, float), np.asarray(y, float),
                                           np.asarray(w, float), float(regularization),
                                           1e-4 if tol is None else tol, max_iter)
        if st != "ok":
            a, b = np.nan, np.nan
        return LogisticFit(intercept=a, slope=b, status=st, n_iter=nit)
    res = fit_logistic_batch(x, y, np.asarray(w, dtype=float)[None, :], regularization,
                             tol=1e-12 if tol is None else tol, max_iter=max_iter)
    return LogisticFit(
        intercept=float(res.intercept[0]),
        slope=float(res.slope[0]),
        status=str(res.status[0]),
        n_iter=int(res.n_iter[0]),
    )


def horizon_at(p, intercept, slope):
    """Task length at which the fitted success probability equals ``p``.

    Parameters
    ----------
    p : float or array_like
        Success probability in (0, 1) (0.5 for the 50% horizon).
    intercept : float or array_like
        Log-odds at a 1-minute task.
    slope : float or array_like
        Log-odds change per log2 minute (negative for a sensible fit).

    Returns
    -------
    float or numpy.ndarray
        ``2 ** ((logit(p) - intercept) / slope)`` in minutes (NaN where inputs are NaN).
    """
    p_arr = np.asarray(p, dtype=float)
    if np.any((p_arr <= 0) | (p_arr >= 1)):
        raise ValueError("p must be strictly between 0 and 1")
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        out = np.exp2((logit(p_arr) - np.asarray(intercept, dtype=float)) / np.asarray(slope, dtype=float))
    return float(out) if np.ndim(out) == 0 else out
