"""Presentation layer: the breakdowns chapter's display tables.

Text tables of the models a question is about (:func:`focus_fit_table`,
:func:`focus_rebench_table`, :func:`compact_fit_table`, :func:`prediction_display`), the rows a
figure shows (:func:`figure_fits`), and the house style of a displayed table (:func:`styled`).
Nothing is computed here that :mod:`horizonlib.analyses.breakdowns` does not already give.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from horizonlib.analyses.breakdowns.influence import top_movers
from horizonlib.analyses.breakdowns.selection import (
    ALL_TASKS,
    MODEL_KEY,
    REBENCH_ONLY,
    WITHOUT_REBENCH,
    without_label,
)
from horizonlib.analyses.breakdowns.subsets import kernel_models
from horizonlib.common.text import ratio_text
from horizonlib.report.breakdowns.wording import NOT_RUN, format_interval, score_text, subset_text


def focus_fit_table(fits: pd.DataFrame, shares: pd.DataFrame, influence: pd.DataFrame,
                    models: Sequence[str], kernel_task: str | None = None) -> pd.DataFrame:
    """Text table of the fit-based numbers for the models a question is about.

    One row per (model, dataset) of ``models`` (display names, in the given order) present in
    ``fits``: RE-Bench weight share, p50 on all tasks / without RE-Bench / RE-Bench only /
    without ``kernel_task`` (with CIs), and the single task whose removal moves p50 most.
    """
    cols = ["model", "dataset", "RE-Bench share of fit weight", "p50, all tasks",
            "p50, without RE-Bench", "p50, RE-Bench only", "p50, without kernel task",
            "largest single-task mover"]
    rows = []
    movers = top_movers(influence[influence["level"] == "task"], 1) if len(influence) else influence
    for model in models:
        sel = fits[fits["display_name"] == model]
        for dataset in sorted(sel["dataset"].unique()):
            f = sel[sel["dataset"] == dataset].set_index("subset")
            share = shares[(shares["dataset"] == dataset) & (shares["display_name"] == model)]
            mv = movers[(movers["dataset"] == dataset) & (movers["display_name"] == model)] \
                if len(movers) else movers
            kernel = without_label(kernel_task) if kernel_task else None
            rows.append({
                "model": model, "dataset": dataset,
                "RE-Bench share of fit weight": (f"{share['weight_share'].iloc[0]:.1%}"
                                                 if len(share) else "n/a"),
                "p50, all tasks": subset_text(f.loc[ALL_TASKS]),
                "p50, without RE-Bench": (subset_text(f.loc[WITHOUT_REBENCH])
                                          if WITHOUT_REBENCH in f.index else "n/a"),
                "p50, RE-Bench only": (subset_text(f.loc[REBENCH_ONLY]) if REBENCH_ONLY in f.index
                                       else "no RE-Bench runs"),
                "p50, without kernel task": (subset_text(f.loc[kernel]) if kernel in f.index
                                             else "did not run it"),
                "largest single-task mover": (
                    f"{mv['dropped'].iloc[0]} ({ratio_text(mv['ratio_to_full'].iloc[0])})"
                    if len(mv) else "n/a"),
            })
    return pd.DataFrame(rows, columns=cols)


def focus_rebench_table(means: pd.DataFrame, models: Sequence[str],
                        drop_tasks: Sequence[str] = ()) -> pd.DataFrame:
    """Text table of RE-Bench means (with CIs) for ``models``, with and without ``drop_tasks``.

    One row per (model, task set); a task not in the model's task set shows "not in this set".
    """
    cols = ["model", "task set", "RE-Bench mean, all tasks"] + [
        f"without {short}" for short in [t.split("/")[0] for t in drop_tasks]]
    rows = []
    for model in models:
        sel = means[means["display_name"] == model]
        for task_set in sorted(sel["task_set"].unique()):
            m = sel[sel["task_set"] == task_set].set_index("variant")
            row = {"model": model, "task set": task_set,
                   "RE-Bench mean, all tasks": format_interval(
                       *m.loc[ALL_TASKS, ["mean_score", "ci_low", "ci_high"]], fmt=score_text)}
            for t, col in zip(drop_tasks, cols[3:]):
                v = without_label(t)
                row[col] = (format_interval(*m.loc[v, ["mean_score", "ci_low", "ci_high"]],
                                            fmt=score_text)
                            if v in m.index else "not in this set")
            rows.append(row)
    return pd.DataFrame(rows, columns=cols)


def styled(table: pd.DataFrame):
    """A text table ready to show: no index column, cells padded so columns never touch."""
    return table.style.hide(axis="index").set_table_styles(
        [{"selector": "td, th", "props": "padding: 0.15em 0.6em; vertical-align: top;"}])


def figure_fits(fits: pd.DataFrame, task: str | None) -> pd.DataFrame:
    """``fits`` without the ``without <task>`` rows of models that never ran ``task``.

    Those rows repeat the all-task fit (same runs), so a figure would show them as a result.
    """
    if not task:
        return fits
    ran = kernel_models(fits, task)
    variant = fits["subset"] == without_label(task)
    keys = pd.MultiIndex.from_frame(fits[MODEL_KEY])
    ran_keys = pd.MultiIndex.from_frame(ran[MODEL_KEY]) if len(ran) else pd.MultiIndex.from_tuples(
        [], names=MODEL_KEY)
    return fits[~variant.to_numpy() | keys.isin(ran_keys)].reset_index(drop=True)


def compact_fit_table(fits: pd.DataFrame, models: Sequence[str],
                      kernel_task: str | None = None) -> pd.DataFrame:
    """Subset fits of ``models`` as a narrow text table (one row per model and dataset).

    Columns: ``model, dataset, all tasks, without RE-Bench, RE-Bench only`` and, with
    ``kernel_task``, ``without <short task name>``; each cell is the 50% horizon with its 95% CI,
    ``"n/i"`` (not identified: the subset's tasks span less than a factor of two in length),
    ``"no fit"`` (no successes or no failures) or ``"—"`` (the model has no runs of that
    subset, or never ran the dropped task).
    """
    ran = kernel_models(fits, kernel_task)
    ran_keys = set(zip(ran["dataset"], ran["alias"]))
    kernel_col = (f"without {kernel_task.split('/')[0].removeprefix('ai_rd_')}"
                  if kernel_task else None)
    subsets = [(ALL_TASKS, ALL_TASKS), (WITHOUT_REBENCH, WITHOUT_REBENCH),
               (REBENCH_ONLY, REBENCH_ONLY)]
    if kernel_task:
        subsets.append((kernel_col, without_label(kernel_task)))
    rows = []
    for model in models:
        sel = fits[fits["display_name"] == model]
        for (dataset, alias), f in sel.groupby(MODEL_KEY, sort=True):
            f = f.set_index("subset")
            row = {"model": model, "dataset": dataset}
            for col, subset in subsets:
                dropped_unrun = subset == without_label(kernel_task or "") and \
                    (dataset, alias) not in ran_keys
                row[col] = (NOT_RUN if subset not in f.index or dropped_unrun
                            else subset_text(f.loc[subset], short=True))
            rows.append(row)
    return pd.DataFrame(rows, columns=["model", "dataset"] + [c for c, _ in subsets])


def prediction_display(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`prediction_table` with percentages as text and readable column names."""
    pct = lambda v: f"{100 * v:.0f}%" if np.isfinite(v) else "n/a"  # noqa: E731
    return pd.DataFrame({
        "model": table["model"], "dataset": table["dataset"],
        "RE-Bench tasks": table["tasks"].astype(int),
        "observed success": table["observed"].map(pct),
        "predicted, curve fitted on all tasks": table["predicted_all"].map(pct),
        "predicted, curve fitted without RE-Bench": table["predicted_without"].map(pct)})
