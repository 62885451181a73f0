"""Display tables for the book (presentation layer): estimates with intervals as text.

Horizons are shown in minutes with three significant digits and their bootstrap interval in
brackets, e.g. ``120.7 [74.6, 202.5]``; nothing here computes a statistic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def format_minutes(value: float) -> str:
    """A duration in minutes with 3–4 significant digits (``"—"`` when not finite)."""
    if value is None or not np.isfinite(value):
        return "—"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 1:
        return f"{value:.1f}"
    return f"{value:.3g}"


def format_interval(estimate: float, low: float, high: float) -> str:
    """``"estimate [low, high]"`` in minutes; the bracket is dropped when the interval is NaN."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return format_minutes(estimate)
    return f"{format_minutes(estimate)} [{format_minutes(low)}, {format_minutes(high)}]"


def horizon_display(horizons: pd.DataFrame, comparison: pd.DataFrame | None = None,
                    confidence_level: float = 0.95) -> pd.DataFrame:
    """One row per model: p50 and p80 with CIs, METR's published values beside them.

    Parameters
    ----------
    horizons : :func:`horizonlib.horizons.horizon_table` output.
    comparison : optional :func:`horizonlib.headline.compare_with_published` output.
    confidence_level : shown in the column names.

    Returns
    -------
    DataFrame indexed by (dataset, model) with text columns, sorted by p50.
    """
    level = f"{confidence_level:.0%} CI"
    wide = {}
    for p, rows in horizons.groupby("p", sort=True):
        label = f"p{round(p * 100)}"
        key = rows.set_index(["dataset", "model"])
        wide[f"{label} (min) [{level}]"] = [
            format_interval(r.horizon_min, r.ci_low_min, r.ci_high_min)
            for r in key.itertuples()]
        wide[f"_{label}"] = key["horizon_min"].to_numpy()
        index = key.index
        if comparison is not None and len(comparison):
            theirs = comparison[comparison["p"] == p].set_index(["dataset", "model"])
            theirs = theirs.reindex(index)
            wide[f"METR {label} (min)"] = [
                format_interval(r.metr_horizon_min, r.metr_ci_low_min, r.metr_ci_high_min)
                if isinstance(r.published, str) else "" for r in theirs.itertuples()]
    first = horizons.groupby("p", sort=True).first().index[0]
    failed = horizons[horizons["p"] == first].set_index(["dataset", "model"])
    wide["runs"] = failed["n_runs"].to_numpy()
    wide["tasks"] = failed["n_tasks"].to_numpy()
    wide["degenerate replicates"] = failed["failed_replicates"].to_numpy()
    table = pd.DataFrame(wide, index=index)
    table = table.sort_values(["dataset", "_p50"], kind="stable")
    return table.drop(columns=[c for c in table.columns if c.startswith("_")])


def reproduction_display(reproduction: pd.DataFrame) -> pd.DataFrame:
    """One row per (published file, model): METR's horizon and how far each refit lands.

    Parameters
    ----------
    reproduction : :func:`horizonlib.headline.reproduction_table` output.

    Returns
    -------
    DataFrame indexed by (published file, model) with, per p, METR's value in minutes (6
    significant digits) and the relative differences of the replay and the exact refit.
    """
    columns = {}
    for p, rows in reproduction.groupby("p", sort=True):
        label = f"p{round(p * 100)}"
        key = rows.set_index(["published", "model"])
        columns[f"METR {label} (min)"] = key["metr_min"].map("{:.6g}".format)
        columns[f"{label} replay − METR"] = key["replay_rel_diff"].map("{:+.1e}".format)
        columns[f"{label} exact − METR"] = key["exact_rel_diff"].map("{:+.1e}".format)
    return pd.DataFrame(columns).sort_index()
