r"""Leave-one-out influence of each task or family on a model's horizon (analyses layer).

The horizon (:math:`h_{50} = 2^{-a/b}` minutes of the fit
:math:`P(\text{success}) = \sigma(a + b \log_2 \text{minutes})`) is refitted without each task
(or family), weights recomputed after the drop (:func:`loo_weights`), all refits of a model in one
vectorised :func:`horizonlib.model.logistic.fit_logistic_batch` call (one weight row per dropped
unit); :func:`leave_one_out` reports each refit's ratio to the full fit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from horizonlib.analyses.breakdowns.selection import MODEL_KEY
from horizonlib.analyses.breakdowns.subsets import fit_cells
from horizonlib.model.logistic import horizon_at
from horizonlib.model.weights import WEIGHTINGS, run_weights


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
        res = fit_cells(x_all[idx], y_all[idx], task_codes, W, regularization)
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


def leave_one_out_levels(runs: pd.DataFrame, weighting: str = "invsqrt_task_weight",
                         regularization: float = 0.1) -> pd.DataFrame:
    """:func:`leave_one_out` at both levels (task, then family), concatenated."""
    return pd.concat([leave_one_out(runs, "task", weighting, regularization),
                      leave_one_out(runs, "family", weighting, regularization)],
                     ignore_index=True)
