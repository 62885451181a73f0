r"""Task difficulty beyond length: random-intercept logistic fits per model and per dataset.

Two fits of :func:`horizonlib.model.mixed_logistic.fit_random_intercept` (model equation there):

* **per model** — :math:`P = \sigma(a + b x_j + u_j)` on one model's runs: its own task effects
  :math:`u_j` and their spread :math:`s`; its horizon at a typical task (:math:`u = 0`) with a
  delta-method interval;
* **joint** — all models of a dataset share one effect :math:`u_j` per task (one difficulty per
  task beyond its length), each keeping its own curve :math:`(a_m, b_m)`.

Difficulty is reported as :math:`d_j = -u_j` in log-odds (positive = harder than its length
says), and in doublings of length, :math:`d_j / |b|`: a task with 2 doublings is as hard as a
typical task four times longer.

Where a model beats what its curve predicts: under the joint fit, model :math:`m` is predicted
to solve task :math:`j` with :math:`\hat p_{mj} = \sigma(a_m + b_m x_j + \hat u_j)`. Its runs there
show :math:`k` successes of :math:`n`. The excess log-likelihood

.. math::

    G_{mj} = n\,\mathrm{KL}(k/n \,\|\, \hat p_{mj}) = \ell(k/n) - \ell(\hat p_{mj}) \ge 0

is how much better a free success rate for this model on this task explains its runs (half the
binomial deviance). Summed over the tasks where :math:`k/n > \hat p_{mj}` it measures the
model's lead beyond its curve and the tasks' shared difficulty; the *concentration* is the share
of that sum from the top ``k`` tasks (1 = all of the lead on ``k`` tasks).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from scipy.special import expit
from scipy.stats import norm

from horizonlib.model.mixed_logistic import fit_random_intercept, mixed_horizon

TASK_COLUMNS = ["task_id", "task_family", "task_source", "human_minutes", "human_source"]

#: A per-model fit whose task spread s is below this (log-odds) has shrunk every task effect to
#: about zero (its likelihood is flat towards s = 0): its effects say nothing about which tasks
#: differ, so it gets status ``"no_task_spread"`` and no per-model task effects.
MIN_TASK_SD = 0.1


def count_matrix(runs: pd.DataFrame):
    """Successes and runs per (task, model) of ONE dataset.

    Returns
    -------
    (tasks, models, k, n)
        ``tasks``: one row per task (sorted by task_id) with :data:`TASK_COLUMNS`; ``models``:
        one row per alias (sorted) with alias, display_name; ``k``, ``n``: float arrays of
        shape (T, M).
    """
    tasks = runs.drop_duplicates("task_id").sort_values("task_id")[TASK_COLUMNS]
    tasks = tasks.reset_index(drop=True)
    models = (runs.drop_duplicates("alias").sort_values("alias")[["alias", "display_name"]]
              .reset_index(drop=True))
    g = runs.groupby(["task_id", "alias"])["success"]
    k = g.sum().unstack("alias").reindex(index=tasks["task_id"], columns=models["alias"])
    n = g.size().unstack("alias").reindex(index=tasks["task_id"], columns=models["alias"])
    return tasks, models, k.fillna(0).to_numpy(float), n.fillna(0).to_numpy(float)


def _binom_ll(k, n, p):
    p = np.clip(p, 1e-300, 1.0)
    q = np.clip(1.0 - p, 1e-300, 1.0)
    return np.where(k > 0, k * np.log(p), 0.0) + np.where(n - k > 0, (n - k) * np.log(q), 0.0)


def task_difficulty(runs: pd.DataFrame, success_percents=(50, 80), confidence_level=0.95):
    """Fit the per-model and joint random-intercept models of every dataset.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs table (unweighted runs; binarized ``success``).
    success_percents : sequence of int
        Horizons reported at these success probabilities (percent).
    confidence_level : float
        Level of the delta-method intervals of the horizons.

    Returns
    -------
    dict
        ``tasks``: one row per (dataset, alias, task): dataset, alias, display_name,
        :data:`TASK_COLUMNS`, n_runs, successes, difficulty_joint, difficulty_joint_sd
        (log-odds), difficulty_joint_doublings, predicted_rate_joint, excess_loglik,
        beats_curve, difficulty_model, difficulty_model_sd (log-odds), difficulty_model_doublings.
        ``horizons``: dataset, alias, display_name, p, horizon_min, ci_low_min, ci_high_min
        (minutes, typical task), task_sd (log-odds), status (``"ok"``, ``"no_successes"``,
        ``"no_failures"``, ``"no_task_spread"``, ``"sd_at_bound"`` or ``"not_converged"``; the
        per-model task effects are NaN unless ``"ok"``).
        ``joint``: per dataset: dataset, n_models, n_tasks, task_sd, mean_abs_slope (mean |b_m|
        over the models, log-odds per doubling of length: the divisor of the doublings),
        status, seconds.
        ``seconds``: total fitting time (wall clock, seconds).
    """
    z = norm.ppf(0.5 + confidence_level / 2.0)
    task_parts, horizon_rows, joint_rows = [], [], []
    t_total = time.perf_counter()
    for dataset in sorted(runs["dataset"].unique()):
        sub = runs[runs["dataset"] == dataset]
        tasks, models, k, n = count_matrix(sub)
        x = np.log2(tasks["human_minutes"].to_numpy(float))
        t0 = time.perf_counter()
        joint = fit_random_intercept(x, k, n)
        mean_slope = float(np.mean(np.abs(joint.slope)))
        joint_rows.append({"dataset": dataset, "n_models": len(models), "n_tasks": len(tasks),
                           "task_sd": joint.task_sd, "mean_abs_slope": mean_slope,
                           "status": joint.status, "seconds": time.perf_counter() - t0})
        for m, model in models.iterrows():
            ran = n[:, m] > 0
            km, nm = k[ran, m], n[ran, m]
            one = _per_model(x[ran], km, nm, success_percents, z)
            p_hat = expit(joint.intercept[m] + joint.slope[m] * x[ran] + joint.effect[ran])
            rate = km / nm
            excess = _binom_ll(km, nm, rate) - _binom_ll(km, nm, p_hat)
            part = tasks[ran].copy()
            part.insert(0, "display_name", model["display_name"])
            part.insert(0, "alias", model["alias"])
            part.insert(0, "dataset", dataset)
            part["n_runs"] = nm.astype(int)
            part["successes"] = km.astype(int)
            part["difficulty_joint"] = -joint.effect[ran]
            part["difficulty_joint_sd"] = joint.effect_sd[ran]
            part["difficulty_joint_doublings"] = -joint.effect[ran] / mean_slope
            part["predicted_rate_joint"] = p_hat
            part["excess_loglik"] = np.maximum(excess, 0.0)
            part["beats_curve"] = rate > p_hat
            part["difficulty_model"] = -one["effect"]
            part["difficulty_model_sd"] = one["effect_sd"]
            part["difficulty_model_doublings"] = -one["effect"] / abs(one["slope"])
            task_parts.append(part)
            for p, (h, lo, hi) in one["horizons"].items():
                horizon_rows.append({"dataset": dataset, "alias": model["alias"],
                                     "display_name": model["display_name"], "p": p,
                                     "horizon_min": h, "ci_low_min": lo, "ci_high_min": hi,
                                     "task_sd": one["task_sd"], "status": one["status"]})
    return {"tasks": pd.concat(task_parts, ignore_index=True),
            "horizons": pd.DataFrame(horizon_rows), "joint": pd.DataFrame(joint_rows),
            "seconds": time.perf_counter() - t_total}


def _per_model(x, k, n, success_percents, z):
    """One model's random-intercept fit: effects, task sd, horizons; NaN where degenerate."""
    ps = [sp / 100.0 for sp in success_percents]
    if k.sum() == 0 or k.sum() == n.sum():
        nan = np.full(x.size, np.nan)
        return {"effect": nan, "effect_sd": nan, "slope": np.nan, "task_sd": np.nan,
                "status": "no_successes" if k.sum() == 0 else "no_failures",
                "horizons": {p: (np.nan, np.nan, np.nan) for p in ps}}
    fit = fit_random_intercept(x, k, n)
    status = ("no_task_spread" if fit.status in ("ok", "sd_at_bound") and fit.task_sd < MIN_TASK_SD
              else fit.status)
    if status != "ok":
        nan = np.full(x.size, np.nan)
        return {"effect": nan, "effect_sd": nan, "slope": fit.slope[0], "task_sd": fit.task_sd,
                "status": status, "horizons": {p: mixed_horizon(p, fit, 0, z) for p in ps}}
    return {"effect": fit.effect, "effect_sd": fit.effect_sd, "slope": fit.slope[0],
            "task_sd": fit.task_sd, "status": fit.status,
            "horizons": {p: mixed_horizon(p, fit, 0, z) for p in ps}}


