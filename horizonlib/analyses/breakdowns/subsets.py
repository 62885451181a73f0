r"""Horizon fits on subsets of tasks with a paired bootstrap, and their predictions (analyses
layer).

The fit is the model layer's

.. math::

    P(\text{success}) = \sigma(a + b\,x), \qquad x = \log_2(\text{human minutes}),

with the penalized weighted log loss of :mod:`horizonlib.model.logistic` and METR's per-run weights
(:mod:`horizonlib.model.weights`), and the 50% horizon :math:`h_{50} = 2^{-a/b}` minutes.

* **Subset fits** (:func:`subset_fits`): the fit on named subsets of tasks (all, without
  RE-Bench, RE-Bench only, without one task), weights recomputed inside the subset as METR would
  on that data, with percentile CIs from one hierarchical bootstrap draw per dataset shared by
  every subset and model (paired). A subset whose tasks span less than ``min_log2_spread`` log2
  minutes cannot identify a slope: its horizon is reported as unidentified (NaN) with the spread
  and the weighted success rate that is all such data can tell.
* **Predicted vs observed** (:func:`rebench_predictions`, :func:`prediction_table`): the fitted
  curve at each RE-Bench task's length against the observed success rate there.
* :func:`fit_cells`: every weight row fitted after summing runs into (task, y) cells, shared with
  the leave-one-out refits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence

import numpy as np
import pandas as pd

from horizonlib.analyses.breakdowns.intervals import percentile_interval
from horizonlib.analyses.breakdowns.selection import (
    ALL_TASKS,
    MIN_LOG2_SPREAD,
    MODEL_KEY,
    REBENCH,
    REBENCH_ONLY,
    WITHOUT_REBENCH,
    without_label,
)
from horizonlib.model.logistic import fit_logistic_batch, horizon_at
from horizonlib.model.shared_horizons import model_replicates
from horizonlib.model.weights import run_weights

if TYPE_CHECKING:
    from horizonlib.model.shared_draws import SharedDraws


def standard_subsets(runs: pd.DataFrame, drop_tasks: Sequence[str] = ()) -> dict[str, np.ndarray]:
    """Boolean row masks of the subsets the chapter fits.

    ``"all tasks"``, ``"without RE-Bench"``, ``"RE-Bench only"``, and ``"without <task>"`` for
    each task in ``drop_tasks`` (tasks nobody ran are skipped).
    """
    src = runs["task_source"].to_numpy()
    subsets = {ALL_TASKS: np.ones(len(runs), bool), WITHOUT_REBENCH: src != REBENCH,
               REBENCH_ONLY: src == REBENCH}
    tasks = runs["task_id"].to_numpy()
    for t in drop_tasks:
        if (tasks == t).any():
            subsets[without_label(t)] = tasks != t
    return subsets


def _cells(task_codes: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(task, y) cell code of each run and the first run of each cell.

    A model's weight is constant within a task, so runs of one task with equal ``y`` can be
    summed into one point with the same objective (much smaller batch fits).
    """
    codes, _ = pd.factorize(pd.MultiIndex.from_arrays([task_codes, y]), sort=True)
    first = np.full(codes.max() + 1 if codes.size else 0, -1)
    first[codes[::-1]] = np.arange(codes.size)[::-1]
    return codes, first


def fit_cells(x, y, task_codes, W, regularization):
    """Fit every weight row of ``W`` (runs as columns) after summing runs into (task, y) cells."""
    codes, first = _cells(task_codes, y)
    M = np.zeros((len(y), first.size))
    M[np.arange(len(y)), codes] = 1.0
    return fit_logistic_batch(x[first], y[first], W @ M, regularization)


