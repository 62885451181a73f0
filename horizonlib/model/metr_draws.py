"""METR's bootstrap draws replayed stream for stream (``bootstrap_rng = "metr"``).

METR's code (``horizon/wrangle/bootstrap.py`` of METR/eval-analysis-public) draws sample ``i``
of a run file with its own generator ``numpy.random.default_rng(42 + i)``, resampling the whole
file (every alias, human baselines included) at once:

1. families: ``integers(0, F, F)`` over the sorted unique ``task_family`` values;
2. tasks: for every drawn family copy, in the order drawn, ``integers(0, k, k)`` over the sorted
   unique tasks of that family (a family of one task consumes no random numbers);
3. runs: one ``random(n)`` for all ``n`` resampled rows; the rows of each group
   ``"task_id|||alias"`` (groups in sorted string order, rows in resampled order) take the next
   block of those numbers, each picking member ``floor(u * size)`` of its group.

This module replays those draws and returns their run multiplicities as the
:class:`~horizonlib.model.draws.ReplicateDraws` that :func:`~horizonlib.model.draws.draw_replicates`
returns, so the same batched fits run on either. The draws themselves need one generator per
sample, so they loop over samples (each sample is a handful of vectorized steps); nothing else
does. Rows must be in the run file's order (as :func:`horizonlib.data.runs.load_runs` keeps
them), and to reproduce METR's samples exactly they must include the human baseline rows
(``load_runs(..., include_humans=True)``): they take part in every draw.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from horizonlib.model.draws import ReplicateDraws

#: METR's seed of sample ``i`` is ``METR_SEED_BASE + i``.
METR_SEED_BASE = 42

#: Separator of METR's (task, alias) group keys; it sets their sort order.
GROUP_SEPARATOR = "|||"


def _csr(codes: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of each group in input order: ``(rows, starts, sizes)``."""
    order = np.argsort(codes, kind="stable")
    sizes = np.bincount(codes, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    return order, starts, sizes


def _expand(items: np.ndarray, rows: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Concatenate ``rows[starts[i]:starts[i]+sizes[i]]`` for every ``i`` in ``items``, in order."""
    lengths = sizes[items]
    total = int(lengths.sum())
    offsets = np.repeat(starts[items] - np.cumsum(lengths) + lengths, lengths)
    return rows[offsets + np.arange(total)]


def draw_metr_replicates(runs: pd.DataFrame, n_bootstrap: int,
                         seed_base: int = METR_SEED_BASE) -> ReplicateDraws:
    """Replay METR's bootstrap draws of ONE run file: samples ``0 .. n_bootstrap - 1``.

    Parameters
    ----------
    runs : pandas.DataFrame
        The rows METR's code resamples, in file order: ``alias``, ``task_id``, ``task_family``.
    n_bootstrap : int
        Number of samples (METR: 1,000).
    seed_base : int, optional
        Sample ``i`` uses ``numpy.random.default_rng(seed_base + i)`` (METR: 42).

    Returns
    -------
    ReplicateDraws
        Multiplicity of every row in every sample (``run_counts``), and the family and task
        counts behind them (a task's count sums its draws over all copies of its family).
    """
    R = int(n_bootstrap)
    fam_codes, families = pd.factorize(runs["task_family"].to_numpy(dtype=str), sort=True)
    task_codes, tasks = pd.factorize(runs["task_id"].to_numpy(dtype=str), sort=True)
    F, T = len(families), len(tasks)
    task_family_index = np.full(T, -1, dtype=np.int64)
    task_family_index[task_codes] = fam_codes
    if np.any(task_family_index[task_codes] != fam_codes):
        raise ValueError("a task appears under more than one task_family")
    # tasks of each family, sorted (= METR's np.unique order, since task codes are sorted)
    fam_tasks, fam_task_start, fam_n_tasks = _csr(task_family_index, F)
    # rows of each task, in file order
    task_rows, task_row_start, task_n_rows = _csr(task_codes, T)
    keys = np.char.add(np.char.add(runs["task_id"].to_numpy(dtype=str), GROUP_SEPARATOR),
                       runs["alias"].to_numpy(dtype=str))
    group_codes = np.unique(keys, return_inverse=True)[1].ravel()
    n_runs = len(runs)

    family_counts = np.zeros((R, F), dtype=np.int64)
    task_counts = np.zeros((R, T), dtype=np.int64)
    run_counts = np.zeros((R, n_runs), dtype=np.int64)
    for i in range(R):
        rng = np.random.default_rng(seed_base + i)
        fam_draw = rng.integers(0, F, size=F)
        # one call per drawn family copy, as METR's loop does (numpy's bounded draws are
        # buffered per call, so the calls cannot be merged); k = 1 draws nothing
        task_seq = [fam_tasks[fam_task_start[f] + (rng.integers(0, fam_n_tasks[f], size=fam_n_tasks[f])
                                                    if fam_n_tasks[f] > 1 else np.zeros(1, np.int64))]
                    for f in fam_draw]
        task_seq = np.concatenate(task_seq)
        indices = _expand(task_seq, task_rows, task_row_start, task_n_rows)
        u = rng.random(indices.size)
        codes = group_codes[indices]
        order = np.argsort(codes, kind="stable")  # groups in key order, resampled order within
        sizes = np.bincount(codes, minlength=0)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        sorted_codes = codes[order]
        picked = order[starts[sorted_codes] + (u * sizes[sorted_codes]).astype(np.int64)]
        run_counts[i] = np.bincount(indices[picked], minlength=n_runs)
        family_counts[i] = np.bincount(fam_draw, minlength=F)
        task_counts[i] = np.bincount(task_seq, minlength=T)
    return ReplicateDraws(
        families=np.asarray(families), tasks=np.asarray(tasks),
        task_family_index=task_family_index, family_counts=family_counts,
        task_counts=task_counts, run_counts=run_counts, run_task_index=task_codes,
    )
