"""Replay of scikit-learn's default logistic solver (L-BFGS-B at ``tol = 1e-4``), one fit or many.

METR fits ``LogisticRegression(C = 1 / regularization).fit(x, y, sample_weight=w)``. scikit-learn
then minimizes, over ``theta = (slope, intercept)`` from ``(0, 0)``,

    F(theta) = sum_i w_i [log(1 + exp(z_i)) - y_i z_i] / S + (regularization / S) slope**2 / 2,
    z_i = intercept + slope * x_i,   S = sum_i w_i,

with SciPy's L-BFGS-B (``m = 10`` corrections, ``gtol = 1e-4``, ``ftol = 64 eps``, ``maxls = 50``,
``maxiter = 100``). Its optimum is :mod:`horizonlib.model.logistic`'s, but the solver stops once
``max |grad F| <= 1e-4``, short of it (METR's horizons differ from the exact optimum by up to
~0.3% for regular models). To reproduce METR's digits, the same iterations are replayed:

* :func:`fit_sklearn_lbfgs`: one fit through SciPy itself (``scipy.optimize.minimize``);
* :func:`fit_lbfgs_batch`: many fits at once (a bootstrap), a vectorized transcription of
  L-BFGS-B for this unconstrained two-parameter problem: the limited-memory direction (two-loop
  recursion, initial scaling ``theta = y'y / s'y``), the first step ``1 / |d|``, the Moré–Thuente
  line search of MINPACK-2 (``dcsrch``/``dcstep``, ``ftol = 1e-3``, ``gtol = 0.9``, ``xtol = 0.1``)
  and L-BFGS-B's stopping and update-skipping rules. A fit that reaches one of the solver's rare
  branches (line-search failure and memory reset, ascent direction) is redone by SciPy.

Like scikit-learn, a fit that hits ``maxiter`` keeps its last iterate (scikit-learn only warns).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

from horizonlib.model.batch_rows import as_rows, row_dot, take_rows

EPS = np.finfo(float).eps
#: scikit-learn's settings of L-BFGS-B.
SKLEARN_TOL, SKLEARN_MAX_ITER, SKLEARN_MAXLS, MEMORY = 1e-4, 100, 50, 10
#: L-BFGS-B's line-search constants (lnsrlb) and the step bound of an unconstrained problem.
LS_FTOL, LS_GTOL, LS_XTOL, STPMAX = 1e-3, 0.9, 0.1, 1e10


def fit_sklearn_lbfgs(x, y, w, lam, tol=SKLEARN_TOL, max_iter=SKLEARN_MAX_ITER):
    """One fit through SciPy's L-BFGS-B as scikit-learn calls it.

    Returns
    -------
    tuple
        ``(intercept, slope, status, n_iter)``; status ``"ok"`` or ``"not_converged"``.
    """
    sw = float(w.sum())
    l2 = lam / sw

    def fun(theta):
        b, a = theta
        z = a + b * x
        loss = float((w * (np.logaddexp(0.0, z) - y * z)).sum() / sw) + 0.5 * l2 * b * b
        r = w * (expit(z) - y) / sw
        return loss, np.array([float(r @ x) + l2 * b, float(r.sum())])

    res = minimize(fun, np.zeros(2), method="L-BFGS-B", jac=True,
                   options={"maxiter": max_iter, "maxls": SKLEARN_MAXLS, "gtol": tol,
                            "ftol": 64 * EPS})
    status = "ok" if res.success else "not_converged"
    return float(res.x[1]), float(res.x[0]), status, int(res.nit)


def _objective(theta, x, y, W, S, lam):
    """scikit-learn's F and its gradient ``(d/dslope, d/dintercept)`` for each row."""
    b, a = theta[:, 0], theta[:, 1]
    z = as_rows(x) * b[:, None] + a[:, None]
    e = np.exp(-np.abs(z))  # one exponential serves the loss and the sigmoid
    f = (W * (np.maximum(z, 0.0) + np.log1p(e) - as_rows(y) * z)).sum(axis=1) / S \
        + 0.5 * (lam / S) * (b * b)
    p = np.where(z >= 0, 1.0, e) / (1.0 + e)
    r = W * (p - as_rows(y)) / S[:, None]
    g = np.stack([row_dot(r, x) + (lam / S) * b, r.sum(axis=1)], axis=1)
    return f, g


