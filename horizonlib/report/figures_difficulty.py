"""Figures of the chapter "What length alone misses" (chapters/difficulty.md).

Each function takes the tables of :mod:`horizonlib.analyses.task_difficulty`,
:mod:`horizonlib.analyses.length_error` or :mod:`horizonlib.analyses.messiness` and returns a
``matplotlib.figure.Figure``; one panel per dataset, at most a handful of labelled series per
panel (task sources, the three variants, or the focus and comparison models).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator
from scipy.stats import norm

from horizonlib.common.text import dataset_label
from horizonlib.report.figures import SOURCE_COLORS, _minutes_axis

#: Sparse length ticks (minutes), so labels never overprint at book width.
TICKS = [1 / 6, 1, 15, 240, 1920]
TICK_LABELS = ["10 s", "1 min", "15 min", "4 h", "32 h"]

VARIANT_STYLE = {"metr": ("METR (lengths as given)", "#1f77b4", "o"),
                 "length_error": ("with length error", "#ff7f0e", "s"),
                 "baselined_only": ("baselined tasks only", "#2ca02c", "^")}


def _panels(n, width=5.2, height=3.6):
    fig, axes = plt.subplots(1, max(n, 1), figsize=(width * max(n, 1), height),
                             squeeze=False, layout="constrained")
    return fig, list(axes[0])


def plot_task_difficulty(tasks: pd.DataFrame, confidence_level: float = 0.95, n_labels: int = 1):
    """Joint-fit difficulty beyond length of every task against its length, per dataset.

    Parameters
    ----------
    tasks : pandas.DataFrame
        ``task_difficulty(...)["tasks"]`` (one row per model and task; tasks are deduplicated).
    confidence_level : float
        Coverage of the error bars: posterior mean +- z sd, z the normal quantile.
    n_labels : int
        The hardest and easiest ``n_labels`` tasks of each panel are named (task ids; one each
        by default, so the names stay legible at book width).
    """
    z = norm.ppf(0.5 + confidence_level / 2)
    per_task = tasks.drop_duplicates(["dataset", "task_id"])
    datasets = sorted(per_task["dataset"].unique())
    fig, axes = _panels(len(datasets), height=4.0)
    for ax, dataset in zip(axes, datasets):
        d = per_task[per_task["dataset"] == dataset]
        for source, g in d.groupby("task_source", sort=True):
            ax.errorbar(g["human_minutes"], g["difficulty_joint"], yerr=z * g["difficulty_joint_sd"],
                        fmt="o", ms=3, lw=0.6, alpha=0.7, color=SOURCE_COLORS.get(source, "grey"),
                        label=source)
        ax.axhline(0.0, color="black", lw=0.8, ls="--")
        order = d.sort_values("difficulty_joint")
        named = pd.concat([order.head(n_labels), order.tail(n_labels)]).reset_index(drop=True)
        for _, row in named.iterrows():  # hard tasks labelled above, easy ones below their dot
            above = row["difficulty_joint"] > 0
            ax.annotate(row["task_id"], (row["human_minutes"], row["difficulty_joint"]),
                        fontsize=8, xytext=(0, 8 if above else -12), textcoords="offset points",
                        ha="center", bbox={"boxstyle": "round,pad=0.15", "fc": "white",
                                           "ec": "none", "alpha": 0.8})
        _minutes_axis(ax, TICKS, TICK_LABELS)
        ax.set_xlim(0.05, 4000)
        ax.set_title(dataset_label(dataset), fontsize=10)
        ax.set_xlabel("human time of the task")
        ax.set_ylabel("difficulty beyond length (log-odds)")
        ax.legend(fontsize=7, loc="lower left")
    return fig


#: Horizon axis range (minutes) of :func:`plot_horizon_intervals`.
HORIZON_XLIM = (0.05, 5000)


def horizons_left_out(length: pd.DataFrame, p: float = 0.5) -> pd.DataFrame:
    """Models :func:`plot_horizon_intervals` leaves out: METR's horizon missing or off the axis.

    Returns
    -------
    pandas.DataFrame
        dataset, display_name, horizon_min (minutes; NaN when the fit failed).
    """
    m = length[(length["variant"] == "metr") & np.isclose(length["p"], p)]
    h = m["horizon_min"]
    off = ~(np.isfinite(h) & (h >= HORIZON_XLIM[0]) & (h <= HORIZON_XLIM[1]))
    return m.loc[off, ["dataset", "display_name", "horizon_min"]].reset_index(drop=True)


def plot_horizon_intervals(mixed: pd.DataFrame, length: pd.DataFrame, p: float = 0.5):
    """Per model: METR's horizon and interval, with length error, baselined only, mixed model.

    Parameters
    ----------
    mixed : pandas.DataFrame
        ``compare_horizons(...)`` output.
    length : pandas.DataFrame
        ``length_error_table(...)`` output.
    p : float
        Success probability of the horizons shown.
    """
    m = mixed[np.isclose(mixed["p"], p)].assign(variant="mixed")
    rows = pd.concat([length[np.isclose(length["p"], p)], m], ignore_index=True)
    style = dict(VARIANT_STYLE, mixed=("mixed model, typical task", "#9467bd", "D"))
    datasets = sorted(rows["dataset"].unique())
    fig, axes = _panels(len(datasets), height=4.2)
    left = horizons_left_out(length, p)
    for ax, dataset in zip(axes, datasets):
        d = rows[(rows["dataset"] == dataset) & np.isfinite(rows["horizon_min"])
                 & ~rows["display_name"].isin(left.loc[left["dataset"] == dataset, "display_name"])]
        order = (d[d["variant"] == "metr"].sort_values("horizon_min")["display_name"].tolist())
        ypos = {name: i for i, name in enumerate(order)}
        for k, (variant, (label, color, marker)) in enumerate(style.items()):
            g = d[(d["variant"] == variant) & d["display_name"].isin(ypos)]
            y = g["display_name"].map(ypos).to_numpy(float) + (k - 1.5) * 0.18
            lo = (g["horizon_min"] - g["ci_low_min"]).clip(lower=0).fillna(0)
            hi = (g["ci_high_min"] - g["horizon_min"]).clip(lower=0).fillna(0)
            ax.errorbar(g["horizon_min"], y, xerr=[lo, hi], fmt=marker, ms=4, lw=0.9,
                        color=color, label=label)
        ax.set_yticks(range(len(order)), order, fontsize=7)
        _minutes_axis(ax, TICKS, TICK_LABELS)
        ax.set_xlim(*HORIZON_XLIM)
        ax.set_title(dataset_label(dataset), fontsize=10)
        ax.set_xlabel(f"{100 * p:.0f}% time horizon (human working time)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=8, loc="outside lower center", ncols=len(labels))
    return fig


def plot_lead_concentration(tasks: pd.DataFrame, models: list[str], max_k: int = 20):
    """Cumulative share of each model's excess log-likelihood from its top k tasks.

    Parameters
    ----------
    tasks : pandas.DataFrame
        ``task_difficulty(...)["tasks"]``.
    models : list of str
        Display names drawn (the focus and comparison models); at most ~10 per panel.
    max_k : int
        Largest number of tasks on the x axis.
    """
    sel = tasks[tasks["display_name"].isin(models) & tasks["beats_curve"]]
    datasets = sorted(sel["dataset"].unique()) or ["(none)"]
    fig, axes = _panels(len(datasets), height=3.4)
    for ax, dataset in zip(axes, datasets):
        for name, g in sel[sel["dataset"] == dataset].groupby("display_name", sort=True):
            gains = np.sort(g["excess_loglik"].to_numpy(float))[::-1]
            if gains.sum() <= 0:
                continue
            share = np.cumsum(gains)[:max_k] / gains.sum()
            ax.plot(np.arange(1, share.size + 1), share, marker=".", label=name)
        ax.axhline(0.5, color="grey", lw=0.6, ls=":")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # k counts tasks
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("top k tasks (by excess log-likelihood)")
        ax.set_ylabel("share of its excess beyond its curve")
        ax.set_title(dataset_label(dataset), fontsize=10)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, loc="lower right")
    return fig


def plot_messiness(joined: pd.DataFrame, slopes: pd.DataFrame):
    """Left panels: task mean success beyond length vs messiness; right: each model's slope.

    Parameters
    ----------
    joined : pandas.DataFrame
        ``messiness_analysis(...)["joined"]``.
    slopes : pandas.DataFrame
        ``messiness_analysis(...)["slopes"]``.
    """
    datasets = sorted(joined["dataset"].unique())
    if not datasets:  # an edition without labels: say so in the figure the prose refers to
        fig, ax = plt.subplots(figsize=(6.0, 1.6), layout="constrained")
        ax.text(0.5, 0.5, "No messiness labels in this edition", ha="center", va="center")
        ax.set_axis_off()
        return fig
    fig, axes = plt.subplots(len(datasets), 2, figsize=(10.4, 3.4 * len(datasets)),
                             squeeze=False, layout="constrained")
    for (ax_l, ax_r), dataset in zip(axes, datasets):
        d = joined[joined["dataset"] == dataset]
        mean = d.groupby("task_id").agg(messiness=("messiness", "first"),
                                        beyond=("beyond_length", "mean"))
        ax_l.scatter(mean["messiness"], mean["beyond"], s=10, alpha=0.7, color="#1f77b4")
        ax_l.axhline(0.0, color="black", lw=0.8, ls="--")
        ax_l.set_xlabel("messiness score (0-16)")
        ax_l.set_ylabel("mean success beyond length\nover models (log-odds)")
        ax_l.set_title(f"{dataset_label(dataset)}: tasks", fontsize=10)
        s = slopes[slopes["dataset"] == dataset].sort_values("slope").reset_index(drop=True)
        colors = np.where(s["is_focus"], "#d62728", "#1f77b4")
        ax_r.errorbar(s["slope"], np.arange(len(s)), fmt="none",
                      xerr=[(s["slope"] - s["ci_low"]).clip(lower=0).fillna(0),
                            (s["ci_high"] - s["slope"]).clip(lower=0).fillna(0)],
                      ecolor="grey", lw=0.9)
        ax_r.scatter(s["slope"], np.arange(len(s)), c=colors, s=18, zorder=3)
        ax_r.axvline(0.0, color="black", lw=0.8, ls="--")
        ax_r.set_yticks(range(len(s)), s["display_name"], fontsize=7)
        ax_r.set_xlabel("slope (log-odds per messiness point)")
        ax_r.set_title(f"{dataset_label(dataset)}: models (red = focus)", fontsize=10)
    return fig
