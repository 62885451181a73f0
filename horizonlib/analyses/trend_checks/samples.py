"""The trend checks' inputs: point 50% horizons, their paired bootstrap samples, release dates
(analyses layer).

:func:`trend_inputs` takes METR's published fits and samples when given, else fits and
bootstraps the run files; models without a release date are left out (:func:`undated_models`).
A replicate is usable for a line through some models when every one of their p50s in it is
finite and at least :data:`MIN_P50_MIN` minutes (:func:`usable_log_replicates`,
:func:`dropped_replicates`); intervals are percentile intervals over the usable replicates.
Dates become days since 1970-01-01 (:func:`dates_to_days`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from horizonlib.data.published import release_date_for
from horizonlib.model.bootstrap import bootstrap_horizons
from horizonlib.model.horizons import fit_horizons
from horizonlib.model.trend import samples_wide

if TYPE_CHECKING:
    from horizonlib.model.shared_draws import SharedDraws


MIN_P50_MIN = 1e-3  # METR's floor: a replicate p50 below it (minutes) is unusable
EPOCH = pd.Timestamp("1970-01-01")


def dates_to_days(dates) -> np.ndarray:
    """Days since 1970-01-01 (float) of an array of dates."""
    ts = pd.to_datetime(pd.Series(dates).to_numpy())
    return np.asarray((ts - EPOCH) / pd.Timedelta(days=1), dtype=float)


def trend_inputs(
    runs: pd.DataFrame | None,
    published_fits: pd.DataFrame | None,
    published_samples: pd.DataFrame | None,
    release_dates: pd.Series,
    draws: SharedDraws | None = None,
    weighting: str = "invsqrt_task_weight",
    regularization: float = 0.1,
    samples: pd.DataFrame | None = None,
) -> tuple[pd.Series, pd.DataFrame, str]:
    """Point 50% horizons and paired bootstrap samples for the trend checks.

    METR's published fits and samples are used when given (they span 2019-2025 with one
    consistent task suite); otherwise the horizons are fitted from ``runs`` (one measurement per
    display name: the dataset listed last) and bootstrapped. Models without a release date are
    left out.

    Parameters
    ----------
    draws : horizonlib.model.shared_draws.SharedDraws, optional
        The build's shared draws, from which the fitted path's replicates are fitted (the whole
        of ``runs``, so they are the replicates of every other chapter); not needed when
        ``samples`` is given.
    samples : pandas.DataFrame, optional
        :func:`horizonlib.model.bootstrap.bootstrap_horizons` of ``runs`` (long: ``replicate,
        dataset, alias, p, horizon_min``, minutes). When given, the fitted path takes its
        replicates from it instead of drawing new ones, so the trend checks use the very
        replicates of the fit chapter (one source of truth for the intervals).

    Returns
    -------
    point : pandas.Series
        p50 in minutes by model name.
    wide : pandas.DataFrame
        Replicate x model p50 samples (minutes).
    source : str
        ``"published"`` or ``"fitted"``.
    """
    if published_fits is not None and published_samples is not None:
        point = published_fits.set_index("model")["p50_min"].astype(float)
        wide = samples_wide(published_samples)
        source = "published"
    else:
        if runs is None or (draws is None and samples is None):
            raise ValueError("without published fits, pass runs and the shared draws or samples")
        datasets = list(pd.unique(runs["dataset"]))
        fits = fit_horizons(runs, weighting, regularization, (50,))
        fits["_order"] = fits["dataset"].map(datasets.index)
        fits = fits.sort_values("_order").drop_duplicates("display_name", keep="last")
        keep = set(zip(fits["dataset"], fits["alias"]))
        if samples is None:
            samples = bootstrap_horizons(runs, weighting=weighting, regularization=regularization,
                                         success_percents=(50,), draws=draws)
        chosen = np.array([(d, a) in keep for d, a in zip(samples["dataset"], samples["alias"])],
                          dtype=bool)
        samples = samples[np.isclose(samples["p"].to_numpy(dtype=float), 0.5) & chosen]
        names = dict(zip(zip(fits["dataset"], fits["alias"]), fits["display_name"]))
        samples["model"] = [names[(d, a)] for d, a in zip(samples["dataset"], samples["alias"])]
        point = fits.set_index("display_name")["p50_min"].astype(float)
        wide = samples_wide(samples[["replicate", "model", "p", "horizon_min"]])
        source = "fitted"
    dates = {m: release_date_for(m, release_dates) for m in point.index}
    dated = [m for m in point.index if pd.notna(dates[m]) and np.isfinite(point[m])]
    point = point[dated]
    point.index.name = "model"
    return point, wide[dated], source


def undated_models(models: Sequence[str], release_dates: pd.Series) -> list[str]:
    """Models that :func:`trend_inputs` leaves out because they have no release date.

    Parameters
    ----------
    models : sequence of str
        Model names (display names or aliases, e.g. a runs table's ``display_name`` column or
        the ``model`` column of METR's published fits); repeats are ignored.
    release_dates : pandas.Series
        Alias -> release date (:func:`horizonlib.data.published.load_release_dates`).

    Returns
    -------
    list of str
        Names without a date, in first-seen order; human baselines are not models and never
        listed.
    """
    return [m for m in dict.fromkeys(map(str, models))
            if m != "human" and pd.isna(release_date_for(m, release_dates))]


def release_dates_of(point: pd.Series, release_dates: pd.Series) -> pd.Series:
    """Release date of every model of ``point`` (same index), tolerant of scaffold suffixes
    (:func:`horizonlib.data.published.release_date_for`); NaT where there is none."""
    return pd.to_datetime(pd.Series({m: release_date_for(m, release_dates) for m in point.index}))


def usable_log_replicates(wide: pd.DataFrame, models: list[str]) -> np.ndarray:
    Y = wide[models].to_numpy(dtype=float)
    ok = np.all(np.isfinite(Y) & (Y >= MIN_P50_MIN), axis=1)
    return np.log(Y[ok])


def percentile_interval(values, confidence_level):
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return np.nan, np.nan
    return tuple(np.percentile(v, [50 * (1 - confidence_level), 50 * (1 + confidence_level)]))


def dropped_replicates(wide: pd.DataFrame, models: Sequence[str]) -> pd.Series:
    """Bootstrap replicates unusable for a fit through ``models``, counted per model.

    A replicate is unusable when a model's p50 in it is missing or below 1e-3 minutes (METR's
    floor); the trend fits leave such replicates out.

    Returns
    -------
    pandas.Series
        Count of unusable replicates per model (only models with at least one), largest first.
    """
    Y = wide[list(models)].to_numpy(dtype=float)
    bad = ~(np.isfinite(Y) & (Y >= MIN_P50_MIN))
    counts = pd.Series(bad.sum(axis=0), index=list(models))
    return counts[counts > 0].sort_values(ascending=False)


def point_intervals(point: pd.Series, wide: pd.DataFrame,
                    confidence_level: float = 0.95) -> pd.DataFrame:
    """Percentile interval of each model's p50 from its bootstrap samples (minutes).

    Returns
    -------
    pandas.DataFrame
        Index = model (as in ``point``); columns ``low``, ``high`` (NaN without samples).
    """
    rows = {}
    for m in point.index:
        v = wide[m].to_numpy(dtype=float) if m in wide.columns else np.array([])
        rows[m] = percentile_interval(v, confidence_level)
    return pd.DataFrame.from_dict(rows, orient="index", columns=["low", "high"])