def _dcstep(stx, fx, dx, sty, fy, dy, stp, fp, dp, brackt, stpmin, stpmax):
    """MINPACK-2 ``dcstep``, elementwise: safeguarded cubic/quadratic step and interval update."""
    sgnd = dp * (dx / np.abs(dx))
    c1 = fp > fx
    c2 = ~c1 & (sgnd < 0)
    c3 = ~c1 & ~c2 & (np.abs(dp) < np.abs(dx))
    c4 = ~c1 & ~c2 & ~c3
    with np.errstate(all="ignore"):
        theta = 3 * (fx - fp) / (stp - stx) + dx + dp
        s = np.maximum(np.maximum(np.abs(theta), np.abs(dx)), np.abs(dp))
        disc = (theta / s) ** 2 - (dx / s) * (dp / s)
        # case 1: higher function value, the minimum is bracketed
        root = s * np.sqrt(disc)
        g1 = np.where(stp < stx, -root, root)
        r1 = ((g1 - dx) + theta) / (((g1 - dx) + g1) + dp)
        stpc1 = stx + r1 * (stp - stx)
        stpq1 = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2) * (stp - stx)
        f1 = np.where(np.abs(stpc1 - stx) < np.abs(stpq1 - stx), stpc1, stpc1 + (stpq1 - stpc1) / 2)
        # case 2: derivatives of opposite sign, bracketed
        g2 = np.where(stp > stx, -root, root)
        r2 = ((g2 - dp) + theta) / (((g2 - dp) + g2) + dx)
        stpc2 = stp + r2 * (stx - stp)
        stpq2 = stp + (dp / (dp - dx)) * (stx - stp)
        f2 = np.where(np.abs(stpc2 - stp) > np.abs(stpq2 - stp), stpc2, stpq2)
        # case 3: same sign, derivative magnitude decreases
        g3 = s * np.sqrt(np.maximum(0.0, disc))
        g3 = np.where(stp > stx, -g3, g3)
        r3 = ((g3 - dp) + theta) / ((g3 + (dx - dp)) + g3)
        stpc3 = np.where((r3 < 0) & (g3 != 0), stp + r3 * (stx - stp),
                         np.where(stp > stx, stpmax, stpmin))
        stpq3 = stp + (dp / (dp - dx)) * (stx - stp)
        near = np.where(np.abs(stpc3 - stp) < np.abs(stpq3 - stp), stpc3, stpq3)
        near = np.where(stp > stx, np.minimum(stp + 0.66 * (sty - stp), near),
                        np.maximum(stp + 0.66 * (sty - stp), near))
        far = np.where(np.abs(stpc3 - stp) > np.abs(stpq3 - stp), stpc3, stpq3)
        far = np.maximum(stpmin, np.minimum(stpmax, far))
        f3 = np.where(brackt, near, far)
        # case 4: same sign, derivative magnitude does not decrease
        theta4 = 3 * (fp - fy) / (sty - stp) + dy + dp
        s4 = np.maximum(np.maximum(np.abs(theta4), np.abs(dy)), np.abs(dp))
        g4 = s4 * np.sqrt((theta4 / s4) ** 2 - (dy / s4) * (dp / s4))
        g4 = np.where(stp > sty, -g4, g4)
        r4 = ((g4 - dp) + theta4) / (((g4 - dp) + g4) + dy)
        f4 = np.where(brackt, stp + r4 * (sty - stp), np.where(stp > stx, stpmax, stpmin))
    stpf = np.select([c1, c2, c3, c4], [f1, f2, f3, f4])
    brackt = brackt | c1 | c2
    to_y = fp > fx
    swap = ~to_y & (sgnd < 0)
    sty_n = np.where(to_y, stp, np.where(swap, stx, sty))
    fy_n = np.where(to_y, fp, np.where(swap, fx, fy))
    dy_n = np.where(to_y, dp, np.where(swap, dx, dy))
    stx_n = np.where(to_y, stx, stp)
    fx_n = np.where(to_y, fx, fp)
    dx_n = np.where(to_y, dx, dp)
    return stx_n, fx_n, dx_n, sty_n, fy_n, dy_n, stpf, brackt


