r"""Per-task breakdowns of the time horizon (analyses layer).

Job: answer *where a model's horizon comes from*. Everything here reuses the model layer's fit,

.. math::

    P(\text{success}) = \sigma(a + b\,x), \qquad x = \log_2(\text{human minutes}),

with the penalized weighted log loss of :mod:`horizonlib.model.logistic` and METR's per-run weights
(:mod:`horizonlib.model.weights`), and the 50% horizon :math:`h_{50} = 2^{-a/b}` minutes.

The pieces:

* **RE-Bench per task** (:func:`rebench_task_draws`, :func:`rebench_task_scores`,
  :func:`rebench_means`): mean continuous (normalized) score per (model, task) with a percentile
  bootstrap over runs within the cell, and each model's RE-Bench mean (equal weight per task)
  with and without each task. A *task set* is one dataset's RE-Bench tasks; different task sets
  are different suites and are never pooled.
* **Weight share** (:func:`weight_share`): the share of a model's total fit weight (weights sum
  to 1 per model) carried by RE-Bench runs.
* **Subset fits** (:func:`subset_fits`): the fit on named subsets of tasks (all, without
  RE-Bench, RE-Bench only, without one task), weights recomputed inside the subset as METR would
  on that data, with percentile CIs from one hierarchical bootstrap draw per dataset shared by
  every subset and model (paired). A subset whose tasks span less than ``min_log2_spread`` log2
  minutes cannot identify a slope: its horizon is reported as unidentified (NaN) with the spread
  and the weighted success rate that is all such data can tell.
* **Predicted vs observed** (:func:`rebench_predictions`): the fitted curve at each RE-Bench
  task's length against the observed success rate there.
* **Leave-one-out influence** (:func:`loo_weights`, :func:`leave_one_out`): the horizon refitted
  without each task (or family), weights recomputed after the drop, all refits of a model in one
  vectorised :func:`horizonlib.model.logistic.fit_logistic_batch` call (one weight row per dropped task).
* **Calibration** (:func:`calibration`): weighted observed success against the weighted mean
  predicted probability, per length bucket or per task source.
* **Results rows** (:func:`ablation_rows`, :func:`influence_results`, :func:`rebench_results`)
  in the schemas of :mod:`horizonlib.report.results`.

No plotting here (see :mod:`horizonlib.report.figures_breakdowns`) and no wording (the chapter's
sentences and display tables are in :mod:`horizonlib.report.breakdowns`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from horizonlib.model.bootstrap import draw_replicates
from horizonlib.model.horizons import fit_horizons
from horizonlib.model.logistic import fit_logistic_batch, horizon_at
from horizonlib.analyses.summaries import LENGTH_BUCKET_EDGES, length_bucket_labels
from horizonlib.model.weights import WEIGHTINGS, run_weights

REBENCH = "RE-Bench"
MODEL_KEY = ["dataset", "alias"]
#: Default identifiability threshold: a subset's tasks must span at least a factor of 2 in length.
MIN_LOG2_SPREAD = 1.0
ALL_TASKS = "all tasks"
WITHOUT_REBENCH = "without RE-Bench"
REBENCH_ONLY = "RE-Bench only"


def model_label(dataset: str, alias: str) -> str:
    """Label of a model in results files that have no dataset column: ``"alias [dataset]"``.

    The same alias in two datasets is two measurements (e.g. ``GPT-4 0314`` in the pre-paper and
    the Time Horizon 1.1 files), so the label carries the dataset.
    """
    return f"{alias} [{dataset}]"


def without_label(task_or_family: str) -> str:
    """Variant name of a subset that drops one task or family: ``"without <name>"``."""
    return f"without {task_or_family}"


def missing_models(wanted: Sequence[str], runs: pd.DataFrame) -> list[str]:
    """Display names in ``wanted`` that no model of ``runs`` has (order kept).

    Parameters
    ----------
    wanted : display names (``"o3"``, ``"o4-mini"``).
    runs : a tidy runs table (``display_name`` column) or any table with one.
    """
    present = set(runs["display_name"]) if len(runs) else set()
    return [m for m in wanted if m not in present]


def rebench_only(runs: pd.DataFrame) -> pd.DataFrame:
    """The RE-Bench runs of a tidy table (``task_source == "RE-Bench"``), index reset.

    Raises
    ------
    ValueError
        When an RE-Bench run has no continuous score (NaN ``score``).
    """
    sub = runs[runs["task_source"] == REBENCH].reset_index(drop=True)
    if sub["score"].isna().any():
        bad = sub[sub["score"].isna()].iloc[0]
        raise ValueError(f"RE-Bench run {bad['run_id']!r} of dataset {bad['dataset']!r} has no "
                         "continuous score")
    return sub


def task_set_labels(runs: pd.DataFrame) -> pd.Series:
    """Name of each dataset's RE-Bench task set: ``"<dataset> (<k> RE-Bench tasks)"``.

    Returns
    -------
    pandas.Series indexed by dataset.
    """
    k = runs[runs["task_source"] == REBENCH].groupby("dataset")["task_id"].nunique()
    return pd.Series({d: f"{d} ({n} RE-Bench tasks)" for d, n in k.items()}, name="task_set",
                     dtype=object)


# --- RE-Bench per task --------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskMeanDraws:
    """Per-(model, task) mean scores and their bootstrap replicates.

    Attributes
    ----------
    cells : pandas.DataFrame
        One row per (dataset, alias, task): ``dataset, task_set, alias, display_name, task_id,
        human_minutes, mean_score, success_rate, n_runs`` (score is the normalized continuous
        score, dimensionless; ``success_rate`` the share of binarized successes).
    replicates : numpy.ndarray
        float64, shape ``(n_bootstrap, len(cells))``: mean score of each cell in each replicate
        (runs resampled with replacement within the cell).
    """

    cells: pd.DataFrame
    replicates: np.ndarray


def rebench_task_draws(runs: pd.DataFrame, n_bootstrap: int, rng: np.random.Generator) -> TaskMeanDraws:
    """Mean RE-Bench score per (model, task) with a bootstrap over runs.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs table; only ``task_source == "RE-Bench"`` rows are used.
    n_bootstrap : int
        Replicates (tasks are fixed; runs are resampled within each (model, task)).
    rng : numpy.random.Generator

    Returns
    -------
    TaskMeanDraws
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator")
    rb = rebench_only(runs)
    labels = task_set_labels(rb)
    keys = ["dataset", "alias", "task_id"]
    rb = rb.sort_values(keys + ["run_id"], kind="stable").reset_index(drop=True)
    cells = rb.groupby(keys, sort=True).agg(
        display_name=("display_name", "first"), human_minutes=("human_minutes", "first"),
        mean_score=("score", "mean"), success_rate=("success", "mean"),
        n_runs=("run_id", "size")).reset_index()
    cells.insert(1, "task_set", cells["dataset"].map(labels))
    R = int(n_bootstrap)
    reps = np.empty((R, len(cells)))
    codes = rb.groupby(keys, sort=True).ngroup().to_numpy()
    starts = np.concatenate([[0], np.cumsum(cells["n_runs"].to_numpy())[:-1]])
    scores = rb["score"].to_numpy(float)
    sizes = cells["n_runs"].to_numpy()
    assert np.all(np.diff(codes) >= 0)
    # cells of equal run count are resampled together: one (R, G, n) index draw per size
    for n in np.unique(sizes):
        gs = np.flatnonzero(sizes == n)
        block = scores[starts[gs][:, None] + np.arange(n)[None, :]]  # (G, n)
        idx = rng.integers(0, n, size=(R, gs.size, n))
        reps[:, gs] = np.take_along_axis(np.broadcast_to(block, (R, gs.size, n)), idx,
                                         axis=2).mean(axis=2)
    return TaskMeanDraws(cells=cells, replicates=reps)


