"""Is it noise? Paired bootstrap differences between two models (analyses layer).

Per paired replicate ``r`` (:mod:`horizonlib.analyses.noise.replicates`): the RE-Bench mean
difference ``D_r = M_r(a) - M_r(b)`` (with and without the kernel task) and the horizon ratio
``Q_r = h_r(a) / h_r(b)`` of the 50% horizons (minutes / minutes).

Reported: the point estimate (full data), the percentile interval, and ``P(D > 0)`` /
``P(Q > 1)`` = share of usable replicates above 0 / 1. When the two models have no common run
data, the ratio comes from METR's published bootstrap samples (paired across agents: one row is
one replicate for every agent) and the point estimate from METR's published fits
(:func:`published_ratio`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from horizonlib.analyses.hacking.models import locate_model
from horizonlib.analyses.noise.replicates import paired_run_statistics, percentile_interval

if TYPE_CHECKING:
    from horizonlib.model.shared_draws import SharedDraws

#: ``model_a`` / ``model_b`` are the names asked for (display names); ``dataset_*`` and
#: ``alias_*`` the measurement compared (for published rows the dataset is left blank and the
#: alias is the published agent name).
PAIR_COLUMNS = ["model_a", "model_b", "metric", "variant", "estimate", "ci_low", "ci_high",
                "p_positive", "n_replicates", "source", "dataset_a", "alias_a", "dataset_b",
                "alias_b"]


def _alias_in(runs: pd.DataFrame, dataset: str, name: str) -> str:
    """Alias of the model called ``name`` (display name or alias) in ``dataset``."""
    ds = runs[runs["dataset"] == dataset]
    return str(ds.loc[(ds["alias"] == name) | (ds["display_name"] == name), "alias"].iloc[0])


def _summarize(point: dict, reps: dict, confidence_level: float) -> list[dict]:
    rows = []
    for key, values in reps.items():
        lo, hi = percentile_interval(values, confidence_level)
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
    lo, hi = percentile_interval(ratio, confidence_level)
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
    draws: SharedDraws,
    weighting: str = "invsqrt_task_weight",
    regularization: float = 0.1,
    kernel_task: str | None = None,
    confidence_level: float = 0.95,
    published_fits: pd.DataFrame | None = None,
    published_samples: pd.DataFrame | None = None,
    samples: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Paired differences for each pair, from run data where possible, else published samples.

    The run-data replicates are the build's shared draws ``draws``
    (:func:`horizonlib.analyses.noise.replicates.paired_run_statistics`); ``samples``, the
    build's headline bootstrap table of ``runs`` on them, gives the 50% horizon replicates.

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
            res = paired_run_statistics(runs[runs["dataset"] == common], a, b, draws,
                                        weighting, regularization, kernel_task, samples=samples)
            keys = {"dataset_a": common, "alias_a": _alias_in(runs, common, a),
                    "dataset_b": common, "alias_b": _alias_in(runs, common, b)}
            for r in _summarize(res["point"], res["replicates"], confidence_level):
                rows.append({"model_a": a, "model_b": b, "variant": "all_levels",
                             "source": f"runs:{common}", **keys, **r})
            if published_samples is not None:
                try:
                    r = published_ratio(published_fits, published_samples, a, b,
                                        confidence_level)
                except KeyError:
                    continue
                published_rows.append({"model_a": a, "model_b": b, "variant": "all_levels",
                                       "source": "published", "alias_a": a, "alias_b": b, **r})
            continue
        if published_samples is not None:
            try:
                r = published_ratio(published_fits, published_samples, a, b, confidence_level)
            except KeyError as err:
                missing.append(f"{a} vs {b}: {err.args[0]}.")
                continue
            rows.append({"model_a": a, "model_b": b, "variant": "all_levels",
                         "source": "published", "alias_a": a, "alias_b": b, **r})
            missing.append(f"{a} vs {b}: no common run data, so no RE-Bench difference; the "
                           "horizon ratio comes from METR's published bootstrap samples.")
            continue
        missing.append(f"{a} vs {b}: neither common run data nor published samples.")
    # run-data rows first, then published rows (for pairs with run data too, so the two
    # sources can be compared)
    return pd.DataFrame(rows + published_rows, columns=PAIR_COLUMNS), missing
