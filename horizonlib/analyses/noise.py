"""Is it noise? Paired bootstrap differences between two models, and where the CI width comes from.

For two models measured on the same task suite (same dataset), every bootstrap replicate
resamples task families, tasks within families and runs within (task, model) exactly as
:func:`horizonlib.model.bootstrap.draw_replicates` does; the family and task draws are shared by
both models, so the differences are paired. Per replicate ``r``:

* RE-Bench mean difference ``D_r = M_r(a) - M_r(b)``, where a model's RE-Bench mean is
  ``M_r = sum_t c_rt m_rt / sum_t c_rt`` — ``c_rt`` the times task ``t`` was drawn and ``m_rt`` the
  mean score of the model's drawn runs on it (the bootstrap of the per-task mean of
  :func:`horizonlib.analyses.hacking.models.rebench_means`). Computed on the RE-Bench tasks only (their own
  bootstrap), with and without the kernel task.
* Horizon ratio ``Q_r = h_r(a) / h_r(b)`` of the 50% horizons (minutes / minutes), each refitted
  with weights ``c_ri w_i`` (METR's replicate weights).

Reported: the point estimate (full data), the percentile interval, and ``P(D > 0)`` /
``P(Q > 1)`` = share of usable replicates above 0 / 1. When the two models have no common run
data, the ratio comes from METR's published bootstrap samples (paired across agents: one row is
one replicate for every agent) and the point estimate from METR's published fits.

CI width by level: the same statistics under restricted resampling — only families (tasks and
runs of a drawn family kept as they are), only tasks (each family once, its tasks resampled),
only runs (every task once, runs resampled) — against all three levels together
(:func:`draw_level_replicates`). The variances of the single-level bootstraps need not add up to
the full one; their shares show which level dominates.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from horizonlib.model.bootstrap import draw_replicates
from horizonlib.analyses.hacking.models import locate_model
from horizonlib.model.logistic import fit_logistic_batch, horizon_at
from horizonlib.model.weights import run_weights

LEVELS = ("family", "task", "run")
PAIR_COLUMNS = ["model_a", "model_b", "metric", "variant", "estimate", "ci_low", "ci_high",
                "p_positive", "n_replicates", "source"]


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


def _interval(values: np.ndarray, confidence_level: float) -> tuple[float, float]:
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
    n_bootstrap: int,
    rng: np.random.Generator,
    weighting: str = "invsqrt_task_weight",
    regularization: float = 0.1,
    kernel_task: str | None = None,
    levels: Sequence[str] = LEVELS,
) -> dict:
    """Point estimates and bootstrap replicates of the paired statistics from run data.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs of ONE dataset holding both models.
    model_a, model_b : str
        Aliases or display names (``a`` is the numerator / minuend).
    n_bootstrap : int
        Replicates.
    rng : numpy.random.Generator
        Source of randomness.
    weighting, regularization
        As in :func:`horizonlib.model.horizons.fit_horizons`.
    kernel_task : str, optional
        Task id dropped for the ``rebench_diff_no_kernel`` statistic.
    levels : sequence of str
        Resampled levels (:func:`draw_level_replicates`).

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
    sel = {}
    for name in (model_a, model_b):
        hit = runs[(runs["alias"] == name) | (runs["display_name"] == name)]
        if hit.empty:
            raise KeyError(f"model {name!r} has no runs in this dataset")
        sel[name] = hit["alias"].iloc[0]
    a, b = sel[model_a], sel[model_b]
    both = runs[runs["alias"].isin([a, b])].reset_index(drop=True)
    point, reps = {}, {}

    counts = draw_level_replicates(both, n_bootstrap, rng, levels)
    is_a = (both["alias"] == a).to_numpy()
    full = np.ones((1, len(both)), dtype=np.int64)
    pa = _p50_replicates(both[is_a], full[:, is_a], weighting, regularization)[0]
    pb = _p50_replicates(both[~is_a], full[:, ~is_a], weighting, regularization)[0]
    point["p50_ratio"] = pa / pb
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
        c = draw_level_replicates(sub, n_bootstrap, rng, levels)
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


def _summarize(point: dict, reps: dict, confidence_level: float) -> list[dict]:
    rows = []
    for key, values in reps.items():
        lo, hi = _interval(values, confidence_level)
        ok = values[np.isfinite(values)]
        threshold = 1.0 if key == "p50_ratio" else 0.0
        rows.append({"metric": key, "estimate": float(point[key]), "ci_low": lo, "ci_high": hi,
                     "p_positive": float(np.mean(ok > threshold)) if len(ok) else np.nan,
                     "n_replicates": int(len(ok))})
    return rows


