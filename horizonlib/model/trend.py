"""Exponential trend of the 50% horizon over release dates, and its doubling time.

Ordinary least squares of the natural log of the 50% horizon on the release date ``d`` (days
since 1970-01-01, as matplotlib's ``date2num`` used by METR):

    ln(p50_min) = intercept + slope * d,      doubling_days = ln(2) / slope.

The confidence interval refits the line on every bootstrap replicate's p50 values (paired across
models) and takes percentiles of the doubling times, as METR's ``compute_bootstrap_confidence_region``:
per replicate, models whose p50 is NaN, infinite or below 1e-3 minutes are left out, replicates
with fewer than two models are skipped, and only positive doubling times are kept.

Which models enter is a choice: ``"frontier"`` (METR's SOTA rule: within the window, a model whose
p50 is at least the best p50 of every model released on or before its release date), ``"all"``,
or explicit ``include`` / ``exclude`` lists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from horizonlib.data.published import release_date_for

TREND_TABLE_COLUMNS = [
    "window_start", "selection", "models", "doubling_days", "ci_low_days", "ci_high_days", "source",
]
_EPOCH = pd.Timestamp("1970-01-01")
MIN_TREND_P50_MIN = 1e-3  # minutes; METR drops replicate p50s below this


def days_since_epoch(dates) -> np.ndarray:
    """Days since 1970-01-01 (float) of an array of dates."""
    ts = pd.to_datetime(pd.Series(dates).to_numpy())
    return np.asarray((ts - _EPOCH) / pd.Timedelta(days=1), dtype=float)


def release_date_of(models: Sequence[str], release_dates: pd.Series) -> pd.Series:
    """Release date of each model, by the data layer's rule
    (:func:`horizonlib.data.published.release_date_for`: exact alias, then scaffold suffixes such as
    " (Inspect)" ignored).

    Raises
    ------
    KeyError
        When a model has no release date under any of those names.
    """
    out = {m: release_date_for(m, release_dates) for m in models}
    missing = [m for m, when in out.items() if pd.isna(when)]
    if missing:
        raise KeyError(f"no release date for model {missing[0]!r}")
    return pd.to_datetime(pd.Series(out, dtype=object))


def frontier_models(p50: pd.Series, release_dates: pd.Series, start=None, end=None) -> list[str]:
    """Models that set a new best (or tie the best) 50% horizon when released.

    Parameters
    ----------
    p50 : pandas.Series
        50% horizon in minutes, indexed by model.
    release_dates : pandas.Series
        Release date by model (see :func:`release_date_of`).
    start, end : date-like, optional
        Window: release on or after ``start`` and before ``end``. As in METR's
        ``get_sota_agents``, the running best starts afresh inside the window.

    Returns
    -------
    list of str
        Frontier models in release order (ties on a date in ``p50`` index order).
    """
    p50 = p50.dropna()
    dates = release_date_of(list(p50.index), release_dates)
    df = pd.DataFrame({"model": list(p50.index), "p50": p50.to_numpy(dtype=float),
                       "date": dates.reindex(p50.index).to_numpy()})
    if not np.all(np.isfinite(df["p50"])):
        raise ValueError("p50 must be finite")
    df = df.sort_values("date", kind="stable")
    if start is not None:
        df = df[df["date"] >= pd.Timestamp(start)]
    if end is not None:
        df = df[df["date"] < pd.Timestamp(end)]
    best = -np.inf
    out = []
    for _, same_day in df.groupby("date", sort=True):
        best = max(best, same_day["p50"].max())
        out.extend(same_day.loc[same_day["p50"] >= best, "model"].tolist())
    return out


def fit_trend(p50: pd.Series, release_dates: pd.Series) -> tuple[float, float, float]:
    """OLS of ln(p50) on release date.

    Parameters
    ----------
    p50 : pandas.Series
        50% horizons in minutes, indexed by model (at least two, positive and finite).
    release_dates : pandas.Series
        Release date by model.

    Returns
    -------
    slope_per_day : float
        Growth of ln(p50) per day.
    intercept : float
        ln(p50 in minutes) at 1970-01-01.
    doubling_days : float
        ``ln(2) / slope_per_day`` in days (negative if the horizon shrinks).
    """
    y = np.log(p50.to_numpy(dtype=float))
    x = days_since_epoch(release_date_of(list(p50.index), release_dates).reindex(p50.index))
    if len(y) < 2 or not np.all(np.isfinite(y)):
        raise ValueError("need at least two positive, finite p50 values")
    xm, ym = x.mean(), y.mean()
    sxx = np.sum((x - xm) ** 2)
    if sxx == 0:
        raise ValueError("all release dates are equal")
    slope = float(np.sum((x - xm) * (y - ym)) / sxx)
    intercept = float(ym - slope * xm)
    return slope, intercept, float(np.log(2) / slope) if slope != 0 else np.inf


def samples_wide(samples: pd.DataFrame, p: float = 0.5) -> pd.DataFrame:
    """Bootstrap p50 samples as a replicate x model table (minutes).

    Accepts a wide DataFrame (index replicate, one column per model) unchanged, or a long one with
    columns ``replicate``, ``model`` (or ``alias``), ``p`` (optional) and ``horizon_min`` (the
    shape of :func:`horizonlib.model.bootstrap.bootstrap_horizons` and of the published samples).
    """
    if "horizon_min" not in samples.columns:
        return samples
    s = samples
    if "p" in s.columns:
        s = s[np.isclose(s["p"].to_numpy(dtype=float), p)]
    model_col = "model" if "model" in s.columns else "alias"
    return s.pivot(index="replicate", columns=model_col, values="horizon_min")


def doubling_time_samples(wide: pd.DataFrame, release_dates: pd.Series) -> np.ndarray:
    """Doubling time (days) refitted on each replicate (rows of ``wide``), METR's rules.

    Returns
    -------
    numpy.ndarray
        Positive doubling times of the usable replicates (see module docstring).
    """
    Y = wide.to_numpy(dtype=float)
    x = days_since_epoch(release_date_of(list(wide.columns), release_dates).reindex(wide.columns))
    with np.errstate(divide="ignore", invalid="ignore"):
        valid = np.isfinite(Y) & (Y >= MIN_TREND_P50_MIN)
        L = np.where(valid, np.log(np.where(valid, Y, 1.0)), 0.0)
        n = valid.sum(axis=1)
        X = np.where(valid, x[None, :], 0.0)
        xm = X.sum(axis=1) / n
        ym = L.sum(axis=1) / n
        dx = np.where(valid, x[None, :] - xm[:, None], 0.0)
        slope = (dx * (L - ym[:, None])).sum(axis=1) / (dx * dx).sum(axis=1)
        dt = np.log(2) / slope
    keep = (n >= 2) & np.isfinite(dt) & (dt > 0)
    return dt[keep]


def _select(spec, p50: pd.Series, release_dates: pd.Series, start) -> list[str]:
    if isinstance(spec, str):
        spec = {"base": spec}
    base = spec.get("base", "frontier" if "include" not in spec else None)
    cands = p50.dropna()
    if "exclude" in spec:
        cands = cands.drop([m for m in spec["exclude"] if m in cands.index])
    dates = release_date_of(list(cands.index), release_dates)
    in_window = dates[dates >= pd.Timestamp(start)].index if start is not None else dates.index
    if "include" in spec:
        missing = [m for m in spec["include"] if m not in p50.index]
        if missing:
            raise KeyError(f"models {missing} have no p50")
        chosen = [m for m in spec["include"] if m in cands.index and m in in_window]
        return sorted(chosen, key=lambda m: (dates[m], m))
    if base == "frontier":
        return frontier_models(cands, release_dates, start=start)
    if base == "all":
        return sorted(in_window, key=lambda m: (dates[m], m))
    raise ValueError(f"unknown selection {spec!r}")


def doubling_time_table(
    point_p50: pd.Series,
    samples: pd.DataFrame | None,
    release_dates: pd.Series,
    windows: Sequence = ("2019-01-01", "2024-01-01"),
    selections: Mapping | Sequence = ("frontier",),
    confidence_level: float = 0.95,
    source: str = "fitted",
) -> pd.DataFrame:
    """Doubling time of the 50% horizon for several windows and model selections.

    Parameters
    ----------
    point_p50 : pandas.Series
        Point-estimate 50% horizons in minutes, indexed by model.
    samples : pandas.DataFrame or None
        Bootstrap samples (wide replicate x model, or long; see :func:`samples_wide`); None for
        no interval.
    release_dates : pandas.Series
        Release date by model.
    windows : sequence of date-like, optional
        Window start dates (models released on or after it).
    selections : mapping or sequence, optional
        Name -> spec, or a list of names. A spec is ``"frontier"``, ``"all"``, or a dict with
        ``include`` (explicit list) or ``base`` ("frontier"/"all") plus ``exclude`` (models removed
        before the frontier is determined).
    confidence_level : float, optional
        Central interval coverage.
    source : str, optional
        Label of the p50 provenance ("fitted" or "published").

    Returns
    -------
    pandas.DataFrame
        Columns ``window_start, selection, models`` (';'-joined, release order),
        ``doubling_days, ci_low_days, ci_high_days`` (days), ``source``.
    """
    if not isinstance(selections, Mapping):
        selections = {s: s for s in selections}
    wide = samples_wide(samples) if samples is not None else None
    lo_q, hi_q = 50 * (1 - confidence_level), 50 * (1 + confidence_level)
    rows = []
    for start in windows:
        for name, spec in selections.items():
            models = _select(spec, point_p50, release_dates, start)
            dd = lo = hi = np.nan
            if len(models) >= 2:
                dd = fit_trend(point_p50[models], release_dates)[2]
                if wide is not None:
                    missing = [m for m in models if m not in wide.columns]
                    if missing:
                        raise KeyError(f"no bootstrap samples for {missing}")
                    dts = doubling_time_samples(wide[models], release_dates)
                    if len(dts):
                        lo, hi = np.percentile(dts, [lo_q, hi_q])
            rows.append({
                "window_start": pd.Timestamp(start).date().isoformat(), "selection": name,
                "models": ";".join(models), "doubling_days": dd, "ci_low_days": float(lo),
                "ci_high_days": float(hi), "source": source,
            })
    return pd.DataFrame(rows, columns=TREND_TABLE_COLUMNS)


def fit_doubling_time(point_p50, samples, release_dates, start="2019-01-01", selection="frontier",
                      confidence_level: float = 0.95, source: str = "fitted") -> pd.Series:
    """One row of :func:`doubling_time_table` (a single window and selection) as a Series."""
    return doubling_time_table(point_p50, samples, release_dates, [start], {str(selection) if
                               isinstance(selection, str) else "custom": selection},
                               confidence_level, source).iloc[0]