def subset_fits(
    runs: pd.DataFrame,
    subsets: Mapping[str, np.ndarray],
    weighting: str = "invsqrt_task_weight",
    regularization: float = 0.1,
    draws: SharedDraws | None = None,
    confidence_level: float = 0.95,
    min_log2_spread: float = MIN_LOG2_SPREAD,
    p: float = 0.5,
    samples: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Horizon of every model fitted on each subset of tasks, with paired bootstrap CIs.

    Weights are recomputed on each subset (normalized to 1 per model within it), as a fit on
    that data alone would have them. Replicates: the build's shared hierarchical draws of each
    dataset (``draws.for_dataset``, families → tasks → runs) on the full data, applied to every
    subset and model (the all-task fit's replicates are those of every chapter), so ratios between subsets and models are paired; a
    replicate fits with weights ``multiplicity × subset weight`` (METR's convention).

    Identifiability: when the subset's tasks span less than ``min_log2_spread`` log2 minutes
    (max − min of ``log2(human_minutes)`` over the model's runs in the subset), the data fix only
    the success rate at one length, not a slope: ``status = "unidentified"`` and ``p50_min``, the
    CI and the ratio are NaN. ``p50_fit_min`` keeps what the penalized fit returns anyway.

    Parameters
    ----------
    runs : tidy runs table (several datasets allowed; each is bootstrapped on its own).
    subsets : name -> boolean mask over the rows of ``runs``; must include ``"all tasks"``
        (the reference of ``ratio_to_all``).
    weighting, regularization : as in :func:`horizonlib.model.horizons.fit_horizons`.
    draws : horizonlib.model.shared_draws.SharedDraws (required): ``draws.n_bootstrap``
        replicates per dataset.
    confidence_level : central interval coverage.
    min_log2_spread : identifiability threshold in log2 minutes (1.0 = a factor of 2 in length).
    p : success probability of the horizon (0.5).
    samples : the build's headline bootstrap table of ``runs`` on ``draws``
        (:func:`horizonlib.model.shared_horizons.shared_bootstrap_horizons`, holding ``p``): the
        all-task replicates are read from it instead of refitted (the same fits).

    Returns
    -------
    pandas.DataFrame
        One row per (dataset, alias, subset) where the model has runs in the subset:
        ``dataset, alias, display_name, subset, n_runs, n_tasks, log2_spread (log2 minutes),
        min_minutes, max_minutes, weighted_success_rate, intercept, slope (per log2 minute),
        status, p50_fit_min, p50_min, ci_low_min, ci_high_min, failed_replicates, ratio_to_all,
        ratio_ci_low, ratio_ci_high`` (horizons in minutes; the ``p50`` names hold the horizon at
        ``p``).
    """
    if draws is None:
        raise TypeError("pass the build's shared draws (a SharedDraws) as draws")
    if ALL_TASKS not in subsets:
        raise ValueError(f"subsets must include {ALL_TASKS!r}")
    runs = runs.reset_index(drop=True)
    masks = {k: np.asarray(v, bool) for k, v in subsets.items()}
    for k, v in masks.items():
        if v.shape != (len(runs),):
            raise ValueError(f"mask of subset {k!r} has shape {v.shape}, expected ({len(runs)},)")
    sub_w = {}
    for name, mask in masks.items():
        w = np.zeros(len(runs))
        if mask.any():
            w[mask] = run_weights(runs[mask], weighting)
        sub_w[name] = w
    x_all = np.log2(runs["human_minutes"].to_numpy(float))
    y_all = runs["success"].to_numpy(float)
    rows = []
    for dataset in sorted(runs["dataset"].unique()):
        ds = np.flatnonzero((runs["dataset"] == dataset).to_numpy())
        reps = draws.for_dataset(runs.iloc[ds])
        aliases = runs["alias"].to_numpy()[ds]
        for alias in sorted(set(aliases)):
            local = np.flatnonzero(aliases == alias)  # positions within the dataset
            cols = ds[local]
            task_codes = reps.run_task_index[local]
            counts = reps.run_counts[:, local].astype(float)
            ref = None
            # the all-task fit first: it is the reference of every ratio
            for name in [ALL_TASKS] + [k for k in masks if k != ALL_TASKS]:
                mask = masks[name]
                keep = mask[cols]
                if not keep.any():
                    continue
                w = sub_w[name][cols]
                x, y = x_all[cols], y_all[cols]
                # row 0: the point fit on all data; the headline replicates already fitted
                read = name == ALL_TASKS and samples is not None
                W = w[None, :] if read else np.vstack([w, counts * w])
                res = fit_cells(x, y, task_codes, W, regularization)
                h = np.asarray(horizon_at(p, res.intercept, res.slope), dtype=float)
                ok = (res.status == "ok") & np.isfinite(h) & (h > 0)
                if read:
                    h_reps = model_replicates(samples, dataset, alias, p, draws.n_bootstrap)
                    h = np.concatenate([h, h_reps])
                    ok = np.concatenate([ok, np.isfinite(h_reps) & (h_reps > 0)])
                spread = float(x[keep].max() - x[keep].min())
                status = str(res.status[0])
                identified = spread >= min_log2_spread
                if status == "ok" and not identified:
                    status = "unidentified"
                point = float(h[0]) if ok[0] else np.nan
                boot = np.where(ok[1:], h[1:], np.nan)
                if not identified or status != "ok":
                    boot = np.full_like(boot, np.nan)
                if name == ALL_TASKS:
                    ref = (point if status == "ok" else np.nan, boot)
                lo, hi = percentile_interval(boot, confidence_level)
                row = {
                    "dataset": dataset, "alias": alias,
                    "display_name": runs["display_name"].iloc[cols[0]], "subset": name,
                    "n_runs": int(keep.sum()), "n_tasks": int(runs["task_id"].iloc[cols[keep]].nunique()),
                    "log2_spread": spread, "min_minutes": float(2 ** x[keep].min()),
                    "max_minutes": float(2 ** x[keep].max()),
                    "weighted_success_rate": float(np.sum(w * y)),
                    "intercept": float(res.intercept[0]), "slope": float(res.slope[0]),
                    "status": status, "p50_fit_min": point,
                    "p50_min": point if status == "ok" else np.nan,
                    "ci_low_min": float(lo[0]), "ci_high_min": float(hi[0]),
                    "failed_replicates": int((~ok[1:]).sum()) if identified else int(len(boot)),
                }
                if ref is not None:
                    with np.errstate(invalid="ignore", divide="ignore"):
                        ratio_boot = boot / ref[1]
                    rlo, rhi = percentile_interval(ratio_boot, confidence_level)
                    row.update(ratio_to_all=row["p50_min"] / ref[0], ratio_ci_low=float(rlo[0]),
                               ratio_ci_high=float(rhi[0]))
                else:
                    row.update(ratio_to_all=np.nan, ratio_ci_low=np.nan, ratio_ci_high=np.nan)
                rows.append(row)
    return pd.DataFrame(rows)


def rebench_predictions(runs: pd.DataFrame, fits: pd.DataFrame,
                        subsets: Sequence[str] = (ALL_TASKS, WITHOUT_REBENCH)) -> pd.DataFrame:
    """Fitted success probability at each RE-Bench task's length against the observed success.

    Parameters
    ----------
    runs : tidy runs table (the one the fits were made on).
    fits : output of :func:`subset_fits` (``intercept``, ``slope`` per dataset, alias, subset).
    subsets : which subsets' curves to evaluate; one column ``predicted_<subset>`` each
        (spaces replaced by underscores). The ``without RE-Bench`` curve is an out-of-sample
        prediction for the RE-Bench tasks.

    Returns
    -------
    pandas.DataFrame
        One row per (dataset, alias, RE-Bench task): ``dataset, alias, display_name, task_id,
        human_minutes, n_runs, observed`` (share of runs scored as successes), ``mean_score``,
        then the predicted columns (probabilities).
    """
    rb = runs[runs["task_source"] == REBENCH]
    out = rb.groupby(MODEL_KEY + ["task_id"], sort=True).agg(
        display_name=("display_name", "first"), human_minutes=("human_minutes", "first"),
        n_runs=("run_id", "size"), observed=("success", "mean"),
        mean_score=("score", "mean")).reset_index()
    x = np.log2(out["human_minutes"].to_numpy(float))
    for name in subsets:
        f = fits[fits["subset"] == name].set_index(MODEL_KEY)
        key = pd.MultiIndex.from_frame(out[MODEL_KEY])
        a = f["intercept"].reindex(key).to_numpy(float)
        b = f["slope"].reindex(key).to_numpy(float)
        out["predicted_" + name.replace(" ", "_").replace("-", "")] = 1.0 / (1.0 + np.exp(-(a + b * x)))
    return out


def kernel_models(fits: pd.DataFrame, task: str | None) -> pd.DataFrame:
    """The ``without <task>`` rows of :func:`subset_fits` for the models that actually ran ``task``.

    A model that never ran the task has a ``without <task>`` fit identical to its all-task fit
    (same runs); it is left out. A model ran the task when dropping it removes runs.

    Returns
    -------
    pandas.DataFrame
        Rows of ``fits`` (same columns); empty when ``task`` is None or nobody ran it.
    """
    if not task or fits.empty:
        return fits.iloc[0:0]
    variant = fits[fits["subset"] == without_label(task)]
    full = fits[fits["subset"] == ALL_TASKS].set_index(MODEL_KEY)["n_runs"]
    n_full = full.reindex(pd.MultiIndex.from_frame(variant[MODEL_KEY])).to_numpy(float)
    return variant[variant["n_runs"].to_numpy(float) < n_full]


def prediction_table(predictions: pd.DataFrame) -> pd.DataFrame:
    """Per model, the mean over its RE-Bench tasks of observed and predicted success.

    Parameters
    ----------
    predictions : output of :func:`rebench_predictions` (with the all-task and
        without-RE-Bench curves).

    Returns
    -------
    pandas.DataFrame
        ``model`` (display name), ``dataset``, ``tasks`` (RE-Bench tasks), ``observed``,
        ``predicted_all``, ``predicted_without`` (probabilities in [0, 1]) and ``gap``
        (predicted by the all-task curve minus observed), sorted by dataset and gap.
    """
    cols = ["model", "dataset", "tasks", "observed", "predicted_all", "predicted_without", "gap"]
    if predictions.empty:
        return pd.DataFrame(columns=cols)
    out = predictions.groupby(MODEL_KEY, sort=True).agg(
        model=("display_name", "first"), tasks=("task_id", "nunique"),
        observed=("observed", "mean"), predicted_all=("predicted_all_tasks", "mean"),
        predicted_without=("predicted_without_REBench", "mean")).reset_index()
    out["gap"] = out["predicted_all"] - out["observed"]
    return out.sort_values(["dataset", "gap"], ascending=[True, False])[cols].reset_index(drop=True)