def published_ratio(point_fits: pd.DataFrame | None, samples: pd.DataFrame, model_a: str,
                    model_b: str, confidence_level: float = 0.95) -> dict:
    """Horizon ratio ``p50(a) / p50(b)`` from METR's paired published bootstrap samples.

    Parameters
    ----------
    point_fits : pandas.DataFrame or None
        :func:`horizonlib.data.published.load_published_fits` (point estimate); None: the median of
        the replicate ratios.
    samples : pandas.DataFrame
        :func:`horizonlib.data.published.load_published_bootstrap` (long).
    model_a, model_b : str
        Agent names as in the published files.

    Returns
    -------
    dict
        ``metric`` ("p50_ratio"), ``estimate``, ``ci_low``, ``ci_high``, ``p_positive``
        (share of replicates with ratio > 1), ``n_replicates`` (replicates where both are
        finite).
    """
    s = samples[np.isclose(samples["p"], 0.5)]
    wide = s.pivot(index="replicate", columns="model", values="horizon_min")
    for m in (model_a, model_b):
        if m not in wide.columns:
            raise KeyError(f"no published bootstrap samples for {m!r}")
    ratio = (wide[model_a] / wide[model_b]).to_numpy(dtype=float)
    ratio = ratio[np.isfinite(ratio)]
    if point_fits is not None:
        pf = point_fits.set_index("model")["p50_min"]
        est = float(pf[model_a] / pf[model_b])
    else:
        est = float(np.median(ratio))
    lo, hi = _interval(ratio, confidence_level)
    return {"metric": "p50_ratio", "estimate": est, "ci_low": lo, "ci_high": hi,
            "p_positive": float(np.mean(ratio > 1)), "n_replicates": int(len(ratio))}


def model_pairs(focus_models: Sequence[str], comparison_models: Sequence[str]) -> list[tuple]:
    """Pairs compared: every focus model against every comparison model, then focus models
    against each other (later-listed first, e.g. o4-mini vs o3)."""
    pairs = [(f, c) for f in focus_models for c in comparison_models]
    for i, f in enumerate(focus_models):
        for g in focus_models[:i]:
            pairs.append((f, g))
    return pairs


