"""Where a paired difference's interval width comes from: families, tasks or runs (analyses layer).

The statistics of :mod:`horizonlib.analyses.noise.pairs` under restricted resampling — only
families, only tasks, only runs (:func:`horizonlib.analyses.noise.replicates.draw_level_replicates`)
— against all three levels together. The variances of the single-level bootstraps need not add
up to the full one; their shares show which level dominates (:func:`level_decomposition`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from horizonlib.analyses.noise.replicates import LEVELS, paired_run_statistics, percentile_interval

if TYPE_CHECKING:
    from horizonlib.model.shared_draws import SharedDraws


def ci_width_by_level(
    runs: pd.DataFrame,
    model_a: str,
    model_b: str,
    draws: SharedDraws,
    rng: np.random.Generator,
    weighting: str = "invsqrt_task_weight",
    regularization: float = 0.1,
    kernel_task: str | None = None,
    confidence_level: float = 0.95,
    samples: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """CI width of each paired statistic when only one level (or all) is resampled.

    Parameters
    ----------
    runs : pandas.DataFrame
        Runs of one dataset holding both models.
    draws : horizonlib.model.shared_draws.SharedDraws
        The build's shared draws: the ``all`` levels row (the same replicates as
        :func:`horizonlib.analyses.noise.pairs.compare_pairs`).
    rng : numpy.random.Generator
        Source of the single-level draws (e.g. ``default_rng(seed)``).
    samples : pandas.DataFrame, optional
        The headline bootstrap table on ``draws``, for the ``all`` row's 50% horizons
        (:func:`horizonlib.analyses.noise.replicates.paired_run_statistics`).

    Returns
    -------
    pandas.DataFrame
        Columns ``metric, levels`` ("family", "task", "run", "all"), ``ci_low, ci_high,
        width`` (for ``p50_ratio`` the width is of log2 ratio, in doublings), ``variance``
        (of the same scale) and ``share`` (variance / sum of the three single-level variances).
    """
    rows = []
    for name, levels in (("all", LEVELS), ("family", ("family",)), ("task", ("task",)),
                         ("run", ("run",))):
        res = paired_run_statistics(runs, model_a, model_b, draws, weighting, regularization,
                                    kernel_task, levels, rng, samples)
        for metric, vals in res["replicates"].items():
            v = vals[np.isfinite(vals)]
            lo, hi = percentile_interval(v, confidence_level)
            if metric == "p50_ratio":
                v = np.log2(v[v > 0])
                width = float(np.log2(hi) - np.log2(lo))
            else:
                width = hi - lo
            rows.append({"metric": metric, "levels": name, "ci_low": lo, "ci_high": hi,
                         "width": width, "variance": float(np.var(v)) if len(v) else np.nan})
    out = pd.DataFrame(rows)
    single = out[out["levels"] != "all"].groupby("metric")["variance"].transform("sum")
    out["share"] = np.where(out["levels"] != "all", out["variance"] / single.reindex(out.index),
                            np.nan)
    return out


def level_decomposition(
    runs: pd.DataFrame,
    table: pd.DataFrame,
    draws: SharedDraws,
    rng: np.random.Generator,
    weighting: str = "invsqrt_task_weight",
    regularization: float = 0.1,
    kernel_task: str | None = None,
    confidence_level: float = 0.95,
    samples: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame | None, tuple[str, str] | None]:
    """:func:`ci_width_by_level` for the first pair of ``table`` compared on run data.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs (all datasets).
    table : pandas.DataFrame
        :func:`compare_pairs` output.
    draws, rng, samples
        As in :func:`ci_width_by_level`.

    Returns
    -------
    widths : pandas.DataFrame or None
        :func:`ci_width_by_level` output; None when no pair has common run data.
    pair : tuple of str or None
        ``(model_a, model_b)`` of that pair.
    """
    first = table[table["source"].astype(str).str.startswith("runs:")].head(1)
    if first.empty:
        return None, None
    pair = (str(first["model_a"].iloc[0]), str(first["model_b"].iloc[0]))
    dataset = str(first["source"].iloc[0]).split(":", 1)[1]
    widths = ci_width_by_level(runs[runs["dataset"] == dataset], *pair, draws, rng,
                               weighting, regularization, kernel_task, confidence_level, samples)
    return widths, pair
