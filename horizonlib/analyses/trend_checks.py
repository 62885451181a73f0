"""Tests of the horizon trend: doubling times with and without given models, a model's distance
from the long-run trend, a broken line against a single line, and when each fit reaches a month.

Lines are fitted to ``y = ln(p50 in minutes)`` against ``d`` = release date in days since
1970-01-01 (as :mod:`horizonlib.model.trend`):

* single line:  ``y = a + b d``                                   (3 parameters with sigma);
* broken line:  ``y = a + b d + c * max(0, d - tau)``             (5 parameters: a, b, c, tau,
  sigma) — continuous, one breakpoint ``tau`` grid-searched (OLS for each candidate);
  doubling time ``ln 2 / b`` before and ``ln 2 / (b + c)`` after the break.

Both are compared by the Gaussian BIC ``n ln(RSS / n) + k ln n`` (lower is better; a difference
above ~2 is positive, above ~6 strong evidence). Uncertainty: every fit is repeated on each
bootstrap replicate of the p50s (paired across models: METR's published samples or
:func:`horizonlib.model.bootstrap.bootstrap_horizons`), replicates with a missing or sub-1e-3-minute
p50 among the fitted models being counted and left out.

Distance from the trend: the long-run line is fitted without the model (and without the other
models of interest); the distance is ``ln p50(model) - line(release date)``, reported as the
ratio ``exp(distance)`` (observed / predicted horizon). Its bootstrap p-value is the share of
replicates in which the model is at or below the replicate's line (one-sided test of "above
trend").

The date a fit reaches a horizon of ``target_minutes`` (default one work month, 167 h =
10,020 min) solves ``line(d) = ln(target_minutes)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from horizonlib.model.bootstrap import bootstrap_horizons
from horizonlib.analyses.headline.trend import trend_tables
from horizonlib.model.horizons import fit_horizons, horizon_table
from horizonlib.data.published import release_date_for
from horizonlib.model.trend import (TREND_TABLE_COLUMNS, doubling_time_table, frontier_models,
                              samples_wide)

WORK_MONTH_MINUTES = 167 * 60  # 10,020 minutes: one work month of 167 hours
_MIN_P50 = 1e-3
_EPOCH = pd.Timestamp("1970-01-01")


def _days(dates) -> np.ndarray:
    """Days since 1970-01-01 (float) of an array of dates."""
    ts = pd.to_datetime(pd.Series(dates).to_numpy())
    return np.asarray((ts - _EPOCH) / pd.Timedelta(days=1), dtype=float)


# ----------------------------------------------------------------------------- inputs
def trend_inputs(
    runs: pd.DataFrame | None,
    published_fits: pd.DataFrame | None,
    published_samples: pd.DataFrame | None,
    release_dates: pd.Series,
    n_bootstrap: int = 1000,
    rng: np.random.Generator | None = None,
    weighting: str = "invsqrt_task_weight",
    regularization: float = 0.1,
    samples: pd.DataFrame | None = None,
) -> tuple[pd.Series, pd.DataFrame, str]:
    """Point 50% horizons and paired bootstrap samples for the trend tests.

    METR's published fits and samples are used when given (they span 2019-2025 with one
    consistent task suite); otherwise the horizons are fitted from ``runs`` (one measurement per
    display name: the dataset listed last) and bootstrapped. Models without a release date are
    left out.

    Parameters
    ----------
    samples : pandas.DataFrame, optional
        :func:`horizonlib.model.bootstrap.bootstrap_horizons` of ``runs`` (long: ``replicate,
        dataset, alias, p, horizon_min``, minutes). When given, the fitted path takes its
        replicates from it instead of drawing new ones, so the trend tests use the very
        replicates of the fit chapter (one source of truth for the intervals).

    Returns
    -------
    point : pandas.Series
        p50 in minutes by model name.
    wide : pandas.DataFrame
        Replicate x model p50 samples (minutes).
    source : str
        ``"published"`` or ``"fitted"``.
    """
    if published_fits is not None and published_samples is not None:
        point = published_fits.set_index("model")["p50_min"].astype(float)
        wide = samples_wide(published_samples)
        source = "published"
    else:
        if runs is None or (rng is None and samples is None):
            raise ValueError("without published fits, pass runs and an explicit rng or samples")
        datasets = list(pd.unique(runs["dataset"]))
        fits = fit_horizons(runs, weighting, regularization, (50,))
        fits["_order"] = fits["dataset"].map(datasets.index)
        fits = fits.sort_values("_order").drop_duplicates("display_name", keep="last")
        keep = set(zip(fits["dataset"], fits["alias"]))
        sub = runs[[(d, a) in keep for d, a in zip(runs["dataset"], runs["alias"])]]
        if samples is None:
            samples = bootstrap_horizons(sub, n_bootstrap, rng, weighting, regularization, (50,))
        chosen = np.array([(d, a) in keep for d, a in zip(samples["dataset"], samples["alias"])],
                          dtype=bool)
        samples = samples[np.isclose(samples["p"].to_numpy(dtype=float), 0.5) & chosen]
        names = dict(zip(zip(fits["dataset"], fits["alias"]), fits["display_name"]))
        samples["model"] = [names[(d, a)] for d, a in zip(samples["dataset"], samples["alias"])]
        point = fits.set_index("display_name")["p50_min"].astype(float)
        wide = samples_wide(samples[["replicate", "model", "p", "horizon_min"]])
        source = "fitted"
    dates = {m: release_date_for(m, release_dates) for m in point.index}
    dated = [m for m in point.index if pd.notna(dates[m]) and np.isfinite(point[m])]
    point = point[dated]
    point.index.name = "model"
    return point, wide[dated], source


def undated_models(models: Sequence[str], release_dates: pd.Series) -> list[str]:
    """Models that :func:`trend_inputs` leaves out because they have no release date.

    Parameters
    ----------
    models : sequence of str
        Model names (display names or aliases, e.g. a runs table's ``display_name`` column or
        the ``model`` column of METR's published fits); repeats are ignored.
    release_dates : pandas.Series
        Alias -> release date (:func:`horizonlib.data.published.load_release_dates`).

    Returns
    -------
    list of str
        Names without a date, in first-seen order; human baselines are not models and never
        listed.
    """
    return [m for m in dict.fromkeys(map(str, models))
            if m != "human" and pd.isna(release_date_for(m, release_dates))]


def release_dates_of(point: pd.Series, release_dates: pd.Series) -> pd.Series:
    """Release date of every model of ``point`` (same index), tolerant of scaffold suffixes
    (:func:`horizonlib.data.published.release_date_for`); NaT where there is none."""
    return pd.to_datetime(pd.Series({m: release_date_for(m, release_dates) for m in point.index}))


# ----------------------------------------------------------------------------- line fits
def _ols_batch(x: np.ndarray, Y: np.ndarray):
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
    a, b, rss = _ols_batch(x, y[None, :])
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
    return (_EPOCH + pd.Timedelta(days=float(day))).date().isoformat()


def day_to_year(day: float) -> float:
    """Decimal year of a day number since 1970-01-01 (NaN passes through)."""
    return 1970.0 + float(day) / 365.2425


# ----------------------------------------------------------------------------- the analysis
def _usable(wide: pd.DataFrame, models: list[str]) -> np.ndarray:
    Y = wide[models].to_numpy(dtype=float)
    ok = np.all(np.isfinite(Y) & (Y >= _MIN_P50), axis=1)
    return np.log(Y[ok])


def _interval(values, confidence_level):
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return np.nan, np.nan
    return tuple(np.percentile(v, [50 * (1 - confidence_level), 50 * (1 + confidence_level)]))


def trend_distance(point: pd.Series, wide: pd.DataFrame, release_dates: pd.Series, model: str,
                   fit_models: Sequence[str], confidence_level: float = 0.95) -> dict:
    """How far ``model`` lies from the line fitted to ``fit_models`` (which exclude it).

    Returns
    -------
    dict
        ``ratio`` (observed / trend-predicted p50), ``ci_low``, ``ci_high`` (bootstrap),
        ``log2_distance`` (doublings above the line), ``p_value`` (share of replicates with the
        model at or below the line), ``n_replicates``, ``predicted_min`` (minutes).
    """
    fit_models = [m for m in fit_models if m != model]
    dates = release_dates_of(point, release_dates)
    x = _days(dates[fit_models])
    x0 = _days(dates[[model]])[0]
    a, b, _ = _ols_batch(x, np.log(point[fit_models].to_numpy(dtype=float))[None, :])
    dist = float(np.log(point[model]) - (a[0] + b[0] * x0))
    L = _usable(wide, list(fit_models) + [model])
    ra, rb, _ = _ols_batch(x, L[:, :-1])
    rdist = L[:, -1] - (ra + rb * x0)
    lo, hi = _interval(np.exp(rdist), confidence_level)
    return {"ratio": float(np.exp(dist)), "ci_low": float(lo), "ci_high": float(hi),
            "log2_distance": dist / np.log(2), "p_value": float(np.mean(rdist <= 0)),
            "n_replicates": int(len(rdist)),
            "predicted_min": float(np.exp(a[0] + b[0] * x0))}


def trend_tests(
    point: pd.Series,
    wide: pd.DataFrame,
    release_dates: pd.Series,
    windows: Sequence = ("2019-01-01", "2024-01-01"),
    focus_models: Sequence[str] = ("o3", "o4-mini"),
    confidence_level: float = 0.95,
    source: str = "published",
    target_minutes: float = WORK_MONTH_MINUTES,
    n_grid: int = 200,
) -> dict:
    """Every trend test of the chapter.

    Parameters
    ----------
    point : pandas.Series
        p50 (minutes) by model (:func:`trend_inputs`).
    wide : pandas.DataFrame
        Bootstrap p50 samples, replicate x model.
    release_dates : pandas.Series
        Release dates (alias -> date).
    windows : sequence of date-like
        Window starts; the first is the long-run window.
    focus_models : sequence of str
        Models tested against the trend and left out of the "excl. focus" fits (those absent
        from ``point`` are listed in ``missing``).

    Returns
    -------
    dict
        ``doubling`` (trend table, :data:`horizonlib.model.trend.TREND_TABLE_COLUMNS`, selections
        ``frontier`` and ``frontier_excl_focus``, plus the broken line's segments),
        ``distance`` (one row per present focus model), ``broken`` (:func:`compare_broken_line`
        on the long-run frontier, with bootstrap CIs), ``month`` (date each fit reaches
        ``target_minutes``, with CI), ``missing`` (focus models absent), ``ablation_rows``,
        ``frontier`` (the long-run frontier models), ``n_total_replicates`` (rows of ``wide``),
        ``dropped`` (:func:`dropped_replicates` of the frontier models), ``excl_line`` (the
        long-run line without the focus models that :func:`trend_distance` measures against:
        ``a``, ``b`` in ln minutes and per day since 1970-01-01, ``models``; None when no focus
        model is present or fewer than two frontier models remain) and ``dates`` (release
        date per model of ``point``).
    """
    dates = release_dates_of(point, release_dates)
    present = [m for m in focus_models if m in point.index]
    missing = [m for m in focus_models if m not in point.index]
    selections = {"frontier": "frontier",
                  "frontier_excl_focus": {"base": "frontier", "exclude": present}}
    doubling = doubling_time_table(point, wide, dates, windows, selections, confidence_level,
                                   source)
    start = windows[0]

    # distance of each focus model from the long-run line without the focus models
    base = frontier_models(point.drop(present), dates, start=start)
    dist_rows = [{"model": m, **trend_distance(point, wide, dates, m, base, confidence_level)}
                 for m in present]
    distance = pd.DataFrame(dist_rows, columns=["model", "ratio", "ci_low", "ci_high",
                                                "log2_distance", "p_value", "n_replicates",
                                                "predicted_min"])
    # that line itself (drawn in the figure): intercept and slope per day
    excl_line = None
    if present and len(base) >= 2:
        ea, eb, _ = _ols_batch(_days(dates[base]),
                               np.log(point[base].to_numpy(dtype=float))[None, :])
        excl_line = {"a": float(ea[0]), "b": float(eb[0]), "models": list(base)}

    # broken line vs single line on the long-run frontier (focus models included)
    models = frontier_models(point, dates, start=start)
    x = _days(dates[models])
    y = np.log(point[models].to_numpy(dtype=float))
    cmp = compare_broken_line(x, y, n_grid)
    L = _usable(wide, models)
    taus = broken_line_grid(x, n_grid)
    ra, rb, rrss = _ols_batch(x, L)
    br = fit_broken_line_batch(x, L, taus)
    n = len(x)
    dbic = bic(rrss, n, 3) - bic(br["rss"], n, 5)
    with np.errstate(divide="ignore"):
        before = np.log(2) / br["b"]
        after = np.log(2) / (br["b"] + br["c"])
    broken = {**cmp, "models": ";".join(models), "n_replicates": int(len(L)),
              "share_break_preferred": float(np.mean(dbic > 0)),
              "tau_date": day_to_date(cmp["tau"]),
              "tau_ci": tuple(day_to_date(v) for v in _interval(br["tau"], confidence_level))}
    seg_rows = []
    for name, est, reps in (("broken_before", cmp["doubling_before_days"], before),
                            ("broken_after", cmp["doubling_after_days"], after)):
        pos = reps[np.isfinite(reps) & (reps > 0)]
        lo, hi = _interval(pos, confidence_level)
        seg_rows.append({"window_start": pd.Timestamp(start).date().isoformat(),
                         "selection": name, "models": ";".join(models), "doubling_days": est,
                         "ci_low_days": float(lo), "ci_high_days": float(hi), "source": source})
    doubling = pd.concat([doubling, pd.DataFrame(seg_rows, columns=TREND_TABLE_COLUMNS)],
                         ignore_index=True)

    # the date each fit reaches the target horizon
    month_rows = []
    for _, r in doubling.iterrows():
        ms = [m for m in str(r["models"]).split(";") if m]
        if len(ms) < 2 or r["selection"] == "broken_after":
            continue
        xm = _days(dates[ms])
        if r["selection"] == "broken_before":
            day = reach_day(cmp["broken_a"], cmp["broken_b"], target_minutes, cmp["broken_c"],
                            cmp["tau"])
            reps = reach_day(br["a"], br["b"], target_minutes, br["c"], br["tau"])
            fit = "broken_line"
        else:
            a, b, _ = _ols_batch(xm, np.log(point[ms].to_numpy(dtype=float))[None, :])
            day = reach_day(a[0], b[0], target_minutes)
            La = _usable(wide, ms)
            ra2, rb2, _ = _ols_batch(xm, La)
            reps = reach_day(ra2, rb2, target_minutes)
            fit = r["selection"]
        day = float(np.asarray(day).ravel()[0])
        lo, hi = _interval(reps, confidence_level)
        month_rows.append({"fit": fit, "window_start": r["window_start"], "day": day,
                           "date": day_to_date(day), "ci_low_date": day_to_date(lo),
                           "ci_high_date": day_to_date(hi), "year": day_to_year(day),
                           "ci_low_year": day_to_year(lo), "ci_high_year": day_to_year(hi),
                           "never_reached": int(np.sum(~np.isfinite(reps)))})
    month = pd.DataFrame(month_rows)

    rows = []
    for _, r in doubling.iterrows():
        rows.append({"question": "trend", "model": r["selection"],
                     "variant": f"from_{r['window_start']}", "metric": "doubling_days",
                     "estimate": r["doubling_days"], "ci_low": r["ci_low_days"],
                     "ci_high": r["ci_high_days"]})
    for _, r in distance.iterrows():
        rows.append({"question": "trend", "model": r["model"], "variant": f"from_{start}",
                     "metric": "ratio_to_trend", "estimate": r["ratio"], "ci_low": r["ci_low"],
                     "ci_high": r["ci_high"]})
        rows.append({"question": "trend", "model": r["model"], "variant": f"from_{start}",
                     "metric": "p_value_above_trend", "estimate": r["p_value"],
                     "ci_low": np.nan, "ci_high": np.nan})
    rows.append({"question": "trend", "model": "frontier", "variant": f"from_{start}",
                 "metric": "delta_bic_single_minus_broken", "estimate": cmp["delta_bic"],
                 "ci_low": np.nan, "ci_high": np.nan})
    for _, r in month.iterrows():
        rows.append({"question": "trend", "model": r["fit"], "variant": f"from_{r['window_start']}",
                     "metric": "year_reaching_work_month", "estimate": r["year"],
                     "ci_low": r["ci_low_year"], "ci_high": r["ci_high_year"]})
    ablation = pd.DataFrame(rows, columns=["question", "model", "variant", "metric", "estimate",
                                           "ci_low", "ci_high"])
    return {"doubling": doubling, "distance": distance, "broken": broken, "month": month,
            "missing": missing, "present": present, "ablation_rows": ablation,
            "frontier": models, "n_total_replicates": int(len(wide)),
            "dropped": dropped_replicates(wide, models), "excl_line": excl_line,
            "dates": dates}


def dropped_replicates(wide: pd.DataFrame, models: Sequence[str]) -> pd.Series:
    """Bootstrap replicates unusable for a fit through ``models``, counted per model.

    A replicate is unusable when a model's p50 in it is missing or below 1e-3 minutes (METR's
    floor); the trend fits leave such replicates out.

    Returns
    -------
    pandas.Series
        Count of unusable replicates per model (only models with at least one), largest first.
    """
    Y = wide[list(models)].to_numpy(dtype=float)
    bad = ~(np.isfinite(Y) & (Y >= _MIN_P50))
    counts = pd.Series(bad.sum(axis=0), index=list(models))
    return counts[counts > 0].sort_values(ascending=False)


def point_intervals(point: pd.Series, wide: pd.DataFrame,
                    confidence_level: float = 0.95) -> pd.DataFrame:
    """Percentile interval of each model's p50 from its bootstrap samples (minutes).

    Returns
    -------
    pandas.DataFrame
        Index = model (as in ``point``); columns ``low``, ``high`` (NaN without samples).
    """
    rows = {}
    for m in point.index:
        v = wide[m].to_numpy(dtype=float) if m in wide.columns else np.array([])
        rows[m] = _interval(v, confidence_level)
    return pd.DataFrame.from_dict(rows, orient="index", columns=["low", "high"])


def run_level_doubling(
    runs: pd.DataFrame,
    release_dates: pd.Series,
    windows: Sequence,
    samples: pd.DataFrame,
    weighting: str = "invsqrt_task_weight",
    regularization: float = 0.1,
    confidence_level: float = 0.95,
    focus: str | None = None,
) -> pd.DataFrame:
    """Frontier doubling times fitted to the run files, one dataset at a time.

    The same computation as the fit chapter (:func:`horizonlib.analyses.headline.trend.trend_tables` on our
    fits with their paired bootstrap), restricted to one dataset: the last dataset holding
    ``focus`` (or the last dataset when ``focus`` is absent or None). Pass the fit chapter's
    bootstrap ``samples`` (same seed, same runs) and the numbers are the fit chapter's.

    Parameters
    ----------
    samples : pandas.DataFrame
        :func:`horizonlib.model.bootstrap.bootstrap_horizons` of ``runs`` (must include p = 0.5).

    Returns
    -------
    pandas.DataFrame
        Rows of the ``trend`` table (``source = "fitted"``, selection ``frontier``) with a
        ``dataset`` column; empty when no dataset has two dated frontier models.
    """
    horizons = horizon_table(runs, weighting, regularization, (50,),
                             confidence_level=confidence_level, samples=samples)
    tab = trend_tables(horizons, samples, release_dates, None, None, windows, ("frontier",),
                       confidence_level)
    datasets = list(pd.unique(runs["dataset"]))
    holding = (runs.loc[(runs["display_name"] == focus) | (runs["alias"] == focus), "dataset"]
               if focus is not None else pd.Series(dtype=str))
    chosen = ([d for d in datasets if d in set(holding)] or datasets)[-1]
    return tab[tab["dataset"] == chosen].reset_index(drop=True)
