"""Calibration of the horizon fit: observed against predicted success per group (analyses layer).

For each model and group of runs (length bucket or task source), the weighted observed success
rate ``sum(w y) / sum(w)`` against the weighted mean predicted probability ``sum(w p) / sum(w)``,
``p = sigmoid(a + b log2 minutes)`` from the model's own fit and weights.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from horizonlib.analyses.breakdowns.selection import MODEL_KEY
from horizonlib.analyses.summaries import LENGTH_BUCKET_EDGES, length_bucket_labels
from horizonlib.model.horizons import fit_horizons
from horizonlib.model.weights import run_weights


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
