r"""How uncertain human task lengths move the horizons and the doubling time.

A task's human length is either a baseline (geometric mean of timed human attempts) or an
estimate (``human_source`` in the run files). Both carry error. This module propagates it:
inside METR's hierarchical bootstrap (the build's shared draws,
:mod:`horizonlib.model.shared_draws`: the same family / task / run draws for every model of a
dataset, and for every chapter), each replicate also draws one error per task,

.. math::

    \tilde x_j = x_j + e_j, \qquad e_j \sim N(0, s_j^2), \qquad
    s_j = \begin{cases} s_\text{baseline} & \text{human\_source = baseline}\\
                        s_\text{estimate} & \text{otherwise (estimate, qa, external\_qa)}
          \end{cases}

(:math:`x` in log2 minutes; the error is shared by all models in a replicate, since a task has
one true length), and every model is refitted with METR's weights and penalty on the perturbed
lengths. The interval then includes length error; the point estimate is the fit on the lengths
as given. Three variants per model:

* ``metr``: lengths as given, all tasks (METR's interval, from the same task and run draws);
* ``length_error``: errors drawn as above;
* ``baselined_only``: only tasks whose length is a baseline, lengths as given.

The doubling time of the 50% horizon is refitted per variant on each dataset's models, the
same models in every variant (:func:`length_error_trend`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from horizonlib.data.published import release_date_for

from horizonlib.model.logistic import fit_logistic, fit_logistic_batch, horizon_at
from horizonlib.model.trend import MIN_TREND_P50_MIN, doubling_time_table
from horizonlib.model.weights import run_weights

VARIANTS = ("metr", "length_error", "baselined_only")
BASELINE = "baseline"


def task_error_sd(human_source: pd.Series, length_error_baseline: float,
                  length_error_estimate: float) -> np.ndarray:
    """Standard deviation (log2 minutes) of each task's length error from its ``human_source``."""
    return np.where(human_source.to_numpy() == BASELINE, length_error_baseline,
                    length_error_estimate).astype(float)


def _cells(task_codes, y, counts, w):
    """Aggregate a model's runs into (task, success) cells: weights (R, C), task and y per cell."""
    cell_codes, _ = pd.factorize(pd.MultiIndex.from_arrays([task_codes, y]), sort=True)
    order = np.argsort(cell_codes, kind="stable")
    bounds = np.searchsorted(cell_codes[order], np.arange(cell_codes.max() + 1))
    Wcell = np.add.reduceat(counts[:, order] * w[order][None, :], bounds, axis=1)
    first = order[bounds]
    return Wcell, task_codes[first], y[first]


def _replicate_horizons(sub, w, draws, errors, ps, regularization):
    """Per alias: (point (P,), replicates (R, P)) without and with the drawn length errors."""
    x_task = np.log2(sub.groupby("task_id")["human_minutes"].first()
                     .reindex(draws.tasks).to_numpy(dtype=float))
    y_all = sub["success"].to_numpy(dtype=float)
    out = {}
    for alias in sorted(sub["alias"].unique()):
        cols = np.flatnonzero((sub["alias"] == alias).to_numpy())
        tc = draws.run_task_index[cols]
        point = fit_logistic(x_task[tc], y_all[cols], w[cols], regularization)
        Wc, ct, yc = _cells(tc, y_all[cols], draws.run_counts[:, cols], w[cols])
        plain = fit_logistic_batch(x_task[ct], yc, Wc, regularization)
        res = {"point": horizon_at(ps, point.intercept, point.slope),
               "metr": horizon_at(ps[None, :], plain.intercept[:, None], plain.slope[:, None])}
        if errors is not None:
            x_err = x_task[ct][None, :] + errors[:, ct]  # each replicate its own lengths
            err = fit_logistic_batch(x_err, np.broadcast_to(yc, x_err.shape), Wc, regularization)
            res["length_error"] = horizon_at(ps[None, :], err.intercept[:, None],
                                             err.slope[:, None])
        out[alias] = res
    return out


