"""Figures of the per-task breakdowns chapter (presentation layer).

Every function draws tables made by :mod:`horizonlib.analyses.breakdowns` and returns a
``matplotlib.figure.Figure`` with labelled axes and units; nothing here computes a statistic.
RE-Bench scores are METR's normalized continuous scores (dimensionless; 0 = starting solution,
1 = reference solution; values above 1 are possible); horizons are minutes on a log scale.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
from matplotlib.lines import Line2D
import numpy as np
import pandas as pd

from horizonlib.report.figures import MINUTE_TICK_LABELS, MINUTE_TICKS, SOURCE_COLORS
from horizonlib.common.text import ratio_text

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
    scores : output of :func:`horizonlib.analyses.breakdowns.rebench.rebench_task_scores`.
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
    # one legend above the panels, outside the axes, so it never covers runs or interval bars
    handles = {}
    for axis in axes[0]:
        for h, lab in zip(*axis.get_legend_handles_labels()):
            handles.setdefault(lab, h)
    if handles:
        entries = list(handles.items())
        if scores is not None:
            entries.append(("mean with 95% CI", Line2D([], [], color="black", marker="_", ms=8,
                                                       lw=1)))
        fig.legend([h for _, h in entries], [lab for lab, _ in entries],
                   loc="outside upper center", ncols=min(len(entries), 4), fontsize="small",
                   frameon=False, markerscale=1.5)
    return fig


#: Tick positions (minutes) and labels of horizon axes: at least a factor of four apart, so
#: the labels never collide.
HORIZON_TICKS = [1 / 60, 10 / 60, 1, 4, 15, 60, 240, 960, 3840]
HORIZON_TICK_LABELS = ["1 s", "10 s", "1 min", "4 min", "15 min", "1 h", "4 h", "16 h", "64 h"]


def plot_subset_fits(fits: pd.DataFrame, subsets=None):
    """Forest plot of the 50% horizon per model fitted on each task subset, one panel per dataset.

    Parameters
    ----------
    fits : output of :func:`horizonlib.analyses.breakdowns.subsets.subset_fits`.
    subsets : order of subsets to draw (default: as they appear).

    A subset with no identified fit for any model of a panel is not drawn; a note in the panel
    names it. A model's unidentified or degenerate fit of a drawn subset is an open marker at the
    left edge. One legend, under the panels, names the subsets.
    """
    subsets = list(dict.fromkeys(fits["subset"])) if subsets is None else list(subsets)
    markers = {name: SUBSET_MARKERS[k % len(SUBSET_MARKERS)] for k, name in enumerate(subsets)}
    colors = {name: plt.get_cmap("tab10")(k % 10) for k, name in enumerate(subsets)}
    datasets = sorted(fits["dataset"].unique())
    heights = [0.42 * fits.loc[fits["dataset"] == d, "alias"].nunique() + 1.0 for d in datasets]
    fig, axes = plt.subplots(len(datasets), 1, figsize=(8.5, sum(heights) + 0.9), squeeze=False,
                             gridspec_kw={"height_ratios": heights}, layout="constrained")
    finite_all = fits["p50_min"].to_numpy(float)
    finite_all = finite_all[np.isfinite(finite_all)]
    right = max(60.0, float(np.nanmax(fits["ci_high_min"])) * 1.5) if finite_all.size else 960.0
    right = min(right, HORIZON_TICKS[-1] * 1.2)
    handles = {}
    for axis, dataset in zip(axes[:, 0], datasets):
        sub = fits[fits["dataset"] == dataset]
        order = (sub[sub["subset"] == subsets[0]].sort_values("p50_fit_min")["display_name"].tolist())
        order += [m for m in sub["display_name"].unique() if m not in order]
        drawn = [n for n in subsets if np.isfinite(sub.loc[sub["subset"] == n, "p50_min"]).any()]
        hidden = [n for n in subsets if n not in drawn and (sub["subset"] == n).any()]
        step = 0.7 / max(1, len(drawn))
        for k, name in enumerate(drawn):
            rows = sub[sub["subset"] == name].set_index("display_name").reindex(order)
            y = np.arange(len(order)) - 0.35 + step * (k + 0.5)
            est = rows["p50_min"].to_numpy(float)
            ok = np.isfinite(est)
            err = np.vstack([est - rows["ci_low_min"].to_numpy(float),
                             rows["ci_high_min"].to_numpy(float) - est])
            shown = np.clip(est[ok], MIN_AXIS_MINUTES * 1.05, None)
            handles[name] = axis.errorbar(shown, y[ok], xerr=np.clip(err[:, ok], 0, None),
                                          fmt=markers[name], color=colors[name], ms=4.5,
                                          capsize=2, lw=1, label=name)
            missing = ~ok & rows["n_runs"].notna().to_numpy()
            if missing.any():
                handles["no identified fit (open marker at the left edge)"] = axis.scatter(
                    np.full(missing.sum(), MIN_AXIS_MINUTES * 1.3), y[missing],
                    marker=markers[name], s=26, facecolors="none", edgecolors=colors[name],
                    label="no identified fit (open marker at the left edge)")
        notes = []
        if hidden:
            notes.append(f"{', '.join(hidden)}: not identified for any model")
        finite = sub["p50_min"].to_numpy(float)
        finite = finite[np.isfinite(finite)]
        if finite.size and finite.min() < MIN_AXIS_MINUTES:
            notes.append(f"horizons < {MIN_AXIS_MINUTES * 60:.0f} s drawn at the edge")
        axis.set_xscale("log")
        axis.set_xlim(MIN_AXIS_MINUTES, right)
        axis.xaxis.set_major_locator(mticker.FixedLocator(HORIZON_TICKS))
        axis.xaxis.set_major_formatter(mticker.FixedFormatter(HORIZON_TICK_LABELS))
        axis.xaxis.set_minor_locator(mticker.NullLocator())
        axis.set_yticks(range(len(order)), order, fontsize=8)
        axis.set_ylim(len(order) - 0.5, -0.5)
        axis.set_title(dataset + (f" ({'; '.join(notes)})" if notes else ""), fontsize="medium")
        axis.set_xlabel("50% time horizon (human task length, log scale; bars: 95% CI)")
        axis.set_ylabel("model")
        axis.grid(True, axis="x", alpha=0.3)
    if handles:
        fig.legend(list(handles.values()), list(handles), loc="outside lower center",
                   ncols=min(3, len(handles)), fontsize="small", frameon=False)
    return fig


#: Candidate ticks of ratio axes (the ones inside a panel's range are drawn).
RATIO_TICKS = [0.5, 0.67, 0.8, 0.9, 0.95, 1.0, 1.05, 1.1, 1.25, 1.5, 2.0]


def ratio_ticks(span: float, n: int = 7) -> list[float]:
    """Ticks from :data:`RATIO_TICKS` for an axis ``[2**-span, 2**span]``, at most about ``n``.

    Ticks are kept outward from 1 when at least ``2 span / n`` doublings from the last kept one,
    so labels never collide.
    """
    gap = 2 * span / n
    keep = [1.0]
    for side in (sorted(t for t in RATIO_TICKS if t > 1), sorted((t for t in RATIO_TICKS if t < 1),
                                                                  reverse=True)):
        last = 0.0
        for t in side:
            lt = abs(np.log2(t))
            if lt <= span * 1.02 and lt - last >= gap:
                keep.append(t)
                last = lt
    return sorted(keep)


def _ratio_label(value: float, _pos=None) -> str:
    return f"×{value:.2f}" if value >= 0.01 else f"×{value:.0e}"


def plot_influence(influence: pd.DataFrame, movers: pd.DataFrame | None = None):
    """Leave-one-out ratios (refit p50 / full p50) per model, one panel per dataset and level.

    Parameters
    ----------
    influence : output of :func:`horizonlib.analyses.breakdowns.influence.leave_one_out` (one or
    both levels).
    movers : optional rows (e.g. :func:`top_movers`) whose dropped unit is named in the right
        margin of its model's row.

    Each panel's ratio axis spans its own data (symmetric on the log scale, at most
    ``RATIO_LIMIT``-fold; larger ratios are crosses at the edge). Grey dots: every dropped unit;
    red: RE-Bench tasks. One legend under the panels.
    """
    panels = sorted(influence[["dataset", "level"]].drop_duplicates().itertuples(index=False))
    n_models = influence.groupby("dataset")["alias"].nunique()
    heights = [0.36 * n_models[d] + 0.9 for d, _ in panels]
    fig, axes = plt.subplots(len(panels), 1, figsize=(8.5, sum(heights) + 0.8), squeeze=False,
                             gridspec_kw={"height_ratios": heights}, layout="constrained")
    handles = {}
    for axis, (dataset, level) in zip(axes[:, 0], panels):
        sub = influence[(influence["dataset"] == dataset) & (influence["level"] == level)]
        order = sub.groupby("display_name")["full_p50_min"].first().sort_values().index.tolist()
        ypos = {m: i for i, m in enumerate(order)}
        y = sub["display_name"].map(ypos).to_numpy(float)
        is_rb = (sub["task_source"] == "RE-Bench").to_numpy()
        ratio = sub["ratio_to_full"].to_numpy(float)
        # the range follows models with a real horizon (at least a second); degenerate fits
        # (horizons of microseconds) move by orders of magnitude and are drawn at the edge
        real = np.isfinite(ratio) & (ratio > 0) & (sub["full_p50_min"].to_numpy(float) >= 1 / 60)
        logs = np.abs(np.log2(ratio[real]))
        span = float(np.clip(1.15 * logs.max(), np.log2(1.1), np.log2(RATIO_LIMIT))) \
            if logs.size else np.log2(RATIO_LIMIT)
        limit = 2.0 ** span
        shown = np.clip(ratio, 1 / limit, limit)
        off = np.isfinite(ratio) & (shown != ratio)
        handles["one task or family dropped"] = axis.scatter(
            shown[~is_rb & ~off], y[~is_rb & ~off], s=10, color="#7f7f7f", alpha=0.5,
            edgecolors="none", label="one task or family dropped")
        if (is_rb & ~off).any():
            handles["an RE-Bench task or family dropped"] = axis.scatter(
                shown[is_rb & ~off], y[is_rb & ~off], s=18, color=SOURCE_COLORS["RE-Bench"],
                label="an RE-Bench task or family dropped")
        if off.any():
            handles["beyond the axis (drawn at the edge)"] = axis.scatter(
                shown[off], y[off], s=24, marker="x", color="black",
                label="beyond the axis (drawn at the edge)")
        if movers is not None:
            lab = movers[(movers["dataset"] == dataset) & (movers["level"] == level)]
            for r in lab.itertuples(index=False):
                if np.isfinite(r.ratio_to_full) and r.display_name in ypos:
                    axis.annotate(f"{short_task(str(r.dropped))} ({ratio_text(r.ratio_to_full)})",
                                  (1.01, ypos[r.display_name]),
                                  xycoords=("axes fraction", "data"), fontsize=7, va="center")
        full = sub.groupby("display_name")["full_p50_min"].first()
        for name in full.index[~np.isfinite(full.to_numpy(float))]:
            axis.annotate("no fit on all tasks", (0.5, ypos[name]), xycoords=("axes fraction", "data"),
                          fontsize=7, va="center", ha="center", color="#444444")
        axis.axvline(1.0, color="black", lw=0.8)
        axis.set_xscale("log", base=2)
        axis.set_xlim(1 / limit / 1.02, limit * 1.02)
        axis.xaxis.set_major_locator(mticker.FixedLocator(ratio_ticks(span)))
        axis.xaxis.set_major_formatter(mticker.FuncFormatter(_ratio_label))
        axis.xaxis.set_minor_locator(mticker.NullLocator())
        axis.set_yticks(range(len(order)), order, fontsize=8)
        axis.set_ylim(len(order) - 0.5, -0.5)
        axis.set_title(f"{dataset}: drop one {level} (right: the largest mover)", fontsize="medium")
        axis.set_xlabel("50% horizon without the dropped unit ÷ on all tasks (log scale)")
        axis.set_ylabel("model (by full p50)")
        axis.grid(True, axis="x", alpha=0.3)
    if handles:
        fig.legend(list(handles.values()), list(handles), loc="outside lower center",
                   ncols=len(handles), fontsize="small", frameon=False)
    return fig


def plot_calibration(by_bucket: pd.DataFrame, by_source: pd.DataFrame):
    """Observed against predicted success, per length bucket (left) and task source (right).

    Parameters
    ----------
    by_bucket, by_source : outputs of
    :func:`horizonlib.analyses.breakdowns.calibration.calibration`.
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
