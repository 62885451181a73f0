"""Is it noise? Paired bootstrap differences between two models, and where the CI width comes from.

For two models measured on the same task suite (same dataset), every bootstrap replicate
resamples task families, tasks within families and runs within (task, model) exactly as
:func:`horizonlib.bootstrap.draw_replicates` does; the family and task draws are shared by
both models, so the differences are paired. Per replicate ``r``:

* RE-Bench mean difference ``D_r = M_r(a) - M_r(b)``, where a model's RE-Bench mean is
  ``M_r = sum_t c_rt m_rt / sum_t c_rt`` — ``c_rt`` the times task ``t`` was drawn and ``m_rt`` the
  mean score of the model's drawn runs on it (the bootstrap of the per-task mean of
  :func:`horizonlib.hacking.rebench_means`). Computed on the RE-Bench tasks only (their own
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

from horizonlib.bootstrap import draw_replicates
from horizonlib.text import NOT_AVAILABLE, format_number, phrase
from horizonlib.hacking import dataset_label, english_list, locate_model
from horizonlib.logistic import fit_logistic_batch, horizon_at
from horizonlib.weights import run_weights

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
        (:func:`horizonlib.bootstrap.draw_replicates`, used for that case).

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
        As in :func:`horizonlib.horizons.fit_horizons`.
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
        :func:`horizonlib.published.load_published_fits` (point estimate); None: the median of
        the replicate ratios.
    samples : pandas.DataFrame
        :func:`horizonlib.published.load_published_bootstrap` (long).
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


# ----------------------------------------------------------------------------- presentation
METRIC_LABELS = {"p50_ratio": "ratio of 50% horizons",
                 "rebench_diff": "RE-Bench mean difference, all tasks",
                 "rebench_diff_no_kernel": "RE-Bench mean difference, without the kernel task"}


def source_label(source: str) -> str:
    """Readable data source: ``"runs:th-1-1-8-models"`` -> ``"run data (Time Horizon 1.1)"``,
    ``"published"`` -> ``"METR's published bootstrap"``."""
    if str(source).startswith("runs:"):
        return f"run data ({dataset_label(str(source).split(':', 1)[1])})"
    if source == "published":
        return "METR's published bootstrap"
    return str(source)


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


def pair_display(table: pd.DataFrame, confidence_level: float = 0.95) -> pd.DataFrame:
    """The chapter's pair table as text: one row per pair, statistic and source.

    Returns
    -------
    pandas.DataFrame
        Columns ``pair`` ("o3 vs Claude 3.7 Sonnet"), ``statistic`` (readable), ``estimate
        (95% CI)`` (ratios with 2 decimals, score differences with 3), ``first model ahead in``
        (share of bootstrap replicates, in %), ``replicates`` and ``source`` (readable).
    """
    level = f"{100 * confidence_level:.0f}% CI"
    cols = ["pair", "statistic", f"estimate ({level})", "first model ahead in", "replicates",
            "source"]
    out = pd.DataFrame({
        "pair": table["model_a"].astype(str) + " vs " + table["model_b"].astype(str),
        "statistic": table["metric"].map(lambda m: METRIC_LABELS.get(m, m)),
        f"estimate ({level})": [
            phrase(r.estimate, r.ci_low, r.ci_high, digits=2 if r.metric == "p50_ratio" else 3,
                   level=level) for r in table.itertuples()],
        "first model ahead in": [f"{100 * v:.1f}% of replicates" if np.isfinite(v) else "—"
                                 for v in table["p_positive"]],
        "replicates": [f"{int(v):,}" for v in table["n_replicates"]],
        "source": table["source"].map(source_label),
    }, columns=cols)
    return out


def _stat(table: pd.DataFrame, a: str, b: str, metric: str,
          source: str | None = None):
    rows = table[(table["model_a"] == a) & (table["model_b"] == b) & (table["metric"] == metric)]
    if source == "published":
        rows = rows[rows["source"] == "published"]
    elif source == "runs":
        rows = rows[rows["source"].astype(str).str.startswith("runs:")]
    return rows.iloc[0] if len(rows) else None


def missing_summary(table: pd.DataFrame, missing: list[str]) -> str:
    """The pairs without common run data, grouped by first model, in a few sentences.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`compare_pairs` output.
    missing : list of str
        Its second return value (one sentence per pair lacking common run data).
    """
    runs_pairs = set(zip(table.loc[table["source"].astype(str).str.startswith("runs:"), "model_a"],
                         table.loc[table["source"].astype(str).str.startswith("runs:"), "model_b"]))
    pub = table[(table["source"] == "published") & (table["metric"] == "p50_ratio")]
    keep = np.array([p not in runs_pairs for p in zip(pub["model_a"], pub["model_b"])], dtype=bool)
    pub_only = pub.loc[keep]
    sentences = []
    for a, group in pub_only.groupby("model_a", sort=False):
        sentences.append(
            f"{a} shares no run data with {english_list(list(group['model_b']))}, so "
            f"{'that pair has' if len(group) == 1 else 'those pairs have'} no RE-Bench "
            "difference; the horizon ratio comes from METR's published bootstrap samples.")
    sentences += [m for m in missing if "no common run data, so" not in m]
    return " ".join(sentences) if sentences else "none: every pair has common run data."


def _interval_text(row, digits: int) -> str:
    return (f"{format_number(row['ci_low'], digits)} to {format_number(row['ci_high'], digits)}")


def _side(low: float, high: float, null: float) -> str:
    """Where an interval lies relative to ``null``: "lies above", "lies below" or "spans"."""
    if low > null:
        return "lies above"
    if high < null:
        return "lies below"
    return "spans"


def pair_sentences(table: pd.DataFrame, a: str, b: str, n_bootstrap: int,
                   confidence_level: float = 0.95,
                   published_configured: bool | None = None) -> str:
    """The prose for one pair: horizon ratio with its source, METR's published ratio beside
    it, and the RE-Bench differences, each clause present only when its number exists.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`compare_pairs` output.
    a, b : str
        The pair (first model, second model).
    n_bootstrap : int
        Replicates of the run-data bootstrap (for the text).
    published_configured : bool, optional
        Whether METR's published samples were given (then a pair they lack is said to be
        missing from them); default: whether ``table`` has any published row.

    Returns
    -------
    str
        E.g. "For o3 against o1-preview, the ratio of 50% horizons is 6.22 (95% CI 3.43 to
        12.15) from run data (Time Horizon 1.1); o3's horizon is longer in 100.0% of 1,000
        paired replicates. METR's published bootstrap gives 5.05 (95% CI 2.82 to 10.91) for the
        same pair. Their RE-Bench means differ by 0.395 (...) in normalized score (positive in
        98.8% of replicates) and, without the kernel task, by 0.295 (...)."
    """
    level = f"{100 * confidence_level:.0f}% CI"
    if published_configured is None:
        published_configured = bool((table["source"] == "published").any())
    ratio = _stat(table, a, b, "p50_ratio")
    pub = _stat(table, a, b, "p50_ratio", source="published")
    if ratio is None:
        return (f"{a} and {b} share no run data and have no published bootstrap samples "
                "together, so they are not compared here.")
    text = (f"For {a} against {b}, the ratio of 50% horizons is "
            f"{phrase(ratio['estimate'], ratio['ci_low'], ratio['ci_high'], digits=2, level=level)}"
            f" from {source_label(ratio['source'])}")
    if np.isfinite(ratio["p_positive"]):
        n = (f"{int(n_bootstrap):,} paired replicates" if str(ratio["source"]).startswith("runs:")
             else f"{int(ratio['n_replicates']):,} published replicates")
        text += f"; {a}'s horizon is longer in {100 * ratio['p_positive']:.1f}% of {n}"
    text += "."
    if str(ratio["source"]).startswith("runs:"):
        if pub is not None:
            value = phrase(pub["estimate"], pub["ci_low"], pub["ci_high"], digits=2, level=level)
            text += f" METR's published bootstrap gives {value} for the same pair."
        elif published_configured:
            text += " METR's published samples do not include this pair."
    d = _stat(table, a, b, "rebench_diff")
    k = _stat(table, a, b, "rebench_diff_no_kernel")
    if d is None:
        text += " They share no RE-Bench runs, so their RE-Bench means are not compared."
    else:
        text += (f" Their RE-Bench means differ by "
                 f"{phrase(d['estimate'], d['ci_low'], d['ci_high'], digits=3, level=level)} in "
                 f"normalized score (positive in {100 * d['p_positive']:.1f}% of replicates)")
        if k is not None:
            text += (", and without the kernel task by "
                     f"{phrase(k['estimate'], k['ci_low'], k['ci_high'], digits=3, level=level)}")
        text += "."
    return text


def separation_sentences(table: pd.DataFrame, pairs: Sequence[tuple[str, str]]) -> str:
    """Whether each pair's RE-Bench interval and horizon-ratio interval separate the models,
    read off the numbers (never a fixed claim).

    Returns
    -------
    str
        One sentence per pair with a run-data RE-Bench difference, e.g. "For o3 against
        o1-preview the interval of the RE-Bench difference lies above zero (0.040 to 0.737);
        that of the horizon ratio, from every task, lies above 1 (3.43 to 12.15).", then a
        summary of how many pairs RE-Bench alone cannot separate.
    """
    sentences, unresolved, resolved_by_ratio = [], 0, 0
    for a, b in dict.fromkeys(pairs):
        d = _stat(table, a, b, "rebench_diff", source="runs")
        if d is None:
            continue
        r = _stat(table, a, b, "p50_ratio", source="runs")
        side_d = _side(d["ci_low"], d["ci_high"], 0.0)
        text = (f"For {a} against {b} the interval of the RE-Bench difference "
                f"{side_d} zero ({_interval_text(d, 3)})")
        if r is not None:
            side_r = _side(r["ci_low"], r["ci_high"], 1.0)
            text += (f"; that of the horizon ratio, from every task, {side_r} 1 "
                     f"({_interval_text(r, 2)})")
            if side_d == "spans" and side_r != "spans":
                resolved_by_ratio += 1
        unresolved += side_d == "spans"
        sentences.append(text + ".")
    if not sentences:
        return "No pair has RE-Bench runs of both models, so only horizon ratios are compared."
    n = len(sentences)
    if unresolved == 0:
        summary = ("Here even the handful of RE-Bench tasks separates "
                   + ("the two models." if n == 1 else f"the models of every pair ({n})."))
    else:
        which = ("the two models" if n == 1 else
                 ("the models of either pair" if n == 2 else f"the models of any of the {n} pairs")
                 if unresolved == n else f"the models of {unresolved} of the {n} pairs")
        summary = f"The handful of RE-Bench tasks cannot separate {which}"
        if resolved_by_ratio == unresolved:
            summary += (", which the horizon ratio does separate." if unresolved == 1 else
                        ", all of which the horizon ratio does separate.")
        elif resolved_by_ratio:
            summary += f"; the horizon ratio separates {resolved_by_ratio} of them."
        else:
            summary += "."
    return " ".join(sentences) + " " + summary


def figure_sources(table: pd.DataFrame) -> str:
    """The caption's description of the horizon-ratio sources actually drawn."""
    kinds = set(np.where(table["source"].astype(str).str.startswith("runs:"), "runs",
                         table["source"].astype(str)))
    parts = []
    if "runs" in kinds:
        parts.append("from common run data (blue circles)")
    if "published" in kinds:
        parts.append("from METR's published paired bootstrap samples (purple squares), which "
                     "also cover models without common run data")
    if not parts:
        return "no pair could be compared"
    text = " and ".join(parts)
    if "published" not in kinds:
        text += "; no published bootstrap samples are configured"
    return text


