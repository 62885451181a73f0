"""The tipping point: how many hacked runs would change a ranking (analyses layer).

Without flags: re-score ``k`` of the model's failed runs as successes (success 1, score
``max(score, rescored_score)``) for ``k = 0, 1, ..., k_max`` and refit. The ``k`` runs are taken
in a fixed order from one of two pools (:func:`tipping_candidates`): the failed runs on the
tasks where hacking was reported (``hacking_tasks``), or the ``k`` highest-scoring failures of
any task (ties: longer task first, since a long-task success moves the horizon most). The
weights do not change with ``k`` (re-scoring changes ``y``, not which runs exist), so all
``k_max + 1`` refits share one design and are solved at once by
:func:`horizonlib.model.logistic.fit_logistic_batch`: every candidate appears twice, once with
its observed ``y`` and once with ``y = 1``, and refit ``k`` moves the weight of the first ``k``
candidates from the first copy to the second.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from horizonlib.analyses.ablations import ablation_frame, ablation_row
from horizonlib.analyses.hacking.models import locate_model, rebench_means
from horizonlib.model.logistic import fit_logistic_batch, horizon_at
from horizonlib.model.weights import run_weights


STRATEGIES = ("hacking_tasks", "highest_scoring")
#: Share of o3's runs in which METR reported reward-hacking attempts (1-2%): the tipping-point
#: range extends to twice the upper end by default.
REPORTED_HACK_SHARE = (0.01, 0.02)


def tipping_candidates(runs_model: pd.DataFrame, strategy: str,
                       hacking_tasks: Sequence[str] = ()) -> np.ndarray:
    """Positions (into ``runs_model``) of the failed runs to re-score, in the order used.

    Parameters
    ----------
    runs_model : pandas.DataFrame
        Runs of one model.
    strategy : {"hacking_tasks", "highest_scoring"}
        ``hacking_tasks``: failures on ``hacking_tasks``; ``highest_scoring``: all failures.
        Both are ordered by score (descending), then task length (descending), then run id.
    hacking_tasks : sequence of str
        Task ids where hacking attempts were reported.

    Returns
    -------
    numpy.ndarray
        int positions, first re-scored first.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    df = runs_model.reset_index(drop=True)
    pool = df["success"].to_numpy() == 0
    if strategy == "hacking_tasks":
        pool &= df["task_id"].isin(list(hacking_tasks)).to_numpy()
    cand = df[pool].assign(_score=df["score"].fillna(0.0))
    cand = cand.sort_values(["_score", "human_minutes", "run_id"], ascending=[False, False, True],
                            kind="stable")
    return cand.index.to_numpy(dtype=np.int64)


