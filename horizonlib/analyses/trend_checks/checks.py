"""The trend chapter's checks: doubling times with and without given models, a model's distance
from the long-run trend, a broken line against a single line, and when each fit reaches a month
(analyses layer).

Lines ``ln(p50 minutes) = a + b d`` (``d`` days since 1970-01-01; broken line and BIC in
:mod:`horizonlib.analyses.trend_checks.lines`). Uncertainty: every fit is repeated on each
bootstrap replicate of the p50s (paired across models: METR's published samples or
:func:`horizonlib.model.bootstrap.bootstrap_horizons`), replicates with a missing or sub-1e-3-minute
p50 among the fitted models being counted and left out.

Distance from the trend (:func:`trend_distance`): the long-run line is fitted without the model
(and without the other models of interest); the distance is ``ln p50(model) - line(release
date)``, reported as the ratio ``exp(distance)`` (observed / predicted horizon). Its bootstrap
p-value is the share of replicates in which the model is at or below the replicate's line
(one-sided test of "above trend").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from horizonlib.analyses.trend_checks.lines import (
    WORK_MONTH_MINUTES,
    bic,
    broken_line_grid,
    compare_broken_line,
    day_to_date,
    day_to_year,
    fit_broken_line_batch,
    ols_batch,
    reach_day,
)
from horizonlib.analyses.trend_checks.samples import (
    dates_to_days,
    dropped_replicates,
    percentile_interval,
    release_dates_of,
    usable_log_replicates,
)
from horizonlib.model.trend import TREND_TABLE_COLUMNS, doubling_time_table, frontier_models


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
    x = dates_to_days(dates[fit_models])
    x0 = dates_to_days(dates[[model]])[0]
    a, b, _ = ols_batch(x, np.log(point[fit_models].to_numpy(dtype=float))[None, :])
    dist = float(np.log(point[model]) - (a[0] + b[0] * x0))
    L = usable_log_replicates(wide, list(fit_models) + [model])
    ra, rb, _ = ols_batch(x, L[:, :-1])
    rdist = L[:, -1] - (ra + rb * x0)
    lo, hi = percentile_interval(np.exp(rdist), confidence_level)
    return {"ratio": float(np.exp(dist)), "ci_low": float(lo), "ci_high": float(hi),
            "log2_distance": dist / np.log(2), "p_value": float(np.mean(rdist <= 0)),
            "n_replicates": int(len(rdist)),
            "predicted_min": float(np.exp(a[0] + b[0] * x0))}


def check_trend(
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
        ``target_minutes``, with CI), ``missing`` (focus models absent), ``present``,
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
        ea, eb, _ = ols_batch(dates_to_days(dates[base]),
                              np.log(point[base].to_numpy(dtype=float))[None, :])
        excl_line = {"a": float(ea[0]), "b": float(eb[0]), "models": list(base)}

    # broken line vs single line on the long-run frontier (focus models included)
    models = frontier_models(point, dates, start=start)
    x = dates_to_days(dates[models])
    y = np.log(point[models].to_numpy(dtype=float))
    cmp = compare_broken_line(x, y, n_grid)
    L = usable_log_replicates(wide, models)
    taus = broken_line_grid(x, n_grid)
    ra, rb, rrss = ols_batch(x, L)
    br = fit_broken_line_batch(x, L, taus)
    n = len(x)
    dbic = bic(rrss, n, 3) - bic(br["rss"], n, 5)
    with np.errstate(divide="ignore"):
        before = np.log(2) / br["b"]
        after = np.log(2) / (br["b"] + br["c"])
    broken = {**cmp, "models": ";".join(models), "n_replicates": int(len(L)),
              "share_break_preferred": float(np.mean(dbic > 0)),
              "tau_date": day_to_date(cmp["tau"]),
              "tau_ci": tuple(day_to_date(v)
                              for v in percentile_interval(br["tau"], confidence_level))}
    seg_rows = []
    for name, est, reps in (("broken_before", cmp["doubling_before_days"], before),
                            ("broken_after", cmp["doubling_after_days"], after)):
        pos = reps[np.isfinite(reps) & (reps > 0)]
        lo, hi = percentile_interval(pos, confidence_level)
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
        xm = dates_to_days(dates[ms])
        if r["selection"] == "broken_before":
            day = reach_day(cmp["broken_a"], cmp["broken_b"], target_minutes, cmp["broken_c"],
                            cmp["tau"])
            reps = reach_day(br["a"], br["b"], target_minutes, br["c"], br["tau"])
            fit = "broken_line"
        else:
            a, b, _ = ols_batch(xm, np.log(point[ms].to_numpy(dtype=float))[None, :])
            day = reach_day(a[0], b[0], target_minutes)
            La = usable_log_replicates(wide, ms)
            ra2, rb2, _ = ols_batch(xm, La)
            reps = reach_day(ra2, rb2, target_minutes)
            fit = r["selection"]
        day = float(np.asarray(day).ravel()[0])
        lo, hi = percentile_interval(reps, confidence_level)
        month_rows.append({"fit": fit, "window_start": r["window_start"], "day": day,
                           "date": day_to_date(day), "ci_low_date": day_to_date(lo),
                           "ci_high_date": day_to_date(hi), "year": day_to_year(day),
                           "ci_low_year": day_to_year(lo), "ci_high_year": day_to_year(hi),
                           "never_reached": int(np.sum(~np.isfinite(reps)))})
    month = pd.DataFrame(month_rows)

    return {"doubling": doubling, "distance": distance, "broken": broken, "month": month,
            "missing": missing, "present": present,
            "frontier": models, "n_total_replicates": int(len(wide)),
            "dropped": dropped_replicates(wide, models), "excl_line": excl_line,
            "dates": dates}
