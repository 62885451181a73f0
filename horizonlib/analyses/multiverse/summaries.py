"""Summaries of a multiverse table: variance shares, METR's position, curves, single-choice effects.

The share of variance of ``log2(p50)`` explained by a dimension is its main-effect sum of squares
over the model's converged specifications, ``SS_d = sum_levels n_l (mean_l - mean)^2``, divided by
the total ``sum (v - mean)^2``; the rest (``1 - sum_d SS_d / SS_total``) is attributed to
interactions (and, when failed fits leave the grid unbalanced, to non-orthogonality). Level means
within 1e-9 doublings of the grand mean (the fits' convergence noise) count as no effect. METR's
headline specification is placed in each distribution by its mid-rank percentile. The same
summaries serve the doubling times of :mod:`horizonlib.analyses.multiverse.doubling`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from horizonlib.analyses.multiverse.grid import DIMENSION_COLUMNS, is_metr_dimension, one_at_a_time

#: log2 differences at or below this (doublings) are rounding noise of the Newton fits (they
#: converge to a relative gradient of 1e-12), so a dimension whose level means all lie within it
#: of the grand mean explains exactly zero variance.
_NOISE_LOG2 = 1e-9


def variance_shares(
    table: pd.DataFrame,
    value: str = "p50_min",
    by: Sequence[str] = ("dataset", "model"),
    dimensions: Sequence[str] = tuple(DIMENSION_COLUMNS),
) -> pd.DataFrame:
    """Share of the variance of ``log2(value)`` explained by each dimension (main effects).

    Parameters
    ----------
    table : pandas.DataFrame
        A multiverse table (one row per specification within each group of ``by``).
    value : str, optional
        Positive column to analyse on the log2 scale (``p50_min``, ``doubling_days``).
    by : sequence of str, optional
        Group columns (one variance decomposition per group).
    dimensions : sequence of str, optional
        Dimension columns.

    Returns
    -------
    pandas.DataFrame
        Long: ``by`` columns, ``dimension`` (each dimension, then ``"interactions"`` = the
        unexplained rest), ``share`` (fraction of the total sum of squares; 0 when all values are
        equal), ``n_specs`` (finite positive values used), ``sd_log2`` (standard deviation of
        ``log2(value)``, doublings).
    """
    rows = []
    for key, g in table.groupby(list(by), sort=True):
        key = key if isinstance(key, tuple) else (key,)
        v = g[value].to_numpy(dtype=float)
        good = np.isfinite(v) & (v > 0)
        g = g[good]
        lv = np.log2(v[good])
        base = dict(zip(by, key))
        n = len(lv)
        total = float(np.sum((lv - lv.mean()) ** 2)) if n else 0.0
        # differences below the fits' convergence tolerance are numerical noise, not effects
        zero = n == 0 or bool(np.all(np.abs(lv - lv.mean()) <= _NOISE_LOG2))
        explained = 0.0
        for dim in dimensions:
            if zero:
                share = 0.0
            else:
                means = pd.Series(lv).groupby(g[dim].to_numpy()).agg(["mean", "size"])
                dev = means["mean"].to_numpy() - lv.mean()
                ss = 0.0 if np.all(np.abs(dev) <= _NOISE_LOG2) else float(
                    (means["size"].to_numpy() * dev ** 2).sum())
                share = ss / total
            explained += share
            rows.append({**base, "dimension": dim, "share": share, "n_specs": n,
                         "sd_log2": float(np.std(lv)) if n else np.nan})
        rows.append({**base, "dimension": "interactions", "share": 0.0 if zero else 1.0 - explained,
                     "n_specs": n, "sd_log2": float(np.std(lv)) if n else np.nan})
    return pd.DataFrame(rows, columns=list(by) + ["dimension", "share", "n_specs", "sd_log2"])


def headline_position(
    table: pd.DataFrame,
    value: str = "p50_min",
    by: Sequence[str] = ("dataset", "model"),
) -> pd.DataFrame:
    """Where METR's headline specification sits in each group's distribution over specifications.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``by`` columns, ``headline`` (value at METR's choices; NaN if that
        fit failed), ``n_specs`` (finite positive values), ``n_failed`` (other rows),
        ``min``, ``q25``, ``median``, ``q75``, ``max`` (units of ``value``), ``max_over_min``,
        ``rank`` (1 = smallest; ties share the mean rank) and ``percentile`` (mid-rank: 100 x
        (values below + half of those equal) / n_specs).
    """
    rows = []
    for key, g in table.groupby(list(by), sort=True):
        key = key if isinstance(key, tuple) else (key,)
        v = g[value].to_numpy(dtype=float)
        good = np.isfinite(v) & (v > 0)
        vals = v[good]
        head = g.loc[g["is_metr"].to_numpy(dtype=bool), value].to_numpy(dtype=float)
        h = float(head[0]) if len(head) else np.nan
        row = dict(zip(by, key))
        row.update({"headline": h, "n_specs": int(good.sum()), "n_failed": int((~good).sum())})
        if len(vals):
            q = np.percentile(vals, [0, 25, 50, 75, 100])
            row.update({"min": q[0], "q25": q[1], "median": q[2], "q75": q[3], "max": q[4],
                        "max_over_min": q[4] / q[0]})
        else:
            row.update({k: np.nan for k in ("min", "q25", "median", "q75", "max", "max_over_min")})
        if np.isfinite(h) and len(vals):
            below = float(np.sum(vals < h))
            equal = float(np.sum(vals == h))
            row["rank"] = below + (equal + 1) / 2
            row["percentile"] = 100.0 * (below + 0.5 * equal) / len(vals)
        else:
            row["rank"] = np.nan
            row["percentile"] = np.nan
        rows.append(row)
    cols = list(by) + ["headline", "n_specs", "n_failed", "min", "q25", "median", "q75", "max",
                       "max_over_min", "rank", "percentile"]
    return pd.DataFrame(rows, columns=cols)


def specification_curve(table: pd.DataFrame, dataset: str, model: str,
                        value: str = "p50_min") -> pd.DataFrame:
    """One model's specifications sorted by ``value`` (the data of a specification curve).

    Returns
    -------
    pandas.DataFrame
        The model's rows with a finite positive ``value``, sorted ascending (ties by ``spec``),
        with a ``position`` column 0..n-1.
    """
    g = table[(table["dataset"] == dataset) & (table["model"] == model)]
    v = g[value].to_numpy(dtype=float)
    g = g[np.isfinite(v) & (v > 0)].sort_values([value, "spec"], kind="stable")
    return g.assign(position=np.arange(len(g))).reset_index(drop=True)


def specification_curves(table: pd.DataFrame, picks: pd.DataFrame,
                         value: str = "p50_min") -> dict[str, pd.DataFrame]:
    """``label -> specification_curve`` for every row of ``picks`` (from
    :func:`~horizonlib.analyses.multiverse.model_choice.choose_models`)."""
    return {r.label: specification_curve(table, r.dataset, r.model, value)
            for r in picks.itertuples(index=False)}


def dimension_effects(table: pd.DataFrame, value: str = "p50_min",
                      by: Sequence[str] = ("dataset", "model")) -> pd.DataFrame:
    """Median ratio of ``value`` at each level to METR's level, other choices held fixed.

    For every dimension and non-METR level, pairs each specification with the one that differs
    only in that dimension (set to METR's level) and takes the median ratio over pairs (a
    multiplicative effect: 2 = the choice doubles the horizon).

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, ``dimension``, ``level``, ``median_ratio``, ``n_pairs``.
    """
    rows = []
    for dim in DIMENSION_COLUMNS:
        others = [d for d in DIMENSION_COLUMNS if d != dim]
        ref_mask = is_metr_dimension(table, dim)
        ref = table[ref_mask][list(by) + others + [value]].rename(columns={value: "_ref"})
        alt = table[~ref_mask]
        if alt.empty:
            continue
        merged = alt.merge(ref, on=list(by) + others, how="inner")
        ratio = merged[value].to_numpy(dtype=float) / merged["_ref"].to_numpy(dtype=float)
        merged = merged.assign(_ratio=ratio)
        merged = merged[np.isfinite(merged["_ratio"]) & (merged["_ratio"] > 0)]
        for key, g in merged.groupby(list(by) + [dim], sort=True):
            rows.append({**dict(zip(list(by) + ["level"], key)), "dimension": dim,
                         "median_ratio": float(np.exp(np.median(np.log(g["_ratio"])))),
                         "n_pairs": len(g)})
    return pd.DataFrame(rows, columns=list(by) + ["dimension", "level", "median_ratio", "n_pairs"])


def largest_single_change(table: pd.DataFrame, grid: pd.DataFrame, dataset: str,
                          model: str, value: str = "p50_min") -> dict | None:
    """The one-choice change from METR's specification that moves one model's ``value`` most.

    Only the specifications of :func:`~horizonlib.analyses.multiverse.grid.one_at_a_time` are
    compared (METR's choices with exactly one dimension changed), so the number is the same as in
    the chapter's table of single changes, not a median over the other choices (that is
    :func:`dimension_effects`).

    Returns
    -------
    dict or None
        ``dimension``, ``level``, ``p50_min`` (the changed specification's value, minutes),
        ``metr_min`` (METR's), ``ratio`` (changed / METR's); None when METR's specification or
        every single change has no finite positive value for the model.
    """
    oat = one_at_a_time(grid)
    rows = table[(table["dataset"] == dataset) & (table["model"] == model)]
    rows = rows.merge(oat[["spec", "changed"]], on="spec")
    head = rows[rows["changed"] == "none"]
    if head.empty:
        return None
    ref = float(head[value].iloc[0])
    alt = rows[rows["changed"] != "none"]
    v = alt[value].to_numpy(dtype=float)
    ok = np.isfinite(v) & (v > 0)
    if not (np.isfinite(ref) and ref > 0) or not ok.any():
        return None
    alt, v = alt[ok], v[ok]
    i = int(np.argmax(np.abs(np.log(v / ref))))
    r = alt.iloc[i]
    return {"dimension": r["changed"], "level": r[r["changed"]], "p50_min": float(v[i]),
            "metr_min": ref, "ratio": float(v[i] / ref)}
