"""Results rows of the per-task breakdowns (analyses layer).

The rows of ``rebench.csv``, ``influence.csv`` and the breakdowns' share of ``ablations.csv``, in
the schema of :mod:`horizonlib.report.results_schema`: a model is named by ``dataset, alias,
display_name``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from horizonlib.analyses.ablations import ablation_frame, ablation_row
from horizonlib.analyses.breakdowns.selection import ALL_TASKS, MODEL_KEY, without_label
from horizonlib.analyses.breakdowns.subsets import kernel_models


def rebench_results(scores: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``rebench.csv``: ``dataset, alias, display_name, task_id, n_set_tasks`` (RE-Bench
    tasks of the dataset), ``mean_score, ci_low, ci_high`` (normalized score), ``n_runs``."""
    n_set_tasks = scores.groupby("dataset")["task_id"].transform("nunique")
    return scores.assign(n_set_tasks=n_set_tasks.astype(int))[
        ["dataset", "alias", "display_name", "task_id", "n_set_tasks", "mean_score", "ci_low",
         "ci_high", "n_runs"]]


def influence_results(influence: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``influence.csv``: ``dataset, alias, display_name, level, dropped, p50_min``
    (minutes), ``ratio_to_full``."""
    return pd.DataFrame({
        "dataset": influence["dataset"].astype(str), "alias": influence["alias"].astype(str),
        "display_name": influence["display_name"].astype(str),
        "level": influence["level"], "dropped": influence["dropped"].astype(str),
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
      set is the row's dataset).

    A model is named by ``dataset, alias, display_name``. Unidentified fits keep NaN estimates.
    """
    rows = []

    def add(question, dataset, alias, variant, metric, est, lo=np.nan, hi=np.nan):
        rows.append(ablation_row(question, dataset, alias, variant, metric, est, lo, hi))

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
    return ablation_frame(rows)
