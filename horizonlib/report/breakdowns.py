"""Presentation layer: the breakdowns chapter's sentences and display tables, from
horizonlib.analyses.breakdowns's results.

Job: turn the tables of :mod:`horizonlib.analyses.breakdowns` into what the chapter shows and quotes:
horizons and RE-Bench means as text with units and confidence intervals
(:func:`format_minutes`, :func:`format_interval`, :func:`subset_text`), text tables of the
models a question is about (:func:`focus_fit_table`, :func:`focus_rebench_table`,
:func:`compact_fit_table`, :func:`prediction_display`), notes on absent models
(:func:`missing_note`, :func:`missing_models_note`), the rows a figure shows
(:func:`figure_fits`) and every number the prose quotes (:func:`chapter_numbers`,
:func:`calibration_numbers`). Nothing is computed here that the analyses module does not
already give; :mod:`horizonlib.analyses.breakdowns` never imports this module.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from horizonlib.analyses.breakdowns.influence import top_movers
from horizonlib.analyses.breakdowns.selection import (
    ALL_TASKS,
    MIN_LOG2_SPREAD,
    MODEL_KEY,
    REBENCH,
    REBENCH_ONLY,
    WITHOUT_REBENCH,
    missing_models,
    without_label,
)
from horizonlib.analyses.breakdowns.subsets import kernel_models, prediction_table
from horizonlib.common.text import count_of, ratio_text, verb_for  # noqa: F401  (used by chapters' modules)


def missing_note(wanted: Sequence[str], runs: pd.DataFrame, datasets: Sequence[str], what: str) -> str:
    """A markdown note naming the models of ``wanted`` absent from ``runs`` ('' if none is).

    Parameters
    ----------
    wanted : display names the chapter's question is about.
    runs : the table searched.
    datasets : names of the configured datasets (quoted in the note).
    what : what the data would have been used for (e.g. "RE-Bench scores").
    """
    missing = missing_models(wanted, runs)
    if not missing:
        return ""
    names = ", ".join(f"**{m}**" for m in missing)
    verb = "is" if len(missing) == 1 else "are"
    return (f"**Note.** {names} {verb} not in the configured run data "
            f"({', '.join(map(str, datasets))}), so this page has no {what} for "
            f"{'it' if len(missing) == 1 else 'them'}; every statement about "
            f"{'it' if len(missing) == 1 else 'them'} below is absent, not zero.")


def format_minutes(value: float) -> str:
    """Minutes as readable text: ``"4.5 min"``, ``"45 min"``, ``"2.3 h"``; ``"n/a"`` for NaN."""
    if value is None or not np.isfinite(value):
        return "n/a"
    if value < 10:
        return f"{value:.1f} min"
    return f"{value:.0f} min" if value < 90 else f"{value / 60:.1f} h"


def _minutes_in_unit(value: float, unit: str) -> str:
    """A number of minutes expressed in ``unit`` ("min" or "h"), without the unit."""
    if unit == "h":
        return f"{value / 60:.1f}"
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def format_interval(est: float, lo: float, hi: float, fmt=None, level: str = "95% CI") -> str:
    """``"2.0 h (95% CI 1.3 to 3.4 h)"``: estimate and interval in one unit (CI omitted when NaN).

    Parameters
    ----------
    est, lo, hi : minutes (or, with ``fmt``, any quantity ``fmt`` formats).
    fmt : optional formatter of one number (default: minutes, in the unit the estimate reads
        best in, minutes below 90 min and hours above).
    level : name of the interval.
    """
    if est is None or not np.isfinite(est):
        return "n/a"
    has_ci = lo is not None and hi is not None and np.isfinite(lo) and np.isfinite(hi)
    if fmt is not None:
        return f"{fmt(est)} ({level} {fmt(lo)} to {fmt(hi)})" if has_ci else fmt(est)
    if not has_ci:
        return format_minutes(est)
    unit = "min" if est < 90 else "h"
    return (f"{_minutes_in_unit(est, unit)} {unit} ({level} {_minutes_in_unit(lo, unit)} to "
            f"{_minutes_in_unit(hi, unit)} {unit})")


def _score(v: float) -> str:
    return f"{v:.2f}"


#: Short marks of the compact subset-fit table (explained in a footnote under it).
NOT_IDENTIFIED = "n/i"
NO_FIT = "no fit"
NOT_RUN = "—"


def subset_text(row, short: bool = False) -> str:
    """One subset fit as text: the horizon with CI, or why there is none.

    With ``short``, an unidentified fit is ``"n/i"`` and a degenerate one ``"no fit"``;
    otherwise the reason is spelled out with the numbers.
    """
    if row["status"] == "ok":
        return format_interval(row["p50_min"], row["ci_low_min"], row["ci_high_min"])
    if row["status"] == "unidentified":
        if short:
            return NOT_IDENTIFIED
        return (f"unidentified: tasks span {row['log2_spread']:.2f} log2 min "
                f"({row['min_minutes']:.0f} to {row['max_minutes']:.0f} min); weighted success "
                f"{row['weighted_success_rate']:.0%}")
    if short:
        return NO_FIT
    return f"no fit ({row['status'].replace('_', ' ')})"


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
                       *m.loc[ALL_TASKS, ["mean_score", "ci_low", "ci_high"]], fmt=_score)}
            for t, col in zip(drop_tasks, cols[3:]):
                v = without_label(t)
                row[col] = (format_interval(*m.loc[v, ["mean_score", "ci_low", "ci_high"]], fmt=_score)
                            if v in m.index else "not in this set")
            rows.append(row)
    return pd.DataFrame(rows, columns=cols)


def pick_text(table: pd.DataFrame, model: str, column: str, missing: str = "not available") -> str:
    """The cell ``column`` of the first row of ``model`` in a text table (``missing`` if none)."""
    sel = table[table["model"] == model]
    return str(sel[column].iloc[0]) if len(sel) else missing


def rebench_rank_text(means: pd.DataFrame, model: str) -> str:
    """Where ``model`` ranks by all-task RE-Bench mean within each of its task sets, as text.

    E.g. ``"2nd of 18 in th-1-1-rebench (5 RE-Bench tasks)"``; ``"not available"`` when absent.
    """
    full = means[means["variant"] == ALL_TASKS]
    rank = full.groupby("task_set")["mean_score"].rank(ascending=False, method="min")
    size = full.groupby("task_set")["alias"].transform("size")
    sel = full.assign(rank_=rank, n_=size)
    sel = sel[sel["display_name"] == model]
    if sel.empty:
        return "not available"

    def ordinal(k: int) -> str:
        suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
        return f"{k}{suffix}"

    return "; ".join(f"{ordinal(int(r.rank_))} of {int(r.n_)} in {r.task_set}"
                     for r in sel.sort_values("task_set").itertuples(index=False))


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


def calibration_numbers(table: pd.DataFrame, models: Sequence[str]) -> dict[str, str]:
    """What the predicted-against-observed table says, as text for the prose.

    Parameters
    ----------
    table : :func:`prediction_table` output.
    models : display names to quote as examples (those present are quoted).

    Returns
    -------
    dict
        ``n_pred_models`` (models with RE-Bench runs), ``n_overpredicted`` and
        ``n_overpredicted_oos`` (models whose observed success is below the all-task and the
        without-RE-Bench prediction), ``median_gap`` (median of predicted − observed, percentage
        points), ``calib_examples`` ("o3: predicted 24%, observed 15%; …"). Without data every
        value is :data:`horizonlib.report.answers.NOT_AVAILABLE`.
    """
    from horizonlib.common.text import NOT_AVAILABLE

    keys = ["n_pred_models", "n_overpredicted", "n_overpredicted_oos", "median_gap",
            "calib_examples"]
    if table.empty:
        out = dict.fromkeys(keys, NOT_AVAILABLE)
        out["overpredicted_text"] = ("No model has RE-Bench runs to compare with the curves' "
                                     "predictions")
        return out
    over = int((table["predicted_all"] > table["observed"]).sum())
    over_oos = int((table["predicted_without"] > table["observed"]).sum())
    examples = [f"{r.model} ({r.dataset}): predicted {100 * r.predicted_all:.0f}%, observed "
                f"{100 * r.observed:.0f}%"
                for m in models for r in table[table["model"] == m].itertuples(index=False)]
    n = len(table)
    return {"n_pred_models": str(n), "n_overpredicted": str(over),
            "n_overpredicted_oos": str(over_oos),
            "overpredicted_text": (
                f"For {count_of(over, n, 'model with RE-Bench runs', 'models with RE-Bench runs')}"
                " the observed success rate is below the all-task curve's prediction (for "
                f"{count_of(over_oos, n, 'model', 'models')}, below the out-of-sample "
                "prediction)"),
            "median_gap": f"{100 * float(table['gap'].median()):.0f} percentage points",
            "calib_examples": "; ".join(examples) if examples else NOT_AVAILABLE}


def missing_models_note(models: Sequence[str], rebench_runs: pd.DataFrame,
                        rebench_datasets: Sequence[str], runs: pd.DataFrame,
                        datasets: Sequence[str]) -> str:
    """One plain-text note on the question models absent from the configured data.

    A model missing from both tables is named once ("no RE-Bench scores and no horizon fits");
    one missing from only one table is named with what is missing.
    """
    no_rb = set(missing_models(models, rebench_runs))
    no_fit = set(missing_models(models, runs))
    parts = []
    both = [m for m in models if m in no_rb and m in no_fit]
    if both:
        parts.append(f"{', '.join(both)}: not in the configured run files "
                     f"({', '.join(dict.fromkeys(list(rebench_datasets) + list(datasets)))}), so "
                     "this page has no RE-Bench scores and no horizon fits for "
                     f"{'it' if len(both) == 1 else 'them'}.")
    only_rb = [m for m in models if m in no_rb and m not in no_fit]
    if only_rb:
        parts.append(f"{', '.join(only_rb)}: no RE-Bench runs in {', '.join(rebench_datasets)}.")
    only_fit = [m for m in models if m in no_fit and m not in no_rb]
    if only_fit:
        parts.append(f"{', '.join(only_fit)}: no run-level data for a fit in "
                     f"{', '.join(datasets)}.")
    if not parts:
        return "Every model the questions are about is in the configured run files."
    n = len(set(no_rb) | set(no_fit))
    return " ".join(parts) + (" Statements about this model below are absent, not zero." if n == 1
                              else " Statements about these models below are absent, not zero.")


def _range_text(values, fmt) -> str:
    from horizonlib.common.text import NOT_AVAILABLE

    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return NOT_AVAILABLE
    low, high = fmt(v.min()), fmt(v.max())
    return low if low == high else f"{low} to {high}"


def chapter_numbers(
    scores: pd.DataFrame, means: pd.DataFrame, shares: pd.DataFrame, fits: pd.DataFrame,
    influence: pd.DataFrame, cal_source: pd.DataFrame, spread: pd.DataFrame,
    predictions: pd.DataFrame, models: Sequence[str], kernel_task: str | None,
) -> dict[str, str]:
    """Every number the breakdowns chapter's prose quotes, as text with units.

    Parameters
    ----------
    scores, means : :func:`rebench_task_scores`, :func:`rebench_means`.
    shares : :func:`weight_share`.
    fits : :func:`subset_fits` (with the ``without <kernel_task>`` subset).
    influence : :func:`leave_one_out_levels`.
    cal_source : :func:`calibration` by source.
    spread : :func:`rebench_spread`.
    predictions : :func:`rebench_predictions`.
    models : the question's display names; the first is the focus model.
    kernel_task : the task id of the kernel question.

    Returns
    -------
    dict of str -> str
        The same keys in every edition; a number the data cannot give is
        :data:`horizonlib.report.answers.NOT_AVAILABLE`.
    """
    from horizonlib.common.text import NOT_AVAILABLE as NA

    focus = models[0] if len(models) else NA
    fit_focus = focus_fit_table(fits, shares, influence, [focus], kernel_task)
    rebench_focus = focus_rebench_table(means, [focus])
    pick = lambda table, col: pick_text(table, focus, col, NA)  # noqa: E731
    rb_shares = shares[shares["n_rebench_tasks"] > 0]
    rb_only = fits[fits["subset"] == REBENCH_ONLY] if len(fits) else fits
    ran = kernel_models(fits, kernel_task)
    task_movers = top_movers(influence[influence["level"] == "task"], 1) if len(influence) \
        else influence
    rb_gap = cal_source.loc[cal_source["group"] == REBENCH, "gap"].abs()
    pct = lambda v: f"{100 * v:.1f}%"  # noqa: E731
    log2 = lambda v: f"{v:.2f}"  # noqa: E731
    n_rb_sets = scores.groupby(MODEL_KEY).ngroups if len(scores) else 0
    out = {
        "focus": focus,
        "kernel_task": kernel_task or NA,
        "rebench_sets": "; ".join(sorted(scores["task_set"].unique())) if len(scores) else NA,
        "n_rebench_models": str(n_rb_sets),
        "focus_rank": rebench_rank_text(means, focus) if len(means) else NA,
        "focus_rb_mean": pick(rebench_focus, "RE-Bench mean, all tasks"),
        "focus_share": pick(fit_focus, "RE-Bench share of fit weight"),
        "focus_p50_all": pick(fit_focus, "p50, all tasks"),
        "focus_p50_norb": pick(fit_focus, "p50, without RE-Bench"),
        "focus_p50_rb": pick(fit_focus, "p50, RE-Bench only"),
        "focus_p50_nokernel": pick(fit_focus, "p50, without kernel task"),
        "focus_mover": pick(fit_focus, "largest single-task mover"),
        "share_range": _range_text(rb_shares["weight_share"], pct),
        "run_share_max": (NA if rb_shares.empty else f"{100 * rb_shares['run_share'].max():.0f}%"),
        "spread_rb_max": _range_text(spread["rebench_log2_spread"], log2).split(" to ")[-1],
        "spread_rb_factor": (NA if spread.empty else
                             f"{2 ** spread['rebench_log2_spread'].max():.2f}"),
        "spread_all_min": (NA if spread.empty else f"{spread['all_log2_spread'].min():.1f}"),
        "spread_threshold": f"{MIN_LOG2_SPREAD:.1f}",
        "n_rb_only": str(len(rb_only)),
        "n_rb_unidentified": str(int((rb_only["status"] == "unidentified").sum())) if len(rb_only)
        else "0",
        "n_rb_degenerate": str(int(rb_only["status"].isin(["no_successes", "no_failures"]).sum()))
        if len(rb_only) else "0",
        "n_kernel_models": str(len(ran)),
        "kernel_ratio_range": _range_text(ran["ratio_to_all"] if len(ran) else [],
                                          lambda v: f"{v:.2f}"),
        "n_loo_models": str(influence.groupby(MODEL_KEY).ngroups if len(influence) else 0),
        "n_loo_refits": f"{len(influence):,}",
        "n_movers_rebench": str(int((task_movers["task_source"] == REBENCH).sum()))
        if len(task_movers) else "0",
        "n_movers": str(len(task_movers)),
        "median_mover_factor": (NA if task_movers.empty else
                                f"{2 ** task_movers['log2_ratio'].abs().median():.2f}"),
        "rb_gap_max": NA if rb_gap.dropna().empty else f"{100 * rb_gap.max():.0f} percentage points",
    }
    n_movers = len(task_movers)
    n_rb_movers = int((task_movers["task_source"] == REBENCH).sum()) if n_movers else 0
    out["movers_text"] = (
        "The single most influential task is an RE-Bench task for "
        f"{count_of(n_rb_movers, n_movers, 'model')}"
        + (f"; for the median model, dropping its most influential task changes the horizon by "
           f"a factor of {2 ** task_movers['log2_ratio'].abs().median():.2f}."
           if n_movers else "."))
    n_loo = influence.groupby(MODEL_KEY).ngroups if len(influence) else 0
    out["loo_models_text"] = ("the one model with run data" if n_loo == 1 else
                              "each model with run data (there are none)" if n_loo == 0 else
                              f"each of the {n_loo} models with run data")
    out["kernel_models_text"] = ("the one model that ran it" if len(ran) == 1 else
                                 "no model, none having run it" if len(ran) == 0 else
                                 f"the {len(ran)} models that ran it")
    out.update(calibration_numbers(prediction_table(predictions), models))
    return {k: (NA if v in ("not available", "n/a", "") else v) for k, v in out.items()}
