"""Paired bootstrap replicates of two models' RE-Bench means and 50% horizons, at chosen levels
(analyses layer).

For two models measured on the same task suite (same dataset), every bootstrap replicate
resamples task families, tasks within families and runs within (task, model) exactly as
:func:`horizonlib.model.bootstrap.draw_replicates` does; the family and task draws are shared by
both models, so the differences are paired (:func:`paired_run_statistics`). Per replicate ``r``:

* RE-Bench mean ``M_r = sum_t c_rt m_rt / sum_t c_rt`` — ``c_rt`` the times task ``t`` was drawn
  and ``m_rt`` the mean score of the model's drawn runs on it (the bootstrap of the per-task mean
  of :func:`horizonlib.analyses.hacking.models.rebench_means`), on the RE-Bench tasks only;
* 50% horizon ``h_r`` (minutes), refitted with weights ``c_ri w_i`` (METR's replicate weights).

With all three levels resampled, the replicates are the build's shared draws
(:class:`horizonlib.model.shared_draws.SharedDraws`): the 50% horizons are those of the whole
dataset's draws (the replicates every chapter fits; read from the build's headline bootstrap table
when given, else refitted), the RE-Bench means are of the draws of the pair's RE-Bench runs alone
(a fixed number of RE-Bench families per replicate, as before the draws were shared).

:func:`draw_level_replicates` restricts the resampling to some of the levels (family, task,
run): only families (tasks and runs of a drawn family kept as they are), only tasks (each family
once, its tasks resampled), only runs (every task once, runs resampled).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from horizonlib.model.bootstrap import draw_replicates
from horizonlib.model.logistic import fit_logistic_batch, horizon_at
from horizonlib.model.shared_horizons import model_replicates
from horizonlib.model.weights import run_weights

if TYPE_CHECKING:
    from horizonlib.model.shared_draws import SharedDraws

LEVELS = ("family", "task", "run")


def draw_level_replicates(runs: pd.DataFrame, n_bootstrap: int, rng: np.random.Generator,
                          levels: Sequence[str] = LEVELS) -> np.ndarray:
    """Run multiplicities of a bootstrap that resamples only the given levels.

    Parameters
    ----------
    runs : pandas.DataFrame
        Runs of one dataset (``alias``, ``task_id``, ``task_family``).
    n_bootstrap : int
        Replicates.
    rng : numpy.random.Generator
        Source of randomness.
    levels : sequence of {"family", "task", "run"}
        Levels resampled with replacement; the others are kept as observed (every family once,
        every task of a family once, every run once). All three = METR's hierarchical bootstrap
        (:func:`horizonlib.model.bootstrap.draw_replicates`, used for that case).

    Returns
    -------
    numpy.ndarray
        int64, shape ``(n_bootstrap, len(runs))``: multiplicity of each run (input order).
    """
    levels = tuple(levels)
    unknown = set(levels) - set(LEVELS)
    if unknown or not levels:
        raise ValueError(f"levels must be a non-empty subset of {LEVELS}, got {levels}")
    if set(levels) == set(LEVELS):
        return draw_replicates(runs, n_bootstrap, rng).run_counts
    R = int(n_bootstrap)
    fam_codes, families = pd.factorize(runs["task_family"], sort=True)
    task_codes, tasks = pd.factorize(runs["task_id"], sort=True)
    F, T = len(families), len(tasks)
    tf = np.zeros(T, dtype=np.int64)
    tf[task_codes] = fam_codes
    if "family" in levels:
        draws = rng.integers(0, F, size=(R, F))
        fam_counts = np.stack([np.bincount(d, minlength=F) for d in draws])
    else:
        fam_counts = np.ones((R, F), dtype=np.int64)
    if "task" in levels:
        task_counts = np.zeros((R, T), dtype=np.int64)
        for f in range(F):
            members = np.flatnonzero(tf == f)
            k = members.size
            task_counts[:, members] = (fam_counts[:, [f]] if k == 1 else
                                       rng.multinomial(fam_counts[:, f] * k, np.full(k, 1.0 / k)))
    else:
        task_counts = fam_counts[:, tf]
    alias_codes = pd.factorize(runs["alias"], sort=True)[0]
    groups = pd.factorize(pd.MultiIndex.from_arrays([task_codes, alias_codes]), sort=True)[0]
    counts = np.zeros((R, len(runs)), dtype=np.int64)
    for g in range(groups.max() + 1):
        cols = np.flatnonzero(groups == g)
        m = task_counts[:, task_codes[cols[0]]]
        if "run" in levels and cols.size > 1:
            counts[:, cols] = rng.multinomial(m * cols.size, np.full(cols.size, 1.0 / cols.size))
        else:
            counts[:, cols] = m[:, None]
    return counts


def rebench_mean_replicates(score: np.ndarray, task_codes: np.ndarray,
                            counts: np.ndarray) -> np.ndarray:
    """Per-replicate RE-Bench mean (each drawn task copy counts once) of one model.

    Parameters
    ----------
    score : numpy.ndarray, shape (n,)
        Normalized scores of the model's RE-Bench runs.
    task_codes : numpy.ndarray, shape (n,)
        Integer task of each run (0 .. T-1).
    counts : numpy.ndarray, shape (R, n)
        Run multiplicities.

    Returns
    -------
    numpy.ndarray, shape (R,)
        NaN where no run was drawn.
    """
    T = int(task_codes.max()) + 1
    onehot = np.zeros((len(score), T))
    onehot[np.arange(len(score)), task_codes] = 1.0
    n_drawn = counts @ onehot                      # (R, T) runs drawn per task
    s_drawn = (counts * score[None, :]) @ onehot   # (R, T) score sum per task
    n_task_runs = np.bincount(task_codes, minlength=T).astype(float)
    task_copies = n_drawn / n_task_runs[None, :]   # runs are drawn m * n per task copy
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.where(n_drawn > 0, s_drawn / np.where(n_drawn > 0, n_drawn, 1.0), 0.0)
        return (task_copies * m).sum(axis=1) / task_copies.sum(axis=1)


def percentile_interval(values: np.ndarray, confidence_level: float) -> tuple[float, float]:
    v = values[np.isfinite(values)]
    if len(v) == 0:
        return float("nan"), float("nan")
    lo, hi = np.percentile(v, [50 * (1 - confidence_level), 50 * (1 + confidence_level)])
    return float(lo), float(hi)


def _p50_replicates(sub: pd.DataFrame, counts: np.ndarray, weighting: str,
                    regularization: float) -> np.ndarray:
    x = np.log2(sub["human_minutes"].to_numpy(dtype=float))
    y = sub["success"].to_numpy(dtype=float)
    w = run_weights(sub, weighting)
    fit = fit_logistic_batch(x, y, counts * w[None, :], regularization)
    return np.asarray(horizon_at(0.5, fit.intercept, fit.slope), dtype=float)


def paired_run_statistics(
    runs: pd.DataFrame,
    model_a: str,
    model_b: str,
    draws: SharedDraws,
    weighting: str = "invsqrt_task_weight",
    regularization: float = 0.1,
    kernel_task: str | None = None,
    levels: Sequence[str] = LEVELS,
    rng: np.random.Generator | None = None,
    samples: pd.DataFrame | None = None,
) -> dict:
    """Point estimates and bootstrap replicates of the paired statistics from run data.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs of ONE dataset holding both models.
    model_a, model_b : str
        Aliases or display names (``a`` is the numerator / minuend).
    draws : horizonlib.model.shared_draws.SharedDraws
        The build's shared draws (``draws.n_bootstrap`` replicates), used when all three levels
        are resampled.
    weighting, regularization
        As in :func:`horizonlib.model.horizons.fit_horizons`.
    kernel_task : str, optional
        Task id dropped for the ``rebench_diff_no_kernel`` statistic.
    levels : sequence of str
        Resampled levels (:func:`draw_level_replicates`).
    rng : numpy.random.Generator, optional
        Source of the draws when only some levels are resampled (required then; unused when
        all three are).
    samples : pandas.DataFrame, optional
        The build's headline bootstrap table of these runs on ``draws``
        (:func:`horizonlib.model.shared_horizons.shared_bootstrap_horizons`, with p = 0.5): when
        all levels are resampled, the 50% horizon replicates are read from it (NaN where a fit
        is degenerate) instead of refitted, so the ratio is of the fit chapter's very replicates.

    Returns
    -------
    dict
        ``point`` and ``replicates``, each a dict with keys ``rebench_diff``,
        ``rebench_diff_no_kernel`` (normalized score differences) and ``p50_ratio``
        (dimensionless); replicate values are arrays of length ``n_bootstrap`` (NaN where
        unusable; the RE-Bench entries are absent when a model has no RE-Bench runs).
    """
    if runs["dataset"].nunique() != 1:
        raise ValueError("paired statistics need the runs of one dataset")
    all_levels = set(levels) == set(LEVELS)
    if not all_levels and not isinstance(rng, np.random.Generator):
        raise TypeError("resampling only some levels needs an explicit numpy.random.Generator "
                        "as rng")
    n_bootstrap = int(draws.n_bootstrap)
    runs = runs.reset_index(drop=True)
    sel = {}
    for name in (model_a, model_b):
        hit = runs[(runs["alias"] == name) | (runs["display_name"] == name)]
        if hit.empty:
            raise KeyError(f"model {name!r} has no runs in this dataset")
        sel[name] = hit["alias"].iloc[0]
    a, b = sel[model_a], sel[model_b]
    in_pair = runs["alias"].isin([a, b]).to_numpy()
    both = runs[in_pair].reset_index(drop=True)
    point, reps = {}, {}

    is_a = (both["alias"] == a).to_numpy()
    full = np.ones((1, len(both)), dtype=np.int64)
    pa = _p50_replicates(both[is_a], full[:, is_a], weighting, regularization)[0]
    pb = _p50_replicates(both[~is_a], full[:, ~is_a], weighting, regularization)[0]
    point["p50_ratio"] = pa / pb
    if all_levels and samples is not None:
        dataset = runs["dataset"].iloc[0]
        ra, rb = (model_replicates(samples, dataset, m, 0.5, n_bootstrap) for m in (a, b))
    else:
        counts = (draws.for_dataset(runs).run_counts[:, in_pair] if all_levels
                  else draw_level_replicates(both, n_bootstrap, rng, levels))
        ra = _p50_replicates(both[is_a], counts[:, is_a], weighting, regularization)
        rb = _p50_replicates(both[~is_a], counts[:, ~is_a], weighting, regularization)
    with np.errstate(invalid="ignore", divide="ignore"):
        reps["p50_ratio"] = ra / rb

    rebench = both[both["task_source"] == "RE-Bench"]
    for key, drop in (("rebench_diff", None), ("rebench_diff_no_kernel", kernel_task)):
        sub = rebench if drop is None else rebench[rebench["task_id"] != drop]
        sub = sub.reset_index(drop=True)
        if key == "rebench_diff_no_kernel" and drop is None:
            continue
        sa, sb = (sub["alias"] == a).to_numpy(), (sub["alias"] == b).to_numpy()
        if not sa.any() or not sb.any():
            continue
        c = (draws.for_dataset(sub).run_counts if all_levels
             else draw_level_replicates(sub, n_bootstrap, rng, levels))
        codes = pd.factorize(sub["task_id"], sort=True)[0]
        score = sub["score"].to_numpy(dtype=float)
        ones = np.ones((1, len(sub)), dtype=np.int64)
        vals = []
        for mask, cc in ((sa, c), (sb, c)):
            _, local = np.unique(codes[mask], return_inverse=True)
            vals.append((rebench_mean_replicates(score[mask], local, ones[:, mask])[0],
                         rebench_mean_replicates(score[mask], local, cc[:, mask])))
        point[key] = vals[0][0] - vals[1][0]
        reps[key] = vals[0][1] - vals[1][1]
    return {"point": point, "replicates": reps, "alias_a": a, "alias_b": b}
