"""Monte Carlo error of bootstrap percentile intervals, and the replicate count that bounds it.

A bound of a percentile interval is the sample ``q``-quantile ``Q_n(q)`` of ``n`` replicates
(``q = 0.025`` and ``0.975`` for a 95% interval; METR's ``nanquantile``, linear interpolation,
blanks left out, ``+inf`` kept). Drawn again with other random numbers, the bound moves. Its
Monte Carlo standard error is estimated here by the order-statistic (binomial) rule: the rank of
the order statistic nearest the true quantile is Binomial(n, q), with standard deviation
``sqrt(n q (1 - q))`` ranks, so

    se(Q_n(q)) = [Q_n(q + delta) - Q_n(q - delta)] / 2,   delta = sqrt(q (1 - q) / n),

in the units of the samples (minutes). This is the spread of the order statistics one binomial
standard deviation either side of the bound (Maritz and Jarrett's idea, without a density
estimate); it needs no assumption on the bootstrap distribution, follows its skew, and is
``+inf`` when a neighbouring order statistic is. It scales as ``1 / sqrt(n)``, so the error of
another interval of ``m`` replicates from the same distribution (METR's 1,000) is
``se * sqrt(n / m)``; two intervals differ by more than Monte Carlo error when a bound's
difference exceeds ``z`` combined standard errors (``z = 2``). Under noise alone each
difference in combined standard errors is standard normal, so among ``n`` compared bounds the
count beyond ``t`` is Binomial(n, 2 Φ(−t)) (:func:`noise_tail_counts`, :func:`p_max_beyond`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Two bounds "differ by more than Monte Carlo error" beyond this many combined standard errors.
MC_Z = 2.0


def interval_bounds(values: np.ndarray, confidence_level: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of each column: ``nanquantile`` at ``(1 -+ level) / 2``.

    Parameters
    ----------
    values : numpy.ndarray, shape (n_replicates, n_columns)
        Bootstrap samples (minutes); NaN = blank (left out), ``inf`` kept as METR keeps it.
    confidence_level : float
        Central coverage in (0, 1).

    Returns
    -------
    (low, high) : numpy.ndarray each of length ``n_columns`` (NaN where a column is all blank).
    """
    lo_q, hi_q = (1 - confidence_level) / 2, (1 + confidence_level) / 2
    return _nanquantile(values, lo_q), _nanquantile(values, hi_q)


def _nanquantile(values: np.ndarray, q) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        values = values[:, None]
    out = np.full(np.broadcast_shapes(np.shape(q), values.shape[1:]), np.nan)
    has = ~np.all(np.isnan(values), axis=0)
    if has.any():
        # inf - inf in numpy's interpolation is an expected NaN when both neighbours are inf
        with np.errstate(invalid="ignore"):
            out[..., has] = np.nanquantile(values[:, has], q, axis=0)
    return out


def bound_mc_se(values: np.ndarray, q: float) -> np.ndarray:
    """Monte Carlo standard error of the ``q``-quantile of each column (see the module text).

    Parameters
    ----------
    values : numpy.ndarray, shape (n_replicates, n_columns)
        Bootstrap samples (minutes); NaN = blank (not counted in ``n``).
    q : float
        The bound's probability (0.025 for the lower bound of a 95% interval).

    Returns
    -------
    numpy.ndarray
        Standard error per column in the units of ``values`` (NaN with fewer than 2 samples).
    """
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        values = values[:, None]
    n = (~np.isnan(values)).sum(axis=0)
    delta = np.sqrt(q * (1 - q) / np.maximum(n, 1))
    lo = _nanquantile_per_column(values, np.clip(q - delta, 0, 1))
    hi = _nanquantile_per_column(values, np.clip(q + delta, 0, 1))
    with np.errstate(invalid="ignore"):
        se = (hi - lo) / 2
    return np.where(n >= 2, se, np.nan)


def _nanquantile_per_column(values: np.ndarray, qs: np.ndarray) -> np.ndarray:
    """``nanquantile`` with a different ``q`` per column."""
    out = np.full(values.shape[1], np.nan)
    for q in np.unique(qs):  # one call per distinct blank count, not per column
        cols = np.flatnonzero(qs == q)
        out[cols] = _nanquantile(values[:, cols], q)
    return out


def scale_se(se, n_from, n_to):
    """Standard error of the same bound estimated from ``n_to`` instead of ``n_from`` replicates."""
    return np.asarray(se, dtype=float) * np.sqrt(np.asarray(n_from, float) / np.asarray(n_to, float))


def differs_beyond_mc(ours, ours_se, theirs, theirs_se, z: float = MC_Z) -> np.ndarray:
    """Whether two estimates of one bound differ by more than ``z`` combined standard errors.

    NaN inputs give False only when both bounds are equal (both ``inf``); otherwise a missing
    error makes the comparison undecided and the result is True (reported, not hidden).
    """
    ours, theirs = np.asarray(ours, float), np.asarray(theirs, float)
    with np.errstate(invalid="ignore"):
        combined = np.hypot(np.asarray(ours_se, float), np.asarray(theirs_se, float))
        within = np.abs(ours - theirs) <= z * combined
    return ~(within | (ours == theirs))


