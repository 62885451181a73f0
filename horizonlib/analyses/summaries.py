"""Descriptive summaries of a tidy runs table (analyses layer).

Nothing here fits a model: these are counts and raw success rates that describe what the
configured run files contain, for the data chapter and for sanity checks. Task lengths are
human minutes; length buckets follow METR's (1–4, 4–16, 16–64, 64–256, 256–960 minutes, plus
the tails below 1 and above 960 minutes).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Edges of the task-length buckets, in human minutes (METR's bins plus open tails).
LENGTH_BUCKET_EDGES = (0.0, 1.0, 4.0, 16.0, 64.0, 256.0, 960.0, np.inf)

MODEL_KEY = ["dataset", "alias"]


def length_bucket_labels(edges=LENGTH_BUCKET_EDGES) -> list[str]:
    """Labels such as ``"4–16 min"`` for consecutive bucket edges (minutes)."""
    labels = []
    for low, high in zip(edges[:-1], edges[1:]):
        if low == 0:
            labels.append(f"< {high:g} min")
        elif np.isinf(high):
            labels.append(f"> {low:g} min")
        else:
            labels.append(f"{low:g}–{high:g} min")
    return labels


def dataset_overview(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per dataset: models, runs, tasks, families, and the human-minute range.

    Returns
    -------
    DataFrame with columns ``dataset, models, runs, tasks, families, min_human_minutes,
    max_human_minutes, success_rate`` (success rate unweighted, over runs).
    """
    grouped = runs.groupby("dataset", sort=True)
    return pd.DataFrame(
        {
            "models": grouped["alias"].nunique(),
            "runs": grouped.size(),
            "tasks": grouped["task_id"].nunique(),
            "families": grouped["task_family"].nunique(),
            "min_human_minutes": grouped["human_minutes"].min(),
            "max_human_minutes": grouped["human_minutes"].max(),
            "success_rate": grouped["success"].mean(),
        }
    ).reset_index()


def tasks_by_source(runs: pd.DataFrame) -> pd.DataFrame:
    """Tasks and runs per (dataset, model, task source), as a wide table.

    Columns are ``(quantity, task_source)`` pairs with quantity ``tasks`` or ``runs``; rows are
    ``(dataset, alias)``. A model that never ran a source shows 0.
    """
    counts = runs.groupby(MODEL_KEY + ["task_source"], sort=True).agg(
        tasks=("task_id", "nunique"), runs=("run_id", "size")
    )
    table = counts.unstack("task_source", fill_value=0)
    table.columns = table.columns.set_names(["", "task source"])
    return table.rename_axis(index=["dataset", "model"])


def task_table(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per (dataset, task): family, source, human minutes, models and runs.

    ``runs_per_model`` is the median number of runs per model that ran the task.
    """
    per_model = runs.groupby(["dataset", "task_id", "alias"]).size()
    per_task = runs.groupby(["dataset", "task_id"], sort=True).agg(
        task_family=("task_family", "first"),
        task_source=("task_source", "first"),
        human_minutes=("human_minutes", "first"),
        models=("alias", "nunique"),
        runs=("run_id", "size"),
    )
    per_task["runs_per_model"] = per_model.groupby(["dataset", "task_id"]).median()
    return per_task.reset_index()


def success_by_length(runs: pd.DataFrame, edges=LENGTH_BUCKET_EDGES) -> pd.DataFrame:
    """Raw (unweighted) success rate per model and task-length bucket.

    Parameters
    ----------
    runs : tidy runs table.
    edges : bucket edges in human minutes.

    Returns
    -------
    DataFrame with columns ``dataset, alias, display_name, bucket, bucket_mid_minutes,
    n_runs, n_tasks, success_rate``; buckets without runs are omitted. ``bucket_mid_minutes``
    is the geometric mean of the runs' human minutes in the bucket (minutes).
    """
    labels = length_bucket_labels(edges)
    bucket = pd.cut(runs["human_minutes"], bins=list(edges), labels=labels, right=False)
    frame = runs.assign(bucket=bucket, log_minutes=np.log(runs["human_minutes"]))
    table = (
        frame.groupby(MODEL_KEY + ["display_name", "bucket"], observed=True, sort=True)
        .agg(
            n_runs=("run_id", "size"),
            n_tasks=("task_id", "nunique"),
            success_rate=("success", "mean"),
            mean_log_minutes=("log_minutes", "mean"),
        )
        .reset_index()
    )
    table["bucket_mid_minutes"] = np.exp(table.pop("mean_log_minutes"))
    return table[
        ["dataset", "alias", "display_name", "bucket", "bucket_mid_minutes", "n_runs", "n_tasks",
         "success_rate"]
    ]
