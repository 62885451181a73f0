"""Per-run sample weights for the logistic fits (METR's task weighting).

For one model (one ``(dataset, alias)``), let ``n_t`` be the number of its runs on task ``t`` and
``k_f`` the number of distinct tasks of family ``f`` it ran. Before normalization a run ``i`` on
task ``t(i)`` of family ``f(i)`` gets

* ``equal_task_weight``:    ``u_i = 1 / n_t``                     (every task counts once),
* ``invsqrt_task_weight``:  ``u_i = 1 / (n_t * sqrt(k_f))``       (a family of ``k`` tasks counts
  ``sqrt(k)`` times),
* ``none``:                 ``u_i = 1``                           (every run counts once),

and the weights are normalized, ``w_i = u_i / sum_j u_j`` over the model's runs, so they sum to 1
per ``(dataset, alias)``. This is METR's ``compute_task_weights.compute_sample_weights``; the
weights stored in METR's run files are ignored and recomputed here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

WEIGHTINGS = ("invsqrt_task_weight", "equal_task_weight", "none")


def run_weights(runs: pd.DataFrame, weighting: str) -> np.ndarray:
    """Sample weight of every run, normalized to sum to 1 per ``(dataset, alias)``.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs table with at least ``alias``, ``task_id`` and ``task_family`` (and ``dataset``;
        when it is absent all rows are treated as one dataset).
    weighting : {"invsqrt_task_weight", "equal_task_weight", "none"}
        Weighting scheme (see the module docstring).

    Returns
    -------
    numpy.ndarray
        float64 array aligned with the rows of ``runs`` (dimensionless, each model's weights sum
        to 1). Independent of the row order of ``runs`` (up to floating-point summation order).

    Raises
    ------
    ValueError
        For an unknown ``weighting`` or a task listed under two families.
    """
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}, got {weighting!r}")
    n = len(runs)
    if n == 0:
        return np.zeros(0)
    dataset = runs["dataset"] if "dataset" in runs.columns else pd.Series("", index=runs.index)
    model = pd.Series(
        pd.factorize(pd.MultiIndex.from_arrays([dataset.astype(str), runs["alias"].astype(str)]))[0],
        index=runs.index,
    )
    frame = pd.DataFrame(
        {"model": model.to_numpy(), "task": runs["task_id"].to_numpy(),
         "family": runs["task_family"].to_numpy()}
    )
    fam_per_task = frame.groupby(["model", "task"])["family"].nunique()
    if (fam_per_task > 1).any():
        bad = fam_per_task[fam_per_task > 1].index[0][1]
        raise ValueError(f"task {bad!r} appears under more than one task_family")

    if weighting == "none":
        raw = np.ones(n)
    else:
        # runs of this model on this task
        n_task = frame.groupby(["model", "task"])["task"].transform("size").to_numpy(float)
        raw = 1.0 / n_task
        if weighting == "invsqrt_task_weight":
            # distinct tasks of this family that this model ran
            k_fam = frame.groupby(["model", "family"])["task"].transform("nunique").to_numpy(float)
            raw = raw / np.sqrt(k_fam)
    totals = pd.Series(raw).groupby(frame["model"].to_numpy()).transform("sum").to_numpy()
    w = raw / totals
    sums = np.bincount(frame["model"].to_numpy(), weights=w)
    assert np.allclose(sums, 1.0, rtol=0, atol=1e-12), "weights must sum to 1 per model"
    return w
