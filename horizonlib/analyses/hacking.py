"""Reward hacking: how the treatment of hacked runs moves a model's horizon and RE-Bench mean.

METR scores a run that "succeeds" by reward hacking as a failure. The public run files carry no
per-run hacking flag, so this module offers two analyses:

1. **Flag file + policy.** A user-supplied CSV lists the run ids flagged as hacking
   (:func:`load_hack_flags`); :func:`apply_hack_policy` then treats them

   * ``as_failure`` — success 0 and score 0 (METR's rule),
   * ``as_scored``  — the score the task's scorer gave (the flag file's ``score``/``success``
     columns; without them a flagged run counts as a full success, score 1),
   * ``exclude``    — dropped; the task weights are recomputed without them.

2. **Tipping point.** Without flags: re-score ``k`` of the model's failed runs as successes
   (success 1, score ``max(score, rescored_score)``) for ``k = 0, 1, ..., k_max`` and refit. The
   ``k`` runs are taken in a fixed order from one of two pools
   (:func:`tipping_candidates`): the failed runs on the tasks where hacking was reported
   (``hacking_tasks``), or the ``k`` highest-scoring failures of any task (ties: longer task
   first, since a long-task success moves the horizon most). The weights do not change with
   ``k`` (re-scoring changes ``y``, not which runs exist), so all ``k_max + 1`` refits share one
   design and are solved at once by :func:`horizonlib.model.logistic.fit_logistic_batch`: every
   candidate appears twice, once with its observed ``y`` and once with ``y = 1``, and refit
   ``k`` moves the weight of the first ``k`` candidates from the first copy to the second.

The RE-Bench mean of a model (:func:`rebench_means`) is the mean over its RE-Bench tasks of the
mean normalized score of its runs on each task (every task counts once).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from horizonlib.model.horizons import fit_horizons
from horizonlib.model.logistic import fit_logistic_batch, horizon_at
from horizonlib.model.weights import run_weights

POLICIES = ("as_failure", "as_scored", "exclude")
STRATEGIES = ("hacking_tasks", "highest_scoring")

#: Share of o3's runs in which METR reported reward-hacking attempts (1-2%): the tipping-point
#: range extends to twice the upper end by default.
REPORTED_HACK_SHARE = (0.01, 0.02)


class HackFlagError(ValueError):
    """A hack-flag file is malformed.

    Attributes
    ----------
    path : Path
        The CSV file.
    line : int or None
        1-based line number in the file (the header is line 1); None for whole-file problems.
    column : str or None
        The offending column.
    value : object
        The offending value (None when not applicable).
    reason : str
        What is wrong.
    """

    def __init__(self, path, line, column, value, reason):
        self.path = Path(path)
        self.line, self.column, self.value, self.reason = line, column, value, reason
        parts = [self.path.name]
        if line is not None:
            parts.append(f"line {line}")
        if column is not None:
            parts.append(f"column '{column}'")
        shown = "" if value is None else f"value {value!r} "
        super().__init__(f"{', '.join(parts)}: {shown}{reason}")


# ----------------------------------------------------------------------------- model lookup
def locate_model(runs: pd.DataFrame, name: str) -> tuple[str, str] | None:
    """The ``(dataset, alias)`` of a model named by display name (or alias).

    When the model was measured in several datasets the one listed last in ``runs`` (the most
    recent file of an edition's ``runs`` list) is taken; measurements are never pooled.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs table.
    name : str
        Display name (``"o3"``) or exact alias (``"o3 (Inspect)"``).

    Returns
    -------
    tuple of str or None
        ``(dataset, alias)``, or None when no run of that model is present.
    """
    hit = runs[(runs["display_name"] == name) | (runs["alias"] == name)]
    if hit.empty:
        return None
    datasets = list(pd.unique(runs["dataset"]))
    last = max(pd.unique(hit["dataset"]), key=datasets.index)
    alias = hit.loc[hit["dataset"] == last, "alias"].iloc[0]
    return str(last), str(alias)


def model_runs(runs: pd.DataFrame, name: str) -> pd.DataFrame:
    """The runs of one model (see :func:`locate_model`); empty when absent."""
    where = locate_model(runs, name)
    if where is None:
        return runs.iloc[0:0]
    return runs[(runs["dataset"] == where[0]) & (runs["alias"] == where[1])]


# ----------------------------------------------------------------------------- RE-Bench mean
def rebench_means(runs: pd.DataFrame, exclude_tasks: Sequence[str] = ()) -> pd.DataFrame:
    """Mean normalized RE-Bench score per model (each task counts once).

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs table (non-RE-Bench runs are ignored).
    exclude_tasks : sequence of str, optional
        Task ids left out (e.g. the kernel task).

    Returns
    -------
    pandas.DataFrame
        Columns ``dataset, alias, display_name, rebench_mean`` (normalized score, mostly in
        [0, 1]), ``n_tasks``, ``n_runs``; one row per model with RE-Bench runs.
    """
    rb = runs[(runs["task_source"] == "RE-Bench") & ~runs["task_id"].isin(list(exclude_tasks))]
    cols = ["dataset", "alias", "display_name", "rebench_mean", "n_tasks", "n_runs"]
    if rb.empty:
        return pd.DataFrame(columns=cols)
    per_task = rb.groupby(["dataset", "alias", "display_name", "task_id"])["score"].agg(
        ["mean", "size"]).reset_index()
    out = per_task.groupby(["dataset", "alias", "display_name"]).agg(
        rebench_mean=("mean", "mean"), n_tasks=("task_id", "size"), n_runs=("size", "sum"),
    ).reset_index()
    return out[cols]


# ----------------------------------------------------------------------------- flag files
def load_hack_flags(path: str | os.PathLike, runs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read a CSV of run ids flagged as reward hacking.

    Columns: ``run_id`` (required, unique); optional ``dataset`` (to disambiguate run ids
    across datasets), ``score`` (the scorer's normalized score of the hacked run, in [0, 1]) and
    ``success`` (0/1), used by the ``as_scored`` policy. Other columns are ignored.

    Parameters
    ----------
    path : path-like
        The CSV file.
    runs : pandas.DataFrame, optional
        When given, every flagged run id must exist in it.

    Returns
    -------
    pandas.DataFrame
        ``run_id`` (str) plus whichever optional columns the file has.

    Raises
    ------
    HackFlagError
        Naming the file, the line and the column of the first problem.
    """
    path = Path(path)
    if not path.is_file():
        raise HackFlagError(path, None, None, None, "file not found")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise HackFlagError(path, None, None, None, "file is empty (expected a header with "
                            "'run_id')") from None
    if "run_id" not in raw.columns:
        raise HackFlagError(path, 1, "run_id", None,
                            f"required column is missing (columns: {list(raw.columns)})")
    out = pd.DataFrame({"run_id": raw["run_id"].str.strip().astype(str)})
    for i, rid in enumerate(out["run_id"]):
        if not rid:
            raise HackFlagError(path, i + 2, "run_id", rid, "is empty")
    if "dataset" in raw.columns:
        out["dataset"] = raw["dataset"].str.strip().astype(str)
    key = ["dataset", "run_id"] if "dataset" in out.columns else ["run_id"]
    dup = out.duplicated(key)
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise HackFlagError(path, i + 2, "run_id", out["run_id"].iloc[i], "is listed twice")
    for col in ("score", "success"):
        if col not in raw.columns:
            continue
        vals = np.full(len(raw), np.nan)
        for i, text in enumerate(raw[col]):
            text = text.strip()
            if text == "":
                continue
            try:
                v = float(text)
            except ValueError:
                raise HackFlagError(path, i + 2, col, text, "is not a number") from None
            ok = (0 <= v <= 1) if col == "score" else v in (0.0, 1.0)
            if not ok:
                raise HackFlagError(path, i + 2, col, text,
                                    "is not in [0, 1]" if col == "score" else "is not 0 or 1")
            vals[i] = v
        out[col] = vals
    if runs is not None:
        known = set(map(tuple, runs[key].astype(str).to_numpy()))
        for i, row in enumerate(out[key].to_numpy()):
            if tuple(row) not in known:
                raise HackFlagError(path, i + 2, "run_id", row[-1],
                                    "matches no run in the configured run files")
    return out


def apply_hack_policy(runs: pd.DataFrame, flags: pd.DataFrame, policy: str) -> pd.DataFrame:
    """Runs table with the flagged runs treated by ``policy``.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs table.
    flags : pandas.DataFrame
        From :func:`load_hack_flags`.
    policy : {"as_failure", "as_scored", "exclude"}
        See the module docstring.

    Returns
    -------
    pandas.DataFrame
        A copy (index reset); ``exclude`` drops the flagged rows.
    """
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}, got {policy!r}")
    key = ["dataset", "run_id"] if "dataset" in flags.columns else ["run_id"]
    runs = runs.reset_index(drop=True)
    idx = pd.MultiIndex.from_frame(runs[key].astype(str))
    fidx = pd.MultiIndex.from_frame(flags[key].astype(str))
    flagged = idx.isin(fidx)
    if policy == "exclude":
        return runs[~flagged].reset_index(drop=True)
    out = runs.copy()
    if policy == "as_failure":
        out.loc[flagged, "success"] = 0
        out.loc[flagged, "score"] = 0.0
        return out
    # as_scored: the scorer's verdict from the flag file, else a full success
    pos = fidx.get_indexer(idx[flagged])
    score = flags["score"].to_numpy()[pos] if "score" in flags.columns else np.full(len(pos), np.nan)
    success = (flags["success"].to_numpy()[pos] if "success" in flags.columns
               else np.full(len(pos), np.nan))
    success = np.where(np.isnan(success), np.where(np.isnan(score), 1.0, score > 0.9), success)
    score = np.where(np.isnan(score), success, score)
    out.loc[flagged, "success"] = success.astype(np.int64)
    out.loc[flagged, "score"] = score
    return out