def tipping_point(
    runs_model: pd.DataFrame,
    candidates: np.ndarray,
    k_max: int | None = None,
    weighting: str = "invsqrt_task_weight",
    regularization: float = 0.1,
    success_percents=(50, 80),
    rescored_score: float = 1.0,
) -> pd.DataFrame:
    """Horizon and RE-Bench mean of one model when its first ``k`` candidate failures count as
    successes, for ``k = 0 .. k_max``.

    Parameters
    ----------
    runs_model : pandas.DataFrame
        Runs of one model (one ``(dataset, alias)``).
    candidates : numpy.ndarray
        Positions into ``runs_model`` in re-scoring order (:func:`tipping_candidates`).
    k_max : int, optional
        Largest ``k``; default (and cap) ``len(candidates)``.
    weighting, regularization, success_percents
        As in :func:`horizonlib.model.horizons.fit_horizons`.
    rescored_score : float, optional
        Normalized score a re-scored run gets at least (1.0: a full success).

    Returns
    -------
    pandas.DataFrame
        One row per ``k``: ``k``, ``share_of_runs`` (k / runs, in %), ``task_id`` of the k-th
        re-scored run ("" for k = 0), ``status``, ``p50_min``, ``p80_min``, ... (minutes), and
        ``rebench_mean`` (normalized score; NaN without RE-Bench runs).
    """
    df = runs_model.reset_index(drop=True)
    if df.empty:
        raise ValueError("no runs for this model")
    if df[["dataset", "alias"]].drop_duplicates().shape[0] != 1:
        raise ValueError("runs_model must hold the runs of exactly one (dataset, alias)")
    candidates = np.asarray(candidates, dtype=np.int64)
    if np.any(df["success"].to_numpy()[candidates] != 0):
        raise ValueError("candidates must be failed runs")
    K = len(candidates) if k_max is None else min(int(k_max), len(candidates))
    n, m = len(df), len(candidates)
    w = run_weights(df, weighting)
    x = np.log2(df["human_minutes"].to_numpy(dtype=float))
    y = df["success"].to_numpy(dtype=float)
    # points: the n runs as observed, then a y=1 copy of each candidate
    xx = np.concatenate([x, x[candidates]])
    yy = np.concatenate([y, np.ones(m)])
    W = np.zeros((K + 1, n + m))
    W[:, :n] = w
    moved = np.arange(m)[None, :] < np.arange(K + 1)[:, None]  # row k: first k candidates
    W[:, candidates] = np.where(moved, 0.0, w[candidates][None, :])
    W[:, n:] = np.where(moved, w[candidates][None, :], 0.0)
    fit = fit_logistic_batch(xx, yy, W, regularization)

    # RE-Bench mean as a function of k: per-task means of the re-scored scores
    rb = (df["task_source"] == "RE-Bench").to_numpy()
    rebench = np.full(K + 1, np.nan)
    if rb.any():
        score = df["score"].to_numpy(dtype=float)
        new_score = np.where(np.isnan(score), rescored_score, np.maximum(score, rescored_score))
        S = np.repeat(score[None, :], K + 1, axis=0)
        S[:, candidates] = np.where(moved, new_score[candidates][None, :], score[candidates][None, :])
        codes, _ = pd.factorize(df.loc[rb, "task_id"])
        T = codes.max() + 1
        sums = np.zeros((K + 1, T))
        np.add.at(sums.T, codes, S[:, rb].T)
        rebench = (sums / np.bincount(codes)[None, :]).mean(axis=1)
    out = pd.DataFrame({
        "k": np.arange(K + 1),
        "share_of_runs": 100.0 * np.arange(K + 1) / n,
        "task_id": [""] + [str(df["task_id"].iloc[c]) for c in candidates[:K]],
        "status": fit.status.astype(str),
    })
    for sp in success_percents:
        out[f"p{sp}_min"] = horizon_at(sp / 100.0, fit.intercept, fit.slope)
    out["rebench_mean"] = rebench
    return out


def overtake_k(table: pd.DataFrame, target: float, column: str = "rebench_mean") -> float:
    """Smallest ``k`` at which ``table[column]`` exceeds ``target`` (NaN if it never does).

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`tipping_point`.
    target : float
        Value to beat (e.g. a comparison model's RE-Bench mean).

    Returns
    -------
    float
        ``k`` (0 when already ahead without re-scoring); NaN when not within the table's range
        or when ``target`` is NaN.
    """
    if not np.isfinite(target):
        return float("nan")
    above = table.loc[table[column] > target, "k"]
    return float(above.min()) if len(above) else float("nan")


def default_k_max(n_runs: int, share: float = 2 * REPORTED_HACK_SHARE[1]) -> int:
    """Largest ``k`` of the tipping-point range: ``ceil(share * n_runs)`` (4% of runs)."""
    return int(math.ceil(share * n_runs))


