"""Lines through the horizons on release date: single, broken, and when one reaches a horizon
(analyses layer).

Lines are fitted to ``y = ln(p50 in minutes)`` against ``d`` = release date in days since
1970-01-01 (as :mod:`horizonlib.model.trend`):

* single line:  ``y = a + b d``                                   (3 parameters with sigma);
* broken line:  ``y = a + b d + c * max(0, d - tau)``             (5 parameters: a, b, c, tau,
  sigma) — continuous, one breakpoint ``tau`` grid-searched (OLS for each candidate);
  doubling time ``ln 2 / b`` before and ``ln 2 / (b + c)`` after the break.

Both are compared by the Gaussian BIC ``n ln(RSS / n) + k ln n`` (lower is better; a difference
above ~2 is positive, above ~6 strong evidence). Every fit takes a batch of replicates at once.
The date a fit reaches a horizon of ``target_minutes`` (default one work month, 167 h =
10,020 min) solves ``line(d) = ln(target_minutes)`` (:func:`reach_day`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from horizonlib.analyses.trend_checks.samples import EPOCH


WORK_MONTH_MINUTES = 167 * 60  # 10,020 minutes: one work month of 167 hours


def ols_batch(x: np.ndarray, Y: np.ndarray):
    """OLS of each row of ``Y`` (R, n) on ``x`` (n,): intercepts, slopes, RSS."""
    xm = x.mean()
    dx = x - xm
    sxx = float(dx @ dx)
    b = (Y - Y.mean(axis=1, keepdims=True)) @ dx / sxx
    a = Y.mean(axis=1) - b * xm
    rss = ((Y - a[:, None] - b[:, None] * x[None, :]) ** 2).sum(axis=1)
    return a, b, rss


def broken_line_grid(x: np.ndarray, n_grid: int = 200, min_side: int = 2) -> np.ndarray:
    """Candidate breakpoints: ``n_grid`` points evenly spaced between the ``min_side``-th
    smallest and the ``min_side``-th largest ``x`` (so each segment holds at least ``min_side``
    points)."""
    xs = np.sort(np.asarray(x, dtype=float))
    if len(xs) < 2 * min_side + 1:
        raise ValueError(f"a broken line needs at least {2 * min_side + 1} points")
    return np.linspace(xs[min_side - 1], xs[-min_side], n_grid)


def fit_broken_line_batch(x: np.ndarray, Y: np.ndarray, taus: np.ndarray) -> dict:
    """Continuous one-break line fitted to each row of ``Y`` by grid search over ``taus``.

    Parameters
    ----------
    x : numpy.ndarray, shape (n,)
        Predictor (days).
    Y : numpy.ndarray, shape (R, n)
        Responses (ln minutes), one fit per row.
    taus : numpy.ndarray
        Candidate breakpoints (same units as ``x``).

    Returns
    -------
    dict
        Arrays of length R: ``a``, ``b`` (slope before, per day), ``c`` (change of slope),
        ``tau``, ``rss``.
    """
    x = np.asarray(x, dtype=float)
    Y = np.atleast_2d(np.asarray(Y, dtype=float))
    best = {k: np.full(Y.shape[0], np.nan) for k in ("a", "b", "c", "tau")}
    best["rss"] = np.full(Y.shape[0], np.inf)
    for tau in taus:
        X = np.column_stack([np.ones_like(x), x - tau, np.maximum(0.0, x - tau)])
        # x is centred at tau for conditioning; the intercept is converted back below
        beta, *_ = np.linalg.lstsq(X, Y.T, rcond=None)
        rss = ((Y.T - X @ beta) ** 2).sum(axis=0)
        better = rss < best["rss"]  # strict: the first of equally good breakpoints is kept
        best["rss"] = np.where(better, rss, best["rss"])
        best["a"] = np.where(better, beta[0] - beta[1] * tau, best["a"])
        best["b"] = np.where(better, beta[1], best["b"])
        best["c"] = np.where(better, beta[2], best["c"])
        best["tau"] = np.where(better, tau, best["tau"])
    return best


def bic(rss: np.ndarray, n: int, k: int) -> np.ndarray:
    """Gaussian BIC ``n ln(RSS / n) + k ln n`` (k counts sigma)."""
    with np.errstate(divide="ignore"):
        return n * np.log(np.asarray(rss, dtype=float) / n) + k * np.log(n)


def compare_broken_line(x: np.ndarray, y: np.ndarray, n_grid: int = 200,
                        min_side: int = 2) -> dict:
    """Single line against a one-break line on the same points, by BIC.

    Parameters
    ----------
    x : numpy.ndarray
        Days since 1970-01-01.
    y : numpy.ndarray
        ln(p50 in minutes).

    Returns
    -------
    dict
        ``single_a, single_b, single_rss, single_bic, broken_a, broken_b, broken_c, tau,
        broken_rss, broken_bic, delta_bic`` (single - broken: positive favours the break),
        ``doubling_days`` (single), ``doubling_before_days``, ``doubling_after_days``, ``n``.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(x)
    a, b, rss = ols_batch(x, y[None, :])
    br = fit_broken_line_batch(x, y[None, :], broken_line_grid(x, n_grid, min_side))
    out = {"n": n, "single_a": float(a[0]), "single_b": float(b[0]), "single_rss": float(rss[0]),
           "single_bic": float(bic(rss, n, 3)[0]), "broken_a": float(br["a"][0]),
           "broken_b": float(br["b"][0]), "broken_c": float(br["c"][0]),
           "tau": float(br["tau"][0]), "broken_rss": float(br["rss"][0]),
           "broken_bic": float(bic(br["rss"], n, 5)[0])}
    out["delta_bic"] = out["single_bic"] - out["broken_bic"]
    out["doubling_days"] = np.log(2) / out["single_b"]
    out["doubling_before_days"] = np.log(2) / out["broken_b"]
    out["doubling_after_days"] = np.log(2) / (out["broken_b"] + out["broken_c"])
    return out


def reach_day(a, b, target_minutes: float = WORK_MONTH_MINUTES, c=None, tau=None):
    """Day (since 1970-01-01) at which a fitted line reaches ``target_minutes``.

    For a broken line (``c``, ``tau`` given) the segment after the break is used when it reaches
    the target after ``tau``; otherwise the segment before. NaN where the relevant slope is not
    positive (the line never reaches the target going forward).
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    lt = np.log(target_minutes)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(b > 0, (lt - a) / b, np.nan)
        if c is not None:
            c, tau = np.asarray(c, dtype=float), np.asarray(tau, dtype=float)
            s = b + c
            d_after = np.where(s > 0, (lt - a + c * tau) / s, np.nan)
            before_ok = np.isfinite(d) & (d <= tau)
            d = np.where(before_ok, d, np.where(np.isfinite(d_after) & (d_after > tau),
                                                d_after, np.nan))
    return d


def day_to_date(day: float) -> str:
    """ISO date (YYYY-MM-DD) of a day number since 1970-01-01 ("n/a" when not finite)."""
    if not np.isfinite(day) or abs(day) > 1e6:
        return "n/a"
    return (EPOCH + pd.Timedelta(days=float(day))).date().isoformat()


def day_to_year(day: float) -> float:
    """Decimal year of a day number since 1970-01-01 (NaN passes through)."""
    return 1970.0 + float(day) / 365.2425
