"""Figures for the reward-hacking, noise and trend chapters.

Presentation layer: every plotting function takes tables produced by :mod:`horizonlib.hacking`,
:mod:`horizonlib.noise` or :mod:`horizonlib.trend_tests` and returns a
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

    Parameters
    ----------
    curves : pandas.DataFrame
        ``curves`` of :func:`horizonlib.hacking.hacking_analysis`.
    comparisons : pandas.DataFrame
        ``comparisons`` of the same (RE-Bench means of the comparison models).
    model : str
        Display name (for labels).
    n_runs : int
        Runs of the model (to shade METR's reported 1-2% range).
    """
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    lo, hi = reported_share[0] * n_runs, reported_share[1] * n_runs
    for strategy, g in curves.groupby("strategy", sort=True):
        label = STRATEGY_LABELS.get(strategy, strategy)
        ax1.plot(g["k"], g["p50_min"], marker=".", label=label)
        ax2.plot(g["k"], g["rebench_mean"], marker=".", label=label)
    for ax in (ax1, ax2):
        ax.axvspan(lo, hi, color="0.85", zorder=0, label="1-2% of the runs (METR's report)")
        ax.set_xlabel(f"k: failed runs of {model} re-scored as successes")
    for _, r in comparisons.iterrows():
        if np.isfinite(r["rebench_mean"]):
            ax2.axhline(r["rebench_mean"], ls="--", lw=1, color="0.3")
            ax2.annotate(r["model"], (0, r["rebench_mean"]), fontsize="small",
                         xytext=(2, 2), textcoords="offset points")
    ax1.set_ylabel(f"50% time horizon of {model} (minutes)")
    ax2.set_ylabel(f"mean normalized RE-Bench score of {model}")
    ax1.legend(fontsize="small")
    return fig


def plot_pair_intervals(pairs: pd.DataFrame):
    """Paired-bootstrap intervals: horizon ratios (log scale) and RE-Bench mean differences.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Table of :func:`horizonlib.noise.compare_pairs`.
    """
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    ratio = pairs[pairs["metric"] == "p50_ratio"].reset_index(drop=True)
    labels = [f"{a} / {b} ({'published' if s == 'published' else 'runs'})"
              for a, b, s in zip(ratio["model_a"], ratio["model_b"], ratio["source"])]
    yy = np.arange(len(ratio))
    ax1.errorbar(ratio["estimate"], yy, xerr=[ratio["estimate"] - ratio["ci_low"],
                                             ratio["ci_high"] - ratio["estimate"]],
                 fmt="o", capsize=3)
    ax1.axvline(1.0, color="0.4", ls="--", lw=1)
    ax1.set_xscale("log")
    ax1.set_yticks(yy, labels)
    ax1.set_xlabel("ratio of 50% horizons (log scale; 1 = equal)")
    diff = pairs[pairs["metric"] != "p50_ratio"].reset_index(drop=True)
    labels = [f"{a} - {b}, {'no kernel task' if m.endswith('no_kernel') else 'all tasks'}"
              for a, b, m in zip(diff["model_a"], diff["model_b"], diff["metric"])]
    yy = np.arange(len(diff))
    ax2.errorbar(diff["estimate"], yy, xerr=[diff["estimate"] - diff["ci_low"],
                                            diff["ci_high"] - diff["estimate"]],
                 fmt="o", capsize=3, color="#d62728")
    ax2.axvline(0.0, color="0.4", ls="--", lw=1)
    ax2.set_yticks(yy, labels)
    ax2.yaxis.tick_right()
    ax2.set_xlabel("difference in mean normalized RE-Bench score")
    return fig


def plot_width_by_level(widths: pd.DataFrame):
    """CI width of each paired statistic under resampling of one level at a time.

    Parameters
    ----------
    widths : pandas.DataFrame
        Table of :func:`horizonlib.noise.ci_width_by_level`.
    """
    metrics = list(pd.unique(widths["metric"]))
    levels = ["family", "task", "run", "all"]
    fig, axes = plt.subplots(1, len(metrics), figsize=(3.6 * len(metrics), 3.4),
                             layout="constrained", squeeze=False)
    units = {"p50_ratio": "CI width of log2 horizon ratio (doublings)",
             "rebench_diff": "CI width of RE-Bench difference (score)",
             "rebench_diff_no_kernel": "CI width, no kernel task (score)"}
    for ax, metric in zip(axes[0], metrics):
        g = widths[widths["metric"] == metric].set_index("levels").reindex(levels)
        ax.bar(levels, g["width"], color=["#1f77b4", "#ff7f0e", "#2ca02c", "0.5"])
        ax.set_xlabel("levels resampled")
        ax.set_ylabel(units.get(metric, metric))
    return fig


def plot_trend_tests(point: pd.Series, dates: pd.Series, broken: dict, distance: pd.DataFrame,
                     frontier: list, target_minutes: float):
    """p50 against release date with the single and broken lines, and the target horizon.

    Parameters
    ----------
    point : pandas.Series
        p50 (minutes) by model.
    dates : pandas.Series
        Release date by model (same index).
    broken : dict
        ``broken`` of :func:`horizonlib.trend_tests.trend_tests`.
    distance : pandas.DataFrame
        ``distance`` of the same (models highlighted).
    frontier : list of str
        Models the lines were fitted to.
    target_minutes : float
        Horizon drawn as a dashed line (minutes).
    """
    fig, ax = plt.subplots(figsize=(8.5, 5), layout="constrained")
    d = pd.to_datetime(dates[point.index])
    on = point.index.isin(frontier)
    ax.scatter(d[~on], point[~on], color="0.6", s=18, label="other models")
    ax.scatter(d[on], point[on], color="#1f77b4", s=24, label="frontier models (fitted)")
    for m in distance["model"]:
        ax.scatter([d[m]], [point[m]], color="#d62728", s=40, zorder=3)
        ax.annotate(m, (d[m], point[m]), xytext=(4, -10), textcoords="offset points",
                    fontsize="small")
    epoch = pd.Timestamp("1970-01-01")
    x0 = (d[on].min() - epoch).days
    x1 = (pd.Timestamp("2031-01-01") - epoch).days
    xs = np.linspace(x0, x1, 300)
    xd = epoch + pd.to_timedelta(xs, unit="D")
    ax.plot(xd, np.exp(broken["single_a"] + broken["single_b"] * xs), color="#1f77b4",
            label="single line")
    ax.plot(xd, np.exp(broken["broken_a"] + broken["broken_b"] * xs
                       + broken["broken_c"] * np.maximum(0, xs - broken["tau"])),
            color="#ff7f0e", ls="-.", label=f"broken line (break {broken['tau_date']})")
    ax.axhline(target_minutes, color="0.3", ls="--", lw=1)
    ax.annotate("one work month (167 h)", (xd[0], target_minutes), xytext=(2, 3),
                textcoords="offset points", fontsize="small")
    ax.set_yscale("log")
    ax.set_ylim(top=target_minutes * 4)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_xlabel("release date")
    ax.set_ylabel("50% time horizon (minutes, log scale)")
    ax.legend(fontsize="small", loc="upper left")
    return fig


def empty_figure(message: str):
    """A small figure that only states ``message`` (a chapter's figure when data is missing)."""
    fig, ax = plt.subplots(figsize=(6, 1.5), layout="constrained")
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center")
    return fig