def _interval(reps: np.ndarray, confidence_level: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over axis 0, ignoring NaN replicates (NaN where none is finite)."""
    if not 0 < confidence_level < 1:
        raise ValueError("confidence_level must be in (0, 1)")
    q = [50 * (1 - confidence_level), 50 * (1 + confidence_level)]
    reps = np.asarray(reps, dtype=float)
    if reps.ndim == 1:
        reps = reps[:, None]
    lo = np.full(reps.shape[1], np.nan)
    hi = np.full(reps.shape[1], np.nan)
    finite = np.isfinite(reps)
    for j in np.flatnonzero(finite.any(axis=0)):
        lo[j], hi[j] = np.percentile(reps[finite[:, j], j], q)
    return lo, hi


def rebench_task_scores(draws: TaskMeanDraws, confidence_level: float = 0.95) -> pd.DataFrame:
    """Per-(model, task) RE-Bench mean score with a bootstrap percentile CI.

    Returns
    -------
    pandas.DataFrame
        ``draws.cells`` plus ``ci_low, ci_high`` (score units, dimensionless).
    """
    lo, hi = _interval(draws.replicates, confidence_level)
    return draws.cells.assign(ci_low=lo, ci_high=hi)


def rebench_means(draws: TaskMeanDraws, confidence_level: float = 0.95) -> pd.DataFrame:
    """Each model's RE-Bench mean score (equal weight per task), with and without each task.

    The mean is over the tasks of the model's task set that it ran; ``variant`` is
    ``"all tasks"`` or ``"without <task_id>"``. CIs: percentile bootstrap over runs (tasks fixed).

    Returns
    -------
    pandas.DataFrame
        ``dataset, task_set, alias, display_name, variant, dropped, n_tasks, mean_score, ci_low,
        ci_high, change`` (``change`` = this variant's mean minus the all-task mean).
    """
    cells = draws.cells
    rows, reps = [], []
    for (dataset, alias), idx in cells.groupby(MODEL_KEY, sort=True).indices.items():
        tasks = cells["task_id"].to_numpy()[idx]
        variants = [(ALL_TASKS, "", np.ones(idx.size, bool))]
        variants += [(without_label(t), t, tasks != t) for t in tasks]
        full = None
        for variant, dropped, keep in variants:
            if not keep.any():
                continue
            point = float(cells["mean_score"].to_numpy()[idx][keep].mean())
            full = point if full is None else full
            reps.append(draws.replicates[:, idx[keep]].mean(axis=1))
            rows.append({"dataset": dataset, "task_set": cells["task_set"].iloc[idx[0]],
                         "alias": alias, "display_name": cells["display_name"].iloc[idx[0]],
                         "variant": variant, "dropped": dropped, "n_tasks": int(keep.sum()),
                         "mean_score": point, "change": point - full})
    out = pd.DataFrame(rows)
    if not rows:
        return out
    lo, hi = _interval(np.column_stack(reps), confidence_level)
    out["ci_low"], out["ci_high"] = lo, hi
    return out[["dataset", "task_set", "alias", "display_name", "variant", "dropped", "n_tasks",
                "mean_score", "ci_low", "ci_high", "change"]]


# --- weight share -------------------------------------------------------------------------------


def weight_share(runs: pd.DataFrame, weighting: str = "invsqrt_task_weight") -> pd.DataFrame:
    """Share of each model's total fit weight (and of its runs) on RE-Bench tasks.

    Parameters
    ----------
    runs : tidy runs table.
    weighting : weighting of the fit (see :func:`horizonlib.model.weights.run_weights`).

    Returns
    -------
    pandas.DataFrame
        One row per (dataset, alias): ``dataset, alias, display_name, n_tasks, n_rebench_tasks,
        weight_share, run_share, task_share`` (fractions in [0, 1]; weights sum to 1 per model, so
        ``weight_share`` is the RE-Bench runs' summed weight).
    """
    runs = runs.reset_index(drop=True)
    w = run_weights(runs, weighting)
    is_rb = (runs["task_source"] == REBENCH).to_numpy()
    frame = runs.assign(_w=w, _wrb=w * is_rb, _rb=is_rb,
                        _rbtask=np.where(is_rb, runs["task_id"], None))
    out = frame.groupby(MODEL_KEY, sort=True).agg(
        display_name=("display_name", "first"), n_tasks=("task_id", "nunique"),
        n_rebench_tasks=("_rbtask", "nunique"), weight_share=("_wrb", "sum"),
        run_share=("_rb", "mean")).reset_index()
    out["task_share"] = out["n_rebench_tasks"] / out["n_tasks"]
    return out


# --- subset fits with a paired bootstrap --------------------------------------------------------


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


def _fit_cells(x, y, task_codes, W, regularization):
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
    n_bootstrap: int = 1000,
    rng: np.random.Generator | None = None,
    confidence_level: float = 0.95,
    min_log2_spread: float = MIN_LOG2_SPREAD,
    p: float = 0.5,
) -> pd.DataFrame:
    """Horizon of every model fitted on each subset of tasks, with paired bootstrap CIs.

    Weights are recomputed on each subset (normalized to 1 per model within it), as a fit on
    that data alone would have them. Replicates: one hierarchical draw per dataset
    (:func:`horizonlib.model.bootstrap.draw_replicates`, families → tasks → runs) on the full data,
    applied to every subset and model, so ratios between subsets and models are paired; a
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
    n_bootstrap : replicates per dataset.
    rng : numpy.random.Generator (required).
    confidence_level : central interval coverage.
    min_log2_spread : identifiability threshold in log2 minutes (1.0 = a factor of 2 in length).
    p : success probability of the horizon (0.5).

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
    if not isinstance(rng, np.random.Generator):
        raise TypeError("pass an explicit numpy.random.Generator as rng")
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
        draws = draw_replicates(runs.iloc[ds], n_bootstrap, rng)
        aliases = runs["alias"].to_numpy()[ds]
        for alias in sorted(set(aliases)):
            local = np.flatnonzero(aliases == alias)  # positions within the dataset
            cols = ds[local]
            task_codes = draws.run_task_index[local]
            counts = draws.run_counts[:, local].astype(float)
            ref = None
            # the all-task fit first: it is the reference of every ratio
            for name in [ALL_TASKS] + [k for k in masks if k != ALL_TASKS]:
                mask = masks[name]
                keep = mask[cols]
                if not keep.any():
                    continue
                w = sub_w[name][cols]
                x, y = x_all[cols], y_all[cols]
                W = np.vstack([w, counts * w])  # row 0: the point fit on all data
                res = _fit_cells(x, y, task_codes, W, regularization)
                h = np.asarray(horizon_at(p, res.intercept, res.slope), dtype=float)
                ok = (res.status == "ok") & np.isfinite(h) & (h > 0)
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
                lo, hi = _interval(boot, confidence_level)
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
                    rlo, rhi = _interval(ratio_boot, confidence_level)
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


# --- leave-one-out influence --------------------------------------------------------------------


def loo_weights(runs: pd.DataFrame, level: str = "task",
                weighting: str = "invsqrt_task_weight") -> tuple[np.ndarray, np.ndarray]:
    """Weights of ONE model's runs after dropping each task (or family), recomputed and normalized.

    Equivalent to calling :func:`horizonlib.model.weights.run_weights` on the runs without the dropped
    unit, for every unit at once: ``invsqrt_task_weight`` uses ``1 / (n_t * sqrt(k_f'))`` with
    ``k_f'`` the family's task count after the drop.

    Parameters
    ----------
    runs : the runs of one model (``task_id``, ``task_family``).
    level : ``"task"`` or ``"family"``.
    weighting : see :mod:`horizonlib.model.weights`.

    Returns
    -------
    dropped : numpy.ndarray of str, shape (U,)
        The dropped unit of each row (sorted).
    W : numpy.ndarray, shape (U, n)
        Row ``u``: weights of every run with unit ``u`` dropped (0 for its runs; each row sums to
        1 unless nothing is left).
    """
    if level not in ("task", "family"):
        raise ValueError("level must be 'task' or 'family'")
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}, got {weighting!r}")
    task_codes, tasks = pd.factorize(runs["task_id"], sort=True)
    fam_codes, fams = pd.factorize(runs["task_family"], sort=True)
    unit_codes, units = (task_codes, tasks) if level == "task" else (fam_codes, fams)
    U, T, F = len(units), len(tasks), len(fams)
    keep_run = unit_codes[None, :] != np.arange(U)[:, None]  # (U, n)
    n_t = np.bincount(task_codes, minlength=T)[task_codes].astype(float)
    if weighting == "none":
        raw = keep_run.astype(float)
    else:
        raw = keep_run / n_t[None, :]
        if weighting == "invsqrt_task_weight":
            task_fam = np.zeros(T, dtype=np.int64)
            task_fam[task_codes] = fam_codes
            task_unit = np.zeros(T, dtype=np.int64)
            task_unit[task_codes] = unit_codes
            keep_task = task_unit[None, :] != np.arange(U)[:, None]  # (U, T)
            onehot = np.zeros((T, F))
            onehot[np.arange(T), task_fam] = 1.0
            k_f = keep_task @ onehot  # (U, F): tasks left in each family
            k_run = k_f[:, fam_codes]
            raw = np.divide(raw, np.sqrt(k_run), out=np.zeros_like(raw), where=k_run > 0)
    tot = raw.sum(axis=1, keepdims=True)
    W = np.divide(raw, tot, out=np.zeros_like(raw), where=tot > 0)
    return np.asarray(units, dtype=object), W


def leave_one_out(runs: pd.DataFrame, level: str = "task", weighting: str = "invsqrt_task_weight",
                  regularization: float = 0.1, p: float = 0.5) -> pd.DataFrame:
    """Horizon of every model refitted without each task (or family) it ran.

    All refits of one model are one :func:`horizonlib.model.logistic.fit_logistic_batch` call (row 0:
    the full fit, then one weight row per dropped unit; weights recomputed after the drop).

    Returns
    -------
    pandas.DataFrame
        One row per (dataset, alias, dropped unit): ``dataset, alias, display_name, level,
        dropped, task_source`` (of the dropped unit's runs; "mixed" if several), ``p50_min``,
        ``full_p50_min`` (minutes), ``ratio_to_full``, ``log2_ratio``, ``status``.
    """
    runs = runs.reset_index(drop=True)
    unit_col = "task_id" if level == "task" else "task_family"
    x_all = np.log2(runs["human_minutes"].to_numpy(float))
    y_all = runs["success"].to_numpy(float)
    w_full = run_weights(runs, weighting)
    out = []
    for (dataset, alias), idx in runs.groupby(MODEL_KEY, sort=True).indices.items():
        sub = runs.iloc[idx]
        units, W = loo_weights(sub, level, weighting)
        W = np.vstack([w_full[idx], W])
        task_codes = pd.factorize(sub["task_id"], sort=True)[0]
        res = _fit_cells(x_all[idx], y_all[idx], task_codes, W, regularization)
        h = np.asarray(horizon_at(p, res.intercept, res.slope), dtype=float)
        h = np.where(res.status == "ok", h, np.nan)
        src = sub.groupby(unit_col)["task_source"].agg(lambda s: s.iloc[0] if s.nunique() == 1 else "mixed")
        out.append(pd.DataFrame({
            "dataset": dataset, "alias": alias, "display_name": sub["display_name"].iloc[0],
            "level": level, "dropped": units, "task_source": src.reindex(units).to_numpy(),
            "p50_min": h[1:], "full_p50_min": h[0], "ratio_to_full": h[1:] / h[0],
            "log2_ratio": np.log2(h[1:] / h[0]), "status": res.status[1:].astype(str),
        }))
    if not out:
        return pd.DataFrame(columns=["dataset", "alias", "display_name", "level", "dropped",
                                     "task_source", "p50_min", "full_p50_min", "ratio_to_full",
                                     "log2_ratio", "status"])
    return pd.concat(out, ignore_index=True)


def top_movers(influence: pd.DataFrame, n: int = 1) -> pd.DataFrame:
    """The ``n`` dropped units that move each model's horizon most (largest ``|log2_ratio|``)."""
    frame = influence.assign(_abs=influence["log2_ratio"].abs())
    frame = frame.sort_values(MODEL_KEY + ["level", "_abs"], ascending=[True, True, True, False],
                              kind="stable")
    return frame.groupby(MODEL_KEY + ["level"], sort=True).head(n).drop(columns="_abs").reset_index(drop=True)


# --- calibration --------------------------------------------------------------------------------


def calibration(runs: pd.DataFrame, by: str = "bucket", weighting: str = "invsqrt_task_weight",
                regularization: float = 0.1, edges=LENGTH_BUCKET_EDGES) -> pd.DataFrame:
    """Observed against predicted success per length bucket or per task source, per model.

    Each model's curve is its all-task fit (:func:`horizonlib.model.horizons.fit_horizons`). Within a
    group, ``observed = sum(w y) / sum(w)`` and ``predicted = sum(w p) / sum(w)`` with the fit's own
    run weights ``w``, so a perfectly calibrated curve has ``observed == predicted`` up to noise.

    Parameters
    ----------
    by : ``"bucket"`` (human-minute buckets ``edges``) or ``"source"`` (task source).

    Returns
    -------
    pandas.DataFrame
        ``dataset, alias, display_name, group, mid_minutes`` (geometric mean length of the group's
        runs), ``n_runs, n_tasks, weight, observed, predicted, gap`` (observed − predicted).
    """
    if by not in ("bucket", "source"):
        raise ValueError("by must be 'bucket' or 'source'")
    runs = runs.reset_index(drop=True)
    fits = fit_horizons(runs, weighting, regularization, [50]).set_index(MODEL_KEY)
    key = pd.MultiIndex.from_frame(runs[MODEL_KEY])
    a = fits["intercept"].reindex(key).to_numpy(float)
    b = fits["slope"].reindex(key).to_numpy(float)
    x = np.log2(runs["human_minutes"].to_numpy(float))
    w = run_weights(runs, weighting)
    pred = 1.0 / (1.0 + np.exp(-(a + b * x)))
    if by == "bucket":
        group = pd.cut(runs["human_minutes"], bins=list(edges), labels=length_bucket_labels(edges),
                       right=False).astype(str)
    else:
        group = runs["task_source"].astype(str)
    frame = runs.assign(group=group.to_numpy(), _w=w, _wy=w * runs["success"].to_numpy(float),
                        _wp=w * pred, _x=x)
    out = frame.groupby(MODEL_KEY + ["group"], sort=True).agg(
        display_name=("display_name", "first"), n_runs=("run_id", "size"),
        n_tasks=("task_id", "nunique"), weight=("_w", "sum"), wy=("_wy", "sum"),
        wp=("_wp", "sum"), mx=("_x", "mean")).reset_index()
    out["observed"] = out.pop("wy") / out["weight"]
    out["predicted"] = out.pop("wp") / out["weight"]
    out["gap"] = out["observed"] - out["predicted"]
    out["mid_minutes"] = 2.0 ** out.pop("mx")
    return out[["dataset", "alias", "display_name", "group", "mid_minutes", "n_runs", "n_tasks",
                "weight", "observed", "predicted", "gap"]]


# --- results rows -------------------------------------------------------------------------------


def rebench_results(scores: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``rebench.csv``: ``model, task_id, task_set, mean_score, ci_low, ci_high, n_runs``."""
    return scores.rename(columns={"alias": "model"})[
        ["model", "task_id", "task_set", "mean_score", "ci_low", "ci_high", "n_runs"]]


def influence_results(influence: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``influence.csv``: ``model`` (``alias [dataset]``), ``dropped, level, p50_min,
    ratio_to_full``."""
    return pd.DataFrame({
        "model": [model_label(d, a) for d, a in zip(influence["dataset"], influence["alias"])],
        "dropped": influence["dropped"].astype(str), "level": influence["level"],
        "p50_min": influence["p50_min"].astype(float),
        "ratio_to_full": influence["ratio_to_full"].astype(float)})


def ablation_rows(
    shares: pd.DataFrame | None = None,
    fits: pd.DataFrame | None = None,
    means: pd.DataFrame | None = None,
    kernel_task: str | None = None,
    weighting: str = "invsqrt_task_weight",
) -> pd.DataFrame:
    """Rows for the shared ``ablations.csv`` (questions ``rebench_share``, ``subset_fit``,
    ``drop_kernel``).

    * ``rebench_share``: metric ``weight_share`` / ``run_share`` (fractions), variant = weighting.
    * ``subset_fit``: metric ``p50_min`` (minutes) and ``ratio_to_all`` per subset, with CIs.
    * ``drop_kernel``: for every model that ran ``kernel_task``: ``p50_min`` (variants
      ``all tasks`` and ``without <kernel>``), ``ratio_to_all`` (variant ``without <kernel>``,
      paired CI), and ``rebench_mean`` (variants ``all tasks`` / ``without <kernel>``; the task
      set is in the model label's dataset).

    ``model`` is ``alias [dataset]`` (:func:`model_label`). Unidentified fits keep NaN estimates.
    """
    rows = []

    def add(question, dataset, alias, variant, metric, est, lo=np.nan, hi=np.nan):
        rows.append({"question": question, "model": model_label(dataset, alias),
                     "variant": variant, "metric": metric, "estimate": float(est),
                     "ci_low": float(lo), "ci_high": float(hi)})

    if shares is not None:
        for r in shares.itertuples(index=False):
            add("rebench_share", r.dataset, r.alias, weighting, "weight_share", r.weight_share)
            add("rebench_share", r.dataset, r.alias, weighting, "run_share", r.run_share)
    kernel_variant = without_label(kernel_task) if kernel_task else None
    if fits is not None:
        # a model that never ran the kernel task has no "without kernel" result (same runs)
        ran = kernel_models(fits, kernel_task)
        ran_keys = set(zip(ran["dataset"], ran["alias"]))
        for r in fits.itertuples(index=False):
            if r.subset == kernel_variant and (r.dataset, r.alias) not in ran_keys:
                continue
            question = "drop_kernel" if r.subset == kernel_variant else "subset_fit"
            add(question, r.dataset, r.alias, r.subset, "p50_min", r.p50_min, r.ci_low_min,
                r.ci_high_min)
            if r.subset != ALL_TASKS:
                add(question, r.dataset, r.alias, r.subset, "ratio_to_all", r.ratio_to_all,
                    r.ratio_ci_low, r.ratio_ci_high)
        if kernel_variant:
            full = fits[fits["subset"] == ALL_TASKS].merge(ran[MODEL_KEY], on=MODEL_KEY)
            for r in full.itertuples(index=False):
                add("drop_kernel", r.dataset, r.alias, ALL_TASKS, "p50_min", r.p50_min,
                    r.ci_low_min, r.ci_high_min)
    if means is not None and kernel_variant:
        ran = means.loc[means["dropped"] == kernel_task, MODEL_KEY].drop_duplicates()
        sel = means.merge(ran, on=MODEL_KEY)
        sel = sel[sel["variant"].isin([ALL_TASKS, kernel_variant])]
        for r in sel.itertuples(index=False):
            add("drop_kernel", r.dataset, r.alias, r.variant, "rebench_mean", r.mean_score,
                r.ci_low, r.ci_high)
    return pd.DataFrame(rows, columns=["question", "model", "variant", "metric", "estimate",
                                       "ci_low", "ci_high"])


# --- spread of task lengths ---------------------------------------------------------------------


def rebench_spread(runs: pd.DataFrame) -> pd.DataFrame:
    """Spread of task lengths per dataset: all tasks and RE-Bench tasks (log2 minutes).

    Returns
    -------
    pandas.DataFrame
        ``dataset, n_rebench_tasks, rebench_min_minutes, rebench_max_minutes,
        rebench_log2_spread, all_log2_spread`` (one row per dataset with RE-Bench tasks).
    """
    tasks = runs.drop_duplicates(["dataset", "task_id"])
    x = np.log2(tasks["human_minutes"].to_numpy(float))
    frame = tasks.assign(_x=x, _rb=(tasks["task_source"] == REBENCH).to_numpy())
    allspread = frame.groupby("dataset")["_x"].agg(lambda s: s.max() - s.min())
    rb = frame[frame["_rb"]].groupby("dataset").agg(
        n_rebench_tasks=("task_id", "size"), rebench_min_minutes=("human_minutes", "min"),
        rebench_max_minutes=("human_minutes", "max"), lo=("_x", "min"), hi=("_x", "max"))
    rb["rebench_log2_spread"] = rb.pop("hi") - rb.pop("lo")
    rb["all_log2_spread"] = allspread.reindex(rb.index)
    return rb.reset_index()


# --- chapter helpers: the tables the chapter's analyses need ------------------------------------


def with_task_sets(runs: pd.DataFrame) -> pd.DataFrame:
    """The RE-Bench runs of ``runs`` with a ``task_set`` column (:func:`task_set_labels`)."""
    rb = runs[runs["task_source"] == REBENCH]
    return rb.assign(task_set=rb["dataset"].map(task_set_labels(runs)))


def leave_one_out_levels(runs: pd.DataFrame, weighting: str = "invsqrt_task_weight",
                         regularization: float = 0.1) -> pd.DataFrame:
    """:func:`leave_one_out` at both levels (task, then family), concatenated."""
    return pd.concat([leave_one_out(runs, "task", weighting, regularization),
                      leave_one_out(runs, "family", weighting, regularization)],
                     ignore_index=True)


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

