"""Figures of the per-task breakdowns chapter (presentation layer).

Every function draws tables made by :mod:`horizonlib.breakdowns` and returns a
``matplotlib.figure.Figure`` with labelled axes and units; nothing here computes a statistic.
RE-Bench scores are METR's normalized continuous scores (dimensionless; 0 = starting solution,
1 = reference solution; values above 1 are possible); horizons are minutes on a log scale.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from horizonlib.figures import MINUTE_TICK_LABELS, MINUTE_TICKS, SOURCE_COLORS

SUBSET_MARKERS = ["o", "s", "^", "D", "v", "P"]
#: Left edge of horizon axes (minutes): 1 second.
MIN_AXIS_MINUTES = 1 / 60
#: Leave-one-out ratios are drawn within [1/RATIO_LIMIT, RATIO_LIMIT]; larger ones at the edge.
RATIO_LIMIT = 2.0


def short_task(task_id: str) -> str:
    """``ai_rd_triton_cumsum/main`` -> ``triton_cumsum`` (for axis labels)."""
    name = task_id.split("/")[0]
    return name[len("ai_rd_"):] if name.startswith("ai_rd_") else name


def plot_rebench_heatmap(scores: pd.DataFrame, highlight=()):
    """Heatmap of mean RE-Bench score per model (rows) and task (columns), one panel per task set.

    Parameters
    ----------
    scores : output of :func:`horizonlib.breakdowns.rebench_task_scores`.
    highlight : display names drawn in bold red on the model axis.
    """
    sets = sorted(scores["task_set"].unique())
    heights = [max(2.0, 0.32 * scores.loc[scores["task_set"] == s, "alias"].nunique() + 1.2) for s in sets]
    fig, axes = plt.subplots(len(sets), 1, figsize=(8.5, sum(heights)), squeeze=False,
                             gridspec_kw={"height_ratios": heights}, layout="constrained")
    vmax = max(1.0, float(np.nanmax(scores["mean_score"]))) if len(scores) else 1.0
    image = None
    for axis, task_set in zip(axes[:, 0], sets):
        sub = scores[scores["task_set"] == task_set]
        grid = sub.pivot_table(index="display_name", columns="task_id", values="mean_score")
        grid = grid.loc[grid.mean(axis=1).sort_values().index]
        image = axis.imshow(grid.to_numpy(), aspect="auto", cmap="viridis", vmin=0, vmax=vmax)
        for (i, j), v in np.ndenumerate(grid.to_numpy()):
            if np.isfinite(v):
                axis.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=6.5,
                          color="white" if v < 0.6 * vmax else "black")
        axis.set_xticks(range(grid.shape[1]), [short_task(t) for t in grid.columns], rotation=20,
                        ha="right", fontsize=7.5)
        axis.set_yticks(range(grid.shape[0]), grid.index, fontsize=7.5)
        for label in axis.get_yticklabels():
            if label.get_text() in set(highlight):
                label.set_color("#d62728")
                label.set_fontweight("bold")
        axis.set_title(task_set, fontsize="medium")
        axis.set_xlabel("RE-Bench task")
        axis.set_ylabel("model (sorted by mean)")
    if image is not None:
        fig.colorbar(image, ax=axes[:, 0].tolist(), label="mean normalized score", shrink=0.6)
    return fig


def plot_rebench_runs(runs: pd.DataFrame, models, scores: pd.DataFrame | None = None):
    """Strip plot of individual RE-Bench runs' scores per task for a few models, per task set.

    Parameters
    ----------
    runs : RE-Bench runs (tidy; ``task_set`` column added by the caller, or ``dataset`` used).
    models : display names to show (others are left out to keep the plot readable).
    scores : optional per-(model, task) means with CIs (:func:`rebench_task_scores`), drawn as
        black bars.
    """
    set_col = "task_set" if "task_set" in runs.columns else "dataset"
    runs = runs[runs["display_name"].isin(list(models))]
    sets = sorted(runs[set_col].unique())
    n = max(1, len(sets))
    fig, axes = plt.subplots(1, n, figsize=(6.2 * n, 3.8), squeeze=False, layout="constrained")
    rng = np.random.default_rng(0)  # jitter only: fixed so the figure is reproducible
    present = [m for m in models if m in set(runs["display_name"])]
    colors = {m: plt.get_cmap("tab10")(i % 10) for i, m in enumerate(present)}
    width = 0.8 / max(1, len(present))
    for axis, task_set in zip(axes[0], sets):
        sub = runs[runs[set_col] == task_set]
        tasks = sorted(sub["task_id"].unique())
        for k, model in enumerate(present):
            rows = sub[sub["display_name"] == model]
            if rows.empty:
                continue
            xpos = np.array([tasks.index(t) for t in rows["task_id"]], float)
            offset = -0.4 + width * (k + 0.5)
            axis.scatter(xpos + offset + rng.uniform(-0.3, 0.3, len(rows)) * width, rows["score"],
                         s=14, alpha=0.7, color=colors[model], label=model, edgecolors="none")
            if scores is not None:
                m = scores[(scores[set_col] == task_set) & (scores["display_name"] == model)]
                mx = np.array([tasks.index(t) for t in m["task_id"]], float) + offset
                axis.errorbar(mx, m["mean_score"], yerr=np.clip(np.vstack(
                    [m["mean_score"] - m["ci_low"], m["ci_high"] - m["mean_score"]]), 0, None),
                    fmt="_", color="black", ms=8, lw=1)
        axis.axhline(0.9, color="grey", ls=":", lw=1)
        axis.set_xticks(range(len(tasks)), [short_task(t) for t in tasks], rotation=20, ha="right",
                        fontsize=7.5)
        axis.set_title(task_set, fontsize="medium")
        axis.set_xlabel("RE-Bench task")
        axis.set_ylabel("normalized score of one run")
        axis.legend(fontsize="x-small", ncols=2)
    return fig


def plot_subset_fits(fits: pd.DataFrame, subsets=None):
    """Forest plot of the 50% horizon per model fitted on each task subset, one panel per dataset.

    Parameters
    ----------
    fits : output of :func:`horizonlib.breakdowns.subset_fits`.
    subsets : order of subsets to draw (default: as they appear).
    Unidentified or degenerate fits have no marker; the text "n/i" marks them.
    """
    subsets = list(dict.fromkeys(fits["subset"])) if subsets is None else list(subsets)
    datasets = sorted(fits["dataset"].unique())
    heights = [0.42 * fits.loc[fits["dataset"] == d, "alias"].nunique() + 1.3 for d in datasets]
    fig, axes = plt.subplots(len(datasets), 1, figsize=(8.5, sum(heights)), squeeze=False,
                             gridspec_kw={"height_ratios": heights}, layout="constrained")
    for axis, dataset in zip(axes[:, 0], datasets):
        sub = fits[fits["dataset"] == dataset]
        order = (sub[sub["subset"] == subsets[0]].sort_values("p50_fit_min")["display_name"].tolist())
        order += [m for m in sub["display_name"].unique() if m not in order]
        step = 0.7 / max(1, len(subsets))
        for k, name in enumerate(subsets):
            rows = sub[sub["subset"] == name].set_index("display_name").reindex(order)
            y = np.arange(len(order)) - 0.35 + step * (k + 0.5)
            ok = np.isfinite(rows["p50_min"].to_numpy(float))
            err = np.vstack([rows["p50_min"] - rows["ci_low_min"], rows["ci_high_min"] - rows["p50_min"]])
            axis.errorbar(rows["p50_min"][ok], y[ok], xerr=np.clip(err[:, ok], 0, None),
                          fmt=SUBSET_MARKERS[k % len(SUBSET_MARKERS)], ms=4, capsize=2, lw=1,
                          label=name)
            for yy, present in zip(y[~ok], rows["n_runs"].notna().to_numpy()[~ok]):
                if present:
                    axis.annotate("n/i", (0, yy), xycoords=("axes fraction", "data"), fontsize=6,
                                  xytext=(2, 0), textcoords="offset points", va="center",
                                  color="grey")
        # horizons far below a second (very weak models) would squash the axis: clip them at
        # the left edge and say so
        finite = sub["p50_min"].to_numpy(float)
        finite = finite[np.isfinite(finite)]
        if finite.size and finite.min() < MIN_AXIS_MINUTES:
            axis.annotate(f"< {MIN_AXIS_MINUTES * 60:.0f} s: off scale", (0.01, 0.01),
                          xycoords="axes fraction", fontsize=6, color="grey")
        axis.set_xscale("log")
        axis.set_xlim(left=MIN_AXIS_MINUTES)
        axis.xaxis.set_major_locator(mticker.FixedLocator(MINUTE_TICKS))
        axis.xaxis.set_major_formatter(mticker.FixedFormatter(MINUTE_TICK_LABELS))
        axis.xaxis.set_minor_locator(mticker.NullLocator())
        axis.set_yticks(range(len(order)), order, fontsize=7.5)
        axis.set_title(dataset, fontsize="medium")
        axis.set_xlabel("50% time horizon (human task length, log scale; bars: 95% CI)")
        axis.set_ylabel("model")
        axis.grid(True, axis="x", alpha=0.3)
        axis.legend(fontsize="x-small", loc="lower right")
    return fig


def plot_influence(influence: pd.DataFrame, movers: pd.DataFrame | None = None):
    """Leave-one-out ratios (refit p50 / full p50) per model, one panel per dataset and level.

    Parameters
    ----------
    influence : output of :func:`horizonlib.breakdowns.leave_one_out` (one or both levels).
    movers : optional rows (e.g. :func:`top_movers`) to label with the dropped unit's name.
    Grey dots: every dropped unit; red: RE-Bench tasks; labelled: ``movers``.
    """
    panels = sorted(influence[["dataset", "level"]].drop_duplicates().itertuples(index=False))
    n_models = influence.groupby("dataset")["alias"].nunique()
    heights = [0.4 * n_models[d] + 1.2 for d, _ in panels]
    fig, axes = plt.subplots(len(panels), 1, figsize=(8.5, sum(heights)), squeeze=False,
                             gridspec_kw={"height_ratios": heights}, layout="constrained")
    for axis, (dataset, level) in zip(axes[:, 0], panels):
        sub = influence[(influence["dataset"] == dataset) & (influence["level"] == level)]
        order = sub.groupby("display_name")["full_p50_min"].first().sort_values().index.tolist()
        ypos = {m: i for i, m in enumerate(order)}
        y = sub["display_name"].map(ypos).to_numpy(float)
        is_rb = (sub["task_source"] == "RE-Bench").to_numpy()
        ratio = sub["ratio_to_full"].to_numpy(float)
        shown = np.clip(ratio, 1 / RATIO_LIMIT, RATIO_LIMIT)
        off = np.isfinite(ratio) & (shown != ratio)
        axis.scatter(shown[~is_rb & ~off], y[~is_rb & ~off], s=9, color="#7f7f7f", alpha=0.5,
                     edgecolors="none", label=f"one {level} dropped")
        axis.scatter(shown[is_rb & ~off], y[is_rb & ~off], s=16, color=SOURCE_COLORS["RE-Bench"],
                     label="an RE-Bench task dropped" if level == "task" else "an RE-Bench family dropped")
        if off.any():
            axis.scatter(shown[off], y[off], s=22, marker="x", color="black",
                         label=f"off scale (ratio beyond {RATIO_LIMIT:g}x), drawn at the edge")
        if movers is not None:
            lab = movers[(movers["dataset"] == dataset) & (movers["level"] == level)]
            for r in lab.itertuples(index=False):
                if np.isfinite(r.ratio_to_full):
                    xr = float(np.clip(r.ratio_to_full, 1 / RATIO_LIMIT, RATIO_LIMIT))
                    axis.annotate(short_task(str(r.dropped)), (xr, ypos[r.display_name]),
                                  fontsize=6, xytext=(3, 4), textcoords="offset points")
        axis.axvline(1.0, color="black", lw=0.8)
        axis.set_xscale("log", base=2)
        axis.set_xlim(1 / RATIO_LIMIT / 1.15, RATIO_LIMIT * 1.15)
        axis.set_yticks(range(len(order)), order, fontsize=7.5)
        axis.set_title(f"{dataset}: drop one {level}", fontsize="medium")
        axis.set_xlabel("p50 without the dropped unit / p50 on all tasks (log2 scale)")
        axis.set_ylabel("model (by full p50)")
        axis.legend(fontsize="x-small", loc="lower right")
    return fig


def plot_calibration(by_bucket: pd.DataFrame, by_source: pd.DataFrame):
    """Observed against predicted success, per length bucket (left) and task source (right).

    Parameters
    ----------
    by_bucket, by_source : outputs of :func:`horizonlib.breakdowns.calibration`.
    Each point is one (model, group); marker area is proportional to the group's fit weight.
    """
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.6), layout="constrained")
    buckets = list(dict.fromkeys(by_bucket.sort_values("mid_minutes")["group"]))
    cmap = plt.get_cmap("viridis", max(2, len(buckets)))
    for i, b in enumerate(buckets):
        rows = by_bucket[by_bucket["group"] == b]
        axes[0].scatter(rows["predicted"], rows["observed"], s=300 * rows["weight"] + 6,
                        color=cmap(i), alpha=0.75, label=b, edgecolors="none")
    for source, rows in by_source.groupby("group", sort=True):
        axes[1].scatter(rows["predicted"], rows["observed"], s=300 * rows["weight"] + 6,
                        color=SOURCE_COLORS.get(source, "#7f7f7f"), alpha=0.75, label=source,
                        edgecolors="none")
    for axis, title in zip(axes, ["by human task length", "by task source"]):
        axis.plot([0, 1], [0, 1], color="black", lw=0.8, ls="--")
        axis.set_xlim(-0.03, 1.03)
        axis.set_ylim(-0.03, 1.03)
        axis.set_xlabel("predicted success probability (weighted mean of the fitted curve)")
        axis.set_ylabel("observed success rate (weighted)")
        axis.set_title(title)
        axis.legend(fontsize="x-small")
    return fig