def _dcsrch(st, k, f, g):
    """MINPACK-2 ``dcsrch`` after an evaluation, for fits ``k``; returns the finished mask.

    ``st`` holds per-fit line-search state arrays (updated in place); ``f``, ``g`` are the
    function value and directional derivative at the trial step ``st["stp"][k]``.
    """
    stp, ginit, gtest, finit = st["stp"][k], st["ginit"][k], st["gtest"][k], st["finit"][k]
    brackt, stmin, stmax = st["brackt"][k], st["stmin"][k], st["stmax"][k]
    stx, fx, gx, sty, fy, gy = (st[n][k] for n in ("stx", "fx", "gx", "sty", "fy", "gy"))
    ftest = finit + stp * gtest
    stage = np.where((st["stage"][k] == 1) & (f <= ftest) & (g >= 0), 2, st["stage"][k])
    warn = ((brackt & ((stp <= stmin) | (stp >= stmax)))
            | (brackt & (stmax - stmin <= LS_XTOL * stmax))
            | ((stp == STPMAX) & (f <= ftest) & (g <= gtest))
            | ((stp == 0.0) & ((f > ftest) | (g >= gtest))))
    conv = (f <= ftest) & (np.abs(g) <= LS_GTOL * (-ginit))
    # stage 1 with a lower value that fails the sufficient-decrease test: modified function
    mod = (stage == 1) & (f <= fx) & (f > ftest)
    sh_f = np.where(mod, gtest, 0.0)
    stx2, fx2, gx2, sty2, fy2, gy2, stp2, brackt2 = _dcstep(
        stx, fx - stx * sh_f, gx - sh_f, sty, fy - sty * sh_f, gy - sh_f,
        stp, f - stp * sh_f, g - sh_f, brackt, stmin, stmax)
    fx2, fy2 = fx2 + stx2 * sh_f, fy2 + sty2 * sh_f
    gx2, gy2 = gx2 + sh_f, gy2 + sh_f
    width, width1 = st["width"][k], st["width1"][k]
    bisect = brackt2 & (np.abs(sty2 - stx2) >= 0.66 * width1)
    stp2 = np.where(bisect, stx2 + 0.5 * (sty2 - stx2), stp2)
    width1 = np.where(brackt2, width, width1)
    width = np.where(brackt2, np.abs(sty2 - stx2), width)
    stmin2 = np.where(brackt2, np.minimum(stx2, sty2), stp2 + 1.1 * (stp2 - stx2))
    stmax2 = np.where(brackt2, np.maximum(stx2, sty2), stp2 + 4.0 * (stp2 - stx2))
    stp2 = np.minimum(np.maximum(stp2, 0.0), STPMAX)
    back = (brackt2 & ((stp2 <= stmin2) | (stp2 >= stmax2))) | (
        brackt2 & (stmax2 - stmin2 <= LS_XTOL * stmax2))
    stp2 = np.where(back, stx2, stp2)
    done = warn | conv
    go = ~done
    kk = k[go]
    for name, val in (("stx", stx2), ("fx", fx2), ("gx", gx2), ("sty", sty2), ("fy", fy2),
                      ("gy", gy2), ("stp", stp2), ("brackt", brackt2), ("stmin", stmin2),
                      ("stmax", stmax2), ("width", width), ("width1", width1), ("stage", stage)):
        st[name][kk] = val[go]
    return done


def _two_loop(g, S, Y, rho, col, theta):
    """Limited-memory direction ``-H g`` (pairs oldest first; ``col`` pairs in use per fit)."""
    q = g.copy()
    m = S.shape[1]
    alpha = np.zeros((g.shape[0], m))
    for i in range(m - 1, -1, -1):
        use = i < col
        a = np.where(use, rho[:, i] * np.einsum("ij,ij->i", S[:, i], q), 0.0)
        alpha[:, i] = a
        q -= a[:, None] * Y[:, i]
    r = q / theta[:, None]
    for i in range(m):
        use = i < col
        beta = np.where(use, rho[:, i] * np.einsum("ij,ij->i", Y[:, i], r), 0.0)
        r += np.where(use, alpha[:, i] - beta, 0.0)[:, None] * S[:, i]
    return -r