def noise_glue(table: pd.DataFrame, widths: pd.DataFrame | None, width_pair,
               focus_models, comparison_models, missing: list[str],
               confidence_level: float = 0.95, n_bootstrap: int = 1000,
               published_configured: bool | None = None) -> dict[str, str]:
    """Every value the noise chapter's prose shows, as text.

    The first focus model is compared with the first (``1``) and last (``2``) comparison
    model. Ratios have 2 decimals, RE-Bench differences 3 (normalized score), shares are in %.
    Values a configured edition cannot provide are :data:`horizonlib.answers.NOT_AVAILABLE`.

    Returns
    -------
    dict of str to str
        ``nz_missing, nz_level, nz_n_boot, nz_a, nz_b, nz_c``; for ``i`` in 1, 2:
        ``nz_r{i}`` (ratio with CI), ``nz_r{i}_p`` (share of replicates with ratio > 1),
        ``nz_r{i}_src`` (its source), ``nz_r{i}_pub`` (the same ratio from METR's published
        bootstrap), ``nz_d{i}``, ``nz_d{i}_p``, ``nz_k{i}`` (RE-Bench differences with CIs);
        ``nz_w_pair`` and ``nz_w_{ratio,diff}_{family,task,run}`` (variance shares, %);
        whole sentences built from the numbers: ``nz_pairs_text`` (:func:`pair_sentences` for
        the first focus model against each comparison model), ``nz_separation``
        (:func:`separation_sentences` over every pair) and ``nz_fig_sources``
        (:func:`figure_sources`).
    """
    level = f"{100 * confidence_level:.0f}% CI"
    focus = focus_models[0] if len(focus_models) else NOT_AVAILABLE
    comps = list(comparison_models) or [NOT_AVAILABLE]
    out = {"nz_missing": missing_summary(table, missing),
           "nz_level": level, "nz_n_boot": f"{int(n_bootstrap):,}",
           "nz_a": focus, "nz_b": comps[0], "nz_c": comps[-1]}
    for i, other in ((1, comps[0]), (2, comps[-1])):
        ratio = _stat(table, focus, other, "p50_ratio")
        pub = _stat(table, focus, other, "p50_ratio", source="published")
        out[f"nz_r{i}"] = (NOT_AVAILABLE if ratio is None else
                           phrase(ratio["estimate"], ratio["ci_low"], ratio["ci_high"], digits=2,
                                  level=level))
        out[f"nz_r{i}_p"] = (NOT_AVAILABLE if ratio is None or not np.isfinite(ratio["p_positive"])
                             else f"{100 * ratio['p_positive']:.1f}%")
        out[f"nz_r{i}_src"] = NOT_AVAILABLE if ratio is None else source_label(ratio["source"])
        out[f"nz_r{i}_pub"] = (NOT_AVAILABLE if pub is None else
                               phrase(pub["estimate"], pub["ci_low"], pub["ci_high"], digits=2,
                                      level=level))
        for tag, metric in (("d", "rebench_diff"), ("k", "rebench_diff_no_kernel")):
            row = _stat(table, focus, other, metric)
            out[f"nz_{tag}{i}"] = (NOT_AVAILABLE if row is None else
                                   phrase(row["estimate"], row["ci_low"], row["ci_high"],
                                          digits=3, level=level))
            out[f"nz_{tag}{i}_p"] = (NOT_AVAILABLE if row is None
                                     else f"{100 * row['p_positive']:.1f}%")
    others = list(dict.fromkeys(c for c in comparison_models if c != focus))
    out["nz_pairs_text"] = (" ".join(pair_sentences(table, focus, c, n_bootstrap,
                                                    confidence_level, published_configured)
                                     for c in others)
                            if len(focus_models) and others else
                            "No pair of a model of interest and a comparison model is "
                            "configured.")
    out["nz_separation"] = separation_sentences(
        table, list(zip(table["model_a"], table["model_b"])))
    out["nz_fig_sources"] = figure_sources(table)
    out["nz_w_pair"] = (NOT_AVAILABLE if width_pair is None
                        else f"{width_pair[0]} vs {width_pair[1]}")
    shares = (widths.set_index(["metric", "levels"])["share"] if widths is not None
              else pd.Series(dtype=float))
    for name, metric in (("ratio", "p50_ratio"), ("diff", "rebench_diff")):
        for lev in LEVELS:
            v = shares.get((metric, lev), np.nan)
            out[f"nz_w_{name}_{lev}"] = f"{100 * v:.0f}%" if np.isfinite(v) else NOT_AVAILABLE
    return out