def length_error_bootstrap(runs, draws, rng, weighting, regularization,
                           length_error_baseline, length_error_estimate,
                           success_percents=(50, 80)):
    """Bootstrap every model's horizons in the three variants of the module docstring.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs table (with ``human_source``).
    draws : horizonlib.model.shared_draws.SharedDraws
        The build's shared hierarchical draws: the ``metr`` variant resamples exactly the fit
        chapter's replicates (``baselined_only`` draws its own subset's from the same settings).
    rng : numpy.random.Generator
        Source of the length errors (datasets in sorted order).
    weighting, regularization
        METR's weighting and L2 penalty (:mod:`horizonlib.model.weights`, ``logistic``).
    length_error_baseline, length_error_estimate : float
        Standard deviation (log2 minutes) of the error of baselined and of other lengths.
    success_percents : sequence of int
        Success probabilities in percent.

    Returns
    -------
    (points, samples) : pandas.DataFrame, pandas.DataFrame
        ``points``: dataset, alias, display_name, variant, p, horizon_min (the fit on all data
        of the variant; minutes), n_tasks. ``samples``: dataset, alias, variant, replicate, p,
        horizon_min (NaN for a degenerate replicate).
    """
    ps = np.array([sp / 100.0 for sp in success_percents])
    runs = runs.reset_index(drop=True)
    point_rows, sample_parts = [], []
    for dataset in sorted(runs["dataset"].unique()):
        sub_all = runs[runs["dataset"] == dataset].reset_index(drop=True)
        base_sub = sub_all[sub_all["human_source"] == BASELINE].reset_index(drop=True)
        for variant, sub in (("metr", sub_all), ("baselined_only", base_sub)):
            if sub.empty:
                continue
            reps = draws.for_dataset(sub)
            errors = None
            if variant == "metr":
                sd = task_error_sd(sub.groupby("task_id")["human_source"].first()
                                   .reindex(reps.tasks), length_error_baseline,
                                   length_error_estimate)
                errors = rng.normal(0.0, 1.0, size=(reps.run_counts.shape[0], sd.size)) * sd[None, :]
            w = run_weights(sub, weighting)
            fits = _replicate_horizons(sub, w, reps, errors, ps, regularization)
            names = sub.groupby("alias")["display_name"].first()
            n_tasks = sub.groupby("alias")["task_id"].nunique()
            for alias, res in fits.items():
                kinds = ["metr", "length_error"] if variant == "metr" else ["metr"]
                for kind in kinds:
                    label = variant if variant == "baselined_only" else kind
                    for i, p in enumerate(ps):
                        point_rows.append({"dataset": dataset, "alias": alias,
                                           "display_name": names[alias], "variant": label,
                                           "p": p, "horizon_min": float(res["point"][i]),
                                           "n_tasks": int(n_tasks[alias])})
                    reps = np.asarray(res[kind], dtype=float)
                    sample_parts.append(pd.DataFrame({
                        "dataset": dataset, "alias": alias, "variant": label,
                        "replicate": np.repeat(np.arange(reps.shape[0]), len(ps)),
                        "p": np.tile(ps, reps.shape[0]), "horizon_min": reps.ravel()}))
    return pd.DataFrame(point_rows), pd.concat(sample_parts, ignore_index=True)


def length_error_table(points, samples, confidence_level):
    """Horizons with percentile intervals per (dataset, alias, variant, p).

    Returns
    -------
    pandas.DataFrame
        dataset, alias, display_name, variant, p, horizon_min, ci_low_min, ci_high_min
        (minutes), ci_width_doublings (log2 of high / low), failed_replicates, n_tasks.
    """
    lo_q, hi_q = 50 * (1 - confidence_level), 50 * (1 + confidence_level)
    g = samples.groupby(["dataset", "alias", "variant", "p"])["horizon_min"]
    stats = g.agg(ci_low_min=lambda s: np.nanpercentile(s, lo_q) if s.notna().any() else np.nan,
                  ci_high_min=lambda s: np.nanpercentile(s, hi_q) if s.notna().any() else np.nan,
                  failed_replicates=lambda s: int(s.isna().sum())).reset_index()
    table = points.merge(stats, on=["dataset", "alias", "variant", "p"], how="left")
    table["ci_width_doublings"] = np.log2(table["ci_high_min"] / table["ci_low_min"])
    return table


def length_error_trend(points, samples, release_dates, window_start, confidence_level):
    """Doubling time of the 50% horizon per dataset and variant, on the same models.

    The models are chosen once per dataset, on the ``metr`` variant, as the fit chapter chooses
    them (:mod:`horizonlib.analyses.headline.trend`): dated models with a finite point horizon
    of at least ``MIN_TREND_P50_MIN`` (METR's floor; below it the horizon is an extrapolation
    far below any task), and among those the frontier released on or after ``window_start``.
    Every variant is then fitted on exactly these models, so the variants differ only in the
    horizons, not in who enters; a model whose horizon in a variant is not usable there is left
    out of that variant alone (and ``n_models`` shows it).

    Returns
    -------
    pandas.DataFrame
        dataset, variant, window_start, n_models, aliases, doubling_days, ci_low_days,
        ci_high_days (days).
    """
    rows = []
    p50_points = points[np.isclose(points["p"], 0.5)]
    for dataset, by_dataset in p50_points.groupby("dataset", sort=True):
        metr = by_dataset[by_dataset["variant"] == "metr"].set_index("alias")["horizon_min"]
        dates = pd.Series({a: release_date_for(a, release_dates) for a in metr.index}).dropna()
        usable = metr[dates.index]
        usable = usable[np.isfinite(usable) & (usable >= MIN_TREND_P50_MIN)]
        chosen = doubling_time_table(usable, None, dates, [window_start], ["frontier"],
                                     confidence_level).iloc[0]["models"]
        chosen = [m for m in str(chosen).split(";") if m]
        for variant, pts in by_dataset.groupby("variant", sort=True):
            p50 = pts.set_index("alias")["horizon_min"].reindex(chosen)
            p50 = p50[np.isfinite(p50) & (p50 >= MIN_TREND_P50_MIN)]
            s = samples[(samples["dataset"] == dataset) & (samples["variant"] == variant)
                        & np.isclose(samples["p"], 0.5)]
            wide = s.pivot(index="replicate", columns="alias", values="horizon_min")[p50.index]
            same = {"same models": {"include": list(p50.index)}}
            row = doubling_time_table(p50, wide, dates, [window_start], same,
                                      confidence_level).iloc[0]
            rows.append({"dataset": dataset, "variant": variant,
                         "window_start": row["window_start"], "n_models": len(p50),
                         "aliases": row["models"], "doubling_days": row["doubling_days"],
                         "ci_low_days": row["ci_low_days"], "ci_high_days": row["ci_high_days"]})
    return pd.DataFrame(rows)
