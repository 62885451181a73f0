"""Results rows of the per-task breakdowns (analyses layer).

The rows of ``rebench.csv``, ``influence.csv`` and the breakdowns' share of ``ablations.csv``, in
the schemas of :mod:`horizonlib.report.results`; models are labelled ``alias [dataset]``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from horizonlib.analyses.breakdowns.selection import (
    ALL_TASKS,
    MODEL_KEY,
    model_label,
    without_label,
)
from horizonlib.analyses.breakdowns.subsets import kernel_models


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
