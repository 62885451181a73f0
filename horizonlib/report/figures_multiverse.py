"""Figures of the multiverse chapter (presentation layer).

Each function takes tables from :mod:`horizonlib.analyses.multiverse` and returns a
``matplotlib.figure.Figure`` with labelled axes and units; none computes a statistic of its own.

* :func:`plot_specification_curves`: per model, the 50% horizon under every specification sorted
  from smallest to largest (log minutes), METR's headline marked, and underneath a dot matrix of
  the choices each specification makes.
* :func:`plot_variance_shares`: per model (or trend), stacked bars of the share of the variance
  of log2(value) each dimension explains.
* :func:`plot_multiverse_ranges`: per model, the range and interquartile range over
  specifications with METR's headline marked.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from horizonlib.analyses.multiverse.grid import DIMENSION_COLUMNS, DIMENSIONS
from horizonlib.report.multiverse_labels import level_label
from horizonlib.common.units import format_duration

DIMENSION_LABELS = {
    "weighting": "weighting", "regularization": "regularization", "success": "success rule",
    "subset": "task subset", "link": "link", "hack_policy": "reward hacks",
    "interactions": "interactions",
}
DIMENSION_COLORS = {
    "weighting": "#1f77b4", "regularization": "#ff7f0e", "success": "#2ca02c",
    "subset": "#d62728", "link": "#9467bd", "hack_policy": "#8c564b", "interactions": "#bbbbbb",
}


#: Candidate ticks of duration axes: minutes (with labels) and days.
_MINUTE_TICKS = [(v / 60, f"{v:g} s") for v in (1, 2, 5, 10, 20, 30)] + \
    [(v, f"{v:g} min") for v in (1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 25, 30, 40, 45)] + \
    [(60 * v, f"{v:g} h") for v in (1, 1.5, 2, 3, 4, 6, 8, 12, 16)] + \
    [(1440 * v, f"{v:g} day" + ("s" if v != 1 else "")) for v in (1, 2, 3, 4, 7, 14, 30)]
_DAY_TICKS = [(v, f"{v:g} days") for v in (10, 20, 30, 50, 100, 200, 300, 500, 1000, 2000)]


def duration_ticks(low: float, high: float, unit: str = "min", n: int = 7):
    """Tick positions and plain labels ("15 min", "4 h", "200 days") for a log axis [low, high].

    Ticks inside the range are kept when at least ``log(high/low)/n`` (log units) from the last
    kept one, so labels never collide.
    """
    cands = _MINUTE_TICKS if unit == "min" else _DAY_TICKS
    inside = [(v, lab) for v, lab in cands if low <= v <= high]
    if not (np.isfinite(low) and np.isfinite(high)) or high <= low:
        return [], []
    gap = np.log(high / low) / n
    kept = []
    for v, lab in inside:
        if not kept or np.log(v / kept[-1][0]) >= gap:
            kept.append((v, lab))
    return [v for v, _ in kept], [lab for _, lab in kept]


def _duration_axis(ax, which: str, unit: str) -> None:
    """Log ``which`` axis ("x"/"y") with plain duration tick labels in ``unit`` ("min"/"days")."""
    axis = ax.xaxis if which == "x" else ax.yaxis
    low, high = ax.get_xlim() if which == "x" else ax.get_ylim()
    ticks, labels = duration_ticks(min(low, high), max(low, high), unit,
                                   n=5 if unit == "days" else 7)
    if len(ticks) >= 2:
        axis.set_major_locator(mticker.FixedLocator(ticks))
        axis.set_major_formatter(mticker.FixedFormatter(labels))
        axis.set_minor_locator(mticker.NullLocator())


def _level_label(dim, level) -> str:
    return level_label(dim, level)


def _choice_rows(table: pd.DataFrame) -> list[tuple[str, object]]:
    """(dimension, level) rows of the dot matrix: dimensions with more than one level present."""
    rows = []
    for dim in DIMENSION_COLUMNS:
        present = list(pd.unique(table[dim]))
        if len(present) < 2:
            continue
        order = [lv for lv in DIMENSIONS[dim] if any(_same(lv, p) for p in present)]
        order += [p for p in present if not any(_same(p, lv) for lv in order)]
        rows.extend((dim, lv) for lv in order)
    return rows


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return np.isclose(float(a), float(b), rtol=0, atol=1e-15)
    return a == b


#: Font size (pt) of the specification-curve labels; the figure is 7 in (about 700 px) wide.
FONT = 10


def plot_specification_curves(curves: dict[str, pd.DataFrame], value: str = "p50_min",
                              value_label: str = "50% horizon (log scale)"):
    """Specification curves: sorted estimates with the choices shown underneath.

    Parameters
    ----------
    curves : dict of str -> pandas.DataFrame
        Panel title -> :func:`horizonlib.analyses.multiverse.summaries.specification_curve`
        output (one model).
    value : str, optional
        Column plotted (minutes).
    value_label : str, optional
        y-axis label of the top panels.

    Returns
    -------
    matplotlib.figure.Figure
        Two stacked axes per model, models one below the other (so the figure keeps the width
        of a text column and its 10 pt labels stay at least 9 pt when shown 650 px wide or more): the
        sorted estimates (log y, METR's headline as a red diamond) and the dot matrix of choices
        (one row per level of each varying dimension, labelled on every model).
    """
    if not curves:
        raise ValueError("no specification curves to plot")
    names = list(curves)
    rows = _choice_rows(pd.concat(list(curves.values()), ignore_index=True))
    top_h, row_h = 2.0, 0.22
    bottom_h = max(1.0, row_h * len(rows))
    heights = [top_h, bottom_h] * len(names)
    fig, axes = plt.subplots(
        2 * len(names), 1, figsize=(7.0, sum(heights) + 0.9 * len(names)), squeeze=False,
        layout="constrained", gridspec_kw={"height_ratios": heights},
    )
    for j, name in enumerate(names):
        cur = curves[name]
        top, bottom = axes[2 * j, 0], axes[2 * j + 1, 0]
        bottom.sharex(top)
        pos = cur["position"].to_numpy()
        val = cur[value].to_numpy(dtype=float)
        metr = cur["is_metr"].to_numpy(dtype=bool)
        top.scatter(pos, val, s=8, color="#444444", label="specification")
        top.scatter(pos[metr], val[metr], s=70, marker="D", color="#d62728", zorder=3,
                    label="METR's choices")
        top.set_yscale("log")
        top.margins(y=0.08)
        _duration_axis(top, "y", "days" if "days" in value_label else "min")
        top.set_title(name, fontsize=FONT + 1, loc="left")
        top.set_ylabel(value_label, fontsize=FONT)
        top.tick_params(labelsize=FONT)
        top.set_xlabel("specifications, sorted by estimate", fontsize=FONT)
        top.xaxis.set_tick_params(labelbottom=True)
        top.grid(axis="y", alpha=0.3)
        if j == 0:
            top.legend(loc="upper left", fontsize=FONT)
        for r, (dim, level) in enumerate(rows):
            hit = np.array([_same(v, level) for v in cur[dim].to_numpy()])
            bottom.scatter(pos[hit], np.full(hit.sum(), r), s=6, marker="|",
                           color=DIMENSION_COLORS[dim])
            bottom.scatter(pos[hit & metr], np.full((hit & metr).sum(), r), s=36, marker="D",
                           color="#d62728", zorder=3)
        bottom.set_yticks(range(len(rows)))
        bottom.set_yticklabels([f"{DIMENSION_LABELS[d]}: {_level_label(d, lv)}"
                                for d, lv in rows], fontsize=FONT)
        bottom.tick_params(axis="x", labelsize=FONT)
        bottom.set_ylim(len(rows) - 0.5, -0.5)
        bottom.set_xlabel("specifications, sorted by the estimate above", fontsize=FONT)
        bottom.set_ylabel("choice", fontsize=FONT)
    return fig


def plot_variance_shares(shares: pd.DataFrame, label: str = "label",
                         ylabel: str = "model (dataset)"):
    """Stacked horizontal bars: share of the variance of log2(value) per dimension.

    Parameters
    ----------
    shares : pandas.DataFrame
        :func:`horizonlib.analyses.multiverse.summaries.variance_shares` output with an added
        ``label`` column naming each bar (model or trend).
    label : str, optional
        Column holding the bar labels.
    ylabel : str, optional
        y-axis label (what one bar is).

    Returns
    -------
    matplotlib.figure.Figure
    """
    wide = shares.pivot_table(index=label, columns="dimension", values="share", sort=False,
                              aggfunc="first")
    dims = [d for d in DIMENSION_COLUMNS + ["interactions"] if d in wide.columns]
    # dimensions with a single level (e.g. no reward-hack flags) explain nothing: not drawn
    dims = [d for d in dims if not (d == "hack_policy" and wide[d].abs().max() == 0)]
    fig, ax = plt.subplots(figsize=(8.0, 1.3 + 0.32 * len(wide)), layout="constrained")
    left = np.zeros(len(wide))
    y = np.arange(len(wide))
    for d in dims:
        vals = np.clip(wide[d].to_numpy(dtype=float), 0, None)
        ax.barh(y, vals, left=left, color=DIMENSION_COLORS[d], label=DIMENSION_LABELS[d])
        left += vals
    ax.set_yticks(y)
    ax.set_yticklabels(list(wide.index), fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, max(1.0, float(left.max())))
    ax.set_xlabel("share of variance of log2(estimate) across specifications")
    ax.set_ylabel(ylabel)
    fig.legend(loc="outside lower center", ncols=len(dims), fontsize=8, frameon=False)
    return fig


def plot_multiverse_ranges(position: pd.DataFrame, label: str = "label",
                           value_label: str = "50% horizon (log scale)",
                           ylabel: str = "model (dataset)", unit: str = "min"):
    """Range (line), interquartile range (thick bar) and METR's headline (diamond) per row.

    Parameters
    ----------
    position : pandas.DataFrame
        :func:`horizonlib.analyses.multiverse.summaries.headline_position` output with a
        ``label`` column.
    label : str, optional
        Column naming each row.
    value_label : str, optional
        x-axis label.
    ylabel : str, optional
        y-axis label (what one row is).
    unit : str, optional
        ``"min"`` or ``"days"``: unit of the values (tick labels are plain durations).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = plt.subplots(figsize=(7.5, 1.3 + 0.32 * len(position)), layout="constrained")
    y = np.arange(len(position))
    ax.hlines(y, position["min"], position["max"], color="#888888", lw=1, label="all specifications")
    ax.hlines(y, position["q25"], position["q75"], color="#1f77b4", lw=5,
              label="middle half of specifications")
    ax.scatter(position["headline"], y, marker="D", color="#d62728", zorder=3,
               label="METR's choices")
    ax.set_yticks(y)
    ax.set_yticklabels(position[label].tolist(), fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    lo = float(np.nanmin(position["min"])) if len(position) else 1.0
    hi = float(np.nanmax(position["max"])) if len(position) else 10.0
    if np.isfinite(lo) and np.isfinite(hi) and hi > lo > 0:
        ax.set_xlim(lo / 1.5, hi * 1.5)
    _duration_axis(ax, "x", unit)
    ax.set_xlabel(value_label)
    ax.set_ylabel(ylabel)
    ax.grid(axis="x", alpha=0.3)
    fig.legend(loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    return fig
