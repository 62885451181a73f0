"""Figures of the multiverse chapter (presentation layer).

Each function takes tables from :mod:`horizonlib.multiverse` and returns a
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
import numpy as np
import pandas as pd

from horizonlib.multiverse import DIMENSION_COLUMNS, DIMENSIONS, NO_FLAGS

DIMENSION_LABELS = {
    "weighting": "weighting", "regularization": "regularization", "success": "success rule",
    "subset": "task subset", "link": "link", "hack_policy": "reward hacks",
    "interactions": "interactions",
}
DIMENSION_COLORS = {
    "weighting": "#1f77b4", "regularization": "#ff7f0e", "success": "#2ca02c",
    "subset": "#d62728", "link": "#9467bd", "hack_policy": "#8c564b", "interactions": "#bbbbbb",
}
_LEVEL_LABELS = {"invsqrt_task_weight": "invsqrt family", "equal_task_weight": "equal per task",
                 "none": "per run", "delivered": "as delivered", "fractional": "fractional",
                 "no_rebench": "no RE-Bench", "hcast": "HCAST only", "all": "all tasks",
                 "baseline_times": "baselined times", NO_FLAGS: "as delivered"}


def _level_label(dim, level) -> str:
    if dim == "regularization":
        return f"λ = {float(level):g}"
    return _LEVEL_LABELS.get(level, str(level))


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


def plot_specification_curves(curves: dict[str, pd.DataFrame], value: str = "p50_min",
                              value_label: str = "50% horizon (minutes, log scale)"):
    """Specification curves: sorted estimates with the choices shown underneath.

    Parameters
    ----------
    curves : dict of str -> pandas.DataFrame
        Panel title -> :func:`horizonlib.multiverse.specification_curve` output (one model).
    value : str, optional
        Column plotted (minutes).
    value_label : str, optional
        y-axis label of the top panels.

    Returns
    -------
    matplotlib.figure.Figure
        Two rows of axes per model column: the sorted estimates (log y, METR's headline as a red
        diamond) and the dot matrix of choices (one row per level of each varying dimension).
    """
    if not curves:
        raise ValueError("no specification curves to plot")
    names = list(curves)
    rows = _choice_rows(pd.concat(list(curves.values()), ignore_index=True))
    fig, axes = plt.subplots(
        2, len(names), figsize=(5.2 * len(names), 3.0 + 0.2 * len(rows)), squeeze=False,
        sharex="col", layout="constrained",
        gridspec_kw={"height_ratios": [1.2, max(1.0, 0.12 * len(rows))]},
    )
    for j, name in enumerate(names):
        cur = curves[name]
        top, bottom = axes[0, j], axes[1, j]
        pos = cur["position"].to_numpy()
        val = cur[value].to_numpy(dtype=float)
        metr = cur["is_metr"].to_numpy(dtype=bool)
        top.scatter(pos, val, s=6, color="#444444", label="specification")
        top.scatter(pos[metr], val[metr], s=60, marker="D", color="#d62728", zorder=3,
                    label="METR's choices")
        top.set_yscale("log")
        top.set_title(name)
        top.set_ylabel(value_label)
        top.set_xlabel("specifications, sorted by estimate")
        top.xaxis.set_tick_params(labelbottom=True)
        top.grid(axis="y", alpha=0.3)
        if j == 0:
            top.legend(loc="upper left", fontsize=8)
        for r, (dim, level) in enumerate(rows):
            hit = np.array([_same(v, level) for v in cur[dim].to_numpy()])
            bottom.scatter(pos[hit], np.full(hit.sum(), r), s=4, marker="|",
                           color=DIMENSION_COLORS[dim])
            bottom.scatter(pos[hit & metr], np.full((hit & metr).sum(), r), s=30, marker="D",
                           color="#d62728", zorder=3)
        bottom.set_yticks(range(len(rows)))
        bottom.set_yticklabels([f"{DIMENSION_LABELS[d]}: {_level_label(d, lv)}" for d, lv in rows]
                               if j == 0 else [""] * len(rows), fontsize=7)
        bottom.set_ylim(len(rows) - 0.5, -0.5)
        bottom.set_xlabel("specification (same order as above)")
        bottom.set_ylabel("choice" if j == 0 else " ")
    return fig


def plot_variance_shares(shares: pd.DataFrame, label: str = "label"):
    """Stacked horizontal bars: share of the variance of log2(value) per dimension.

    Parameters
    ----------
    shares : pandas.DataFrame
        :func:`horizonlib.multiverse.variance_shares` output with an added ``label`` column
        naming each bar (model or trend).
    label : str, optional
        Column holding the bar labels.

    Returns
    -------
    matplotlib.figure.Figure
    """
    wide = shares.pivot_table(index=label, columns="dimension", values="share", sort=False,
                              aggfunc="first")
    dims = [d for d in DIMENSION_COLUMNS + ["interactions"] if d in wide.columns]
    # dimensions with a single level (e.g. no reward-hack flags) explain nothing: not drawn
    dims = [d for d in dims if not (d == "hack_policy" and wide[d].abs().max() == 0)]
    fig, ax = plt.subplots(figsize=(8.0, 0.9 + 0.32 * len(wide)), layout="constrained")
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
    ax.set_ylabel("model" if label == "label" else label)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.6 / max(len(wide), 1)),
              ncol=len(dims), fontsize=8, frameon=False)
    return fig


def plot_multiverse_ranges(position: pd.DataFrame, label: str = "label",
                           value_label: str = "50% horizon (minutes, log scale)"):
    """Range (line), interquartile range (thick bar) and METR's headline (diamond) per row.

    Parameters
    ----------
    position : pandas.DataFrame
        :func:`horizonlib.multiverse.headline_position` output with a ``label`` column.
    label : str, optional
        Column naming each row.
    value_label : str, optional
        x-axis label.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = plt.subplots(figsize=(7.5, 0.9 + 0.32 * len(position)), layout="constrained")
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
    ax.set_xlabel(value_label)
    ax.set_ylabel("model" if label == "label" else label)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    return fig
