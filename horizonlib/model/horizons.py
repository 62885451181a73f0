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

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from horizonlib.model.bootstrap import _check_runs, bootstrap_horizons
from horizonlib.model.logistic import fit_logistic, horizon_at
from horizonlib.model.mc_error import bound_mc_se, interval_bounds, replicates_for_target
from horizonlib.model.weights import run_weights

if TYPE_CHECKING:  # a type only
    from horizonlib.model.shared_draws import SharedDraws

HORIZON_TABLE_COLUMNS = [
    "dataset", "model", "p", "horizon_min", "ci_low_min", "ci_high_min", "n_runs", "n_tasks",
    "failed_replicates", "source",
]
#: Columns of :func:`horizon_table`: the above plus the Monte Carlo standard error of each
#: interval bound (minutes) and the replicates drawn (rows of METR's published fits, which have
#: no replicates here, leave them empty).
HORIZON_RESULT_COLUMNS = [
    "dataset", "model", "p", "horizon_min", "ci_low_min", "ci_high_min", "ci_low_mc_se_min",
    "ci_high_mc_se_min", "n_runs", "n_tasks", "n_replicates", "failed_replicates", "source",
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
    solver : {"newton", "sklearn_lbfgs"} or {"exact", "metr"}, optional
        ``"newton"`` (= the parameter value ``"exact"``): exact optimum. ``"sklearn_lbfgs"``
        (= ``"metr"``): replay scikit-learn's early-stopping default, to reproduce METR's digits.

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
    bootstrap_rng: str = "numpy",
    solver: str = "exact",
    mc_error_target: float = 0.0,
    n_bootstrap_max: int = 10000,
    draws: SharedDraws | None = None,
) -> pd.DataFrame:
    """Horizon of every model with a bootstrap percentile interval and its Monte Carlo error.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs table.
    weighting, regularization, success_percents
        As in :func:`fit_horizons`.
    n_bootstrap : int, optional
        Bootstrap replicates per dataset (1000).
    rng : numpy.random.Generator
        Required unless ``samples`` is given (and no dataset needs more replicates).
    confidence_level : float, optional
        Central interval coverage (0.95 -> 2.5th and 97.5th percentiles).
    samples : pandas.DataFrame, optional
        Output of :func:`horizonlib.model.bootstrap.bootstrap_horizons` for the same arguments, to
        avoid recomputing it.
    bootstrap_rng, solver : str, optional
        As in :func:`horizonlib.model.bootstrap.bootstrap_horizons`.
    mc_error_target : float, optional
        0 (default): intervals from the ``n_bootstrap`` replicates. ``> 0``: a dataset where some
        bound's Monte Carlo standard error of ``ln(bound)`` exceeds ``mc_error_target`` times
        its interval's log width ``ln(high / low)`` is bootstrapped again with the replicates
        :func:`horizonlib.model.mc_error.replicates_for_target` asks for (at most
        ``n_bootstrap_max``), and all its intervals come from that run.
    n_bootstrap_max : int, optional
        Cap of that rule (10,000).
    draws : horizonlib.model.shared_draws.SharedDraws, optional
        The build's shared draws: used instead of ``rng`` (and ``n_bootstrap``) when the table
        must bootstrap, and, with more replicates, by the replicate rule.

    Returns
    -------
    pandas.DataFrame
        Columns exactly :data:`HORIZON_RESULT_COLUMNS`: one row per model and ``p`` (0.5, 0.8);
        minutes. The interval is ``nanquantile`` over the replicates (METR's rule: degenerate
        replicates left out, ``+inf`` from positive slopes kept); ``ci_low_mc_se_min`` and
        ``ci_high_mc_se_min`` are its bounds' Monte Carlo standard errors
        (:func:`horizonlib.model.mc_error.bound_mc_se`); ``n_replicates`` the replicates drawn,
        ``failed_replicates`` the degenerate ones among them; ``source = "fitted"``.
    """
    if not 0 < confidence_level < 1:
        raise ValueError("confidence_level must be in (0, 1)")
    point = fit_horizons(runs, weighting, regularization, success_percents)
    boot = dict(weighting=weighting, regularization=regularization,
                success_percents=success_percents, bootstrap_rng=bootstrap_rng, solver=solver)
    if samples is None:
        if rng is None and draws is None and bootstrap_rng == "numpy":
            raise ValueError("pass an explicit numpy.random.Generator as rng (or samples)")
        samples = bootstrap_horizons(runs, n_bootstrap, rng, draws=draws, **boot)
    table = _interval_rows(point, samples, success_percents, confidence_level)
    if mc_error_target > 0:
        need = _replicates_needed(table, mc_error_target, n_bootstrap_max)
        redo = need[need > table.groupby("dataset")["n_replicates"].max().reindex(need.index)]
        if len(redo):
            more = [bootstrap_horizons(runs[runs["dataset"] == d], int(n), rng, **boot,
                                       draws=None if draws is None else draws.with_replicates(n))
                    for d, n in redo.items()]
            samples = pd.concat([samples[~samples["dataset"].isin(redo.index)], *more],
                                ignore_index=True)
            table = _interval_rows(point, samples, success_percents, confidence_level)
    return table[HORIZON_RESULT_COLUMNS]


