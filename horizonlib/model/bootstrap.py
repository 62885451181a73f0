"""Hierarchical paired bootstrap of the time horizons (METR's scheme, vectorized).

One replicate of a dataset (one task suite) is drawn in three nested stages, as in METR's
``wrangle/bootstrap.py`` (categories ``task_family``, ``task_id``, ``run_id``):

1. draw ``F`` task families with replacement from the dataset's ``F`` families;
2. for every drawn copy of a family with ``k`` tasks, draw ``k`` of its tasks with replacement;
3. for every (task, model) whose task was drawn ``m`` times in total, draw ``m * n`` runs with
   replacement from that model's ``n`` runs on the task (METR pools the copies of a task before
   this step).

Stages 1–2 are shared by all models of the dataset (paired differences); stage 3 is per model.
A replicate is represented by integer multiplicities ``c_ri`` of every run ``i``. Stages 2 and 3
are drawn directly as multinomials — ``Multinomial(c_f k, 1/k)`` for the tasks of family ``f``
drawn ``c_f`` times, ``Multinomial(m n, 1/n)`` for the runs — which has exactly the distribution
of METR's copy-by-copy draws (a sum of independent uniform multinomials is a uniform multinomial).

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

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from horizonlib.model.logistic import fit_logistic_batch, horizon_at
from horizonlib.model.weights import run_weights

if TYPE_CHECKING:  # a type only: shared_draws imports this module
    from horizonlib.model.shared_draws import SharedDraws

REQUIRED_COLUMNS = ("alias", "task_id", "task_family", "human_minutes", "success")


@dataclass(frozen=True)
class ReplicateDraws:
    """Multiplicities of one dataset's bootstrap replicates.

    Attributes
    ----------
    families : numpy.ndarray
        Family labels (sorted), length ``F``.
    tasks : numpy.ndarray
        Task labels (sorted), length ``T``.
    task_family_index : numpy.ndarray
        Index into ``families`` of each task.
    family_counts : numpy.ndarray
        int64, shape ``(n_bootstrap, F)``: times each family was drawn (each row sums to ``F``).
    task_counts : numpy.ndarray
        int64, shape ``(n_bootstrap, T)``: total times each task was drawn over all copies of its
        family (shared by every model: the pairing).
    run_counts : numpy.ndarray
        int64, shape ``(n_bootstrap, n_runs)``: multiplicity of each run (row of the input table,
        in input order) in each replicate.
    run_task_index : numpy.ndarray
        Index into ``tasks`` of each run.
    """

    families: np.ndarray
    tasks: np.ndarray
    task_family_index: np.ndarray
    family_counts: np.ndarray
    task_counts: np.ndarray
    run_counts: np.ndarray
    run_task_index: np.ndarray


def _check_runs(runs: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in runs.columns]
    if missing:
        raise ValueError(f"runs table lacks columns {missing}")


def draw_replicates(runs: pd.DataFrame, n_bootstrap: int, rng: np.random.Generator) -> ReplicateDraws:
    """Draw the run multiplicities of ``n_bootstrap`` replicates of ONE dataset.

    Parameters
    ----------
    runs : pandas.DataFrame
        Runs of one dataset (all its models): ``alias``, ``task_id``, ``task_family``.
    n_bootstrap : int
        Number of replicates.
    rng : numpy.random.Generator
        Source of randomness (the only one).

    Returns
    -------
    ReplicateDraws
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator")
    R = int(n_bootstrap)
    fam_codes, families = pd.factorize(runs["task_family"], sort=True)
    task_codes, tasks = pd.factorize(runs["task_id"], sort=True)
    F, T = len(families), len(tasks)
    task_family_index = np.full(T, -1, dtype=np.int64)
    task_family_index[task_codes] = fam_codes
    if np.any(task_family_index[task_codes] != fam_codes):
        raise ValueError("a task appears under more than one task_family")

    # Stage 1: families with replacement, as counts per family
    fam_draws = rng.integers(0, F, size=(R, F))
    family_counts = np.bincount((fam_draws + np.arange(R)[:, None] * F).ravel(),
                                minlength=R * F).reshape(R, F)

    # Stage 2: tasks within each drawn family copy; all copies pooled = one multinomial
    task_counts = np.zeros((R, T), dtype=np.int64)
    for f in range(F):
        members = np.flatnonzero(task_family_index == f)
        k = members.size
        if k == 1:
            task_counts[:, members[0]] = family_counts[:, f]
        else:
            task_counts[:, members] = rng.multinomial(family_counts[:, f] * k, np.full(k, 1.0 / k))

    # Stage 3: runs within each (task, model): Multinomial(m * n, 1/n); groups of equal size n
    # are drawn together
    alias_codes = pd.factorize(runs["alias"], sort=True)[0]
    group_codes, _ = pd.factorize(pd.MultiIndex.from_arrays([task_codes, alias_codes]), sort=True)
    group_sizes = np.bincount(group_codes)
    order = np.argsort(group_codes, kind="stable")  # runs sorted by group, input order within
    starts = np.concatenate([[0], np.cumsum(group_sizes)[:-1]])
    group_task = np.empty(len(group_sizes), dtype=np.int64)
    group_task[group_codes] = task_codes
    run_counts = np.zeros((R, len(runs)), dtype=np.int64)
    for n in np.unique(group_sizes):
        gs = np.flatnonzero(group_sizes == n)
        cols = order[starts[gs][:, None] + np.arange(n)[None, :]]  # (G, n) run indices
        N = task_counts[:, group_task[gs]] * n  # (R, G)
        if n == 1:
            draws = N[:, :, None]
        else:
            draws = rng.multinomial(N, np.full(n, 1.0 / n))  # (R, G, n)
        run_counts[:, cols.ravel()] = draws.reshape(R, -1)
    return ReplicateDraws(
        families=np.asarray(families), tasks=np.asarray(tasks),
        task_family_index=task_family_index, family_counts=family_counts,
        task_counts=task_counts, run_counts=run_counts, run_task_index=task_codes,
    )


