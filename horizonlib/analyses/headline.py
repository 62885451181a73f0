"""The headline analysis behind the "horizon fit" chapter (analyses layer).

For each model ``(dataset, alias)`` METR's curve ``P(success) = sigmoid(intercept + slope *
log2(human_minutes))`` is fitted (:mod:`horizonlib.model.horizons`), its horizons compared with METR's
published ones on the same task suite, and the 50% horizons regressed on release date:

    ln(p50_minutes) = a + b * days_since_1970,    doubling time = ln 2 / b  [days].

Everything here arranges model-layer results into the tables the chapter shows; nothing here
draws. Published horizons are only ever compared with fits on the same suite (manifest field
``suite``) and the same regularization (manifest field ``regularization``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from horizonlib.model.horizons import fit_horizons
from horizonlib.data.manifest import Dataset, load_manifest
from horizonlib.model.horizons import HORIZON_TABLE_COLUMNS
from horizonlib.data.simulate import DOUBLING_TIME_DAYS, PLANTED
from horizonlib.common.text import english_list, plural
from horizonlib.data.published import (
    load_benchmark_results,
    load_published_bootstrap,
    load_published_fits,
    release_date_for,
)
from horizonlib.model.trend import (
    MIN_TREND_P50_MIN,
    days_since_epoch,
    doubling_time_table,
    fit_trend,
    release_date_of,
    samples_wide,
)

#: Task lengths (minutes) at which fitted curves are drawn: 6 seconds to about 28 hours.
CURVE_GRID_MIN = np.logspace(-1, np.log10(1680), 120)


def curve_points(runs: pd.DataFrame) -> pd.DataFrame:
    """Observed success per model and task: the points under each fitted curve.

    Returns
    -------
    DataFrame with columns ``dataset, alias, task_id, human_minutes, success_rate, n_runs``.
    """
    return (
        runs.groupby(["dataset", "alias", "task_id"], sort=True)
        .agg(human_minutes=("human_minutes", "first"), success_rate=("success", "mean"),
             n_runs=("success", "size"))
        .reset_index()
    )


def extrapolated_horizons(fits: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """Models whose 50% horizon is shorter than the shortest task they ran (minutes).

    Returns
    -------
    DataFrame with columns ``dataset, alias, p50_min, shortest_task_min``.
    """
    shortest = runs.groupby(["dataset", "alias"])["human_minutes"].min().rename(
        "shortest_task_min")
    merged = fits.merge(shortest.reset_index(), on=["dataset", "alias"])
    out = merged[merged["p50_min"] < merged["shortest_task_min"]]
    return out[["dataset", "alias", "p50_min", "shortest_task_min"]].reset_index(drop=True)


def curve_grid(fits: pd.DataFrame, minutes: np.ndarray = CURVE_GRID_MIN) -> pd.DataFrame:
    """Fitted success probability on a grid of task lengths, for every model that fitted.

    Parameters
    ----------
    fits : output of :func:`horizonlib.model.horizons.fit_horizons`.
    minutes : task lengths in minutes.

    Returns
    -------
    DataFrame with columns ``dataset, alias, human_minutes, p_success``.
    """
    ok = fits[fits["status"] == "ok"]
    x = np.log2(minutes)
    logits = ok["intercept"].to_numpy()[:, None] + ok["slope"].to_numpy()[:, None] * x[None, :]
    return pd.DataFrame({
        "dataset": np.repeat(ok["dataset"].to_numpy(), len(x)),
        "alias": np.repeat(ok["alias"].to_numpy(), len(x)),
        "human_minutes": np.tile(minutes, len(ok)),
        "p_success": (1.0 / (1.0 + np.exp(-logits))).ravel(),
    })


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


def regularization_effect(runs: pd.DataFrame, weighting: str, regularization: float,
                          compare_to: float = 0.0) -> pd.DataFrame:
    """p50 and p80 at two penalties, and their ratio, per model.

    Returns
    -------
    DataFrame with columns ``dataset, alias, slope, slope_compared, p50_min, p50_compared_min,
    p50_ratio, p80_min, p80_compared_min, p80_ratio`` (ratio = at ``regularization`` / at
    ``compare_to``); only models whose both fits succeeded.
    """
    a = fit_horizons(runs, weighting, regularization, (50, 80))
    b = fit_horizons(runs, weighting, compare_to, (50, 80))
    merged = a.merge(b, on=["dataset", "alias"], suffixes=("", "_cmp"))
    merged = merged[(merged["status"] == "ok") & (merged["status_cmp"] == "ok")]
    out = pd.DataFrame({"dataset": merged["dataset"], "alias": merged["alias"],
                        "slope": merged["slope"], "slope_compared": merged["slope_cmp"]})
    for col in ("p50", "p80"):
        out[f"{col}_min"] = merged[f"{col}_min"]
        out[f"{col}_compared_min"] = merged[f"{col}_min_cmp"]
        out[f"{col}_ratio"] = merged[f"{col}_min"] / merged[f"{col}_min_cmp"]
    return out.reset_index(drop=True)


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


def _trend_usable(p50: pd.Series) -> np.ndarray:
    """A p50 enters a trend fit only if finite and at least METR's floor of 1e-3 minutes (the
    same rule METR applies to bootstrap replicates, so point and interval use the same models)."""
    values = p50.to_numpy(dtype=float)
    return np.isfinite(values) & (values >= MIN_TREND_P50_MIN)


def fitted_points(horizons: pd.DataFrame, release_dates: pd.Series) -> pd.DataFrame:
    """Our fitted p50 per model with CI and release date; models without a date or without a
    usable p50 are left out (see :func:`trend_exclusions`)."""
    p50 = horizons[horizons["p"] == 0.5]
    p50 = p50[_trend_usable(p50["horizon_min"])]
    dated = _dates_or_nat(p50["model"], release_dates)
    out = p50.assign(release_date=dated.to_numpy())
    out = out[out["release_date"].notna()]
    return out[["dataset", "model", "release_date", "horizon_min", "ci_low_min",
                "ci_high_min"]].reset_index(drop=True)


def _dates_or_nat(models: pd.Series, release_dates: pd.Series) -> pd.Series:
    return pd.to_datetime(models.map(lambda m: release_date_for(m, release_dates)))


def trend_exclusions(horizons: pd.DataFrame, release_dates: pd.Series) -> pd.DataFrame:
    """Models that cannot enter a trend fit, and why (no release date, or no usable p50).

    Returns
    -------
    DataFrame with columns ``dataset, model, horizon_min, reason``.
    """
    p50 = horizons[horizons["p"] == 0.5]
    dated = _dates_or_nat(p50["model"], release_dates)
    finite = np.isfinite(p50["horizon_min"].to_numpy(dtype=float))
    reasons = np.where(
        ~finite, "no finite 50% horizon (no fit)",
        np.where(~_trend_usable(p50["horizon_min"]),
                 f"50% horizon below {MIN_TREND_P50_MIN:g} min (extrapolated)",
                 np.where(dated.isna(), "no release date configured", "")))
    out = pd.DataFrame({"dataset": p50["dataset"], "model": p50["model"],
                        "horizon_min": p50["horizon_min"], "reason": reasons})
    return out[out["reason"] != ""].reset_index(drop=True)


def trend_tables(horizons: pd.DataFrame, samples: pd.DataFrame, release_dates: pd.Series,
                 published_fits: str | None, published_bootstrap: str | None,
                 windows: Sequence[str], selections, confidence_level: float,
                 manifest=None) -> pd.DataFrame:
    """Doubling times from our fits (each dataset on its own) and from METR's published fits.

    Parameters
    ----------
    horizons, samples : our :func:`horizon_table` and :func:`bootstrap_horizons` outputs.
    release_dates : alias -> release date.
    published_fits, published_bootstrap : dataset names (or None: no published rows).
    windows : window start dates; selections : as in :func:`horizonlib.model.trend.doubling_time_table`.

    Returns
    -------
    DataFrame in the ``trend.csv`` schema (``source`` = ``fitted`` or ``published``) plus a
    ``dataset`` column naming the run file or published file each row was fitted on (the same
    alias can be a different measurement in two datasets).
    """
    frames = []
    points = fitted_points(horizons, release_dates)
    for dataset, rows in points.groupby("dataset", sort=True):
        point = rows.set_index("model")["horizon_min"]
        mine = samples[(samples["dataset"] == dataset) & samples["alias"].isin(point.index)]
        frames.append(doubling_time_table(point, mine, release_dates, windows, selections,
                                          confidence_level, source="fitted")
                      .assign(dataset=dataset))
    if published_fits is not None:
        pub = published_points(published_fits, manifest).set_index("model")
        pub_samples = (None if published_bootstrap is None
                       else load_published_bootstrap(published_bootstrap, manifest=manifest))
        frames.append(doubling_time_table(
            pub["horizon_min"], pub_samples, pub["release_date"], windows, selections,
            confidence_level, source="published").assign(dataset=published_fits))
    return pd.concat(frames, ignore_index=True)


def trend_line(point_p50: pd.Series, samples: pd.DataFrame | None, models: Sequence[str],
               release_dates: pd.Series, label: str, confidence_level: float = 0.95,
               n_points: int = 60) -> pd.DataFrame:
    """The fitted exponential trend through ``models`` with a bootstrap band, on a date grid.

    The band at each date is the central ``confidence_level`` interval of the trend refitted on
    every bootstrap replicate (replicates where a model's p50 is not finite are skipped).

    Returns
    -------
    DataFrame with columns ``label, release_date, horizon_min, band_low_min, band_high_min``.
    """
    models = list(models)
    dates = release_date_of(models, release_dates)
    slope, intercept, _ = fit_trend(point_p50[models], release_dates)
    grid = pd.date_range(dates.min(), dates.max(), periods=n_points)
    x = days_since_epoch(grid)
    out = pd.DataFrame({"label": label, "release_date": grid,
                        "horizon_min": np.exp(intercept + slope * x)})
    out["band_low_min"] = out["band_high_min"] = np.nan
    if samples is not None:
        wide = samples_wide(samples)[models].to_numpy(dtype=float)
        keep = np.isfinite(wide).all(axis=1) & (wide > 0).all(axis=1)
        logs = np.log(wide[keep])
        xm = days_since_epoch(dates.to_numpy())
        dx = xm - xm.mean()
        slopes = (logs - logs.mean(axis=1, keepdims=True)) @ dx / (dx @ dx)
        intercepts = logs.mean(axis=1) - slopes * xm.mean()
        curves = intercepts[:, None] + slopes[:, None] * x[None, :]
        lo, hi = np.percentile(curves, [50 * (1 - confidence_level), 50 * (1 + confidence_level)],
                               axis=0)
        out["band_low_min"], out["band_high_min"] = np.exp(lo), np.exp(hi)
    return out


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


def trend_figure_data(horizons: pd.DataFrame, samples: pd.DataFrame, release_dates: pd.Series,
                      trend: pd.DataFrame, published_fits: str | None,
                      published_bootstrap: str | None, window: str, confidence_level: float,
                      manifest=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Points and trend lines for the headline figure.

    Points: our fitted p50 per dataset and METR's published p50. Lines: the frontier trend of
    ``window`` from each source, with its bootstrap band.

    Returns
    -------
    (points, lines) in the shapes :func:`horizonlib.report.figures.plot_horizon_trend` takes.
    """
    ours = fitted_points(horizons, release_dates)
    points = [ours.assign(series="fitted: " + ours["dataset"]).drop(columns="dataset")]
    lines = []
    rows = trend[(trend["window_start"] == window) & (trend["selection"] == "frontier")]
    for row in rows.itertuples(index=False):
        models = row.models.split(";")
        if len(models) < 2:
            continue
        if row.source == "published":
            pub = published_points(published_fits, manifest).set_index("model")
            point, dates = pub["horizon_min"], pub["release_date"]
            boot = (None if published_bootstrap is None
                    else load_published_bootstrap(published_bootstrap, manifest=manifest))
            label = f"METR published, frontier since {window}"
            series = f"METR published ({published_fits})"
        else:
            mine = ours[ours["dataset"] == row.dataset]
            point, dates = mine.set_index("model")["horizon_min"], release_dates
            boot = samples[samples["dataset"] == row.dataset]
            label = f"fitted ({row.dataset}), frontier since {window}"
            series = f"fitted: {row.dataset}"
        lines.append(trend_line(point, boot, models, dates, label, confidence_level)
                     .assign(series=series))
    if published_fits is not None:
        pub = published_points(published_fits, manifest)
        points.append(pub.assign(series="METR published (" + published_fits + ")"))
    return pd.concat(points, ignore_index=True), (
        pd.concat(lines, ignore_index=True) if lines else None)


def fit_sentences(fits: pd.DataFrame, horizons: pd.DataFrame, extrapolated: pd.DataFrame,
                  reproduction: pd.DataFrame) -> dict[str, str]:
    """The fit chapter's generated sentences, grammatical for any number of models.

    Returns
    -------
    dict with ``failed_fits``, ``degenerate``, ``extrapolated`` and ``reproduction`` sentences.
    """
    failed = fits[fits["status"] != "ok"]
    names = [f"{r.alias} ({r.status.replace('_', ' ')})" for r in failed.itertuples()]
    out = {"failed_fits": (
        "Every model's fit produced a horizon." if failed.empty else
        f"{plural(len(failed), 'model')} had no successes or no failures at all and "
        f"{'has' if len(failed) == 1 else 'have'} no horizon: {english_list(names)}.")}
    p50 = horizons[horizons["p"] == horizons["p"].min()]
    bad = p50[p50["failed_replicates"] > 0]
    out["degenerate"] = (
        "No replicate left a model without successes or failures." if bad.empty else
        "Replicates in which a model has no successes or no failures are not used for its "
        f"interval but are counted: {plural(int(bad['failed_replicates'].sum()), 'replicate')} "
        f"over {plural(len(bad), 'model')} ("
        + english_list([f"{r.model}: {int(r.failed_replicates):,}" for r in bad.itertuples()])
        + ").")
    out["extrapolated"] = (
        "Every 50% horizon lies within the task lengths its model ran." if extrapolated.empty
        else f"{plural(len(extrapolated), 'model')} "
        f"{'has' if len(extrapolated) == 1 else 'have'} a 50% horizon shorter than the "
        "shortest task they ran ("
        + english_list([f"{r.alias}, {r.dataset}" for r in extrapolated.itertuples()])
        + "): that number is the curve extrapolated beyond the data, and its interval, "
        "spanning many orders of magnitude, says so.")
    n = reproduction[["dataset", "model"]].drop_duplicates().shape[0]
    out["reproduction"] = (
        "None of the configured run files is one METR published horizons for, so there is "
        "nothing to reproduce in this edition." if n == 0 else
        f"{plural(n, 'model')} {'is' if n == 1 else 'are'} matched: the replay agrees with "
        f"every published horizon to within "
        f"{100 * reproduction['replay_rel_diff'].abs().max():.5f}%, the exact optimum to within "
        f"{100 * reproduction['exact_rel_diff'].abs().max():.3f}%. The book reports the exact "
        "optimum; the difference is METR's solver stopping early, and is far smaller than any "
        "interval.")
    return out


def planted_comparison(horizons: pd.DataFrame, unpenalized: pd.DataFrame) -> pd.DataFrame:
    """Estimated against planted 50% horizons, for runs simulated by :mod:`horizonlib.data.simulate`.

    Parameters
    ----------
    horizons : :func:`horizonlib.model.horizons.horizon_table` output (the edition's penalty).
    unpenalized : :func:`horizonlib.model.horizons.fit_horizons` output with ``regularization=0``.

    Returns
    -------
    DataFrame with ``model, planted_p50_min, p50_min, ci_low_min, ci_high_min, covered,
    unpenalized_p50_min``; empty when no configured model is a simulated one.
    """
    truth = PLANTED.set_index("alias")["p50_min"]
    ours = horizons[(horizons["p"] == 0.5) & horizons["model"].isin(truth.index)]
    free = unpenalized[unpenalized["alias"].isin(truth.index)][["dataset", "alias", "p50_min"]]
    merged = ours.merge(free.rename(columns={"alias": "model", "p50_min": "unpenalized_p50_min"}),
                        on=["dataset", "model"], how="left")
    planted = truth.reindex(merged["model"]).to_numpy()
    return pd.DataFrame({
        "model": merged["model"].to_numpy(),
        "planted_p50_min": planted,
        "p50_min": merged["horizon_min"].to_numpy(),
        "ci_low_min": merged["ci_low_min"].to_numpy(),
        "ci_high_min": merged["ci_high_min"].to_numpy(),
        "covered": ((merged["ci_low_min"].to_numpy() <= planted)
                    & (planted <= merged["ci_high_min"].to_numpy())),
        "unpenalized_p50_min": merged["unpenalized_p50_min"].to_numpy(),
    })


def planted_sentence(comparison: pd.DataFrame, regularization: float,
                     trend: pd.DataFrame) -> str:
    """What the known truth says about the fit (empty when the runs are not simulated).

    ``trend`` is :func:`trend_tables` output; its fitted frontier rows are set against the
    planted doubling time.
    """
    if comparison.empty:
        return ""
    fitted = trend[(trend["source"] == "fitted") & (trend["selection"] == "frontier")
                   & trend["models"].map(lambda m: set(str(m).split(";")) <= set(PLANTED["alias"]))]
    doubling = "".join(
        f" From {r.window_start}, the fitted doubling time is {r.doubling_days:.0f} days (interval "
        f"{r.ci_low_days:.0f} to {r.ci_high_days:.0f}) against the planted "
        f"{DOUBLING_TIME_DAYS:.0f}." for r in fitted.itertuples())
    covered = int(comparison["covered"].sum())
    log_err = np.log2(comparison["p50_min"] / comparison["planted_p50_min"])
    free_err = np.log2(comparison["unpenalized_p50_min"] / comparison["planted_p50_min"])
    return (
        f"These runs are simulated from planted curves, so the truth is known: the interval "
        f"covers the planted 50% horizon for {covered} of {plural(len(comparison), 'model')}. "
        f"With the penalty λ = {regularization:g} the median estimate is "
        f"{2 ** float(np.median(log_err)):.2f} times the planted value; without it, "
        f"{2 ** float(np.median(free_err)):.2f} times. The penalty flattens the curves, and a "
        "flatter curve crosses 50% further from the middle of the task lengths." + doubling)
