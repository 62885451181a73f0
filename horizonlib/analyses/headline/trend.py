"""The headline trend: 50% horizons regressed on release date (analyses layer).

    ln(p50_minutes) = a + b * days_since_1970,    doubling time = ln 2 / b  [days],

fitted on our p50s (per dataset) and on METR's published ones, for the frontier and for all
models, from each window start (:func:`trend_tables`); the lines and points of the headline
figure (:func:`trend_figure_data`). Models with no release date or a p50 too short to count
are listed by :func:`trend_exclusions`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from horizonlib.analyses.headline.published import published_points
from horizonlib.data.published import load_published_bootstrap, release_date_for
from horizonlib.model.trend import (
    MIN_TREND_P50_MIN,
    days_since_epoch,
    doubling_time_table,
    fit_trend,
    release_date_of,
    samples_wide,
)


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


TREND_RESULT_COLUMNS = ["source", "dataset", "window_start", "selection", "n_models", "aliases",
                        "doubling_days", "ci_low_days", "ci_high_days"]


def trend_results(trend: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``trend.csv`` from a trend table with a ``dataset`` column (:func:`trend_tables`).

    The ``;``-joined ``models`` (aliases in ``dataset``, by release date) become ``aliases``,
    with their count ``n_models``.
    """
    aliases = trend["models"].astype(str)
    out = trend.assign(aliases=aliases,
                       n_models=[len([m for m in a.split(";") if m]) for a in aliases])
    return out[TREND_RESULT_COLUMNS].reset_index(drop=True)


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
