"""Bootstrap replicates as run multiplicities, drawn with the book's own generator.

A replicate of one dataset (one task suite) is drawn in three nested stages, as in METR's
``wrangle/bootstrap.py`` (categories ``task_family``, ``task_id``, ``run_id``):

1. draw ``F`` task families with replacement from the dataset's ``F`` families;
2. for every drawn copy of a family with ``k`` tasks, draw ``k`` of its tasks with replacement;
3. for every (task, model) whose task was drawn ``m`` times in total, draw ``m * n`` runs with
   replacement from that model's ``n`` runs on the task (METR pools the copies of a task before
   this step).

Stages 1-2 are shared by all models of the dataset (paired differences); stage 3 is per model.
A replicate is represented by integer multiplicities ``c_ri`` of every run ``i``
(:class:`ReplicateDraws`). Stages 2 and 3 are drawn directly as multinomials --
``Multinomial(c_f k, 1/k)`` for the tasks of family ``f`` drawn ``c_f`` times,
``Multinomial(m n, 1/n)`` for the runs -- which has exactly the distribution of METR's
copy-by-copy draws (a sum of independent uniform multinomials is a uniform multinomial).
:mod:`horizonlib.model.metr_draws` replays METR's own random streams into the same type.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


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
        run_counts[:, cols.ravel()] = draws.reshape(R, cols.size)
    return ReplicateDraws(
        families=np.asarray(families), tasks=np.asarray(tasks),
        task_family_index=task_family_index, family_counts=family_counts,
        task_counts=task_counts, run_counts=run_counts, run_task_index=task_codes,
    )