def concentration(tasks: pd.DataFrame, top_k: int = 3) -> pd.DataFrame:
    """How concentrated each model's lead beyond its curve is (module docstring).

    Parameters
    ----------
    tasks : pandas.DataFrame
        ``task_difficulty(...)["tasks"]``.
    top_k : int
        Number of top tasks whose share is reported.

    Returns
    -------
    pandas.DataFrame
        One row per (dataset, alias): display_name, n_tasks, n_beats (tasks where the success
        rate exceeds the joint prediction), excess_total (summed excess log-likelihood over
        them, nats), share_top1, share_topk (shares of excess_total), tasks_for_half (fewest
        tasks holding half of it), top_tasks (the top ``top_k`` task ids, ';'-joined).
    """
    rows = []
    for (dataset, alias), g in tasks.groupby(["dataset", "alias"], sort=True):
        beats = g[g["beats_curve"]].sort_values(["excess_loglik", "task_id"],
                                                ascending=[False, True])
        gains = beats["excess_loglik"].to_numpy(float)
        total = gains.sum()
        cum = np.cumsum(gains) / total if total > 0 else np.array([])
        rows.append({"dataset": dataset, "alias": alias,
                     "display_name": g["display_name"].iloc[0], "n_tasks": len(g),
                     "n_beats": len(beats), "excess_total": total,
                     "share_top1": cum[0] if cum.size else np.nan,
                     "share_topk": cum[min(top_k, cum.size) - 1] if cum.size else np.nan,
                     "tasks_for_half": int(np.searchsorted(cum, 0.5) + 1) if cum.size else 0,
                     "top_tasks": ";".join(beats["task_id"].head(top_k))})
    return pd.DataFrame(rows)


