"""Per-model time horizons: point fits and bootstrap confidence intervals.

For each model (``(dataset, alias)``) the logistic curve
``P(success) = sigmoid(intercept + slope * log2(human_minutes))`` is fitted with METR's weights
and L2 penalty (:mod:`horizonlib.model.logistic`, :mod:`horizonlib.model.weights`), and the ``p`` horizon is

    horizon_p = 2 ** ((logit(p) - intercept) / slope)   [minutes].

The point estimate comes from the fit on all data; the confidence interval is the percentile
interval of the non-degenerate hierarchical-bootstrap replicates (:mod:`horizonlib.model.bootstrap`),
and the number of degenerate replicates is reported next to it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from horizonlib.model.bootstrap import _check_runs, bootstrap_horizons
from horizonlib.model.logistic import fit_logistic, horizon_at
from horizonlib.model.weights import run_weights

HORIZON_TABLE_COLUMNS = [
    "dataset", "model", "p", "horizon_min", "ci_low_min", "ci_high_min", "n_runs", "n_tasks",
    "failed_replicates", "source",
]


def fit_horizons(
    runs: pd.DataFrame,
    weighting: str = "invsqrt_task_weight",
    regularization: float = 0.1,
    success_percents=(50, 80),
    *,
    solver: str = "newton",
) -> pd.DataFrame:
    """Fit every model's logistic curve on all its runs.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs table (``dataset``, ``alias``, ``task_id``, ``task_family``, ``human_minutes``,
        ``success``; ``display_name`` optional).
    weighting : str, optional
        ``"invsqrt_task_weight"`` (METR's headline), ``"equal_task_weight"`` or ``"none"``.
    regularization : float, optional
        L2 penalty on the slope (0.1: METR until early 2026; METR's March 2026 results used 1e-5).
    success_percents : sequence of int, optional
        Success probabilities in percent; one ``p{percent}_min`` column each.
    solver : {"newton", "sklearn_lbfgs"}, optional
        ``"newton"``: exact optimum. ``"sklearn_lbfgs"``: replay scikit-learn's early-stopping
        default, to reproduce METR's published digits.

    Returns
    -------
    pandas.DataFrame
        One row per ``(dataset, alias)`` (sorted): ``dataset, alias, display_name, intercept``
        (log-odds at 1 minute), ``slope`` (log-odds per doubling of task length), ``status``,
        ``n_runs``, ``n_tasks``, ``weighted_success_rate`` (sum of weight x success), and
        ``p50_min``, ``p80_min``, ... (minutes; NaN when ``status != "ok"``).
    """
    _check_runs(runs)
    runs = runs.reset_index(drop=True)
    if "dataset" not in runs.columns:
        runs = runs.assign(dataset="")
    w = run_weights(runs, weighting)
    x_all = np.log2(runs["human_minutes"].to_numpy(dtype=float))
    y_all = runs["success"].to_numpy(dtype=float)
    rows = []
    for (dataset, alias), idx in runs.groupby(["dataset", "alias"], sort=True).indices.items():
        fit = fit_logistic(x_all[idx], y_all[idx], w[idx], regularization, solver=solver)
        sub = runs.iloc[idx]
        row = {
            "dataset": dataset,
            "alias": alias,
            "display_name": sub["display_name"].iloc[0] if "display_name" in sub else alias,
            "intercept": fit.intercept,
            "slope": fit.slope,
            "status": fit.status,
            "n_runs": len(idx),
            "n_tasks": sub["task_id"].nunique(),
            "weighted_success_rate": float(np.sum(w[idx] * y_all[idx])),
        }
        for sp in success_percents:
            row[f"p{sp}_min"] = horizon_at(sp / 100.0, fit.intercept, fit.slope)
        rows.append(row)
    return pd.DataFrame(rows)


def horizon_table(
    runs: pd.DataFrame,
    weighting: str = "invsqrt_task_weight",
    regularization: float = 0.1,
    success_percents=(50, 80),
    n_bootstrap: int = 1000,
    rng: np.random.Generator | None = None,
    confidence_level: float = 0.95,
    *,
    samples: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Horizon of every model with a bootstrap percentile confidence interval.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs table.
    weighting, regularization, success_percents
        As in :func:`fit_horizons`.
    n_bootstrap : int, optional
        Bootstrap replicates per dataset (1000).
    rng : numpy.random.Generator
        Required unless ``samples`` is given.
    confidence_level : float, optional
        Central interval coverage (0.95 -> 2.5th and 97.5th percentiles).
    samples : pandas.DataFrame, optional
        Output of :func:`horizonlib.model.bootstrap.bootstrap_horizons` for the same arguments, to
        avoid recomputing it.

    Returns
    -------
    pandas.DataFrame
        Columns exactly ``dataset, model, p, horizon_min, ci_low_min, ci_high_min, n_runs,
        n_tasks, failed_replicates, source``: one row per model and ``p`` (0.5, 0.8); minutes;
        ``failed_replicates`` counts degenerate replicates (excluded from the interval);
        ``source = "fitted"``.
    """
    if not 0 < confidence_level < 1:
        raise ValueError("confidence_level must be in (0, 1)")
    point = fit_horizons(runs, weighting, regularization, success_percents)
    if samples is None:
        if rng is None:
            raise ValueError("pass an explicit numpy.random.Generator as rng (or samples)")
        samples = bootstrap_horizons(runs, n_bootstrap, rng, weighting, regularization,
                                     success_percents)
    lo_q, hi_q = 50 * (1 - confidence_level), 50 * (1 + confidence_level)
    groups = {k: g for k, g in samples.groupby(["dataset", "alias", "p"], sort=False)}
    rows = []
    for _, r in point.iterrows():
        for sp in success_percents:
            p = sp / 100.0
            g = groups.get((r["dataset"], r["alias"], p))
            if g is None:
                lo = hi = np.nan
                failed = 0
            else:
                good = g["horizon_min"].to_numpy()[(g["status"] == "ok").to_numpy()]
                good = good[np.isfinite(good)]
                failed = int(len(g) - len(good))
                lo, hi = (np.percentile(good, [lo_q, hi_q]) if len(good) else (np.nan, np.nan))
            rows.append({
                "dataset": r["dataset"], "model": r["alias"], "p": p,
                "horizon_min": r[f"p{sp}_min"], "ci_low_min": float(lo), "ci_high_min": float(hi),
                "n_runs": int(r["n_runs"]), "n_tasks": int(r["n_tasks"]),
                "failed_replicates": failed, "source": "fitted",
            })
    return pd.DataFrame(rows, columns=HORIZON_TABLE_COLUMNS)
