"""Hierarchical paired bootstrap of the time horizons (METR's scheme, vectorized fits).

Replicates are run multiplicities (:class:`~horizonlib.model.draws.ReplicateDraws`), drawn per
dataset either by the book's own generator (``bootstrap_rng = "numpy"``,
:func:`~horizonlib.model.draws.draw_replicates`: METR's scheme, the book's seed) or by replaying
METR's streams (``"metr"``, :func:`~horizonlib.model.metr_draws.draw_metr_replicates`: METR's
samples one by one). The fits of all replicates of a model are one batched call: the exact
optimum (``solver = "exact"``, :func:`~horizonlib.model.logistic.fit_logistic_batch`) or the
replay of scikit-learn's early-stopping solver that METR ran (``"metr"``,
:func:`~horizonlib.model.lbfgs_replay.fit_lbfgs_batch`).

Weights follow METR: the per-run weights ``w_i`` are computed once on the full data
(:func:`horizonlib.model.weights.run_weights`) and a replicate fits with weights ``c_ri * w_i``, neither
recomputed nor renormalized (a task drawn twice counts twice; the total weight, and so the relative
strength of the slope penalty, varies between replicates). ``renormalize=True`` rescales each
model's replicate weights to sum to 1 instead (an ablation; not METR's choice).

A replicate in which a model has no successes or no failures has no finite fit: METR skips it
(a blank cell). Here it is kept with ``horizon_min = NaN`` and a ``status`` naming the reason
(``no_successes``, ``no_failures``, ``no_runs``, ...), so it is counted, never silently dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from horizonlib.model.draws import ReplicateDraws, draw_replicates
from horizonlib.model.lbfgs_replay import fit_lbfgs_batch
from horizonlib.model.logistic import SOLVERS, degenerate_status, fit_logistic_batch, horizon_at
from horizonlib.model.metr_draws import draw_metr_replicates
from horizonlib.model.weights import run_weights

if TYPE_CHECKING:  # a type only: shared_draws imports this module
    from horizonlib.model.shared_draws import SharedDraws

__all__ = ["BOOTSTRAP_RNGS", "ReplicateDraws", "bootstrap_horizons", "draw_dataset_replicates",
           "draw_replicates"]

#: The parameter ``bootstrap_rng``: the book's generator (``numpy``) or METR's streams (``metr``).
BOOTSTRAP_RNGS = ("numpy", "metr")

REQUIRED_COLUMNS = ("alias", "task_id", "task_family", "human_minutes", "success")


def _check_runs(runs: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in runs.columns]
    if missing:
        raise ValueError(f"runs table lacks columns {missing}")


def draw_dataset_replicates(runs: pd.DataFrame, n_bootstrap: int,
                            rng: np.random.Generator | None = None,
                            bootstrap_rng: str = "numpy") -> dict[str, ReplicateDraws]:
    """Draw the replicates of every dataset of ``runs`` (rows in ``runs`` order per dataset).

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs table (``dataset`` optional: absent means one dataset ``""``).
    n_bootstrap : int
        Replicates per dataset.
    rng : numpy.random.Generator
        Required for ``bootstrap_rng="numpy"`` (datasets drawn in sorted order); unused by
        ``"metr"``, whose streams are fixed (``default_rng(42 + i)`` for sample ``i``).
    bootstrap_rng : {"numpy", "metr"}
        Whose random draws.

    Returns
    -------
    dict
        Dataset name -> :class:`ReplicateDraws` (what :func:`bootstrap_horizons` takes as
        ``draws``, e.g. from a cache shared by several chapters).
    """
    if bootstrap_rng not in BOOTSTRAP_RNGS:
        raise ValueError(f"bootstrap_rng must be one of {BOOTSTRAP_RNGS}, got {bootstrap_rng!r}")
    if bootstrap_rng == "numpy" and not isinstance(rng, np.random.Generator):
        raise ValueError("pass an explicit numpy.random.Generator as rng")
    datasets = runs["dataset"] if "dataset" in runs.columns else pd.Series("", index=runs.index)
    out = {}
    for dataset in sorted(datasets.unique()):
        sub = runs[(datasets == dataset).to_numpy()]
        out[dataset] = (draw_replicates(sub, n_bootstrap, rng) if bootstrap_rng == "numpy"
                        else draw_metr_replicates(sub, n_bootstrap))
    return out


def _fit_dataset_replicates(x, y, task_codes, alias_codes, n_models, w, counts, regularization,
                            renormalize, solver):
    """Fit every model of one dataset on every replicate in ONE batched call.

    A model's weight is constant within a task, so its runs of one task with equal ``y`` are
    interchangeable: their weights are summed into a (task, success) cell (fewer points, the
    same objective). Each model keeps its own cells, padded with zero weight to the largest
    model's count, so the fits of all models and replicates are the rows of one weight matrix
    (model-major) with per-row points (:mod:`horizonlib.model.batch_rows`).

    Returns
    -------
    intercept, slope, status : numpy.ndarray of length ``n_models * R`` (row ``m * R + r``).
    """
    R = counts.shape[0]
    cell_codes, cell_index = pd.factorize(pd.MultiIndex.from_arrays([task_codes, y]), sort=True)
    C = len(cell_index)
    key = alias_codes * C + cell_codes
    order = np.argsort(key, kind="stable")  # runs by (model, cell), input order within
    slots, bounds = np.unique(key[order], return_index=True)
    slot_model, slot_cell = slots // C, slots % C
    # position of each (model, cell) among that model's cells, in (task, success) order
    model_first = np.searchsorted(slot_model, np.arange(n_models))
    local = np.arange(len(slots)) - model_first[slot_model]
    width = int(local.max()) + 1 if len(slots) else 0
    # np.take gathers the columns ~8x faster than fancy indexing counts[:, order]
    by_key = np.take(counts, order, axis=1)
    sums = np.add.reduceat(by_key * w[order][None, :], bounds, axis=1)  # (R, slots)
    W = np.zeros((n_models, width, R))
    W[slot_model, local] = sums.T
    W = W.transpose(0, 2, 1).reshape(n_models * R, width)
    cell_first = np.zeros(C, dtype=np.int64)
    cell_first[cell_codes[::-1]] = np.arange(len(cell_codes))[::-1]  # first run of each cell
    xm, ym = np.zeros((n_models, width)), np.zeros((n_models, width))
    xm[slot_model, local] = x[cell_first[slot_cell]]
    ym[slot_model, local] = y[cell_first[slot_cell]]
    xc, yc = np.repeat(xm, R, axis=0), np.repeat(ym, R, axis=0)
    if renormalize:
        tot = W.sum(axis=1, keepdims=True)
        W = np.divide(W, tot, out=np.zeros_like(W), where=tot > 0)
    if solver == "metr":
        status, _, _ = degenerate_status(xc, yc, W, regularization)
        intercept, slope = np.full(len(W), np.nan), np.full(len(W), np.nan)
        ok = np.flatnonzero(status == "ok")
        intercept[ok], slope[ok], _ = fit_lbfgs_batch(xc[ok], yc[ok], W[ok], regularization)
    else:
        res = fit_logistic_batch(xc, yc, W, regularization)
        intercept, slope, status = res.intercept, res.slope, res.status.copy()
    # runs of each model drawn in each replicate (key order sorts the runs by model)
    model_starts = np.searchsorted(key[order], np.arange(n_models) * C)
    drawn = np.add.reduceat(by_key, model_starts, axis=1)  # (R, M)
    status[drawn.T.ravel() == 0] = "no_runs"
    return intercept, slope, status


def bootstrap_horizons(
    runs: pd.DataFrame,
    n_bootstrap: int = 1000,
    rng: np.random.Generator | None = None,
    weighting: str = "invsqrt_task_weight",
    regularization: float = 0.1,
    success_percents=(50, 80),
    *,
    bootstrap_rng: str = "numpy",
    solver: str = "exact",
    draws: SharedDraws | dict[str, ReplicateDraws] | None = None,
    weights: np.ndarray | None = None,
    renormalize: bool = False,
    progress=None,
) -> pd.DataFrame:
    """Bootstrap horizons of every model, paired within each dataset.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs table (``dataset``, ``alias``, ``task_id``, ``task_family``, ``human_minutes``,
        ``success``). Each dataset is bootstrapped independently (its own task suite).
    n_bootstrap : int, optional
        Replicates per dataset (1000).
    rng : numpy.random.Generator
        Required with ``bootstrap_rng="numpy"`` and no ``draws``; datasets are drawn in sorted
        order, so a seed fixes the whole output.
    weighting : str, optional
        See :func:`horizonlib.model.weights.run_weights`.
    regularization : float, optional
        L2 penalty on the slope (0.1 = METR's headline until early 2026).
    success_percents : sequence of int, optional
        Success probabilities in percent (50, 80).
    bootstrap_rng : {"numpy", "metr"}, optional
        ``"numpy"`` (default): the book's draws from ``rng``. ``"metr"``: METR's own streams,
        sample ``i`` from ``default_rng(42 + i)`` (:mod:`horizonlib.model.metr_draws`); pass the
        human baseline rows too (``load_runs(..., include_humans=True)``) to get METR's samples
        exactly, since METR's code resamples them with the agents.
    solver : {"exact", "metr"}, optional
        ``"exact"`` (default): the optimum of every replicate's fit. ``"metr"``: the replay of
        scikit-learn's early-stopping L-BFGS-B that METR ran (:mod:`horizonlib.model.lbfgs_replay`).
    draws : SharedDraws or dict, optional
        The build's shared draws (:class:`horizonlib.model.shared_draws.SharedDraws`: each
        dataset's replicates are ``draws.for_dataset(its runs)``, so every analysis given the same
        ``draws`` fits the very same replicates), or precomputed :func:`draw_dataset_replicates`
        output (dataset -> draws). Then ``n_bootstrap``, ``rng`` and ``bootstrap_rng`` are unused:
        the replicates are the draws'.
    weights : numpy.ndarray, optional
        Per-run weights aligned with ``runs`` instead of :func:`run_weights` (e.g. the weights
        stored in METR's run file, rounded to 10 digits, which METR's code fits with).
    renormalize : bool, optional
        Rescale each replicate's weights to sum to 1 per model (not METR's choice).
    progress : callable, optional
        Called as ``progress(done, total)`` after each dataset's replicates are fitted (counts
        of (dataset, alias) models), e.g. to advance a console progress bar. Does not touch
        ``rng``, so results are the same with or without it.

    Returns
    -------
    pandas.DataFrame
        Long table, one row per (replicate, dataset, alias, p): ``replicate`` (int),
        ``dataset``, ``alias``, ``p`` (0.5, 0.8), ``horizon_min`` (minutes; NaN when the
        replicate is degenerate for that model), ``status`` ("ok" or the reason).
    """
    if solver not in SOLVERS:
        raise ValueError(f"solver must be one of {SOLVERS}, got {solver!r}")
    _check_runs(runs)
    runs = runs.reset_index(drop=True)
    if "dataset" not in runs.columns:
        runs = runs.assign(dataset="")
    if draws is None:
        draws = draw_dataset_replicates(runs, n_bootstrap, rng, bootstrap_rng)
    ps = np.array([sp / 100.0 for sp in success_percents])
    w_all = run_weights(runs, weighting) if weights is None else np.asarray(weights, dtype=float)
    if w_all.shape != (len(runs),):
        raise ValueError(f"weights must have one value per run ({len(runs)}), got {w_all.shape}")
    out = []
    n_models = runs.groupby(["dataset", "alias"]).ngroups
    done = 0
    for dataset in sorted(runs["dataset"].unique()):
        idx_ds = np.flatnonzero((runs["dataset"] == dataset).to_numpy())
        sub = runs.iloc[idx_ds]
        ds_draws = draws.for_dataset(sub) if hasattr(draws, "for_dataset") else draws.get(dataset)
        if ds_draws is None or ds_draws.run_counts.shape[1] != len(sub):
            raise ValueError(f"draws for dataset {dataset!r} do not match its {len(sub)} runs")
        R = ds_draws.run_counts.shape[0]
        x_all = np.log2(sub["human_minutes"].to_numpy(dtype=float))
        y_all = sub["success"].to_numpy(dtype=float)
        w_ds = w_all[idx_ds]
        alias_codes, aliases = pd.factorize(sub["alias"], sort=True)
        a, b, status = _fit_dataset_replicates(
            x_all, y_all, ds_draws.run_task_index, alias_codes, len(aliases), w_ds,
            ds_draws.run_counts, regularization, renormalize, solver)
        h = horizon_at(ps[None, :], a[:, None], b[:, None])  # (M * R, P), model-major
        out.append(pd.DataFrame({
            "replicate": np.tile(np.repeat(np.arange(R), len(ps)), len(aliases)),
            "dataset": dataset,
            "alias": np.repeat(np.asarray(aliases, dtype=object), R * len(ps)),
            "p": np.tile(ps, R * len(aliases)),
            "horizon_min": np.asarray(h, dtype=float).ravel(),
            "status": np.repeat(status.astype(str), len(ps)),
        }))
        done += len(aliases)
        if progress is not None:
            progress(done, n_models)
    if not out:
        return pd.DataFrame(columns=["replicate", "dataset", "alias", "p", "horizon_min", "status"])
    return pd.concat(out, ignore_index=True)
