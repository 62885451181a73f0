"""Our fitted horizons against METR's published ones (analyses layer).

Published horizons are only ever compared with fits on the same suite (manifest field ``suite``)
and the same regularization (manifest field ``regularization``): :func:`compare_with_published`
and :func:`reproduction_table` (replaying METR's solver and the exact optimum). Also METR's
published points with release dates, and its fits as rows of ``horizons.csv``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from horizonlib.data.manifest import Dataset, load_manifest
from horizonlib.data.published import (
    load_benchmark_results,
    load_published_bootstrap,
    load_published_fits,
)
from horizonlib.model.horizons import HORIZON_TABLE_COLUMNS
from horizonlib.model.horizons import fit_horizons


def _suite_of(names: Sequence[str], manifest: Mapping[str, Dataset]) -> dict[str, str | None]:
    return {name: (manifest[name].suite if name in manifest else None) for name in names}


def published_horizons(published_results: Sequence[str], manifest=None) -> pd.DataFrame:
    """METR's published per-model horizons from its results files, in long form.

    Parameters
    ----------
    published_results : dataset names of kind ``benchmark_results``.

    Returns
    -------
    DataFrame with columns ``published, suite, regularization, alias, p, horizon_min,
    ci_low_min, ci_high_min`` (minutes).
    """
    manifest = load_manifest() if manifest is None else manifest
    frames = []
    for name in published_results:
        table = load_benchmark_results(name, manifest=manifest)
        for p in (0.5, 0.8):
            col = f"p{round(p * 100)}"
            frames.append(pd.DataFrame({
                "published": name, "suite": manifest[name].suite,
                "regularization": manifest[name].regularization, "alias": table["alias"],
                "p": p, "horizon_min": table[f"{col}_min"],
                "ci_low_min": table[f"{col}_ci_low_min"],
                "ci_high_min": table[f"{col}_ci_high_min"],
            }))
    columns = ["published", "suite", "regularization", "alias", "p", "horizon_min",
               "ci_low_min", "ci_high_min"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(
        columns=columns)


def compare_with_published(horizons: pd.DataFrame, published: pd.DataFrame,
                           regularization: float, manifest=None) -> pd.DataFrame:
    """Our horizons beside METR's published ones for the same suite, alias and penalty.

    Parameters
    ----------
    horizons : output of :func:`horizonlib.model.horizons.horizon_table`.
    published : output of :func:`published_horizons`.
    regularization : the penalty our fits used; only published files fitted with the same
        penalty are matched.

    Returns
    -------
    DataFrame with columns ``dataset, model, p, horizon_min, ci_low_min, ci_high_min,
    published, metr_horizon_min, metr_ci_low_min, metr_ci_high_min, relative_difference``
    (ours / METR's − 1). Models without a published counterpart are omitted.
    """
    manifest = load_manifest() if manifest is None else manifest
    ours = horizons.assign(suite=horizons["dataset"].map(
        _suite_of(horizons["dataset"].unique(), manifest)))
    same_penalty = published[np.isclose(published["regularization"].astype(float),
                                        regularization, rtol=1e-9, atol=1e-12)]
    theirs = same_penalty.rename(columns={"alias": "model", "horizon_min": "metr_horizon_min",
                                          "ci_low_min": "metr_ci_low_min",
                                          "ci_high_min": "metr_ci_high_min"})
    merged = ours.merge(theirs.drop(columns="regularization"), on=["suite", "model", "p"])
    merged["relative_difference"] = merged["horizon_min"] / merged["metr_horizon_min"] - 1
    return merged[[
        "dataset", "model", "p", "horizon_min", "ci_low_min", "ci_high_min", "published",
        "metr_horizon_min", "metr_ci_low_min", "metr_ci_high_min", "relative_difference",
    ]].sort_values(["dataset", "p", "horizon_min"], kind="stable").reset_index(drop=True)


def reproduction_table(runs: pd.DataFrame, published: pd.DataFrame,
                       weighting: str = "invsqrt_task_weight", manifest=None) -> pd.DataFrame:
    """Refit every model that METR published on the same suite, with METR's penalty.

    Each published file is matched to the configured run datasets of its suite; the fit uses
    the file's regularization twice: replaying scikit-learn's early-stopping L-BFGS (what METR's
    code ran) and at the exact optimum (Newton).

    Returns
    -------
    DataFrame with columns ``dataset, model, published, regularization, p, metr_min,
    replay_min, exact_min, replay_rel_diff, exact_rel_diff`` (minutes; rel_diff = ours/METR − 1).
    """
    manifest = load_manifest() if manifest is None else manifest
    suites = _suite_of(runs["dataset"].unique(), manifest)
    rows = []
    for (name, suite, reg), table in published.groupby(
            ["published", "suite", "regularization"], sort=True):
        datasets = [d for d, s in suites.items() if s == suite]
        subset = runs[runs["dataset"].isin(datasets) & runs["alias"].isin(table["alias"])]
        if subset.empty:
            continue
        fits = {solver: fit_horizons(subset, weighting, reg, (50, 80), solver=solver)
                for solver in ("sklearn_lbfgs", "newton")}
        for p in (0.5, 0.8):
            col = f"p{round(p * 100)}_min"
            metr = table[table["p"] == p].set_index("alias")["horizon_min"]
            replay = fits["sklearn_lbfgs"].set_index(["dataset", "alias"])[col]
            exact = fits["newton"].set_index(["dataset", "alias"])[col]
            for dataset, alias in replay.index:
                rows.append(dict(dataset=dataset, model=alias, published=name,
                                 regularization=reg, p=p, metr_min=metr[alias],
                                 replay_min=replay[(dataset, alias)],
                                 exact_min=exact[(dataset, alias)]))
    table = pd.DataFrame(rows, columns=["dataset", "model", "published", "regularization", "p",
                                        "metr_min", "replay_min", "exact_min"])
    table["replay_rel_diff"] = table["replay_min"] / table["metr_min"] - 1
    table["exact_rel_diff"] = table["exact_min"] / table["metr_min"] - 1
    return table


def published_points(published_fits: str | None, manifest=None) -> pd.DataFrame:
    """METR's published per-agent p50 with CI and release date (``human`` excluded).

    Returns an empty frame (same columns) when ``published_fits`` is None.
    """
    columns = ["model", "release_date", "horizon_min", "ci_low_min", "ci_high_min"]
    if published_fits is None:
        return pd.DataFrame(columns=columns)
    fits = load_published_fits(published_fits, manifest=manifest)
    fits = fits[fits["model"] != "human"]
    return pd.DataFrame({
        "model": fits["model"], "release_date": fits["release_date"],
        "horizon_min": fits["p50_min"], "ci_low_min": fits["p50_ci_low_min"],
        "ci_high_min": fits["p50_ci_high_min"],
    }).reset_index(drop=True)


def published_horizon_rows(published_fits: str | None, published_bootstrap: str | None,
                           manifest=None) -> pd.DataFrame:
    """METR's published fits as rows of ``horizons.csv`` (``source = "published"``).

    The interval is METR's published 2.5–97.5 percentile interval; ``failed_replicates`` counts
    the published bootstrap replicates left blank for that model (no successes); run and task
    counts are not published and stay empty.
    """
    if published_fits is None:
        return pd.DataFrame(columns=HORIZON_TABLE_COLUMNS)
    fits = load_published_fits(published_fits, manifest=manifest)
    fits = fits[fits["model"] != "human"]
    blanks = pd.Series(dtype=float)
    if published_bootstrap is not None:
        samples = load_published_bootstrap(published_bootstrap, manifest=manifest)
        blanks = samples["horizon_min"].isna().groupby([samples["model"], samples["p"]]).sum()
    frames = []
    for p in (0.5, 0.8):
        col = f"p{round(p * 100)}"
        failed = [blanks.get((m, p), np.nan) for m in fits["model"]]
        frames.append(pd.DataFrame({
            "dataset": published_fits, "model": fits["model"], "p": p,
            "horizon_min": fits[f"{col}_min"], "ci_low_min": fits[f"{col}_ci_low_min"],
            "ci_high_min": fits[f"{col}_ci_high_min"], "n_runs": np.nan, "n_tasks": np.nan,
            "failed_replicates": failed, "source": "published",
        }))
    return pd.concat(frames, ignore_index=True)[HORIZON_TABLE_COLUMNS]
