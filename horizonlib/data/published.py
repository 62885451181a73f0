"""Load METR's published numbers: release dates, per-model fits, bootstrap samples, results files.

Job: read the non-run datasets of the manifest into tidy pandas objects with explicit units
(horizons in minutes, dates as ``pandas.Timestamp``), so that chapters and reproduction tests can
compare our fits with METR's. Names are matched the way METR's files need: run-file aliases carry
scaffold suffixes such as " (Inspect)" that release-date files often lack, so lookups also try
the display name (:func:`horizonlib.data.runs.display_name`). Results files (``benchmark_results``)
use internal keys (``o3_inspect``); the manifest's ``models`` table maps them to run-file aliases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from horizonlib.data.fetch import resolve
from horizonlib.data.manifest import Dataset, load_manifest
from horizonlib.data.runs import display_name

FIT_COLUMNS = (
    "model", "intercept", "slope", "p50_min", "p50_ci_low_min", "p50_ci_high_min",
    "p80_min", "p80_ci_low_min", "p80_ci_high_min", "release_date", "average_score",
)
"""Columns of :func:`load_published_fits`."""

RESULT_COLUMNS = (
    "key", "alias", "model", "release_date", "p50_min", "p50_ci_low_min", "p50_ci_high_min",
    "p80_min", "p80_ci_low_min", "p80_ci_high_min", "average_score", "is_sota",
)
"""Columns of :func:`load_benchmark_results`."""


def _datasets(manifest) -> dict[str, Dataset]:
    return manifest if isinstance(manifest, dict) else load_manifest(manifest)


def _files(name, kind, manifest, cache_dir, mirror) -> list[Path]:
    """Files of a dataset name (checked to be of ``kind``) or of a user path."""
    path = Path(name)
    if path.is_file():
        return [path]
    datasets = _datasets(manifest)
    if name in datasets and datasets[name].kind != kind:
        raise ValueError(f"dataset '{name}' has kind '{datasets[name].kind}', not '{kind}'")
    return resolve(name, datasets, cache_dir, mirror)


def _timestamp(value, where: str) -> pd.Timestamp:
    if value is None or value == "":
        return pd.NaT
    if isinstance(value, (dt.date, str)):
        try:
            return pd.Timestamp(value)
        except ValueError:
            pass
    raise ValueError(f"{where}: value {value!r} is not a date (YYYY-MM-DD)")


# ----------------------------------------------------------------------------- release dates
def load_release_dates(
    names: str | Path | Iterable[str | Path],
    *,
    manifest=None,
    cache_dir=None,
    mirror=None,
) -> pd.Series:
    """Release dates of model aliases, merged from one or more release-date files.

    Parameters
    ----------
    names : str, Path or list
        Dataset names of kind ``release_dates`` (e.g. ``"release-dates-th"``) or YAML paths
        with a top-level ``date: {alias: YYYY-MM-DD}`` mapping.
    manifest, cache_dir, mirror
        Passed to :func:`horizonlib.data.fetch.resolve`.

    Returns
    -------
    pandas.Series
        Index ``alias`` (str), values ``release_date`` (datetime64). When an alias appears in
        several files the first file listed wins.
    """
    if isinstance(names, (str, Path)):
        names = [names]
    merged: dict[str, pd.Timestamp] = {}
    for name in names:
        for path in _files(name, "release_dates", manifest, cache_dir, mirror):
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            if not isinstance(raw, dict) or not isinstance(raw.get("date"), dict):
                raise ValueError(f"{path.name}: expected a top-level 'date:' mapping "
                                 "of alias -> YYYY-MM-DD")
            for alias, value in raw["date"].items():
                merged.setdefault(str(alias), _timestamp(value, f"{path.name}, alias '{alias}'"))
    out = pd.Series(list(merged.values()), index=pd.Index(list(merged), dtype="str", name="alias"),
                    name="release_date", dtype="datetime64[ns]")
    return out


def release_date_for(name: str, dates: pd.Series) -> pd.Timestamp:
    """Release date of one model, tolerant of scaffold suffixes.

    Tries, in order: the exact alias; its display name (``"o3 (Inspect)"`` -> ``"o3"``); any
    alias of ``dates`` whose display name equals it (``"o3"`` -> ``"o3 (Inspect)"``); finally a
    date-file name that only adds one parenthesized qualifier, if exactly one such display name
    exists (``"davinci-002"`` -> ``"davinci-002 (GPT-3)"``; never ``(New)`` vs ``(Old)``, since
    those would be two candidates).

    Parameters
    ----------
    name : str
        Alias or display name.
    dates : pandas.Series
        As returned by :func:`load_release_dates`.

    Returns
    -------
    pandas.Timestamp
        ``NaT`` when no match.
    """
    if name in dates.index:
        return dates[name]
    short = display_name(name)
    if short in dates.index:
        return dates[short]
    for alias, when in dates.items():
        if display_name(alias) == short:
            return when
    prefix = short + " ("
    candidates = {display_name(a): w for a, w in dates.items()
                  if display_name(a).startswith(prefix) and display_name(a).endswith(")")
                  and display_name(a).count("(") == short.count("(") + 1}
    if len(candidates) == 1:
        return next(iter(candidates.values()))
    return pd.NaT


def attach_release_dates(df: pd.DataFrame, dates: pd.Series, column: str = "alias",
                         out: str = "release_date") -> pd.DataFrame:
    """Copy of ``df`` with a ``release_date`` column looked up from ``df[column]``.

    Uses :func:`release_date_for` once per distinct name (so it is cheap on run tables).
    """
    lookup = {n: release_date_for(n, dates) for n in pd.unique(df[column])}
    res = df.copy()
    res[out] = pd.Series(df[column].map(lookup).to_numpy(), index=df.index,
                         dtype="datetime64[ns]")
    return res


# ----------------------------------------------------------------------------- published fits
_FIT_RENAME = {
    "agent": "model", "coefficient": "slope", "p50": "p50_min", "p50q0.025": "p50_ci_low_min",
    "p50q0.975": "p50_ci_high_min", "p80": "p80_min", "p80q0.025": "p80_ci_low_min",
    "p80q0.975": "p80_ci_high_min", "average": "average_score",
}


def load_published_fits(name: str | Path = "published-fits-2025-06", *, manifest=None,
                        cache_dir=None, mirror=None) -> pd.DataFrame:
    """METR's published per-agent logistic fits.

    Parameters
    ----------
    name : str or Path
        Dataset of kind ``published_fits`` or a CSV path with METR's columns (``agent``,
        ``coefficient``, ``intercept``, ``p50``, ``p50q0.025``, ... ``release_date``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FIT_COLUMNS`: model, intercept, slope (per log2 minute), p50_min,
        p50_ci_low_min, p50_ci_high_min, p80_min, p80_ci_low_min, p80_ci_high_min (minutes;
        CI = bootstrap 2.5%/97.5%), release_date (NaT for "human"), average_score.
    """
    (path,) = _files(name, "published_fits", manifest, cache_dir, mirror)
    raw = pd.read_csv(path)
    missing = [c for c in _FIT_RENAME if c not in raw.columns] + (
        [] if "intercept" in raw.columns else ["intercept"])
    if missing:
        raise ValueError(f"{path.name}: missing column(s) {missing}")
    df = raw.rename(columns=_FIT_RENAME)
    df["model"] = df["model"].astype("str")
    if "release_date" in df.columns:
        df["release_date"] = pd.to_datetime(df["release_date"], format="%Y-%m-%d").astype(
            "datetime64[ns]")
    else:
        df["release_date"] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    return df.loc[:, list(FIT_COLUMNS)].reset_index(drop=True)


def load_published_bootstrap(name: str | Path = "published-bootstrap-2025-06", *,
                             manifest=None, cache_dir=None, mirror=None) -> pd.DataFrame:
    """METR's published bootstrap samples of p50/p80, in long form.

    Parameters
    ----------
    name : str or Path
        Dataset of kind ``published_bootstrap`` or a CSV path with one row per replicate and
        columns ``<agent>_p50``, ``<agent>_p80`` (minutes).

    Returns
    -------
    pandas.DataFrame
        Columns replicate (int, 0-based row), model, p (0.5 or 0.8), horizon_min (minutes;
        NaN where METR's cell is blank: a resample with no successes). Ordered by model (file
        order), p, replicate. Blank cells are kept, not dropped; their count is in
        ``df.attrs["n_missing"]`` and per model in ``df.attrs["n_missing_by_model"]``.
    """
    (path,) = _files(name, "published_bootstrap", manifest, cache_dir, mirror)
    wide = pd.read_csv(path)
    parts = []
    for col in wide.columns:
        model, sep, pct = str(col).rpartition("_p")
        if not sep or not model or not pct.isdigit():
            raise ValueError(f"{path.name}: column '{col}' is not '<agent>_p<percent>'")
        values = pd.to_numeric(wide[col], errors="raise").to_numpy(dtype="float64")
        parts.append(pd.DataFrame({
            "replicate": np.arange(len(wide), dtype="int64"),
            "model": pd.array([model] * len(wide), dtype="str"),
            "p": np.full(len(wide), int(pct) / 100.0),
            "horizon_min": values,
        }))
    df = pd.concat(parts, ignore_index=True)
    missing = df["horizon_min"].isna()
    df.attrs["n_missing"] = int(missing.sum())
    df.attrs["n_missing_by_model"] = {
        str(k): int(v) for k, v in df[missing].groupby("model", sort=False).size().items()}
    return df


# ----------------------------------------------------------------------------- results files
def _metric(metrics: dict, key: str, field: str) -> float:
    val = (metrics.get(key) or {}).get(field)
    return float(val) if val is not None else np.nan


def load_benchmark_results(name: str | Path = "benchmark-results-th-1-1-2026-02", *,
                           manifest=None, cache_dir=None, mirror=None) -> pd.DataFrame:
    """METR's published results file (``benchmark_results_1_x.yaml``) as a table.

    Parameters
    ----------
    name : str or Path
        Dataset of kind ``benchmark_results`` (its manifest ``models`` table maps results keys
        to run-file aliases) or a YAML path (then alias = model = key).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RESULT_COLUMNS`: key (METR's internal name, e.g. ``o3_inspect``; equals
        the ``model`` field of the run files), alias (run-file alias from the manifest, e.g.
        ``"o3 (Inspect)"``; the key when unmapped), model (display name of the alias),
        release_date, p50_min, p50_ci_low_min, p50_ci_high_min, p80_min, p80_ci_low_min,
        p80_ci_high_min (minutes), average_score, is_sota (bool). File order.
        ``df.attrs`` holds ``benchmark_name`` and ``doubling_time_in_days`` (if present).
    """
    (path,) = _files(name, "benchmark_results", manifest, cache_dir, mirror)
    models: dict[str, str] = {}
    if not Path(name).is_file():
        models = _datasets(manifest)[str(name)].models
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("results"), dict):
        raise ValueError(f"{path.name}: expected a top-level 'results:' mapping")
    rows = []
    for key, entry in raw["results"].items():
        key = str(key)
        metrics = (entry or {}).get("metrics") or {}
        alias = models.get(key, key)
        rows.append({
            "key": key, "alias": alias, "model": display_name(alias),
            "release_date": _timestamp((entry or {}).get("release_date"),
                                       f"{path.name}, results '{key}'"),
            "p50_min": _metric(metrics, "p50_horizon_length", "estimate"),
            "p50_ci_low_min": _metric(metrics, "p50_horizon_length", "ci_low"),
            "p50_ci_high_min": _metric(metrics, "p50_horizon_length", "ci_high"),
            "p80_min": _metric(metrics, "p80_horizon_length", "estimate"),
            "p80_ci_low_min": _metric(metrics, "p80_horizon_length", "ci_low"),
            "p80_ci_high_min": _metric(metrics, "p80_horizon_length", "ci_high"),
            "average_score": _metric(metrics, "average_score", "estimate"),
            "is_sota": bool(metrics.get("is_sota", False)),
        })
    df = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    for c in ("key", "alias", "model"):
        df[c] = df[c].astype("str")
    df["release_date"] = pd.to_datetime(df["release_date"]).astype("datetime64[ns]")
    df.attrs["benchmark_name"] = raw.get("benchmark_name")
    if "doubling_time_in_days" in raw:
        df.attrs["doubling_time_in_days"] = raw["doubling_time_in_days"]
    return df
