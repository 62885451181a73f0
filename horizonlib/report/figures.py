"""Figures for the book (presentation layer).

Every function takes tidy tables produced by the analysis or model layers and returns a
``matplotlib.figure.Figure`` with labelled axes and units; none of them computes a statistic
of its own beyond arranging what it is given. Human task lengths are drawn on a log scale in
minutes, the way METR draws them.
"""

from __future__ import annotations

import math

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
from matplotlib.transforms import Bbox
import numpy as np
import pandas as pd

SOURCE_COLORS = {"HCAST": "#1f77b4", "RE-Bench": "#d62728", "SWAA": "#2ca02c"}
HIGHLIGHT_MODELS = ("o3", "o4-mini")

#: Task-length range of the fitted-curve panels (minutes): 6 seconds to 28 hours.
CURVE_XLIM = (0.1, 1680.0)

#: Fewer ticks for narrow panels, so labels never overprint.
COARSE_TICKS = [1, 15, 240, 960]
COARSE_TICK_LABELS = ["1 min", "15 min", "4 h", "16 h"]

#: Readable ticks for task lengths in minutes.
MINUTE_TICKS = [1 / 6, 1, 4, 15, 60, 240, 960, 1920]
MINUTE_TICK_LABELS = ["10 s", "1 min", "4 min", "15 min", "1 h", "4 h", "16 h", "32 h"]


def _minutes_axis(axis, ticks=MINUTE_TICKS, labels=MINUTE_TICK_LABELS) -> None:
    """Log-scale x axis in minutes with human-readable tick labels."""
    axis.set_xscale("log")
    axis.xaxis.set_major_locator(mticker.FixedLocator(ticks))
    axis.xaxis.set_major_formatter(mticker.FixedFormatter(labels))
    axis.xaxis.set_minor_locator(mticker.NullLocator())


