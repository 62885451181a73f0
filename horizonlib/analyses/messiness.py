r"""Success beyond length against METR's per-task messiness score.

For each model, a task's success beyond its length is the per-model random-intercept effect
:math:`u_{mj}` of :mod:`horizonlib.analyses.task_difficulty` (log-odds; positive = solved more
often than the model's curve predicts for a typical task of that length). Joined with the task's
messiness score :math:`s_j` (:func:`horizonlib.data.messiness.load_messiness`, 0-16), each model's
association is the least-squares slope

.. math::  u_{mj} = c_m + \beta_m s_j + \varepsilon_{mj}

over its labelled tasks (log-odds per messiness point). Models whose per-model fit gives no task
effects (no successes, no failures, or no spread among tasks) have no slope
(:func:`excluded_models`). Intervals resample the labelled tasks of
a dataset with replacement (the same draws for every model, so differences between models are
paired); the focus-minus-others contrast is :math:`\beta_f - \operatorname{mean}_{o}\beta_o` over
the dataset's other models with a fit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def join_messiness(tasks: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """Per (dataset, model, labelled task) rows of success beyond length and messiness.

    Parameters
    ----------
    tasks : pandas.DataFrame
        ``task_difficulty(...)["tasks"]``.
    labels : pandas.DataFrame
        :func:`horizonlib.data.messiness.load_messiness` output (task_id, messiness, n_labels).

    Returns
    -------
    pandas.DataFrame
        dataset, alias, display_name, task_id, human_minutes, messiness, n_labels,
        success_rate, beyond_length (log-odds), beyond_length_sd; models without a fit left out.
    """
    cols = ["dataset", "alias", "display_name", "task_id", "human_minutes"]
    joined = tasks.merge(labels, on="task_id", how="inner")
    out = joined[cols + ["messiness", "n_labels"]].copy()
    out["success_rate"] = joined["successes"] / joined["n_runs"]
    out["beyond_length"] = -joined["difficulty_model"]
    out["beyond_length_sd"] = joined["difficulty_model_sd"]
    return out[out["beyond_length"].notna()].reset_index(drop=True)


def excluded_models(tasks: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """Models on labelled tasks whose per-model fit gives no task effects, and why.

    Returns
    -------
    pandas.DataFrame
        dataset, alias, display_name, reason (``"no successes"``, ``"no failures"`` or
        ``"no spread among tasks"``: the fit's task spread collapsed, see
        :data:`horizonlib.analyses.task_difficulty.MIN_TASK_SD`).
    """
    on = tasks[tasks["task_id"].isin(labels["task_id"])]
    rows = []
    for (dataset, alias), g in on.groupby(["dataset", "alias"], sort=True):
        if g["difficulty_model"].notna().any():
            continue
        k, n = int(g["successes"].sum()), int(g["n_runs"].sum())
        reason = ("no successes" if k == 0 else "no failures" if k == n
                  else "no spread among tasks")
        rows.append({"dataset": dataset, "alias": alias,
                     "display_name": g["display_name"].iloc[0], "reason": reason})
    return pd.DataFrame(rows, columns=["dataset", "alias", "display_name", "reason"])


def labelled_counts(runs: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """Tasks of each dataset, and how many of them have messiness labels.

    Returns
    -------
    pandas.DataFrame
        dataset, n_tasks, n_labelled.
    """
    rows = []
    for dataset, g in runs.groupby("dataset", sort=True):
        ids = g["task_id"].unique()
        rows.append({"dataset": dataset, "n_tasks": len(ids),
                     "n_labelled": int(np.isin(ids, labels["task_id"]).sum())})
    return pd.DataFrame(rows, columns=["dataset", "n_tasks", "n_labelled"])


def _slopes(s, U):
    """OLS slopes of each column of U (T, M) on s (T,), NaN entries of U ignored per column."""
    ok = np.isfinite(U)
    w = ok.astype(float)
    n = w.sum(axis=0)
    sm = (w * s[:, None]).sum(axis=0) / n
    um = np.where(ok, U, 0.0).sum(axis=0) / n
    ds = np.where(ok, s[:, None] - sm, 0.0)
    return (ds * np.where(ok, U - um, 0.0)).sum(axis=0) / (ds * ds).sum(axis=0)


def messiness_slopes(joined: pd.DataFrame, focus_models, n_bootstrap: int,
                     rng: np.random.Generator, confidence_level: float) -> pd.DataFrame:
    """Each model's slope of success beyond length on messiness, with task-bootstrap intervals.

    Parameters
    ----------
    joined : pandas.DataFrame
        :func:`join_messiness` output.
    focus_models : sequence of str
        Display names whose contrast with the other models is reported.
    n_bootstrap : int
        Task resamples per dataset.
    rng : numpy.random.Generator
        Source of the resamples (datasets in sorted order).
    confidence_level : float
        Level of the percentile intervals.

    Returns
    -------
    pandas.DataFrame
        One row per (dataset, alias): display_name, n_tasks (labelled), slope, ci_low, ci_high
        (log-odds per messiness point), is_focus, contrast, contrast_ci_low, contrast_ci_high
        (focus slope minus the mean of the other models' slopes; NaN for non-focus models).
    """
    lo_q, hi_q = 50 * (1 - confidence_level), 50 * (1 + confidence_level)
    rows = []
    for dataset, g in joined.groupby("dataset", sort=True):
        wide = g.pivot(index="task_id", columns="alias", values="beyond_length")
        s = g.groupby("task_id")["messiness"].first().reindex(wide.index).to_numpy(float)
        U = wide.to_numpy(float)
        aliases = list(wide.columns)
        names = g.groupby("alias")["display_name"].first()
        point = _slopes(s, U)
        idx = rng.integers(0, len(s), size=(n_bootstrap, len(s)))
        reps = np.array([_slopes(s[i], U[i]) for i in idx]) if n_bootstrap else np.empty((0, len(aliases)))
        focus = np.array([names[a] in set(focus_models) for a in aliases])
        for m, alias in enumerate(aliases):
            row = {"dataset": dataset, "alias": alias, "display_name": names[alias],
                   "n_tasks": int(np.isfinite(U[:, m]).sum()), "slope": point[m],
                   "ci_low": np.nan, "ci_high": np.nan, "is_focus": bool(focus[m]),
                   "contrast": np.nan, "contrast_ci_low": np.nan, "contrast_ci_high": np.nan}
            if len(reps):
                row["ci_low"], row["ci_high"] = np.nanpercentile(reps[:, m], [lo_q, hi_q])
            others = [o for o in range(len(aliases)) if o != m and not focus[o]]
            if focus[m] and others:
                row["contrast"] = point[m] - point[others].mean()
                if len(reps):
                    c = reps[:, m] - reps[:, others].mean(axis=1)
                    row["contrast_ci_low"], row["contrast_ci_high"] = np.nanpercentile(c, [lo_q, hi_q])
            rows.append(row)
    return pd.DataFrame(rows)


JOINED_COLUMNS = ["dataset", "alias", "display_name", "task_id", "human_minutes", "messiness",
                  "n_labels", "success_rate", "beyond_length", "beyond_length_sd"]
SLOPE_COLUMNS = ["dataset", "alias", "display_name", "n_tasks", "slope", "ci_low", "ci_high",
                 "is_focus", "contrast", "contrast_ci_low", "contrast_ci_high"]


def messiness_analysis(runs, tasks, labels, focus_models, n_bootstrap, rng, confidence_level):
    """Everything the chapter shows about messiness; empty tables when there are no labels.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs table.
    tasks : pandas.DataFrame
        ``task_difficulty(...)["tasks"]``.
    labels : pandas.DataFrame or None
        :func:`horizonlib.data.messiness.load_messiness` output, or None (no labels configured).
    focus_models, n_bootstrap, rng, confidence_level
        As :func:`messiness_slopes`.

    Returns
    -------
    dict
        ``joined`` (:func:`join_messiness`), ``slopes`` (:func:`messiness_slopes`), ``counts``
        (:func:`labelled_counts`; n_labelled 0 without labels), ``excluded``
        (:func:`excluded_models`: models left out of the slopes), ``has_labels`` (bool).
    """
    if labels is None:
        labels = pd.DataFrame({"task_id": pd.Series([], dtype="str"),
                               "messiness": pd.Series([], dtype=float),
                               "n_labels": pd.Series([], dtype="int64")})
    joined = join_messiness(tasks, labels)[JOINED_COLUMNS]
    slopes = (messiness_slopes(joined, focus_models, n_bootstrap, rng, confidence_level)
              if len(joined) else pd.DataFrame(columns=SLOPE_COLUMNS))
    return {"joined": joined, "slopes": slopes[SLOPE_COLUMNS],
            "counts": labelled_counts(runs, labels), "excluded": excluded_models(tasks, labels),
            "has_labels": len(joined) > 0}
