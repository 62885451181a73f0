"""The fitted curves of the horizon fit chapter (analyses layer).

For each model ``(dataset, alias)`` METR's curve ``P(success) = sigmoid(intercept + slope *
log2(human_minutes))`` is fitted by :mod:`horizonlib.model.horizons`; this module arranges those
fits into what the chapter shows: the observed success rate per task, each curve on a grid of task
lengths (minutes), the 50% horizons that lie below every task a model ran (extrapolated), and how
the penalty moves the p50 and p80 horizons (:func:`regularization_effect`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from horizonlib.model.horizons import fit_horizons


#: Task lengths (minutes) at which fitted curves are drawn: 6 seconds to about 28 hours.
CURVE_GRID_MIN = np.logspace(-1, np.log10(1680), 120)


def curve_points(runs: pd.DataFrame) -> pd.DataFrame:
    """Observed success per model and task: the points under each fitted curve.

    Returns
    -------
    DataFrame with columns ``dataset, alias, task_id, human_minutes, success_rate, n_runs``.
    """
    return (
        runs.groupby(["dataset", "alias", "task_id"], sort=True)
        .agg(human_minutes=("human_minutes", "first"), success_rate=("success", "mean"),
             n_runs=("success", "size"))
        .reset_index()
    )


def extrapolated_horizons(fits: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """Models whose 50% horizon is shorter than the shortest task they ran (minutes).

    Returns
    -------
    DataFrame with columns ``dataset, alias, p50_min, shortest_task_min``.
    """
    shortest = runs.groupby(["dataset", "alias"])["human_minutes"].min().rename(
        "shortest_task_min")
    merged = fits.merge(shortest.reset_index(), on=["dataset", "alias"])
    out = merged[merged["p50_min"] < merged["shortest_task_min"]]
    return out[["dataset", "alias", "p50_min", "shortest_task_min"]].reset_index(drop=True)


def curve_grid(fits: pd.DataFrame, minutes: np.ndarray = CURVE_GRID_MIN) -> pd.DataFrame:
    """Fitted success probability on a grid of task lengths, for every model that fitted.

    Parameters
    ----------
    fits : output of :func:`horizonlib.model.horizons.fit_horizons`.
    minutes : task lengths in minutes.

    Returns
    -------
    DataFrame with columns ``dataset, alias, human_minutes, p_success``.
    """
    ok = fits[fits["status"] == "ok"]
    x = np.log2(minutes)
    logits = ok["intercept"].to_numpy()[:, None] + ok["slope"].to_numpy()[:, None] * x[None, :]
    return pd.DataFrame({
        "dataset": np.repeat(ok["dataset"].to_numpy(), len(x)),
        "alias": np.repeat(ok["alias"].to_numpy(), len(x)),
        "human_minutes": np.tile(minutes, len(ok)),
        "p_success": (1.0 / (1.0 + np.exp(-logits))).ravel(),
    })


def regularization_effect(runs: pd.DataFrame, weighting: str, regularization: float,
                          compare_to: float = 0.0) -> pd.DataFrame:
    """p50 and p80 at two penalties, and their ratio, per model.

    Returns
    -------
    DataFrame with columns ``dataset, alias, slope, slope_compared, p50_min, p50_compared_min,
    p50_ratio, p80_min, p80_compared_min, p80_ratio`` (ratio = at ``regularization`` / at
    ``compare_to``); only models whose both fits succeeded.
    """
    a = fit_horizons(runs, weighting, regularization, (50, 80))
    b = fit_horizons(runs, weighting, compare_to, (50, 80))
    merged = a.merge(b, on=["dataset", "alias"], suffixes=("", "_cmp"))
    merged = merged[(merged["status"] == "ok") & (merged["status_cmp"] == "ok")]
    out = pd.DataFrame({"dataset": merged["dataset"], "alias": merged["alias"],
                        "slope": merged["slope"], "slope_compared": merged["slope_cmp"]})
    for col in ("p50", "p80"):
        out[f"{col}_min"] = merged[f"{col}_min"]
        out[f"{col}_compared_min"] = merged[f"{col}_min_cmp"]
        out[f"{col}_ratio"] = merged[f"{col}_min"] / merged[f"{col}_min_cmp"]
    return out.reset_index(drop=True)