def _replicates_needed(table: pd.DataFrame, target: float, cap: int) -> pd.Series:
    """Per dataset, the replicates that bring every bound's log-scale error to ``target``
    times its interval's log width (at most ``cap``)."""
    n = table["n_replicates"].to_numpy(float)
    lo, hi = table["ci_low_min"].to_numpy(float), table["ci_high_min"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        goal = target * np.log(hi / lo)
        need = np.fmax(replicates_for_target(table["se_ln_low"].to_numpy(float), n, goal),
                       replicates_for_target(table["se_ln_high"].to_numpy(float), n, goal))
    need = np.minimum(np.where(np.isfinite(goal) & (goal > 0), need, n), cap)
    return pd.Series(need, index=table.index).groupby(table["dataset"]).max()


def _interval_rows(point: pd.DataFrame, samples: pd.DataFrame, success_percents,
                   confidence_level: float) -> pd.DataFrame:
    """Percentile interval, its Monte Carlo errors and counts for every (model, p), plus the
    errors of ``ln(bound)`` (``se_ln_low``, ``se_ln_high``) that the replicate rule reads."""
    lo_q, hi_q = (1 - confidence_level) / 2, (1 + confidence_level) / 2
    ok = (samples["status"] == "ok").to_numpy()
    keyed = samples.assign(value=np.where(ok, samples["horizon_min"].to_numpy(float), np.nan))
    wide = keyed.pivot_table(index="replicate", columns=["dataset", "alias", "p"],
                             values="value", dropna=False, aggfunc="first")
    counts = keyed.groupby(["dataset", "alias", "p"]).agg(
        n_replicates=("replicate", "size"), blank=("value", lambda v: int(v.isna().sum())))
    values = wide.to_numpy(float)
    lo, hi = interval_bounds(values, confidence_level)
    se_lo, se_hi = bound_mc_se(values, lo_q), bound_mc_se(values, hi_q)
    # errors of ln(bound) for the replicate rule: the same order statistics on the log scale
    # (se / bound would be meaningless where a bound spans orders of magnitude)
    with np.errstate(divide="ignore"):
        logs = np.log(values)
    stats = pd.DataFrame({"lo": lo, "hi": hi, "se_lo": se_lo, "se_hi": se_hi,
                          "se_ln_lo": bound_mc_se(logs, lo_q), "se_ln_hi": bound_mc_se(logs, hi_q)},
                         index=wide.columns).join(counts)
    rows = []
    for _, r in point.iterrows():
        for sp in success_percents:
            p = sp / 100.0
            key = (r["dataset"], r["alias"], p)
            st = stats.loc[key] if key in stats.index else None
            rows.append({
                "dataset": r["dataset"], "model": r["alias"], "p": p,
                "horizon_min": r[f"p{sp}_min"],
                "ci_low_min": np.nan if st is None else float(st["lo"]),
                "ci_high_min": np.nan if st is None else float(st["hi"]),
                "ci_low_mc_se_min": np.nan if st is None else float(st["se_lo"]),
                "ci_high_mc_se_min": np.nan if st is None else float(st["se_hi"]),
                "n_runs": int(r["n_runs"]), "n_tasks": int(r["n_tasks"]),
                "n_replicates": 0 if st is None else int(st["n_replicates"]),
                "failed_replicates": 0 if st is None else int(st["blank"]),
                "source": "fitted",
                "se_ln_low": np.nan if st is None else float(st["se_ln_lo"]),
                "se_ln_high": np.nan if st is None else float(st["se_ln_hi"]),
            })
    return pd.DataFrame(rows, columns=HORIZON_RESULT_COLUMNS + ["se_ln_low", "se_ln_high"])