def _fit_model_replicates(x, y, task_codes, w, counts, regularization, renormalize):
    """Fit one model on every replicate; runs aggregated into (task, success) cells."""
    # A model's weight is constant within a task, so runs of one task with equal y are
    # interchangeable: sum their weights (fewer points, identical objective).
    cell_codes, cell_index = pd.factorize(pd.MultiIndex.from_arrays([task_codes, y]), sort=True)
    order = np.argsort(cell_codes, kind="stable")
    bounds = np.searchsorted(cell_codes[order], np.arange(len(cell_index)))
    Wrun = counts[:, order] * w[order][None, :]
    Wcell = np.add.reduceat(Wrun, bounds, axis=1)
    first = order[bounds]
    xc, yc = x[first], y[first]
    if renormalize:
        tot = Wcell.sum(axis=1, keepdims=True)
        Wcell = np.divide(Wcell, tot, out=np.zeros_like(Wcell), where=tot > 0)
    res = fit_logistic_batch(xc, yc, Wcell, regularization)
    status = res.status.copy()
    status[counts.sum(axis=1) == 0] = "no_runs"
    return res.intercept, res.slope, status


def bootstrap_horizons(
    runs: pd.DataFrame,
    n_bootstrap: int = 1000,
    rng: np.random.Generator | None = None,
    weighting: str = "invsqrt_task_weight",
    regularization: float = 0.1,
    success_percents=(50, 80),
    *,
    renormalize: bool = False,
    progress=None,
    draws: SharedDraws | None = None,
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
        Required unless ``draws`` is given; datasets are processed in sorted order, so a seed
        fixes the whole output.
    weighting : str, optional
        See :func:`horizonlib.model.weights.run_weights`.
    regularization : float, optional
        L2 penalty on the slope (0.1 = METR's headline until early 2026).
    success_percents : sequence of int, optional
        Success probabilities in percent (50, 80).
    renormalize : bool, optional
        Rescale each replicate's weights to sum to 1 per model (not METR's choice).
    progress : callable, optional
        Called as ``progress(done, total)`` after each model's replicates are fitted (counts
        of (dataset, alias) models), e.g. to advance a console progress bar. Does not touch
        ``rng``, so results are the same with or without it.
    draws : horizonlib.model.shared_draws.SharedDraws, optional
        The build's shared draws: each dataset's replicates are ``draws.for_dataset(its runs)``
        (``draws.n_bootstrap`` replicates; ``n_bootstrap`` and ``rng`` are then not used), so
        every analysis given the same ``draws`` fits the very same replicates.

    Returns
    -------
    pandas.DataFrame
        Long table, one row per (replicate, dataset, alias, p): ``replicate`` (int),
        ``dataset``, ``alias``, ``p`` (0.5, 0.8), ``horizon_min`` (minutes; NaN when the
        replicate is degenerate for that model), ``status`` ("ok" or the reason).
    """
    if rng is None and draws is None:
        raise ValueError("pass an explicit numpy.random.Generator as rng (or shared draws)")
    _check_runs(runs)
    runs = runs.reset_index(drop=True)
    if "dataset" not in runs.columns:
        runs = runs.assign(dataset="")
    ps = np.array([sp / 100.0 for sp in success_percents])
    w_all = run_weights(runs, weighting)
    out = []
    n_models = runs.groupby(["dataset", "alias"]).ngroups
    done = 0
    for dataset in sorted(runs["dataset"].unique()):
        idx_ds = np.flatnonzero((runs["dataset"] == dataset).to_numpy())
        sub = runs.iloc[idx_ds]
        reps = (draws.for_dataset(sub) if draws is not None
                else draw_replicates(sub, n_bootstrap, rng))
        x_all = np.log2(sub["human_minutes"].to_numpy(dtype=float))
        y_all = sub["success"].to_numpy(dtype=float)
        w_ds = w_all[idx_ds]
        for alias in sorted(sub["alias"].unique()):
            cols = np.flatnonzero((sub["alias"] == alias).to_numpy())
            a, b, status = _fit_model_replicates(
                x_all[cols], y_all[cols], reps.run_task_index[cols], w_ds[cols],
                reps.run_counts[:, cols], regularization, renormalize)
            h = horizon_at(ps[None, :], a[:, None], b[:, None])  # (R, P)
            R = len(a)
            out.append(pd.DataFrame({
                "replicate": np.repeat(np.arange(R), len(ps)),
                "dataset": dataset,
                "alias": alias,
                "p": np.tile(ps, R),
                "horizon_min": np.asarray(h, dtype=float).ravel(),
                "status": np.repeat(status.astype(str), len(ps)),
            }))
            done += 1
            if progress is not None:
                progress(done, n_models)
    if not out:
        return pd.DataFrame(columns=["replicate", "dataset", "alias", "p", "horizon_min", "status"])
    return pd.concat(out, ignore_index=True)