def compare_pairs(
    runs: pd.DataFrame,
    pairs: Sequence[tuple[str, str]],
    n_bootstrap: int,
    rng: np.random.Generator,
    weighting: str = "invsqrt_task_weight",
    regularization: float = 0.1,
    kernel_task: str | None = None,
    confidence_level: float = 0.95,
    published_fits: pd.DataFrame | None = None,
    published_samples: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Paired differences for each pair, from run data where possible, else published samples.

    Returns
    -------
    table : pandas.DataFrame
        Columns :data:`PAIR_COLUMNS`; ``metric`` in ``rebench_diff``, ``rebench_diff_no_kernel``
        (normalized score), ``p50_ratio``; ``p_positive`` = P(diff > 0) or P(ratio > 1);
        ``source`` "runs:<dataset>" or "published". Pairs compared on run data also get a
        published ``p50_ratio`` row when the published samples hold both models; all run-data
        rows come before the published rows.
    missing : list of str
        One sentence per pair that could not be compared at all.
    """
    rows, missing, published_rows = [], [], []
    for a, b in pairs:
        la, lb = locate_model(runs, a), locate_model(runs, b)
        common = None
        if la and lb:
            ds_a = {d for d in runs.loc[(runs["display_name"] == a) | (runs["alias"] == a),
                                        "dataset"]}
            ds_b = {d for d in runs.loc[(runs["display_name"] == b) | (runs["alias"] == b),
                                        "dataset"]}
            shared = [d for d in pd.unique(runs["dataset"]) if d in ds_a & ds_b]
            common = shared[-1] if shared else None
        if common is not None:
            res = paired_run_statistics(runs[runs["dataset"] == common], a, b, n_bootstrap, rng,
                                        weighting, regularization, kernel_task)
            for r in _summarize(res["point"], res["replicates"], confidence_level):
                rows.append({"model_a": a, "model_b": b, "variant": "all_levels",
                             "source": f"runs:{common}", **r})
            if published_samples is not None:
                try:
                    r = published_ratio(published_fits, published_samples, a, b,
                                        confidence_level)
                except KeyError:
                    continue
                published_rows.append({"model_a": a, "model_b": b, "variant": "all_levels",
                                       "source": "published", **r})
            continue
        if published_samples is not None:
            try:
                r = published_ratio(published_fits, published_samples, a, b, confidence_level)
            except KeyError as err:
                missing.append(f"{a} vs {b}: {err.args[0]}.")
                continue
            rows.append({"model_a": a, "model_b": b, "variant": "all_levels",
                         "source": "published", **r})
            missing.append(f"{a} vs {b}: no common run data, so no RE-Bench difference; the "
                           "horizon ratio comes from METR's published bootstrap samples.")
            continue
        missing.append(f"{a} vs {b}: neither common run data nor published samples.")
    # run-data rows first, then published rows (for pairs with run data too, so the two
    # sources can be compared)
    return pd.DataFrame(rows + published_rows, columns=PAIR_COLUMNS), missing


def ci_width_by_level(
    runs: pd.DataFrame,
    model_a: str,
    model_b: str,
    n_bootstrap: int,
    rng: np.random.Generator,
    weighting: str = "invsqrt_task_weight",
    regularization: float = 0.1,
    kernel_task: str | None = None,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """CI width of each paired statistic when only one level (or all) is resampled.

    Parameters
    ----------
    runs : pandas.DataFrame
        Runs of one dataset holding both models.

    Returns
    -------
    pandas.DataFrame
        Columns ``metric, levels`` ("family", "task", "run", "all"), ``ci_low, ci_high,
        width`` (for ``p50_ratio`` the width is of log2 ratio, in doublings), ``variance``
        (of the same scale) and ``share`` (variance / sum of the three single-level variances).
    """
    rows = []
    for name, levels in (("all", LEVELS), ("family", ("family",)), ("task", ("task",)),
                         ("run", ("run",))):
        res = paired_run_statistics(runs, model_a, model_b, n_bootstrap, rng, weighting,
                                    regularization, kernel_task, levels)
        for metric, vals in res["replicates"].items():
            v = vals[np.isfinite(vals)]
            lo, hi = _interval(v, confidence_level)
            if metric == "p50_ratio":
                v = np.log2(v[v > 0])
                width = float(np.log2(hi) - np.log2(lo))
            else:
                width = hi - lo
            rows.append({"metric": metric, "levels": name, "ci_low": lo, "ci_high": hi,
                         "width": width, "variance": float(np.var(v)) if len(v) else np.nan})
    out = pd.DataFrame(rows)
    single = out[out["levels"] != "all"].groupby("metric")["variance"].transform("sum")
    out["share"] = np.where(out["levels"] != "all", out["variance"] / single.reindex(out.index),
                            np.nan)
    return out


def noise_ablation_rows(pairs: pd.DataFrame, widths: pd.DataFrame | None = None,
                        width_pair: tuple[str, str] | None = None) -> pd.DataFrame:
    """Rows for ``ablations.csv`` (``question = "noise"``).

    ``model`` is "a vs b"; ``variant`` is the source (runs or published) for the pair
    statistics, ``levels_<level>`` for the width decomposition; ``metric`` names the statistic
    (``p50_ratio``, ``p50_ratio_p_gt_1``, ``rebench_diff``, ``rebench_diff_p_gt_0``, ...,
    ``<metric>_ci_width``).
    """
    rows = []
    for _, r in pairs.iterrows():
        model = f"{r['model_a']} vs {r['model_b']}"
        rows.append({"question": "noise", "model": model, "variant": r["source"],
                     "metric": r["metric"], "estimate": r["estimate"], "ci_low": r["ci_low"],
                     "ci_high": r["ci_high"]})
        suffix = "_p_gt_1" if r["metric"] == "p50_ratio" else "_p_gt_0"
        rows.append({"question": "noise", "model": model, "variant": r["source"],
                     "metric": r["metric"] + suffix, "estimate": r["p_positive"],
                     "ci_low": np.nan, "ci_high": np.nan})
    if widths is not None and width_pair is not None:
        model = f"{width_pair[0]} vs {width_pair[1]}"
        for _, r in widths.iterrows():
            rows.append({"question": "noise", "model": model, "variant": f"levels_{r['levels']}",
                         "metric": f"{r['metric']}_ci_width", "estimate": r["width"],
                         "ci_low": np.nan, "ci_high": np.nan})
    return pd.DataFrame(rows, columns=["question", "model", "variant", "metric", "estimate",
                                       "ci_low", "ci_high"])


def level_decomposition(
    runs: pd.DataFrame,
    table: pd.DataFrame,
    n_bootstrap: int,
    rng: np.random.Generator,
    weighting: str = "invsqrt_task_weight",
    regularization: float = 0.1,
    kernel_task: str | None = None,
    confidence_level: float = 0.95,
) -> tuple[pd.DataFrame | None, tuple[str, str] | None]:
    """:func:`ci_width_by_level` for the first pair of ``table`` compared on run data.

    Parameters
    ----------
    runs : pandas.DataFrame
        Tidy runs (all datasets).
    table : pandas.DataFrame
        :func:`compare_pairs` output.

    Returns
    -------
    widths : pandas.DataFrame or None
        :func:`ci_width_by_level` output; None when no pair has common run data.
    pair : tuple of str or None
        ``(model_a, model_b)`` of that pair.
    """
    first = table[table["source"].astype(str).str.startswith("runs:")].head(1)
    if first.empty:
        return None, None
    pair = (str(first["model_a"].iloc[0]), str(first["model_b"].iloc[0]))
    dataset = str(first["source"].iloc[0]).split(":", 1)[1]
    widths = ci_width_by_level(runs[runs["dataset"] == dataset], *pair, n_bootstrap, rng,
                               weighting, regularization, kernel_task, confidence_level)
    return widths, pair
