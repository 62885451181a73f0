"""RE-Bench per task: mean scores, their bootstrap, and RE-Bench's share of a fit (analyses layer).

* **Per-task scores** (:func:`rebench_task_draws`, :func:`rebench_task_scores`): mean continuous
  (normalized, dimensionless) score per (model, task) with a percentile bootstrap over runs within
  the cell (tasks fixed).
* **RE-Bench means** (:func:`rebench_means`): each model's RE-Bench mean (equal weight per task)
  with and without each task.
* **Weight share** (:func:`weight_share`): the share of a model's total fit weight (weights sum to
  1 per model) carried by RE-Bench runs.
* **Spread** (:func:`rebench_spread`): how far RE-Bench's task lengths spread (log2 minutes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from horizonlib.analyses.breakdowns.intervals import percentile_interval
from horizonlib.analyses.breakdowns.selection import (
    ALL_TASKS,
    MODEL_KEY,
    REBENCH,
    rebench_only,
    task_set_labels,
    without_label,
)
from horizonlib.model.weights import run_weights


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


def rebench_task_scores(draws: TaskMeanDraws, confidence_level: float = 0.95) -> pd.DataFrame:
    """Per-(model, task) RE-Bench mean score with a bootstrap percentile CI.

    Returns
    -------
    pandas.DataFrame
        ``draws.cells`` plus ``ci_low, ci_high`` (score units, dimensionless).
    """
    lo, hi = percentile_interval(draws.replicates, confidence_level)
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
    lo, hi = percentile_interval(np.column_stack(reps), confidence_level)
    out["ci_low"], out["ci_high"] = lo, hi
    return out[["dataset", "task_set", "alias", "display_name", "variant", "dropped", "n_tasks",
                "mean_score", "ci_low", "ci_high", "change"]]


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