def _grid(n_panels: int, n_cols: int, panel_size=(4.0, 3.0), sharey=True):
    n_cols = max(1, min(n_cols, n_panels))
    n_rows = math.ceil(n_panels / n_cols)
    fig, axes = plt.subplots(
        n_rows, n_cols, figsize=(panel_size[0] * n_cols, panel_size[1] * n_rows),
        sharex=True, sharey=sharey, squeeze=False, layout="constrained",
    )
    flat = list(axes.ravel())
    for extra in flat[n_panels:]:
        extra.set_visible(False)
        # The panel above an empty slot is its column's bottom one: it shows the x tick labels.
        above = axes[flat.index(extra) // n_cols - 1, flat.index(extra) % n_cols]
        if above.get_visible():
            above.xaxis.set_tick_params(labelbottom=True)
    return fig, flat[:n_panels]


def _declutter_labels(fig, labels, markers=(), step: float = 9.0, tries: int = 8) -> None:
    """Move point labels until none overlaps another label or a marker.

    Each label, in the order given, takes the first place at which its box touches no label
    placed before it and no marker (``markers``: ``Line2D`` objects whose data points are drawn
    as markers): its own side of the point, then the other side, each at vertical offsets 0,
    +step, -step, +2 step, ... points. Without such a place it keeps its first one.
    """
    fig.canvas.draw()  # a layout pass, so label boxes are measured where they will be drawn
    renderer = fig.canvas.get_renderer()
    placed = []
    for line in markers:
        half = line.get_markersize() * fig.dpi / 72 / 2  # marker size is in points
        for x, y in line.get_transform().transform(line.get_xydata()):
            placed.append(Bbox.from_extents(x - half, y - half, x + half, y + half))
    flip = {"left": "right", "right": "left"}
    for label in labels:  # a handful of highlighted models, not every point
        (x0, y0), ha0 = label.xyann, label.get_horizontalalignment()
        places = [(sign * x0, y0 + step * ((k + 1) // 2) * (1 if k % 2 else -1))
                  for k in range(tries) for sign in (1, -1)]
        for x, y in places + [(x0, y0)]:
            label.xyann = (x, y)
            label.set_horizontalalignment(ha0 if x == x0 else flip.get(ha0, ha0))
            box = label.get_window_extent(renderer)
            if not any(box.overlaps(other) for other in placed):
                break
        placed.append(box)


def plot_minutes_by_source(tasks: pd.DataFrame):
    """Histogram of task lengths (human minutes, log scale) by task source, one panel per dataset.

    Parameters
    ----------
    tasks : table from :func:`horizonlib.analyses.summaries.task_table` (one row per dataset and task).
    """
    datasets = sorted(tasks["dataset"].unique())
    fig, axes = _grid(len(datasets), 2, panel_size=(5.0, 3.2))
    bins = np.logspace(np.log10(tasks["human_minutes"].min() * 0.9),
                       np.log10(tasks["human_minutes"].max() * 1.1), 30)
    for axis, dataset in zip(axes, datasets):
        subset = tasks[tasks["dataset"] == dataset]
        sources = sorted(subset["task_source"].unique())
        axis.hist(
            [subset.loc[subset["task_source"] == s, "human_minutes"] for s in sources],
            bins=bins, stacked=True, label=sources,
            color=[SOURCE_COLORS.get(s, "#7f7f7f") for s in sources],
        )
        _minutes_axis(axis, COARSE_TICKS, COARSE_TICK_LABELS)
        axis.set_title(dataset)
        axis.set_xlabel("human time to complete the task (log scale)")
        axis.set_ylabel("number of tasks")
        axis.legend(title="task source", fontsize="small", loc="upper left",
                    bbox_to_anchor=(1.0, 1.0))
    return fig


def plot_success_by_length(table: pd.DataFrame):
    """Raw success rate against task length per model, one panel per dataset.

    Parameters
    ----------
    table : output of :func:`horizonlib.analyses.summaries.success_by_length`.
    """
    datasets = sorted(table["dataset"].unique())
    fig, axes = _grid(len(datasets), 2, panel_size=(7.0, 4.2))
    for axis, dataset in zip(axes, datasets):
        subset = table[table["dataset"] == dataset]
        for alias, rows in subset.groupby("alias", sort=True):
            axis.plot(rows["bucket_mid_minutes"], rows["success_rate"], marker="o", label=alias)
        _minutes_axis(axis, COARSE_TICKS, COARSE_TICK_LABELS)
        axis.set_ylim(-0.03, 1.03)
        axis.set_title(dataset)
        axis.set_xlabel("human time to complete the task (log scale)")
        axis.set_ylabel("share of runs that succeeded")
        axis.legend(fontsize="x-small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def plot_logistic_curves(points: pd.DataFrame, curves: pd.DataFrame, fits: pd.DataFrame,
                         n_cols: int = 4):
    """Per-model fitted success curves over per-task observed success rates.

    Parameters
    ----------
    points : one row per (dataset, alias, task): ``human_minutes``, ``success_rate``, ``n_runs``
        (marker area is proportional to ``n_runs``).
    curves : one row per (dataset, alias, grid point): ``human_minutes``, ``p_success``.
    fits : one row per (dataset, alias) with ``p50_min`` (drawn as a dashed vertical line).
    """
    keys = list(fits[["dataset", "alias"]].drop_duplicates().itertuples(index=False))
    fig, axes = _grid(len(keys), n_cols, panel_size=(3.4, 2.8))
    for axis, (dataset, alias) in zip(axes, keys):
        sel = lambda frame: frame[(frame["dataset"] == dataset) & (frame["alias"] == alias)]  # noqa: E731
        pts, curve, fit = sel(points), sel(curves), sel(fits)
        axis.scatter(pts["human_minutes"], pts["success_rate"], s=6 * pts["n_runs"],
                     alpha=0.45, color="#4c72b0", edgecolors="none")
        axis.plot(curve["human_minutes"], curve["p_success"], color="black", lw=1.5)
        p50 = float(fit["p50_min"].iloc[0])
        note = ""
        if "status" in fit.columns and fit["status"].iloc[0] != "ok":
            note = f"no fit: {str(fit['status'].iloc[0]).replace('_', ' ')}"
        elif CURVE_XLIM[0] < p50 < CURVE_XLIM[1]:
            axis.axvline(p50, color="#d62728", ls="--", lw=1)
        elif np.isfinite(p50):
            note = f"50% horizon {'below' if p50 < CURVE_XLIM[0] else 'above'} this range"
        if note:
            axis.text(0.5, 0.5, note, transform=axis.transAxes, ha="center", fontsize="small",
                      color="#555555")
        _minutes_axis(axis, [1, 15, 240, 960], ["1 min", "15 min", "4 h", "16 h"])
        axis.set_xlim(*CURVE_XLIM)
        axis.set_ylim(-0.05, 1.05)
        axis.set_title(f"{alias}\n({dataset})", fontsize="small")
        axis.set_xlabel("human task length", fontsize="small")
        axis.set_ylabel("P(success)", fontsize="small")
        axis.tick_params(labelsize="x-small")
    return fig


def plot_horizon_trend(points: pd.DataFrame, lines: pd.DataFrame | None = None,
                       ylabel: str = "50% time horizon (minutes, log scale)"):
    """Horizon against release date with bootstrap CIs and fitted exponential trends.

    Parameters
    ----------
    points : one row per model: ``model``, ``release_date`` (Timestamp), ``horizon_min``,
        ``ci_low_min``, ``ci_high_min``, ``series`` (legend group, e.g. "published (METR)").
    lines : optional; one row per (``label``, ``release_date``) grid point with ``horizon_min``
        and, optionally, ``band_low_min``/``band_high_min`` (a CI band, minutes) and ``series``
        (the points' series the line belongs to: it is drawn in that series' colour).
    """
    # A higher resolution keeps the labels legible when the page scales the image down.
    fig, axis = plt.subplots(figsize=(8.5, 5.2), layout="constrained", dpi=130)
    markers = ["o", "s", "^", "D", "v"]
    labels, marker_lines = [], []
    all_series = sorted(set(points["series"]) | set(
        lines["series"] if lines is not None and "series" in lines else []))
    colors = {s: plt.get_cmap("tab10")(i) for i, s in enumerate(all_series)}
    for i, (series, rows) in enumerate(points.groupby("series", sort=True)):
        err = np.vstack([rows["horizon_min"] - rows["ci_low_min"],
                         rows["ci_high_min"] - rows["horizon_min"]])
        bars = axis.errorbar(rows["release_date"], rows["horizon_min"],
                             yerr=np.clip(err, 0, None), fmt=markers[i % len(markers)],
                             capsize=2, alpha=0.8, label=series, color=colors[series])
        marker_lines.append(bars.lines[0])
        # Only the models the thread asks about are labelled; the rest would overprint. Each
        # series labels on its own side, and labels that would still touch are nudged apart
        # below, so two measurements of one model stay readable.
        left = i % 2 == 1
        for row in rows.itertuples(index=False):
            if row.model.split(" (")[0] in HIGHLIGHT_MODELS:
                labels.append(axis.annotate(
                    row.model, (row.release_date, row.horizon_min), fontsize=7.5,
                    xytext=(-7 if left else 7, -9 if "mini" in row.model else 3),
                    textcoords="offset points", color=colors[series], fontweight="bold",
                    ha="right" if left else "left", va="center"))
    if lines is not None and len(lines):
        for label, rows in lines.groupby("label", sort=True):
            rows = rows.sort_values("release_date")
            color = colors.get(rows["series"].iloc[0]) if "series" in rows else None
            (line,) = axis.plot(rows["release_date"], rows["horizon_min"], lw=1.3, label=label,
                                color=color)
            if {"band_low_min", "band_high_min"} <= set(rows.columns):
                axis.fill_between(rows["release_date"], rows["band_low_min"],
                                  rows["band_high_min"], color=line.get_color(), alpha=0.12)
    axis.set_yscale("log")
    axis.set_ylabel(ylabel)
    axis.set_xlabel("model release date")
    axis.xaxis.set_major_locator(mdates.YearLocator())
    axis.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    axis.grid(True, which="major", alpha=0.3)
    axis.legend(fontsize="small")
    _declutter_labels(fig, labels, marker_lines)
    return fig