def hacking_analysis(
    runs: pd.DataFrame,
    model: str,
    comparison_models: Sequence[str],
    hacking_tasks: Sequence[str],
    weighting: str = "invsqrt_task_weight",
    regularization: float = 0.1,
    success_percents=(50, 80),
    k_max: int | None = None,
) -> dict:
    """Tipping-point analysis of one model under both candidate pools.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs table (all datasets); the model and its comparisons are taken from the
        model's dataset (:func:`locate_model`).
    model : str
        Display name of the model whose failures are re-scored.
    comparison_models : sequence of str
        Display names of the models whose RE-Bench mean is the bar to beat.
    hacking_tasks : sequence of str
        Task ids where hacking was reported.
    k_max : int, optional
        Default :func:`default_k_max` of the model's run count.

    Returns
    -------
    dict
        ``found`` (bool); when found: ``dataset``, ``alias``, ``n_runs``, ``n_failures``,
        ``k_max``, ``n_hacking_pool`` (failed runs on the hacking tasks), ``curves`` (long table: ``strategy`` + :func:`tipping_point` columns),
        ``comparisons`` (``model, rebench_mean, k_hacking_tasks, k_highest_scoring``),
        ``hacking_tasks_present`` (hacking tasks the model has runs on), ``hacking_tasks_absent``
        (hacking tasks not in the model's dataset at all), ``rebench_tasks`` (the dataset's
        RE-Bench task ids) and ``ablation_rows`` (the ``ablations.csv`` schema; empty when the
        model is absent).
    """
    where = locate_model(runs, model)
    if where is None:
        return {"found": False, "model": model, "ablation_rows": ablation_frame([])}
    dataset, alias = where
    ds = runs[runs["dataset"] == dataset]
    mine = ds[ds["alias"] == alias].reset_index(drop=True)
    k_max = default_k_max(len(mine)) if k_max is None else int(k_max)
    curves = []
    for strategy in STRATEGIES:
        cand = tipping_candidates(mine, strategy, hacking_tasks)
        curves.append(tipping_point(mine, cand, k_max, weighting, regularization,
                                    success_percents).assign(strategy=strategy))
    curves = pd.concat(curves, ignore_index=True)
    curves = curves[["strategy"] + [c for c in curves.columns if c != "strategy"]]
    means = rebench_means(ds).set_index("display_name")["rebench_mean"]
    comp_rows = []
    for comp in comparison_models:
        target = float(means.get(comp, np.nan))
        comp_rows.append({
            "model": comp, "rebench_mean": target,
            **{f"k_{s}": overtake_k(curves[curves["strategy"] == s], target) for s in STRATEGIES},
        })
    comparisons = pd.DataFrame(comp_rows, columns=["model", "rebench_mean"] +
                               [f"k_{s}" for s in STRATEGIES])
    rows = []
    for s in STRATEGIES:
        c = curves[curves["strategy"] == s].set_index("k")
        for k in (0, int(c.index.max())):
            for metric in [f"p{sp}_min" for sp in success_percents] + ["rebench_mean"]:
                rows.append(ablation_row("reward_hacking", dataset, alias, f"{s}_k{k}", metric,
                                         c.loc[k, metric]))
    for _, r in comparisons.iterrows():
        for s in STRATEGIES:
            rows.append(ablation_row("reward_hacking", dataset, alias,
                                     f"overtake_{r['model']}_{s}", "k_runs", r[f"k_{s}"]))
    return {
        "found": True, "model": model, "dataset": dataset, "alias": alias,
        "n_runs": len(mine), "n_failures": int((mine["success"] == 0).sum()), "k_max": k_max,
        "n_hacking_pool": int(len(tipping_candidates(mine, "hacking_tasks", hacking_tasks))),
        "curves": curves, "comparisons": comparisons,
        "hacking_tasks_present": sorted(set(hacking_tasks) & set(mine["task_id"])),
        "hacking_tasks_absent": sorted(set(hacking_tasks) - set(ds["task_id"])),
        "rebench_tasks": sorted(ds.loc[ds["task_source"] == "RE-Bench", "task_id"].unique()),
        "ablation_rows": ablation_frame(rows),
    }