def compare_horizons(mixed: pd.DataFrame, metr: pd.DataFrame) -> pd.DataFrame:
    """Mixed-model horizons next to METR's (the ``metr`` variant of the length-error table).

    Returns
    -------
    pandas.DataFrame
        dataset, alias, display_name, p, horizon_min, ci_low_min, ci_high_min (mixed model,
        minutes), task_sd, status, metr_horizon_min, metr_ci_low_min, metr_ci_high_min
        (minutes), width_ratio (log-width of the mixed interval over METR's).
    """
    m = metr[metr["variant"] == "metr"][["dataset", "alias", "p", "horizon_min", "ci_low_min",
                                         "ci_high_min"]]
    m = m.rename(columns={"horizon_min": "metr_horizon_min", "ci_low_min": "metr_ci_low_min",
                          "ci_high_min": "metr_ci_high_min"})
    out = mixed.merge(m, on=["dataset", "alias", "p"], how="left")
    out["width_ratio"] = (np.log(out["ci_high_min"] / out["ci_low_min"])
                          / np.log(out["metr_ci_high_min"] / out["metr_ci_low_min"]))
    return out


def planted_recovery(tasks: pd.DataFrame, truth: pd.Series | None, dataset: str = "synthetic"):
    """How well the joint fit recovers planted task effects (synthetic edition).

    Parameters
    ----------
    tasks : pandas.DataFrame
        ``task_difficulty(...)["tasks"]``.
    truth : pandas.Series or None
        task_id -> planted effect (log-odds, positive = easier), e.g.
        :func:`horizonlib.data.simulate.synthetic_task_effects`; None when there is no truth.
    dataset : str
        The dataset the truth belongs to.

    Returns
    -------
    dict or None
        ``correlation`` (Pearson, fitted effect -difficulty_joint vs planted), ``n_tasks``,
        ``planted_sd`` (log-odds); None when ``truth`` is None or the dataset is absent.
    """
    if truth is None or dataset not in set(tasks["dataset"]):
        return None
    fitted = tasks[tasks["dataset"] == dataset].drop_duplicates("task_id").set_index("task_id")
    planted = truth.reindex(fitted.index).to_numpy(float)
    effect = -fitted["difficulty_joint"].to_numpy(float)
    return {"correlation": float(np.corrcoef(effect, planted)[0, 1]), "n_tasks": len(fitted),
            "planted_sd": float(np.std(truth.to_numpy(float)))}