def fit_lbfgs_batch(x, y, W, regularization, *, tol=SKLEARN_TOL, max_iter=SKLEARN_MAX_ITER):
    """scikit-learn's L-BFGS-B fits of many weight vectors at once (see the module docstring).

    Parameters
    ----------
    x : numpy.ndarray, shape (n,) or (n_fits, n)
        log2 human minutes of each point (shared, or per fit: :mod:`horizonlib.model.batch_rows`).
    y : numpy.ndarray, shape like ``x``
        0/1 outcome of each point.
    W : numpy.ndarray, shape (n_fits, n)
        Sample weights of each fit (every row with both outcomes present).
    regularization : float
        L2 penalty on the slope (scikit-learn ``1 / C``).

    Returns
    -------
    tuple of numpy.ndarray
        ``(intercept, slope, n_iter)`` per fit (log-odds at 1 minute; per log2 minute).
    """
    x, y, W = np.asarray(x, float), np.asarray(y, float), np.asarray(W, float)
    N = W.shape[0]
    S_w = W.sum(axis=1)
    lam = float(regularization)
    theta_x = np.zeros((N, 2))
    f, g = _objective(theta_x, x, y, W, S_w, lam)
    mem_s, mem_y = np.zeros((N, MEMORY, 2)), np.zeros((N, MEMORY, 2))
    rho, col, scale = np.zeros((N, MEMORY)), np.zeros(N, np.int64), np.ones(N)
    n_iter = np.zeros(N, np.int64)
    fallback = np.zeros(N, bool)
    active = np.max(np.abs(g), axis=1) > tol
    st = {n: np.zeros(N) for n in ("stp", "ginit", "gtest", "finit", "stx", "fx", "gx", "sty",
                                   "fy", "gy", "stmin", "stmax", "width", "width1")}
    st["brackt"], st["stage"] = np.zeros(N, bool), np.ones(N, np.int64)
    d, t, zq, g_old = np.zeros((N, 2)), np.zeros((N, 2)), np.zeros((N, 2)), np.zeros((N, 2))
    f_old, n_eval = np.zeros(N), np.zeros(N, np.int64)
    start = active.copy()
    while True:
        k = np.flatnonzero(start & active)
        if k.size:  # new iteration: direction, then dcsrch's START
            z = theta_x[k] + _two_loop(g[k], mem_s[k], mem_y[k], rho[k], col[k], scale[k])
            d[k] = z - theta_x[k]
            gd = np.einsum("ij,ij->i", g[k], d[k])
            bad = gd >= 0
            fallback[k[bad]], active[k[bad]] = True, False
            k, z, gd = k[~bad], z[~bad], gd[~bad]
            dnorm = np.sqrt(np.einsum("ij,ij->i", d[k], d[k]))
            stp = np.where(n_iter[k] == 0, np.minimum(1.0 / dnorm, STPMAX), 1.0)
            t[k], zq[k], g_old[k], f_old[k], n_eval[k] = theta_x[k], z, g[k], f[k], 0
            st["stp"][k], st["brackt"][k], st["stage"][k] = stp, False, 1
            st["finit"][k], st["ginit"][k], st["gtest"][k] = f[k], gd, LS_FTOL * gd
            st["width"][k], st["width1"][k] = STPMAX, STPMAX / 0.5
            st["stx"][k], st["fx"][k], st["gx"][k] = 0.0, f[k], gd
            st["sty"][k], st["fy"][k], st["gy"][k] = 0.0, f[k], gd
            st["stmin"][k], st["stmax"][k] = 0.0, stp + 4.0 * stp
            theta_x[k] = np.where((stp == 1.0)[:, None], z, stp[:, None] * d[k] + t[k])
            start[k] = False
        k = np.flatnonzero(active)
        if k.size == 0:
            break
        f[k], g[k] = _objective(theta_x[k], take_rows(x, k), take_rows(y, k), W[k], S_w[k], lam)
        n_eval[k] += 1
        gd = np.einsum("ij,ij->i", g[k], d[k])
        done = _dcsrch(st, k, f[k], gd)
        more = k[~done]
        stp = st["stp"][more]
        theta_x[more] = np.where((stp == 1.0)[:, None], zq[more], stp[:, None] * d[more] + t[more])
        too_long = more[n_eval[more] >= SKLEARN_MAXLS]
        fallback[too_long], active[too_long] = True, False
        acc = k[done]
        if acc.size == 0:
            continue
        n_iter[acc] += 1
        stop = (n_iter[acc] >= max_iter) | (np.max(np.abs(g[acc]), axis=1) <= tol)
        ddum = np.maximum(np.maximum(np.abs(f_old[acc]), np.abs(f[acc])), 1.0)
        stop |= (f_old[acc] - f[acc]) <= 64 * EPS * ddum
        active[acc[stop]] = False
        acc, gd_new = acc[~stop], gd[done][~stop]
        stp = st["stp"][acc]
        r = g[acc] - g_old[acc]
        gdold = st["ginit"][acc]
        one = stp == 1.0
        dr = np.where(one, gd_new - gdold, (gd_new - gdold) * stp)
        s_vec = np.where(one[:, None], d[acc], stp[:, None] * d[acc])
        upd = ~(dr <= EPS * np.where(one, -gdold, -gdold * stp))
        u = acc[upd]
        full = col[u] == MEMORY
        if np.any(full):  # drop the oldest pair
            uf = u[full]
            mem_s[uf], mem_y[uf], rho[uf] = (np.roll(mem_s[uf], -1, axis=1), np.roll(mem_y[uf], -1, axis=1),
                                              np.roll(rho[uf], -1, axis=1))
            col[uf] -= 1
        mem_s[u, col[u]], mem_y[u, col[u]], rho[u, col[u]] = s_vec[upd], r[upd], 1.0 / dr[upd]
        col[u] += 1
        scale[u] = np.einsum("ij,ij->i", r[upd], r[upd]) / dr[upd]
        start[acc] = True
    intercept, slope = theta_x[:, 1].copy(), theta_x[:, 0].copy()
    for i in np.flatnonzero(fallback):  # rare solver branches: SciPy itself
        intercept[i], slope[i], _, n_iter[i] = fit_sklearn_lbfgs(
            x if x.ndim == 1 else x[i], y if y.ndim == 1 else y[i], W[i], lam, tol, max_iter)
    return intercept, slope, n_iter
