"""Display tables for the book (presentation layer): estimates with intervals as text.

Horizons are shown in minutes with three significant digits and their bootstrap interval in
brackets, e.g. ``120.7 [74.6, 202.5]``; nothing here computes a statistic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from horizonlib.common.text import format_number
from horizonlib.common.units import format_duration


#: Below this many minutes (0.6 s) a horizon is an extrapolation far below any task: shown as
#: "< 0.01" rather than as a meaningless 1e-225.
SMALLEST_SHOWN_MIN = 0.01


def format_minutes(value: float) -> str:
    """A duration in minutes with 3–4 significant digits (``"—"`` when not finite)."""
    if value is None or not np.isfinite(value):
        return "—"
    if value < SMALLEST_SHOWN_MIN:
        return f"< {SMALLEST_SHOWN_MIN:g}"
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
    horizons : :func:`horizonlib.model.horizons.horizon_table` output.
    comparison : optional :func:`horizonlib.analyses.headline.published.compare_with_published`
    output.
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
    reproduction : :func:`horizonlib.analyses.headline.published.reproduction_table` output.

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


def regularization_display(effect: pd.DataFrame, regularization: float,
                           compare_to: float) -> pd.DataFrame:
    """The penalty's effect per model with readable column names.

    Parameters
    ----------
    effect : :func:`horizonlib.analyses.headline.fits.regularization_effect` output.
    regularization, compare_to : the two penalties compared (shown in the column names).
    """
    a, b = f"λ = {regularization:g}", f"λ = {compare_to:g}"
    table = pd.DataFrame({
        "dataset": effect["dataset"], "model": effect["alias"],
        f"slope, {a}": effect["slope"].map(lambda v: format_number(v, 3)),
        f"slope, {b}": effect["slope_compared"].map(lambda v: format_number(v, 3)),
        f"p50 (min), {a}": effect["p50_min"].map(format_minutes),
        f"p50 (min), {b}": effect["p50_compared_min"].map(format_minutes),
        f"p80 (min), {a}": effect["p80_min"].map(format_minutes),
        f"p80 (min), {b}": effect["p80_compared_min"].map(format_minutes),
        "p80 ratio": effect["p80_ratio"].map(lambda r: "< 0.01" if r < 0.01 else f"{r:.2f}"),
    })
    return table.set_index(["dataset", "model"])


def exclusions_display(exclusions: pd.DataFrame):
    """Models left out of the trend, with their horizon formatted and the reason."""
    return pd.DataFrame({
        "dataset": exclusions["dataset"], "model": exclusions["model"],
        "50% horizon (min)": exclusions["horizon_min"].map(format_minutes),
        "reason": exclusions["reason"],
    }).style.hide(axis="index")


def trend_display(trend: pd.DataFrame, confidence_level: float = 0.95):
    """Doubling times per data source and window, with their interval in days."""
    return pd.DataFrame({
        "fitted on": trend["dataset"], "window from": trend["window_start"],
        "models": trend["models"].str.count(";") + 1,
        f"doubling time (days) [{confidence_level:.0%} CI]": [
            f"{r.doubling_days:.0f} [{r.ci_low_days:.0f}, {r.ci_high_days:.0f}]"
            if np.isfinite(r.ci_low_days) else f"{r.doubling_days:.0f}"
            for r in trend.itertuples()],
    }).style.hide(axis="index")


def overview_display(overview: pd.DataFrame) -> pd.DataFrame:
    """:func:`horizonlib.analyses.summaries.dataset_overview` with task lengths as durations."""
    return pd.DataFrame({
        "dataset": overview["dataset"], "models": overview["models"], "runs": overview["runs"],
        "tasks": overview["tasks"], "families": overview["families"],
        "shortest task": overview["min_human_minutes"].map(format_duration),
        "longest task": overview["max_human_minutes"].map(format_duration),
        "runs succeeded": overview["success_rate"].map("{:.1%}".format),
    }).set_index("dataset")


def runs_per_model_display(tasks: pd.DataFrame) -> pd.DataFrame:
    """Tasks per dataset by the median number of runs a model made on them (a wide table)."""
    counts = tasks.groupby(["dataset", "runs_per_model"]).size().unstack(fill_value=0)
    counts = counts[sorted(counts.columns)]  # numeric order: 4, 4.5, 10 (not "10", "4")
    counts.columns = [f"{c:g}" for c in counts.columns]
    counts.columns.name = "median runs per model on the task"
    return counts


def provenance_display(provenance: pd.DataFrame) -> pd.DataFrame:
    """:func:`horizonlib.data.manifest.provenance_table` with commit and checksum shortened (the
    full values are in ``data/sources.yml``)."""
    return pd.DataFrame({
        "dataset": provenance["dataset"], "file": provenance["file"],
        "upstream": provenance["upstream"].str.replace(
            r"^https://raw\.githubusercontent\.com/([^/]+/[^/]+)/.*$", r"GitHub \1", regex=True),
        "commit": provenance["commit"].str[:12],
        "checksum": provenance["checksum"].str.replace(r"^(\w+:[0-9a-f]{16}).*$", r"\1…",
                                                         regex=True),
    }).set_index(["dataset", "file"])


def or_note(table: pd.DataFrame, note: str, caption: str = ""):
    """``table`` under a bold-faced ``caption``, or just ``note`` when the table is empty.

    Returns an object the notebook displays as Markdown (a caption or the note) followed by the
    table, so a section whose data the edition lacks shows one sentence, not an empty table.
    """
    from IPython.display import Markdown, display  # display only: kept out of module import

    if table.empty:
        return Markdown(note)
    if caption:
        display(Markdown(caption))
    return table


def draws_sentence(bootstrap_rng: str, solver: str, mc_error_target: float,
                   n_bootstrap_max: int, horizons: pd.DataFrame) -> str:
    """Whose random draws and which solver made the intervals, and how many replicates."""
    draws = ("the book's own draws (a numpy generator from the edition's seed)"
             if bootstrap_rng == "numpy" else
             "METR's own random streams (sample i from numpy's default_rng(42 + i), drawn in "
             "the order METR's code draws)")
    fits = ("the exact optimum of every replicate's fit" if solver == "exact" else
            "a replay of the early-stopping solver METR's code ran")
    counts = horizons.groupby("dataset")["n_replicates"].max()
    per = ", ".join(f"{n:,} for {d}" for d, n in counts.items())
    text = f"These intervals use {draws} and {fits}, with replicates per dataset: {per}."
    if mc_error_target > 0:
        text += (f" A dataset where some bound's error exceeded {mc_error_target:g} of its "
                 f"interval's width on the log scale was bootstrapped again with more replicates "
                 f"(at most {n_bootstrap_max:,}).")
    return text