# ----------------------------------------------------------------------------- tipping point
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
        return {"found": False, "model": model,
                "ablation_rows": pd.DataFrame(columns=["question", "model", "variant", "metric",
                                                       "estimate", "ci_low", "ci_high"])}
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
                rows.append({"question": "reward_hacking", "model": model,
                             "variant": f"{s}_k{k}", "metric": metric,
                             "estimate": float(c.loc[k, metric]), "ci_low": np.nan,
                             "ci_high": np.nan})
    for _, r in comparisons.iterrows():
        for s in STRATEGIES:
            rows.append({"question": "reward_hacking", "model": model,
                         "variant": f"overtake_{r['model']}_{s}", "metric": "k_runs",
                         "estimate": float(r[f"k_{s}"]), "ci_low": np.nan, "ci_high": np.nan})
    return {
        "found": True, "model": model, "dataset": dataset, "alias": alias,
        "n_runs": len(mine), "n_failures": int((mine["success"] == 0).sum()), "k_max": k_max,
        "n_hacking_pool": int(len(tipping_candidates(mine, "hacking_tasks", hacking_tasks))),
        "curves": curves, "comparisons": comparisons,
        "hacking_tasks_present": sorted(set(hacking_tasks) & set(mine["task_id"])),
        "hacking_tasks_absent": sorted(set(hacking_tasks) - set(ds["task_id"])),
        "rebench_tasks": sorted(ds.loc[ds["task_source"] == "RE-Bench", "task_id"].unique()),
        "ablation_rows": pd.DataFrame(rows, columns=["question", "model", "variant", "metric",
                                                     "estimate", "ci_low", "ci_high"]),
    }


