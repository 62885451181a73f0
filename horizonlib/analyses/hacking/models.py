"""A model's runs by name, and its RE-Bench mean (analyses layer).

A model named by display name (or alias) is the ``(dataset, alias)`` of the dataset listed last
in the runs table (:func:`locate_model`); measurements in several datasets are never pooled.
The RE-Bench mean of a model (:func:`rebench_means`) is the mean over its RE-Bench tasks of the
mean normalized score of its runs on each task (every task counts once).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def locate_model(runs: pd.DataFrame, name: str) -> tuple[str, str] | None:
    """The ``(dataset, alias)`` of a model named by display name (or alias).

    When the model was measured in several datasets the one listed last in ``runs`` (the most
    recent file of an edition's ``runs`` list) is taken; measurements are never pooled.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs table.
    name : str
        Display name (``"o3"``) or exact alias (``"o3 (Inspect)"``).

    Returns
    -------
    tuple of str or None
        ``(dataset, alias)``, or None when no run of that model is present.
    """
    hit = runs[(runs["display_name"] == name) | (runs["alias"] == name)]
    if hit.empty:
        return None
    datasets = list(pd.unique(runs["dataset"]))
    last = max(pd.unique(hit["dataset"]), key=datasets.index)
    alias = hit.loc[hit["dataset"] == last, "alias"].iloc[0]
    return str(last), str(alias)


def model_runs(runs: pd.DataFrame, name: str) -> pd.DataFrame:
    """The runs of one model (see :func:`locate_model`); empty when absent."""
    where = locate_model(runs, name)
    if where is None:
        return runs.iloc[0:0]
    return runs[(runs["dataset"] == where[0]) & (runs["alias"] == where[1])]


def rebench_means(runs: pd.DataFrame, exclude_tasks: Sequence[str] = ()) -> pd.DataFrame:
    """Mean normalized RE-Bench score per model (each task counts once).

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs table (non-RE-Bench runs are ignored).
    exclude_tasks : sequence of str, optional
        Task ids left out (e.g. the kernel task).

    Returns
    -------
    pandas.DataFrame
        Columns ``dataset, alias, display_name, rebench_mean`` (normalized score, mostly in
        [0, 1]), ``n_tasks``, ``n_runs``; one row per model with RE-Bench runs.
    """
    rb = runs[(runs["task_source"] == "RE-Bench") & ~runs["task_id"].isin(list(exclude_tasks))]
    cols = ["dataset", "alias", "display_name", "rebench_mean", "n_tasks", "n_runs"]
    if rb.empty:
        return pd.DataFrame(columns=cols)
    per_task = rb.groupby(["dataset", "alias", "display_name", "task_id"])["score"].agg(
        ["mean", "size"]).reset_index()
    out = per_task.groupby(["dataset", "alias", "display_name"]).agg(
        rebench_mean=("mean", "mean"), n_tasks=("task_id", "size"), n_runs=("size", "sum"),
    ).reset_index()
    return out[cols]


def missing_models(runs: pd.DataFrame, names: Sequence[str]) -> list[str]:
    """The names of ``names`` that have no run in ``runs`` (see :func:`locate_model`)."""
    return [n for n in names if locate_model(runs, n) is None]
