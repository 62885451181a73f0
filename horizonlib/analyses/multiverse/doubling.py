"""The multiverse's doubling times: the 50% horizon's trend refitted under every specification.

Per specification, dataset, window and selection: OLS of ``ln p50`` (minutes) on release date
(days), ``doubling_days = ln 2 / slope``, with :mod:`horizonlib.model.trend`'s rules for which
models enter, vectorized over specifications.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from horizonlib.analyses.multiverse.grid import DIMENSION_COLUMNS, is_metr_specification
from horizonlib.data.published import release_date_for
from horizonlib.model.trend import days_since_epoch, release_date_of

TREND_COLUMNS = ["spec"] + DIMENSION_COLUMNS + ["dataset", "window_start", "selection",
                                                "n_models", "models", "doubling_days"]
_MIN_P50 = 1e-3  # minutes; as horizonlib.model.trend, smaller p50s never enter a trend


def doubling_multiverse(
    table: pd.DataFrame,
    release_dates: pd.Series,
    windows: Sequence = ("2019-01-01",),
    selections: Sequence[str] = ("frontier", "all"),
) -> pd.DataFrame:
    """Doubling time of the 50% horizon under every specification, per dataset.

    For each specification, dataset, window and selection, OLS of ``ln(p50_min)`` on release date
    (days) over the selected models (:mod:`horizonlib.model.trend`'s rules: ``frontier`` = models whose
    p50 is at least the best p50 of every model released on or before their date within the
    window; ``all`` = every model in the window), vectorized over specifications. Models whose
    fit failed (or whose p50 is below 1e-3 min) are left out; models without a release date are
    left out of every trend. Datasets are never pooled.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TREND_COLUMNS`: ``spec``, the dimensions, ``dataset``, ``window_start``
        (ISO date), ``selection``, ``n_models``, ``models`` (';'-joined, release order),
        ``doubling_days`` (days; NaN with fewer than two models or equal dates; negative when
        the horizon shrinks).
    """
    specs = table.drop_duplicates("spec").set_index("spec")[DIMENSION_COLUMNS].sort_index()
    out = []
    for dataset, g in table.groupby("dataset", sort=True):
        P = g.pivot(index="spec", columns="model", values="p50_min").reindex(specs.index)
        dated = [m for m in P.columns if _has_date(m, release_dates)]
        if len(dated) < 2:
            continue
        dates = release_date_of(dated, release_dates)
        order = sorted(dated, key=lambda m: (dates[m], m))
        day = days_since_epoch(dates[order])
        V = P[order].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            usable = np.isfinite(V) & (V >= _MIN_P50)
        for start in windows:
            in_win = day >= days_since_epoch([pd.Timestamp(start)])[0]
            base = usable & in_win[None, :]
            for selection in selections:
                if selection == "all":
                    mask = base
                elif selection == "frontier":
                    mask = _frontier_mask(np.where(base, V, np.nan), day)
                else:
                    raise ValueError(f"unknown selection {selection!r}")
                dd = _ols_doubling(np.log(np.where(mask, V, 1.0)), day, mask)
                names = np.array(order, dtype=object)
                frame = specs.reset_index().copy()
                frame["dataset"] = dataset
                frame["window_start"] = pd.Timestamp(start).date().isoformat()
                frame["selection"] = selection
                frame["n_models"] = mask.sum(axis=1)
                frame["models"] = [";".join(names[row]) for row in mask]
                frame["doubling_days"] = dd
                out.append(frame)
    if not out:
        return pd.DataFrame(columns=TREND_COLUMNS)
    res = pd.concat(out, ignore_index=True)[TREND_COLUMNS]
    res["is_metr"] = is_metr_specification(res).to_numpy()
    return res


def _has_date(model, release_dates) -> bool:
    return not pd.isna(release_date_for(model, release_dates))


def _frontier_mask(V: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Frontier rule per row of ``V`` (models sorted by ``day``; NaN = not a candidate)."""
    udays, group = np.unique(day, return_inverse=True)
    filled = np.where(np.isnan(V), -np.inf, V)
    gmax = np.full((V.shape[0], len(udays)), -np.inf)
    for k in range(len(udays)):
        gmax[:, k] = filled[:, group == k].max(axis=1)
    best = np.maximum.accumulate(gmax, axis=1)  # best p50 released on or before each date
    return np.isfinite(V) & (filled >= best[:, group])


def _ols_doubling(L: np.ndarray, day: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """ln(2)/slope of the OLS of each row of ``L`` on ``day`` over ``mask`` (days)."""
    n = mask.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        X = np.where(mask, day[None, :], 0.0)
        xm = X.sum(axis=1) / n
        ym = np.where(mask, L, 0.0).sum(axis=1) / n
        dx = np.where(mask, day[None, :] - xm[:, None], 0.0)
        sxx = (dx * dx).sum(axis=1)
        slope = (dx * np.where(mask, L - ym[:, None], 0.0)).sum(axis=1) / sxx
        dd = np.log(2.0) / slope
    return np.where((n >= 2) & (sxx > 0) & np.isfinite(dd), dd, np.nan)


def trend_results_table(trend: pd.DataFrame) -> pd.DataFrame:
    """The ``multiverse_trend`` results file: dimensions, ``dataset, window_start, selection,
    n_models, doubling_days`` (days), one row per (specification, dataset, window, selection)."""
    cols = DIMENSION_COLUMNS + ["dataset", "window_start", "selection", "n_models", "doubling_days"]
    return trend[cols].copy()