def replicates_for_target(se_log, n, target) -> np.ndarray:
    """Replicates needed for a bound's error on the log scale to reach ``target``.

    Parameters
    ----------
    se_log : numpy.ndarray
        Current standard error of ``ln(bound)`` (``se / bound``) with ``n`` replicates.
    n : int or numpy.ndarray
        Current replicate count.
    target : float or numpy.ndarray
        Wanted standard error of ``ln(bound)`` (e.g. 0.05 of the interval's log width).

    Returns
    -------
    numpy.ndarray
        ``ceil(n * (se_log / target)**2)``, at least ``n``; ``inf`` where ``se_log`` is.
    """
    se_log = np.asarray(se_log, dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        need = np.ceil(n * (se_log / target) ** 2)
    return np.where(np.isnan(need), n, np.maximum(need, n))


#: Replicates behind METR's published intervals (its code's default and every published file's).
METR_N_BOOTSTRAP = 1000


def interval_agreement(comparison, horizons, n_reference: int = METR_N_BOOTSTRAP,
                       z: float = MC_Z):
    """Our interval bounds beside METR's, each with its Monte Carlo error, and whether they differ.

    METR's bounds carry Monte Carlo error too: that of ``n_reference`` replicates from the same
    bootstrap distribution, estimated from ours (:func:`scale_se`).

    Parameters
    ----------
    comparison : pandas.DataFrame
        ``dataset, model, p, published, metr_ci_low_min, metr_ci_high_min`` (minutes), e.g.
        :func:`horizonlib.analyses.headline.compare_with_published` output.
    horizons : pandas.DataFrame
        :func:`horizonlib.model.horizons.horizon_table` output (our bounds and their errors).
    n_reference : int, optional
        Replicates behind METR's intervals (1,000).
    z : float, optional
        Threshold in combined standard errors (2).

    Returns
    -------
    pandas.DataFrame
        One row per compared (dataset, model, p): ``published``, ``ci_low_min``,
        ``ci_high_min``, their ``*_mc_se_min``, ``n_replicates``, ``metr_ci_low_min``,
        ``metr_ci_high_min``, ``metr_ci_low_mc_se_min``, ``metr_ci_high_mc_se_min``,
        ``low_z`` and ``high_z`` (difference in combined standard errors) and ``low_differs``,
        ``high_differs`` (beyond ``z``), ``differs`` (either bound).
    """
    keys = ["dataset", "model", "p"]
    ours = horizons[keys + ["ci_low_min", "ci_high_min", "ci_low_mc_se_min",
                            "ci_high_mc_se_min", "n_replicates"]]
    out = comparison[keys + ["published", "metr_ci_low_min", "metr_ci_high_min"]].merge(
        ours, on=keys, how="inner")
    n_valid = out["n_replicates"].to_numpy(float)
    for side in ("low", "high"):
        se = out[f"ci_{side}_mc_se_min"].to_numpy(float)
        theirs_se = scale_se(se, n_valid, n_reference)
        out[f"metr_ci_{side}_mc_se_min"] = theirs_se
        diff = out[f"ci_{side}_min"].to_numpy(float) - out[f"metr_ci_{side}_min"].to_numpy(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[f"{side}_z"] = diff / np.hypot(se, theirs_se)
        out[f"{side}_differs"] = differs_beyond_mc(
            out[f"ci_{side}_min"], se, out[f"metr_ci_{side}_min"], theirs_se, z)
    out["differs"] = out["low_differs"] | out["high_differs"]
    columns = keys + ["published", "ci_low_min", "ci_high_min", "ci_low_mc_se_min",
                      "ci_high_mc_se_min", "n_replicates", "metr_ci_low_min", "metr_ci_high_min",
                      "metr_ci_low_mc_se_min", "metr_ci_high_mc_se_min", "low_z", "high_z",
                      "low_differs", "high_differs", "differs"]
    return pd.DataFrame(out[columns]).reset_index(drop=True)


def noise_tail_counts(agreement: pd.DataFrame, thresholds=(MC_Z, 3.0)) -> pd.DataFrame:
    """How many compared bounds lie beyond each threshold, and how many Monte Carlo noise gives.

    Under pure Monte Carlo noise each bound's ``z`` is standard normal, so among ``n`` bounds
    (treated as independent) the count beyond ``t`` is Binomial(n, 2 Φ(−t)).

    Parameters
    ----------
    agreement : pandas.DataFrame
        :func:`interval_agreement` output (``low_z``, ``high_z``).
    thresholds : sequence of float, optional
        Thresholds in combined standard errors (2 and 3).

    Returns
    -------
    pandas.DataFrame
        One row per threshold: ``threshold``, ``n_bounds`` (bounds with a finite ``z``),
        ``observed`` (``|z| > threshold``), ``expected`` (``n_bounds · 2 Φ(−threshold)``) and
        ``p_at_least`` (probability of at least ``observed`` such bounds from noise alone).
    """
    from scipy.stats import binom, norm

    z = np.abs(agreement[["low_z", "high_z"]].to_numpy(float).ravel())
    z = z[~np.isnan(z)]  # an infinite z (bounds differ, zero error) is beyond every threshold
    rows = []
    for t in thresholds:  # two thresholds, not a loop over models
        rate = 2 * norm.sf(t)
        observed = int((z > t).sum())
        rows.append({"threshold": float(t), "n_bounds": int(z.size), "observed": observed,
                     "expected": z.size * rate,
                     "p_at_least": float(binom.sf(observed - 1, z.size, rate))})
    return pd.DataFrame(rows)


def p_max_beyond(abs_z: float, n_bounds: int) -> float:
    """Probability that noise alone puts at least one of ``n_bounds`` independent standard
    normal ``z`` at ``|z| >= abs_z`` (``1 - (1 - 2 Φ(−|z|))^n``)."""
    from scipy.stats import norm

    return float(1 - (1 - 2 * norm.sf(abs(abs_z))) ** n_bounds)