def policy_table(runs: pd.DataFrame, flags: pd.DataFrame, weighting: str = "invsqrt_task_weight",
                 regularization: float = 0.1, success_percents=(50, 80)) -> pd.DataFrame:
    """Horizons and RE-Bench means of every model under each policy for a flag file.

    Returns
    -------
    pandas.DataFrame
        Columns ``policy, dataset, alias, display_name, n_flagged, p50_min, ...,
        rebench_mean``.
    """
    key = ["dataset", "run_id"] if "dataset" in flags.columns else ["run_id"]
    flagged = pd.MultiIndex.from_frame(runs[key].astype(str)).isin(
        pd.MultiIndex.from_frame(flags[key].astype(str)))
    n_flag = runs.assign(_f=flagged).groupby(["dataset", "alias"])["_f"].sum().rename("n_flagged")
    parts = []
    for policy in POLICIES:
        treated = apply_hack_policy(runs, flags, policy)
        fits = fit_horizons(treated, weighting, regularization, success_percents)
        means = rebench_means(treated)[["dataset", "alias", "rebench_mean"]]
        fits = fits.merge(means, on=["dataset", "alias"], how="left").merge(
            n_flag.reset_index(), on=["dataset", "alias"], how="left")
        parts.append(fits.assign(policy=policy))
    out = pd.concat(parts, ignore_index=True)
    return out[["policy", "dataset", "alias", "display_name", "n_flagged"]
               + [f"p{sp}_min" for sp in success_percents] + ["rebench_mean"]]


def missing_models(runs: pd.DataFrame, names: Sequence[str]) -> list[str]:
    """The names of ``names`` that have no run in ``runs`` (see :func:`locate_model`)."""
    return [n for n in names if locate_model(runs, n) is None]
