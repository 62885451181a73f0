"""Figures for the reward-hacking, noise and trend chapters.

Presentation layer: every plotting function takes tables produced by :mod:`horizonlib.analyses.hacking`,
:mod:`horizonlib.analyses.noise` or :mod:`horizonlib.analyses.trend_checks` and returns a
``matplotlib.figure.Figure`` with labelled axes and units; it computes nothing of its own.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

STRATEGY_LABELS = {"hacking_tasks": "failures on the tasks with reported hacking",
                   "highest_scoring": "highest-scoring failures (any task)"}


def plot_tipping_point(curves: pd.DataFrame, comparisons: pd.DataFrame, model: str,
                       n_runs: int, reported_share=(0.01, 0.02)):
    """Horizon and RE-Bench mean of ``model`` against the number ``k`` of re-scored failures.

    The hacking-task pool (usually a few points) is drawn last, with large open markers, so it
    stays visible where it coincides with the highest-scoring pool.

    Parameters
    ----------
    curves : pandas.DataFrame
        ``curves`` of :func:`horizonlib.analyses.hacking.tipping.hacking_analysis`.
    comparisons : pandas.DataFrame
        ``comparisons`` of the same (RE-Bench means of the comparison models).
    model : str
        Display name (for labels).
    n_runs : int
        Runs of the model (to shade METR's reported 1-2% range).
    """
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    lo, hi = reported_share[0] * n_runs, reported_share[1] * n_runs
    style = {"highest_scoring": dict(color="#ff7f0e", marker=".", ms=5, lw=1.5, zorder=2),
             "hacking_tasks": dict(color="#1f77b4", marker="o", ms=8, mfc="none", mew=1.8,
                                   lw=2, zorder=4)}
    order = [s for s in ("highest_scoring", "hacking_tasks") if s in set(curves["strategy"])]
    order += [s for s in pd.unique(curves["strategy"]) if s not in order]
    for strategy in order:
        g = curves[curves["strategy"] == strategy]
        label = STRATEGY_LABELS.get(strategy, strategy)
        kw = style.get(strategy, dict(marker="."))
        ax1.plot(g["k"], g["p50_min"], label=label, **kw)
        ax2.plot(g["k"], g["rebench_mean"], label=label, **kw)
    for ax in (ax1, ax2):
        ax.axvspan(lo, hi, color="0.88", zorder=0, label="1–2% of the runs (METR's report)")
        ax.set_xlabel(f"k: failed runs of {model} re-scored as successes")
    for _, r in comparisons.iterrows():
        if np.isfinite(r["rebench_mean"]):
            ax2.axhline(r["rebench_mean"], ls="--", lw=1, color="0.3")
            ax2.annotate(r["model"], (1, r["rebench_mean"]), xycoords=("axes fraction", "data"),
                         ha="right", fontsize="small", xytext=(-2, 2),
                         textcoords="offset points")
    ax1.set_ylabel(f"50% time horizon of {model} (min)")
    ax2.set_ylabel(f"mean normalized RE-Bench score of {model}")
    ax1.set_title("50% time horizon", fontsize="medium")
    ax2.set_title("RE-Bench mean (dashed: comparison models)", fontsize="medium")
    handles, labels = ax1.get_legend_handles_labels()
    order_idx = sorted(range(len(labels)), key=lambda i: (labels[i] != STRATEGY_LABELS.get(
        "hacking_tasks"), i))
    ax1.legend([handles[i] for i in order_idx], [labels[i] for i in order_idx],
               fontsize="small", loc="upper left")
    return fig


def tipping_figure(analysis: dict):
    """The chapter's tipping-point figure, or a note when the model has no runs.

    Parameters
    ----------
    analysis : dict
        :func:`horizonlib.analyses.hacking.tipping.hacking_analysis` output.
    """
    if not analysis.get("found"):
        return empty_figure(f"{analysis.get('model', 'the model')} has no runs in the "
                            "configured run files")
    return plot_tipping_point(analysis["curves"], analysis["comparisons"], analysis["model"],
                              analysis["n_runs"])


def _ratio_ticks(ax, low: float, high: float) -> None:
    """Log axis with ticks at powers of two (0.25, 0.5, 1, 2, 4, 8, ...) covering [low, high]."""
    lo = 2.0 ** np.floor(np.log2(max(low, 1e-3)))
    hi = 2.0 ** np.ceil(np.log2(max(high, lo * 2)))
    ticks = 2.0 ** np.arange(np.log2(lo), np.log2(hi) + 0.5)
    ax.set_xlim(lo / 1.15, hi * 1.15)
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_locator(plt.NullLocator())


SOURCE_STYLES = {"runs": dict(color="#1f77b4", marker="o", label="run data"),
                 "published": dict(color="#9467bd", marker="s",
                                   label="METR's published bootstrap")}


def plot_pair_intervals(pairs: pd.DataFrame):
    """Paired-bootstrap intervals: horizon ratios (log scale) and RE-Bench mean differences.

    Two stacked panels. Top: one row per pair, the run-data interval and the interval from
    METR's published bootstrap side by side (different colour and marker). Bottom: RE-Bench
    mean differences with and without the kernel task (run data only).

    Parameters
    ----------
    pairs : pandas.DataFrame
        Table of :func:`horizonlib.analyses.noise.pairs.compare_pairs`.
    """
    ratio = pairs[pairs["metric"] == "p50_ratio"].reset_index(drop=True)
    diff = pairs[pairs["metric"] != "p50_ratio"].reset_index(drop=True)
    names = list(dict.fromkeys(zip(ratio["model_a"], ratio["model_b"])))
    dnames = list(dict.fromkeys(zip(diff["model_a"], diff["model_b"])))
    fig, (ax1, ax2) = plt.subplots(
        2, 1, figsize=(9.5, 1.6 + 0.55 * (len(names) + max(len(dnames), 1))),
        layout="constrained", height_ratios=[max(len(names), 1), max(len(dnames), 1)])
    kinds = np.where(ratio["source"].astype(str).str.startswith("runs:"), "runs", "published")
    seen = set()
    for kind, offset in (("runs", -0.12), ("published", 0.12)):
        sub = ratio[kinds == kind]
        if sub.empty:
            continue
        yy = np.array([names.index(p) for p in zip(sub["model_a"], sub["model_b"])]) + offset
        st = SOURCE_STYLES[kind]
        ax1.errorbar(sub["estimate"], yy, xerr=[sub["estimate"] - sub["ci_low"],
                                               sub["ci_high"] - sub["estimate"]],
                     fmt=st["marker"], color=st["color"], capsize=3,
                     label=st["label"] if kind not in seen else None)
        seen.add(kind)
    ax1.axvline(1.0, color="0.4", ls="--", lw=1)
    ax1.set_xscale("log")
    if len(ratio):
        _ratio_ticks(ax1, float(np.nanmin(ratio["ci_low"])), float(np.nanmax(ratio["ci_high"])))
    ax1.set_yticks(range(len(names)), [f"{a} / {b}" for a, b in names])
    ax1.set_ylim(len(names) - 0.5, -0.5)
    ax1.set_xlabel("ratio of 50% horizons, first / second model (log scale; 1 = equal)")
    ax1.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax1.set_title("Horizon ratio", fontsize="medium", loc="left")
    if len(diff):
        no_kernel = diff["metric"].str.endswith("no_kernel").to_numpy()
        for mask, offset, color, marker, label in (
                (~no_kernel, -0.12, "#d62728", "o", "all RE-Bench tasks"),
                (no_kernel, 0.12, "#ff7f0e", "D", "without the kernel task")):
            sub = diff[mask]
            if sub.empty:
                continue
            yy = np.array([dnames.index(p) for p in zip(sub["model_a"], sub["model_b"])]) + offset
            ax2.errorbar(sub["estimate"], yy, xerr=[sub["estimate"] - sub["ci_low"],
                                                   sub["ci_high"] - sub["estimate"]],
                         fmt=marker, color=color, capsize=3, label=label)
        ax2.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    else:
        ax2.text(0.5, 0.5, "no pair with RE-Bench runs of both models", ha="center",
                 va="center", transform=ax2.transAxes)
    ax2.axvline(0.0, color="0.4", ls="--", lw=1)
    ax2.set_yticks(range(len(dnames)), [f"{a} − {b}" for a, b in dnames])
    ax2.set_ylim(max(len(dnames), 1) - 0.5, -0.5)
    ax2.set_xlabel("difference in mean normalized RE-Bench score, first − second model")
    ax2.set_title("RE-Bench mean difference (run data)", fontsize="medium", loc="left")
    return fig


def plot_width_by_level(widths: pd.DataFrame, pair: tuple[str, str] | None = None):
    """CI width of each paired statistic under resampling of one level at a time.

    Bars of zero width (a level that cannot vary, e.g. tasks within RE-Bench families of one
    task) are labelled "0" so that they do not look like missing data.

    Parameters
    ----------
    widths : pandas.DataFrame
        Table of :func:`horizonlib.analyses.noise.levels.ci_width_by_level`.
    pair : tuple of str, optional
        ``(model_a, model_b)``, named in the figure title.
    """
    metrics = list(pd.unique(widths["metric"]))
    levels = ["family", "task", "run", "all"]
    names = ["families\nonly", "tasks\nonly", "runs\nonly", "all three"]
    fig, axes = plt.subplots(1, len(metrics), figsize=(3.6 * len(metrics), 3.6),
                             layout="constrained", squeeze=False)
    titles = {"p50_ratio": "50% horizon ratio",
              "rebench_diff": "RE-Bench difference,\nall tasks",
              "rebench_diff_no_kernel": "RE-Bench difference,\nwithout the kernel task"}
    units = {"p50_ratio": "CI width of log2 ratio (doublings)",
             "rebench_diff": "CI width (normalized score)",
             "rebench_diff_no_kernel": "CI width (normalized score)"}
    for ax, metric in zip(axes[0], metrics):
        g = widths[widths["metric"] == metric].set_index("levels").reindex(levels)
        values = g["width"].to_numpy(dtype=float)
        ax.bar(names, np.nan_to_num(values), color=["#1f77b4", "#ff7f0e", "#2ca02c", "0.5"])
        top = np.nanmax(values) if np.isfinite(values).any() else 1.0
        for x, v in enumerate(values):
            text = "n/a" if not np.isfinite(v) else ("0" if v <= 1e-12 else f"{v:.2g}")
            ax.annotate(text, (x, 0 if not np.isfinite(v) else v), ha="center", va="bottom",
                        xytext=(0, 2), textcoords="offset points", fontsize="small")
        ax.set_ylim(0, top * 1.15 if top > 0 else 1.0)
        ax.set_title(titles.get(metric, metric), fontsize="medium")
        ax.set_xlabel("levels resampled")
        ax.set_ylabel(units.get(metric, metric))
    if pair is not None:
        fig.suptitle(f"{pair[0]} vs {pair[1]}: interval width by resampled level",
                     fontsize="medium")
    return fig


def pair_figures(table: pd.DataFrame, widths: pd.DataFrame | None, pair):
    """The noise chapter's two figures (intervals by pair; CI width by level), with notes in
    place of a figure when there is nothing to draw."""
    first = (plot_pair_intervals(table) if len(table)
             else empty_figure("no pair could be compared"))
    second = (plot_width_by_level(widths, pair) if widths is not None
              else empty_figure("no pair with common run data"))
    return first, second


def plot_trend_checks(point: pd.Series, dates: pd.Series, broken: dict, distance: pd.DataFrame,
                     frontier: list, target_minutes: float,
                     intervals: pd.DataFrame | None = None, excl_line: dict | None = None):
    """p50 against release date with the single and broken lines, the line without the models
    of interest (dashed), and the target horizon (dotted).

    Parameters
    ----------
    point : pandas.Series
        p50 (minutes) by model.
    dates : pandas.Series
        Release date by model (same index).
    broken : dict
        ``broken`` of :func:`horizonlib.analyses.trend_checks.checks.check_trend`.
    distance : pandas.DataFrame
        ``distance`` of the same (models highlighted in red, labelled).
    frontier : list of str
        Models the lines were fitted to.
    target_minutes : float
        Horizon drawn as a dashed line (minutes).
    intervals : pandas.DataFrame, optional
        ``low``, ``high`` (minutes) by model
        (:func:`horizonlib.analyses.trend_checks.samples.point_intervals`),
        drawn as error bars.
    excl_line : dict, optional
        ``excl_line`` of :func:`horizonlib.analyses.trend_checks.checks.check_trend` (``a``, ``b``:
        ln minutes
        and slope per day since 1970-01-01): the long-run line without the models of interest,
        against which their distance is measured; drawn dashed when given.
    """
    fig, ax = plt.subplots(figsize=(8.5, 5.2), layout="constrained")
    d = pd.to_datetime(dates[point.index])
    on = point.index.isin(frontier)
    focus = list(distance["model"])
    is_focus = point.index.isin(focus)

    def draw(mask, **kw):
        if not mask.any():
            return
        yerr = None
        if intervals is not None:
            iv = intervals.reindex(point.index[mask])
            yerr = np.vstack([np.clip(point[mask] - iv["low"].fillna(point[mask]), 0, None),
                              np.clip(iv["high"].fillna(point[mask]) - point[mask], 0, None)])
        ax.errorbar(d[mask], point[mask], yerr=yerr, fmt="o", capsize=2, elinewidth=0.8, **kw)

    draw(~on & ~is_focus, color="0.6", ms=4, label="other models")
    draw(on & ~is_focus, color="#1f77b4", ms=5, label="frontier models (lines fitted to them)")
    draw(is_focus, color="#d62728", ms=6, zorder=4,
         label="models of interest (" + ", ".join(point.index[is_focus]) + ")")
    ordered = sorted(focus, key=lambda m: -point[m])
    for i, m in enumerate(ordered):
        left = i % 2 == 0
        ax.annotate(m, (d[m], point[m]), xytext=(-7 if left else 7, 4 if left else -12),
                    textcoords="offset points", ha="right" if left else "left",
                    fontsize="small", color="#d62728")
    epoch = pd.Timestamp("1970-01-01")
    x0 = (d[on].min() - epoch).days
    x1 = (pd.Timestamp("2031-01-01") - epoch).days
    xs = np.linspace(x0, x1, 300)
    xd = epoch + pd.to_timedelta(xs, unit="D")
    tau = pd.Timestamp(broken["tau_date"]) if broken.get("tau_date", "n/a") != "n/a" else None
    ax.plot(xd, np.exp(broken["single_a"] + broken["single_b"] * xs), color="#1f77b4",
            label="single exponential line")
    ax.plot(xd, np.exp(broken["broken_a"] + broken["broken_b"] * xs
                       + broken["broken_c"] * np.maximum(0, xs - broken["tau"])),
            color="#ff7f0e", ls="-.",
            label="line with one break" + (f" ({tau.strftime('%B %Y')})" if tau else ""))
    if excl_line is not None:
        ax.plot(xd, np.exp(excl_line["a"] + excl_line["b"] * xs), color="#2ca02c", ls="--",
                lw=1.2, label="single line without the models of interest")
    ax.axhline(target_minutes, color="0.3", ls=":", lw=1.2)
    ax.annotate("one work month (167 h)", (1, target_minutes), xycoords=("axes fraction", "data"),
                ha="right", va="bottom", xytext=(-4, 3), textcoords="offset points",
                fontsize="small")
    ax.set_yscale("log")
    ax.set_ylim(top=target_minutes * 4)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_xlabel("release date")
    ax.set_ylabel("50% time horizon (min, log scale)")
    ax.legend(fontsize="small", loc="lower right")
    return fig


def empty_figure(message: str):
    """A small figure that only states ``message`` (a chapter's figure when data is missing)."""
    fig, ax = plt.subplots(figsize=(6, 1.5), layout="constrained")
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center")
    return fig
